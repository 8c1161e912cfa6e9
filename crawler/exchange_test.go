package crawler

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/bantrack/bantrack/config"
)

// TestExchangesKeepEveryAnswer: with KeepExchanges, the crawler keeps every response it reads,
// not only the 2xx ones: a 304 to a conditional GET, each error answer of a retried request
// (read up to errorBodyLimit and marked truncated past it), and a page over max_body (its first
// max_body bytes, truncated), and the host's robots.txt.
func TestExchangesKeepEveryAnswer(t *testing.T) {
	s := newSite(t)
	big := bytes.Repeat([]byte("<p>maintenance</p>\n"), errorBodyLimit/10)
	s.handleFunc("/down", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write(big)
	})
	s.handleFunc("/same", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Write([]byte("<p>notice</p>"))
	})
	s.handleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("x"), 3000))
	})
	c := testCrawler(t, nil)
	c.opts.KeepExchanges = true
	src := testSource("x", config.KindHTML, s.URL+"/")
	src.Retries, src.MaxBody, src.Robots = 1, 1000, false

	sess, err := c.newSession(src)
	if err != nil {
		t.Fatal(err)
	}
	var se *StatusError
	if _, err := c.fetch(context.Background(), sess, s.URL+"/down", false); !errors.As(err, &se) {
		t.Fatalf("fetch /down: %v; want a status error", err)
	}
	exs := sess.takeExchanges()
	if len(exs) != 2 {
		t.Fatalf("%d exchanges for a 503 tried twice; want 2", len(exs))
	}
	for _, ex := range exs {
		if ex.Status != http.StatusServiceUnavailable || !ex.Truncated || len(ex.Body) != errorBodyLimit || !bytes.Equal(ex.Body, big[:errorBodyLimit]) {
			t.Errorf("503 exchange: status %d, truncated %v, %d bytes; want 503, truncated at %d bytes of the page", ex.Status, ex.Truncated, len(ex.Body), errorBodyLimit)
		}
	}

	sess.recheck = &[2]string{`"v1"`, ""}
	resp, err := c.fetch(context.Background(), sess, s.URL+"/same", true)
	if err != nil || !resp.NotModified {
		t.Fatalf("conditional fetch: %v, %+v; want not modified", err, resp)
	}
	if exs := sess.takeExchanges(); len(exs) != 1 || exs[0].Status != http.StatusNotModified || exs[0].RequestHeader.Get("If-None-Match") != `"v1"` {
		t.Errorf("exchanges of a 304: %+v; want the 304 with the conditional request", exs)
	}

	if _, err := c.fetch(context.Background(), sess, s.URL+"/huge", false); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("fetch /huge: %v; want ErrTooLarge", err)
	}
	if exs := sess.takeExchanges(); len(exs) != 1 || !exs[0].Truncated || len(exs[0].Body) != 1000 {
		t.Errorf("exchanges of a page over max_body: %d; want one, truncated at 1000 bytes", len(exs))
	}

	// robots.txt is read, so archived: what the site allowed when it was crawled
	s.handle("/robots.txt", "text/plain", "User-agent: *\nDisallow: /private/\n")
	robotsSrc := src
	robotsSrc.Robots = true
	rs, err := c.newSession(robotsSrc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.fetch(context.Background(), rs, s.URL+"/same", false); err != nil {
		t.Fatal(err)
	}
	exs = rs.takeExchanges()
	if len(exs) != 2 || exs[0].URL != s.URL+"/robots.txt" || !bytes.Contains(exs[0].Body, []byte("Disallow: /private/")) || exs[1].URL != s.URL+"/same" {
		t.Errorf("exchanges of a first fetch from a host: %d; want its robots.txt, then the page", len(exs))
	}

	c.opts.KeepExchanges = false
	c.fetch(context.Background(), sess, s.URL+"/down", false)
	if exs := sess.takeExchanges(); len(exs) != 0 {
		t.Errorf("%d exchanges kept without KeepExchanges", len(exs))
	}
}
