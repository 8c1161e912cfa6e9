package crawler

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/cascadia"

	"github.com/bantrack/bantrack/config"
)

// site is a test server that serves fixed pages and records the requests it gets.
type site struct {
	*httptest.Server
	mu       sync.Mutex
	requests []*http.Request
	pages    map[string]http.HandlerFunc
}

func newSite(t *testing.T) *site {
	t.Helper()
	s := &site{pages: map[string]http.HandlerFunc{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, r.Clone(r.Context()))
		h, ok := s.pages[r.URL.Path]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// handle serves body with content type ct at path, with an ETag, answering conditional requests.
func (s *site) handle(path, ct, body string) {
	etag := fmt.Sprintf(`"%x"`, len(body)*31+len(path))
	s.handleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", ct)
		fmt.Fprint(w, body)
	})
}

func (s *site) handleFunc(path string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[path] = h
}

// hits counts requests to path.
func (s *site) hits(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r.URL.Path == path {
			n++
		}
	}
	return n
}

func (s *site) reset() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.requests
	s.requests = nil
	return r
}

func testCrawler(t *testing.T, store Store) *Crawler {
	t.Helper()
	opts := Options{
		UserAgent:    "bantrack-test/1.0",
		Logger:       slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug})),
		NoRateLimit:  true,
		RetryBase:    5 * time.Millisecond,
		MaxRetryWait: 3 * time.Second,
	}
	if store != nil {
		opts.Store = store
	}
	return New(opts)
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func testSource(name, kind, u string) config.Source {
	return config.Source{
		Name: name, Kind: kind, URL: u, Lang: "auto", Timezone: time.UTC,
		Rate: 100, Timeout: 2 * time.Second, MaxBody: 1 << 20, Retries: 2, Robots: true,
		FetchArticles: true,
	}
}

// articlePage is a news-style page with boilerplate around a body of paragraphs.
func articlePage(title, published string, paras ...string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + title + " | Test Wire</title>")
	if published != "" {
		b.WriteString(`<meta property="article:published_time" content="` + published + `">`)
	}
	b.WriteString(`</head><body><header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/tech">Tech</a></nav></header>`)
	b.WriteString(`<div class="cookie">We use cookies. <button>Accept</button></div><main><article><h1>` + title + `</h1>`)
	for _, p := range paras {
		b.WriteString("<p>" + p + "</p>")
	}
	b.WriteString(`</article><aside><h3>Related</h3><ul><li><a href="/a">Markets edge up</a></li><li><a href="/b">Weather today</a></li></ul></aside></main>`)
	b.WriteString(`<footer>© 2026 Test Wire. All rights reserved. <a href="/privacy">Privacy</a></footer></body></html>`)
	return b.String()
}

var loremEN = []string{
	"China's cybersecurity regulator told operators of critical information infrastructure to stop buying products from several American network security vendors, according to people familiar with the matter.",
	"The notice named VMware, Palo Alto Networks, Fortinet and Check Point Software Technologies, and asked state-owned enterprises to replace the products with domestic alternatives over the coming months.",
	"Officials at the Cyberspace Administration of China did not respond to a request for comment. The Ministry of Industry and Information Technology has pushed domestic software for several years.",
}

type urlT = url.URL

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func mustURLF(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// splitOK reports whether a content selector parses, so that fuzzing skips invalid ones.
func splitOK(sel string) (string, string, error) {
	css, attr := config.SplitSelector(sel)
	if css == "" {
		return css, attr, nil
	}
	_, err := cascadia.Compile(css)
	return css, attr, err
}
