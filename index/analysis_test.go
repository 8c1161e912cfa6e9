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
	type term struct {
		t   string
		pos int
	}
	tests := []struct {
		in   string
		want []term
	}{
		{"The Banned products", []term{{"the", 1}, {"ban", 2}, {"product", 3}}},
		{"Fortinet's firewalls", []term{{"fortinet", 1}, {"firewal", 2}}},
		{"Huawei’s BANS", []term{{"huawei", 1}, {"ban", 2}}},
		{"Ministry of Commerce", []term{{"ministri", 1}, {"of", 2}, {"commerc", 3}}},
		{"ＦＯＲＴＩＮＥＴ", []term{{"fortinet", 1}}},
		{"网络安全审查", []term{{"网络", 1}, {"络安", 2}, {"安全", 3}, {"全审", 4}, {"审查", 5}}},
		{"对美光公司", []term{{"对美", 1}, {"美光", 2}, {"光公", 3}, {"公司", 4}}},
		{"Micron（美光）", []term{{"micron", 1}, {"美光", 2}}},
		{"ﾃｽﾄ", []term{{"テス", 1}, {"スト", 2}}},
		// A sentence end skips a position; an abbreviation does not end one.
		{"no ban. Huawei met", []term{{"no", 1}, {"ban", 2}, {"huawei", 4}, {"met", 5}}},
		{"U.S. officials", []term{{"u.", 1}, {"offici", 2}}},
		{"网络安全法。数据安全", []term{{"网络", 1}, {"络安", 2}, {"安全", 3}, {"全法", 4}, {"数据", 6}, {"据安", 7}, {"安全", 8}}},
		{"title\n\nbody", []term{{"titl", 1}, {"bodi", 3}}},
		{"Why? Because", []term{{"why", 1}, {"becaus", 3}}},
		{"3.5 percent", []term{{"3.5", 1}, {"percent", 2}}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			var got []term
			for _, tok := range a.Analyze([]byte(tc.in)) {
				got = append(got, term{string(tok.Term), tok.Position})
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Analyze(%q) = %v; want %v", tc.in, got, tc.want)
			}
		})
	}
}
