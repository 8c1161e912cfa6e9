package crawler

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
)

var (
	cjkDate = regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?`)
	isoDate = regexp.MustCompile(`(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?`)
	// dateLine finds a "发布时间：..." or "来源：... 时间" style line on Chinese notice pages.
	dateLine = regexp.MustCompile(`(?:发布时间|发布日期|发文日期|成文日期|日期|时间|来源)\s*[:：]?\s*[^\n]{0,40}?(\d{4}\s*(?:年|[-/.])\s*\d{1,2}\s*(?:月|[-/.])\s*\d{1,2}\s*日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?)`)
)

var monthNames = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
	"sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

var enDate = regexp.MustCompile(`(?i)\b(?:(\d{1,2})\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?\s+(?:(\d{1,2})(?:st|nd|rd|th)?,?\s+)?(\d{4})\b`)

// zoneLayouts are tried first: they carry their own zone.
var zoneLayouts = []string{time.RFC3339Nano, time.RFC3339, time.RFC1123Z, time.RFC1123, time.RFC822Z, time.RFC850, "Mon, 2 Jan 2006 15:04:05 -0700", "2006-01-02T15:04:05-0700"}

// parseDate reads the first date in s. With a layout it parses s (trimmed) with it; otherwise it
// recognises RFC 3339 and RFC 1123 forms, 2026-09-18 (with an optional time), 2026年09月18日 17:00
// and English forms such as "May 21, 2023". Dates without a zone are read in loc.
func parseDate(s, layout string, loc *time.Location) (time.Time, bool) {
	if loc == nil {
		loc = time.UTC
	}
	s = strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
	if s == "" {
		return time.Time{}, false
	}
	if layout != "" {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	for _, l := range zoneLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	type hit struct {
		at int
		t  time.Time
	}
	var best *hit
	consider := func(at int, t time.Time) {
		if t.IsZero() || (best != nil && best.at <= at) {
			return
		}
		best = &hit{at, t}
	}
	if m := cjkDate.FindStringSubmatchIndex(s); m != nil {
		consider(m[0], dateFrom(s, m, loc, ""))
	}
	if m := isoDate.FindStringSubmatchIndex(s); m != nil {
		zone := ""
		if m[14] >= 0 {
			zone = s[m[14]:m[15]]
		}
		consider(m[0], dateFrom(s, m, loc, zone))
	}
	if m := enDate.FindStringSubmatchIndex(s); m != nil {
		day := sub(s, m, 1)
		if day == "" {
			day = sub(s, m, 3)
		}
		d, _ := strconv.Atoi(day)
		y, _ := strconv.Atoi(sub(s, m, 4))
		mon := monthNames[strings.ToLower(sub(s, m, 2))]
		if d >= 1 && d <= 31 && mon != 0 {
			consider(m[0], time.Date(y, mon, d, 0, 0, 0, 0, loc))
		}
	}
	if best == nil {
		return time.Time{}, false
	}
	return best.t, true
}

func sub(s string, m []int, i int) string {
	if 2*i+1 >= len(m) || m[2*i] < 0 {
		return ""
	}
	return s[m[2*i]:m[2*i+1]]
}

// dateFrom builds a time from submatches year, month, day, hour, minute, second.
func dateFrom(s string, m []int, loc *time.Location, zone string) time.Time {
	n := func(i int) int {
		v, _ := strconv.Atoi(sub(s, m, i))
		return v
	}
	y, mo, d, h, mi, se := n(1), n(2), n(3), n(4), n(5), n(6)
	if y < 1990 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59 {
		return time.Time{}
	}
	if zone != "" {
		if zone == "Z" {
			loc = time.UTC
		} else {
			z := strings.ReplaceAll(zone, ":", "")
			hh, _ := strconv.Atoi(z[1:3])
			mm, _ := strconv.Atoi(z[3:5])
			off := hh*3600 + mm*60
			if z[0] == '-' {
				off = -off
			}
			loc = time.FixedZone(zone, off)
		}
	}
	return time.Date(y, time.Month(mo), d, h, mi, se, 0, loc)
}

// findDateLine looks for a 发布时间/来源 line in a page's text and reads its date.
func findDateLine(text string, loc *time.Location) (time.Time, bool) {
	m := dateLine.FindStringSubmatch(text)
	if m == nil {
		return time.Time{}, false
	}
	return parseDate(m[1], "", loc)
}

var (
	jsonLDPublished = regexp.MustCompile(`"datePublished"\s*:\s*"([^"]{8,40})"`)
	// urlDay finds a day in a URL's path: /2024/07/12/, /2025-04/04/, /2024-07-12-, /20240712/. The
	// digits must stand alone, so an id such as 20250203558114 is no date.
	urlDay = regexp.MustCompile(`(?:^|[^\d])((?:19|20)\d{2})(?:[/_-]?)(0[1-9]|1[0-2])(?:[/_-]?)(0[1-9]|[12]\d|3[01])(?:[^\d]|$)`)
)

// metaDate reads the publication time a page states in its metadata: JSON-LD datePublished, a
// meta article:published_time (or og:, pubdate, date, DC.date.issued, itemprop datePublished), or
// the first <time datetime>. Times without a zone are read in loc.
func metaDate(doc *goquery.Document, loc *time.Location) (time.Time, bool) {
	var found time.Time
	doc.Find(`script[type="application/ld+json"]`).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if m := jsonLDPublished.FindStringSubmatch(s.Text()); m != nil {
			if t, ok := parseDate(m[1], "", loc); ok {
				found = t
				return false
			}
		}
		return true
	})
	if !found.IsZero() {
		return found, true
	}
	for _, sel := range []string{
		`meta[property="article:published_time"]`, `meta[name="article:published_time"]`,
		`meta[property="og:published_time"]`, `meta[itemprop="datePublished"]`, `meta[name="pubdate"]`,
		`meta[name="publishdate"]`, `meta[name="DC.date.issued"]`, `meta[name="date"]`,
	} {
		if v, ok := doc.Find(sel).First().Attr("content"); ok {
			if t, ok := parseDate(v, "", loc); ok {
				return t, true
			}
		}
	}
	for _, sel := range []string{`time[itemprop="datePublished"]`, `time[pubdate]`, `time[datetime]`} {
		if v, ok := doc.Find(sel).First().Attr("datetime"); ok {
			if t, ok := parseDate(v, "", loc); ok {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// urlDate reads a day from a URL's path, never its host or port, as midnight in loc: a fallback
// of day precision for pages that state no date. It never gives a time of day.
func urlDate(pageURL string, loc *time.Location) (time.Time, bool) {
	u, err := url.Parse(pageURL)
	if err != nil {
		return time.Time{}, false
	}
	m := urlDay.FindStringSubmatch(u.Path)
	if m == nil {
		return time.Time{}, false
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, loc)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}
