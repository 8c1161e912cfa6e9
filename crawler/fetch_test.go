package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/config"
)

// fetchOnce runs one fetch for a source rooted at home.
func fetchOnce(t *testing.T, c *Crawler, src config.Source, u string) (*response, error) {
	t.Helper()
	s, err := c.newSession(src)
	if err != nil {
		t.Fatal(err)
	}
	return c.fetch(context.Background(), s, u, false)
}

func TestRetries(t *testing.T) {
	t.Run("429 with Retry-After", func(t *testing.T) {
		s := newSite(t)
		var n, gapMS atomic.Int64
		var first atomic.Int64
		s.handleFunc("/x", func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				first.Store(time.Now().UnixMilli())
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			gapMS.Store(time.Now().UnixMilli() - first.Load())
			fmt.Fprint(w, "ok")
		})
		resp, err := fetchOnce(t, testCrawler(t, nil), testSource("x", config.KindHTML, s.URL+"/x"), s.URL+"/x")
		if err != nil || string(resp.Body) != "ok" {
			t.Fatalf("fetch = %v; want ok after a retry", err)
		}
		if n.Load() != 2 || gapMS.Load() < 950 {
			t.Errorf("%d requests, second after %d ms; want 2, the second after Retry-After's 1 s", n.Load(), gapMS.Load())
		}
	})
	t.Run("500 then 200", func(t *testing.T) {
		s := newSite(t)
		var n atomic.Int64
		s.handleFunc("/x", func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			fmt.Fprint(w, "ok")
		})
		resp, err := fetchOnce(t, testCrawler(t, nil), testSource("x", config.KindHTML, s.URL+"/x"), s.URL+"/x")
		if err != nil || string(resp.Body) != "ok" || n.Load() != 2 {
			t.Fatalf("fetch = %v after %d requests; want ok after 2", err, n.Load())
		}
	})
	t.Run("404 is not retried", func(t *testing.T) {
		s := newSite(t)
		_, err := fetchOnce(t, testCrawler(t, nil), testSource("x", config.KindHTML, s.URL+"/x"), s.URL+"/missing")
		var se *StatusError
		if !errors.As(err, &se) || se.Code != 404 || s.hits("/missing") != 1 {
			t.Errorf("fetch = %v after %d requests; want a 404 StatusError after 1", err, s.hits("/missing"))
		}
	})
	t.Run("server that never answers", func(t *testing.T) {
		s := newSite(t)
		s.handleFunc("/x", func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		})
		src := testSource("x", config.KindHTML, s.URL+"/x")
		src.Timeout = 150 * time.Millisecond
		src.Retries = 1
		start := time.Now()
		_, err := fetchOnce(t, testCrawler(t, nil), src, s.URL+"/x")
		if !errors.Is(err, context.DeadlineExceeded) || s.hits("/x") != 2 {
			t.Errorf("fetch = %v after %d requests; want a deadline error after 2", err, s.hits("/x"))
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("fetch took %v; want about two timeouts", d)
		}
	})
}

func TestBodyCap(t *testing.T) {
	s := newSite(t)
	s.handleFunc("/endless", func(w http.ResponseWriter, r *http.Request) {
		chunk := bytes.Repeat([]byte("<p>more</p>"), 1000)
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write(bytes.Repeat([]byte{' '}, 50<<20))
	zw.Close()
	s.handleFunc("/bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "text/html")
		w.Write(bomb.Bytes())
	})
	s.handleFunc("/sitemap.xml.gz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-gzip")
		w.Write(bomb.Bytes())
	})
	src := testSource("x", config.KindHTML, s.URL+"/")
	src.MaxBody = 1 << 20
	c := testCrawler(t, nil)
	for _, path := range []string{"/endless", "/bomb"} {
		t.Run(path, func(t *testing.T) {
			_, err := fetchOnce(t, c, src, s.URL+path)
			if !errors.Is(err, ErrTooLarge) {
				t.Errorf("fetch %s = %v; want ErrTooLarge", path, err)
			}
		})
	}
	t.Run("gzip sitemap", func(t *testing.T) {
		sm := testSource("x", config.KindSitemap, s.URL+"/sitemap.xml.gz")
		sm.MaxBody = 1 << 20
		_, err := c.Crawl(context.Background(), sm)
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("Crawl(gzip bomb sitemap) = %v; want ErrTooLarge", err)
		}
	})
}

func TestRedirects(t *testing.T) {
	s := newSite(t)
	other := newSite(t)
	other.handle("/landing", "text/html", "elsewhere")
	s.handleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop?n="+fmt.Sprint(len(r.URL.Query().Get("n"))+1)+r.URL.Query().Get("n"), http.StatusFound)
	})
	s.handleFunc("/away", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/landing", http.StatusMovedPermanently)
	})
	s.handleFunc("/ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.org/file", http.StatusFound)
	})
	src := testSource("x", config.KindHTML, s.URL+"/")
	c := testCrawler(t, nil)
	cases := []struct {
		path string
		want error
	}{
		{"/loop", ErrTooManyHops},
		{"/away", ErrHostNotAllowed},
		{"/ftp", ErrScheme},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			_, err := fetchOnce(t, c, src, s.URL+tc.path)
			if !errors.Is(err, tc.want) {
				t.Errorf("fetch %s = %v; want %v", tc.path, err, tc.want)
			}
		})
	}
	if got := s.hits("/loop"); got != 11 {
		t.Errorf("redirect loop followed %d times; want 11 requests (10 redirects)", got)
	}
	if other.hits("/landing") != 0 {
		t.Errorf("the host not allowed was contacted")
	}
	t.Run("allow_hosts", func(t *testing.T) {
		src := src
		src.AllowHosts = []string{strings.TrimPrefix(other.URL, "http://")}
		resp, err := fetchOnce(t, c, src, s.URL+"/away")
		if err != nil || string(resp.Body) != "elsewhere" {
			t.Errorf("fetch /away with the host allowed = %v", err)
		}
	})
	t.Run("allow_hosts without the port allows no other port", func(t *testing.T) {
		src := src
		u, _ := url.Parse(other.URL)
		src.AllowHosts = []string{u.Hostname()} // 127.0.0.1, but the other server is on its own port
		before := other.hits("/landing")
		if _, err := fetchOnce(t, c, src, s.URL+"/away"); !errors.Is(err, ErrHostNotAllowed) {
			t.Errorf("fetch /away with only the host name allowed = %v; want ErrHostNotAllowed (the port differs)", err)
		}
		if other.hits("/landing") != before {
			t.Errorf("the port not allowed was contacted")
		}
	})
}

// TestRobotsRedirectFollowsHostPolicy: a robots.txt that redirects to a host the source does not
// allow is not followed there.
func TestRobotsRedirectFollowsHostPolicy(t *testing.T) {
	s := newSite(t)
	other := newSite(t)
	other.handle("/robots.txt", "text/plain", "User-agent: *\nAllow: /\n")
	s.handleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/robots.txt", http.StatusFound)
	})
	s.handle("/list.htm", "text/html", `<ul><li><a href="/a.htm">Ban story</a></li></ul>`)
	s.handle("/a.htm", "text/html", articlePage("Ban story", "", loremEN...))
	src := testSource("x", config.KindHTML, s.URL+"/list.htm")
	src.List = config.List{Item: "li"}
	c := testCrawler(t, nil)
	if _, err := c.Crawl(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if n := other.hits("/robots.txt"); n != 0 {
		t.Errorf("robots.txt redirect followed to a host not allowed (%d requests there)", n)
	}
}

func TestRobots(t *testing.T) {
	s := newSite(t)
	s.handle("/robots.txt", "text/plain", "User-agent: *\nDisallow: /\n\nUser-agent: bantrack\nDisallow: /private/\n")
	s.handle("/list.htm", "text/html", `<ul><li><a href="/private/a.htm">Private ban story</a></li><li><a href="/public/b.htm">Public ban story</a></li></ul>`)
	s.handle("/private/a.htm", "text/html", articlePage("Private", "", loremEN...))
	s.handle("/public/b.htm", "text/html", articlePage("Public", "", loremEN[1:]...))
	src := testSource("x", config.KindHTML, s.URL+"/list.htm")
	src.List = config.List{Item: "li"}
	c := testCrawler(t, nil)
	res, err := c.Crawl(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	got := byURL(res.Articles)
	if a := got[s.URL+"/private/a.htm"]; a.Status != article.StatusPartial || s.hits("/private/a.htm") != 0 {
		t.Errorf("disallowed page: status %q, fetched %d times; want partial, never fetched", a.Status, s.hits("/private/a.htm"))
	}
	if a := got[s.URL+"/public/b.htm"]; a.Status != article.StatusOK {
		t.Errorf("allowed page: status %q; want ok", a.Status)
	}
	if _, err := c.Crawl(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if n := s.hits("/robots.txt"); n != 1 {
		t.Errorf("robots.txt fetched %d times over two crawls; want 1 (cached)", n)
	}
	src.Robots = false
	if _, err := c.Crawl(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if n := s.hits("/private/a.htm"); n != 1 {
		t.Errorf("with robots: false the disallowed page was fetched %d times; want 1", n)
	}
}

func TestRateLimit(t *testing.T) {
	s := newSite(t)
	s.handle("/x", "text/plain", "ok")
	c := testCrawler(t, nil)
	c.opts.NoRateLimit = false
	c.opts.IgnoreRobots = true
	src := testSource("x", config.KindHTML, s.URL+"/x")
	src.Rate = 10
	start := time.Now()
	for range 4 {
		if _, err := fetchOnce(t, c, src, s.URL+"/x"); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 280*time.Millisecond {
		t.Errorf("4 requests at 10/s took %v; want at least 300ms", d)
	}
}

// TestOnFetchHearsEveryFetch: the metrics hook hears of the listing and of every page, the page
// that failed (after its retries) with its error, and not of robots.txt.
func TestOnFetchHearsEveryFetch(t *testing.T) {
	s := newSite(t)
	s.handle("/robots.txt", "text/plain", "User-agent: *\nAllow: /\n")
	s.handle("/rss.xml", "application/rss+xml", rss(
		rssItem("CAC reviews Micron products", s.URL+"/a", "Review.", "Thu, 17 Sep 2026 10:00:00 GMT"),
		rssItem("MIIT notice", s.URL+"/b", "Notice.", "Thu, 17 Sep 2026 11:00:00 GMT"),
		rssItem("A notice withdrawn", s.URL+"/gone", "Gone.", "Thu, 17 Sep 2026 12:00:00 GMT"),
	))
	s.handle("/a", "text/html; charset=utf-8", articlePage("CAC reviews Micron products", "2026-09-17T08:15:00Z", loremEN...))
	s.handle("/b", "text/html; charset=utf-8", articlePage("MIIT notice", "2026-09-17T09:15:00Z", loremEN...))
	var mu sync.Mutex
	heard := map[string]int{}
	failed := 0
	c := testCrawler(t, &MemStore{})
	c.opts.OnFetch = func(source string, took time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		heard[source]++
		if err != nil {
			failed++
		}
	}
	if _, err := c.Crawl(context.Background(), testSource("wire", config.KindFeed, s.URL+"/rss.xml")); err != nil {
		t.Fatal(err)
	}
	if heard["wire"] != 4 || failed != 1 || len(heard) != 1 {
		t.Errorf("OnFetch heard %v, %d failed; want 4 fetches of wire (the feed, three pages), one failed", heard, failed)
	}
}
