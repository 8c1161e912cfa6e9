package index

import (
	"slices"
	"strings"
	"testing"
)

func TestTextAnalyzer(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	coded := m.AnalyzerNamed(textAnalyzer)
	if coded == nil {
		t.Fatalf("analyzer %s not found", textAnalyzer)
	}
	a := exactPairs(coded)
	tests := []struct {
		in   string
		want []string
	}{
		{"The Banned products", []string{"ban", "product", "ban product"}},
		{"Fortinet's firewalls", []string{"fortinet", "firewal", "fortinet firewal"}},
		{"Huawei’s BANS", []string{"huawei", "ban", "huawei ban"}},
		{"Ministry of Commerce", []string{"ministri", "commerc", "ministri commerc"}},
		{"ＦＯＲＴＩＮＥＴ", []string{"fortinet"}},
		{"网络安全审查", []string{"网络", "络安", "安全", "全审", "审查"}},
		{"对美光公司", []string{"对美", "美光", "光公", "公司"}},
		{"Micron（美光）", []string{"micron", "美光"}},
		{"ﾃｽﾄ", []string{"テス", "スト"}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			var got []string
			for _, tok := range a.Analyze([]byte(tc.in)) {
				got = append(got, string(tok.Term))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Analyze(%q) = %q; want %q", tc.in, got, tc.want)
			}
			// The index's analyser gives the same terms, with each
			// pair replaced by its code.
			var codes []string
			for _, w := range tc.want {
				if a, b, ok := strings.Cut(w, pairSep); ok {
					var tk tokenizer
					w = string(tk.pairTerm([]byte(a), []byte(b)))
				}
				codes = append(codes, w)
			}
			got = got[:0]
			for _, tok := range coded.Analyze([]byte(tc.in)) {
				got = append(got, string(tok.Term))
			}
			if !slices.Equal(got, codes) {
				t.Errorf("coded Analyze(%q) = %q; want %q", tc.in, got, codes)
			}
		})
	}
}
