package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRecheckSilentEdit: a regulator edits a notice after the digest announced it. crawl
// --recheck re-checks every page in its window with conditional GETs (unchanged pages answer
// 304 and make nothing), finds the edit, makes it a new version marked changed, and the next
// digest carries "changed after publication" with the changed line, once.
func TestRecheckSilentEdit(t *testing.T) {
	srv, feeds := fixtureSetup(t)
	raw, err := os.ReadFile(feeds)
	if err != nil {
		t.Fatal(err)
	}
	// the fixture articles are old: a window that reaches them
	if err := os.WriteFile(feeds, append([]byte("archive:\n  recheck_for: 100000d\n"), raw...), 0o644); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	g := []string{"--config", feeds, "--data", data, "--log-level", "warn"}
	if out, errs, code := runCmd(t, nil, append(g, "crawl")...); code != 0 {
		t.Fatalf("crawl exit %d\n%s\n%s", code, out, errs)
	}
	dir := t.TempDir()
	if out, errs, code := runCmd(t, nil, append(g, "digest", "--out", filepath.Join(dir, "1.eml"))...); code != 0 {
		t.Fatalf("first digest exit %d\n%s\n%s", code, out, errs)
	}

	// Edit a ban-related page's text.
	var d exportRecord
	var edited []byte
	for _, r := range archivedDocs(t, g) {
		if !banRelated(t, g, r.ID) {
			continue
		}
		if e := withSentence(r, served(t, r.URL), " The deadline moved to 1 March 2027."); e != nil {
			d, edited = r, e
			break
		}
	}
	if d.ID == "" {
		t.Fatal("no ban-related fixture page carries its text's first words as they are")
	}
	site, path := siteOf(t, srv, d.URL)
	srv.Override(site, path, 0, edited)
	srv.ResetRequests()

	out, errs, code := runCmd(t, nil, append(g, "crawl", "--recheck")...)
	if code != 0 {
		t.Fatalf("crawl --recheck exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "1 changed (1 with new text)") {
		t.Errorf("crawl --recheck output lacks the one change:\n%s", out)
	}
	conditional, notModified := 0, 0
	for _, r := range srv.Requests() {
		if r.Conditional() && strings.HasSuffix(r.Path, ".html") {
			conditional++
			if r.Status == 304 {
				notModified++
			}
		}
	}
	if conditional < 3 || notModified != conditional-1 {
		t.Errorf("recheck sent %d conditional page requests, %d answered 304; want every page re-checked conditionally, all but the edited one unchanged", conditional, notModified)
	}
	var got exportRecord
	for _, r := range exportRecordsInProcess(t, g) {
		if r.ID == d.ID {
			got = r
		} else if len(r.Versions) > 1 || !r.Changed.IsZero() {
			t.Errorf("%s gained a version or a change time; only %s was edited", r.ID, d.ID)
		}
	}
	if len(got.Versions) != 2 || got.Changed.IsZero() || got.SHA256 != sha(srv.Render(edited)) || !strings.Contains(got.Text, "1 March 2027") {
		t.Fatalf("after the recheck %s has versions %+v, changed %v; want the edit as a second version, indexed", d.ID, got.Versions, got.Changed)
	}

	second := filepath.Join(dir, "2.eml")
	out, errs, code = runCmd(t, nil, append(g, "digest", "--out", second)...)
	if code != 0 || !strings.Contains(out, "1 notices") {
		t.Fatalf("second digest exit %d: %s%s; want the one changed notice", code, out, errs)
	}
	msg, err := os.ReadFile(second)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(msg), "=\r\n", "")
	if !strings.Contains(text, "changed after publication") || !strings.Contains(text, "1 March 2027") {
		t.Errorf("the digest does not say the notice changed, with the line:\n%s", text)
	}
	_, errs, code = runCmd(t, nil, append(g, "digest", "--out", filepath.Join(dir, "3.eml"))...)
	if code != 0 || !strings.Contains(errs, "nothing new") {
		t.Errorf("third digest: exit %d, %s; want nothing new (the change was sent once)", code, errs)
	}
}
