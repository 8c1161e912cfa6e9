package main

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bantrack/bantrack/internal/fixture"
	"github.com/bantrack/bantrack/internal/pipeline"
)

// TestRecheckSilentEdit: a regulator edits a notice after the digest announced it. crawl
// --recheck re-checks every page in its window with conditional GETs (unchanged pages answer
// 304 and make nothing), finds the edit, makes it a new version marked changed, and the next
// digest carries "changed after publication" with the changed line, once.
func TestRecheckSilentEdit(t *testing.T) {
	srv, _, _, g := crawledForRecheck(t)
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

// TestRecheckTakenDown: a regulator takes a notice down after bantrack read it. crawl --recheck
// reports it gone, keeps the document as it was indexed, and archives what was read: the 410 page
// (evidence of the takedown), and the 304 answer of every page that did not change, all read
// back by an independent WARC reader; the next digest says the notice was taken down, once; the
// evidence pack and the web page show it. A listing that fails is archived too.
func TestRecheckTakenDown(t *testing.T) {
	srv, feeds, data, g := crawledForRecheck(t)
	docs := archivedDocs(t, g)
	if len(docs) < 3 {
		t.Fatalf("%d documents with an archived page; want at least 3", len(docs))
	}
	var gone exportRecord
	for _, d := range docs {
		if banRelated(t, g, d.ID) {
			gone = d
			break
		}
	}
	if gone.ID == "" {
		t.Fatal("no ban-related fixture document has an archived page")
	}
	// a first digest sends it
	mail := t.TempDir()
	if out, errs, code := runCmd(t, nil, append(g, "digest", "--out", filepath.Join(mail, "1.eml"))...); code != 0 {
		t.Fatalf("first digest exit %d\n%s\n%s", code, out, errs)
	}
	site, path := siteOf(t, srv, gone.URL)
	notice := []byte("<html><body><h1>410 Gone</h1><p>This notice has been withdrawn.</p></body></html>")
	srv.Override(site, path, http.StatusGone, notice)
	before := len(readArchive(t, data))
	srv.ResetRequests()

	out, errs, code := runCmd(t, nil, append(g, "crawl", "--recheck")...)
	if code != 0 {
		t.Fatalf("crawl --recheck exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "1 gone (404 or 410), 0 failed") {
		t.Errorf("crawl --recheck output does not report the one page gone:\n%s", out)
	}
	notModified := 0
	for _, r := range srv.Requests() {
		if r.Conditional() && r.Status == http.StatusNotModified {
			notModified++
		}
	}
	recs := readArchive(t, data)
	var got410 bool
	got304 := 0
	takedown := false
	for _, r := range recs[before:] {
		if r.typ == "metadata" && r.contentType == pipeline.TakedownRecordType && r.uri == gone.URL &&
			strings.Contains(string(r.block), `"status":410`) {
			takedown = true
		}
		if r.typ != "response" {
			continue
		}
		switch httpStatus(r.block) {
		case http.StatusGone:
			if r.uri == gone.URL && bytes.Equal(httpBody(r.block), notice) {
				got410 = true
			}
		case http.StatusNotModified:
			got304++
		}
	}
	if !got410 || !takedown {
		t.Errorf("the archive holds the 410 answer for %s: %v, a takedown record for it: %v; want both", gone.URL, got410, takedown)
	}
	if notModified == 0 || got304 != notModified {
		t.Errorf("the server answered 304 %d times during the recheck; the archive gained %d 304 responses", notModified, got304)
	}
	for _, r := range exportRecordsInProcess(t, g) {
		if r.ID == gone.ID && (r.SHA256 != gone.SHA256 || r.Text != gone.Text) {
			t.Errorf("the document taken down changed in the index: %+v", r)
		}
	}
	out, _, _ = runCmd(t, nil, append(g, "show", "--versions", gone.ID)...)
	if !strings.Contains(out, "taken down: the page answered 410 Gone") {
		t.Errorf("show --versions does not say the page was taken down:\n%s", out)
	}
	// The next digest says so, once: the notice was sent before, its takedown was not.
	out, errs, code = runCmd(t, nil, append(g, "digest", "--out", filepath.Join(mail, "2.eml"))...)
	if code != 0 || !strings.Contains(out, "1 notices") {
		t.Fatalf("digest after the takedown: exit %d: %s%s; want the one notice taken down", code, out, errs)
	}
	msg, err := os.ReadFile(filepath.Join(mail, "2.eml"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(msg), "=\r\n", "")
	if !strings.Contains(text, "taken down after publication") || !strings.Contains(text, "410 Gone") || !strings.Contains(text, gone.URL) {
		t.Errorf("the digest after the takedown does not say the notice was taken down:\n%.2000s", text)
	}
	if strings.Contains(text, "changed after publication") {
		t.Errorf("the digest calls the takedown a change:\n%.2000s", text)
	}
	if _, errs, code := runCmd(t, nil, append(g, "digest", "--out", filepath.Join(mail, "3.eml"))...); code != 0 || !strings.Contains(errs, "nothing new") {
		t.Errorf("third digest: exit %d, %s; want nothing new (the takedown was sent once)", code, errs)
	}
	// An evidence pack carries the 410 answer and the takedown record, after the page's versions.
	pack := filepath.Join(t.TempDir(), "gone.warc.gz")
	if out, errs, code := runCmd(t, nil, append(g, "evidence", gone.ID, "-o", pack)...); code != 0 || !strings.Contains(out, "the takedown of 1 page") {
		t.Fatalf("evidence exit %d\n%s\n%s", code, out, errs)
	}
	var packGone, packTakedown int
	for _, r := range readPack(t, pack) {
		switch {
		case r.typ == "response" && r.uri == gone.URL && httpStatus(r.block) == http.StatusGone && bytes.Equal(httpBody(r.block), notice):
			packGone++
		case r.typ == "metadata" && r.contentType == pipeline.TakedownRecordType && strings.Contains(string(r.block), gone.ID):
			packTakedown++
		}
	}
	if packGone != 1 || packTakedown != 1 {
		t.Errorf("the evidence pack holds %d 410 answers and %d takedown records for %s; want one each", packGone, packTakedown, gone.ID)
	}
	// The web page says it too.
	ts := serveFolder(t, data, feeds)
	resp, err := http.Get(ts.URL + "/documents/" + gone.ID)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(page, []byte("Taken down")) || !bytes.Contains(page, []byte("410 Gone")) {
		t.Errorf("the document page (status %d) does not say the page was taken down", resp.StatusCode)
	}
	// The notice comes back: the next re-check clears it.
	srv.Restore(site, path)
	if out, errs, code := runCmd(t, nil, append(g, "crawl", "--recheck")...); code != 0 || !strings.Contains(out, "0 gone") {
		t.Fatalf("second crawl --recheck exit %d\n%s\n%s", code, out, errs)
	}
	if out, _, _ = runCmd(t, nil, append(g, "show", "--versions", gone.ID)...); strings.Contains(out, "taken down") {
		t.Errorf("show --versions still says taken down once the page is back:\n%s", out)
	}
	recs = readArchive(t, data)

	// A listing that answers 503 fails its source; the answer is archived all the same.
	var listing string
	for _, r := range recs {
		if r.typ == "response" && r.uri != "" && !strings.HasSuffix(r.uri, ".html") && httpStatus(r.block) == http.StatusOK {
			listing = r.uri
			break
		}
	}
	if listing == "" {
		t.Fatal("no listing response in the archive")
	}
	lsite, lpath := siteOf(t, srv, listing)
	srv.Override(lsite, lpath, http.StatusServiceUnavailable, []byte("<html><body>maintenance</body></html>"))
	before = len(recs)
	runCmd(t, nil, append(g, "crawl", "--refresh")...)
	failed := 0
	for _, r := range readArchive(t, data)[before:] {
		if r.typ == "response" && r.uri == listing && httpStatus(r.block) == http.StatusServiceUnavailable {
			failed++
		}
	}
	if failed == 0 {
		t.Errorf("the 503 answers of the failing listing %s are not archived", listing)
	}
}

// crawledForRecheck crawls the fixture sites into a new data folder with a re-check window that
// reaches the fixture articles (they are old), and returns the global flags that name both.
func crawledForRecheck(t *testing.T) (srv *fixture.Server, feeds, data string, g []string) {
	t.Helper()
	srv, feeds = fixtureSetup(t)
	raw, err := os.ReadFile(feeds)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(feeds, append([]byte("archive:\n  recheck_for: 100000d\n"), raw...), 0o644); err != nil {
		t.Fatal(err)
	}
	data = t.TempDir()
	g = []string{"--config", feeds, "--data", data, "--log-level", "warn"}
	if out, errs, code := runCmd(t, nil, append(g, "crawl")...); code != 0 {
		t.Fatalf("crawl exit %d\n%s\n%s", code, out, errs)
	}
	return srv, feeds, data, g
}
