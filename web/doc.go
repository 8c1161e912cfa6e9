// Package web serves bantrack over HTTP: the search page (English and Chinese), the JSON API,
// Atom feeds of searches, the sources page, Prometheus metrics and a health check.
//
// It is read-only and opens no store itself: the pipeline hands it small interfaces (Searcher,
// Documents, Health, and optionally Raw) and a Metrics registry. It must not import crawler,
// extract, index, digest or archive; internal/pipeline and cmd/bantrack adapt them to it.
//
// Everything a page shows is escaped by html/template (titles and snippets come from the open
// web), every answer carries a Content-Security-Policy that allows scripts and styles from this
// server only, and requests whose parameters are out of bounds get 400 before any search runs.
package web
