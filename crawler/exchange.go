package crawler

import (
	"net/http"
	"time"
)

// Exchange is one request the crawler made and the response it read in full (a 2xx answer):
// listings, feeds, sitemaps and article pages. The crawler keeps them only when
// Options.KeepExchanges is set, for whoever archives them (the pipeline writes them to the WARC
// archive before anything is indexed).
type Exchange struct {
	URL            string // after redirects: the URL that answered
	Method         string
	RequestHeader  http.Header // as sent (the transport adds Host and Accept-Encoding)
	Status         int
	Proto          string
	ResponseHeader http.Header
	// Body is the body as read, before any charset decoding. A body the server gzipped for
	// transport was undone by the HTTP client, which then drops Content-Encoding from the header.
	Body    []byte
	Fetched time.Time
	// Doc is the id of the document this article page became; empty for listings, and for pages
	// that were merged into another document, filtered out or unreadable.
	Doc string
}

// keep records an exchange in the session when on is set and returns its index, else -1.
func (s *session) keep(on bool, ex Exchange) int {
	if !on {
		return -1
	}
	s.exMu.Lock()
	defer s.exMu.Unlock()
	s.exchanges = append(s.exchanges, ex)
	return len(s.exchanges) - 1
}

// takeExchanges returns the session's exchanges and forgets them.
func (s *session) takeExchanges() []Exchange {
	s.exMu.Lock()
	defer s.exMu.Unlock()
	out := s.exchanges
	s.exchanges = nil
	return out
}

// markDoc names the document an exchange's page became.
func (s *session) markDoc(i int, id string) {
	if i < 0 {
		return
	}
	s.exMu.Lock()
	defer s.exMu.Unlock()
	if i < len(s.exchanges) {
		s.exchanges[i].Doc = id
	}
}
