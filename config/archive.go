package config

import (
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Archive configures the WARC archive of every response bantrack reads (feeds.yaml "archive:").
type Archive struct {
	// MaxSize is the archive's size at most, in bytes; 0 keeps everything. When it is passed, the
	// oldest raw pages of documents that are not ban-related are dropped first (their text and
	// records stay); a ban-related document's pages are never dropped.
	MaxSize int64
	// FileSize is the size at which a WARC file is closed and the next begun.
	FileSize int64
	// RecheckFor is how long after publication an article page is re-checked for silent edits.
	RecheckFor time.Duration
	// RecheckEvery is how often, within that window, each page is re-checked (spread over time).
	RecheckEvery time.Duration
}

// Defaults of the archive section.
const (
	DefaultArchiveFileSize = 256 << 20
	DefaultRecheckFor      = 30 * 24 * time.Hour
	DefaultRecheckEvery    = 24 * time.Hour
)

// DefaultArchive is the archive section when feeds.yaml has none.
func DefaultArchive() Archive {
	return Archive{FileSize: DefaultArchiveFileSize, RecheckFor: DefaultRecheckFor, RecheckEvery: DefaultRecheckEvery}
}

var archiveFields = []string{"max_size", "file_size", "recheck_for", "recheck_every"}

func (p *parser) archive(n *yaml.Node, path string, a *Archive) {
	p.mapping(n, path, archiveFields, nil, func(key string, k, v *yaml.Node, path string) {
		switch key {
		case "max_size":
			if isNull(deref(v)) || strings.TrimSpace(deref(v).Value) == "0" {
				a.MaxSize = 0
				return
			}
			if size, ok := p.size(v, path); ok {
				if size < 64<<10 {
					p.errorf(v, path, "max_size %s is below 64KiB: the archive would drop pages as soon as it keeps them", deref(v).Value)
					return
				}
				a.MaxSize = size
			}
		case "file_size":
			if size, ok := p.size(v, path); ok {
				if size < 16<<10 {
					p.errorf(v, path, "file_size %s is below 16KiB", deref(v).Value)
					return
				}
				a.FileSize = size
			}
		case "recheck_for", "recheck_every":
			d, ok := p.days(v, path)
			if !ok {
				return
			}
			if key == "recheck_for" {
				a.RecheckFor = d
			} else {
				a.RecheckEvery = d
			}
		}
	})
	if a.MaxSize > 0 && a.FileSize > a.MaxSize/4 {
		// retention works file by file: keep several files under the limit
		a.FileSize = max(a.MaxSize/4, 16<<10)
	}
}

// days reads a duration that may also be given in days ("30d"); "0" turns re-checking off.
func (p *parser) days(n *yaml.Node, path string) (time.Duration, bool) {
	s := deref(n)
	v := strings.TrimSpace(s.Value)
	if s.Kind == yaml.ScalarNode && v == "0" {
		return 0, true
	}
	if s.Kind == yaml.ScalarNode && strings.HasSuffix(v, "d") {
		if k, err := strconv.Atoi(strings.TrimSuffix(v, "d")); err == nil && k > 0 {
			return time.Duration(k) * 24 * time.Hour, true
		}
		p.errorf(n, path, "duration %q does not parse (want e.g. 30d, 12h)", v)
		return 0, false
	}
	return p.positiveDuration(n, path)
}
