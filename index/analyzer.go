package index

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	porterstemmer "github.com/blevesearch/go-porterstemmer"
)

// textAnalyzer is the one analyser for free text, from mapping version 6
// on. In a single pass over the text:
//
//   - Latin words (letters and digits, joined across an apostrophe or a
//     full stop between two of them, and digits across a comma) are folded
//     (full-width to ASCII, lower case, a final 's dropped) and
//     Porter-stemmed. Stop words are kept, so that a quoted phrase holding
//     one ("bans on Huawei") matches that word and no other;
//   - runs of Han, Hiragana and Katakana become overlapping bigrams (a lone
//     character stays a unigram), with half-width Katakana widened;
//   - every term takes the next position, and a sentence end (see
//     sentenceEnd) skips one, so that no phrase of consecutive positions
//     spans two sentences. The fields joined in content() are separated by
//     line breaks, which end a sentence too.
//
// Phrases are matched on these positions (see phrases.go). One field thus
// serves English, Chinese and documents that mix them. Stems are remembered
// per analyser, since news repeats its words.
const textAnalyzer = "bantrack_text_v6"

// queryAnalyzer is textAnalyzer without stop words, for the unquoted words
// of a query: a lone "the" should not match every English document.
const queryAnalyzer = "bantrack_query_v6"

// textAnalyzerV4 is the analyser of mapping versions 4 and 5 (words, stop
// words dropped, and hashed codes of word pairs). An index stores the names
// of its analysers and bleve looks them up on open, so the name stays
// registered; such an index is only ever read for its stored records
// (Reindex), never searched, so the name is given today's analyser.
const textAnalyzerV4 = "bantrack_text_v4"

// stemCacheMax bounds the words an analyser remembers the stems of; later
// new words are stemmed each time.
const stemCacheMax = 200_000

func init() {
	for name, dropStop := range map[string]bool{textAnalyzer: false, textAnalyzerV4: false, queryAnalyzer: true} {
		registry.RegisterAnalyzer(name, func(_ map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
			stop, width, err := foldParts(cache)
			if err != nil {
				return nil, err
			}
			return &textAnalysis{stop: stop, width: width, dropStop: dropStop, stems: &stemCache{m: map[string][]byte{}}}, nil
		})
	}
}

// textAnalysis implements textAnalyzer and queryAnalyzer. It is safe for
// concurrent use.
type textAnalysis struct {
	stop     analysis.TokenMap
	width    analysis.TokenFilter
	dropStop bool // drop English stop words (queryAnalyzer)
	stems    *stemCache
}

// stemCache remembers the Porter stems of words.
type stemCache struct {
	mu sync.RWMutex
	m  map[string][]byte // folded word → stem; values are never modified
}

// Analyze returns the terms of input. Start and End of every term are byte
// offsets into input, so snippets can mark them.
func (a *textAnalysis) Analyze(input []byte) analysis.TokenStream {
	t := tokenizer{a: a, in: input, pos: 1}
	t.slab = make([]analysis.Token, 0, len(input)/5+4)
	t.out = make(analysis.TokenStream, 0, len(input)/4+4)
	for i := 0; i < len(input); {
		c := input[i]
		if c < utf8.RuneSelf {
			switch {
			case isASCIIAlnum(c):
				i = t.word(i)
				continue
			case c == '\n' || c == '!' || c == '?':
				t.sentenceEnd()
			case c == '.' && (i+1 == len(input) || isSpace(input[i+1])) && !(t.abbrev && t.wordEnd == i):
				t.sentenceEnd()
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(input[i:])
		switch {
		case r == '。' || r == '！' || r == '？' || r == '\u2028' || r == '\u2029':
			t.sentenceEnd()
			i += size
		case isCJK(r):
			i = t.cjkRun(i)
		case isLetterOrNumber(r):
			i = t.word(i)
		default:
			i += size
		}
	}
	return t.finish()
}

// tokenizer is the state of one Analyze call.
type tokenizer struct {
	a       *textAnalysis
	in      []byte
	pos     int
	slab    []analysis.Token     // backing store of the tokens, grown in blocks
	out     analysis.TokenStream // words and bigrams, in order
	buf     []byte               // folding buffer
	gap     bool                 // a sentence ended since the last term
	wordEnd int                  // where the last word ended
	abbrev  bool                 // the last word had a full stop inside (U.S, e.g)
}

// sentenceEnd notes the end of a sentence: the next term skips a position.
// A sentence ends at 。！？, ! and ?, at a full stop followed by white space
// or the end of the text unless it closes a word with a full stop inside
// ("U.S. officials"), and at a line break.
func (t *tokenizer) sentenceEnd() { t.gap = true }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func (t *tokenizer) token() *analysis.Token {
	if len(t.slab) == cap(t.slab) {
		t.slab = make([]analysis.Token, 0, 256)
	}
	t.slab = t.slab[:len(t.slab)+1]
	return &t.slab[len(t.slab)-1]
}

func (t *tokenizer) emit(term []byte, start, end int, typ analysis.TokenType) {
	if t.gap {
		t.pos++
		t.gap = false
	}
	tok := t.token()
	*tok = analysis.Token{Term: term, Start: start, End: end, Position: t.pos, Type: typ}
	t.pos++
	t.out = append(t.out, tok)
}

func (t *tokenizer) finish() analysis.TokenStream { return t.out }

// word reads the Latin (or other alphabetic) word that starts at i, emits
// its term unless it is a stop word, and returns where it ends.
func (t *tokenizer) word(i int) int {
	in := t.in
	start := i
	letters := false
	plain := true // ASCII lower case, digits and joiners only: the term is in[start:end]
	t.buf = t.buf[:0]
	for i < len(in) {
		c := in[i]
		if c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z':
				letters = true
			case 'A' <= c && c <= 'Z':
				letters = true
				plain = false
				c += 'a' - 'A'
			case '0' <= c && c <= '9':
			case c == '_':
			case (c == '\'' || c == '.') && joins(in, i, 1, false):
			case c == ',' && joins(in, i, 1, true):
			default:
				return t.finishWord(start, i, letters, plain)
			}
			t.buf = append(t.buf, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(in[i:])
		switch {
		case r >= 0xFF01 && r <= 0xFF5E && isASCIIAlnum(byte(r-0xFEE0)): // full-width
			plain = false
			c := byte(r - 0xFEE0)
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			letters = letters || !('0' <= c && c <= '9')
			t.buf = append(t.buf, c)
		case r == '’' && joins(in, i, size, false):
			plain = false
			t.buf = utf8.AppendRune(t.buf, r)
		case isCJK(r) || !isLetterOrNumber(r) && !unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc):
			return t.finishWord(start, i, letters, plain)
		default:
			plain = false
			letters = letters || !unicode.IsDigit(r)
			t.buf = utf8.AppendRune(t.buf, unicode.ToLower(r))
		}
		i += size
	}
	return t.finishWord(start, i, letters, plain)
}

// joins says whether the joiner of width w at i has a word character on
// both sides (digits on both sides, when digits is set).
func joins(in []byte, i, w int, digits bool) bool {
	if i == 0 || i+w >= len(in) {
		return false
	}
	before, _ := utf8.DecodeLastRune(in[:i])
	after, _ := utf8.DecodeRune(in[i+w:])
	if digits {
		return unicode.IsDigit(before) && unicode.IsDigit(after)
	}
	return isLetterOrNumber(before) && !isCJK(before) && isLetterOrNumber(after) && !isCJK(after)
}

func (t *tokenizer) finishWord(start, end int, letters, plain bool) int {
	term := t.buf
	if n := len(term); n >= 2 && term[n-1] == 's' && term[n-2] == '\'' {
		term = term[:n-2]
	} else if n >= 4 && term[n-1] == 's' && string(term[n-4:n-1]) == "’" {
		term = term[:n-4]
	}
	t.wordEnd, t.abbrev = end, false
	for _, c := range term {
		if c == '.' {
			t.abbrev = true
			break
		}
	}
	if len(term) == 0 || t.a.dropStop && t.a.stop[string(term)] {
		return end
	}
	typ := analysis.Numeric
	if letters {
		typ = analysis.AlphaNumeric
	}
	switch {
	case letters:
		term = t.a.stems.stem(term)
	case plain && len(term) == end-start:
		term = t.in[start:end] // a number as written: share the input
	default:
		term = append([]byte(nil), term...) // t.buf is reused
	}
	t.emit(term, start, end, typ)
	return end
}

// stem returns the Porter stem of a folded word. The result must not be
// modified: it may be shared with other terms.
func (c *stemCache) stem(w []byte) []byte {
	c.mu.RLock()
	s, ok := c.m[string(w)]
	c.mu.RUnlock()
	if ok {
		return s
	}
	s = []byte(string(porterstemmer.StemWithoutLowerCasing([]rune(string(w)))))
	c.mu.Lock()
	if len(c.m) < stemCacheMax {
		c.m[string(w)] = s
	}
	c.mu.Unlock()
	return s
}

// cjkRun emits the bigrams of the run of CJK characters that starts at i and
// returns where it ends.
func (t *tokenizer) cjkRun(i int) int {
	in := t.in
	start := i
	var ends [64]int // rune ends, on the stack for ordinary runs
	rs := ends[:0]
	half := false
	for i < len(in) {
		r, size := utf8.DecodeRune(in[i:])
		if !isCJK(r) {
			break
		}
		half = half || r >= 0xFF65 && r <= 0xFF9F
		i += size
		rs = append(rs, i)
	}
	if half {
		t.widenedRun(start, i)
		return i
	}
	if len(rs) == 1 {
		t.emit(in[start:i], start, i, analysis.Ideographic)
		return i
	}
	from := start
	for k := 0; k+1 < len(rs); k++ {
		t.emit(in[from:rs[k+1]], from, rs[k+1], analysis.Double)
		from = rs[k]
	}
	return i
}

// widenedRun emits the bigrams of a CJK run holding half-width Katakana,
// widened first; their offsets are those of the whole run.
func (t *tokenizer) widenedRun(start, end int) {
	tok := &analysis.Token{Term: append([]byte(nil), t.in[start:end]...)}
	t.a.width.Filter(analysis.TokenStream{tok})
	runes := []rune(string(tok.Term))
	if len(runes) == 1 {
		t.emit(tok.Term, start, end, analysis.Ideographic)
		return
	}
	for k := 0; k+1 < len(runes); k++ {
		t.emit([]byte(string(runes[k:k+2])), start, end, analysis.Double)
	}
}

func isASCIIAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// isCJK says whether r is bigrammed: Han, Hiragana, Katakana (half-width
// too) and the marks that belong to them.
func isCJK(r rune) bool {
	if r < 0x2E80 {
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) ||
		r == 0x30FC || r == 0x3005 || (r >= 0xFF65 && r <= 0xFF9F)
}

// isLetterOrNumber says whether r can be part of a word: a letter or a number
// (CJK characters are handled before this is asked).
func isLetterOrNumber(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIIAlnum(byte(r))
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}
