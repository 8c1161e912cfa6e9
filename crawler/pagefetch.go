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
