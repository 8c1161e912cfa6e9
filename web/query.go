package web

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Bounds on a search request, checked before any search runs.
const (
	// MaxQueryBytes bounds the q parameter.
	MaxQueryBytes = 2 << 10
	// MaxLimit bounds limit, and MaxOffset offset.
	MaxLimit  = 100
	MaxOffset = 5000
	// maxValues bounds the values of one repeatable filter.
	maxValues = 20
	// defaultPageLimit is how many hits a page shows, and defaultFeedLimit how many entries a feed holds.
	defaultPageLimit = 10
	defaultFeedLimit = 50
)

// Query is one search as the user asked for it: the parameters of /api/search, the search page
// and the Atom feeds.
type Query struct {
	Text      string   // q: the query string (index syntax: words, "phrases", field:value)
	Vendors   []string // vendor: any alias, any language; repeatable
	Agencies  []string // agency
	Countries []string // country
	Sources   []string // source: source names from the feeds file
	Lang      string   // lang: en, zh or empty
	// Since and Until bound the publication date, both inclusive; Until given as a day means the
	// whole day.
	Since, Until time.Time
	BanOnly      bool   // ban=1
	Sort         string // relevance or date
	Limit        int
	Offset       int
	// NoFacets spares the searcher the facet counts (feeds show none).
	NoFacets bool
}

// Empty reports whether q neither searches nor filters.
func (q Query) Empty() bool {
	return q.Text == "" && len(q.Vendors)+len(q.Agencies)+len(q.Countries)+len(q.Sources) == 0 &&
		q.Lang == "" && !q.BanOnly && q.Since.IsZero() && q.Until.IsZero()
}

// Results is the answer to a search, and its JSON form is the object `bantrack search --json`
// prints (docs/formats.md).
type Results struct {
	Total  uint64                    `json:"total"`
	Offset int                       `json:"offset"`
	TookMS float64                   `json:"took_ms"`
	Hits   []Hit                     `json:"hits"`
	Facets map[string]map[string]int `json:"facets"`
	// Warnings say what the searcher did not understand (a name no gazetteer knows); shown on
	// the page, not part of the JSON object.
	Warnings []string `json:"-"`
}

// Hit is one matching document.
type Hit struct {
	ID        string   `json:"id"`
	URL       string   `json:"url"`
	Title     string   `json:"title"`
	Published string   `json:"published,omitempty"` // RFC 3339
	Source    string   `json:"source"`
	Score     float64  `json:"score"`
	Vendors   []string `json:"vendors"`
	Agencies  []string `json:"agencies"`
	Snippet   string   `json:"snippet"` // plain text
	Status    string   `json:"status"`
	Ban       HitBan   `json:"ban"`

	// For the page and the feeds, not in the JSON object:
	Lang     string    `json:"-"`
	Date     time.Time `json:"-"` // published, zero when unknown
	Fetched  time.Time `json:"-"` // when the text was last fetched
	Changed  time.Time `json:"-"` // when a re-check found the text changed; zero if never
	Marked   []Segment `json:"-"` // the snippet with its matched words marked
	Evidence []string  `json:"-"` // the sentences the ban finding rests on
}

// HitBan is a hit's ban finding.
type HitBan struct {
	Related bool     `json:"related"`
	Score   float64  `json:"score"`
	Actions []string `json:"actions"`
	Targets []string `json:"targets"`
}

// Segment is a piece of a snippet; Match marks the words the query matched.
type Segment struct {
	Text  string
	Match bool
}

// parseQuery reads and checks a search's parameters. Every problem is an ErrInvalid naming the
// parameter and what it wants.
func parseQuery(v url.Values, defaultLimit int) (Query, error) {
	q := Query{Sort: "relevance", Limit: defaultLimit}
	bad := func(format string, args ...any) (Query, error) {
		return Query{}, fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
	}
	for name := range v {
		if !slices.Contains(queryParams, name) {
			return bad("unknown parameter %q (known: %s)", name, strings.Join(queryParams, ", "))
		}
	}
	for _, name := range []string{"q", "lang", "since", "until", "ban", "sort", "limit", "offset"} {
		if len(v[name]) > 1 {
			return bad("%s is given %d times; give it once", name, len(v[name]))
		}
	}
	q.Text = strings.TrimSpace(v.Get("q"))
	if len(q.Text) > MaxQueryBytes {
		return bad("q is %d bytes long, more than the %d allowed", len(q.Text), MaxQueryBytes)
	}
	lists := []struct {
		name string
		dst  *[]string
	}{{"vendor", &q.Vendors}, {"agency", &q.Agencies}, {"country", &q.Countries}, {"source", &q.Sources}}
	for _, l := range lists {
		vals := v[l.name]
		if len(vals) > maxValues {
			return bad("%s is given %d times, more than the %d allowed", l.name, len(vals), maxValues)
		}
		for _, s := range vals {
			if s = strings.TrimSpace(s); s != "" && !slices.Contains(*l.dst, s) {
				if len(s) > 200 {
					return bad("%s %.20q… is longer than 200 bytes", l.name, s)
				}
				*l.dst = append(*l.dst, s)
			}
		}
	}
	switch q.Lang = v.Get("lang"); q.Lang {
	case "", "en", "zh":
	default:
		return bad("lang %q: want en or zh", q.Lang)
	}
	switch s := v.Get("sort"); s {
	case "":
	case "relevance", "date":
		q.Sort = s
	default:
		return bad("sort %q: want relevance or date", s)
	}
	switch b := v.Get("ban"); b {
	case "", "0", "false":
	case "1", "true", "on":
		q.BanOnly = true
	default:
		return bad("ban %q: want 1 or 0", b)
	}
	var err error
	if q.Limit, err = intParam(v, "limit", defaultLimit, 1, MaxLimit); err != nil {
		return Query{}, err
	}
	if q.Offset, err = intParam(v, "offset", 0, 0, MaxOffset); err != nil {
		return Query{}, err
	}
	if q.Since, err = dateParam(v, "since", false); err != nil {
		return Query{}, err
	}
	if q.Until, err = dateParam(v, "until", true); err != nil {
		return Query{}, err
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && q.Since.After(q.Until) {
		return bad("since %s is later than until %s", v.Get("since"), v.Get("until"))
	}
	return q, nil
}

// queryParams are the parameters a search takes.
var queryParams = []string{"q", "vendor", "agency", "country", "source", "lang", "since", "until", "ban", "sort", "limit", "offset"}

func intParam(v url.Values, name string, def, lo, hi int) (int, error) {
	s := v.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%w: %s %q: want a whole number from %d to %d", ErrInvalid, name, s, lo, hi)
	}
	return n, nil
}

// dateParam reads YYYY-MM-DD (UTC) or RFC 3339; a day given as until means its last instant.
func dateParam(v url.Values, name string, endOfDay bool) (time.Time, error) {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		if endOfDay {
			t = t.Add(24*time.Hour - time.Nanosecond)
		}
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%w: %s %q: want YYYY-MM-DD or RFC 3339", ErrInvalid, name, s)
}

// values is q as URL parameters, without limit and offset unless asked: the canonical form of a
// search, for links and for the feed's stable id.
func (q Query) values(paging bool) url.Values {
	v := url.Values{}
	if q.Text != "" {
		v.Set("q", q.Text)
	}
	for _, l := range []struct {
		name string
		vals []string
	}{{"vendor", q.Vendors}, {"agency", q.Agencies}, {"country", q.Countries}, {"source", q.Sources}} {
		for _, s := range l.vals {
			v.Add(l.name, s)
		}
	}
	if q.Lang != "" {
		v.Set("lang", q.Lang)
	}
	if !q.Since.IsZero() {
		v.Set("since", formatBound(q.Since, false))
	}
	if !q.Until.IsZero() {
		v.Set("until", formatBound(q.Until, true))
	}
	if q.BanOnly {
		v.Set("ban", "1")
	}
	if q.Sort != "" && q.Sort != "relevance" {
		v.Set("sort", q.Sort)
	}
	if paging {
		if q.Offset > 0 {
			v.Set("offset", strconv.Itoa(q.Offset))
		}
	}
	return v
}

// formatBound writes a date bound back as the user most likely gave it: a day when it is one.
func formatBound(t time.Time, end bool) string {
	if end {
		if d := t.Add(time.Nanosecond); d.Equal(d.Truncate(24*time.Hour)) && d.Location() == time.UTC {
			return t.Format(time.DateOnly)
		}
	} else if t.Equal(t.Truncate(24*time.Hour)) && t.Location() == time.UTC {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339)
}
