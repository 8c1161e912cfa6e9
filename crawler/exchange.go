package crawler

import (
	"net/http"
	"time"
)

// Exchange is one request the crawler made and the response it read: listings, feeds, sitemaps
// and article pages, including answers that are not 2xx (a 304 to a conditional GET, an error
// page, read up to a cap). The crawler keeps them only when
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
	Body []byte
	// Truncated is set when Body is only the start of the body: bantrack stops reading at a cap
	// (the source's max_body for pages, errorBodyLimit for error pages).
	Truncated bool
	Fetched   time.Time
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

// errorBodyLimit caps what is read, and archived, of a response that is not 2xx.
const errorBodyLimit = 64 << 10

// keepResponse records the response read, as keep does.
func (s *session) keepResponse(on bool, resp *http.Response, body []byte, truncated bool, at time.Time) int {
	if !on {
		return -1
	}
	return s.keep(true, Exchange{
		URL: resp.Request.URL.String(), Method: resp.Request.Method, RequestHeader: resp.Request.Header.Clone(),
		Status: resp.StatusCode, Proto: resp.Proto, ResponseHeader: resp.Header.Clone(),
		Body: body, Truncated: truncated, Fetched: at.UTC(),
	})
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
