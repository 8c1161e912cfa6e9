package crawler

import (
	"bytes"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/transform"
)

var (
	metaCharset = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_\-:.]+)`)
	xmlEncoding = regexp.MustCompile(`(?i)^\s*<\?xml[^>]+encoding\s*=\s*["']([a-z0-9_\-:.]+)["']`)
)

var boms = []struct {
	bom  []byte
	name string
}{
	{[]byte{0xEF, 0xBB, 0xBF}, "utf-8"},
	{[]byte{0xFE, 0xFF}, "utf-16be"},
	{[]byte{0xFF, 0xFE}, "utf-16le"},
}

// toUTF8 decodes body to UTF-8 by, in order: a byte-order mark, the charset of the Content-Type
// header, a <meta> charset or XML declaration in the first 4 KiB, valid UTF-8, and else
// windows-1252. It returns the text and the name of the encoding used.
func toUTF8(body []byte, contentType string) (string, string) {
	for _, b := range boms {
		if bytes.HasPrefix(body, b.bom) {
			return decodeWith(body[len(b.bom):], b.name)
		}
	}
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		if cs := strings.ToLower(params["charset"]); cs != "" {
			// A header claiming Latin-1 over a body that is valid UTF-8 is a common server default.
			latin := cs == "iso-8859-1" || cs == "windows-1252" || cs == "us-ascii"
			if !(latin && utf8.Valid(body)) {
				if s, name, ok := tryDecode(body, cs); ok {
					return s, name
				}
			}
		}
	}
	head := body
	if len(head) > 4096 {
		head = head[:4096]
	}
	if m := metaCharset.FindSubmatch(head); m != nil {
		if s, name, ok := tryDecode(body, string(m[1])); ok {
			return s, name
		}
	}
	if m := xmlEncoding.FindSubmatch(head); m != nil {
		if s, name, ok := tryDecode(body, string(m[1])); ok {
			return s, name
		}
	}
	if utf8.Valid(body) {
		return string(body), "utf-8"
	}
	return decodeWith(body, "windows-1252")
}

func tryDecode(body []byte, label string) (string, string, bool) {
	e, name := charset.Lookup(label)
	if e == nil {
		return "", "", false
	}
	if name == "utf-8" {
		return strings.ToValidUTF8(string(body), "\uFFFD"), name, true
	}
	s, err := decode(e, body)
	if err != nil {
		return "", "", false
	}
	return s, name, true
}

func decodeWith(body []byte, label string) (string, string) {
	if s, name, ok := tryDecode(body, label); ok {
		return s, name
	}
	return strings.ToValidUTF8(string(body), "\uFFFD"), "utf-8"
}

func decode(e encoding.Encoding, body []byte) (string, error) {
	out, _, err := transform.Bytes(e.NewDecoder(), body)
	if err != nil {
		return "", err
	}
	return string(out), nil
}
