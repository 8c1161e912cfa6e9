package crawler

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/config"
)

// redirectTo answers with status, a Location and a body of its own, as a site's redirect does.
func redirectTo(status int, loc, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", loc)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
}

// redirectSite is a feed reached through a 308, listing a page reached through 301 → 302 → 200,
// one whose redirect ends in a 404, and one redirected to a host the source may not visit.
func redirectSite(t *testing.T) (s, other *site) {
	s, other = newSite(t), newSite(t)
	other.handle("/landing", "text/html", articlePage("Elsewhere", "", loremEN...))
	s.handleFunc("/feed", redirectTo(http.StatusPermanentRedirect, "/rss.xml", "feed moved"))
	s.handle("/rss.xml", "application/rss+xml", rss(
		rssItem("China tells firms to stop using US cybersecurity software", s.URL+"/old/a", "Beijing names VMware.", "Thu, 17 Sep 2026 10:00:00 GMT"),
		rssItem("A notice that is gone", s.URL+"/gone", "Gone.", "Thu, 17 Sep 2026 11:00:00 GMT"),
		rssItem("A notice moved away", s.URL+"/away", "Away.", "Thu, 17 Sep 2026 12:00:00 GMT"),
	))
	s.handleFunc("/old/a", redirectTo(http.StatusMovedPermanently, "/mid/a", "moved to mid"))
	s.handleFunc("/mid/a", redirectTo(http.StatusFound, s.URL+"/new/a", "found at new"))
	s.handle("/new/a", "text/html; charset=utf-8", articlePage("China tells firms to stop using US cybersecurity software", "2026-09-17T08:15:00Z", loremEN...))
	s.handleFunc("/gone", redirectTo(http.StatusSeeOther, "/missing", "see other"))
	s.handleFunc("/away", redirectTo(http.StatusTemporaryRedirect, other.URL+"/landing", "went away"))
	return s, other
}

// TestRedirectsKept: with exchanges kept, every redirect answer the crawl reads is kept with its
// status, Location and body, just before the response it led to and counted in its Hops, for the
// listing and the article pages alike; the redirects of chains that failed (a 404 at the end, a
// host not allowed) are kept too, and name no document.
func TestRedirectsKept(t *testing.T) {
	s, other := redirectSite(t)
	c := testCrawler(t, &MemStore{})
	c.opts.KeepExchanges = true
	res, err := c.Crawl(context.Background(), noRobots(testSource("wire", config.KindFeed, s.URL+"/feed")))
	if err != nil {
		t.Fatalf("Crawl: %v", err)
	}
	exs := res.Exchanges
	find := func(u string) int {
		for i, e := range exs {
			if e.URL == u {
				return i
			}
		}
		t.Fatalf("no exchange for %s; have %d: %v", u, len(exs), urls(exs))
		return -1
	}
	check := func(e Exchange, status int, u, loc, body string) {
		t.Helper()
		if e.Status != status || e.URL != u || e.ResponseHeader.Get("Location") != loc || string(e.Body) != body ||
			e.RequestHeader.Get("User-Agent") != "bantrack-test/1.0" || e.Doc != "" || e.Fetched.IsZero() || e.Truncated != "" {
			t.Errorf("exchange %s: status %d, Location %q, body %q, UA %q, doc %q, truncated %q; want %d, %q, %q, no document",
				e.URL, e.Status, e.ResponseHeader.Get("Location"), e.Body, e.RequestHeader.Get("User-Agent"), e.Doc, e.Truncated, status, loc, body)
		}
	}

	// the listing: the 308 first, then the feed it led to
	if len(exs) < 2 {
		t.Fatalf("%d exchanges", len(exs))
	}
	check(exs[0], 308, s.URL+"/feed", "/rss.xml", "feed moved")
	if exs[1].URL != s.URL+"/rss.xml" || exs[1].Status != 200 || exs[1].Hops != 1 {
		t.Errorf("second exchange %s %d with %d hops; want the feed, 200, after 1 redirect", exs[1].URL, exs[1].Status, exs[1].Hops)
	}

	// the page: 301, 302, then the page, together and in order
	i := find(s.URL + "/new/a")
	page := exs[i]
	if i < 2 || page.Hops != 2 || page.Status != 200 || page.Doc != article.NewID(s.URL+"/old/a") {
		t.Fatalf("page exchange at %d: %d hops, status %d, doc %q; want 2 hops, 200, the document of /old/a", i, page.Hops, page.Status, page.Doc)
	}
	check(exs[i-2], 301, s.URL+"/old/a", "/mid/a", "moved to mid")
	check(exs[i-1], 302, s.URL+"/mid/a", s.URL+"/new/a", "found at new")
	if ref := page.RequestHeader.Get("Referer"); ref != s.URL+"/mid/a" {
		t.Errorf("page request Referer %q; want the last hop's URL (the request as sent)", ref)
	}

	// failed chains: their redirects are kept, then the error answer read, if any
	g := find(s.URL + "/gone")
	check(exs[g], 303, s.URL+"/gone", "/missing", "see other")
	if m := find(s.URL + "/missing"); m != g+1 || exs[m].Status != http.StatusNotFound || exs[m].Doc != "" {
		t.Errorf("the 404 that ended the chain: exchange %d, status %d; want it right after its 303, 404, no document", m, exs[m].Status)
	}
	check(exs[find(s.URL+"/away")], 307, s.URL+"/away", other.URL+"/landing", "went away")
	for _, e := range exs {
		if strings.HasPrefix(e.URL, other.URL) {
			t.Errorf("exchange kept for %s, which was never asked", e.URL)
		}
	}
	if other.hits("/landing") != 0 {
		t.Error("the host not allowed was contacted")
	}
	if len(exs) != 8 {
		t.Errorf("%d exchanges %v; want 8: 308, feed, 301, 302, page, 303, 404, 307", len(exs), urls(exs))
	}

	// the article is the listing's URL, read from the page the redirects led to
	got := byURL(res.Articles)
	if a := got[s.URL+"/old/a"]; a.Status != article.StatusOK || !strings.Contains(a.Text, "Palo Alto Networks") {
		t.Errorf("redirected article: status %q, text %q", a.Status, a.Text)
	}
	if len(res.Articles) != 3 || res.Partial != 2 {
		t.Errorf("%d articles, %d partial; want 3 and 2 (the failed chains indexed from the listing)", len(res.Articles), res.Partial)
	}

	// Without KeepExchanges nothing is kept.
	c2 := testCrawler(t, &MemStore{})
	res2, err := c2.Crawl(context.Background(), noRobots(testSource("wire", config.KindFeed, s.URL+"/feed")))
	if err != nil || len(res2.Exchanges) != 0 {
		t.Errorf("without KeepExchanges: %d exchanges, error %v; want none", len(res2.Exchanges), err)
	}
}

// TestRedirectBodyBounded: a redirect body over 64 KiB is kept up to 64 KiB and marked truncated;
// the page after it is whole.
func TestRedirectBodyBounded(t *testing.T) {
	s := newSite(t)
	big := bytes.Repeat([]byte("x"), 100<<10)
	s.handleFunc("/big", redirectTo(http.StatusMovedPermanently, "/page", string(big)))
	s.handle("/page", "text/plain", "the page")
	c := testCrawler(t, nil)
	c.opts.KeepExchanges = true
	sess, err := c.newSession(noRobots(testSource("x", config.KindHTML, s.URL+"/")))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.fetch(context.Background(), sess, s.URL+"/big", false)
	if err != nil || string(resp.Body) != "the page" {
		t.Fatalf("fetch /big = %v", err)
	}
	exs := sess.takeExchanges()
	if len(exs) != 2 || len(exs[0].Body) != 64<<10 || !bytes.Equal(exs[0].Body, big[:64<<10]) || exs[0].Truncated != "length" ||
		exs[1].Truncated != "" || exs[1].Hops != 1 || resp.exchange != 1 {
		t.Fatalf("%d exchanges; want the 301 cut at 64 KiB and marked, then the page", len(exs))
	}
}

// TestRecheckKeepsRedirects: a re-check through a redirect returns the redirect then the page, and
// the redirect alone when the page answers 304.
func TestRecheckKeepsRedirects(t *testing.T) {
	s := newSite(t)
	s.handleFunc("/old", redirectTo(http.StatusMovedPermanently, "/new", "moved"))
	s.handle("/new", "text/html; charset=utf-8", articlePage("Title", "", loremEN...))
	c := testCrawler(t, nil)
	c.opts.KeepExchanges = true
	src := noRobots(testSource("x", config.KindFeed, s.URL+"/"))
	r, err := c.Recheck(context.Background(), src, s.URL+"/old", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Exchanges) != 2 || r.Exchanges[0].Status != 301 || r.Exchange == nil || r.Exchange != &r.Exchanges[1] || r.Exchange.Hops != 1 {
		t.Fatalf("recheck kept %v; want the 301, then the page", urls(r.Exchanges))
	}
	r, err = c.Recheck(context.Background(), src, s.URL+"/old", r.Exchange.ResponseHeader.Get("ETag"), "")
	if err != nil || !r.NotModified || r.Exchange != nil || len(r.Exchanges) != 2 || r.Exchanges[0].Status != 301 || r.Exchanges[1].Status != 304 {
		t.Fatalf("conditional recheck: not modified %v, %v, error %v; want the 301 kept, then the 304", r.NotModified, urls(r.Exchanges), err)
	}
}

func urls(exs []Exchange) []string {
	out := make([]string, len(exs))
	for i, e := range exs {
		out[i] = e.URL
	}
	return out
}

// noRobots turns off robots.txt for a source, so that the exchanges a test counts are the pages'
// alone (robots.txt answers are kept too: see TestExchangesKeepEveryAnswer).
func noRobots(src config.Source) config.Source {
	src.Robots = false
	return src
}
