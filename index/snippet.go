package index

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/bantrack/bantrack/article"
)

// Markers around a highlighted word in Hit.Snippet. They are control
// characters that never occur in a snippet otherwise.
const (
	HighlightStart = "\x02"
	HighlightEnd   = "\x03"
)

// ANSI codes RenderSnippet uses on a terminal: bold yellow, then reset.
const (
	ansiOn  = "\x1b[1;33m"
	ansiOff = "\x1b[0m"
)

// snippetBytes is about how long a snippet is, in bytes of UTF-8 (about 80
// Chinese characters or 40 English words).
const snippetBytes = 240

// snippetLead is how much text is kept before the first highlighted word.
const snippetLead = 60

// RenderSnippet returns s with its highlight markers as ANSI colour when
// color is set, or removed when not.
func RenderSnippet(s string, color bool) string {
	if color {
		return ReplaceMarkers(s, ansiOn, ansiOff)
	}
	return ReplaceMarkers(s, "", "")
}

// ReplaceMarkers returns s with HighlightStart and HighlightEnd replaced by
// open and closing, e.g. "<mark>" and "</mark>" or "«" and "»".
func ReplaceMarkers(s, open, closing string) string {
	return strings.NewReplacer(HighlightStart, open, HighlightEnd, closing).Replace(s)
}

type span struct{ start, end int }

// snippet cuts a one-line passage of a's content around the best cluster of
// the phrases in marks in the first paragraph that has any, marking them; with
// no marks, or none in the body, it is the start of the body (summary or
// text) unmarked. The content is analysed again, paragraph by paragraph
// until one matches, to find the terms: cheaper than keeping term vectors.
func snippet(a article.Article, an analysis.Analyzer, marks []phrase) string {
	c := content(a)
	// Matches in the title are shown as the title; prefer the body's.
	bodyStart := 0
	if a.Title != "" && (a.Summary != "" || a.Text != "") {
		bodyStart = len(foldWidth(a.Title)) + 2
	}
	var spans []span
	if len(marks) > 0 && an != nil {
		spans = firstMatches(c, bodyStart, an, marks)
	}
	if len(spans) == 0 {
		body := cutForward(c, bodyStart, snippetBytes)
		return clean(dropMarkers(body), false, bodyStart+len(body) < len(c))
	}
	spans = mergeSpans(spans)

	// The window starting at the span that covers the most spans wins.
	best, bestN := 0, 0
	for i := range spans {
		n := 0
		for j := i; j < len(spans) && spans[j].end <= spans[i].start+snippetBytes-snippetLead; j++ {
			n++
		}
		if n > bestN {
			best, bestN = i, n
		}
	}
	start := max(bodyStart, spans[best].start-snippetLead)
	start = wordStart(c, start, bodyStart)
	end := min(len(c), start+snippetBytes)
	end = wordEnd(c, end)

	var b strings.Builder
	pos := start
	for _, sp := range spans[best:] {
		if sp.start >= end {
			break
		}
		if sp.end > end {
			end = wordEnd(c, sp.end)
		}
		b.WriteString(dropMarkers(c[pos:sp.start]))
		b.WriteString(HighlightStart)
		b.WriteString(dropMarkers(c[sp.start:sp.end]))
		b.WriteString(HighlightEnd)
		pos = sp.end
	}
	b.WriteString(dropMarkers(c[pos:end]))
	return clean(b.String(), start > bodyStart, end < len(c))
}

// firstMatches returns where the phrases in marks occur in the first line
// (paragraph) of c after bodyStart that has any.
func firstMatches(c string, bodyStart int, an analysis.Analyzer, marks []phrase) []span {
	var spans []span
	for ps := bodyStart; ps < len(c) && len(spans) == 0; {
		pe := strings.IndexByte(c[ps:], '\n')
		if pe < 0 {
			pe = len(c)
		} else {
			pe += ps
		}
		if pe > ps {
			for _, sp := range phraseSpans(an.Analyze([]byte(c[ps:pe])), marks) {
				spans = append(spans, span{ps + sp.start, ps + sp.end})
			}
		}
		ps = pe + 1
	}
	return spans
}

// mergeSpans sorts spans and joins those that overlap or touch (CJK bigrams
// of one word overlap), so a word is marked once.
func mergeSpans(spans []span) []span {
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	out := spans[:1]
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if s.start <= last.end {
			last.end = max(last.end, s.end)
			continue
		}
		out = append(out, s)
	}
	return out
}

// cutForward returns c from start, about n bytes long, ended at a word edge.
func cutForward(c string, start, n int) string {
	if start >= len(c) {
		return ""
	}
	return c[start:wordEnd(c, min(len(c), start+n))]
}

// wordStart moves i back to a rune start, and to the start of the word it is
// in (Latin text; CJK text may start anywhere), but not before floor.
func wordStart(c string, i, floor int) int {
	for i > floor && !utf8.RuneStart(c[i]) {
		i--
	}
	for j := 0; j < 20 && i > floor; j++ {
		r, size := utf8.DecodeLastRuneInString(c[:i])
		if !isWordRune(r) {
			break
		}
		i -= size
	}
	return i
}

// wordEnd moves i forward to a rune start, and past the end of the word it
// is in, by no more than a few bytes.
func wordEnd(c string, i int) int {
	for i < len(c) && !utf8.RuneStart(c[i]) {
		i++
	}
	for j := 0; j < 20 && i < len(c); j++ {
		r, size := utf8.DecodeRuneInString(c[i:])
		if !isWordRune(r) {
			break
		}
		i += size
	}
	return i
}

// isWordRune says whether r is part of a Latin-style word (CJK characters are
// words by themselves).
func isWordRune(r rune) bool {
	if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// clean puts s on one line, keeping its markers, and adds ellipses where text was cut off.
func clean(s string, cutBefore, cutAfter bool) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == '\x02':
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		case r == '\x03':
			b.WriteRune(r)
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = b.Len() > 0
			continue
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		}
	}
	out := b.String()
	if cutBefore && out != "" {
		out = "…" + out
	}
	if cutAfter && out != "" {
		out += "…"
	}
	return out
}

// dropMarkers removes marker characters from document text, so that the
// only ones in a snippet are those snippet puts there.
func dropMarkers(s string) string {
	if !strings.ContainsAny(s, HighlightStart+HighlightEnd) {
		return s
	}
	return strings.NewReplacer(HighlightStart, "", HighlightEnd, "").Replace(s)
}
