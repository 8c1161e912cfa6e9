package main

import (
	"errors"
	"fmt"
	"hash/fnv"
	"html"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bantrack/bantrack/config"
)

// Kinds of generated source, one site (loopback listener) each.
const (
	kindFeed    = iota // a news wire's RSS feeds
	kindSitemap        // a newspaper's news sitemaps: an index and its parts
	kindListCN         // a Chinese regulator's notice listings, paginated index.html, index_1.html...
	kindListUS         // a US regulator's press release listings, paginated /page/2...
	kindCount
)

const (
	maxPerSource = 100 // documents per source at most: the crawler's default cap on listing items
	minSources   = 10  // sources at least, so that a small site has every kind
	perPage      = 20  // items on one listing page
	perSitemap   = 50  // URLs in one sitemap part
	zhPressEvery = 2   // every second newspaper source is in Chinese
)

// siteLastModified is when the whole generated site last changed.
func siteLastModified() time.Time { return time.Date(2025, 6, 30, 10, 0, 0, 0, time.UTC) }

// traffic counts what a site was asked.
type traffic struct {
	requests    atomic.Int64
	conditional atomic.Int64 // requests carrying If-None-Match or If-Modified-Since
	notModified atomic.Int64 // answered 304
}

func (t *traffic) add(o *traffic) {
	t.requests.Add(o.requests.Load())
	t.conditional.Add(o.conditional.Load())
	t.notModified.Add(o.notModified.Load())
}

// site is a generated web site: deterministic for its seed, made on the fly for each request.
type site struct {
	seed  uint64
	docs  int // documents in the whole generated web
	per   int // documents per source
	names names
	kind  int
	title string
	lang  string
	t     traffic
	srv   *http.Server
	ln    net.Listener
}

// web is every generated site and the sources that list the documents.
type web struct {
	sites   [kindCount]*site
	sources []config.Source
}

// startWeb starts one loopback site per kind for docs documents.
func startWeb(seed uint64, docs int, ns names) (*web, error) {
	w := &web{}
	per := sourceSize(docs)
	titles := [kindCount]string{"Global Tech Wire", "The Daily Ledger", "网信监管", "Office of Trade Security"}
	langs := [kindCount]string{"en", "en", "zh-CN", "en"}
	for k := range kindCount {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			w.close()
			return nil, fmt.Errorf("listen: %w", err)
		}
		s := &site{seed: seed, docs: docs, per: per, names: ns, kind: k, title: titles[k], lang: langs[k], ln: ln}
		s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
		go s.srv.Serve(ln)
		w.sites[k] = s
	}
	nsrc := (docs + per - 1) / per
	for i := range nsrc {
		w.sources = append(w.sources, w.source(i))
	}
	return w, nil
}

func (w *web) close() {
	for _, s := range w.sites {
		if s != nil {
			s.srv.Close()
		}
	}
}

// traffic sums the traffic of every site.
func (w *web) traffic() *traffic {
	var t traffic
	for _, s := range w.sites {
		t.add(&s.t)
	}
	return &t
}

// sourceSize is how many documents each source lists: the crawler's default cap, fewer on a
// small site so that it still has minSources sources.
func sourceSize(docs int) int {
	return max(1, min(maxPerSource, (docs+minSources-1)/minSources))
}

// kindOf is the kind of source i: sources of one kind are spread out so that sources crawled
// side by side hit different sites.
func kindOf(src int) int { return src % kindCount }

func zhSource(src int) bool {
	k := kindOf(src)
	return k == kindListCN || k == kindSitemap && (src/kindCount)%zhPressEvery == 1
}

// source is the feeds.yaml entry of source i, defaults as config applies them, politeness off.
func (w *web) source(i int) config.Source {
	k := kindOf(i)
	s := w.sites[k]
	origin := "http://" + s.ln.Addr().String()
	src := config.Source{
		Name: fmt.Sprintf("bench-%03d", i), Lang: "en", Timezone: time.UTC,
		Rate: 1000, Timeout: 30 * time.Second, MaxBody: 10 << 20, Retries: 2,
		FetchArticles: true,
	}
	if zhSource(i) {
		src.Lang = "zh"
	}
	switch k {
	case kindFeed:
		src.Kind, src.URL = config.KindFeed, fmt.Sprintf("%s/feeds/%d.xml", origin, i)
	case kindSitemap:
		src.Kind, src.URL = config.KindSitemap, fmt.Sprintf("%s/sitemaps/%d/index.xml", origin, i)
	case kindListCN:
		src.Kind, src.URL = config.KindHTML, fmt.Sprintf("%s/zwgk/%d/index.html", origin, i)
		src.List = config.List{Item: "ul.list li", Link: "a", Title: "a", Date: "span.date", DateFormat: "2006-01-02",
			Next: "div.page a.next", MaxPages: (s.per + perPage - 1) / perPage}
		src.Timezone = time.FixedZone("CST", 8*3600)
	case kindListUS:
		src.Kind, src.URL = config.KindHTML, fmt.Sprintf("%s/releases/%d/", origin, i)
		src.List = config.List{Item: "div.release", Link: "h3 a", Title: "h3 a", Date: "time@datetime",
			Summary: "p.teaser", Next: "nav.pager a[rel=next]", MaxPages: (s.per + perPage - 1) / perPage}
	}
	return src
}

// docRange is the documents source src lists: [lo, hi).
func (s *site) docRange(src int) (lo, hi int) {
	lo = src * s.per
	return lo, min(lo+s.per, s.docs)
}

func (s *site) doc(n int) doc {
	return s.names.doc(s.seed, n, zhSource(n/s.per))
}

func (s *site) etag(path string) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d\x00%s", s.seed, path)
	return fmt.Sprintf(`"%x"`, h.Sum64())
}

var errNotFound = errors.New("not found")

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.t.requests.Add(1)
	inm, ims := r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since")
	if inm != "" || ims != "" {
		s.t.conditional.Add(1)
	}
	etag, lm := s.etag(r.URL.Path), siteLastModified()
	notModified := inm == etag
	if inm == "" && ims != "" {
		if t, err := http.ParseTime(ims); err == nil && !lm.After(t) {
			notModified = true
		}
	}
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Last-Modified", lm.Format(http.TimeFormat))
	if notModified {
		s.t.notModified.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body, ctype, err := s.render(r.URL.Path)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// render makes the page at path.
func (s *site) render(path string) ([]byte, string, error) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	num := func(i int) (int, bool) {
		if i >= len(parts) {
			return 0, false
		}
		p := strings.TrimSuffix(strings.TrimSuffix(parts[i], ".xml"), ".html")
		if j := strings.LastIndexAny(p, "_-"); j >= 0 {
			p = p[j+1:]
		}
		n, err := strconv.Atoi(p)
		return n, err == nil && n >= 0
	}
	src, ok := num(1)
	if !ok || kindOf(src) != s.kind || src*s.per >= s.docs {
		return nil, "", errNotFound
	}
	var b strings.Builder
	switch {
	case s.kind == kindFeed && parts[0] == "feeds" && len(parts) == 2:
		s.feed(&b, src)
		return []byte(b.String()), "application/rss+xml; charset=utf-8", nil
	case s.kind == kindSitemap && parts[0] == "sitemaps" && len(parts) == 3 && parts[2] == "index.xml":
		s.sitemapIndex(&b, src)
		return []byte(b.String()), "application/xml; charset=utf-8", nil
	case s.kind == kindSitemap && parts[0] == "sitemaps" && len(parts) == 3:
		part, ok := num(2)
		lo, hi := s.docRange(src)
		if !ok || part < 1 || lo+(part-1)*perSitemap >= hi {
			return nil, "", errNotFound
		}
		s.sitemapPart(&b, src, part)
		return []byte(b.String()), "application/xml; charset=utf-8", nil
	case s.kind == kindListCN && parts[0] == "zwgk" && len(parts) == 3 && strings.HasPrefix(parts[2], "index"):
		page := 1
		if n, ok := num(2); ok && parts[2] != "index.html" {
			page = n + 1
		}
		return s.listing(&b, src, page)
	case s.kind == kindListUS && parts[0] == "releases" && len(parts) == 2:
		return s.listing(&b, src, 1)
	case s.kind == kindListUS && parts[0] == "releases" && len(parts) == 4 && parts[2] == "page":
		page, ok := num(3)
		if !ok {
			return nil, "", errNotFound
		}
		return s.listing(&b, src, page)
	case len(parts) >= 3 && strings.HasSuffix(path, ".html"):
		n, ok := num(len(parts) - 1)
		lo, hi := s.docRange(src)
		if !ok || n < lo || n >= hi {
			return nil, "", errNotFound
		}
		s.article(&b, s.doc(n))
		return []byte(b.String()), "text/html; charset=utf-8", nil
	}
	return nil, "", errNotFound
}

// docPath is where document d lives on its site.
func (s *site) docPath(d doc) string {
	src := d.n / s.per
	switch s.kind {
	case kindFeed:
		return fmt.Sprintf("/news/%d/%s/story-%d.html", src, d.published.Format("2006/01/02"), d.n)
	case kindSitemap:
		return fmt.Sprintf("/story/%d/%s/a-%d.html", src, d.published.Format("2006-01-02"), d.n)
	case kindListCN:
		return fmt.Sprintf("/zwgk/%d/%s/t%s_%d.html", src, d.published.Format("200601"), d.published.Format("20060102"), d.n)
	default:
		return fmt.Sprintf("/releases/%d/%s/release-%d.html", src, d.published.Format("2006"), d.n)
	}
}

func (s *site) origin() string { return "http://" + s.ln.Addr().String() }

func (s *site) feed(b *strings.Builder, src int) {
	lo, hi := s.docRange(src)
	fmt.Fprintf(b, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>%s: technology and policy %d</title><link>%s/</link>
<description>News on technology companies and the governments that regulate them.</description>
<lastBuildDate>%s</lastBuildDate>
`, s.title, src, s.origin(), siteLastModified().Format(time.RFC1123Z))
	for n := lo; n < hi; n++ {
		d := s.doc(n)
		u := s.origin() + s.docPath(d)
		fmt.Fprintf(b, "<item><title>%s</title><link>%s</link><guid>%s</guid><pubDate>%s</pubDate><description>%s</description></item>\n",
			html.EscapeString(d.title), u, u, d.published.Format(time.RFC1123Z), html.EscapeString(d.summary))
	}
	b.WriteString("</channel></rss>\n")
}

func (s *site) sitemapIndex(b *strings.Builder, src int) {
	lo, hi := s.docRange(src)
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for part := 1; lo+(part-1)*perSitemap < hi; part++ {
		newest := s.doc(lo + (part-1)*perSitemap).published
		fmt.Fprintf(b, "<sitemap><loc>%s/sitemaps/%d/part-%d.xml</loc><lastmod>%s</lastmod></sitemap>\n",
			s.origin(), src, part, newest.Format(time.RFC3339))
	}
	b.WriteString("</sitemapindex>\n")
}

func (s *site) sitemapPart(b *strings.Builder, src, part int) {
	lo, hi := s.docRange(src)
	lo += (part - 1) * perSitemap
	hi = min(hi, lo+perSitemap)
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
`)
	lang := "en"
	if zhSource(src) {
		lang = "zh-cn"
	}
	for n := lo; n < hi; n++ {
		d := s.doc(n)
		fmt.Fprintf(b, "<url><loc>%s%s</loc><news:news><news:publication><news:name>%s</news:name><news:language>%s</news:language></news:publication><news:publication_date>%s</news:publication_date><news:title>%s</news:title></news:news></url>\n",
			s.origin(), s.docPath(d), s.title, lang, d.published.Format(time.RFC3339), html.EscapeString(d.title))
	}
	b.WriteString("</urlset>\n")
}

// listing renders page (1 first) of a regulator's listing of source src.
func (s *site) listing(b *strings.Builder, src, page int) ([]byte, string, error) {
	lo, hi := s.docRange(src)
	pages := (hi - lo + perPage - 1) / perPage
	if page < 1 || page > pages {
		return nil, "", errNotFound
	}
	first := lo + (page-1)*perPage
	last := min(first+perPage, hi)
	cn := s.kind == kindListCN
	s.chromeTop(b, map[bool]string{true: "通知公告", false: "Press releases"}[cn])
	b.WriteString("</head><body>\n")
	s.nav(b)
	if cn {
		b.WriteString(`<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="#">政务公开</a> &gt; 通知公告</div>` + "\n<ul class=\"list\">\n")
		for n := first; n < last; n++ {
			d := s.doc(n)
			fmt.Fprintf(b, "<li><a href=\"%s\" target=\"_blank\">%s</a><span class=\"date\">%s</span></li>\n",
				s.docPath(d), html.EscapeString(d.title), d.published.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02"))
		}
		b.WriteString("</ul>\n<div class=\"page\">")
		fmt.Fprintf(b, "共%d页 当前第%d页 ", pages, page)
		if page < pages {
			fmt.Fprintf(b, `<a class="next" href="index_%d.html">下一页</a> <a href="index_%d.html">尾页</a>`, page, pages-1)
		}
		b.WriteString("</div>\n")
	} else {
		b.WriteString("<h1>Press releases</h1>\n<div class=\"releases\">\n")
		for n := first; n < last; n++ {
			d := s.doc(n)
			fmt.Fprintf(b, "<div class=\"release\"><h3><a href=\"%s\">%s</a></h3><time datetime=\"%s\">%s</time><p class=\"teaser\">%s</p></div>\n",
				s.docPath(d), html.EscapeString(d.title), d.published.Format(time.RFC3339), d.published.Format("January 2, 2006"), html.EscapeString(d.summary))
		}
		b.WriteString("</div>\n<nav class=\"pager\">")
		if page > 1 {
			fmt.Fprintf(b, `<a rel="prev" href="/releases/%d/page/%d">‹ Previous</a> `, src, page-1)
		}
		if page < pages {
			fmt.Fprintf(b, `<a rel="next" href="/releases/%d/page/%d">Next ›</a>`, src, page+1)
		}
		b.WriteString("</nav>\n")
	}
	s.chromeBottom(b)
	return []byte(b.String()), "text/html; charset=utf-8", nil
}

// chromeTop writes the head and navigation every page of the site has.
func (s *site) chromeTop(b *strings.Builder, title string) {
	fmt.Fprintf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><title>%s - %s</title>\n", s.lang, html.EscapeString(title), s.title)
	b.WriteString(`<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/static/site.css"><script src="/static/analytics.js" async></script>` + "\n")
}

func (s *site) nav(b *strings.Builder) {
	if s.kind == kindListCN {
		b.WriteString(`<div class="header"><div class="logo"><a href="/">` + s.title + `</a></div><div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/jgsz/">机构设置</a></li><li><a href="/xwdt/">新闻动态</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zcfg/">政策法规</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/bsfw/">办事服务</a></li></ul></div><div class="search"><form action="/search"><input name="q" placeholder="请输入关键词"><button>搜索</button></form></div></div>` + "\n")
		return
	}
	b.WriteString(`<header class="site-header"><a class="logo" href="/">` + s.title + `</a><nav class="main-nav"><ul><li><a href="/world/">World</a></li><li><a href="/business/">Business</a></li><li><a href="/technology/">Technology</a></li><li><a href="/policy/">Policy</a></li><li><a href="/markets/">Markets</a></li><li><a href="/opinion/">Opinion</a></li></ul></nav><form class="search" action="/search"><input name="q" placeholder="Search"></form><a class="subscribe" href="/subscribe">Subscribe</a></header>` + "\n")
}

func (s *site) chromeBottom(b *strings.Builder) {
	if s.kind == kindListCN {
		b.WriteString(`<div class="footer"><p><a href="/about/">关于我们</a> | <a href="/map/">网站地图</a> | <a href="/contact/">联系我们</a></p><p>主办单位：` + s.title + ` 版权所有 未经许可不得转载</p><p>京ICP备12345678号 京公网安备11010202000001号 网站标识码：bm00000001</p></div>` + "\n</body></html>\n")
		return
	}
	b.WriteString(`<footer class="site-footer"><nav><a href="/about">About us</a> <a href="/contact">Contact</a> <a href="/privacy">Privacy policy</a> <a href="/terms">Terms of use</a> <a href="/cookies">Cookie settings</a> <a href="/careers">Careers</a></nav><p>© 2025 ` + s.title + `. All rights reserved. Reproduction without permission is prohibited.</p><p class="newsletter">Get the morning briefing in your inbox. <a href="/newsletters">Sign up</a></p></footer>` + "\n</body></html>\n")
}

// article renders one article page with the site's chrome, metadata and related links.
func (s *site) article(b *strings.Builder, d doc) {
	cst := time.FixedZone("CST", 8*3600)
	s.chromeTop(b, d.title)
	fmt.Fprintf(b, "<link rel=\"canonical\" href=\"%s%s\">\n<meta property=\"og:title\" content=\"%s\">\n<meta property=\"article:published_time\" content=\"%s\">\n<meta name=\"description\" content=\"%s\">\n</head><body>\n",
		s.origin(), s.docPath(d), html.EscapeString(d.title), d.published.Format(time.RFC3339), html.EscapeString(d.summary))
	s.nav(b)
	paras := s.names.text(s.seed, d)
	if d.zh {
		b.WriteString(`<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 通知公告</div>` + "\n<div class=\"article\">\n")
		fmt.Fprintf(b, "<h1 class=\"title\">%s</h1>\n<div class=\"info\">发布时间：%s　来源：%s　<a href=\"javascript:window.print()\">打印本页</a> <a href=\"javascript:window.close()\">关闭窗口</a></div>\n<div class=\"content\" id=\"zoom\">\n",
			html.EscapeString(d.title), d.published.In(cst).Format("2006-01-02 15:04"), html.EscapeString(d.agency.zh))
		for _, p := range paras {
			fmt.Fprintf(b, "<p style=\"text-indent:2em\">%s</p>\n", html.EscapeString(p))
		}
		fmt.Fprintf(b, "<p style=\"text-align:right\">%s</p><p style=\"text-align:right\">%d年%d月%d日</p>\n</div>\n</div>\n",
			html.EscapeString(d.agency.zh), d.published.In(cst).Year(), d.published.In(cst).Month(), d.published.In(cst).Day())
		b.WriteString("<div class=\"related\"><h3>相关链接</h3><ul>\n")
	} else {
		fmt.Fprintf(b, "<main><article><h1>%s</h1>\n<div class=\"byline\">By %s staff · <time datetime=\"%s\">%s</time> · %d min read</div>\n<div class=\"share\"><a href=\"#\">Share</a> <a href=\"#\">Email</a> <a href=\"#\">Print</a></div>\n<div class=\"article-body\">\n",
			html.EscapeString(d.title), s.title, d.published.Format(time.RFC3339), d.published.Format("January 2, 2006 3:04 PM MST"), 3+len(paras)/2)
		for i, p := range paras {
			fmt.Fprintf(b, "<p>%s</p>\n", html.EscapeString(p))
			if i == 2 {
				b.WriteString(`<div class="ad-slot">Advertisement</div>` + "\n")
			}
		}
		b.WriteString("</div>\n<div class=\"tags\">Topics: <a href=\"/technology/\">Technology</a> <a href=\"/policy/\">Policy</a></div>\n</article>\n<aside class=\"related\"><h2>Related stories</h2><ul>\n")
	}
	src := d.n / s.per
	lo, hi := s.docRange(src)
	for i := 1; i <= 5; i++ {
		n := lo + (d.n-lo+i*7)%(hi-lo)
		if n == d.n {
			continue
		}
		o := s.doc(n)
		fmt.Fprintf(b, "<li><a href=\"%s\">%s</a></li>\n", s.docPath(o), html.EscapeString(o.title))
	}
	if d.zh {
		b.WriteString("</ul></div>\n")
	} else {
		b.WriteString("</ul></aside></main>\n")
	}
	s.chromeBottom(b)
}
