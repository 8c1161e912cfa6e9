// Package extract finds vendors, agencies, countries, dates, ban events, document numbers and
// candidate organisation names in an article's title and text.
//
// It owns the gazetteer (gazetteer.yaml, embedded at build time) and everything that reads it:
// text normalisation (NFKC, case folding, full-width to half-width), one-pass alias matching with
// an Aho–Corasick automaton, date recognition and resolution of relative dates against the
// publication date, English and Chinese sentence splitting, and ban-event scoring.
//
// It does no I/O: no network, no disk beyond the embedded gazetteer, no logging. It must not import
// crawler, index, digest or state; cmd/bantrack joins it to them.
package extract
