package web

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestParseQuery(t *testing.T) {
	ok := map[string]func(Query) bool{
		"":           func(q Query) bool { return q.Empty() && q.Limit == defaultPageLimit && q.Sort == "relevance" },
		"q=+huawei+": func(q Query) bool { return q.Text == "huawei" },
		"vendor=华为&vendor=micron&vendor=华为": func(q Query) bool { return strings.Join(q.Vendors, "|") == "华为|micron" },
		"vendor=&lang=&since=&ban=":         func(q Query) bool { return q.Empty() },
		"ban=1&sort=date&limit=100&offset=5000": func(q Query) bool {
			return q.BanOnly && q.Sort == "date" && q.Limit == MaxLimit && q.Offset == MaxOffset
		},
		"since=2024-01-02&until=2024-01-02": func(q Query) bool {
			return q.Since.Equal(time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)) && q.Until.Equal(time.Date(2024, 1, 3, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond))
		},
		"until=2024-01-02T10:00:00Z": func(q Query) bool { return q.Until.Equal(time.Date(2024, 1, 2, 10, 0, 0, 0, time.UTC)) },
	}
	for raw, check := range ok {
		v, err := url.ParseQuery(raw)
		if err != nil {
			t.Fatal(err)
		}
		q, err := parseQuery(v, defaultPageLimit)
		if err != nil {
			t.Errorf("parseQuery(%q): %v", raw, err)
			continue
		}
		if !check(q) {
			t.Errorf("parseQuery(%q) = %+v", raw, q)
		}
	}
	bad := []string{"limit=0", "limit=101", "limit=1.5", "offset=-1", "offset=5001", "lang=de", "sort=random", "ban=2",
		"since=2024-13-01", "since=2024-02-01&until=2024-01-01", "page=2", "q=a&q=b", "q=" + strings.Repeat("x", MaxQueryBytes+1),
		"vendor=" + strings.Repeat("v", 201), strings.Repeat("vendor=a&", maxValues+1)}
	for _, raw := range bad {
		v, _ := url.ParseQuery(raw)
		if _, err := parseQuery(v, defaultPageLimit); !errors.Is(err, ErrInvalid) {
			t.Errorf("parseQuery(%.40q) = %v; want ErrInvalid", raw, err)
		}
	}
}

// A search written two ways is one feed: its id depends on what is searched, not on the order of
// the parameters or on paging.
func TestFeedIDStable(t *testing.T) {
	parse := func(raw string) Query {
		v, _ := url.ParseQuery(raw)
		q, err := parseQuery(v, defaultFeedLimit)
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	a := parse("q=huawei&vendor=ZTE&ban=1&since=2024-01-01")
	b := parse("since=2024-01-01&ban=1&vendor=ZTE&q=huawei&limit=20&offset=40")
	if feedID(a) != feedID(b) {
		t.Errorf("feed ids %s and %s differ for one search", feedID(a), feedID(b))
	}
	if c := parse("q=huawei&vendor=ZTE"); feedID(c) == feedID(a) {
		t.Errorf("feed id %s is shared by different searches", feedID(c))
	}
	// The canonical form reads back as the same query.
	back := parse(a.values(false).Encode())
	if feedID(back) != feedID(a) || back.Since != a.Since || !back.BanOnly {
		t.Errorf("%s reads back as %+v", a.values(false).Encode(), back)
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:8080": true, "[::1]:80": true, "localhost:1": true,
		":8080": false, "0.0.0.0:8080": false, "192.168.1.2:80": false, "example.org:80": false, "nonsense": false} {
		if got := IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v; want %v", addr, got, want)
		}
	}
}
