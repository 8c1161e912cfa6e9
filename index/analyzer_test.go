package index

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/bantrack/bantrack/internal/corpus"
)

// version3Analyzer builds the text analyser of mapping versions 2 and 3:
// bleve's unicode tokenizer and a chain of filters.
func version3Analyzer(t testing.TB) analysis.Analyzer {
	t.Helper()
	im := bleve.NewIndexMapping()
	if err := addVersion3Analyzer(im); err != nil {
		t.Fatal(err)
	}
	return im.AnalyzerNamed("bantrack_text")
}

func addVersion3Analyzer(im *mapping.IndexMappingImpl) error {
	return im.AddCustomAnalyzer("bantrack_text", map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []any{foldFilterName, cjk.BigramName, porter.Name, pairsFilterName},
	})
}

func terms(ts analysis.TokenStream) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t.Term)
	}
	slices.Sort(out)
	return out
}

// TestAnalyzerAgreesWithVersion3 checks that the one-pass analyser gives
// the terms the version 3 chain gave, on the labelled articles and on
// generated ones, so that the switch changed the speed and not what is
// found.
func TestAnalyzerAgreesWithVersion3(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	now := m.AnalyzerNamed(queryAnalyzer) // version 3 dropped stop words too
	old := version3Analyzer(t)

	var texts []string
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "extract", "*", "*.txt"))
	if len(files) < 40 {
		t.Fatalf("found %d labelled articles; want the extract test sets", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	g := corpus.New(7, 200)
	for i := range 200 {
		a := g.Article(i)
		texts = append(texts, a.Title+"\n"+a.Text)
	}
	total, differ := 0, 0
	for i, s := range texts {
		got, want := terms(now.Analyze([]byte(s))), terms(withoutPairs(old.Analyze([]byte(s))))
		total += len(want)
		if !slices.Equal(got, want) {
			extra, missing := diff(got, want)
			differ += len(extra) + len(missing)
			if len(extra)+len(missing) > 0 {
				t.Logf("text %d: extra %q, missing %q", i, first(extra, 8), first(missing, 8))
			}
		}
	}
	t.Logf("%d texts, %d terms, %d differ", len(texts), total, differ)
	if differ > total/1000 {
		t.Errorf("%d of %d terms differ from version 3's analyser; want at most 0.1%%", differ, total)
	}
}

func first(s []string, n int) []string { return s[:min(n, len(s))] }

// diff returns the terms in got and not in want and the other way round,
// counting repeats.
func diff(got, want []string) (extra, missing []string) {
	i, j := 0, 0
	for i < len(got) || j < len(want) {
		switch {
		case j == len(want) || i < len(got) && got[i] < want[j]:
			extra = append(extra, got[i])
			i++
		case i == len(got) || want[j] < got[i]:
			missing = append(missing, want[j])
			j++
		default:
			i++
			j++
		}
	}
	return extra, missing
}

// FuzzTextAnalyzer checks that any input gives terms that are non-empty,
// valid UTF-8 and placed inside the input.
func FuzzTextAnalyzer(f *testing.F) {
	for _, s := range []string{"The Banned products", "Huawei’s U.S. 3,500 e.g. ＦＯＲＴＩＮＥＴ", "对美光公司（Micron）ﾃｽﾄ", "a'b''c.d..e ,1,2,", "\xff\xfe中"} {
		f.Add(s)
	}
	m, err := newMapping()
	if err != nil {
		f.Fatal(err)
	}
	a := m.AnalyzerNamed(textAnalyzer)
	f.Fuzz(func(t *testing.T, s string) {
		for _, tok := range a.Analyze([]byte(s)) {
			if len(tok.Term) == 0 || !utf8.Valid(tok.Term) {
				t.Fatalf("term %q of %q", tok.Term, s)
			}
			if tok.Start < 0 || tok.Start >= tok.End || tok.End > len(s) {
				t.Fatalf("term %q of %q at [%d,%d)", tok.Term, s, tok.Start, tok.End)
			}
		}
	})
}

func BenchmarkTextAnalyzer(b *testing.B) {
	m, err := newMapping()
	if err != nil {
		b.Fatal(err)
	}
	g := corpus.New(3, 500)
	var texts [][]byte
	size := 0
	for i := range 500 {
		a := g.Article(i)
		texts = append(texts, []byte(a.Title+"\n"+a.Text))
		size += len(texts[i])
	}
	for _, c := range []struct {
		name string
		an   analysis.Analyzer
	}{{"onepass", m.AnalyzerNamed(textAnalyzer)}, {"version3", version3Analyzer(b)}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(size))
			for b.Loop() {
				for _, t := range texts {
					c.an.Analyze(t)
				}
			}
		})
	}
}

// withoutPairs drops the word-pair terms version 3 added.
func withoutPairs(ts analysis.TokenStream) analysis.TokenStream {
	var out analysis.TokenStream
	for _, t := range ts {
		if t.Type != analysis.Shingle {
			out = append(out, t)
		}
	}
	return out
}

// TestTextAnalyzerConcurrent analyses the same texts from several
// goroutines at once with one analyser (bleve analyses a batch's documents
// in parallel; the stem cache is shared) and expects the terms of a serial
// run. Run it with -race.
func TestTextAnalyzerConcurrent(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	g := corpus.New(5, 40)
	var texts [][]byte
	for i := range 40 {
		a := g.Article(i)
		texts = append(texts, []byte(a.Title+"\n"+a.Text))
	}
	want := make([][]string, len(texts))
	serial := m.AnalyzerNamed(textAnalyzer)
	for i, s := range texts {
		want[i] = terms(serial.Analyze(s))
	}
	fresh, err := newMapping() // an analyser with an empty stem cache
	if err != nil {
		t.Fatal(err)
	}
	an := fresh.AnalyzerNamed(textAnalyzer)
	errs := make(chan string, 4)
	for w := range 4 {
		go func() {
			for k := range texts {
				i := (k + w*10) % len(texts)
				if got := terms(an.Analyze(texts[i])); !slices.Equal(got, want[i]) {
					errs <- fmt.Sprintf("goroutine %d, text %d: terms differ from a serial run", w, i)
					return
				}
			}
			errs <- ""
		}()
	}
	for range 4 {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}
