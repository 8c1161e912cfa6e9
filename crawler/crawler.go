package crawler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"golang.org/x/net/publicsuffix"

	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/config"
)

// ErrLayoutChanged is returned by Crawl when a listing that found items before finds none now.
var ErrLayoutChanged = errors.New("selectors found nothing: the layout may have changed")

// ErrNothingListed is a source whose listing gave no item on its first reading under its current
// rules: it has never worked, or its selectors were just changed to ones that find nothing.
var ErrNothingListed = errors.New("selectors found nothing: the listing gave no item (check list.item and the other selectors with bantrack feeds check)")

// Options configure a Crawler. The zero value works: no store, real time, polite fetching.
type Options struct {
	UserAgent string       // sent with every request; "bantrack/1.0" when empty
	Logger    *slog.Logger // nil discards logs
	// Store remembers validators, seen documents, partial pages and listing counts between runs.
	// It may be nil: then nothing is conditional and nothing is remembered.
	Store Store
	Now   func() time.Time // nil: time.Now
	// Client is the shared client; nil: one built by New. Each source uses a copy with its own
	// cookie jar and its own CheckRedirect (at most 10 redirects, to allowed hosts only).
	Client *http.Client

	Refresh      bool // fetch articles again even when already seen with the same listing date
	IgnoreRobots bool // do not fetch or obey robots.txt (benchmarks only; sources use robots: false)
	NoRateLimit  bool // do not wait between requests to a host (tests and benchmarks only)

	HostConcurrency int           // requests in flight per host at most; 2 when 0
	ConnectTimeout  time.Duration // TCP connect and TLS handshake; 10s when 0
	RetryBase       time.Duration // first retry waits about this long, doubling after; 1s when 0
	MaxRetryWait    time.Duration // no single wait is longer, Retry-After included; 2m when 0
	PartialRetry    time.Duration // first wait before a partial page is tried again; 1h when 0
	PartialFor      time.Duration // partial pages are retried this long after the first failure; 7 days when 0
	MaxItems        int           // items taken from one listing at most, newest first for sitemaps; 100 when 0
	Workers         int           // article pages of one source fetched and read at once; 2 when 0

	// KeepExchanges makes Crawl return every response it read in full in Result.Exchanges, and
	// every redirect answer it followed or met, for the archive.
	KeepExchanges bool

	Stats *Stats // when set, article fetch and page reading times are added to it (benchmarks)
	// OnFetch, when set, is called after each fetch (a listing, feed, sitemap or article page, its
	// retries included; not robots.txt) with its source, duration and error (nil on success), from
	// the fetching goroutine (metrics).
	OnFetch func(source string, took time.Duration, err error)
}

// Crawler fetches sources. It is safe for concurrent use: sources may be crawled in parallel and
// share the per-host limits.
type Crawler struct {
	opts   Options
	log    *slog.Logger
	client *http.Client

	mu          sync.Mutex
	hosts       map[string]*host
	jars        map[string]http.CookieJar
	robotsCache map[string]*robotsSlot
}

// New returns a Crawler with opts, defaults filled in.
func New(opts Options) *Crawler {
	if opts.UserAgent == "" {
		opts.UserAgent = "bantrack/1.0"
	}
	if opts.HostConcurrency <= 0 {
		opts.HostConcurrency = 2
	}
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = 10 * time.Second
	}
	if opts.RetryBase <= 0 {
		opts.RetryBase = time.Second
	}
	if opts.MaxRetryWait <= 0 {
		opts.MaxRetryWait = 2 * time.Minute
	}
	if opts.PartialRetry <= 0 {
		opts.PartialRetry = time.Hour
	}
	if opts.PartialFor <= 0 {
		opts.PartialFor = 7 * 24 * time.Hour
	}
	if opts.MaxItems <= 0 {
		opts.MaxItems = 100
	}
	if opts.Workers <= 0 {
		opts.Workers = 2
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	client := opts.Client
	if client == nil {
		dialer := &net.Dialer{Timeout: opts.ConnectTimeout, KeepAlive: 30 * time.Second}
		client = &http.Client{Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   opts.ConnectTimeout,
			ForceAttemptHTTP2:     true,
			MaxIdleConnsPerHost:   opts.HostConcurrency,
			IdleConnTimeout:       90 * time.Second,
			ExpectContinueTimeout: time.Second,
		}}
	}
	return &Crawler{
		opts:        opts,
		log:         log,
		client:      client,
		hosts:       map[string]*host{},
		jars:        map[string]http.CookieJar{},
		robotsCache: map[string]*robotsSlot{},
	}
}

func (c *Crawler) now() time.Time {
	if c.opts.Now != nil {
		return c.opts.Now()
	}
	return time.Now()
}

// session is one source's crawl: its client (own cookie jar, redirects checked against its hosts)
// and a request count.
type session struct {
	src      config.Source
	rules    string // the source's name and a digest of its listing rules: validators are kept under it
	home     *url.URL
	loc      *time.Location
	client   *http.Client
	requests atomic.Int64
	warmed   atomic.Bool // the Referer page was visited for its cookies

	exMu      sync.Mutex
	exchanges []Exchange // responses read, when Options.KeepExchanges is set

	recheck *[2]string // ETag and Last-Modified of the page being re-checked (Recheck)
}

func (s *session) maxBody() int64 {
	if s.src.MaxBody > 0 {
		return s.src.MaxBody
	}
	return 10 << 20
}

func (c *Crawler) newSession(src config.Source) (*session, error) {
	home, err := url.Parse(src.URL)
	if err != nil || home.Host == "" {
		return nil, fmt.Errorf("source %s: bad url %q", src.Name, src.URL)
	}
	if home.Scheme != "http" && home.Scheme != "https" {
		return nil, fmt.Errorf("source %s: %w", src.Name, ErrScheme)
	}
	if !src.Robots && !c.opts.IgnoreRobots {
		c.log.Warn("robots.txt not obeyed for this source", "source", src.Name)
	}
	c.mu.Lock()
	jar, ok := c.jars[src.Name]
	if !ok {
		jar, _ = cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List})
		c.jars[src.Name] = jar
	}
	c.mu.Unlock()
	s := &session{src: src, home: home, loc: src.Timezone, rules: rulesKey(src)}
	if s.loc == nil {
		s.loc = time.UTC
	}
	cl := *c.client
	cl.Jar = jar
	cl.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		// the redirect answer, its body still open: kept for the archive
		c.recordHop(req)
		if len(via) > 10 { // via holds the first request and the redirects followed so far
			return ErrTooManyHops
		}
		if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
			return ErrScheme
		}
		if !hostAllowed(req.URL, home, src.AllowHosts) {
			return fmt.Errorf("redirect to %s: %w", req.URL.Host, ErrHostNotAllowed)
		}
		s.requests.Add(1)
		return nil
	}
	s.client = &cl
	return s, nil
}

// rulesKey names a source's listing as the crawler reads it: its name and a digest of what decides
// which items it lists (kind, URL, selectors, filter, headers). Listing validators are kept under
// it, so that a repaired selector, or another source reading the same URL, reads the listing
// afresh instead of getting a 304 for what the old rules saw.
func rulesKey(src config.Source) string {
	raw, _ := json.Marshal(struct {
		Kind, URL string
		List      config.List
		Filter    []string
		Headers   map[string]string
		Articles  bool
	}{src.Kind, src.URL, src.List, src.Filter, src.Headers, src.FetchArticles})
	sum := sha256.Sum256(raw)
	return src.Name + "#" + hex.EncodeToString(sum[:6])
}

// validatorKey is where the validators of a listing URL read under this session's rules are kept.
func (s *session) validatorKey(u string) string { return s.rules + " " + u }

// Item is one entry of a listing: a feed item, a sitemap URL or a listing page's item.
type Item struct {
	Title     string
	URL       string // canonical
	Summary   string
	Published time.Time // the listing's or feed's date; zero when it gave none
}

// Result is what one Crawl of a source found.
type Result struct {
	Source      string
	Articles    []article.Article // new or changed documents, without entities
	Listed      int               // items the listing had
	Filtered    int               // items dropped by the source's filter
	Skipped     int               // items already indexed with the same listing date, or waiting for a retry
	Fetched     int               // article pages fetched
	Partial     int               // article pages that could not be had (their items are indexed as partial)
	NotModified bool              // the listing answered 304: only partial pages due a retry were fetched
	Interrupted int               // items left undone because the crawl was cancelled (nothing recorded for them)
	Requests    int               // HTTP requests sent, robots.txt and retries included
	Errors      []error           // problems with single items that did not stop the source
	// Seen lists the documents to record as indexed once Articles are in the index: the
	// articles, the URLs merged into them as AltURLs and items dropped after their page was read.
	Seen []SeenDoc
	// Exchanges are the responses read, in the order read, when Options.KeepExchanges is set:
	// to be archived before Articles are indexed. An article page's exchange names its document;
	// the redirects that led to a response come just before it (Exchange.Hops).
	Exchanges []Exchange

	pending pending // what Commit records once the articles are indexed
}

type pending struct {
	validators    []validatorMark
	retries       []retryMark
	owners        []ownerMark
	partials      []Item // items whose page is still to be tried again
	partialsKnown bool   // partials is the source's complete list
}

type validatorMark struct{ url, etag, lastModified string }
type retryMark struct {
	id    string
	r     retryRecord
	clear bool
}
type ownerMark struct {
	fingerprint string
	owner       ownerRecord
}

// Commit records in the Store what a Crawl learnt: the listing's validators, the partial pages to
// try again and the texts' owners. Call it after the Result's articles are indexed and its Seen
// documents recorded, so that a failure to index means they are fetched again next time.
func (c *Crawler) Commit(r Result) error {
	st := c.opts.Store
	if st == nil {
		return nil
	}
	var errs []error
	for _, v := range r.pending.validators {
		errs = append(errs, st.SetValidators(v.url, v.etag, v.lastModified))
	}
	write := func(put func(string, any) error, del func(string) error) error {
		var errs []error
		for _, m := range r.pending.retries {
			if m.clear {
				errs = append(errs, del("retry/"+m.id))
			} else {
				errs = append(errs, put("retry/"+m.id, m.r))
			}
		}
		for _, o := range r.pending.owners {
			errs = append(errs, put("owner/"+o.fingerprint, o.owner))
		}
		if r.pending.partialsKnown {
			if len(r.pending.partials) == 0 {
				errs = append(errs, del("partials/"+r.Source))
			} else {
				errs = append(errs, put("partials/"+r.Source, r.pending.partials))
			}
		}
		return errors.Join(errs...)
	}
	if b, ok := st.(BatchStore); ok {
		errs = append(errs, b.Update(write))
	} else {
		errs = append(errs, write(st.Put, st.Delete))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("commit %s: %w", r.Source, err)
	}
	return nil
}

// List reads a source's listing once, unconditionally, and returns its items without fetching
// any article or recording anything: for `feeds check`.
func (c *Crawler) List(ctx context.Context, src config.Source) ([]Item, error) {
	s, err := c.newSession(src)
	if err != nil {
		return nil, err
	}
	l, err := c.list(ctx, s, false)
	if err != nil {
		return l.items, fmt.Errorf("list %s: %w", src.Name, err)
	}
	return l.items, nil
}

// Crawl reads a source's listing and returns the articles that are new or changed since the
// Store last saw them. A returned error means the source failed as a whole (listing unreadable,
// or empty where it had items before: ErrLayoutChanged); problems with single items are in
// Result.Errors. Call Commit with the Result once its articles are indexed.
func (c *Crawler) Crawl(ctx context.Context, src config.Source) (Result, error) {
	s, err := c.newSession(src)
	if err != nil {
		return Result{Source: src.Name}, err
	}
	res, err := c.crawl(ctx, s)
	res.Exchanges = s.takeExchanges()
	return res, err
}

func (c *Crawler) crawl(ctx context.Context, s *session) (Result, error) {
	src := s.src
	start := c.now()
	res := Result{Source: src.Name}
	var err error
	var prev listingRecord
	if st := c.opts.Store; st != nil {
		if _, err := st.Get("listing/"+src.Name, &prev); err != nil {
			c.log.Warn("read listing record", "source", src.Name, "error", err)
		}
	}
	// A refresh reads the listing even when unchanged; so does a source whose last reading (under
	// these rules) listed nothing: a 304 would keep it empty.
	conditional := !c.opts.Refresh && prev.Count > 0 && prev.Rules == s.rules
	l, err := c.list(ctx, s, conditional)
	res.Requests = int(s.requests.Load())
	if err != nil {
		return res, fmt.Errorf("crawl %s: %w", src.Name, err)
	}
	byText := map[string]int{} // fingerprint → index in res.Articles
	res.pending.partialsKnown = true
	if l.notModified {
		// Nothing new is listed, but pages that could not be had are due another try.
		res.NotModified = true
		var partials []Item
		if st := c.opts.Store; st != nil {
			if _, err := st.Get("partials/"+src.Name, &partials); err != nil {
				res.pending.partialsKnown = false
				c.log.Warn("read partial items", "source", src.Name, "error", err)
			}
		}
		c.crawlItems(ctx, s, partials, &res, byText)
		res.Requests = int(s.requests.Load())
		if res.Interrupted > 0 {
			res.pending.partialsKnown = false // keep the stored list: these items are still due
		}
		return res, nil
	}
	res.Listed = len(l.items)
	switch {
	case len(l.items) == 0 && prev.Count > 0 && prev.Rules == s.rules:
		return res, fmt.Errorf("crawl %s: %w (%d items on %s)", src.Name, ErrLayoutChanged, prev.Count, prev.At.Format(time.DateOnly))
	case len(l.items) == 0:
		// Never listed anything, or the rules just changed: the selectors are wrong, or the
		// listing is empty; either way the source does not work yet.
		if st := c.opts.Store; st != nil {
			if err := st.Put("listing/"+src.Name, listingRecord{Count: 0, At: start, Rules: s.rules}); err != nil {
				c.log.Warn("record listing", "source", src.Name, "error", err)
			}
		}
		return res, fmt.Errorf("crawl %s: %w", src.Name, ErrNothingListed)
	}
	if st := c.opts.Store; st != nil {
		if err := st.Put("listing/"+src.Name, listingRecord{Count: len(l.items), At: start, Rules: s.rules}); err != nil {
			c.log.Warn("record listing", "source", src.Name, "error", err)
		}
	}
	res.pending.validators = l.validators
	c.crawlItems(ctx, s, l.items, &res, byText)
	res.Requests = int(s.requests.Load())
	if res.Interrupted > 0 {
		// Keep the old validators: the next crawl must read the listing again to find the items
		// this one did not reach.
		res.pending.validators = nil
		return res, nil
	}
	c.log.Info("source crawled", "source", src.Name, "listed", res.Listed, "fetched", res.Fetched,
		"skipped", res.Skipped, "partial", res.Partial, "articles", len(res.Articles), "requests", res.Requests)
	return res, nil
}

// outcome is what became of one listing item; outcomes are prepared in parallel and applied to
// the Result in listing order.
type outcome struct {
	it       Item
	skipped  bool             // already indexed, or waiting for its retry
	filtered bool             // dropped by the source's filter
	fetched  bool             // the article page was fetched and read
	partial  bool             // the page could not be had
	art      *article.Article // to keep, nil when none
	exchange int              // the article page's exchange in the session; -1 when none
	seen     *SeenDoc         // to record although no article is kept
	retry    *retryMark       // retry bookkeeping to record
	pending  bool             // the page is to be tried again: keep the item in the partial list
	errs     []error          // problems worth reporting
	// interrupted: the crawl was cancelled before the page was had; nothing is recorded, so the
	// next crawl takes the item up again.
	interrupted bool
}

// crawlItems prepares the items' outcomes, up to Workers at a time, and applies them in order.
func (c *Crawler) crawlItems(ctx context.Context, s *session, items []Item, res *Result, byText map[string]int) {
	outs := make([]outcome, len(items))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(c.opts.Workers, len(items)) {
		wg.Go(func() {
			for i := range next {
				outs[i] = c.prepare(ctx, s, items[i])
			}
		})
	}
	n := 0
	for i := range items {
		if ctx.Err() != nil {
			break
		}
		next <- i
		n++
	}
	close(next)
	wg.Wait()
	left := len(items) - n
	for _, o := range outs[:n] {
		if o.interrupted {
			left++
			continue
		}
		c.apply(s, o, res, byText)
	}
	if left > 0 {
		res.Interrupted = left
	}
}

// apply adds an outcome to the Result.
func (c *Crawler) apply(s *session, o outcome, res *Result, byText map[string]int) {
	res.Errors = append(res.Errors, o.errs...)
	switch {
	case o.skipped:
		res.Skipped++
	case o.filtered:
		res.Filtered++
	}
	if o.fetched {
		res.Fetched++
	}
	if o.partial {
		res.Partial++
	}
	if o.retry != nil {
		res.pending.retries = append(res.pending.retries, *o.retry)
	}
	if o.pending {
		res.pending.partials = append(res.pending.partials, o.it)
	}
	if o.seen != nil {
		res.Seen = append(res.Seen, *o.seen)
	}
	if o.art != nil {
		c.keep(s, o.art, o.it, o.exchange, res, byText)
	}
}

// prepare decides what to do with one listing item and does it: skip it when it is filtered out
// or already known, else fetch and read its article page, or fall back to the listing's title and
// summary. It touches nothing shared but the Store, which it only reads.
func (c *Crawler) prepare(ctx context.Context, s *session, it Item) outcome {
	src := s.src
	now := c.now()
	o := outcome{it: it, exchange: -1}
	if len(src.Filter) > 0 && (it.Title != "" || it.Summary != "") && !matchesAny(it.Title+"\n"+it.Summary, src.Filter) {
		o.filtered = true
		return o
	}
	id := article.NewID(it.URL)
	var retry retryRecord
	retrying, indexed := false, false
	if st := c.opts.Store; st != nil && !c.opts.Refresh {
		listed, seen, err := st.Seen(id)
		if err != nil {
			o.errs = append(o.errs, fmt.Errorf("item %s: read state: %w", it.URL, err))
		}
		var r retryRecord
		hasRetry, err := st.Get("retry/"+id, &r)
		if err != nil {
			o.errs = append(o.errs, fmt.Errorf("item %s: read state: %w", it.URL, err))
		}
		switch {
		case hasRetry && now.Sub(r.First) > c.opts.PartialFor:
			o.retry = &retryMark{id: id, clear: true}
			o.skipped = true
			return o
		case hasRetry && now.Before(r.Next) && listed.Equal(it.Published):
			o.skipped, o.pending = true, true
			return o
		case hasRetry:
			retry, retrying = r, true
			indexed = seen && listed.Equal(it.Published)
		case seen && listed.Equal(it.Published):
			o.skipped = true
			return o
		}
	}

	a := &article.Article{
		ID: id, URL: it.URL, Source: src.Name, Title: it.Title, Summary: it.Summary,
		Published: it.Published, Fetched: now, Status: article.StatusOK,
	}
	if !src.FetchArticles {
		a.Text = it.Summary
		if a.Text == "" {
			a.Text = it.Title
		}
		o.art = a
		return o
	}

	page, ex, fetchErr := c.fetchPage(ctx, s, it.URL)
	if fetchErr == nil {
		o.fetched = true
		o.exchange = ex
		if src.Article.Title != "" && page.Title != "" || it.Title == "" || truncated(it.Title) {
			if page.Title != "" {
				a.Title = page.Title
			}
		}
		if !page.Published.IsZero() {
			a.Published = page.Published
		}
		a.Text = page.Text
		if retrying {
			o.retry = &retryMark{id: id, clear: true}
		}
		if len(src.Filter) > 0 && it.Title == "" && it.Summary == "" && !matchesAny(a.Title+"\n"+a.Text, src.Filter) {
			o.filtered = true
			o.seen = &SeenDoc{ID: id, URL: it.URL, Listed: it.Published, Status: string(article.StatusOK)}
			return o
		}
		o.art = a
		return o
	}

	if ctx.Err() != nil {
		// Interrupted, not unavailable: record nothing, the next crawl fetches it.
		o.interrupted = true
		return o
	}
	// The page could not be had: index what the listing says, and try again later.
	a.Status = article.StatusPartial
	a.Text = it.Summary
	o.partial = true
	if !isWall(fetchErr) {
		o.errs = append(o.errs, fmt.Errorf("item %s: %w", it.URL, fetchErr))
	}
	c.log.Warn("article page not had; indexed from the listing", "source", src.Name, "url", it.URL, "error", fetchErr)
	if hopeless(fetchErr) {
		if retrying {
			o.retry = &retryMark{id: id, clear: true}
		}
	} else {
		if !retrying {
			retry = retryRecord{First: now}
		}
		retry.Attempts++
		retry.LastErr = fetchErr.Error()
		retry.Next = now.Add(min(c.opts.PartialRetry<<(retry.Attempts-1), 24*time.Hour))
		o.retry = &retryMark{id: id, r: retry}
		o.pending = true
	}
	if !indexed && (a.Title != "" || a.Text != "") {
		o.art = a // else already indexed as partial, or nothing to index
	}
	return o
}

// keep adds a to res, merging it into an earlier document with the same text.
func (c *Crawler) keep(s *session, a *article.Article, it Item, ex int, res *Result, byText map[string]int) {
	switch s.src.Lang {
	case "en", "zh":
		a.Lang = s.src.Lang
	default:
		a.Lang = detectLang(a.Title + "\n" + a.Text)
	}
	res.Seen = append(res.Seen, SeenDoc{ID: a.ID, URL: a.URL, Listed: it.Published, Status: string(a.Status)})
	fp := fingerprint(a.Text)
	if fp == "" || a.Status != article.StatusOK {
		s.markDoc(ex, a.ID)
		res.Articles = append(res.Articles, *a)
		return
	}
	if i, ok := byText[fp]; ok {
		first := &res.Articles[i]
		if first.URL != a.URL && !contains(first.AltURLs, a.URL) {
			first.AltURLs = append(first.AltURLs, a.URL)
		}
		c.log.Debug("same text under another URL", "source", s.src.Name, "url", a.URL, "kept", first.URL)
		return
	}
	if st := c.opts.Store; st != nil {
		var o ownerRecord
		ok, err := st.Get("owner/"+fp, &o)
		if err != nil {
			res.Errors = append(res.Errors, fmt.Errorf("item %s: read state: %w", a.URL, err))
		} else if ok && o.ID != a.ID {
			a.AltURLs = append(a.AltURLs, a.URL)
			a.ID, a.URL = o.ID, o.URL
		}
	}
	s.markDoc(ex, a.ID)
	byText[fp] = len(res.Articles)
	res.Articles = append(res.Articles, *a)
	res.pending.owners = append(res.pending.owners, ownerMark{fp, ownerRecord{a.ID, a.URL}})
}

// fetchArticle fetches and reads one article page; an anti-bot page is an error.
func (c *Crawler) fetchArticle(ctx context.Context, s *session, u string) (Page, error) {
	p, _, err := c.fetchPage(ctx, s, u)
	return p, err
}

// fetchPage is fetchArticle that also returns the index of the page's exchange in the session
// (-1 when none is kept).
func (c *Crawler) fetchPage(ctx context.Context, s *session, u string) (Page, int, error) {
	start := time.Now()
	resp, err := c.fetch(ctx, s, u, false)
	c.opts.Stats.addFetch(start)
	if err != nil {
		return Page{}, -1, err
	}
	p, err := c.readPage(s, u, resp)
	return p, resp.exchange, err
}

func (c *Crawler) readPage(s *session, u string, resp *response) (Page, error) {
	start := time.Now()
	page, err := parsePage(resp.text(), resp.URL, s.src.Article, s.loc)
	c.opts.Stats.addParse(start)
	if err != nil {
		return Page{}, err
	}
	if looksLikeWall(page.Text) {
		return Page{}, fmt.Errorf("fetch %s: %w", u, ErrAntiBot)
	}
	return page, nil
}

// ErrAntiBot is returned for a page that is an anti-bot or JavaScript challenge, or has no text.
var ErrAntiBot = errors.New("crawler: anti-bot page or no text")

var wallPhrases = []string{"enable javascript", "enable js", "captcha", "are you a robot", "access denied",
	"checking your browser", "请开启javascript", "请启用javascript", "验证码", "安全验证", "访问验证"}

// looksLikeWall says whether extracted text is a challenge page rather than an article.
func looksLikeWall(text string) bool {
	n := len([]rune(text))
	if n == 0 {
		return true
	}
	if n > 600 {
		return false
	}
	lt := strings.ToLower(text)
	for _, p := range wallPhrases {
		if strings.Contains(lt, p) {
			return true
		}
	}
	return false
}

// isWall says whether a fetch error is an expected wall (401, 403, 404, 410, 451, anti-bot, a
// robots.txt rule, a link to a host not allowed) rather than a fault worth reporting.
func isWall(err error) bool {
	if errors.Is(err, ErrRobots) || errors.Is(err, ErrHostNotAllowed) {
		return true
	}
	var se *StatusError
	if errors.As(err, &se) {
		switch se.Code {
		case 401, 402, 403, 404, 410, 451:
			return true
		}
	}
	return errors.Is(err, ErrAntiBot)
}

// hopeless says whether trying the page again later cannot help.
func hopeless(err error) bool {
	return errors.Is(err, ErrHostNotAllowed) || errors.Is(err, ErrScheme)
}

// truncated says whether a listing title was cut short, so the page's own title is better.
func truncated(t string) bool {
	return strings.HasSuffix(t, "...") || strings.HasSuffix(t, "…")
}

func matchesAny(s string, words []string) bool {
	ls := strings.ToLower(s)
	for _, w := range words {
		if w != "" && strings.Contains(ls, strings.ToLower(w)) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// fingerprint identifies a text by its letters and digits; short texts get none.
func fingerprint(text string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	if len([]rune(b.String())) < 40 {
		return ""
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:12])
}
