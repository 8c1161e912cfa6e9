package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestGzipArchivedAsSent crawls a site that gzips its pages for transport: the archive keeps the
// gzipped bytes the server sent with their Content-Encoding (read back by an independent WARC
// reader from an evidence pack), while the document's sha256 and show --raw are the page's
// content; a re-check of the same page, and a reindex, make no second version; an edit does.
func TestGzipArchivedAsSent(t *testing.T) {
	published := time.Now().Add(-24 * time.Hour).UTC().Format(time.RFC3339)
	pageOf := func(sentence string) []byte {
		return []byte(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>Regulator bans vendors</title>` +
			`<meta property="article:published_time" content="` + published + `"></head><body><article><h1>Regulator bans vendors</h1>` +
			`<p>` + sentence + `</p><p>Operators have until the end of the year to replace the products of VMware and Fortinet, the notice said.</p></article></body></html>`)
	}
	var mu sync.Mutex
	page := pageOf("The regulator told operators to stop buying the named vendors' products.")
	gz := func(b []byte, level int) []byte {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, level)
		zw.Write(b)
		zw.Close()
		return buf.Bytes()
	}
	level := gzip.BestCompression
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		p, lv := page, level
		mu.Unlock()
		switch r.URL.Path {
		case "/rss.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><title>Regulator bans vendors</title>`+
				`<link>%s/a</link><description>Vendors.</description></item></channel></rss>`, srv.URL)
		case "/a":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(gz(p, lv))
				return
			}
			w.Write(p)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	feeds := filepath.Join(t.TempDir(), "feeds.yaml")
	yaml := "sources:\n  - name: wire\n    kind: feed\n    url: \"" + srv.URL + "/rss.xml\"\n    lang: en\n    rate: 100\n    robots: false\n"
	if err := os.WriteFile(feeds, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	g := []string{"--config", feeds, "--data", data, "--log-level", "warn"}
	if out, errs, code := runCmd(t, nil, append(g, "crawl")...); code != 0 {
		t.Fatalf("crawl exit %d\n%s\n%s", code, out, errs)
	}
	doc := func() exportRecord {
		t.Helper()
		recs := exportRecordsInProcess(t, g)
		if len(recs) != 1 {
			t.Fatalf("%d documents; want 1", len(recs))
		}
		return recs[0]
	}
	d := doc()
	if d.SHA256 != sha(page) || len(d.Versions) != 1 {
		t.Fatalf("document sha256 %s with %d versions; want the page's content %s, 1 version", d.SHA256, len(d.Versions), sha(page))
	}
	if out, _, code := runCmd(t, nil, append(g, "show", "--raw", d.ID)...); code != 0 || out != string(page) {
		t.Errorf("show --raw: exit %d, %d bytes; want the %d of the page, decoded", code, len(out), len(page))
	}
	pack := filepath.Join(t.TempDir(), "pack.warc.gz")
	if out, errs, code := runCmd(t, nil, append(g, "evidence", d.ID, "-o", pack)...); code != 0 {
		t.Fatalf("evidence exit %d: %s%s", code, out, errs)
	}
	var block []byte
	for _, r := range readPack(t, pack) {
		if r.typ == "response" {
			block = r.block
		}
	}
	head, body, _ := bytes.Cut(block, []byte("\r\n\r\n"))
	if !bytes.Equal(body, gz(page, gzip.BestCompression)) || !strings.Contains(string(head), "\r\nContent-Encoding: gzip") {
		t.Errorf("pack response: %d body bytes, head %q; want the %d gzipped bytes the server sent, with Content-Encoding: gzip",
			len(body), head, len(gz(page, gzip.BestCompression)))
	}

	// The same page compressed otherwise: other bytes on the wire, the same content, no version.
	mu.Lock()
	level = gzip.BestSpeed
	mu.Unlock()
	if out, errs, code := runCmd(t, nil, append(g, "crawl", "--recheck")...); code != 0 || !strings.Contains(out, "rechecked 1 page: 0 not modified, 1 unchanged, 0 changed") {
		t.Fatalf("crawl --recheck exit %d; want the page unchanged\n%s\n%s", code, out, errs)
	}
	if out, errs, code := runCmd(t, nil, append(g, "reindex")...); code != 0 {
		t.Fatalf("reindex exit %d\n%s\n%s", code, out, errs)
	}
	if d := doc(); d.SHA256 != sha(page) || len(d.Versions) != 1 {
		t.Errorf("after a re-check and a reindex: sha256 %s, %d versions; want the page's content, 1 version", d.SHA256, len(d.Versions))
	}

	// An edit is a new version, of the new content.
	edited := pageOf("The regulator added Check Point to the named vendors.")
	mu.Lock()
	page = edited
	mu.Unlock()
	if out, errs, code := runCmd(t, nil, append(g, "crawl", "--recheck")...); code != 0 {
		t.Fatalf("crawl --recheck exit %d\n%s\n%s", code, out, errs)
	}
	if d := doc(); d.SHA256 != sha(edited) || len(d.Versions) != 2 || d.Changed.IsZero() {
		t.Errorf("after an edit: sha256 %s, %d versions, changed %v; want the edited content, 2 versions, changed", d.SHA256, len(d.Versions), d.Changed)
	}
	if out, _, _ := runCmd(t, nil, append(g, "show", "--raw", d.ID)...); out != string(edited) {
		t.Errorf("show --raw after the edit: %d bytes; want the %d of the edited page", len(out), len(edited))
	}
}
