package crawler

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html/charset"

	"github.com/bantrack/bantrack/config"
)

// listing is what reading a source's listing gave.
type listing struct {
	items       []Item
	notModified bool
	validators  []validatorMark // to record once the run is committed
}

func (c *Crawler) list(ctx context.Context, s *session, conditional bool) (listing, error) {
	var (
		l   listing
		err error
	)
	switch s.src.Kind {
	case config.KindFeed:
		l, err = c.listFeed(ctx, s, conditional)
	case config.KindSitemap:
		l, err = c.listSitemap(ctx, s, conditional)
	case config.KindHTML, "":
		l, err = c.listHTML(ctx, s, conditional)
	default:
		return l, fmt.Errorf("unknown source kind %q", s.src.Kind)
	}
	if len(l.items) > c.opts.MaxItems {
		l.items = l.items[:c.opts.MaxItems]
	}
	return l, err
}

// fetchListing fetches a listing URL, conditionally when asked, and notes its new validators.
func (c *Crawler) fetchListing(ctx context.Context, s *session, u string, conditional bool, l *listing) (*response, error) {
	resp, err := c.fetch(ctx, s, u, conditional && c.opts.Store != nil)
	var se *StatusError
	if errors.As(err, &se) && se.Code >= 400 && c.warmUp(ctx, s) {
		resp, err = c.fetch(ctx, s, u, conditional && c.opts.Store != nil)
	}
	if err != nil {
		return nil, err
	}
	if resp.NotModified {
		l.notModified = true
		return resp, nil
	}
	if c.opts.Store != nil { // noted on every reading, so that the next one can be conditional
		etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
		if etag != "" || lm != "" {
			l.validators = append(l.validators, validatorMark{s.validatorKey(u), etag, lm})
		}
	}
	return resp, nil
}

func (c *Crawler) listFeed(ctx context.Context, s *session, conditional bool) (listing, error) {
	var l listing
	resp, err := c.fetchListing(ctx, s, s.src.URL, conditional, &l)
	if err != nil || l.notModified {
		return l, err
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(resp.Body))
	if err != nil {
		return l, fmt.Errorf("parse feed %s: %w", s.src.URL, err)
	}
	base, _ := url.Parse(resp.URL)
	for _, fi := range feed.Items {
		link := fi.Link
		if link == "" && len(fi.Links) > 0 {
			link = fi.Links[0]
		}
		if link == "" {
			continue
		}
		u, err := Canonical(link, base)
		if err != nil {
			c.log.Debug("feed item skipped", "source", s.src.Name, "link", link, "error", err)
			continue
		}
		it := Item{Title: collapse(htmlToText(fi.Title)), URL: u, Summary: htmlToText(fi.Description)}
		if it.Summary == "" && fi.Content != "" {
			it.Summary = truncate(htmlToText(fi.Content), 1000)
		}
		switch {
		case fi.PublishedParsed != nil:
			it.Published = feedDate(fi.Published, *fi.PublishedParsed, s.loc)
		case fi.UpdatedParsed != nil:
			it.Published = feedDate(fi.Updated, *fi.UpdatedParsed, s.loc)
		}
		l.items = append(l.items, it)
	}
	return l, nil
}

func (c *Crawler) listHTML(ctx context.Context, s *session, conditional bool) (listing, error) {
	var l listing
	lst := s.src.List
	if lst.Item == "" {
		return l, errors.New("list.item is not set")
	}
	maxPages := max(lst.MaxPages, 1)
	pageURL := s.src.URL
	visited := map[string]bool{}
	seen := map[string]bool{}
	for page := 1; page <= maxPages && pageURL != ""; page++ {
		visited[pageURL] = true
		resp, err := c.fetchListing(ctx, s, pageURL, conditional && page == 1, &l)
		if err != nil {
			if page == 1 {
				return l, err
			}
			c.log.Warn("listing page failed", "source", s.src.Name, "url", pageURL, "error", err)
			break
		}
		if l.notModified {
			return l, nil
		}
		doc, base, err := listingDoc(resp, lst.JSON)
		if err != nil {
			if page == 1 {
				return l, err
			}
			break
		}
		for _, it := range c.htmlItems(s, doc, base) {
			if !seen[it.URL] {
				seen[it.URL] = true
				l.items = append(l.items, it)
			}
		}
		pageURL = nextPage(doc, base, lst, page+1)
		if visited[pageURL] {
			break
		}
	}
	return l, nil
}

// listingDoc parses a listing response, taking the HTML fragment out of JSON when jsonPath is set.
func listingDoc(resp *response, jsonPath string) (*goquery.Document, *url.URL, error) {
	base, _ := url.Parse(resp.URL)
	text := resp.text()
	if jsonPath != "" {
		frag, err := jsonFragment([]byte(text), jsonPath)
		if err != nil {
			return nil, nil, fmt.Errorf("listing %s: %w", resp.URL, err)
		}
		text = frag
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(text))
	if err != nil {
		return nil, nil, fmt.Errorf("listing %s: %w", resp.URL, err)
	}
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok {
		if b, err := base.Parse(strings.TrimSpace(href)); err == nil {
			base = b
		}
	}
	return doc, base, nil
}

// jsonFragment returns the string at a dotted path ("data.html", "data.list.0.html") of a JSON
// document.
func jsonFragment(body []byte, path string) (string, error) {
	var v any
	if err := json.Unmarshal(bytes.TrimPrefix(body, []byte("\uFEFF")), &v); err != nil {
		return "", fmt.Errorf("list.json: response is not JSON: %w", err)
	}
	for _, key := range strings.Split(path, ".") {
		switch node := v.(type) {
		case map[string]any:
			next, ok := node[key]
			if !ok {
				return "", fmt.Errorf("list.json: no %q in the response", path)
			}
			v = next
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(node) {
				return "", fmt.Errorf("list.json: no %q in the response", path)
			}
			v = node[i]
		default:
			return "", fmt.Errorf("list.json: no %q in the response", path)
		}
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("list.json: %q is not a string", path)
	}
	return s, nil
}

// htmlItems applies the list selectors to a listing document.
func (c *Crawler) htmlItems(s *session, doc *goquery.Document, base *url.URL) []Item {
	lst := s.src.List
	var items []Item
	doc.Find(lst.Item).Each(func(_ int, sel *goquery.Selection) {
		linkSel := lst.Link
		if linkSel == "" {
			linkSel = "a"
		}
		css, attr := config.SplitSelector(linkSel)
		if attr == "" {
			attr = "href"
		}
		le := sel
		if css != "" {
			le = sel.Find(css).First()
		}
		if le.Length() == 0 && sel.Is(css) {
			le = sel
		}
		href, _ := le.Attr(attr)
		if strings.TrimSpace(href) == "" {
			return
		}
		u, err := Canonical(href, base)
		if err == nil && !c.allowed(s, u) {
			err = ErrHostNotAllowed
		}
		if err != nil {
			c.log.Debug("listing item skipped", "source", s.src.Name, "link", href, "error", err)
			return
		}
		it := Item{URL: u}
		if lst.Title != "" {
			it.Title = selectText(sel, lst.Title)
		} else {
			it.Title, _ = le.Attr("title")
			if it.Title = collapse(it.Title); it.Title == "" {
				it.Title = collapse(le.Text())
			}
		}
		if lst.Summary != "" {
			it.Summary = selectText(sel, lst.Summary)
		}
		if lst.Date != "" {
			if t, ok := parseDate(selectText(sel, lst.Date), lst.DateFormat, s.loc); ok {
				it.Published = t
			}
		}
		items = append(items, it)
	})
	return items
}

// nextPage finds the URL of listing page n: the list.next link, else list.page_url with the
// page number, else nothing.
func nextPage(doc *goquery.Document, base *url.URL, lst config.List, n int) string {
	if lst.Next == "" {
		if lst.PageURL == "" {
			return ""
		}
		u, err := Canonical(strings.ReplaceAll(lst.PageURL, "{page}", strconv.Itoa(n)), base)
		if err != nil {
			return ""
		}
		return u
	}
	css, attr := config.SplitSelector(lst.Next)
	if attr == "" {
		attr = "href"
	}
	href, ok := doc.Find(css).First().Attr(attr)
	if !ok || strings.TrimSpace(href) == "" {
		return ""
	}
	u, err := Canonical(href, base)
	if err != nil {
		return ""
	}
	return u
}

// sitemapDoc is a sitemap index or a URL set, news sitemap fields included.
type sitemapDoc struct {
	XMLName  xml.Name
	Sitemaps []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"sitemap"`
	URLs []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
		News    struct {
			Title   string `xml:"title"`
			PubDate string `xml:"publication_date"`
		} `xml:"news"`
	} `xml:"url"`
}

// maxSitemaps bounds how many sitemaps one listing reads, the index included.
const maxSitemaps = 20

func (c *Crawler) listSitemap(ctx context.Context, s *session, conditional bool) (listing, error) {
	var l listing
	queue := []string{s.src.URL}
	visited := map[string]bool{}
	for len(queue) > 0 && len(visited) < maxSitemaps {
		u := queue[0]
		queue = queue[1:]
		if visited[u] {
			continue
		}
		visited[u] = true
		first := len(visited) == 1
		resp, err := c.fetchListing(ctx, s, u, conditional && first, &l)
		if err != nil {
			if first {
				return l, err
			}
			c.log.Warn("sitemap failed", "source", s.src.Name, "url", u, "error", err)
			continue
		}
		if l.notModified {
			return l, nil
		}
		body, err := gunzip(resp.Body, s.maxBody())
		if err != nil {
			if first {
				return l, fmt.Errorf("sitemap %s: %w", u, err)
			}
			continue
		}
		var doc sitemapDoc
		dec := xml.NewDecoder(bytes.NewReader(body))
		dec.CharsetReader = charset.NewReaderLabel
		dec.Strict = false
		if err := dec.Decode(&doc); err != nil {
			if first {
				return l, fmt.Errorf("parse sitemap %s: %w", u, err)
			}
			continue
		}
		base, _ := url.Parse(resp.URL)
		// Follow the newest child sitemaps first.
		children := doc.Sitemaps
		sort.SliceStable(children, func(i, j int) bool { return children[i].LastMod > children[j].LastMod })
		for _, sm := range children {
			if cu, err := Canonical(sm.Loc, base); err == nil {
				queue = append(queue, cu)
			}
		}
		for _, e := range doc.URLs {
			cu, err := Canonical(e.Loc, base)
			if err != nil || !c.allowed(s, cu) {
				continue
			}
			it := Item{URL: cu, Title: collapse(e.News.Title)}
			if t, ok := parseDate(e.News.PubDate, "", s.loc); ok {
				it.Published = t
			} else if t, ok := parseDate(e.LastMod, "", s.loc); ok {
				it.Published = t
			}
			l.items = append(l.items, it)
		}
	}
	sort.SliceStable(l.items, func(i, j int) bool { return l.items[i].Published.After(l.items[j].Published) })
	return l, nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// warmUp visits the page named by a source's Referer header, once per session, after its listing
// was refused: sites that set a cookie on the column page and want it back from their API then
// get it. It reports whether the page was visited, so that the listing is worth asking again.
func (c *Crawler) warmUp(ctx context.Context, s *session) bool {
	if !s.warmed.CompareAndSwap(false, true) {
		return false
	}
	ref := ""
	for k, v := range s.src.Headers {
		if strings.EqualFold(k, "Referer") {
			ref = v
		}
	}
	if ref == "" {
		return false
	}
	ru, err := url.Parse(ref)
	if err != nil || !hostAllowed(ru, s.home, s.src.AllowHosts) {
		return false
	}
	if _, err := c.fetch(ctx, s, ref, false); err != nil {
		c.log.Debug("referer page not had", "source", s.src.Name, "url", ref, "error", err)
		return false
	}
	return true
}

// allowed says whether a listed link leads to a host the source may fetch. Listing pages and
// sitemaps drop other links (navigation, partners); feeds keep them, as partial items.
func (c *Crawler) allowed(s *session, link string) bool {
	u, err := url.Parse(link)
	return err == nil && hostAllowed(u, s.home, s.src.AllowHosts)
}

var zoneSuffix = regexp.MustCompile(`(?i)(z|[+-]\d{2}:?\d{2}|\b[a-z]{2,5}t|\bz)\s*$`)

// feedDate reads a feed date printed without a zone in the source's timezone; gofeed reads it as
// UTC.
func feedDate(raw string, parsed time.Time, loc *time.Location) time.Time {
	if loc == nil || loc == time.UTC || zoneSuffix.MatchString(strings.TrimSpace(raw)) {
		return parsed
	}
	return time.Date(parsed.Year(), parsed.Month(), parsed.Day(), parsed.Hour(), parsed.Minute(), parsed.Second(), 0, loc)
}
