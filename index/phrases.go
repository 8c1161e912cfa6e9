package index

import (
	"bytes"
	"context"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// A phrase is what a quoted phrase, or an unquoted Chinese word, looks for:
// terms at consecutive positions of one field. textAnalyzer skips a position
// at every sentence end, so consecutive positions lie in one sentence.
type phrase []phraseSlot

// phraseSlot is one position of a phrase: any of its terms may stand there.
type phraseSlot struct {
	terms []string
	cut   cutKind // which part of a bigram a highlight marks
}

// cutKind says which character of a bigram term a lone character of the
// phrase stands for.
type cutKind int

const (
	cutNone  cutKind = iota // the whole term
	cutLast                 // its last character (the phrase starts with it)
	cutFirst                // its first character (the phrase ends with it)
	cutChar                 // the character c wherever it is (the phrase is that one character)
)

// termLister lists the terms of a field that start with, or are two CJK
// characters ending with, a given character.
type termLister interface {
	withPrefix(field, prefix string) []string
	bigramsEndingWith(field, char string) []string
}

// buildPhrase turns the text of a phrase into a phrase of field. Its terms
// are those textAnalyzer gives the text, stop words included. A phrase
// whose text spans a sentence end can match nothing: none is returned with
// ok false, as for a text with no terms at all.
//
// A Chinese run of the phrase is matched through its bigrams, which are
// consecutive in the document wherever the characters stand together. A
// lone character is a unigram term only when it stands alone in the
// document too; at the start of a longer phrase it may also end a longer
// run of the document (any bigram ending with it), at the end start one,
// and a phrase of that one character matches any bigram holding it.
func buildPhrase(an analysis.Analyzer, text, field string, terms termLister) (p phrase, ok bool) {
	toks := an.Analyze([]byte(foldWidth(text)))
	if len(toks) == 0 {
		return nil, false
	}
	for i := 1; i < len(toks); i++ {
		if toks[i].Position != toks[i-1].Position+1 {
			return nil, false // spans a sentence end
		}
	}
	p = make(phrase, len(toks))
	for i, t := range toks {
		p[i] = phraseSlot{terms: []string{string(t.Term)}}
	}
	lone := func(t *analysis.Token) bool {
		return t.Type == analysis.Ideographic && utf8.RuneCount(t.Term) == 1 && isCJKTerm(t.Term)
	}
	first, last := toks[0], toks[len(toks)-1]
	switch {
	case len(toks) == 1 && lone(first):
		c := string(first.Term)
		alts := append(p[0].terms, terms.withPrefix(field, c)...)
		alts = append(alts, terms.bigramsEndingWith(field, c)...)
		p[0] = phraseSlot{terms: dedupe(alts), cut: cutChar}
	case len(toks) > 1:
		if lone(first) {
			c := string(first.Term)
			p[0] = phraseSlot{terms: dedupe(append(p[0].terms, terms.bigramsEndingWith(field, c)...)), cut: cutLast}
		}
		if lone(last) {
			c := string(last.Term)
			n := len(p) - 1
			p[n] = phraseSlot{terms: dedupe(append(p[n].terms, bigramsOnly(terms.withPrefix(field, c))...)), cut: cutFirst}
		}
	}
	return p, true
}

// query returns the bleve query for p in field.
func (p phrase) query(field string, boost *query.Boost) query.Query {
	if len(p) == 1 {
		var ds []query.Query
		for _, t := range p[0].terms {
			tq := query.NewTermQuery(t)
			tq.SetField(field)
			tq.BoostVal = boost
			ds = append(ds, tq)
		}
		if len(ds) == 1 {
			return ds[0]
		}
		return query.NewDisjunctionQuery(ds)
	}
	multi := false
	terms := make([][]string, len(p))
	flat := make([]string, len(p))
	for i, s := range p {
		terms[i] = s.terms
		flat[i] = s.terms[0]
		multi = multi || len(s.terms) > 1
	}
	if multi {
		q := query.NewMultiPhraseQuery(terms, field)
		q.BoostVal = boost
		return q
	}
	q := query.NewPhraseQuery(flat, field)
	q.BoostVal = boost
	return q
}

func dedupe(s []string) []string {
	seen := make(map[string]bool, len(s))
	out := s[:0]
	for _, t := range s {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// bigramsOnly keeps the terms of two CJK characters.
func bigramsOnly(ts []string) []string {
	var out []string
	for _, t := range ts {
		if utf8.RuneCountInString(t) == 2 && isCJKTerm([]byte(t)) {
			out = append(out, t)
		}
	}
	return out
}

func isCJKTerm(b []byte) bool {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if !isCJK(r) {
			return false
		}
		b = b[size:]
	}
	return true
}

// snapshotTerms is a termLister reading a snapshot's term dictionaries; on
// an error it lists nothing.
type snapshotTerms struct {
	ctx  context.Context
	snap bleveindex.IndexReader
}

func (s snapshotTerms) withPrefix(field, prefix string) []string {
	d, err := s.snap.FieldDictPrefix(field, []byte(prefix))
	if err != nil {
		return nil
	}
	defer d.Close()
	var out []string
	for e, err := d.Next(); err == nil && e != nil; e, err = d.Next() {
		out = append(out, e.Term)
	}
	return out
}

// bigramsEndingWith reads the CJK part of the dictionary: every term from
// the first CJK character on. It is slow on a large index (a scan of the
// Chinese bigrams), and asked only for a phrase that starts, or is, one
// Chinese character.
func (s snapshotTerms) bigramsEndingWith(field, char string) []string {
	d, err := s.snap.FieldDictRange(field, []byte("\u2e80"), []byte("\U0010ffff"))
	if err != nil {
		return nil
	}
	defer d.Close()
	suffix := []byte(char)
	var out []string
	for e, err := d.Next(); err == nil && e != nil; e, err = d.Next() {
		if len(e.Term) > len(char) && bytes.HasSuffix([]byte(e.Term), suffix) && utf8.RuneCountInString(e.Term) == 2 && isCJKTerm([]byte(e.Term)) {
			out = append(out, e.Term)
		}
		if err := s.ctx.Err(); err != nil {
			return out
		}
	}
	return out
}

// phraseSpans returns where the phrases occur in toks (the terms of one
// passage, in order of position), as byte offsets of the passage: exactly
// the terms that matched, a lone character's part of a bigram only.
func phraseSpans(toks analysis.TokenStream, ps []phrase) []span {
	var out []span
	for _, p := range ps {
		if len(p) == 0 {
			continue
		}
		for i := 0; i+len(p) <= len(toks); i++ {
			ok := true
			for j, s := range p {
				t := toks[i+j]
				if t.Position != toks[i].Position+j || !containsTerm(s.terms, t.Term) {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			sp := span{cutStart(toks[i], p[0]), cutEnd(toks[i+len(p)-1], p[len(p)-1])}
			if sp.start < sp.end {
				out = append(out, sp)
			}
		}
	}
	return out
}

func containsTerm(ts []string, t []byte) bool {
	for _, s := range ts {
		if s == string(t) {
			return true
		}
	}
	return false
}

// cutStart is where the highlight of t starts, in the first slot s.
func cutStart(t *analysis.Token, s phraseSlot) int {
	if utf8.RuneCount(t.Term) != 2 || t.End-t.Start != len(t.Term) {
		return t.Start
	}
	_, first := utf8.DecodeRune(t.Term)
	switch s.cut {
	case cutLast:
		return t.Start + first
	case cutChar:
		if containsTerm(s.terms[:1], t.Term[first:]) && !containsTerm(s.terms[:1], t.Term[:first]) {
			return t.Start + first
		}
	}
	return t.Start
}

// cutEnd is where the highlight of t ends, in the last slot s.
func cutEnd(t *analysis.Token, s phraseSlot) int {
	if utf8.RuneCount(t.Term) != 2 || t.End-t.Start != len(t.Term) {
		return t.End
	}
	_, first := utf8.DecodeRune(t.Term)
	switch s.cut {
	case cutFirst:
		return t.Start + first
	case cutChar:
		if containsTerm(s.terms[:1], t.Term[:first]) {
			return t.Start + first
		}
	}
	return t.End
}
