package archive

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// A response is archived as the server sent it: a body the server gzipped for transport is
// stored gzipped, with its Content-Encoding header, so that WARC-Payload-Digest covers the bytes
// on the wire. What bantrack read, and what a document's SHA-256 covers, is the content: that body
// with the Content-Encoding undone. Records written before bantrack asked for gzip itself hold
// the content already, without the header, and read the same.

// DecodeContent returns a response body with its gzip Content-Encoding (h) undone; a body
// without one, or with an encoding bantrack never asks for, is returned as it is.
func DecodeContent(h http.Header, body []byte) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Encoding"))) {
	case "gzip", "x-gzip":
	default:
		return body, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("archive: content-encoding gzip: %w", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("archive: content-encoding gzip: %w", err)
	}
	return out, nil
}

// Content returns the content of the response record at loc: its body with any Content-Encoding
// undone (Body gives the bytes as sent). Its SHA-256 is the document's.
func Content(dir string, loc Location) ([]byte, error) {
	r, err := Read(dir, loc)
	if err != nil {
		return nil, err
	}
	body, err := DecodeContent(r.Header, r.Body)
	if err != nil {
		return nil, fmt.Errorf("%w (record at %s:%d)", err, loc.File, loc.Offset)
	}
	return body, nil
}
