package main

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// docRecord is what the reindex tests compare of an export record.
type docRecord struct {
	ID       string          `json:"id"`
	URL      string          `json:"url"`
	Title    string          `json:"title"`
	Text     string          `json:"text"`
	Status   string          `json:"status"`
	SHA256   string          `json:"sha256"`
	Versions json.RawMessage `json:"versions"`
	Changed  string          `json:"changed"`
	Vendors  []string        `json:"vendors"`
}

func exportDocs(t *testing.T, g []string) map[string]docRecord {
	t.Helper()
	out, errs, code := runCmd(t, nil, append(g, "export")...)
	if code != 0 {
		t.Fatalf("export exit %d: %s", code, errs)
	}
	docs := map[string]docRecord{}
	for l := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		var r docRecord
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("export record: %v: %.200s", err, l)
		}
		docs[r.ID] = r
	}
	return docs
}

// TestReindexFromArchiveAlone crawls the fixture sites with a page naming a company no gazetteer
// knows, then removes the index and the state store, stops the server, adds the company to a
// gazetteer file and reindexes: every document comes back from the archive alone (same text,
// hash and versions), with no request sent, and the grown gazetteer reaches the old document.
func TestReindexFromArchiveAlone(t *testing.T) {
	srv, feeds := fixtureSetup(t)
	data := t.TempDir()
	g := []string{"--config", feeds, "--data", data, "--log-level", "warn"}
	if out, errs, code := runCmd(t, nil, append(g, "crawl")...); code != 0 {
		t.Fatalf("crawl exit %d\n%s\n%s", code, out, errs)
	}
	before := exportDocs(t, g)
	// Name an unknown company in one page, and crawl it again.
	var target docRecord
	for _, d := range before {
		if d.SHA256 != "" && strings.Contains(string(served(t, d.URL)), strings.Join(strings.Fields(d.Text)[:3], " ")) {
			target = d
			break
		}
	}
	if target.ID == "" {
		t.Fatal("no page carries its text's first words as they are")
	}
	page := served(t, target.URL)
	lead := strings.Join(strings.Fields(target.Text)[:3], " ")
	edited := bytes.Replace(page, []byte(lead), []byte(lead+" Zorblax Quantum said so."), 1)
	site, path := siteOf(t, srv, target.URL)
	srv.Override(site, path, 0, edited)
	if out, errs, code := runCmd(t, nil, append(g, "crawl", "--refresh")...); code != 0 {
		t.Fatalf("crawl --refresh exit %d\n%s\n%s", code, out, errs)
	}
	before = exportDocs(t, g)
	if slices.Contains(before[target.ID].Vendors, "Zorblax Quantum") {
		t.Fatalf("Zorblax Quantum is a vendor before the gazetteer names it")
	}

	srv.Close()
	for _, p := range []string{"index.bleve", "state.db"} {
		if err := os.RemoveAll(filepath.Join(data, p)); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Dir(feeds)
	if err := os.WriteFile(filepath.Join(dir, "watch.yaml"), []byte("vendors:\n  - name: Zorblax Quantum\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(feeds)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(feeds, append([]byte("gazetteer: watch.yaml\n"), raw...), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runCmd(t, nil, append(g, "reindex")...)
	if code != 0 {
		t.Fatalf("reindex exit %d\n%s\n%s", code, out, errs)
	}
	after := exportDocs(t, g)
	if len(after) != len(before) {
		t.Errorf("reindex from the archive: %d documents; want the %d indexed before\n%s", len(after), len(before), out)
	}
	for id, b := range before {
		a := after[id]
		if a.Text != b.Text || a.Title != b.Title || a.SHA256 != b.SHA256 || string(a.Versions) != string(b.Versions) ||
			a.Changed != b.Changed || a.URL != b.URL || a.Status != b.Status {
			t.Errorf("%s after reindex differs:\n got  %+v\n want %+v", id, a, b)
		}
	}
	if !slices.Contains(after[target.ID].Vendors, "Zorblax Quantum") {
		t.Errorf("after reindex with the gazetteer, %s has vendors %v; want Zorblax Quantum", target.ID, after[target.ID].Vendors)
	}
	if after[target.ID].Changed == "" || !bytes.Contains(after[target.ID].Versions, []byte(sha(edited))) {
		t.Errorf("the edited page's versions or change time were lost: %+v", after[target.ID])
	}
	// The offset index was rebuilt too: show --raw finds the page with no state store of before.
	if out, errs, code := runCmd(t, nil, append(g, "show", "--raw", target.ID)...); code != 0 || out != string(edited) {
		t.Errorf("show --raw after reindex: exit %d, %d bytes (%s); want the %d of the edited page", code, len(out), errs, len(edited))
	}

	// Not enough room for a second index: a clear error naming what is needed and what is free.
	_, errs, code = runCmd(t, map[string]string{"BANTRACK_MIN_FREE": "1000000TiB"}, append(g, "reindex")...)
	if code == 0 || !strings.Contains(errs, "needs about") || !strings.Contains(errs, "MiB are free") {
		t.Errorf("reindex on a full disk: exit %d, %s; want an error with the space needed and free", code, errs)
	}
	if len(exportDocs(t, g)) != len(after) {
		t.Errorf("a refused reindex changed the index")
	}
}

// TestReindexSurvivesKills kills `bantrack reindex` with SIGKILL at random moments: after every
// kill the data folder still has a whole index (the old one or the new), export lists every
// document, and a last reindex finishes and leaves one index folder.
func TestReindexSurvivesKills(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real processes")
	}
	_, feeds := fixtureSetup(t)
	data := t.TempDir()
	g := []string{"--config", feeds, "--data", data, "--log-level", "warn"}
	if out, errs, code := runChild(t, append(g, "crawl")...); code != 0 {
		t.Fatalf("crawl exit %d\n%s\n%s", code, out, errs)
	}
	want := exportIDs(t, g)
	slices.Sort(want)
	start := time.Now()
	if out, errs, code := runChild(t, append(g, "reindex")...); code != 0 {
		t.Fatalf("reindex exit %d\n%s\n%s", code, out, errs)
	}
	took := time.Since(start)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	const kills = 16
	killed := 0
	for i := range kills {
		c := startChild(t, append(g, "reindex")...)
		delay := time.Duration(rng.Int64N(int64(took)))
		select {
		case err := <-c.done:
			if err != nil {
				t.Fatalf("reindex %d ended with %v before its kill:\n%s", i, err, c.stderr.String())
			}
		case <-time.After(delay):
			switch ok, err := c.kill(); {
			case ok:
				killed++
			case err != nil:
				t.Fatalf("reindex %d: %v:\n%s", i, err, c.stderr.String())
			}
		}
		got := exportIDs(t, g)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("after reindex %d was killed at %v the index holds %d documents; want %d", i, delay, len(got), len(want))
		}
	}
	t.Logf("%d reindexes, %d killed mid-way (a reindex takes %v)", kills, killed, took.Round(time.Millisecond))
	if killed < kills/2 {
		t.Errorf("only %d of %d reindexes were killed mid-work", killed, kills)
	}
	if out, errs, code := runChild(t, append(g, "reindex")...); code != 0 {
		t.Fatalf("last reindex exit %d\n%s\n%s", code, out, errs)
	}
	got := exportIDs(t, g)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("after the last reindex: %d documents; want %d", len(got), len(want))
	}
	indexes, _ := filepath.Glob(filepath.Join(data, "index-*"))
	if len(indexes) != 1 {
		t.Errorf("index folders left after the last reindex: %v; want one", indexes)
	}
	if target, err := os.Readlink(filepath.Join(data, "index.bleve")); err != nil || len(indexes) == 1 && target != filepath.Base(indexes[0]) {
		t.Errorf("index.bleve links to %q (%v); want the one index folder left", target, err)
	}
}
