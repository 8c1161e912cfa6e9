// Package index owns bantrack's bleve index: its explicit mapping and the
// version stored with it, idempotent batched writes of article.Article
// documents, lookups by id, ordered iteration over every stored document,
// full-text search with filters, facets and highlighted snippets, and the
// rebuild of an index under the current mapping.
//
// Every document is stored whole as its JSON, so Get and All return exactly
// what Put was given. Title, summary and text are indexed by one analyser that
// stems English words ("banned" finds "ban") and splits Chinese into bigrams
// (网络安全审查 and 美光 are found), so mixed-language documents need no
// language detection. Vendors, agencies, countries, targets, actions, source,
// lang and status are keyword fields for exact filters and facets.
//
// The package must not import crawler, extract or digest: names are resolved
// through the gazetteer by the caller before they reach a Request. It does no
// network I/O and does no logging of its own.
package index
