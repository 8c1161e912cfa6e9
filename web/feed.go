package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"strings"
	"time"
)

// Atom 1.0 (RFC 4287) elements, as much of them as a feed of searches needs.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Gen     string      `xml:"generator"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Links      []atomLink     `xml:"link"`
	Published  string         `xml:"published,omitempty"`
	Updated    string         `xml:"updated"`
	Summary    atomText       `xml:"summary"`
	Categories []atomCategory `xml:"category"`
}

// Feed and entry ids: URNs made of what never changes between runs or servers, so that a feed
// reader shows each document once however often it polls and wherever the server moves.
func feedID(q Query) string {
	sum := sha256.Sum256([]byte(q.values(false).Encode()))
	return "urn:bantrack:search:" + hex.EncodeToString(sum[:8])
}

func entryID(docID string) string { return "urn:bantrack:document:" + docID }

// atomFeed answers /feeds/search.atom: the search, newest first, one entry per document.
func (s *Server) atomFeed(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r.URL.Query(), defaultFeedLimit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q.Sort = "date" // a feed is newest first, whatever the search page sorts by
	q.NoFacets = true
	res, err := s.search(r.Context(), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	base := s.baseURL(r)
	params := q.values(false)
	params.Del("sort")
	title := "bantrack: " + describe(q)
	f := atomFeed{
		ID:     feedID(q),
		Title:  title,
		Author: atomPerson{Name: "bantrack"},
		Gen:    "bantrack",
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: base + "feeds/search.atom" + encode(params)},
			{Rel: "alternate", Type: "text/html", Href: base + "search" + encode(params)},
		},
	}
	var newest time.Time
	for _, h := range res.Hits {
		e := atomEntry{
			ID:      entryID(h.ID),
			Title:   atomText{Type: "text", Text: h.Title},
			Links:   entryLinks(h, base),
			Summary: atomText{Type: "text", Text: entrySummary(h)},
		}
		if !h.Date.IsZero() {
			e.Published = h.Date.UTC().Format(time.RFC3339)
		}
		updated := entryUpdated(h)
		e.Updated = updated.UTC().Format(time.RFC3339)
		if updated.After(newest) {
			newest = updated
		}
		for _, a := range h.Ban.Actions {
			e.Categories = append(e.Categories, atomCategory{Term: a})
		}
		f.Entries = append(f.Entries, e)
	}
	if newest.IsZero() {
		newest = time.Unix(0, 0) // an empty feed: a fixed time, so that it does not look new at every poll
	}
	f.Updated = newest.UTC().Format(time.RFC3339)
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body := append([]byte(xml.Header), append(out, '\n')...)
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	h := w.Header()
	h.Set("Content-Type", "application/atom+xml; charset=utf-8")
	h.Set("ETag", etag)
	h.Set("Last-Modified", newest.UTC().Format(http.TimeFormat))
	// Feed readers poll: an unchanged feed is answered 304 with no body.
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(http.StatusOK)
	w.Write(body) //nolint:errcheck // the client went away
}

// entryLinks are an entry's original page (alternate) and its page here (related). An original
// URL that is not http or https (the open web may give javascript:) is left out, and the page
// here becomes the alternate.
func entryLinks(h Hit, base string) []atomLink {
	own := base + "documents/" + h.ID
	if u := strings.ToLower(h.URL); strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
		return []atomLink{{Rel: "alternate", Type: "text/html", Href: h.URL}, {Rel: "related", Type: "text/html", Href: own}}
	}
	return []atomLink{{Rel: "alternate", Type: "text/html", Href: own}}
}

// entryUpdated is when an entry last changed in a way a reader should see: when a re-check
// found its text changed, else its publication, else its first fetch. A plain re-fetch of the
// same text does not make it new again.
func entryUpdated(h Hit) time.Time {
	for _, t := range []time.Time{h.Changed, h.Date, h.Fetched} {
		if !t.IsZero() {
			return t
		}
	}
	return time.Unix(0, 0)
}

// entrySummary is a hit's ban finding and evidence, then its snippet.
func entrySummary(h Hit) string {
	var b strings.Builder
	if h.Ban.Related {
		b.WriteString("Ban-related")
		if len(h.Ban.Actions) > 0 {
			b.WriteString(" (" + strings.Join(h.Ban.Actions, ", ") + ")")
		}
		if len(h.Ban.Targets) > 0 {
			b.WriteString("; targets: " + strings.Join(h.Ban.Targets, ", "))
		}
		b.WriteString(". ")
		for _, e := range h.Evidence {
			b.WriteString("Evidence: " + e + " ")
		}
	}
	if h.Snippet != "" {
		b.WriteString(h.Snippet)
	}
	return strings.TrimSpace(b.String())
}

// describe names a search in words, for a feed's title.
func describe(q Query) string {
	var parts []string
	if q.Text != "" {
		parts = append(parts, "“"+q.Text+"”")
	}
	add := func(label string, vals []string) {
		if len(vals) > 0 {
			parts = append(parts, label+" "+strings.Join(vals, ", "))
		}
	}
	add("vendor", q.Vendors)
	add("agency", q.Agencies)
	add("country", q.Countries)
	add("source", q.Sources)
	if q.Lang != "" {
		parts = append(parts, "lang "+q.Lang)
	}
	if q.BanOnly {
		parts = append(parts, "ban-related")
	}
	since, until := boundText(q)
	if since != "" {
		parts = append(parts, "since "+since)
	}
	if until != "" {
		parts = append(parts, "until "+until)
	}
	if len(parts) == 0 {
		return "all documents"
	}
	return strings.Join(parts, " · ")
}

// baseURL is the origin and path prefix absolute links start with, ending in "/".
func (s *Server) baseURL(r *http.Request) string {
	if s.opts.BaseURL != "" {
		return strings.TrimSuffix(s.opts.BaseURL, "/") + "/"
	}
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	host := r.Host
	if fh := r.Header.Get("X-Forwarded-Host"); fh != "" {
		host = fh
	}
	return scheme + "://" + host + "/"
}
