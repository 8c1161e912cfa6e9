// Package index owns bantrack's bleve index: its explicit mapping and the
// version stored with it, idempotent batched writes of article.Article
// documents, lookups by id or URL, ordered iteration over every stored
// document, full-text search with filters, facets and highlighted snippets,
// and the rebuild of an index under the current mapping (Reindex, Rebuild).
//
// Every document is stored whole as its JSON, so Get and All return exactly
// what Put was given. Title, summary and text are indexed together in the
// field "text" (title also alone in "title") by one analyser, written for
// bantrack and run in a single pass (analyzer.go), that stems English words
// ("banned" finds "ban"), splits Chinese into overlapping bigrams (网络安全审查
// and 美光 are found) and skips a position at each sentence end. Mixed-language
// documents need no language detection. The text fields keep term vectors: a
// quoted phrase, or an unquoted Chinese word, is a phrase of its words and
// bigrams at consecutive positions, so it matches only where they stand
// together in one field and one sentence (phrases.go; docs/search.md), and
// snippets mark those places. Vendors, agencies,
// countries, targets, actions, source, lang, status and url are keyword
// fields for exact filters and facets; published and fetched are dates,
// ban_score a number and ban_related a boolean.
//
// A search runs bleve only for the words of its query (joined by keyword
// filters that match few documents); every other filter, the facet counts
// and the date order are read from a document table kept in memory: each
// document's keyword values, publication date and ban flag, read from the
// index once per snapshot (its size and read time are in docs/benchmarks.md)
// and read again after writes and merges.
//
// Open creates an index where there is none; OpenExisting does not (for
// commands that only read). An index built under another mapping version is
// refused with ErrMappingVersion, one held by another process with ErrLocked
// after a short wait; the messages say what to run.
//
// The package must not import crawler, extract or digest: names are resolved
// through the gazetteer by the caller before they reach a Request (filters,
// Request.Expand). It does no network I/O and no logging.
package index
