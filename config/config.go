package config

import (
	"strings"
	"time"
)

// Source kinds.
const (
	KindFeed    = "feed"    // RSS, Atom or JSON Feed
	KindSitemap = "sitemap" // sitemaps, sitemap indexes, news sitemaps
	KindHTML    = "html"    // a listing page read with CSS selectors
)

// Config is a loaded and validated feeds.yaml.
type Config struct {
	Path      string // the file it was read from, for messages
	UserAgent string
	// Gazetteer is the absolute path of the file named by "gazetteer:" (a relative path is resolved
	// against the feeds file's folder), or empty when feeds.yaml names none. Load it with
	// extract.LoadGazetteer; the config package does not read it.
	Gazetteer string
	Sources   []Source
	Digest    Digest
	Archive   Archive
}

// Source is one place bantrack crawls, with the defaults already applied.
type Source struct {
	Name     string
	Kind     string
	URL      string
	Lang     string         // en, zh or auto
	Timezone *time.Location // for dates printed without a zone; UTC when unset

	Schedule string // robfig/cron spec
	Rate     float64
	Timeout  time.Duration
	MaxBody  int64 // bytes
	Retries  int
	Robots   bool

	List          List         // kind html only
	Article       ArticleRules // optional overrides for the article page
	Filter        []string     // keep items whose title or summary contains any of these; empty keeps all
	FetchArticles bool
	AllowHosts    []string
	Headers       map[string]string
}

// List says where a listing page keeps its items. Selectors may end in @attr to take an attribute.
type List struct {
	Item       string
	Link       string
	Title      string
	Date       string
	Summary    string
	DateFormat string // optional Go layout
	JSON       string // optional dotted path to an HTML fragment inside a JSON response
	Next       string // optional selector for the next page's link
	MaxPages   int    // pages to follow at most; 1 when unset
	// PageURL is an optional URL pattern for listing pages 2 to MaxPages, with {page} standing for
	// the page number (e.g. "https://example.org/news/index_{page}.htm"); used when Next is unset.
	PageURL string
}

// ArticleRules are selectors that override automatic extraction on article pages.
type ArticleRules struct {
	Content string
	Title   string
	Date    string
}

// Digest configures the email digest.
type Digest struct {
	Schedule       string
	From           string
	To             []string
	OnlyBanRelated bool
	MinScore       float64
	SendEmpty      bool
	WatchVendors   []string
	WatchAgencies  []string
	SMTP           SMTP
}

// SMTP is how the digest is delivered.
type SMTP struct {
	Host        string
	Port        int
	TLS         string // starttls, tls or none
	Username    string
	PasswordEnv string // name of the environment variable holding the password
	Timeout     time.Duration
}

// Source returns the source with the given name.
func (c *Config) Source(name string) (Source, bool) {
	for _, s := range c.Sources {
		if s.Name == name {
			return s, true
		}
	}
	return Source{}, false
}

// SplitSelector splits "a@title" into the CSS selector "a" and the attribute "title".
// A selector without @ takes the element's text, and attr is empty.
func SplitSelector(s string) (css, attr string) {
	i := strings.LastIndex(s, "@")
	if i < 0 {
		return strings.TrimSpace(s), ""
	}
	return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
}
