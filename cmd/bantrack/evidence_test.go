package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bantrack/bantrack/internal/warctest"

	"github.com/bantrack/bantrack/internal/fixture"
)

// served GETs u from the fixture server: the bytes the server sends for it.
func served(t *testing.T, u string) []byte {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// archivedDocs returns the export records of documents with an archived page.
func archivedDocs(t *testing.T, g []string) []exportRecord {
	t.Helper()
	var out []exportRecord
	for _, r := range exportRecordsInProcess(t, g) {
		if r.SHA256 != "" {
			out = append(out, r)
		}
	}
	if len(out) < 3 {
		t.Fatalf("%d documents with an archived page; want the fixture articles", len(out))
	}
	return out
}

func exportRecordsInProcess(t *testing.T, g []string) []exportRecord {
	t.Helper()
	out, errs, code := runCmd(t, nil, append(g, "export")...)
	if code != 0 {
		t.Fatalf("export exit %d: %s", code, errs)
	}
	return parseExport(t, out)
}

// packRecord is one record of an evidence pack as the independent reader sees it.
type packRecord struct {
	typ, uri, contentType string
	truncated             string // WARC-Truncated
	block                 []byte
}

// readArchive reads every WARC file of the data folder's archive, oldest first, with the
// independent reader.
func readArchive(t *testing.T, data string) []packRecord {
	t.Helper()
	return packRecords(warctest.Dir(t, filepath.Join(data, "archive")))
}

// httpStatus is the status code of a response record's block, 0 when it has none.
func httpStatus(block []byte) int {
	var proto string
	var code int
	fmt.Sscanf(string(block), "%s %d", &proto, &code)
	return code
}

// readPack reads a WARC file with the independent reader (internal/warctest).
func readPack(t *testing.T, path string) []packRecord {
	t.Helper()
	return packRecords(warctest.File(t, path))
}

func packRecords(recs []warctest.Record) []packRecord {
	out := make([]packRecord, len(recs))
	for i, r := range recs {
		out[i] = packRecord{typ: r.Type(), uri: r.URI(), contentType: r.Get("Content-Type"), truncated: r.Get("WARC-Truncated"), block: r.Block}
	}
	return out
}

// httpBody is the body of an HTTP message block.
func httpBody(block []byte) []byte {
	i := bytes.Index(block, []byte("\r\n\r\n"))
	if i < 0 {
		return nil
	}
	return block[i+4:]
}

// TestShowRawAndEvidencePack crawls the fixture sites, then checks that show --raw writes each
// page byte for byte as the server sends it, and that an evidence pack read back by an
// independent WARC reader holds those bytes and each document's export record.
func TestShowRawAndEvidencePack(t *testing.T) {
	_, feeds := fixtureSetup(t)
	data := t.TempDir()
	g := []string{"--config", feeds, "--data", data, "--log-level", "warn"}
	if out, errs, code := runCmd(t, nil, append(g, "crawl")...); code != 0 {
		t.Fatalf("crawl exit %d\n%s\n%s", code, out, errs)
	}
	docs := archivedDocs(t, g)
	for _, d := range docs {
		want := served(t, d.URL)
		if sha(want) != d.SHA256 {
			t.Errorf("%s: export sha256 %s; the server sends a body of sha256 %s", d.ID, d.SHA256, sha(want))
		}
		out, errs, code := runCmd(t, nil, append(g, "show", "--raw", d.ID)...)
		if code != 0 {
			t.Fatalf("show --raw %s exit %d: %s", d.ID, code, errs)
		}
		if out != string(want) {
			t.Errorf("show --raw %s: %d bytes, not the %d the server sends", d.ID, len(out), len(want))
		}
	}

	pack := filepath.Join(t.TempDir(), "pack.warc.gz")
	pick := []string{docs[0].ID, docs[len(docs)-1].ID}
	out, errs, code := runCmd(t, nil, append(g, "evidence", pick[0], pick[1], "-o", pack)...)
	if code != 0 {
		t.Fatalf("evidence exit %d: %s%s", code, out, errs)
	}
	recs := readPack(t, pack)
	byURL := map[string]exportRecord{}
	for _, d := range docs {
		byURL[d.URL] = d
	}
	responses, metas := 0, map[string]bool{}
	for _, r := range recs {
		switch r.typ {
		case "response":
			responses++
			d, ok := byURL[r.uri]
			if !ok {
				t.Errorf("pack holds a response for %s, no picked document", r.uri)
				continue
			}
			if body := httpBody(r.block); !bytes.Equal(body, served(t, d.URL)) {
				t.Errorf("pack response for %s: %d bytes, not the %d the server sends", r.uri, len(body), len(served(t, d.URL)))
			}
		case "metadata":
			var rec exportRecord
			if err := json.Unmarshal(r.block, &rec); err != nil {
				t.Errorf("pack metadata record for %s: %v", r.uri, err)
			}
			metas[rec.ID] = rec.SHA256 != ""
		}
	}
	if responses != 2 || !metas[pick[0]] || !metas[pick[1]] || recs[0].typ != "warcinfo" {
		t.Errorf("pack: %d responses, export records %v, first record %q; want 2 responses, records of %v with sha256, warcinfo first",
			responses, metas, recs[0].typ, pick)
	}
}

// TestSilentEditNewVersion changes a page's text on the server and re-fetches it: the document
// gains a second version, is marked changed, show --versions diffs the texts, show --raw gives the
// new page, and an evidence pack carries both.
func TestSilentEditNewVersion(t *testing.T) {
	srv, feeds := fixtureSetup(t)
	data := t.TempDir()
	g := []string{"--config", feeds, "--data", data, "--log-level", "warn"}
	if out, errs, code := runCmd(t, nil, append(g, "crawl")...); code != 0 {
		t.Fatalf("crawl exit %d\n%s\n%s", code, out, errs)
	}
	// Edit the main text: insert a sentence after the first words of the document's text, in
	// a page that carries them as they are.
	var d exportRecord
	var old, edited []byte
	for _, r := range archivedDocs(t, g) {
		body := served(t, r.URL)
		if e := withSentence(r, body, " The deadline moved to 1 March 2027."); e != nil {
			d, old, edited = r, body, e
			break
		}
	}
	if d.ID == "" {
		t.Fatal("no fixture page carries its text's first words as they are")
	}
	site, path := siteOf(t, srv, d.URL)
	srv.Override(site, path, 0, edited)
	if out, errs, code := runCmd(t, nil, append(g, "crawl", "--refresh")...); code != 0 {
		t.Fatalf("crawl --refresh exit %d\n%s\n%s", code, out, errs)
	}
	var got exportRecord
	for _, r := range exportRecordsInProcess(t, g) {
		if r.ID == d.ID {
			got = r
		}
	}
	if len(got.Versions) != 2 || got.Versions[0].SHA256 != sha(old) || got.Versions[1].SHA256 != sha(edited) ||
		got.SHA256 != sha(edited) || got.Changed.IsZero() {
		vo, _, _ := runCmd(t, nil, append(g, "show", "--versions", d.ID)...)
		t.Fatalf("after the edit: sha256 %s, versions %+v, changed %v; want the old then the new body, changed set\n%s",
			got.SHA256, got.Versions, got.Changed, vo)
	}
	out, errs, code := runCmd(t, nil, append(g, "show", "--versions", d.ID)...)
	if code != 0 {
		t.Fatalf("show --versions exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "version 2") || !strings.Contains(out, "+") || !strings.Contains(out, "1 March 2027") ||
		!strings.Contains(out, "--- version 1") {
		t.Errorf("show --versions does not diff the two texts:\n%s", out)
	}
	if out, _, _ := runCmd(t, nil, append(g, "show", "--raw", d.ID)...); out != string(srv.Render(edited)) {
		t.Errorf("show --raw after the edit: %d bytes; want the %d of the edited page", len(out), len(edited))
	}
	pack := filepath.Join(t.TempDir(), "pack.warc.gz")
	if _, errs, code := runCmd(t, nil, append(g, "evidence", d.ID, "-o", pack)...); code != 0 {
		t.Fatalf("evidence exit %d: %s", code, errs)
	}
	var bodies [][]byte
	for _, r := range readPack(t, pack) {
		if r.typ == "response" {
			bodies = append(bodies, httpBody(r.block))
		}
	}
	if len(bodies) != 2 || !bytes.Equal(bodies[0], old) || !bytes.Equal(bodies[1], srv.Render(edited)) {
		t.Errorf("pack holds %d responses; want the old and the edited page, in order", len(bodies))
	}
}

// withSentence returns body, the page of r, with s inserted after the first five words of the
// document's text, or nil when the page does not carry them as they are.
func withSentence(r exportRecord, body []byte, s string) []byte {
	words := strings.Fields(r.Text)
	if len(words) < 6 {
		return nil
	}
	lead := []byte(strings.Join(words[:5], " "))
	i := bytes.Index(body, lead)
	if i < 0 {
		return nil
	}
	at := i + len(lead)
	return slices.Concat(body[:at], []byte(s), body[at:])
}

// banRelated says whether show --json marks the document ban-related.
func banRelated(t *testing.T, g []string, id string) bool {
	t.Helper()
	out, errs, code := runCmd(t, nil, append(g, "show", "--json", id)...)
	var full struct {
		Ban struct {
			Related bool `json:"related"`
		} `json:"ban"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &full) != nil {
		t.Fatalf("show --json %s: exit %d: %s %.200q", id, code, errs, out)
	}
	return full.Ban.Related
}

// siteOf names the fixture site and path serving u.
func siteOf(t *testing.T, srv *fixture.Server, u string) (string, string) {
	t.Helper()
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range srv.Sites() {
		if srv.Origin(s) == pu.Scheme+"://"+pu.Host {
			return s, pu.Path
		}
	}
	t.Fatalf("no fixture site serves %s", u)
	return "", ""
}
