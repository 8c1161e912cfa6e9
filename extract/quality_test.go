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

// labelledFields are the fields a label file lists, in the order of the tables.
var labelledFields = []string{"vendors", "agencies", "countries", "dates", "targets", "actions", "doc_numbers"}

// scoreSheet is what Analyze got right and wrong on a set of labelled articles.
type scoreSheet struct {
	files     int
	counts    map[string]*prf
	banRight  int
	negatives int
	langs     map[string]int
	misses    []string
}

// scoreLabelled runs Analyze on every labelled article in files and scores it
// against its labels. A label file without a ban line, a language other than
// en or zh, or no title, date or text fails the test.
func scoreLabelled(t *testing.T, files []string) scoreSheet {
	t.Helper()
	s := scoreSheet{files: len(files), counts: map[string]*prf{}, langs: map[string]int{}}
	for _, f := range labelledFields {
		s.counts[f] = &prf{}
	}
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
		s.langs[l.lang]++
		if !l.ban {
			s.negatives++
		}
		e := Analyze(l.title, l.text, l.published)
		var dates []string
		for _, d := range e.Dates {
			dates = append(dates, d.Date+"|"+d.Precision)
		}
		got := map[string][]string{
			"vendors": e.Vendors, "agencies": e.Agencies, "countries": e.Countries, "dates": dates,
			"targets": e.Ban.Targets, "actions": e.Ban.Actions, "doc_numbers": e.DocNumbers,
		}
		for _, f := range labelledFields {
			want := l.fields[f]
			if f == "doc_numbers" && want == nil && len(got[f]) == 0 {
				continue
			}
			s.counts[f].add(got[f], want)
			if extra, missing := diff(got[f], want); extra != nil || missing != nil {
				s.misses = append(s.misses, fmt.Sprintf("%s %s: extra %q, missing %q", l.file, f, extra, missing))
			}
		}
		if e.Ban.Related == l.ban {
			s.banRight++
		} else {
			s.misses = append(s.misses, fmt.Sprintf("%s ban.related: got %v (score %.2f); want %v", l.file, e.Ban.Related, e.Ban.Score, l.ban))
		}
	}
	return s
}

// accuracy is the share of articles whose ban-related flag is right.
func (s scoreSheet) accuracy() float64 { return float64(s.banRight) / float64(s.files) }

// log writes the table, headed by title, and every miss to the test log.
func (s scoreSheet) log(t *testing.T, title string) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "%s%d articles (%d en, %d zh, %d negatives)\n", title, s.files, s.langs["en"], s.langs["zh"], s.negatives)
	fmt.Fprintf(&b, "%-12s %6s %6s %6s %5s %5s %5s\n", "field", "P", "R", "F1", "tp", "fp", "fn")
	for _, f := range labelledFields {
		c := s.counts[f]
		p, r, f1 := c.scores()
		fmt.Fprintf(&b, "%-12s %6.3f %6.3f %6.3f %5d %5d %5d\n", f, p, r, f1, c.tp, c.fp, c.fn)
	}
	fmt.Fprintf(&b, "%-12s accuracy %.3f (%d/%d)\n", "ban.related", s.accuracy(), s.banRight, s.files)
	t.Log("\n" + b.String())
	for _, m := range s.misses {
		t.Log(m)
	}
}

// TestQuality measures extraction on the labelled articles of testdata/extract/articles and fails
// when a field falls under its bar. Run with -v to see the table and every miss.
func TestQuality(t *testing.T) {
	files := labelledFiles(t)
	if len(files) < 40 {
		t.Fatalf("%d labelled articles; want at least 40", len(files))
	}
	bars := map[string]float64{"vendors": 0.95, "agencies": 0.95, "countries": 0.90, "dates": 0.90, "targets": 0.85}
	s := scoreLabelled(t, files)
	if s.negatives*3 < len(files) {
		t.Errorf("%d of %d labelled articles are negatives; want at least a third", s.negatives, len(files))
	}
	if s.langs["en"] == 0 || s.langs["zh"] == 0 {
		t.Errorf("labelled articles by language = %v; want both en and zh", s.langs)
	}
	for _, f := range labelledFields {
		if _, _, f1 := s.counts[f].scores(); bars[f] > 0 && f1 < bars[f] {
			t.Errorf("%s F1 = %.3f; want at least %.2f", f, f1, bars[f])
		}
	}
	if acc := s.accuracy(); acc < 0.95 {
		t.Errorf("ban-related accuracy = %.3f; want at least 0.95", acc)
	}
	s.log(t, "")
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
