package extract

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// benchCorpus joins the labelled articles of one language into one text.
func benchCorpus(tb testing.TB, lang string) string {
	tb.Helper()
	var b strings.Builder
	for _, file := range labelledFiles(tb) {
		l := readLabelled(tb, file)
		if l.lang == lang {
			b.WriteString(l.title + "\n\n" + l.text + "\n\n")
		}
	}
	return b.String()
}

// baselineRegexp is the slow way to find every alias: one alternation of all of them, longest
// first, with word boundaries where an alias begins or ends in a Latin letter or digit.
func baselineRegexp(g *Gazetteer) *regexp.Regexp {
	var alts []string
	seen := map[string]bool{}
	for _, p := range g.patterns {
		if p.group > groupCountry || seen[p.norm] {
			continue
		}
		seen[p.norm] = true
		alts = append(alts, p.norm)
	}
	slices.SortFunc(alts, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	for i, a := range alts {
		q := regexp.QuoteMeta(a)
		p := newPattern(groupEntity, 0, a, a)
		if p.left {
			q = `\b` + q
		}
		if p.right {
			q += `\b`
		}
		alts[i] = q
	}
	return regexp.MustCompile(strings.Join(alts, "|"))
}

func benchLangs(b *testing.B, fn func(b *testing.B, text string)) {
	for _, lang := range []string{"en", "zh"} {
		text := benchCorpus(b, lang)
		b.Run(lang, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			fn(b, text)
		})
	}
}

// BenchmarkAutomaton is the automaton's pass alone over normalised text.
func BenchmarkAutomaton(b *testing.B) {
	g := Default()
	benchLangs(b, func(b *testing.B, text string) {
		nt := normalize(text)
		n := 0
		for b.Loop() {
			g.ac.find(nt.s, func(hit) { n++ })
		}
	})
}

// BenchmarkMatch is the whole matching step: normalisation, automaton, boundary and case checks,
// overlap resolution.
func BenchmarkMatch(b *testing.B) {
	g := Default()
	benchLangs(b, func(b *testing.B, text string) {
		for b.Loop() {
			g.scan(normalize(text), text)
		}
	})
}

// BenchmarkRegexpBaseline finds the same aliases with one big regexp alternation.
func BenchmarkRegexpBaseline(b *testing.B) {
	re := baselineRegexp(Default())
	benchLangs(b, func(b *testing.B, text string) {
		nt := normalize(text)
		for b.Loop() {
			re.FindAllStringIndex(nt.s, -1)
		}
	})
}

// BenchmarkAnalyze is the whole analysis of an article.
func BenchmarkAnalyze(b *testing.B) {
	g := Default()
	pub := time.Date(2026, 1, 14, 0, 0, 0, 0, time.UTC)
	benchLangs(b, func(b *testing.B, text string) {
		for b.Loop() {
			g.Analyze("", text, pub)
		}
	})
}
