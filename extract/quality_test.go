package extract

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// prf counts true positives, false positives and false negatives of one field.
type prf struct{ tp, fp, fn int }

func (c *prf) add(got, want []string) {
	for _, g := range got {
		if slices.Contains(want, g) {
			c.tp++
		} else {
			c.fp++
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			c.fn++
		}
	}
}

func (c prf) scores() (p, r, f float64) {
	if c.tp+c.fp > 0 {
		p = float64(c.tp) / float64(c.tp+c.fp)
	} else {
		p = 1
	}
	if c.tp+c.fn > 0 {
		r = float64(c.tp) / float64(c.tp+c.fn)
	} else {
		r = 1
	}
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return p, r, f
}

// TestQuality measures extraction on the labelled articles of testdata/extract/articles and fails
// when a field falls under its bar. Run with -v to see the table and every miss.
func TestQuality(t *testing.T) {
	files := labelledFiles(t)
	if len(files) < 40 {
		t.Fatalf("%d labelled articles; want at least 40", len(files))
	}
	fields := []string{"vendors", "agencies", "countries", "dates", "targets", "actions", "doc_numbers"}
	bars := map[string]float64{"vendors": 0.95, "agencies": 0.95, "countries": 0.90, "dates": 0.90, "targets": 0.85}
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
	if negatives*3 < len(files) {
		t.Errorf("%d of %d labelled articles are negatives; want at least a third", negatives, len(files))
	}
	if langs["en"] == 0 || langs["zh"] == 0 {
		t.Errorf("labelled articles by language = %v; want both en and zh", langs)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d articles (%d en, %d zh, %d negatives)\n", len(files), langs["en"], langs["zh"], negatives)
	fmt.Fprintf(&b, "%-12s %6s %6s %6s %5s %5s %5s\n", "field", "P", "R", "F1", "tp", "fp", "fn")
	for _, f := range fields {
		c := counts[f]
		p, r, f1 := c.scores()
		fmt.Fprintf(&b, "%-12s %6.3f %6.3f %6.3f %5d %5d %5d\n", f, p, r, f1, c.tp, c.fp, c.fn)
		if bar, ok := bars[f]; ok && f1 < bar {
			t.Errorf("%s F1 = %.3f; want at least %.2f", f, f1, bar)
		}
	}
	acc := float64(banRight) / float64(len(files))
	fmt.Fprintf(&b, "%-12s accuracy %.3f (%d/%d)\n", "ban.related", acc, banRight, len(files))
	if acc < 0.95 {
		t.Errorf("ban-related accuracy = %.3f; want at least 0.95", acc)
	}
	t.Log("\n" + b.String())
	for _, m := range misses {
		t.Log(m)
	}
}

// diff returns what got has that want lacks, and what want has that got lacks.
func diff(got, want []string) (extra, missing []string) {
	for _, g := range got {
		if !slices.Contains(want, g) {
			extra = append(extra, g)
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			missing = append(missing, w)
		}
	}
	return extra, missing
}
