package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// span is a stretch [start, end) of source text.
type span struct{ start, end int }

// sentences splits src into sentences, in English and Chinese: at line breaks, after 。！？；!?
// and after a full stop that ends a word which is not a known abbreviation and is followed by space
// and a capital, digit, quote or ideograph. Closing quotes and brackets stay with their sentence.
// Spans exclude surrounding white space; empty sentences are dropped.
func sentences(src string) []span {
	var out []span
	start := 0
	emit := func(end int) {
		s, e := start, end
		for s < e {
			r, n := utf8.DecodeRuneInString(src[s:])
			if !unicode.IsSpace(r) {
				break
			}
			s += n
		}
		for e > s {
			r, n := utf8.DecodeLastRuneInString(src[s:e])
			if !unicode.IsSpace(r) {
				break
			}
			e -= n
		}
		if e > s {
			out = append(out, span{s, e})
		}
		start = end
	}
	for i := 0; i < len(src); {
		r, n := utf8.DecodeRuneInString(src[i:])
		switch r {
		case '\n', '\r':
			emit(i)
			i += n
			start = i
			continue
		case '。', '！', '？', '；', '!', '?':
			j := skipClosers(src, i+n)
			emit(j)
			i = j
			continue
		case '.':
			j := skipClosers(src, i+n)
			if endsSentence(src, i, j) {
				emit(j)
				i = j
				continue
			}
		}
		i += n
	}
	emit(len(src))
	return out
}

// skipClosers returns the offset after any closing quotes or brackets at i.
func skipClosers(src string, i int) int {
	for i < len(src) {
		r, n := utf8.DecodeRuneInString(src[i:])
		switch r {
		case '"', '\'', '\u201D', '\u2019', ')', '）', '」', '』', '》', ']':
			i += n
			continue
		}
		break
	}
	return i
}

// endsSentence reports whether the full stop at dot (closers up to after) ends a sentence.
func endsSentence(src string, dot, after int) bool {
	if after >= len(src) {
		return true
	}
	r, n := utf8.DecodeRuneInString(src[after:])
	if !unicode.IsSpace(r) {
		return false
	}
	next := after + n
	for next < len(src) {
		r, n = utf8.DecodeRuneInString(src[next:])
		if !unicode.IsSpace(r) {
			break
		}
		next += n
	}
	if next >= len(src) {
		return true
	}
	r, _ = utf8.DecodeRuneInString(src[next:])
	if !(unicode.IsUpper(r) || unicode.IsDigit(r) || r == '"' || r == '\u201C' || r == '\'' || r == '\u2018' || r >= 0x2E80) {
		return false
	}
	// The word before the dot.
	w := dot
	for w > 0 {
		r, n := utf8.DecodeLastRuneInString(src[:w])
		if unicode.IsSpace(r) || r == '(' || r == '"' || r == '\u201C' {
			break
		}
		w -= n
	}
	word := strings.ToLower(src[w:dot])
	if isAbbreviation(word) {
		return false
	}
	// Initials and dotted abbreviations: "U.S.", "J.", "e.g."
	if utf8.RuneCountInString(word) == 1 || strings.Contains(word, ".") {
		return false
	}
	return true
}

// isAbbreviation reports whether word (lower case, without its dot) is an abbreviation whose full
// stop does not end a sentence.
func isAbbreviation(word string) bool {
	switch word {
	case "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "st", "jr", "sr",
		"inc", "corp", "co", "ltd", "pte", "bhd", "no", "nos", "vs", "etc", "approx", "dept", "fig", "est", "fr", "doc",
		"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec":
		return true
	}
	return false
}
