// Package crawler turns configured sources into articles: it fetches feeds, sitemaps and HTML
// listings politely (per-host rate limit and concurrency cap, robots.txt, conditional GET, retries
// with backoff, body caps, charset decoding, checked redirects), follows each item to its article
// page and reduces that page to its main text with go-trafilatura or the source's selectors.
//
// A run over one source goes:
//
//	res, err := c.Crawl(ctx, src)   // articles new or changed since the Store last saw them
//	ix.Put(ctx, res.Articles...)    // the caller analyses and indexes them
//	st.MarkSeen(res.Seen...)        // the caller records what is now indexed
//	c.Commit(res)                   // validators, partial pages to retry, text owners
//
// so that articles that never reached the index are fetched again next time.
//
// It returns article.Article values without entities. It must not import extract, index or
// digest, and it keeps what it remembers between runs only through the Store it is given.
package crawler
