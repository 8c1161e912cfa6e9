package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/config"
)

func rss(items ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test Wire</title><link>/</link>` +
		strings.Join(items, "") + `</channel></rss>`
}

func rssItem(title, link, desc, date string) string {
	return `<item><title>` + title + `</title><link>` + link + `</link><description>` + desc + `</description><pubDate>` + date + `</pubDate></item>`
}

// newswire is a feed site: one open article, one behind a 401 wall.
func newswire(t *testing.T) *site {
	s := newSite(t)
	s.handle("/rss.xml", "application/rss+xml", rss(
		rssItem("China tells firms to stop using US cybersecurity software", s.URL+"/world/ban.html?utm_source=rss#top",
			"Beijing names VMware, Fortinet and Check Point.", "Thu, 17 Sep 2026 10:00:00 GMT"),
		rssItem("Walled story on Fortinet", s.URL+"/walled.html", "Fortinet shares fell after the ban.", "Thu, 17 Sep 2026 11:00:00 GMT"),
	))
	s.handle("/world/ban.html", "text/html; charset=utf-8", articlePage("China tells firms to stop using US cybersecurity software", "2026-09-17T08:15:00Z", loremEN...))
	s.handleFunc("/walled.html", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, "<html><body>Please enable JS and disable any ad blocker</body></html>")
	})
	return s
}

func byURL(arts []article.Article) map[string]article.Article {
	m := map[string]article.Article{}
	for _, a := range arts {
		m[a.URL] = a
	}
	return m
}

func TestCrawlFeed(t *testing.T) {
	s := newswire(t)
	c := testCrawler(t, &MemStore{})
	res, err := c.Crawl(context.Background(), testSource("newswire", config.KindFeed, s.URL+"/rss.xml"))
	if err != nil {
		t.Fatalf("Crawl: %v", err)
	}
	if res.Listed != 2 || len(res.Articles) != 2 {
		t.Fatalf("Listed = %d, articles = %d; want 2 and 2", res.Listed, len(res.Articles))
	}
	got := byURL(res.Articles)
	ok, found := got[s.URL+"/world/ban.html"]
	if !found {
		t.Fatalf("no article under the canonical URL %s/world/ban.html; got %v", s.URL, got)
	}
	if ok.Status != article.StatusOK || !strings.Contains(ok.Text, "Palo Alto Networks") || strings.Contains(ok.Text, "rights reserved") {
		t.Errorf("open article: status %q, text %q; want ok with the body only", ok.Status, ok.Text)
	}
	if ok.ID != article.NewID(ok.URL) || ok.Lang != "en" || ok.Source != "newswire" {
		t.Errorf("open article: id %q lang %q source %q", ok.ID, ok.Lang, ok.Source)
	}
	if want := time.Date(2026, 9, 17, 8, 15, 0, 0, time.UTC); !ok.Published.Equal(want) {
		t.Errorf("Published = %v; want the page's %v before the feed's date", ok.Published, want)
	}
	walled := got[s.URL+"/walled.html"]
	if walled.Status != article.StatusPartial || walled.Title != "Walled story on Fortinet" || walled.Text != "Fortinet shares fell after the ban." {
		t.Errorf("walled article = %+v; want partial with the feed's title and summary", walled)
	}
	if res.Partial != 1 || len(res.Errors) != 0 {
		t.Errorf("Partial = %d, Errors = %v; want 1 and none (a wall is not an error)", res.Partial, res.Errors)
	}
	for _, r := range s.reset() {
		if ua := r.Header.Get("User-Agent"); ua != "bantrack-test/1.0" {
			t.Errorf("request %s with User-Agent %q", r.URL.Path, ua)
		}
	}
}

// TestSecondCrawl checks that a second crawl of an unchanged site sends only conditional requests
// and fetches no article again, and that a partial page is retried only after its backoff.
func TestSecondCrawl(t *testing.T) {
	s := newswire(t)
	store := &MemStore{}
	now := time.Date(2026, 9, 18, 8, 0, 0, 0, time.UTC)
	c := testCrawler(t, store)
	c.opts.Now = func() time.Time { return now }
	src := testSource("newswire", config.KindFeed, s.URL+"/rss.xml")
	res, err := c.Crawl(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	commit(t, c, store, res)
	s.reset()

	res, err = c.Crawl(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	reqs := s.reset()
	if !res.NotModified || len(res.Articles) != 0 {
		t.Errorf("second crawl: NotModified %v, %d articles; want true and 0", res.NotModified, len(res.Articles))
	}
	if len(reqs) != 1 || reqs[0].URL.Path != "/rss.xml" || reqs[0].Header.Get("If-None-Match") == "" {
		for _, r := range reqs {
			t.Logf("request %s If-None-Match=%q", r.URL.Path, r.Header.Get("If-None-Match"))
		}
		t.Fatalf("second crawl sent %d requests; want 1 conditional request for the feed", len(reqs))
	}

	// The feed changes: only the new item is fetched; the walled one waits for its backoff.
	s.handle("/rss.xml", "application/rss+xml", rss(
		rssItem("China tells firms to stop using US cybersecurity software", s.URL+"/world/ban.html", "Beijing names VMware.", "Thu, 17 Sep 2026 10:00:00 GMT"),
		rssItem("Walled story on Fortinet", s.URL+"/walled.html", "Fortinet shares fell after the ban.", "Thu, 17 Sep 2026 11:00:00 GMT"),
		rssItem("New story", s.URL+"/new.html", "Something new about Broadcom.", "Fri, 18 Sep 2026 07:00:00 GMT"),
	))
	s.handle("/new.html", "text/html", articlePage("New story", "", loremEN...))
	res, err = c.Crawl(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Articles) != 1 || res.Skipped != 2 || s.hits("/world/ban.html") != 0 || s.hits("/walled.html") != 0 {
		t.Errorf("third crawl: %d articles, %d skipped, ban fetched %d, walled fetched %d; want 1, 2, 0, 0",
			len(res.Articles), res.Skipped, s.hits("/world/ban.html"), s.hits("/walled.html"))
	}
	commit(t, c, store, res)

	// Two hours later the wall is tried again, though the feed has not changed.
	now = now.Add(2 * time.Hour)
	res, err = c.Crawl(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.hits("/walled.html"); !res.NotModified || got != 1 || res.Partial != 1 {
		t.Errorf("after the backoff: NotModified %v, walled page fetched %d times, %d partial; want true, 1, 1", res.NotModified, got, res.Partial)
	}
	commit(t, c, store, res)

	// The wall comes down: the next try gets the page and the document becomes ok.
	s.handle("/walled.html", "text/html", articlePage("Walled story on Fortinet", "2026-09-17T11:00:00Z", loremEN[1:]...))
	now = now.Add(3 * time.Hour)
	res, err = c.Crawl(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Articles) != 1 || res.Articles[0].Status != article.StatusOK || res.Articles[0].URL != s.URL+"/walled.html" {
		t.Fatalf("after the wall came down: %+v; want the walled article with status ok", res.Articles)
	}
	commit(t, c, store, res)
	now = now.Add(48 * time.Hour)
	res, err = c.Crawl(context.Background(), src)
	if err != nil || len(res.Articles) != 0 || s.hits("/walled.html") != 2 {
		t.Errorf("once had, the page is not fetched again: %d articles, %d fetches, %v", len(res.Articles), s.hits("/walled.html"), err)
	}
}

func TestRefetchRules(t *testing.T) {
	s := newSite(t)
	list := func(date string) string {
		return `<ul class="l"><li><a href="/a.htm">Notice on the ban</a><span class="d">` + date + `</span></li></ul>`
	}
	s.handle("/list.htm", "text/html", list("2026-09-01"))
	s.handle("/a.htm", "text/html", articlePage("Notice on the ban", "", loremEN...))
	src := testSource("site", config.KindHTML, s.URL+"/list.htm")
	src.List = config.List{Item: "ul.l li", Date: ".d"}
	store := &MemStore{}
	c := testCrawler(t, store)
	crawl := func() Result {
		t.Helper()
		store.SetValidators(rulesKey(src)+" "+s.URL+"/list.htm", "", "") // not conditional: look at the items
		res, err := c.Crawl(context.Background(), src)
		if err != nil {
			t.Fatal(err)
		}
		commit(t, c, store, res)
		return res
	}
	steps := []struct {
		name    string
		setup   func()
		fetched int
	}{
		{"first sight", func() {}, 1},
		{"same listing date", func() {}, 0},
		{"listing date changed", func() { s.handle("/list.htm", "text/html", list("2026-09-05")) }, 1},
		{"refresh", func() { c.opts.Refresh = true }, 1},
	}
	for _, st := range steps {
		st.setup()
		if res := crawl(); res.Fetched != st.fetched {
			t.Errorf("%s: fetched %d; want %d", st.name, res.Fetched, st.fetched)
		}
	}
}

func TestPartialGivesUp(t *testing.T) {
	s := newswire(t)
	store := &MemStore{}
	now := time.Date(2026, 9, 18, 8, 0, 0, 0, time.UTC)
	c := testCrawler(t, store)
	c.opts.Now = func() time.Time { return now }
	c.opts.PartialFor = 24 * time.Hour
	src := testSource("newswire", config.KindFeed, s.URL+"/rss.xml")
	for range 4 {
		res, err := c.Crawl(context.Background(), src)
		if err != nil {
			t.Fatal(err)
		}
		commit(t, c, store, res)
		now = now.Add(13 * time.Hour)
	}
	// Tries at 0h, 13h (backoff 1h then 2h), then 26h is past PartialFor: given up.
	if got := s.hits("/walled.html"); got != 2 {
		t.Errorf("walled page fetched %d times; want 2 before giving up after a day", got)
	}
	if ok, _ := store.Get("retry/"+article.NewID(s.URL+"/walled.html"), &retryRecord{}); ok {
		t.Errorf("retry record kept after giving up")
	}
}

func TestMirrorAcrossRuns(t *testing.T) {
	s := newSite(t)
	body := `<html><body><div class="art"><p>商务部公告2026年第61号：根据《不可靠实体清单规定》，工作机制决定将有关外国实体列入不可靠实体清单。</p></div></body></html>`
	s.handle("/list.htm", "text/html", `<ul><li><a href="/a/notice.shtml">公告</a></li></ul>`)
	s.handle("/a/notice.shtml", "text/html", body)
	s.handle("/b/notice.shtml", "text/html", body)
	src := testSource("mofcom", config.KindHTML, s.URL+"/list.htm")
	src.List = config.List{Item: "li"}
	src.Article = config.ArticleRules{Content: ".art"}
	store := &MemStore{}
	c := testCrawler(t, store)
	res, err := c.Crawl(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	commit(t, c, store, res)
	s.handle("/list.htm", "text/html", `<ul><li><a href="/b/notice.shtml">公告（转载）</a></li></ul>`)
	res, err = c.Crawl(context.Background(), src)
	if err != nil || len(res.Articles) != 1 {
		t.Fatalf("second run: %d articles, %v", len(res.Articles), err)
	}
	a := res.Articles[0]
	if a.ID != article.NewID(s.URL+"/a/notice.shtml") || a.URL != s.URL+"/a/notice.shtml" || len(a.AltURLs) != 1 || a.AltURLs[0] != s.URL+"/b/notice.shtml" {
		t.Errorf("mirror found later = id %s url %s alt %v; want the first document with the new URL as alternative", a.ID, a.URL, a.AltURLs)
	}
}

func TestCrawlHTMLJSONWithCookie(t *testing.T) {
	s := newSite(t)
	s.handleFunc("/column/index.html", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s3cret", Path: "/"})
		fmt.Fprint(w, "<html><body><div id='list'></div></body></html>")
	})
	fragment := `<div class="page-content"><ul>` +
		`<li class="cf"><a class="fl" href="` + s.URL + `/art/2.html" title="工业和信息化部关于网络产品安全漏洞管理的通知">工业和信息化部关于网络产品...</a><span class="fr">2026-09-10</span></li>` +
		`<li class="cf"><a class="fl" href="/art/1.html?spm=a.b.c" title="关于进一步加强网络安全审查的通知">关于进一步加强...</a><span class="fr">2026-09-18</span></li>` +
		`</ul></div>`
	s.handleFunc("/api/unit", func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("session"); err != nil || c.Value != "s3cret" {
			w.WriteHeader(http.StatusPreconditionFailed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"code":"200","success":true,"data":{"html":%q}}`, fragment)
	})
	miitPage := func(title, date, body string) string {
		return `<html><body><div class="nav">首页 > 政策</div><h1>` + title + `</h1><div id="con_time">发布时间：` + date +
			`</div><div class="ccontent"><p>` + body + `</p></div><div class="foot">主办单位：工业和信息化部</div></body></html>`
	}
	s.handle("/art/1.html", "text/html; charset=utf-8", miitPage("关于进一步加强网络安全审查的通知", "2026-09-18 10:00", "各有关单位：为加强网络安全审查，现将有关事项通知如下。"))
	s.handle("/art/2.html", "text/html; charset=utf-8", miitPage("工业和信息化部关于网络产品安全漏洞管理的通知", "2026-09-10", "各有关单位：网络产品提供者应当及时修补安全漏洞。"))

	sh, _ := time.LoadLocation("Asia/Shanghai")
	c := testCrawler(t, nil)
	ctx := context.Background()
	src := testSource("miit", config.KindHTML, s.URL+"/api/unit")
	src.Timezone = sh
	src.Lang = "zh"
	src.List = config.List{Item: "li.cf", Link: "a.fl", Title: "a@title", Date: ".fr", JSON: "data.html"}
	src.Article = config.ArticleRules{Content: ".ccontent", Date: "#con_time"}
	src.Headers = map[string]string{"Referer": s.URL + "/column/index.html"}
	res, err := c.Crawl(ctx, src)
	if err != nil {
		t.Fatalf("Crawl: %v", err)
	}
	got := byURL(res.Articles)
	a, ok := got[s.URL+"/art/1.html"]
	if !ok || len(res.Articles) != 2 {
		t.Fatalf("articles %v; want two, one at %s/art/1.html (relative link, spm dropped)", res.Articles, s.URL)
	}
	if a.Title != "关于进一步加强网络安全审查的通知" || a.Text != "各有关单位：为加强网络安全审查，现将有关事项通知如下。" || a.Lang != "zh" {
		t.Errorf("article = %q / %q / %q", a.Title, a.Text, a.Lang)
	}
	if want := time.Date(2026, 9, 18, 10, 0, 0, 0, sh); !a.Published.Equal(want) {
		t.Errorf("Published = %v; want %v", a.Published, want)
	}
	items, err := c.List(ctx, src)
	if err != nil || len(items) != 2 || items[1].Published.Format("2006-01-02") != "2026-09-18" {
		t.Errorf("List = %v, %v; want 2 items dated from the listing", items, err)
	}
	if n := s.hits("/column/index.html"); n != 1 {
		t.Errorf("column page visited %d times; want 1 (once per source, for its cookie)", n)
	}
}

func TestCookieChallenge(t *testing.T) {
	s := newSite(t)
	s.handleFunc("/list.htm", func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("__jsl_clearance"); err != nil || c.Value != "ok" {
			http.SetCookie(w, &http.Cookie{Name: "__jsl_clearance", Value: "ok", Path: "/"})
			w.WriteHeader(521)
			return
		}
		fmt.Fprint(w, `<ul class="list"><li><a href="/a.htm">Notice</a></li></ul>`)
	})
	src := testSource("samr", config.KindHTML, s.URL+"/list.htm")
	src.List = config.List{Item: "ul.list li"}
	src.FetchArticles = false
	src.Retries = 0
	res, err := testCrawler(t, nil).Crawl(context.Background(), src)
	if err != nil || res.Listed != 1 {
		t.Fatalf("Crawl = %d items, %v; want the listing after answering the cookie challenge", res.Listed, err)
	}
	if n := s.hits("/list.htm"); n != 2 {
		t.Errorf("%d listing requests; want 2", n)
	}
}

func TestPagination(t *testing.T) {
	s := newSite(t)
	page := func(n int, next string) string {
		b := `<div id="list"><ul>`
		for i := 1; i <= 2; i++ {
			b += fmt.Sprintf(`<li><a href="/art/%d-%d.htm">Item %d-%d</a></li>`, n, i, n, i)
		}
		b += `</ul></div>`
		if next != "" {
			b += `<div class="pager"><a class="next" href="` + next + `">下一页</a></div>`
		}
		return b
	}
	s.handle("/news/index.htm", "text/html", page(1, "index_2.htm"))
	s.handle("/news/index_2.htm", "text/html", page(2, "index_3.htm"))
	s.handle("/news/index_3.htm", "text/html", page(3, "index_4.htm"))
	s.handle("/news/index_4.htm", "text/html", page(4, ""))
	c := testCrawler(t, nil)
	cases := []struct {
		name string
		list config.List
		want int
	}{
		{"next selector", config.List{Item: "#list li", Next: "a.next", MaxPages: 3}, 6},
		{"page-number pattern", config.List{Item: "#list li", PageURL: "index_{page}.htm", MaxPages: 4}, 8},
		{"one page by default", config.List{Item: "#list li", Next: "a.next"}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := testSource("paged", config.KindHTML, s.URL+"/news/index.htm")
			src.List = tc.list
			items, err := c.List(context.Background(), src)
			if err != nil || len(items) != tc.want {
				t.Errorf("List = %d items, %v; want %d", len(items), err, tc.want)
			}
		})
	}
}

func TestSitemap(t *testing.T) {
	s := newSite(t)
	s.handle("/sitemap-index.xml", "application/xml", `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>`+s.URL+`/news.xml.gz</loc><lastmod>2026-09-18</lastmod></sitemap>
<sitemap><loc>`+s.URL+`/old.xml</loc><lastmod>2026-01-01</lastmod></sitemap>
</sitemapindex>`)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	fmt.Fprint(zw, `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>`+s.URL+`/world/ban.html?utm_campaign=x</loc><news:news><news:publication>
<news:name>Test Wire</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2026-09-17T10:00:00Z</news:publication_date>
<news:title>China tells firms to stop using US cybersecurity software</news:title></news:news></url>
</urlset>`)
	zw.Close()
	s.handleFunc("/news.xml.gz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/gzip")
		w.Write(gz.Bytes())
	})
	s.handle("/old.xml", "application/xml", `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/old/page.html</loc><lastmod>2026-01-01</lastmod></url></urlset>`)
	items, err := testCrawler(t, nil).List(context.Background(), testSource("wire-sitemap", config.KindSitemap, s.URL+"/sitemap-index.xml"))
	if err != nil || len(items) != 2 {
		t.Fatalf("List = %v, %v; want 2 items", items, err)
	}
	first := items[0]
	if first.URL != s.URL+"/world/ban.html" || first.Title != "China tells firms to stop using US cybersecurity software" ||
		!first.Published.Equal(time.Date(2026, 9, 17, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("news item = %+v; want canonical URL, news title and date", first)
	}
	if items[1].URL != s.URL+"/old/page.html" {
		t.Errorf("second item %q; want the relative loc resolved", items[1].URL)
	}
}

func TestCrawlGBK(t *testing.T) {
	s := newSite(t)
	enc := func(x string) string {
		b, err := simplifiedchinese.GBK.NewEncoder().String(x)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	s.handle("/list.htm", "text/html", enc(`<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"></head><body><div id="loadingInfoPage"><ul>`+
		`<li><a href="a/1.htm" title="国家网信办启动网络安全审查">国家网信办启动...</a><span class="times">2026-09-18</span></li></ul></div></body></html>`))
	s.handle("/a/1.htm", "text/html", enc(`<html><head><meta charset="gbk"><title>网信办</title></head><body><div id="pubtime">2026年09月18日 17:00</div>`+
		`<div id="BodyLabel"><p>国家互联网信息办公室网络安全审查办公室对有关产品启动网络安全审查。</p></div></body></html>`))
	src := testSource("cac", config.KindHTML, s.URL+"/list.htm")
	src.List = config.List{Item: "div#loadingInfoPage li", Link: "a", Title: "a@title", Date: ".times"}
	src.Article = config.ArticleRules{Content: "#BodyLabel", Date: "#pubtime"}
	res, err := testCrawler(t, nil).Crawl(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Articles) != 1 {
		t.Fatalf("%d articles; want 1", len(res.Articles))
	}
	a := res.Articles[0]
	if a.Title != "国家网信办启动网络安全审查" || a.Text != "国家互联网信息办公室网络安全审查办公室对有关产品启动网络安全审查。" || a.Lang != "zh" {
		t.Errorf("article = %q / %q / %q; want the GBK page decoded", a.Title, a.Text, a.Lang)
	}
}

func TestFetchArticlesFalseAndFilter(t *testing.T) {
	s := newswire(t)
	src := testSource("newswire", config.KindFeed, s.URL+"/rss.xml")
	src.FetchArticles = false
	src.Filter = []string{"check point"}
	res, err := testCrawler(t, nil).Crawl(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Articles) != 1 || res.Filtered != 1 || res.Fetched != 0 {
		t.Fatalf("articles %d, filtered %d, fetched %d; want 1, 1, 0", len(res.Articles), res.Filtered, res.Fetched)
	}
	if a := res.Articles[0]; a.Text != "Beijing names VMware, Fortinet and Check Point." || a.Status != article.StatusOK {
		t.Errorf("article = %+v; want the feed item itself", a)
	}
	if s.hits("/world/ban.html") != 0 {
		t.Errorf("article page fetched with fetch_articles false")
	}
}

func TestMalformedFeed(t *testing.T) {
	s := newswire(t)
	s.handle("/broken.xml", "application/rss+xml", "<rss><channel><item><title>oops</title")
	c := testCrawler(t, nil)
	_, err := c.Crawl(context.Background(), testSource("broken", config.KindFeed, s.URL+"/broken.xml"))
	if err == nil || !strings.Contains(err.Error(), "broken") {
		t.Errorf("Crawl(broken feed) error = %v; want one naming the source", err)
	}
	res, err := c.Crawl(context.Background(), testSource("newswire", config.KindFeed, s.URL+"/rss.xml"))
	if err != nil || len(res.Articles) != 2 {
		t.Errorf("the good feed after a broken one: %d articles, %v; want 2, nil", len(res.Articles), err)
	}
}

func TestLayoutChanged(t *testing.T) {
	s := newSite(t)
	s.handle("/list.htm", "text/html", `<ul class="news"><li><a href="/a.htm">A story about ban rules</a></li></ul>`)
	s.handle("/a.htm", "text/html", articlePage("A story", "2026-09-01", loremEN...))
	store := &MemStore{}
	c := testCrawler(t, store)
	src := testSource("site", config.KindHTML, s.URL+"/list.htm")
	src.List = config.List{Item: "ul.news li"}
	res, err := c.Crawl(context.Background(), src)
	if err != nil || res.Listed != 1 {
		t.Fatalf("first crawl: listed %d, %v", res.Listed, err)
	}
	s.handle("/list.htm", "text/html", `<div class="news-v2"><a href="/a.htm">A story about ban rules</a></div>`)
	_, err = c.Crawl(context.Background(), src)
	if !errors.Is(err, ErrLayoutChanged) {
		t.Fatalf("crawl after the redesign: error %v; want ErrLayoutChanged", err)
	}
	if !strings.Contains(err.Error(), "selectors found nothing: the layout may have changed") {
		t.Errorf("error %q; want it to say the layout may have changed", err)
	}
	var rec listingRecord
	if ok, _ := store.Get("listing/site", &rec); !ok || rec.Count != 1 {
		t.Errorf("listing record = %+v, %v; want the last good count kept", rec, ok)
	}
}

func TestMirroredNotice(t *testing.T) {
	s := newSite(t)
	body := `<html><body><div class="art"><p>商务部公告2026年第61号：根据《不可靠实体清单规定》，工作机制决定将有关外国实体列入不可靠实体清单，并采取相应处理措施。</p></div></body></html>`
	s.handle("/list.htm", "text/html", `<ul><li><a href="/a/notice.shtml">公告1</a></li><li><a href="/b/notice.shtml">公告2</a></li></ul>`)
	s.handle("/a/notice.shtml", "text/html", body)
	s.handle("/b/notice.shtml", "text/html", strings.Replace(body, "<p>", "<p> ", 1))
	src := testSource("mofcom", config.KindHTML, s.URL+"/list.htm")
	src.List = config.List{Item: "li"}
	src.Article = config.ArticleRules{Content: ".art"}
	res, err := testCrawler(t, nil).Crawl(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Articles) != 1 {
		t.Fatalf("%d articles; want one for the notice mirrored under two URLs", len(res.Articles))
	}
	a := res.Articles[0]
	if a.URL != s.URL+"/a/notice.shtml" || len(a.AltURLs) != 1 || a.AltURLs[0] != s.URL+"/b/notice.shtml" {
		t.Errorf("URL %q AltURLs %v; want the first URL with the second as alternative", a.URL, a.AltURLs)
	}
}

// commit does what the indexer does after indexing a Result.
func commit(t *testing.T, c *Crawler, store *MemStore, res Result) {
	t.Helper()
	if err := store.MarkSeen(res.Seen...); err != nil {
		t.Fatal(err)
	}
	if err := c.Commit(res); err != nil {
		t.Fatal(err)
	}
}
