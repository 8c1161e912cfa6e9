package index

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	_ "github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	_ "github.com/blevesearch/bleve/v2/analysis/token/porter"
	_ "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// This file keeps the token filters of mapping versions 2 and 3, whose text
// analyser was bleve's unicode tokenizer followed by bantrack_fold,
// cjk_bigram, stemmer_porter and bantrack_pairs. An index stores its mapping
// and bleve rebuilds the analyser from it on open, so these must stay
// registered (with the bleve components imported above) for Reindex to read
// an index built under those versions.

// foldFilterName is the token filter that does, in one pass, what
// cjk_width, possessive_en, to_lower and stop_en do in four: fold
// full-width Latin letters and digits to ASCII (and half-width katakana to
// full-width), drop an English possessive 's, lower the case and remove
// English stop words. ASCII tokens, nearly all of English text, take a path
// that allocates only when a token has capitals.
const foldFilterName = "bantrack_fold"

// pairsFilterName is the token filter that adds, after the words, each pair
// of neighbouring Latin words as one more term ("export control"), at the
// first word's position and spanning both. A quoted phrase is then searched
// as the conjunction of its pairs: a lookup per pair instead of a check of
// positions in every document holding the words, which made common phrases
// take hundreds of milliseconds on 100,000 documents.
const pairsFilterName = "bantrack_pairs"

// pairSep joins the two words of a pair term.
const pairSep = " "

// The registry is bleve's, filled once at start-up like bleve's own filters.
func init() {
	registry.RegisterTokenFilter(pairsFilterName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return pairsFilter{}, nil
	})
	registry.RegisterTokenFilter(foldFilterName, func(_ map[string]any, cache *registry.Cache) (analysis.TokenFilter, error) {
		stop, width, err := foldParts(cache)
		if err != nil {
			return nil, err
		}
		return &foldFilter{stop: stop, width: width}, nil
	})
}

// foldParts returns what folding needs from bleve: the English stop words
// and the filter that widens half-width katakana.
func foldParts(cache *registry.Cache) (analysis.TokenMap, analysis.TokenFilter, error) {
	stop, err := cache.TokenMapNamed(en.StopName)
	if err != nil {
		return nil, nil, err
	}
	width, err := cache.TokenFilterNamed(cjk.WidthName)
	if err != nil {
		return nil, nil, err
	}
	return stop, width, nil
}

type foldFilter struct {
	stop  analysis.TokenMap
	width analysis.TokenFilter
}

func (f *foldFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	out := input[:0]
	for _, tok := range input {
		if isASCII(tok.Term) {
			tok.Term = foldASCII(tok.Term)
		} else {
			tok.Term = f.foldUnicode(tok)
		}
		if len(tok.Term) == 0 || f.stop[string(tok.Term)] {
			continue
		}
		out = append(out, tok)
	}
	return out
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldASCII drops a final 's and lowers the case, copying only when a
// letter changes (the term may share memory with the document).
func foldASCII(t []byte) []byte {
	if n := len(t); n >= 2 && (t[n-1] == 's' || t[n-1] == 'S') && t[n-2] == '\'' {
		t = t[:n-2]
	}
	upper := false
	for _, c := range t {
		if 'A' <= c && c <= 'Z' {
			upper = true
			break
		}
	}
	if !upper {
		return t
	}
	out := make([]byte, len(t))
	for i, c := range t {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

func (f *foldFilter) foldUnicode(tok *analysis.Token) []byte {
	t := tok.Term
	halfKana := false
	var b []byte
	for i := 0; i < len(t); {
		r, size := utf8.DecodeRune(t[i:])
		switch {
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			r -= 0xFEE0
		case r >= 0xFF65 && r <= 0xFF9F:
			halfKana = true
		}
		b = utf8.AppendRune(b, unicode.ToLower(r))
		i += size
	}
	if halfKana {
		tok.Term = b
		f.width.Filter(analysis.TokenStream{tok})
		b = tok.Term
	}
	// Possessives: 's after any apostrophe, the ASCII one folded above.
	for _, suffix := range [][]byte{[]byte("'s"), []byte("’s")} {
		if bytes.HasSuffix(b, suffix) {
			b = b[:len(b)-len(suffix)]
			break
		}
	}
	return b
}

type pairsFilter struct{}

func isWordToken(t *analysis.Token) bool {
	return t.Type == analysis.AlphaNumeric || t.Type == analysis.Numeric
}

func (pairsFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	n := len(input)
	for i := 1; i < n; i++ {
		a, b := input[i-1], input[i]
		if !isWordToken(a) || !isWordToken(b) {
			continue
		}
		term := make([]byte, 0, len(a.Term)+len(pairSep)+len(b.Term))
		term = append(append(append(term, a.Term...), pairSep...), b.Term...)
		input = append(input, &analysis.Token{
			Term:     term,
			Start:    a.Start,
			End:      b.End,
			Position: a.Position,
			Type:     analysis.Shingle,
		})
	}
	return input
}
