package crawler

import (
	"net/http"
	"time"
)

// Exchange is one request the crawler made and the response it read: a 2xx answer read in full
// (listings, feeds, sitemaps, article pages, robots.txt), a 304 to a conditional GET, an error
// answer (its body read up to errorBodyLimit), or a redirect (3xx) followed on the way to any of
// them. The crawler keeps them only when Options.KeepExchanges is set, for whoever archives them
// (the pipeline writes them to the WARC archive before anything is indexed).
type Exchange struct {
	URL            string // the URL that answered: for a 2xx answer, the one after redirects
	Method         string
	RequestHeader  http.Header // as sent (the transport adds Host)
	Status         int
	Proto          string
	ResponseHeader http.Header
	// Body is the body as the server sent it: before any charset decoding, and still gzipped when
	// the server compressed it for transport (ResponseHeader then says Content-Encoding: gzip).
	// A redirect's body is kept up to 64 KiB.
	Body []byte
	// Decoded is Body with its Content-Encoding undone, nil when it had none: see Content.
	Decoded []byte
	// Truncated is "length" when Body was cut at its bound (max_body, errorBodyLimit, a
	// redirect's 64 KiB), "disconnect" when the connection broke while a redirect's body was read
	// (WARC-Truncated in the archive).
	Truncated string
	Fetched   time.Time
	// Hops is, for a 2xx answer reached through redirects, how many exchanges just before it in
	// the same list are the redirect answers that led to it, first hop first: those are always
	// kept together, in the order read.
	Hops int
	// Doc is the id of the document this article page became; empty for listings, and for pages
	// that were merged into another document, filtered out or unreadable.
	Doc string
}

// errorBodyLimit caps what is read, and archived, of an answer that is not 2xx.
const errorBodyLimit = 64 << 10

// responseExchange is the exchange of a response read, its body as read (cut at a bound when
// truncated).
func responseExchange(resp *http.Response, body []byte, truncated bool, at time.Time) *Exchange {
	ex := &Exchange{
		URL: resp.Request.URL.String(), Method: resp.Request.Method, RequestHeader: resp.Request.Header.Clone(),
		Status: resp.StatusCode, Proto: resp.Proto, ResponseHeader: resp.Header.Clone(),
		Body: body, Fetched: at.UTC(),
	}
	if truncated {
		ex.Truncated = "length"
	}
	return ex
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

// Content is the page as the crawler read it: the body with any gzip Content-Encoding undone (the
// bytes a document's SHA-256 covers).
func (e Exchange) Content() []byte {
	if e.Decoded != nil {
		return e.Decoded
	}
	return e.Body
}
