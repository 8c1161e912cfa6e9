package crawler

import (
	"fmt"
	"net/http"
	"strings"
)

// The crawler asks for gzip itself (Accept-Encoding: gzip), so that Go's transport passes the
// compressed bytes through instead of undoing them and dropping Content-Encoding: the archive
// keeps the body byte for byte as the server sent it, and the crawler undoes the encoding for
// reading.

// contentEncoded says whether a response's body carries a Content-Encoding the crawler undoes.
func contentEncoded(h http.Header) bool {
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Encoding"))) {
	case "gzip", "x-gzip":
		return true
	}
	return false
}

// decodeContent undoes a gzip Content-Encoding under the body cap; a body without one (or with
// one the crawler never asked for, read as it came, as Go's transport did) passes through.
func decodeContent(h http.Header, body []byte, limit int64) ([]byte, error) {
	if !contentEncoded(h) {
		return body, nil
	}
	out, err := gunzip(body, limit)
	if err != nil {
		return nil, fmt.Errorf("content-encoding: %w", err)
	}
	return out, nil
}
