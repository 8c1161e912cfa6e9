package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestBench runs the whole bench on a small site and checks the JSON figures and that the
// re-crawl of the unchanged site sent only conditional requests, all answered 304.
func TestBench(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls a generated site")
	}
	o := options{docs: 200, seed: 3, parallel: 4, dir: t.TempDir()}
	f, err := run(context.Background(), o)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	var out bytes.Buffer
	if err := report(&out, f, true); err != nil {
		t.Fatalf("report: %v", err)
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, out.String())
	}
	for _, k := range []string{"docs", "wall_s", "docs_per_s", "stage_ms", "peak_rss_bytes", "index_bytes", "recrawl_wall_s", "recrawl_requests"} {
		if _, ok := got[k]; !ok {
			t.Errorf("JSON key %q missing; got %s", k, out.String())
		}
	}
	stages, _ := got["stage_ms"].(map[string]any)
	for _, s := range []string{"fetch", "main_text", "entities", "index"} {
		if v, _ := stages[s].(float64); v <= 0 {
			t.Errorf("stage_ms[%q] = %v; want > 0", s, stages[s])
		}
	}

	tests := []struct {
		name      string
		got, want int64
	}{
		{"documents indexed", int64(f.Docs), 200},
		{"item errors", int64(f.Errors), 0},
		{"re-crawl requests", int64(f.RecrawlRequests), int64(f.Sources)},
		{"re-crawl conditional requests", f.RecrawlConditional, int64(f.RecrawlRequests)},
		{"re-crawl 304 answers", f.RecrawlNotModified, int64(f.RecrawlRequests)},
		{"re-crawl documents", int64(f.RecrawlDocs), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %d; want %d", tc.got, tc.want)
			}
		})
	}
	if f.IndexBytes <= 0 || f.PeakRSSBytes <= 0 {
		t.Errorf("index_bytes %d, peak_rss_bytes %d; want both > 0", f.IndexBytes, f.PeakRSSBytes)
	}
	if f.BanRelated == 0 || f.Chinese == 0 {
		t.Errorf("ban-related %d, Chinese %d; want some of each", f.BanRelated, f.Chinese)
	}

	var table bytes.Buffer
	if err := report(&table, f, false); err != nil {
		t.Fatalf("report: %v", err)
	}
	for _, want := range []string{"documents/s", "peak RSS", "index size", "re-crawl", "main_text", "entities"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
}

// TestSiteConditional checks the generated site's validators: the same page twice gives the
// same ETag, and a request with it is answered 304 without a body.
func TestSiteConditional(t *testing.T) {
	w, err := startWeb(1, 150, loadNamesForTest(t))
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	for _, src := range w.sources {
		t.Run(src.Name+" "+src.Kind, func(t *testing.T) {
			code, etag, body := get(t, src.URL, "")
			if code != 200 || etag == "" || len(body) < 200 {
				t.Fatalf("GET %s: %d, etag %q, %d bytes; want 200 with an ETag and a body", src.URL, code, etag, len(body))
			}
			code2, etag2, body2 := get(t, src.URL, "")
			if etag2 != etag || !bytes.Equal(body, body2) {
				t.Errorf("second GET: etag %q, body equal %v; want %q and the same body", etag2, bytes.Equal(body, body2), etag)
			}
			if code2 != 200 {
				t.Errorf("second GET: got %d; want 200", code2)
			}
			code, _, body = get(t, src.URL, etag)
			if code != 304 || len(body) != 0 {
				t.Errorf("conditional GET: got %d with %d bytes; want 304 with none", code, len(body))
			}
		})
	}
}

// TestArchiveBench runs -archive on a small site: both arms index every document, the archive
// holds a response per page at least, and the reindex from it, with the server stopped, finds
// them all again.
func TestArchiveBench(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls a generated site four times")
	}
	f, err := runArchive(context.Background(), options{docs: 150, seed: 5, parallel: 4, dir: t.TempDir()}, 1)
	if err != nil {
		t.Fatalf("runArchive: %v", err)
	}
	if f.Docs != 150 || f.ReindexDocs != f.Docs {
		t.Errorf("docs %d, reindexed %d; want 150 both", f.Docs, f.ReindexDocs)
	}
	if f.Responses < f.Docs || f.ArchiveBytes <= 0 || f.RawBodyBytes <= 0 || f.On.DocsPerS <= 0 || f.Off.DocsPerS <= 0 {
		t.Errorf("figures %+v; want a response per page and positive rates", f)
	}
	var out bytes.Buffer
	if err := reportArchive(&out, f, false); err != nil || !strings.Contains(out.String(), "reindex from the archive") {
		t.Errorf("report: %v\n%s", err, out.String())
	}
}
