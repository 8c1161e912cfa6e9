package extract

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestHeldOut measures extraction on testdata/extract/heldout, articles written and labelled
// after the rules were tuned and never used to tune them. It is a measurement, not a gate: low
// scores do not fail it, but a set smaller than 16 articles or a label file that does not parse
// does. Run with -v to see the table and every miss.
func TestHeldOut(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "extract", "heldout", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 16 {
		t.Fatalf("%d held-out articles; want at least 16", len(files))
	}
	fields := []string{"vendors", "agencies", "countries", "dates", "targets", "actions", "doc_numbers"}
	counts := map[string]*prf{}
	for _, f := range fields {
		counts[f] = &prf{}
	}
	banRight, negatives, langs := 0, 0, map[string]int{}
	var misses []string
	for _, file := range files {
		l := readLabelled(t, file)
		if !l.hasBan {
			t.Fatalf("%s: no ban: line", l.file)
		}
		if l.lang != "en" && l.lang != "zh" {
			t.Fatalf("%s: lang = %q; want en or zh", l.file, l.lang)
		}
		if l.published.IsZero() || l.title == "" || strings.TrimSpace(l.text) == "" {
			t.Fatalf("%s: want title, published and text", l.file)
		}
		langs[l.lang]++
		if !l.ban {
			negatives++
		}
		e := Analyze(l.title, l.text, l.published, l.lang)
		var dates []string
		for _, d := range e.Dates {
			dates = append(dates, d.Date+"|"+d.Precision)
		}
		got := map[string][]string{
			"vendors": e.Vendors, "agencies": e.Agencies, "countries": e.Countries, "dates": dates,
			"targets": e.Ban.Targets, "actions": e.Ban.Actions, "doc_numbers": e.DocNumbers,
		}
		for _, f := range fields {
			want := l.fields[f]
			if f == "doc_numbers" && want == nil && len(got[f]) == 0 {
				continue
			}
			counts[f].add(got[f], want)
			if extra, missing := diff(got[f], want); extra != nil || missing != nil {
				misses = append(misses, fmt.Sprintf("%s %s: extra %q, missing %q", l.file, f, extra, missing))
			}
		}
		if e.Ban.Related == l.ban {
			banRight++
		} else {
			misses = append(misses, fmt.Sprintf("%s ban.related: got %v (score %.2f); want %v", l.file, e.Ban.Related, e.Ban.Score, l.ban))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "held-out: %d articles (%d en, %d zh, %d negatives)\n", len(files), langs["en"], langs["zh"], negatives)
	fmt.Fprintf(&b, "%-12s %6s %6s %6s %5s %5s %5s\n", "field", "P", "R", "F1", "tp", "fp", "fn")
	for _, f := range fields {
		c := counts[f]
		p, r, f1 := c.scores()
		fmt.Fprintf(&b, "%-12s %6.3f %6.3f %6.3f %5d %5d %5d\n", f, p, r, f1, c.tp, c.fp, c.fn)
	}
	acc := float64(banRight) / float64(len(files))
	fmt.Fprintf(&b, "%-12s accuracy %.3f (%d/%d)\n", "ban.related", acc, banRight, len(files))
	t.Log("\n" + b.String())
	for _, m := range misses {
		t.Log(m)
	}
}
