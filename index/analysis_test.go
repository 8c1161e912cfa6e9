package index

import (
	"slices"
	"testing"
)

func TestTextAnalyzer(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	a := m.AnalyzerNamed(textAnalyzer)
	if a == nil {
		t.Fatalf("analyzer %s not found", textAnalyzer)
	}
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
		})
	}
}
