package archive

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bantrack/bantrack/internal/warctest"
)

// gbkPage is a page as a GBK-encoded regulator site sends it: bytes that are not UTF-8.
var gbkPage = append([]byte("<html><head><meta charset=\"gbk\"><title>"),
	append([]byte{0xb9, 0xd8, 0xd3, 0xda, 0xc3, 0xc0, 0xb9, 0xe2}, []byte("</title></head><body>notice</body></html>")...)...)

// fetch gets url from a real loopback server and returns the exchange as the crawler sees it.
func fetch(t *testing.T, url string) Exchange {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("User-Agent", "bantrack-test/1.0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Exchange{URL: url, RequestHeader: req.Header, Status: resp.StatusCode, ResponseHeader: resp.Header, Body: body, Fetched: time.Now()}
}

// TestArchiveReadBackIndependently writes exchanges (with a rotation between them), reads each
// body back through the location, and reads the files with a second WARC library, written
// independently of the one that marshalled them: every response record is there, with its target
// URI, and its payload is byte for byte what the server sent.
func TestArchiveReadBackIndependently(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=gbk")
		if r.URL.Path == "/big" {
			w.Write(bytes.Repeat(gbkPage, 200))
			return
		}
		w.Write(gbkPage)
	}))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "archive")
	st, err := Open(dir, 600) // small files, so that the records spread over several
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{}
	locs := map[string]Location{}
	for _, p := range []string{"/a", "/big", "/b"} {
		ex := fetch(t, srv.URL+p)
		loc, sum, err := st.Append(ex)
		if err != nil {
			t.Fatal(err)
		}
		if len(sum) != 64 {
			t.Errorf("sha256 %q", sum)
		}
		want[ex.URL], locs[ex.URL] = ex.Body, loc
	}
	if _, err := st.AppendMetadata(srv.URL+"/a", "application/json", []byte(`{"id":"x"}`), time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	for u, loc := range locs {
		got, err := Body(dir, loc)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want[u]) {
			t.Errorf("Body(%s) = %d bytes; want the %d the server sent", u, len(got), len(want[u]))
		}
	}
	files, err := Files(dir)
	if err != nil || len(files) < 2 {
		t.Fatalf("files %v (%v); want a rotation", files, err)
	}

	// The independent reader.
	seen := map[string]bool{}
	types := map[string]int{}
	for _, rec := range warctest.Dir(t, dir) {
		types[rec.Type()]++
		if rec.Type() == "response" {
			u := rec.URI()
			if !bytes.Equal(rec.Body(), want[u]) {
				t.Errorf("independent reader: response for %s does not hold the body the server sent", u)
			}
			if !strings.HasPrefix(string(rec.Block), "HTTP/1.1 200") {
				t.Errorf("independent reader: response block starts %.20q", rec.Block)
			}
			seen[u] = true
		}
	}
	if len(seen) != 3 || types["request"] != 3 || types["metadata"] != 1 {
		t.Errorf("independent reader saw responses %v and record types %v; want 3 responses, 3 requests, 1 metadata", seen, types)
	}
}
