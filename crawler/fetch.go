package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/time/rate"
)

// Errors the fetcher returns, wrapped with the URL.
var (
	ErrTooLarge       = errors.New("crawler: body larger than max_body")
	ErrHostNotAllowed = errors.New("crawler: host not allowed for this source")
	ErrRobots         = errors.New("crawler: disallowed by robots.txt")
	ErrTooManyHops    = errors.New("crawler: more than 10 redirects")
)

// StatusError is an HTTP answer other than 2xx or 304.
type StatusError struct {
	Code       int
	URL        string
	RetryAfter time.Duration // from a Retry-After header, 0 when absent

	setCookie bool // the answer set a cookie: it may be a challenge worth answering once
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("crawler: %s answered %d %s", e.URL, e.Code, http.StatusText(e.Code))
}

// response is a fetched body.
type response struct {
	URL         string // after redirects
	Status      int
	Header      http.Header
	Body        []byte // capped, transfer and content encoding (gzip) undone
	NotModified bool
	exchange    int // index of this response in the session's exchanges; -1 when none is kept
}

// contentType is the response's Content-Type header.
func (r *response) contentType() string { return r.Header.Get("Content-Type") }

// text decodes the body to UTF-8.
func (r *response) text() string {
	s, _ := toUTF8(r.Body, r.contentType())
	return s
}

// host is the per-host politeness state shared by every source.
type host struct {
	limiter *rate.Limiter
	slots   chan struct{}
}

func (c *Crawler) host(h string, perSecond float64) *host {
	c.mu.Lock()
	defer c.mu.Unlock()
	if perSecond <= 0 {
		perSecond = 1
	}
	hs, ok := c.hosts[h]
	if !ok {
		hs = &host{
			limiter: rate.NewLimiter(rate.Limit(perSecond), 1),
			slots:   make(chan struct{}, c.opts.HostConcurrency),
		}
		c.hosts[h] = hs
	} else if rate.Limit(perSecond) < hs.limiter.Limit() {
		hs.limiter.SetLimit(rate.Limit(perSecond)) // the slowest source on a host sets its pace
	}
	return hs
}

// fetch GETs rawURL for the session's source, with retries. When conditional is set it sends the
// stored validators and reports a 304 as NotModified. Options.OnFetch hears of each.
func (c *Crawler) fetch(ctx context.Context, s *session, rawURL string, conditional bool) (*response, error) {
	start := time.Now()
	resp, err := c.fetchRetrying(ctx, s, rawURL, conditional)
	if c.opts.OnFetch != nil {
		c.opts.OnFetch(s.src.Name, time.Since(start), err)
	}
	return resp, err
}

func (c *Crawler) fetchRetrying(ctx context.Context, s *session, rawURL string, conditional bool) (*response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, ErrScheme)
	}
	if !hostAllowed(u, s.home, s.src.AllowHosts) {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, ErrHostNotAllowed)
	}
	if err := c.checkRobots(ctx, s, u); err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	retries := max(s.src.Retries, 0)
	challenged := false
	for attempt := 0; ; attempt++ {
		resp, err := c.attempt(ctx, s, u, conditional)
		if err == nil {
			return resp, nil
		}
		var se *StatusError
		if errors.As(err, &se) && se.setCookie && !challenged && ctx.Err() == nil {
			// A cookie challenge (412, 521, 403 with Set-Cookie): answer once with the cookie.
			challenged = true
			attempt--
			continue
		}
		if attempt >= retries || ctx.Err() != nil || !retryable(err) {
			return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
		}
		wait := c.backoff(attempt, err)
		c.log.Debug("retrying", "source", s.src.Name, "url", rawURL, "attempt", attempt+1, "wait", wait, "error", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("fetch %s: %w", rawURL, ctx.Err())
		case <-t.C:
		}
	}
}

// attempt is one request, rate limited and capped.
func (c *Crawler) attempt(ctx context.Context, s *session, u *url.URL, conditional bool) (*response, error) {
	hs := c.host(u.Host, s.src.Rate)
	select {
	case hs.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-hs.slots }()
	if !c.opts.NoRateLimit {
		if err := hs.limiter.Wait(ctx); err != nil {
			return nil, err
		}
	}
	timeout := s.src.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	actx, chain := c.withHops(actx, s)
	req, err := http.NewRequestWithContext(actx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	req.Header.Set("Accept-Encoding", "gzip") // the body as sent, for the archive: see encoding.go
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,application/rss+xml,application/atom+xml,application/json;q=0.8,*/*;q=0.5")
	for k, v := range s.src.Headers {
		req.Header.Set(k, v)
	}
	if conditional && (c.opts.Store != nil || s.recheck != nil) {
		var etag, lm string
		if s.recheck != nil {
			etag, lm = s.recheck[0], s.recheck[1]
		} else if etag, lm, err = c.opts.Store.Validators(s.validatorKey(u.String())); err != nil {
			return nil, fmt.Errorf("read validators: %w", err)
		}
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		if lm != "" {
			req.Header.Set("If-Modified-Since", lm)
		}
	}
	s.requests.Add(1)
	resp, err := s.client.Do(req)
	if err != nil {
		s.keepChain(chain, nil) // the redirects read on the way to a failure are kept too
		return nil, err
	}
	defer resp.Body.Close()
	out := &response{URL: resp.Request.URL.String(), Status: resp.StatusCode, Header: resp.Header, exchange: -1}
	// Every answer read is kept, after the redirects that led to it: a 304 shows when a page was
	// checked, and a 404 or 410 on a re-check is the evidence that a notice was taken down.
	keep := func(body []byte, truncated bool) int {
		return s.keepChain(chain, responseExchange(resp, body, truncated, c.now()))
	}
	if resp.StatusCode == http.StatusNotModified && conditional {
		keep(nil, false)
		out.NotModified = true
		return out, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, errorBodyLimit+1))
		if rerr == nil {
			keep(body[:min(len(body), errorBodyLimit)], len(body) > errorBodyLimit)
		} else {
			s.keepChain(chain, nil)
		}
		return nil, &StatusError{
			Code: resp.StatusCode, URL: u.String(),
			RetryAfter: retryAfter(resp.Header.Get("Retry-After"), c.now()),
			setCookie:  len(resp.Cookies()) > 0 && s.client.Jar != nil,
		}
	}
	limit := s.maxBody()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		s.keepChain(chain, nil)
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(len(body)) > limit {
		keep(body[:limit], true)
		return nil, fmt.Errorf("%w (%d bytes)", ErrTooLarge, limit)
	}
	content, err := decodeContent(resp.Header, body, limit)
	if err != nil {
		keep(body, false) // what the server sent, undecodable
		return nil, err
	}
	out.Body = content
	ex := responseExchange(resp, body, false, c.now())
	if contentEncoded(resp.Header) {
		ex.Decoded = content
	}
	out.exchange = s.keepChain(chain, ex)
	return out, nil
}

// gunzip undoes gzip (a sitemap.xml.gz file, a gzip Content-Encoding) under the same cap; other
// bodies pass through.
func gunzip(body []byte, limit int64) ([]byte, error) {
	if len(body) < 2 || body[0] != 0x1f || body[1] != 0x8b {
		return body, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, limit+1))
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	if int64(len(out)) > limit {
		return nil, fmt.Errorf("gunzip: %w (%d bytes)", ErrTooLarge, limit)
	}
	return out, nil
}

// retryable says whether an attempt's error is worth another try: timeouts, dropped connections,
// 429 and 5xx.
func retryable(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Code == http.StatusTooManyRequests || se.Code >= 500
	}
	if errors.Is(err, ErrTooLarge) || errors.Is(err, ErrHostNotAllowed) || errors.Is(err, ErrTooManyHops) ||
		errors.Is(err, ErrScheme) || errors.Is(err, ErrRobots) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// backoff is the wait before retry number attempt+1: exponential with jitter, or what the server
// asked for in Retry-After, never more than MaxRetryWait.
func (c *Crawler) backoff(attempt int, err error) time.Duration {
	var se *StatusError
	if errors.As(err, &se) && se.RetryAfter > 0 {
		return min(se.RetryAfter, c.opts.MaxRetryWait)
	}
	d := c.opts.RetryBase << attempt
	d = d/2 + rand.N(d/2+1) // jitter over the upper half
	return min(d, c.opts.MaxRetryWait)
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
