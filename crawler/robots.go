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

// robotsTTL is how long a robots.txt is trusted before it is fetched again.
const robotsTTL = 12 * time.Hour

// robotsSlot holds one host's robots.txt; its lock makes concurrent lookups wait for one fetch.
type robotsSlot struct {
	mu      sync.Mutex
	data    *robotstxt.RobotsData // nil: allow everything
	fetched time.Time
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
	if !slot.fetched.IsZero() && c.now().Sub(slot.fetched) < robotsTTL {
		return slot.data
	}
	slot.data = c.fetchRobots(ctx, s, key)
	slot.fetched = c.now()
	return slot.data
}

func (c *Crawler) fetchRobots(ctx context.Context, s *session, origin string) *robotstxt.RobotsData {
	hs := c.host(strings.TrimPrefix(strings.TrimPrefix(origin, "https://"), "http://"), s.src.Rate)
	if !c.opts.NoRateLimit {
		if err := hs.limiter.Wait(ctx); err != nil {
			return nil
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
		return nil
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	s.requests.Add(1)
	resp, err := c.client.Do(req)
	if err != nil {
		c.log.Debug("robots.txt unavailable", "source", s.src.Name, "url", origin+"/robots.txt", "error", err)
		return nil
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 512<<10))
	if err != nil {
		return nil
	}
	data, err := robotstxt.FromStatusAndBytes(resp.StatusCode, body)
	if err != nil {
		c.log.Warn("robots.txt unreadable", "source", s.src.Name, "url", origin+"/robots.txt", "error", err)
		return nil
	}
	return data
}
