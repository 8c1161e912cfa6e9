package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSearchNamesAndOutput crawls the fixture sites and checks what issue 12 asks of the search
// command: entity fields take every alias, unknown names warn with close names, syntax errors say
// where (exit 2), and hits show their ban finding.
func TestSearchNamesAndOutput(t *testing.T) {
	_, feeds := fixtureSetup(t)
	data := t.TempDir()
	g := []string{"--config", feeds, "--data", data, "--log-level", "error"}
	if out, errs, code := runCmd(t, nil, append(g, "crawl")...); code != 0 {
		t.Fatalf("crawl exit %d\n%s\n%s", code, out, errs)
	}
	total := func(args ...string) (int, string) {
		t.Helper()
		out, errs, code := runCmd(t, nil, append(append(g, "search", "--json"), args...)...)
		if code != 0 {
			t.Fatalf("search %v: exit %d: %s", args, code, errs)
		}
		var res struct {
			Total int `json:"total"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("search %v: %v", args, err)
		}
		return res.Total, errs
	}
	want, _ := total(`vendors:"Micron Technology"`)
	if want == 0 {
		t.Fatal(`vendors:"Micron Technology" finds nothing in the fixtures`)
	}
	for _, q := range []string{"vendors:micron", "vendors:美光", "vendors:Micron"} {
		if n, errs := total(q); n != want || errs != "" {
			t.Errorf("search %s = %d hits (stderr %q); want %d, as vendors:\"Micron Technology\", and no warning", q, n, errs, want)
		}
	}
	if n, _ := total("--vendor", "micron"); n != want {
		t.Errorf("--vendor micron = %d hits; want %d", n, want)
	}
	cac, _ := total(`agencies:"Cyberspace Administration of China"`)
	if n, _ := total("agencies:CAC"); n != cac || n == 0 {
		t.Errorf("agencies:CAC = %d hits; want %d (the canonical name's)", n, cac)
	}
	if n, _ := total("targets:美光"); n == 0 || n > want {
		t.Errorf("targets:美光 = %d hits; want between 1 and %d", n, want)
	}

	// Unknown names: 0 hits, exit 0, a warning with close names.
	for _, args := range [][]string{{"vendors:Sophgo"}, {"--vendor", "Sophgo", "chip"}} {
		n, errs := total(args...)
		if n != 0 || !strings.Contains(errs, `"Sophgo"`) || !strings.Contains(errs, "close known names") {
			t.Errorf("search %v = %d hits, stderr %q; want 0 and a warning naming Sophgo with close names", args, n, errs)
		}
	}
	if _, errs := total("vendors:Fortinte"); !strings.Contains(errs, "Fortinet") {
		t.Errorf("vendors:Fortinte warns %q; want Fortinet among the close names", errs)
	}

	// Syntax errors: what and where, exit 2.
	for q, pos := range map[string]string{`"网络安全审查`: "position 1", `vendors:`: "position 8", `fortinet ^`: "position 10", `+ huawei`: "position 1"} {
		_, errs, code := runCmd(t, nil, append(g, "search", q)...)
		if code != 2 || !strings.Contains(errs, pos) {
			t.Errorf("search %q: exit %d, stderr %q; want exit 2 and %q", q, code, errs, pos)
		}
	}
	for _, args := range [][]string{{"   "}, {"--since", "2025-02-01", "--until", "2025-01-01", "ban"}} {
		if _, errs, code := runCmd(t, nil, append(append(g, "search"), args...)...); code != 2 {
			t.Errorf("search %q: exit %d (%s); want 2", args, code, errs)
		}
	}

	// Output: ban finding per hit, "showing N of M".
	out, errs, code := runCmd(t, nil, append(g, "search", "--limit", "2", "fortinet")...)
	if code != 0 {
		t.Fatalf("search fortinet: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "showing 1-2 of ") || !strings.Contains(out, "BAN-RELATED") || !strings.Contains(out, "targets: ") {
		t.Errorf("search text output lacks the count line or the ban finding:\n%s", out)
	}
	out, _, _ = runCmd(t, nil, append(g, "search", "--json", "fortinet")...)
	var res struct {
		Hits []struct {
			Status string `json:"status"`
			Ban    *struct {
				Related bool     `json:"related"`
				Score   float64  `json:"score"`
				Actions []string `json:"actions"`
				Targets []string `json:"targets"`
			} `json:"ban"`
		} `json:"hits"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	related := 0
	for _, h := range res.Hits {
		if h.Status == "" || h.Ban == nil {
			t.Fatalf("hit without status or ban: %s", out)
		}
		if h.Ban.Related {
			related++
			if len(h.Ban.Actions) == 0 || h.Ban.Score <= 0 {
				t.Errorf("ban-related hit without actions or score: %+v", *h.Ban)
			}
		}
	}
	if related == 0 {
		t.Errorf("no ban-related hit for fortinet in the fixtures: %s", out)
	}
}
