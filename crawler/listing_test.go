package crawler

import (
	"context"
	"testing"
	"time"

	"golang.org/x/text/encoding/traditionalchinese"

	"github.com/bantrack/bantrack/config"
)

func TestFeedFormats(t *testing.T) {
	s := newSite(t)
	s.handle("/atom.xml", "application/atom+xml", `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Rules</title><id>x</id><updated>2026-09-18T00:00:00Z</updated>
<entry><title>Entity List additions</title><link href="/rules/entity-list.html?utm_medium=feed"/><id>1</id>
<published>2026-09-16T14:00:00-04:00</published><summary type="html">&lt;p&gt;BIS adds &lt;b&gt;23 entities&lt;/b&gt;.&lt;/p&gt;</summary></entry></feed>`)
	s.handle("/feed.json", "application/feed+json", `{"version":"https://jsonfeed.org/version/1.1","title":"Wire",
"items":[{"id":"1","url":"`+s.URL+`/a.html","title":"Export curbs","summary":"New export curbs.","date_published":"2026-09-15T09:00:00Z"}]}`)
	c := testCrawler(t, nil)
	cases := []struct {
		path, url, title, summary string
		published                 time.Time
	}{
		{"/atom.xml", s.URL + "/rules/entity-list.html", "Entity List additions", "BIS adds 23 entities.", time.Date(2026, 9, 16, 18, 0, 0, 0, time.UTC)},
		{"/feed.json", s.URL + "/a.html", "Export curbs", "New export curbs.", time.Date(2026, 9, 15, 9, 0, 0, 0, time.UTC)},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			items, err := c.List(context.Background(), testSource("f", config.KindFeed, s.URL+tc.path))
			if err != nil || len(items) != 1 {
				t.Fatalf("List = %v, %v; want one item", items, err)
			}
			it := items[0]
			if it.URL != tc.url || it.Title != tc.title || it.Summary != tc.summary || !it.Published.Equal(tc.published) {
				t.Errorf("item = %+v; want %s %q %q %v", it, tc.url, tc.title, tc.summary, tc.published)
			}
		})
	}
}

func TestBig5Listing(t *testing.T) {
	s := newSite(t)
	page, err := traditionalchinese.Big5.NewEncoder().String(`<html><head><meta charset="big5"></head><body><ul class="news">` +
		`<li><a href="/n/1.html">經濟部公告出口管制清單</a> <span>2026/09/18</span></li><li><a href="https://elsewhere.example/x">友站</a></li></ul></body></html>`)
	if err != nil {
		t.Fatal(err)
	}
	s.handle("/news.html", "text/html", page)
	src := testSource("tw", config.KindHTML, s.URL+"/news.html")
	src.List = config.List{Item: "ul.news li", Date: "span"}
	items, err := testCrawler(t, nil).List(context.Background(), src)
	if err != nil || len(items) != 1 {
		t.Fatalf("List = %v, %v; want one item (the other host's link dropped)", items, err)
	}
	if items[0].Title != "經濟部公告出口管制清單" || items[0].Published.Format(time.DateOnly) != "2026-09-18" {
		t.Errorf("item = %+v; want the Big5 title decoded and the date read", items[0])
	}
}

func TestFeedDateZone(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	cases := []struct {
		raw  string
		want time.Time
	}{
		{"2026-09-18 10:00:00", time.Date(2026, 9, 18, 10, 0, 0, 0, sh)},
		{"2026-09-18T10:00:00Z", time.Date(2026, 9, 18, 10, 0, 0, 0, time.UTC)},
		{"Fri, 18 Sep 2026 10:00:00 GMT", time.Date(2026, 9, 18, 10, 0, 0, 0, time.UTC)},
		{"Fri, 18 Sep 2026 10:00:00 +0800", time.Date(2026, 9, 18, 2, 0, 0, 0, time.UTC)},
	}
	for _, tc := range cases {
		t.Run(tc.raw, func(t *testing.T) {
			parsed, ok := parseDate(tc.raw, "", time.UTC) // as gofeed would: UTC when no zone
			if !ok {
				t.Fatalf("parseDate(%q) failed", tc.raw)
			}
			if got := feedDate(tc.raw, parsed, sh); !got.Equal(tc.want) {
				t.Errorf("feedDate(%q) = %v; want %v", tc.raw, got, tc.want)
			}
		})
	}
}
