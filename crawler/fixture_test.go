package crawler

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/config"
	"github.com/bantrack/bantrack/internal/fixture"
)

// TestFixtureSites crawls the shared fixture sites with the demo feeds file twice: the first run
// finds articles in every source; the second, over unchanged sites, sends only conditional
// requests for the listings and fetches no article again.
func TestFixtureSites(t *testing.T) {
	srv, err := fixture.Start(os.DirFS("../testdata/sites"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	raw, err := os.ReadFile("../testdata/demo-feeds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("demo-feeds.yaml", srv.Render(raw))
	if err != nil {
		t.Fatalf("config.Parse: %v", err)
	}
	store := &MemStore{}
	c := testCrawler(t, store)
	c.opts.UserAgent = cfg.UserAgent
	ctx := context.Background()

	total := 0
	for _, src := range cfg.Sources {
		res, err := c.Crawl(ctx, src)
		if err != nil {
			t.Errorf("first crawl of %s: %v", src.Name, err)
			continue
		}
		// A source may list only documents another source already brought in.
		if res.Listed == 0 || len(res.Articles) == 0 && res.Skipped != res.Listed {
			t.Errorf("first crawl of %s: listed %d, %d articles, %d skipped; want items, each new or already seen",
				src.Name, res.Listed, len(res.Articles), res.Skipped)
		}
		for _, a := range res.Articles {
			if a.Status == article.StatusOK && strings.TrimSpace(a.Text) == "" {
				t.Errorf("%s: %s has status ok and no text", src.Name, a.URL)
			}
			if a.Published.IsZero() {
				t.Errorf("%s: %s has no publication date", src.Name, a.URL)
			}
		}
		for _, e := range res.Errors {
			t.Logf("%s: %v", src.Name, e)
		}
		total += len(res.Articles)
		commit(t, c, store, res)
	}
	first := srv.Requests()
	t.Logf("first run: %d articles, %d requests", total, len(first))

	srv.ResetRequests()
	c2 := testCrawler(t, store) // a new process: robots.txt is fetched again
	c2.opts.UserAgent = cfg.UserAgent
	for _, src := range cfg.Sources {
		res, err := c2.Crawl(ctx, src)
		if err != nil {
			t.Errorf("second crawl of %s: %v", src.Name, err)
			continue
		}
		if len(res.Articles) != 0 {
			t.Errorf("second crawl of %s returned %d articles; want none", src.Name, len(res.Articles))
		}
		commit(t, c2, store, res)
	}
	second := srv.Requests()
	for _, r := range second {
		if strings.HasSuffix(r.Path, "/robots.txt") {
			continue
		}
		if !r.Conditional() || r.Status != 304 {
			t.Errorf("second run: %s %s%s conditional=%v status %d; want only conditional requests answered 304",
				r.Method, r.Site, r.Path, r.Conditional(), r.Status)
		}
	}
	t.Logf("second run: %d requests (robots.txt included)", len(second))
}

// TestConcurrentSources crawls every fixture source at once through one Crawler (run with -race).
func TestConcurrentSources(t *testing.T) {
	srv, err := fixture.Start(os.DirFS("../testdata/sites"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	raw, err := os.ReadFile("../testdata/demo-feeds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("demo-feeds.yaml", srv.Render(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := testCrawler(t, &MemStore{})
	var wg sync.WaitGroup
	errs := make([]error, len(cfg.Sources))
	for i, src := range cfg.Sources {
		wg.Go(func() {
			_, errs[i] = c.Crawl(context.Background(), src)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("%s: %v", cfg.Sources[i].Name, err)
		}
	}
	if p, err := c.Page(context.Background(), cfg.Sources[0], srv.Origin("newswire")+"/"); err != nil || p.Title == "" {
		t.Errorf("Page = %+v, %v; want the page read", p, err)
	}
}
