package crawler

import (
	"context"
	"errors"
	"testing"

	"github.com/bantrack/bantrack/config"
)

// TestRepairedSourceReadsListing: a source whose selector finds nothing fails ("selectors found
// nothing") on its first run; once the selector is fixed, the next run reads the listing afresh
// (not a 304 kept from the broken rules) and finds the items. A second source on the same URL,
// with other rules, gets its own reading too.
func TestRepairedSourceReadsListing(t *testing.T) {
	s := newSite(t)
	s.handle("/list.htm", "text/html", `<html><body><ul class="news">
<li><a href="/a.htm">Ban on A</a></li><li><a href="/b.htm">Ban on B</a></li>
<li><a href="/c.htm">Review of C</a></li><li><a href="/d.htm">Ban on D</a></li></ul></body></html>`)
	for _, p := range []string{"/a.htm", "/b.htm", "/c.htm", "/d.htm"} {
		s.handle(p, "text/html", articlePage("Notice "+p, "", loremEN...))
	}
	store := &MemStore{}
	c := testCrawler(t, store)
	broken := testSource("site", config.KindHTML, s.URL+"/list.htm")
	broken.List = config.List{Item: "ul.wrong li"}

	for run := range 2 {
		res, err := c.Crawl(context.Background(), broken)
		if !errors.Is(err, ErrNothingListed) {
			t.Fatalf("run %d with a wrong list.item: err %v; want ErrNothingListed", run, err)
		}
		commit(t, c, store, res)
	}

	fixed := broken
	fixed.List = config.List{Item: "ul.news li"}
	res, err := c.Crawl(context.Background(), fixed)
	if err != nil {
		t.Fatalf("after the repair: %v", err)
	}
	commit(t, c, store, res)
	if res.NotModified || res.Listed != 4 || len(res.Articles) != 4 {
		t.Fatalf("after the repair: not modified %v, listed %d, articles %d; want the 4 items read afresh", res.NotModified, res.Listed, len(res.Articles))
	}

	// The same URL under another source and filter: its own first reading, not the other's 304.
	other := fixed
	other.Name = "site-reviews"
	other.Filter = []string{"Review"}
	res, err = c.Crawl(context.Background(), other)
	if err != nil {
		t.Fatal(err)
	}
	if res.NotModified || res.Listed != 4 {
		t.Errorf("second source on the same URL: not modified %v, listed %d; want a full reading of 4 items", res.NotModified, res.Listed)
	}
	commit(t, c, store, res)

	// And the repaired source, unchanged, is conditional again: a 304.
	res, err = c.Crawl(context.Background(), fixed)
	if err != nil {
		t.Fatal(err)
	}
	if !res.NotModified {
		t.Errorf("the repaired source's next run was not conditional (listed %d)", res.Listed)
	}
}
