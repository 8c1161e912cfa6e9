package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // time zones even on machines without a zoneinfo database

	"gopkg.in/yaml.v3"
)

// Load reads the file at path and parses it with Parse, naming problems after path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes and validates a feeds.yaml held in data and applies the defaults. name is used
// in messages and as Config.Path. When anything is wrong, Parse returns every problem it found,
// each an *Error, joined with errors.Join and ordered by line.
func Parse(name string, data []byte) (*Config, error) {
	p := &parser{file: name}
	c := p.config(data)
	if err := joinErrors(p.errs); err != nil {
		return nil, err
	}
	return c, nil
}

// Field names, in the order the documentation gives them.
var (
	topFields     = []string{"gazetteer", "user_agent", "defaults", "sources", "digest", "archive"}
	sourceFields  = []string{"name", "kind", "url", "lang", "timezone", "schedule", "rate", "timeout", "max_body", "retries", "robots", "list", "article", "filter", "fetch_articles", "allow_hosts", "headers"}
	listFields    = []string{"item", "link", "title", "date", "summary", "date_format", "json", "next", "page_url", "max_pages"}
	articleFields = []string{"content", "title", "date"}
	filterFields  = []string{"any"}
	digestFields  = []string{"schedule", "from", "to", "only_ban_related", "min_score", "send_empty", "watch", "smtp"}
	watchFields   = []string{"vendors", "agencies"}
	smtpFields    = []string{"host", "port", "tls", "username", "password_env", "timeout"}
)

// Hints for unknown keys that are known to be misplaced or deliberately absent.
var (
	sourceHints = map[string]string{
		"item": `it belongs under "list"`, "link": `it belongs under "list"`,
		"summary": `it belongs under "list"`, "date_format": `it belongs under "list"`,
		"json": `it belongs under "list"`, "next": `it belongs under "list"`,
		"max_pages": `it belongs under "list"`, "page_url": `it belongs under "list"`, "content": `it belongs under "article"`,
		"title": `it belongs under "list" or "article"`, "date": `it belongs under "list" or "article"`,
		"any": `it belongs under "filter"`, "smtp": `it belongs under "digest"`,
	}
	topHints = map[string]string{
		"smtp": `it belongs under "digest"`, "schedule": `it belongs under "defaults" or a source`,
		"name": `sources are a list: "sources:" then "- name: ..."`,
	}
	smtpHints = map[string]string{
		"password": "secrets come from the environment: put the variable's name in password_env",
	}
)

var syntaxLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parser walks the YAML node tree and collects every problem it meets.
type parser struct {
	file string
	errs []*Error
}

func (p *parser) errorf(n *yaml.Node, field, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	p.errs = append(p.errs, &Error{File: p.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) fail(n *yaml.Node, field string, err error) {
	p.errorf(n, field, "%s", err.Error())
}

func (p *parser) syntax(err error) {
	if m := syntaxLineRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		p.errs = append(p.errs, &Error{File: p.file, Line: line, Msg: "invalid YAML: " + m[2]})
		return
	}
	p.errs = append(p.errs, &Error{File: p.file, Msg: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")})
}

// config is Parse without the error joining.
func (p *parser) config(data []byte) *Config {
	c := &Config{Path: p.file, UserAgent: DefaultUserAgent, Digest: DefaultDigest(), Archive: DefaultArchive()}
	root := p.document(data)
	if root == nil {
		return c
	}
	defaults := DefaultSource()
	var sources *yaml.Node
	p.mapping(root, "", topFields, topHints, func(key string, k, v *yaml.Node, path string) {
		switch key {
		case "user_agent":
			if s, ok := p.str(v, path); ok {
				if err := checkUserAgent(s); err != nil {
					p.fail(v, path, err)
				}
				c.UserAgent = s
			}
		case "gazetteer":
			if s, ok := p.str(v, path); ok {
				c.Gazetteer = p.gazetteerPath(v, path, s)
			}
		case "defaults":
			p.source(v, path, &defaults, true)
		case "sources":
			sources = v
		case "digest":
			p.digest(k, v, path, &c.Digest)
		case "archive":
			p.archive(v, path, &c.Archive)
		}
	})
	if sources == nil {
		p.errorf(root, "sources", "missing: at least one source is required")
		return c
	}
	c.Sources = p.sources(sources, "sources", defaults)
	return c
}

// gazetteerPath resolves the "gazetteer:" file against the feeds file's folder and checks that it
// is a readable file; the file's own content is checked by extract.LoadGazetteer.
func (p *parser) gazetteerPath(n *yaml.Node, path, s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		p.errorf(n, path, "empty: name a gazetteer file, or remove the line")
		return ""
	}
	if !filepath.IsAbs(s) {
		s = filepath.Join(filepath.Dir(p.file), s)
	}
	if abs, err := filepath.Abs(s); err == nil {
		s = abs
	}
	fi, err := os.Stat(s)
	switch {
	case err != nil:
		p.errorf(n, path, "cannot read %s: %v (the path is relative to the feeds file's folder)", s, errors.Unwrap(err))
	case fi.IsDir():
		p.errorf(n, path, "%s is a folder: name a YAML file", s)
	}
	return s
}

// document decodes data into a node tree and returns its top mapping, or nil after reporting why
// there is none.
func (p *parser) document(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.errorf(nil, "", "file is empty")
		} else {
			p.syntax(err)
		}
		return nil
	}
	var more yaml.Node
	if err := dec.Decode(&more); err == nil {
		p.errorf(&more, "", "a second YAML document starts here; put everything in one")
	} else if !errors.Is(err, io.EOF) {
		p.syntax(err)
	}
	if len(doc.Content) == 0 || isNull(deref(doc.Content[0])) {
		p.errorf(&doc, "", "file is empty")
		return nil
	}
	if n := expandedSize(&doc, map[*yaml.Node]int{}); n > maxNodes {
		p.errorf(nil, "", "aliases expand the file to more than %d values", maxNodes)
		return nil
	}
	root := deref(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		p.errorf(root, "", "the file must be a mapping with sources, defaults and digest; got %s", describe(root))
		return nil
	}
	return root
}

func (p *parser) sources(n *yaml.Node, path string, defaults Source) []Source {
	seq, ok := p.sequence(n, path)
	if !ok {
		return nil
	}
	if len(seq) == 0 {
		p.errorf(n, path, "at least one source is required")
		return nil
	}
	out := make([]Source, 0, len(seq))
	firstLine := map[string]int{}
	for i, item := range seq {
		ipath := fmt.Sprintf("%s[%d]", path, i)
		s := defaults
		keys, ok := p.source(item, ipath, &s, false)
		if !ok {
			continue
		}
		for _, f := range []struct{ name, value string }{{"name", s.Name}, {"kind", s.Kind}, {"url", s.URL}} {
			if f.value == "" && keys[f.name] == nil {
				p.errorf(item, ipath+"."+f.name, "missing (required)")
			} else if f.value == "" && !p.failed(ipath+"."+f.name) {
				p.errorf(keys[f.name], ipath+"."+f.name, "is empty (required)")
			}
		}
		switch s.Kind {
		case KindHTML:
			at := item
			if k := keys["list"]; k != nil {
				at = k
			}
			if s.List.Item == "" && !p.failed(ipath+".list.item") {
				p.errorf(at, ipath+".list.item", "missing: kind html needs a selector for the listing's items")
			}
			if s.List.Link == "" && !p.failed(ipath+".list.link") {
				p.errorf(at, ipath+".list.link", "missing: kind html needs a selector for each item's link")
			}
		case KindFeed, KindSitemap:
			if k := keys["list"]; k != nil {
				p.errorf(k, ipath+".list", "applies only to kind html, and this source is kind %s", s.Kind)
			}
		}
		if k := keys["name"]; k != nil && s.Name != "" {
			if first, dup := firstLine[s.Name]; dup {
				p.errorf(k, ipath+".name", "name %q is used twice (first at line %d)", s.Name, first)
			} else {
				firstLine[s.Name] = k.Line
			}
		}
		out = append(out, s)
	}
	return out
}

// source reads a source (or the defaults section, when inDefaults is set) into s, changing only
// the fields the file sets. It returns the key node of each key present, and false when n is
// not a mapping at all.
func (p *parser) source(n *yaml.Node, path string, s *Source, inDefaults bool) (map[string]*yaml.Node, bool) {
	keys := map[string]*yaml.Node{}
	ok := p.mapping(n, path, sourceFields, sourceHints, func(key string, k, v *yaml.Node, path string) {
		keys[key] = k
		switch key {
		case "name", "url":
			if inDefaults {
				p.errorf(k, path, "cannot be set in defaults; each source has its own")
				return
			}
			str, ok := p.str(v, path)
			if !ok {
				return
			}
			check := checkName
			if key == "url" {
				check = checkURL
			}
			if str != "" {
				if err := check(str); err != nil {
					p.fail(v, path, err)
					return
				}
			}
			if key == "name" {
				s.Name = str
			} else {
				s.URL = str
			}
		case "kind":
			p.checked(v, path, checkKind, &s.Kind)
		case "lang":
			if str, ok := p.oneOf(v, path, "lang", langs); ok {
				s.Lang = str
			}
		case "timezone":
			if str, ok := p.str(v, path); ok {
				loc, err := loadLocation(str)
				if err != nil {
					p.fail(v, path, err)
					return
				}
				s.Timezone = loc
			}
		case "schedule":
			if str, ok := p.str(v, path); ok {
				if err := checkSchedule(str); err != nil {
					p.fail(v, path, err)
					return
				}
				s.Schedule = strings.TrimSpace(str)
			}
		case "rate":
			if f, ok := p.number(v, path); ok {
				if f <= 0 {
					p.errorf(v, path, "rate %v must be greater than 0 (requests per second per host)", f)
					return
				}
				s.Rate = f
			}
		case "timeout":
			if d, ok := p.positiveDuration(v, path); ok {
				s.Timeout = d
			}
		case "max_body":
			if size, ok := p.size(v, path); ok {
				if size <= 0 {
					p.errorf(v, path, "max_body must be greater than 0")
					return
				}
				s.MaxBody = size
			}
		case "retries":
			if i, ok := p.integer(v, path); ok {
				if i < 0 {
					p.errorf(v, path, "retries %d must not be negative", i)
					return
				}
				s.Retries = i
			}
		case "robots":
			if b, ok := p.boolean(v, path); ok {
				s.Robots = b
			}
		case "fetch_articles":
			if b, ok := p.boolean(v, path); ok {
				s.FetchArticles = b
			}
		case "list":
			p.list(v, path, &s.List)
		case "article":
			p.article(v, path, &s.Article)
		case "filter":
			p.mapping(v, path, filterFields, nil, func(_ string, _, v *yaml.Node, path string) {
				if words, ok := p.strings(v, path, func(w string) error {
					if strings.TrimSpace(w) == "" {
						return errors.New("empty filter word")
					}
					return nil
				}); ok {
					s.Filter = words
				}
			})
		case "allow_hosts":
			if hosts, ok := p.strings(v, path, checkHost); ok {
				for i, h := range hosts {
					hosts[i] = strings.ToLower(h)
				}
				s.AllowHosts = hosts
			}
		case "headers":
			h := maps.Clone(s.Headers)
			if h == nil {
				h = map[string]string{}
			}
			p.mapping(v, path, nil, nil, func(name string, k, v *yaml.Node, path string) {
				if val, ok := p.str(v, path); ok {
					if err := checkHeader(name, val); err != nil {
						p.fail(k, path, err)
						return
					}
					h[name] = val
				}
			})
			s.Headers = h
		}
	})
	return keys, ok
}

func (p *parser) list(n *yaml.Node, path string, l *List) {
	p.mapping(n, path, listFields, nil, func(key string, k, v *yaml.Node, path string) {
		switch key {
		case "item":
			p.selector(v, path, false, &l.Item)
		case "link":
			p.selector(v, path, true, &l.Link)
		case "title":
			p.selector(v, path, true, &l.Title)
		case "date":
			p.selector(v, path, true, &l.Date)
		case "summary":
			p.selector(v, path, true, &l.Summary)
		case "next":
			p.selector(v, path, true, &l.Next)
		case "page_url":
			p.checked(v, path, checkPageURL, &l.PageURL)
		case "date_format":
			p.checked(v, path, checkDateFormat, &l.DateFormat)
		case "json":
			p.checked(v, path, checkJSONPath, &l.JSON)
		case "max_pages":
			if i, ok := p.integer(v, path); ok {
				if i < 1 {
					p.errorf(v, path, "max_pages %d must be at least 1", i)
					return
				}
				l.MaxPages = i
			}
		}
	})
}

func (p *parser) article(n *yaml.Node, path string, a *ArticleRules) {
	p.mapping(n, path, articleFields, nil, func(key string, k, v *yaml.Node, path string) {
		switch key {
		case "content":
			p.selector(v, path, false, &a.Content)
		case "title":
			p.selector(v, path, true, &a.Title)
		case "date":
			p.selector(v, path, true, &a.Date)
		}
	})
}

// digest reads the digest section; at is its key, where missing fields are reported.
func (p *parser) digest(at, n *yaml.Node, path string, d *Digest) {
	keys := map[string]*yaml.Node{}
	ok := p.mapping(n, path, digestFields, nil, func(key string, k, v *yaml.Node, path string) {
		keys[key] = k
		switch key {
		case "schedule":
			if str, ok := p.str(v, path); ok {
				if err := checkSchedule(str); err != nil {
					p.fail(v, path, err)
					return
				}
				d.Schedule = strings.TrimSpace(str)
			}
		case "from":
			p.checked(v, path, checkAddress, &d.From)
		case "to":
			if to, ok := p.strings(v, path, checkAddress); ok {
				d.To = to
			}
		case "only_ban_related":
			if b, ok := p.boolean(v, path); ok {
				d.OnlyBanRelated = b
			}
		case "send_empty":
			if b, ok := p.boolean(v, path); ok {
				d.SendEmpty = b
			}
		case "min_score":
			if f, ok := p.number(v, path); ok {
				if f < 0 || f > 1 {
					p.errorf(v, path, "min_score %v is outside 0 to 1", f)
					return
				}
				d.MinScore = f
			}
		case "watch":
			p.mapping(v, path, watchFields, nil, func(key string, k, v *yaml.Node, path string) {
				names, ok := p.strings(v, path, func(s string) error {
					if strings.TrimSpace(s) == "" {
						return errors.New("empty name")
					}
					return nil
				})
				if !ok {
					return
				}
				if key == "vendors" {
					d.WatchVendors = names
				} else {
					d.WatchAgencies = names
				}
			})
		case "smtp":
			p.smtp(k, v, path, &d.SMTP)
		}
	})
	if !ok || isNull(deref(n)) {
		return
	}
	if keys["from"] == nil {
		p.errorf(at, path+".from", "missing: the digest needs a sender address")
	} else if d.From == "" && !p.failed(path+".from") {
		p.errorf(keys["from"], path+".from", "is empty: the digest needs a sender address")
	}
	if len(d.To) == 0 && keys["to"] == nil {
		p.errorf(at, path+".to", "missing: the digest needs at least one recipient")
	} else if len(d.To) == 0 && !p.failed(path+".to") {
		p.errorf(keys["to"], path+".to", "is empty: the digest needs at least one recipient")
	}
}

// smtp reads digest.smtp; at is its key, where a missing host is reported.
func (p *parser) smtp(at, n *yaml.Node, path string, m *SMTP) {
	ok := p.mapping(n, path, smtpFields, smtpHints, func(key string, k, v *yaml.Node, path string) {
		switch key {
		case "host":
			p.checked(v, path, checkSMTPHost, &m.Host)
		case "port":
			if i, ok := p.integer(v, path); ok {
				if i < 1 || i > 65535 {
					p.errorf(v, path, "port %d is outside 1 to 65535", i)
					return
				}
				m.Port = i
			}
		case "tls":
			if str, ok := p.oneOf(v, path, "tls", tlses); ok {
				m.TLS = str
			}
		case "username":
			if str, ok := p.str(v, path); ok {
				m.Username = str
			}
		case "password_env":
			p.checked(v, path, checkEnvName, &m.PasswordEnv)
		case "timeout":
			if d, ok := p.positiveDuration(v, path); ok {
				m.Timeout = d
			}
		}
	})
	if ok && !isNull(deref(n)) && m.Host == "" && !p.failed(path+".host") {
		p.errorf(at, path+".host", "missing: smtp needs the server's host name")
	}
}

// failed reports whether a problem was already recorded for the field at path or inside it, so
// that a value rejected by its check is not reported a second time as missing.
func (p *parser) failed(path string) bool {
	for _, e := range p.errs {
		if e.Field == path || strings.HasPrefix(e.Field, path+".") || strings.HasPrefix(e.Field, path+"[") {
			return true
		}
	}
	return false
}

// mapping walks the keys of a mapping in order, reporting non-scalar, unknown and repeated keys
// and calling fn for the others with the key's name, key and value nodes and the value's path.
// known nil accepts any key (for headers). A null value counts as an empty mapping. It returns
// false when n is not a mapping.
func (p *parser) mapping(n *yaml.Node, path string, known []string, hints map[string]string, fn func(key string, k, v *yaml.Node, path string)) bool {
	m := deref(n)
	if isNull(m) {
		return true
	}
	if m.Kind != yaml.MappingNode {
		p.errorf(n, path, "expected a mapping of fields, got %s", describe(m))
		return false
	}
	first := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := deref(m.Content[i]), m.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errorf(m.Content[i], path, "keys must be plain names, got %s", describe(k))
			continue
		}
		name := k.Value
		if k.ShortTag() == "!!merge" {
			p.errorf(k, path, "merge keys (<<) are not supported; put shared settings in defaults")
			continue
		}
		if known != nil && !slices.Contains(known, name) {
			msg := fmt.Sprintf("unknown field %q", name)
			if hint := hints[name]; hint != "" {
				msg += "; " + hint
			} else if near := closest(name, known); near != "" {
				msg += fmt.Sprintf("; did you mean %q?", near)
			} else {
				msg += fmt.Sprintf(" (known: %s)", strings.Join(known, ", "))
			}
			p.errorf(k, path, "%s", msg)
			continue
		}
		fpath := join(path, name)
		if known == nil {
			fpath = fmt.Sprintf("%s[%q]", path, name)
		}
		if line, dup := first[name]; dup {
			p.errorf(k, fpath, "set twice (first at line %d)", line)
			continue
		}
		first[name] = k.Line
		fn(name, k, v, fpath)
	}
	return true
}

func (p *parser) sequence(n *yaml.Node, path string) ([]*yaml.Node, bool) {
	s := deref(n)
	if isNull(s) {
		return nil, true
	}
	if s.Kind != yaml.SequenceNode {
		p.errorf(n, path, "expected a list, got %s", describe(s))
		return nil, false
	}
	return s.Content, true
}

// str reads a scalar as text; null reads as "".
func (p *parser) str(n *yaml.Node, path string) (string, bool) {
	s := deref(n)
	switch {
	case isNull(s):
		return "", true
	case s.Kind == yaml.ScalarNode:
		return s.Value, true
	}
	p.errorf(n, path, "expected a single value, got %s", describe(s))
	return "", false
}

// strings reads a list of scalars, checking each non-empty one with check.
func (p *parser) strings(n *yaml.Node, path string, check func(string) error) ([]string, bool) {
	seq, ok := p.sequence(n, path)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(seq))
	good := true
	for i, item := range seq {
		ipath := fmt.Sprintf("%s[%d]", path, i)
		s, ok := p.str(item, ipath)
		if !ok {
			good = false
			continue
		}
		if err := check(s); err != nil {
			p.fail(item, ipath, err)
			good = false
			continue
		}
		out = append(out, s)
	}
	return out, good
}

// checked reads a string and stores it in dst if it is empty or passes check.
func (p *parser) checked(n *yaml.Node, path string, check func(string) error, dst *string) {
	s, ok := p.str(n, path)
	if !ok {
		return
	}
	if s != "" {
		if err := check(s); err != nil {
			p.fail(n, path, err)
			return
		}
	}
	*dst = s
}

// selector reads a CSS selector (with @attr when withAttr is set); "" clears a default.
func (p *parser) selector(n *yaml.Node, path string, withAttr bool, dst *string) {
	p.checked(n, path, func(s string) error { return checkSelector(s, withAttr) }, dst)
}

func (p *parser) oneOf(n *yaml.Node, path, what string, allowed []string) (string, bool) {
	s, ok := p.str(n, path)
	if !ok {
		return "", false
	}
	if err := checkOneOf(what, s, allowed); err != nil {
		p.fail(n, path, err)
		return "", false
	}
	return s, true
}

func (p *parser) boolean(n *yaml.Node, path string) (bool, bool) {
	s := deref(n)
	var b bool
	if s.Kind == yaml.ScalarNode && s.ShortTag() == "!!bool" && s.Decode(&b) == nil {
		return b, true
	}
	p.errorf(n, path, "expected true or false, got %s", describe(s))
	return false, false
}

func (p *parser) integer(n *yaml.Node, path string) (int, bool) {
	s := deref(n)
	var i int
	if s.Kind == yaml.ScalarNode && s.ShortTag() == "!!int" {
		if err := s.Decode(&i); err == nil {
			return i, true
		}
		p.errorf(n, path, "number %s is out of range", s.Value)
		return 0, false
	}
	p.errorf(n, path, "expected a whole number, got %s", describe(s))
	return 0, false
}

func (p *parser) number(n *yaml.Node, path string) (float64, bool) {
	s := deref(n)
	var f float64
	if s.Kind == yaml.ScalarNode && (s.ShortTag() == "!!int" || s.ShortTag() == "!!float") && s.Decode(&f) == nil &&
		!math.IsNaN(f) && !math.IsInf(f, 0) {
		return f, true
	}
	p.errorf(n, path, "expected a number, got %s", describe(s))
	return 0, false
}

func (p *parser) positiveDuration(n *yaml.Node, path string) (time.Duration, bool) {
	s := deref(n)
	if s.Kind == yaml.ScalarNode && (s.ShortTag() == "!!int" || s.ShortTag() == "!!float") {
		p.errorf(n, path, "duration %s needs a unit, e.g. %ss", s.Value, s.Value)
		return 0, false
	}
	str, ok := p.str(n, path)
	if !ok {
		return 0, false
	}
	d, err := time.ParseDuration(strings.TrimSpace(str))
	if err != nil {
		p.errorf(n, path, "duration %q does not parse (want e.g. 30s, 2m, 1h30m)", str)
		return 0, false
	}
	if d <= 0 {
		p.errorf(n, path, "duration %q must be greater than 0", str)
		return 0, false
	}
	return d, true
}

func (p *parser) size(n *yaml.Node, path string) (int64, bool) {
	s := deref(n)
	if s.Kind != yaml.ScalarNode || isNull(s) {
		p.errorf(n, path, "expected a size such as 10MiB, got %s", describe(s))
		return 0, false
	}
	v, err := ParseSize(s.Value)
	if err != nil {
		p.fail(n, path, err)
		return 0, false
	}
	return v, true
}

// maxNodes bounds the values a file may hold once its aliases are expanded, since the walk
// visits an aliased value once for each alias.
const maxNodes = 1_000_000

// expandedSize counts the nodes under n with every alias expanded, remembering subtotals in
// memo; it stops counting soon after maxNodes.
func expandedSize(n *yaml.Node, memo map[*yaml.Node]int) int {
	if v, ok := memo[n]; ok {
		return v
	}
	memo[n] = maxNodes + 1 // cut cycles short
	size := 1
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		size += expandedSize(n.Alias, memo)
	}
	for _, c := range n.Content {
		if size > maxNodes {
			break
		}
		size += expandedSize(c, memo)
	}
	memo[n] = size
	return size
}

// deref follows aliases to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == 0 || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names a node's value for messages.
func describe(n *yaml.Node) string {
	switch {
	case isNull(n):
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.ScalarNode:
		v := n.Value
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		return strconv.Quote(v)
	}
	return "an unexpected node"
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
