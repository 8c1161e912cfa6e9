package index

import (
	"errors"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2/search/query"
)

// ErrQuerySyntax is wrapped by every QueryError.
var ErrQuerySyntax = errors.New("query syntax")

// QueryError is a query string that does not parse: what is wrong, and where (Pos is the 1-based
// character position in the query, 0 when the parser could not say).
type QueryError struct {
	Query string
	Pos   int
	Msg   string
}

func (e *QueryError) Error() string {
	if e.Pos > 0 {
		return fmt.Sprintf("query syntax: %s at position %d of %q", e.Msg, e.Pos, e.Query)
	}
	return fmt.Sprintf("query syntax: %s in %q", e.Msg, e.Query)
}

func (e *QueryError) Unwrap() error { return ErrQuerySyntax }

// CheckQuery reports what is wrong in a query string, and where, as a *QueryError; nil when it
// parses. bleve's parser says only "syntax error", so the common mistakes are found here first.
func CheckQuery(q string) error {
	chars := []rune(q)
	inQuote, quoteAt := false, 0
	for i := 0; i < len(chars); i++ {
		c := chars[i]
		if inQuote {
			switch c {
			case '\\':
				i++
			case '"':
				inQuote = false
			}
			continue
		}
		atTermStart := i == 0 || isQuerySpace(chars[i-1])
		switch {
		case c == '\\':
			i++
		case c == '"':
			inQuote, quoteAt = true, i+1
		case c == '(' || c == ')':
			return &QueryError{Query: q, Pos: i + 1, Msg: "parentheses do not group words here; " + operatorHint}
		case atTermStart && isOperatorWord(chars[i:]):
			return &QueryError{Query: q, Pos: i + 1, Msg: fmt.Sprintf("%s is not an operator here; %s", operatorWord(chars[i:]), operatorHint)}
		case (c == '+' || c == '-') && atTermStart:
			if i+1 >= len(chars) || isQuerySpace(chars[i+1]) {
				return &QueryError{Query: q, Pos: i + 1, Msg: fmt.Sprintf("%q must stand right before a word or phrase", c)}
			}
		case c == ':':
			if i == 0 || isQuerySpace(chars[i-1]) {
				return &QueryError{Query: q, Pos: i + 1, Msg: `":" needs a field name before it (e.g. vendors:micron)`}
			}
			if i+1 >= len(chars) || isQuerySpace(chars[i+1]) {
				return &QueryError{Query: q, Pos: i + 1, Msg: `":" needs a value after it (e.g. vendors:micron)`}
			}
		case c == '^':
			j := i + 1
			for j < len(chars) && (chars[j] >= '0' && chars[j] <= '9' || chars[j] == '.') {
				j++
			}
			if j == i+1 && (j >= len(chars) || isQuerySpace(chars[j])) {
				return &QueryError{Query: q, Pos: i + 1, Msg: `"^" needs a number after it (a boost, e.g. huawei^2)`}
			}
			if j < len(chars) && !isQuerySpace(chars[j]) {
				return &QueryError{Query: q, Pos: j + 1, Msg: `a boost is a number (e.g. huawei^2)`}
			}
		}
	}
	if inQuote {
		return &QueryError{Query: q, Pos: quoteAt, Msg: "this quote is never closed"}
	}
	if _, err := query.NewQueryStringQuery(q).Parse(); err != nil {
		msg := strings.TrimPrefix(err.Error(), "parse error: ")
		return &QueryError{Query: q, Msg: msg}
	}
	return nil
}

// operatorHint says how to write what AND, OR, NOT and parentheses mean elsewhere.
const operatorHint = `write +word for a word that must be there, -word for one that must not (quote AND, OR or NOT to search for the word)`

// operatorWord returns the word at the start of chars, up to a space.
func operatorWord(chars []rune) string {
	end := 0
	for end < len(chars) && !isQuerySpace(chars[end]) {
		end++
	}
	return string(chars[:end])
}

// isOperatorWord reports whether chars start with AND, OR or NOT (upper case, as other search
// engines write them) standing as a word of its own, which bleve would search as a plain word.
func isOperatorWord(chars []rune) bool {
	switch operatorWord(chars) {
	case "AND", "OR", "NOT", "&&", "||":
		return true
	}
	return false
}

func isQuerySpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u3000'
}
