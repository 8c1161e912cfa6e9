package crawler

import (
	"context"
	"fmt"

	"github.com/bantrack/bantrack/config"
)

// Page fetches one article page the way Crawl would for src (its politeness, headers, charset
// handling and article rules) and reads it, recording nothing: for `feeds check` and `extract`.
func (c *Crawler) Page(ctx context.Context, src config.Source, pageURL string) (Page, error) {
	s, err := c.newSession(src)
	if err != nil {
		return Page{}, err
	}
	p, err := c.fetchArticle(ctx, s, pageURL)
	if err != nil {
		return Page{}, fmt.Errorf("page %s: %w", pageURL, err)
	}
	return p, nil
}

// Rechecked is what re-checking one article page found.
type Rechecked struct {
	NotModified bool // the server answered 304 to the conditional GET
	Page        Page
	// Exchanges are the responses read, in order (with Options.KeepExchanges), also when Recheck
	// returns an error: the 304, an error page, the page.
	Exchanges []Exchange
	// Exchange is the page's response among Exchanges, nil when not modified or not read.
	Exchange *Exchange
}

// Recheck fetches an article page again for src with a conditional GET carrying the validators
// of the version last archived (either may be empty), with the source's politeness, and reads it.
// It records nothing: the caller compares the body with the last version's.
func (c *Crawler) Recheck(ctx context.Context, src config.Source, pageURL, etag, lastModified string) (Rechecked, error) {
	s, err := c.newSession(src)
	if err != nil {
		return Rechecked{}, err
	}
	s.recheck = &[2]string{etag, lastModified}
	resp, err := c.fetch(ctx, s, pageURL, etag != "" || lastModified != "")
	out := Rechecked{Exchanges: s.takeExchanges()}
	if err != nil {
		return out, fmt.Errorf("recheck %s: %w", pageURL, err)
	}
	if resp.NotModified {
		out.NotModified = true
		return out, nil
	}
	if resp.exchange >= 0 && resp.exchange < len(out.Exchanges) {
		out.Exchange = &out.Exchanges[resp.exchange]
	}
	if out.Page, err = c.readPage(s, pageURL, resp); err != nil {
		return out, fmt.Errorf("recheck %s: %w", pageURL, err)
	}
	return out, nil
}
