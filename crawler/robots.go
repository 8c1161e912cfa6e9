package crawler

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// How long a robots.txt answer is trusted before it is fetched again: a real answer, and a
// failure (network error or 5xx, which disallows everything meanwhile).
const (
	robotsTTL       = 12 * time.Hour
	robotsFailedTTL = 10 * time.Minute
)

// robotsSlot holds one host's robots.txt; its lock makes concurrent lookups wait for one fetch.
type robotsSlot struct {
	mu      sync.Mutex
	data    *robotstxt.RobotsData // nil: allow everything
	expires time.Time
}

// checkRobots returns ErrRobots when the host's robots.txt disallows u for our user agent.
func (c *Crawler) checkRobots(ctx context.Context, s *session, u *url.URL) error {
	if c.opts.IgnoreRobots || !s.src.Robots || u.Path == "/robots.txt" {
		return nil
	}
	data := c.robots(ctx, s, u)
	if data == nil {
		return nil
	}
	if !data.TestAgent(u.RequestURI(), c.agentToken()) {
		return ErrRobots
	}
	return nil
}

// agentToken is the product token of the user agent ("bantrack" of "bantrack/1.0 (...)").
func (c *Crawler) agentToken() string {
	ua := c.opts.UserAgent
	if i := strings.IndexAny(ua, "/ "); i > 0 {
		ua = ua[:i]
	}
	return ua
}

// robots returns the cached or freshly fetched robots.txt of u's host. A robots.txt that cannot
// be fetched, or answers 4xx, allows everything; one that answers 5xx disallows everything.
func (c *Crawler) robots(ctx context.Context, s *session, u *url.URL) *robotstxt.RobotsData {
	key := u.Scheme + "://" + u.Host
	c.mu.Lock()
	slot, ok := c.robotsCache[key]
	if !ok {
		slot = &robotsSlot{}
		c.robotsCache[key] = slot
	}
	c.mu.Unlock()
	slot.mu.Lock()
	defer slot.mu.Unlock()
	if c.now().Before(slot.expires) {
		return slot.data
	}
	var ttl time.Duration
	slot.data, ttl = c.fetchRobots(ctx, s, key)
	slot.expires = c.now().Add(ttl)
	return slot.data
}

func (c *Crawler) fetchRobots(ctx context.Context, s *session, origin string) (*robotstxt.RobotsData, time.Duration) {
	hs := c.host(strings.TrimPrefix(strings.TrimPrefix(origin, "https://"), "http://"), s.src.Rate)
	if !c.opts.NoRateLimit {
		if err := hs.limiter.Wait(ctx); err != nil {
			return nil, robotsFailedTTL
		}
	}
	timeout := s.src.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, origin+"/robots.txt", nil)
	if err != nil {
		return nil, robotsFailedTTL
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	s.requests.Add(1)
	// The session's client: its redirects follow the source's host policy like every other request.
	resp, err := s.client.Do(req)
	if err != nil {
		c.log.Debug("robots.txt unavailable", "source", s.src.Name, "url", origin+"/robots.txt", "error", err)
		return nil, robotsFailedTTL
	}
	defer resp.Body.Close()
	const limit = 512 << 10
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, robotsFailedTTL
	}
	truncated := len(body) > limit
	body = body[:min(len(body), limit)]
	// archived like every answer read: it shows what the site allowed when it was crawled
	s.keepResponse(c.opts.KeepExchanges, resp, body, truncated, c.now())
	data, err := robotstxt.FromStatusAndBytes(resp.StatusCode, body)
	if err != nil {
		c.log.Warn("robots.txt unreadable", "source", s.src.Name, "url", origin+"/robots.txt", "error", err)
		return nil, robotsFailedTTL
	}
	if resp.StatusCode >= 500 {
		return data, robotsFailedTTL
	}
	return data, robotsTTL
}
