package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/bantrack/bantrack/config"
)

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGzipKeptAsSent: a page the server gzips for transport is kept as sent (the gzipped bytes,
// Content-Encoding in the header, Accept-Encoding: gzip in the request) and read decoded; a page
// sent plain is kept plain; a gzip that inflates past max_body is refused.
func TestGzipKeptAsSent(t *testing.T) {
	s := newSite(t)
	page := []byte(articlePage("China tells firms to stop using US cybersecurity software", "2026-09-17T08:15:00Z", loremEN...))
	gz := gzipBytes(t, page)
	bomb := gzipBytes(t, bytes.Repeat([]byte("a"), 2<<20))
	serveGz := func(body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(body)
				return
			}
			w.Write(page)
		}
	}
	s.handleFunc("/gz", serveGz(gz))
	s.handleFunc("/bomb", serveGz(bomb))
	s.handle("/plain", "text/html; charset=utf-8", string(page))
	c := testCrawler(t, nil)
	c.opts.KeepExchanges = true
	src := testSource("x", config.KindFeed, s.URL+"/") // max_body 1 MiB

	sess, err := c.newSession(src)
	if err != nil {
		t.Fatal(err)
	}
	p, i, err := c.fetchPage(context.Background(), sess, s.URL+"/gz")
	if err != nil || !strings.Contains(p.Text, "Palo Alto Networks") {
		t.Fatalf("gzipped page: %v, text %q", err, p.Text)
	}
	ex := sess.takeExchanges()[i]
	if !bytes.Equal(ex.Body, gz) || ex.ResponseHeader.Get("Content-Encoding") != "gzip" || !bytes.Equal(ex.Content(), page) ||
		ex.RequestHeader.Get("Accept-Encoding") != "gzip" {
		t.Errorf("gzipped page kept as %d bytes, Content-Encoding %q, content %d bytes, Accept-Encoding %q; want the %d gzipped bytes sent, gzip, the %d of the page, gzip",
			len(ex.Body), ex.ResponseHeader.Get("Content-Encoding"), len(ex.Content()), ex.RequestHeader.Get("Accept-Encoding"), len(gz), len(page))
	}

	_, i, err = c.fetchPage(context.Background(), sess, s.URL+"/plain")
	if err != nil {
		t.Fatal(err)
	}
	if ex := sess.takeExchanges()[i]; !bytes.Equal(ex.Body, page) || ex.Decoded != nil || ex.ResponseHeader.Get("Content-Encoding") != "" {
		t.Errorf("plain page kept as %d bytes (decoded %d); want the page as sent", len(ex.Body), len(ex.Decoded))
	}

	if _, _, err := c.fetchPage(context.Background(), sess, s.URL+"/bomb"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("gzip that inflates to 2 MiB under a 1 MiB max_body: %v; want ErrTooLarge", err)
	}
	if exs := sess.takeExchanges(); len(exs) != 1 || exs[0].Decoded != nil || exs[0].ResponseHeader.Get("Content-Encoding") != "gzip" {
		t.Errorf("%d exchanges kept for the refused body; want one, the gzipped body as sent, undecoded", len(exs))
	}
}
