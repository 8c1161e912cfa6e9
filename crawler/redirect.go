package crawler

import (
	"context"
	"io"
	"net/http"
)

// maxRedirectBody bounds the body of a redirect answer kept for the archive: redirect bodies are
// a line of HTML at most, and a site that sends more is cut here (the Exchange says so).
const maxRedirectBody = 64 << 10

// hopsKey is the context key under which an attempt passes its redirect chain to CheckRedirect.
type hopsKey struct{}

// hops collects the redirect answers (3xx) one attempt read, in order: the http.Client hands
// each to CheckRedirect with its body still open, and closes it once CheckRedirect returns.
type hops struct {
	limit int64
	list  []Exchange
}

// withHops returns a context that makes CheckRedirect keep the redirect answers of the request
// made with it in h, when exchanges are kept; else ctx and nil.
func (c *Crawler) withHops(ctx context.Context, s *session) (context.Context, *hops) {
	if !c.opts.KeepExchanges {
		return ctx, nil
	}
	h := &hops{limit: min(maxRedirectBody, s.maxBody())}
	return context.WithValue(ctx, hopsKey{}, h), h
}

// recordHop keeps the redirect answer that led to req (req.Response), with its body read up to
// the limit, in the chain of the attempt that made it. Requests made without a chain (robots.txt)
// keep nothing. It is called from CheckRedirect, before the redirect is judged: an answer that
// points at a host the source may not visit is read all the same, and is evidence of where the
// page went.
func (c *Crawler) recordHop(req *http.Request) {
	h, _ := req.Context().Value(hopsKey{}).(*hops)
	r := req.Response
	if h == nil || r == nil || r.Request == nil {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, h.limit+1))
	truncated := ""
	switch {
	case int64(len(body)) > h.limit:
		body, truncated = body[:h.limit], "length"
	case err != nil:
		truncated = "disconnect"
		c.log.Debug("redirect body cut short", "url", r.Request.URL.String(), "error", err)
	}
	h.list = append(h.list, Exchange{
		URL: r.Request.URL.String(), Method: r.Request.Method, RequestHeader: r.Request.Header.Clone(),
		Status: r.StatusCode, Proto: r.Proto, ResponseHeader: r.Header.Clone(),
		Body: body, Truncated: truncated, Fetched: c.now().UTC(),
	})
}

// keepChain records in the session, in the order read, the redirect answers of one attempt
// and then the response they led to (final, nil when the attempt failed), in one step so that
// a chain's exchanges stay together whatever other fetches of the source do meanwhile. It
// returns the final exchange's index, else -1.
func (s *session) keepChain(h *hops, final *Exchange) int {
	if h == nil {
		return -1
	}
	s.exMu.Lock()
	defer s.exMu.Unlock()
	s.exchanges = append(s.exchanges, h.list...)
	if final == nil {
		return -1
	}
	final.Hops = len(h.list)
	s.exchanges = append(s.exchanges, *final)
	return len(s.exchanges) - 1
}
