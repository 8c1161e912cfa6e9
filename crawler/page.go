package crawler

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/PuerkitoBio/goquery"
	"github.com/markusmobius/go-htmldate"
	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"

	"github.com/bantrack/bantrack/config"
)

// Page is what ParsePage reads from an article page.
type Page struct {
	Title     string
	Text      string    // main text, boilerplate removed, paragraphs separated by newlines
	Published time.Time // zero when the page gives no date
}

// ParsePage reads an article page: its title (rules.Title, else the page's metadata), its main
// text (rules.Content, else go-trafilatura) and its publication date (rules.Date, else the page's
// metadata as htmldate reads it, else a 发布时间/来源 line). Dates without a zone are read in loc
// (UTC when nil). The bytes may be in any charset a BOM or <meta> declares.
func ParsePage(page []byte, pageURL string, rules config.ArticleRules, loc *time.Location) (Page, error) {
	s, _ := toUTF8(page, "")
	return parsePage(s, pageURL, rules, loc)
}

// extractOptions are the go-trafilatura options used for main text. On the extraction benchmark
// (TestExtractionBenchmark) the balanced focus without fallback extractors scores best: F1 0.962,
// against 0.960 with EnableFallback and 0.956 with FavorPrecision.
func extractOptions(u *url.URL) trafilatura.Options {
	return trafilatura.Options{
		OriginalURL:     u,
		ExcludeComments: true,
		HtmlDateMode:    trafilatura.Disabled,
	}
}

func parsePage(s, pageURL string, rules config.ArticleRules, loc *time.Location) (Page, error) {
	if loc == nil {
		loc = time.UTC
	}
	root, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return Page{}, fmt.Errorf("parse page %s: %w", pageURL, err)
	}
	u, _ := url.Parse(pageURL)
	doc := goquery.NewDocumentFromNode(root)
	var p Page

	if rules.Title != "" {
		p.Title = selectText(doc.Selection, rules.Title)
	}
	if rules.Date != "" {
		if t, ok := parseDate(selectText(doc.Selection, rules.Date), "", loc); ok {
			p.Published = t
		}
	}
	if rules.Content != "" {
		css, _ := config.SplitSelector(rules.Content)
		var parts []string
		doc.Find(css).Each(func(_ int, sel *goquery.Selection) {
			for _, n := range sel.Nodes {
				if t := nodeText(n); t != "" {
					parts = append(parts, t)
				}
			}
		})
		p.Text = strings.Join(parts, "\n")
	}

	// The date the page's metadata states (JSON-LD, article:published_time, <time>), else what
	// htmldate finds in the page in its fast mode, handed to trafilatura so that it is not computed
	// twice. htmldate is not given the URL: it would read a host's port as a time of day; the
	// URL's date is a day-precision fallback at the end.
	var hd *htmldate.Result
	if p.Published.IsZero() {
		if t, ok := metaDate(doc, loc); ok {
			p.Published = t
		}
	}
	if p.Published.IsZero() {
		r, err := htmldate.FromDocument(root, htmldate.Options{
			UseOriginalDate: true, SkipExtensiveSearch: true, ExtractTime: true,
			MaxDate: time.Now().AddDate(1, 0, 0),
		})
		if err == nil && !r.IsZero() {
			hd = &r
			p.Published = inZone(r, loc)
		}
	}

	if p.Text == "" || p.Title == "" {
		opts := extractOptions(u)
		if hd != nil {
			opts.HtmlDateOverride = hd
		} else {
			opts.HtmlDateOverride = &htmldate.Result{}
		}
		res, err := trafilatura.ExtractDocument(root, opts)
		if err == nil && res != nil {
			if p.Text == "" {
				p.Text = cleanText(res.ContentText)
			}
			if p.Title == "" {
				p.Title = strings.TrimSpace(res.Metadata.Title)
			}
		}
	}
	if p.Title == "" {
		p.Title = collapse(doc.Find("title").First().Text())
	}
	if p.Published.IsZero() {
		body := p.Text
		if full := nodeText(root); full != "" {
			body = full
		}
		if t, ok := findDateLine(body, loc); ok {
			p.Published = t
		}
	}
	if p.Published.IsZero() {
		if t, ok := urlDate(pageURL, loc); ok {
			p.Published = t
		}
	}
	return p, nil
}

// inZone reads an htmldate result in loc when the page gave no zone.
func inZone(r htmldate.Result, loc *time.Location) time.Time {
	t := r.DateTime
	if r.HasTimezone {
		return t
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc)
}

// selectText applies a selector that may end in @attr and returns the first match's text or
// attribute, whitespace collapsed.
func selectText(sel *goquery.Selection, selector string) string {
	css, attr := config.SplitSelector(selector)
	var found *goquery.Selection
	if css == "" {
		found = sel
	} else {
		found = sel.Find(css).First()
	}
	if found.Length() == 0 {
		return ""
	}
	if attr != "" {
		v, _ := found.Attr(attr)
		return collapse(v)
	}
	return collapse(found.Text())
}

var blockTags = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "ul": true, "ol": true, "tr": true, "table": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "section": true,
	"article": true, "header": true, "footer": true, "blockquote": true, "pre": true, "dd": true,
	"dt": true, "dl": true, "figcaption": true, "hr": true, "main": true, "aside": true, "nav": true,
	"form": true, "center": true, "address": true,
}

// nodeText returns the visible text under n, one line per block element.
func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.Data {
			case "script", "style", "noscript", "template", "iframe", "svg", "head":
				return
			}
		case html.CommentNode:
			return
		}
		block := n.Type == html.ElementNode && blockTags[n.Data]
		if block {
			b.WriteByte('\n')
		}
		if n.Type == html.ElementNode && n.Data == "td" {
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			b.WriteByte('\n')
		}
	}
	walk(n)
	return cleanText(b.String())
}

var spaces = regexp.MustCompile(`[ \t\r\f\v\x{00a0}\x{3000}]+`)

// cleanText collapses runs of spaces in each line and drops empty lines.
func cleanText(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		l = strings.TrimSpace(spaces.ReplaceAllString(l, " "))
		if l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// collapse folds all whitespace, newlines included, into single spaces.
func collapse(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// htmlToText turns an HTML fragment (a feed summary) into plain text.
func htmlToText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return collapse(s)
	}
	n, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return collapse(s)
	}
	return collapse(nodeText(n))
}

// detectLang says zh when CJK characters make up more than a fifth of the letters, else en.
func detectLang(s string) string {
	var han, letters int
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
			letters++
		case unicode.IsLetter(r):
			letters++
		}
	}
	if letters > 0 && han*5 > letters {
		return "zh"
	}
	return "en"
}
