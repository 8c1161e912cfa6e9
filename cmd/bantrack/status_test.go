package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestStatusAfterCrawl(t *testing.T) {
	_, feeds := fixtureSetup(t)
	data := t.TempDir()
	g := []string{"--config", feeds, "--data", data, "--log-level", "warn"}

	// Before anything was crawled.
	out, errs, code := runCmd(t, nil, append(g, "status")...)
	if code != 0 {
		t.Fatalf("status on a new data folder: exit %d: %s", code, errs)
	}
	for _, want := range []string{"nothing crawled yet", "newswire", "never run", "last digest   never sent"} {
		if !strings.Contains(out, want) {
			t.Errorf("status on a new data folder lacks %q:\n%s", want, out)
		}
	}

	if out, errs, code := runCmd(t, nil, append(g, "crawl")...); code != 0 {
		t.Fatalf("crawl exit %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(data, statusFile)); err != nil {
		t.Errorf("crawl left no status snapshot: %v", err)
	}

	out, errs, code = runCmd(t, nil, append(g, "status", "--json")...)
	if code != 0 {
		t.Fatalf("status --json exit %d: %s", code, errs)
	}
	var rep statusReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	if rep.FromFile {
		t.Errorf("status read the snapshot with nobody holding the store")
	}
	if rep.Index.Documents < 12 || rep.Index.Bytes == 0 {
		t.Errorf("index = %+v; want 12 documents or more and a size", rep.Index)
	}
	if rep.LastDigest != nil {
		t.Errorf("last digest = %+v; want none", rep.LastDigest)
	}
	if rep.NextDigest.IsZero() {
		t.Errorf("next digest is unset; want the 08:00 schedule's next time")
	}
	names := map[string]sourceStatus{}
	total := 0
	for _, s := range rep.Sources {
		names[s.Name] = s
		total += s.Documents
	}
	if total != int(rep.Index.Documents) {
		t.Errorf("documents per source add up to %d; want the index's %d", total, rep.Index.Documents)
	}
	for _, name := range []string{"newswire", "newswire-sitemap", "cac-wxfb", "miit-zcwj", "mofcom-zcfb"} {
		s, ok := names[name]
		switch {
		case !ok:
			t.Errorf("status lacks source %s", name)
		case s.State != "ok" || s.LastSuccess.IsZero() || s.ItemsLast == 0 || !s.Configured:
			t.Errorf("source %s = %+v; want ok, a last success and items", name, s)
		case s.NextRun.Before(time.Now().Add(time.Hour)) || s.NextRun.After(time.Now().Add(2*time.Hour+time.Minute)):
			t.Errorf("source %s next run %v; want about 2h after its last run (@every 2h)", name, s.NextRun)
		}
	}
	if names["cac-wxfb"].Documents == 0 {
		t.Errorf("cac-wxfb has no documents in the index")
	}

	// The text form: one line per source with its figures.
	out, _, code = runCmd(t, nil, append(g, "status")...)
	if code != 0 {
		t.Fatalf("status exit %d", code)
	}
	if !regexp.MustCompile(`(?m)^cac-wxfb\s+ok\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d+\s+\d+\s+[1-9]\d*\s+\d{4}-`).MatchString(out) {
		t.Errorf("status text lacks a full line for cac-wxfb:\n%s", out)
	}
	if !strings.Contains(out, "documents,") || !strings.Contains(out, "on disk") {
		t.Errorf("status text lacks the index line:\n%s", out)
	}
}

func TestStatusMarksFailingAndUnknownSources(t *testing.T) {
	srv, feeds := fixtureSetup(t)
	data := t.TempDir()
	g := []string{"--config", feeds, "--data", data, "--log-level", "error"}
	if _, errs, code := runCmd(t, nil, append(g, "crawl")...); code != 0 {
		t.Fatalf("crawl exit %d: %s", code, errs)
	}
	// The fixture server goes away: the next crawl fails every source.
	srv.Close()
	raw, _ := os.ReadFile(feeds)
	fewer := regexp.MustCompile(`(?s)\n  # MOFCOM.*?\n\n`).ReplaceAll(raw, []byte("\n\n"))
	feeds2 := filepath.Join(t.TempDir(), "feeds.yaml")
	os.WriteFile(feeds2, fewer, 0o644)
	g2 := []string{"--config", feeds2, "--data", data, "--log-level", "error"}
	if _, _, code := runCmd(t, nil, append(g2, "crawl", "--source", "cac-wxfb")...); code == 0 {
		t.Fatalf("crawl with the server gone: exit 0; want a failure")
	}
	out, errs, code := runCmd(t, nil, append(g2, "status", "--json")...)
	if code != 0 {
		t.Fatalf("status exit %d: %s", code, errs)
	}
	var rep statusReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for _, s := range rep.Sources {
		switch s.Name {
		case "cac-wxfb":
			if s.State != "failing" || s.LastError == "" || s.LastSuccess.IsZero() || s.Documents == 0 {
				t.Errorf("cac-wxfb = %+v; want failing with its error, its earlier success and documents", s)
			}
		case "mofcom-zcfb":
			if s.Configured || !s.NextRun.IsZero() {
				t.Errorf("mofcom-zcfb = %+v; want marked as not in the feeds file, with no next run", s)
			}
		default:
			if s.State != "ok" {
				t.Errorf("%s = %+v; want ok", s.Name, s)
			}
		}
	}
}

func TestNextRun(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 30, 0, 0, time.UTC)
	cases := []struct {
		name string
		spec string
		last time.Time
		want time.Time
	}{
		{"every, never run", "@every 2h", time.Time{}, now.Add(2 * time.Hour)},
		{"every, after the last run", "@every 2h", now.Add(-30 * time.Minute), now.Add(90 * time.Minute)},
		{"every, overdue", "@every 2h", now.Add(-5 * time.Hour), now},
		{"daily spec", "CRON_TZ=UTC 0 8 * * *", now.Add(-time.Hour), time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)},
		{"time zone", "CRON_TZ=Asia/Shanghai 0 8 * * *", time.Time{}, time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)},
		{"bad spec", "nonsense", time.Time{}, time.Time{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := nextRun(tc.spec, tc.last, now); !got.Equal(tc.want) {
				t.Errorf("nextRun(%q, %v) = %v; want %v", tc.spec, tc.last, got, tc.want)
			}
		})
	}
}

// TestStatusCheck: status --check exits 3 while a source has never succeeded or is failing, and 0
// once every source is fine; plain status keeps exiting 0.
func TestStatusCheck(t *testing.T) {
	_, feeds := fixtureSetup(t)
	data := t.TempDir()
	g := []string{"--config", feeds, "--data", data, "--log-level", "error"}
	_, errs, code := runCmd(t, nil, append(g, "status", "--check")...)
	if code != 3 || !strings.Contains(errs, "cac-wxfb has never succeeded (crawl it: bantrack crawl --source cac-wxfb)") {
		t.Errorf("status --check before any crawl: exit %d, stderr %q; want 3 and what to do for each source", code, errs)
	}
	if strings.Contains(errs, "failed") {
		t.Errorf("status --check says sources failed, though nothing ran: %q", errs)
	}
	if _, _, code := runCmd(t, nil, append(g, "status")...); code != 0 {
		t.Errorf("plain status before any crawl: exit %d; want 0", code)
	}
	if out, errs, code := runCmd(t, nil, append(g, "crawl")...); code != 0 {
		t.Fatalf("crawl exit %d\n%s\n%s", code, out, errs)
	}
	if _, errs, code := runCmd(t, nil, append(g, "status", "--check")...); code != 0 {
		t.Errorf("status --check after a good crawl: exit %d, stderr %q; want 0", code, errs)
	}
}

func TestCauseFirst(t *testing.T) {
	for in, want := range map[string]string{
		"crawl cac-wxfb: fetch https://www.cac.gov.cn/wxzw/index.htm: status 404 Not Found": "status 404 Not Found (https://www.cac.gov.cn/wxzw/index.htm)",
		"crawl x: fetch http://127.0.0.1:8080/list.htm: dial tcp: connection refused":       "dial tcp: connection refused (http://127.0.0.1:8080/list.htm)",
		"selectors found nothing": "selectors found nothing",
	} {
		if got := causeFirst(in); got != want {
			t.Errorf("causeFirst(%q) = %q; want %q", in, got, want)
		}
	}
}
