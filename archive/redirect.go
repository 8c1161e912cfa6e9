package archive

import (
	"net/url"
)

// Hop is a redirect response record that led to a page: its record id and where it lies.
type Hop struct {
	ID       string
	Location Location
}

// Chains finds, in records read in file order (Scan, ScanFile), the redirect responses that led
// to each response. A crawl writes the redirect answers of one fetch just before the response
// they led to, in the order read, with nothing but their request records between them, and
// never across a file; so a chain is the run of 3xx responses right before a response, each
// one's Location naming the next one's URL and the last one's naming the response's. A run whose
// links break (a redirect chain that ended in an error, then an unrelated fetch) is no chain.
type Chains struct {
	file    string
	pending []pendingHop
	of      map[string][]Hop // response record id → the redirects that led to it
}

type pendingHop struct {
	Hop
	uri, next string
}

// NewChains returns an empty Chains.
func NewChains() *Chains { return &Chains{of: map[string][]Hop{}} }

// Add reads the next record.
func (c *Chains) Add(r Record) {
	if r.Location.File != c.file {
		c.file, c.pending = r.Location.File, nil
	}
	switch r.Type {
	case "request":
		return // each exchange's request follows its response
	case "response":
	default:
		c.pending = nil // metadata records follow a batch's exchanges: no chain crosses them
		return
	}
	linked := len(c.pending) > 0 && c.pending[len(c.pending)-1].next == r.TargetURI
	if next := redirectTarget(r); next != "" {
		if !linked {
			c.pending = nil
		}
		c.pending = append(c.pending, pendingHop{Hop{r.ID, r.Location}, r.TargetURI, next})
		return
	}
	if linked {
		hops := make([]Hop, len(c.pending))
		for i, p := range c.pending {
			hops[i] = p.Hop
		}
		c.of[r.ID] = hops
	}
	c.pending = nil
}

// Of returns the redirect responses that led to the response record id, first hop first; nil
// when it was fetched directly.
func (c *Chains) Of(id string) []Hop { return c.of[id] }

// IsRedirect says whether a response record is a redirect answer (3xx but 304) with a Location.
func IsRedirect(r Record) bool { return redirectTarget(r) != "" }

// redirectTarget is the absolute URL a redirect response sends to, "" for other records.
func redirectTarget(r Record) string {
	if r.Type != "response" || r.Status < 300 || r.Status > 399 || r.Status == 304 {
		return ""
	}
	loc := r.Header.Get("Location")
	if loc == "" {
		return ""
	}
	base, err := url.Parse(r.TargetURI)
	if err != nil {
		return ""
	}
	u, err := base.Parse(loc)
	if err != nil {
		return ""
	}
	return u.String()
}
