package crawler

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// ErrScheme is returned for URLs that are neither http nor https.
var ErrScheme = errors.New("crawler: only http and https URLs are fetched")

// trackingParams are query parameters that only track visitors and never select content.
var trackingParams = map[string]bool{
	"spm": true, "fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "yclid": true,
	"mc_cid": true, "mc_eid": true, "igshid": true, "scm": true, "_ga": true,
	"ref_src": true, "cmpid": true, "ncid": true, "taid": true, "wt.mc_id": true,
}

// Canonical returns the canonical form of raw, resolved against base when it is relative (base
// may be nil for absolute URLs): scheme and host in lower case, default ports and the fragment
// dropped, an empty path made "/", tracking parameters (utm_*, spm, fbclid, ...) removed and the
// remaining query sorted. Only http and https URLs are accepted.
func Canonical(raw string, base *url.URL) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("canonical %q: %w", raw, err)
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("canonical %q: %w", raw, ErrScheme)
	}
	if u.Host == "" {
		return "", fmt.Errorf("canonical %q: no host", raw)
	}
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	host = strings.TrimSuffix(host, ".")
	if host == "" {
		return "", fmt.Errorf("canonical %q: no host", raw)
	}
	if strings.Contains(host, ":") { // IPv6
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.User = nil
	u.Fragment = ""
	u.RawFragment = ""
	if u.Path == "" {
		u.Path = "/"
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			lk := strings.ToLower(k)
			if strings.HasPrefix(lk, "utm_") || trackingParams[lk] {
				q.Del(k)
			}
		}
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, k := range keys {
			for _, v := range q[k] {
				if b.Len() > 0 {
					b.WriteByte('&')
				}
				b.WriteString(url.QueryEscape(k))
				if v != "" {
					b.WriteByte('=')
					b.WriteString(url.QueryEscape(v))
				}
			}
		}
		u.RawQuery = b.String()
	}
	u.ForceQuery = false
	return u.String(), nil
}

// hostAllowed reports whether u may be fetched for a source whose own URL is home, given the
// source's allow_hosts. The source's host (with its port) is always allowed; an allow_hosts entry
// matches the host with or without port, and its subdomains.
func hostAllowed(u, home *url.URL, allow []string) bool {
	if home != nil && strings.EqualFold(u.Host, home.Host) {
		return true
	}
	h := strings.ToLower(u.Hostname())
	for _, a := range allow {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == "" {
			continue
		}
		if a == strings.ToLower(u.Host) {
			return true // host:port as written
		}
		if strings.Contains(strings.TrimPrefix(a, "["), ":") && !strings.HasSuffix(a, "]") {
			continue // an entry with a port allows that port only
		}
		// An entry without a port allows the host and its subdomains on the scheme's default port.
		if (a == h || strings.HasSuffix(h, "."+a)) && defaultPort(u) {
			return true
		}
	}
	return false
}

// defaultPort reports whether u names no port, or its scheme's default one.
func defaultPort(u *url.URL) bool {
	switch u.Port() {
	case "":
		return true
	case "80":
		return u.Scheme == "http"
	case "443":
		return u.Scheme == "https"
	}
	return false
}
