package archive

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// TestContentEncoding: a body stored gzipped as sent reads back as sent (Body, whose digest the
// archive returns) and as the page (Content); a body without Content-Encoding reads the same
// both ways; a broken gzip is an error, not a page.
func TestContentEncoding(t *testing.T) {
	page := []byte("<html><body>notice</body></html>")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(page)
	zw.Close()
	gz := buf.Bytes()
	st, err := Open(filepath.Join(t.TempDir(), "archive"), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	enc := http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/html"}}
	w, err := st.AppendAll([]Exchange{
		{URL: "http://h/gz", Status: 200, ResponseHeader: enc, Body: gz, Fetched: time.Now()},
		{URL: "http://h/plain", Status: 200, Body: page, Fetched: time.Now()},
		{URL: "http://h/broken", Status: 200, ResponseHeader: enc, Body: gz[:len(gz)-6], Fetched: time.Now()},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range [][2][]byte{{gz, page}, {page, page}} {
		body, err := Body(st.Dir(), w.Responses[i])
		if err != nil || !bytes.Equal(body, want[0]) {
			t.Errorf("Body %d: %d bytes (%v); want the %d as sent", i, len(body), err, len(want[0]))
		}
		content, err := Content(st.Dir(), w.Responses[i])
		if err != nil || !bytes.Equal(content, want[1]) {
			t.Errorf("Content %d: %q (%v); want the page", i, content, err)
		}
	}
	if _, err := Content(st.Dir(), w.Responses[2]); err == nil {
		t.Error("Content of a cut gzip body: no error")
	}
}
