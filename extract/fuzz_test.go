package extract

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bantrack/bantrack/article"
)

func FuzzAnalyze(f *testing.F) {
	for _, file := range labelledFiles(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		_, body, _ := strings.Cut(string(data), "\n---\n")
		f.Add("", body, int64(1768377600))
	}
	f.Add("ＶＭｗａｒｅ", "2023年13月1日 〔2025〕号 Palo Alto, California. \xff\xfe 上月", int64(0))
	f.Add("Inc.", "including , and Corp. -owned", int64(-1))
	f.Fuzz(func(t *testing.T, title, text string, unix int64) {
		var pub time.Time
		if unix > 0 && unix < 4102444800 {
			pub = time.Unix(unix, 0).UTC()
		}
		e := Analyze(title, text, pub)
		check := func(field string, list []string) {
			for _, s := range list {
				if !utf8.ValidString(s) {
					t.Errorf("%s holds invalid UTF-8 %q", field, s)
				}
			}
		}
		check("vendors", e.Vendors)
		check("agencies", e.Agencies)
		check("countries", e.Countries)
		check("doc_numbers", e.DocNumbers)
		check("candidates", e.Candidates)
		check("evidence", e.Ban.Evidence)
		for _, d := range e.Dates {
			if !utf8.ValidString(d.Text) {
				t.Errorf("date text %q is invalid UTF-8", d.Text)
			}
			layout := map[string]string{article.PrecisionDay: "2006-01-02", article.PrecisionMonth: "2006-01", article.PrecisionYear: "2006"}[d.Precision]
			if layout == "" {
				t.Errorf("date %+v: bad precision", d)
				continue
			}
			if _, err := time.Parse(layout, d.Date); err != nil {
				t.Errorf("date %+v: %v", d, err)
			}
		}
		for _, v := range e.Ban.Targets {
			if !slices.Contains(e.Vendors, v) {
				t.Errorf("target %q is not among vendors %q", v, e.Vendors)
			}
		}
		if e.Ban.Score < 0 || e.Ban.Score > 1 {
			t.Errorf("ban score %v out of [0, 1]", e.Ban.Score)
		}
		if e.Ban.Related != (len(e.Ban.Evidence) > 0) {
			t.Errorf("ban related %v with %d evidence sentences", e.Ban.Related, len(e.Ban.Evidence))
		}
	})
}
