// Package crawler turns configured sources into articles: it fetches feeds, sitemaps and HTML
// listings politely (per-host rate limit and concurrency cap, robots.txt, conditional GET, retries
// with backoff, body caps, charset decoding, checked redirects), follows each item to its article
// page and reduces that page to its main text with go-trafilatura or the source's selectors.
//
// It returns article.Article values without entities: it must not import extract, index or digest,
// and it keeps what it remembers between runs only through the Store interface it is given.
package crawler
