package index

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bantrack/bantrack/article"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixtures are a small mixed corpus: ban news in English and Chinese, and
// unrelated documents naming the same vendors and agencies.
func fixtures() []article.Article {
	return []article.Article{
		{
			ID: "en-ban", URL: "https://news.example/china-bans-security-software", Source: "newswire", Lang: "en",
			Title:     "China tells firms to stop using US and Israeli cybersecurity software",
			Published: day("2026-01-14"), Fetched: day("2026-01-15"),
			Text: "Chinese authorities have banned domestic companies from using cybersecurity software made by about a dozen US and Israeli firms. " +
				"The notice named VMware, owned by Broadcom, as well as Palo Alto Networks, Fortinet and Check Point. " +
				"The Cyberspace Administration of China did not respond to a request for comment.",
			Entities: article.Entities{
				Vendors:   []string{"VMware", "Broadcom", "Palo Alto Networks", "Fortinet", "Check Point Software Technologies"},
				Agencies:  []string{"Cyberspace Administration of China"},
				Countries: []string{"China", "United States", "Israel"},
				Dates:     []article.DateMention{{Text: "Jan. 14, 2026", Date: "2026-01-14", Precision: article.PrecisionDay}},
				Ban: article.Ban{Related: true, Score: 0.93, Actions: []string{article.ActionBan},
					Targets:  []string{"VMware", "Palo Alto Networks", "Fortinet", "Check Point Software Technologies"},
					Evidence: []string{"Chinese authorities have banned domestic companies from using cybersecurity software"}},
			},
			Status: article.StatusOK,
		},
		{
			ID: "en-earnings", URL: "https://news.example/fortinet-earnings", Source: "newswire", Lang: "en",
			Title:     "Fortinet beats quarterly revenue estimates",
			Published: day("2026-02-05"),
			Text:      "Fortinet reported revenue above analysts' expectations on Thursday, helped by demand for its firewalls.",
			Entities: article.Entities{
				Vendors:   []string{"Fortinet"},
				Countries: []string{"United States"},
			},
			Status: article.StatusOK,
		},
		{
			ID: "zh-micron", URL: "https://cac.example/2023-03/31/c_1.htm", Source: "cac-wxfb", Lang: "zh",
			Title:     "关于对美光公司在华销售产品启动网络安全审查的公告",
			Published: day("2023-03-31"),
			Text: "为保障关键信息基础设施供应链安全，防范产品问题隐患造成网络安全风险，维护国家安全，" +
				"依据《中华人民共和国国家安全法》《中华人民共和国网络安全法》，网络安全审查办公室按照《网络安全审查办法》，" +
				"对美光公司（Micron）在华销售的产品实施网络安全审查。２０２３年３月３１日",
			Entities: article.Entities{
				Vendors:   []string{"Micron Technology"},
				Agencies:  []string{"Cyberspace Administration of China"},
				Countries: []string{"China", "United States"},
				Ban: article.Ban{Related: true, Score: 0.88, Actions: []string{article.ActionReview},
					Targets: []string{"Micron Technology"}},
			},
			Status: article.StatusOK,
		},
		{
			ID: "zh-rule", URL: "https://cac.example/2026-09/18/c_2.htm", Source: "cac-wxfb", Lang: "zh",
			Title:     "国家网信办发布《个人信息出境认证办法》",
			Published: day("2026-09-18"),
			Text:      "为了规范个人信息出境认证工作，保护个人信息权益，促进个人信息依法有序自由流动，根据《中华人民共和国网络安全法》制定本办法。",
			Entities: article.Entities{
				Agencies:  []string{"Cyberspace Administration of China"},
				Countries: []string{"China"},
			},
			Status: article.StatusOK,
		},
		{
			ID: "en-lifted", URL: "https://news.example/us-lifts-ban", Source: "newswire", Lang: "en",
			Title:     "US lifts ban on sales to Chinese drone maker",
			Published: day("2025-06-02"),
			Text:      "The Commerce Department lifted a ban that had stopped US suppliers from selling components to DJI.",
			Entities: article.Entities{
				Vendors:   []string{"DJI"},
				Agencies:  []string{"Bureau of Industry and Security"},
				Countries: []string{"United States", "China"},
				Ban: article.Ban{Related: true, Score: 0.7, Actions: []string{article.ActionLifted},
					Targets: []string{"DJI"}},
			},
			Status: article.StatusOK,
		},
		{
			ID: "en-micron", URL: "https://news.example/micron-china-sales", Source: "reuters", Lang: "en",
			Title:   "Micron says China review could hit sales",
			Summary: "The memory chip maker warned that a Chinese security review may cut revenue.",
			Entities: article.Entities{
				Vendors:   []string{"Micron Technology"},
				Countries: []string{"China"},
				Ban:       article.Ban{Related: true, Score: 0.6, Actions: []string{article.ActionReview}, Targets: []string{"Micron Technology"}},
			},
			Status: article.StatusPartial,
		},
	}
}

func openFilled(t *testing.T) *Index {
	t.Helper()
	ix, err := Open(t.TempDir())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.Put(context.Background(), fixtures()...); err != nil {
		t.Fatalf("Put: %v", err)
	}
	return ix
}

func ids(res *Result) []string {
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

func TestSearchQuery(t *testing.T) {
	ix := openFilled(t)
	tests := []struct {
		name, query string
		want        []string
	}{
		{"stemmed English", "banned", []string{"en-ban", "en-lifted"}},
		{"stem of a title word", "bans", []string{"en-ban", "en-lifted"}},
		{"word", "fortinet", []string{"en-ban", "en-earnings"}},
		{"must and must not", "+ban -lifted", []string{"en-ban"}},
		{"phrase", `"Palo Alto"`, []string{"en-ban"}},
		{"phrase in order only", `"Alto Palo"`, nil},
		{"three-word phrase", `"Palo Alto Networks"`, []string{"en-ban"}},
		{"phrase across a stop word", `"Cyberspace Administration of China"`, []string{"en-ban"}},
		{"phrase words apart", `"Palo Networks"`, nil},
		{"title phrase", `title:"drone maker"`, []string{"en-lifted"}},
		{"keyword field", "vendors:Fortinet", []string{"en-ban", "en-earnings"}},
		{"keyword field phrase", `vendors:"Micron Technology"`, []string{"en-micron", "zh-micron"}},
		{"title field", "title:drone", []string{"en-lifted"}},
		{"summary is searched", "memory", []string{"en-micron"}},
		{"Chinese phrase", "网络安全审查", []string{"zh-micron"}},
		{"Chinese name", "美光", []string{"zh-micron"}},
		{"quoted Chinese phrase", `"网络安全审查"`, []string{"zh-micron"}},
		{"part of a Chinese word", "网络安全审", []string{"zh-micron"}},
		{"Chinese characters out of order", "审查安全", nil},
		{"Chinese word in two documents", "网络安全法", []string{"zh-micron", "zh-rule"}},
		{"Latin word inside Chinese text", "micron", []string{"en-micron", "zh-micron"}},
		{"nothing", "huawei", nil},
		{"full-width query", "ｆｏｒｔｉｎｅｔ", []string{"en-ban", "en-earnings"}},
		{"full-width digits in text", "2023", []string{"zh-micron"}},
		{"score range", "ban_score:>0.8", []string{"en-ban", "zh-micron"}},
		{"date range", `+published:>"2026-01-01" +ban`, []string{"en-ban"}},
		{"fetch day", `fetched:>="2026-01-15" fetched:<"2026-01-16"`, []string{"en-ban"}},
		{"score above, exclusive", "ban_score:>0.88", []string{"en-ban"}},
		{"score from, inclusive", "ban_score:>=0.88", []string{"en-ban", "zh-micron"}},
		{"score bound between hundredths", "ban_score:>=0.875", []string{"en-ban", "zh-micron"}},
		{"score below", "+ban_score:<0.7 +ban_score:>0", []string{"en-micron"}},
		{"score equal", "ban_score:0.7", []string{"en-lifted"}},
		{"fetched after a time that day", `fetched:>"2026-01-15T10:00:00Z"`, nil},
		{"fetched up to a time that day", `fetched:<="2026-01-15T10:00:00Z"`, []string{"en-ban"}},
		{"fetched before the day", `fetched:<"2026-01-15"`, nil},
		{"fetched on the day, quoted", `fetched:"2026-01-15"`, []string{"en-ban"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ix.Search(context.Background(), Request{Query: tc.query, Limit: 50})
			if err != nil {
				t.Fatalf("Search(%q): %v", tc.query, err)
			}
			if got := sorted(ids(res)); !slices.Equal(got, sorted(tc.want)) {
				t.Errorf("Search(%q) = %v; want %v", tc.query, got, tc.want)
			}
			if res.Total != uint64(len(tc.want)) {
				t.Errorf("Search(%q).Total = %d; want %d", tc.query, res.Total, len(tc.want))
			}
		})
	}
}

func TestSearchFilters(t *testing.T) {
	ix := openFilled(t)
	tests := []struct {
		name string
		req  Request
		want []string
	}{
		{"one vendor", Request{Vendors: []string{"Fortinet"}}, []string{"en-ban", "en-earnings"}},
		{"vendors are OR", Request{Vendors: []string{"Fortinet", "DJI"}}, []string{"en-ban", "en-earnings", "en-lifted"}},
		{"kinds are AND", Request{Vendors: []string{"Micron Technology"}, Lang: "zh"}, []string{"zh-micron"}},
		{"agency", Request{Agencies: []string{"Cyberspace Administration of China"}}, []string{"en-ban", "zh-micron", "zh-rule"}},
		{"country", Request{Countries: []string{"Israel"}}, []string{"en-ban"}},
		{"source", Request{Sources: []string{"cac-wxfb", "reuters"}}, []string{"zh-micron", "zh-rule", "en-micron"}},
		{"target", Request{Targets: []string{"Fortinet"}}, []string{"en-ban"}},
		{"ban only", Request{BanOnly: true}, []string{"en-ban", "zh-micron", "en-lifted", "en-micron"}},
		{"since", Request{Since: day("2026-01-14")}, []string{"en-ban", "en-earnings", "zh-rule"}},
		{"until is inclusive", Request{Until: day("2025-06-02")}, []string{"zh-micron", "en-lifted"}},
		{"range", Request{Since: day("2025-01-01"), Until: day("2026-01-31")}, []string{"en-ban", "en-lifted"}},
		{"query and filters", Request{Query: "ban", BanOnly: true, Since: day("2026-01-01")}, []string{"en-ban"}},
		{"query and vendor", Request{Query: "fortinet", Vendors: []string{"Fortinet"}, Lang: "en", BanOnly: true}, []string{"en-ban"}},
		{"unknown vendor", Request{Vendors: []string{"fortinet"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.Limit = 50
			res, err := ix.Search(context.Background(), tc.req)
			if err != nil {
				t.Fatalf("Search(%+v): %v", tc.req, err)
			}
			if got := sorted(ids(res)); !slices.Equal(got, sorted(tc.want)) {
				t.Errorf("Search(%+v) = %v; want %v", tc.req, got, sorted(tc.want))
			}
		})
	}
}

func TestSearchExpand(t *testing.T) {
	ix := openFilled(t)
	req := Request{Query: "美光", Expand: map[string][]string{"美光": {"Micron Technology"}}}
	res, err := ix.Search(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sorted(ids(res)), []string{"en-micron", "zh-micron"}; !slices.Equal(got, want) {
		t.Errorf("Search(美光, expanded) = %v; want %v", got, want)
	}
	// Expansion applies to the word only: a required second word still applies.
	req = Request{Query: "+美光 +revenue", Expand: map[string][]string{"美光": {"Micron Technology"}}}
	res, err = ix.Search(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(res), []string{"en-micron"}; !slices.Equal(got, want) {
		t.Errorf("Search(+美光 +revenue, expanded) = %v; want %v", got, want)
	}
}

func TestQueryWords(t *testing.T) {
	tests := []struct {
		query string
		want  []string
	}{
		{"美光 ban", []string{"美光", "ban"}},
		{`+"Palo Alto" -lifted vendors:Fortinet`, []string{"Palo Alto", "lifted"}},
		{"cac cac", []string{"cac"}},
		{"", nil},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			if got := QueryWords(tc.query); !slices.Equal(got, tc.want) {
				t.Errorf("QueryWords(%q) = %q; want %q", tc.query, got, tc.want)
			}
		})
	}
}

func TestSearchSortAndPaging(t *testing.T) {
	ix := openFilled(t)
	res, err := ix.Search(context.Background(), Request{Sort: SortDate, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"zh-rule", "en-earnings", "en-ban", "en-lifted", "zh-micron", "en-micron"}
	if got := ids(res); !slices.Equal(got, want) {
		t.Errorf("Search(sort date) = %v; want %v", got, want)
	}
	res, err = ix.Search(context.Background(), Request{Sort: SortDate, Limit: 2, Offset: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); !slices.Equal(got, want[2:4]) {
		t.Errorf("Search(sort date, offset 2, limit 2) = %v; want %v", got, want[2:4])
	}
	if res.Total != 6 {
		t.Errorf("Total = %d; want 6", res.Total)
	}
	// With no words there is nothing to rank: newest first.
	res, err = ix.Search(context.Background(), Request{BanOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(res), []string{"en-ban", "en-lifted", "zh-micron", "en-micron"}; !slices.Equal(got, want) {
		t.Errorf("Search(ban only, no words) = %v; want %v", got, want)
	}
	if _, err := ix.Search(context.Background(), Request{Sort: "size"}); err == nil {
		t.Error("Search(sort size) succeeded; want an error")
	}
	if _, err := ix.Search(context.Background(), Request{Query: `"unclosed`}); err == nil {
		t.Error("Search(\"unclosed) succeeded; want a parse error")
	}
}

func TestSearchFacets(t *testing.T) {
	ix := openFilled(t)
	res, err := ix.Search(context.Background(), Request{Facets: true, Countries: []string{"China"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		facet, value string
		want         int
	}{
		{"vendors", "Fortinet", 1},
		{"vendors", "Micron Technology", 2},
		{"agencies", "Cyberspace Administration of China", 3},
		{"countries", "China", 5},
		{"countries", "United States", 3},
		{"sources", "cac-wxfb", 2},
		{"sources", "newswire", 2},
		{"actions", "review", 2},
		{"lang", "zh", 2},
		{"lang", "en", 3},
	}
	for _, tc := range tests {
		if got := res.Facets[tc.facet][tc.value]; got != tc.want {
			t.Errorf("Facets[%s][%s] = %d; want %d", tc.facet, tc.value, got, tc.want)
		}
	}
	res, err = ix.Search(context.Background(), Request{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Facets != nil {
		t.Errorf("Facets without asking = %v; want nil", res.Facets)
	}
}

func TestSearchSnippet(t *testing.T) {
	ix := openFilled(t)
	tests := []struct {
		name      string
		req       Request
		id        string
		wantMarks []string
		noMarks   bool
	}{
		{"English stem", Request{Query: "banned", Highlight: true}, "en-ban", []string{"banned"}, false},
		{"two words", Request{Query: "fortinet vmware", Highlight: true}, "en-ban", []string{"VMware", "Fortinet"}, false},
		{"phrase", Request{Query: `"Palo Alto Networks"`, Highlight: true}, "en-ban", []string{"Palo Alto Networks"}, false},
		{"Chinese", Request{Query: "网络安全审查", Highlight: true}, "zh-micron", []string{"网络安全审查"}, false},
		{"no highlight", Request{Query: "banned"}, "en-ban", nil, true},
		{"match all", Request{Vendors: []string{"DJI"}, Highlight: true}, "en-lifted", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ix.Search(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			var snip string
			for _, h := range res.Hits {
				if h.ID == tc.id {
					snip = h.Snippet
				}
			}
			if snip == "" {
				t.Fatalf("no snippet for %s in %v", tc.id, ids(res))
			}
			if strings.ContainsAny(snip, "\n\t") {
				t.Errorf("snippet %q spans lines", snip)
			}
			if tc.noMarks && strings.ContainsAny(snip, HighlightStart+HighlightEnd) {
				t.Errorf("snippet %q has markers; want none", snip)
			}
			for _, w := range tc.wantMarks {
				if !strings.Contains(snip, HighlightStart+w+HighlightEnd) {
					t.Errorf("snippet %q does not mark %q", snip, w)
				}
			}
			if len(snip) > snippetBytes+80 {
				t.Errorf("snippet is %d bytes; want about %d", len(snip), snippetBytes)
			}
		})
	}
}

func TestRenderSnippet(t *testing.T) {
	s := "a " + HighlightStart + "ban" + HighlightEnd + " on"
	tests := []struct {
		color bool
		want  string
	}{
		{false, "a ban on"},
		{true, "a \x1b[1;33mban\x1b[0m on"},
	}
	for _, tc := range tests {
		if got := RenderSnippet(s, tc.color); got != tc.want {
			t.Errorf("RenderSnippet(%q, %v) = %q; want %q", s, tc.color, got, tc.want)
		}
	}
	if got, want := ReplaceMarkers(s, "«", "»"), "a «ban» on"; got != want {
		t.Errorf("ReplaceMarkers = %q; want %q", got, want)
	}
}

func TestPutIdempotent(t *testing.T) {
	ix := openFilled(t)
	arts := fixtures()
	if err := ix.Put(context.Background(), arts...); err != nil {
		t.Fatal(err)
	}
	n, err := ix.Count()
	if err != nil {
		t.Fatal(err)
	}
	if n != uint64(len(arts)) {
		t.Errorf("Count after putting twice = %d; want %d", n, len(arts))
	}
	// A changed document replaces the old one, in the index too.
	changed := arts[1]
	changed.Text = "Fortinet shares fell after the results."
	if err := ix.Put(context.Background(), changed); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), Request{Query: "firewalls"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 0 {
		t.Errorf("Search(old word) = %v; want nothing", ids(res))
	}
	if err := ix.Put(context.Background(), article.Article{URL: "https://x.example/"}); err == nil {
		t.Error("Put(article without id) succeeded; want an error")
	}
	if err := ix.Delete(context.Background(), changed.ID, "unknown"); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Get(changed.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(deleted) error = %v; want ErrNotFound", err)
	}
	if n, _ := ix.Count(); n != uint64(len(arts)-1) {
		t.Errorf("Count after Delete = %d; want %d", n, len(arts)-1)
	}
}

func TestGetRoundTrip(t *testing.T) {
	ix := openFilled(t)
	for _, want := range fixtures() {
		got, err := ix.Get(want.ID)
		if err != nil {
			t.Fatalf("Get(%s): %v", want.ID, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Get(%s) = %+v; want %+v", want.ID, got, want)
		}
		byURL, err := ix.GetByURL(context.Background(), want.URL)
		if err != nil || byURL.ID != want.ID {
			t.Errorf("GetByURL(%s) = %s, %v; want %s", want.URL, byURL.ID, err, want.ID)
		}
	}
	if _, err := ix.Get("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(nope) error = %v; want ErrNotFound", err)
	}
	if _, err := ix.GetByURL(context.Background(), "https://nope.example/"); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetByURL(nope) error = %v; want ErrNotFound", err)
	}
}

func TestGetKeepsZone(t *testing.T) {
	ix, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	shanghai := time.FixedZone("CST", 8*3600)
	a := article.Article{ID: "z", URL: "https://cac.example/z", Published: time.Date(2023, 5, 21, 10, 30, 0, 0, shanghai)}
	if err := ix.Put(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	got, err := ix.Get("z")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Published.Equal(a.Published) || got.Published.Format(time.RFC3339) != "2023-05-21T10:30:00+08:00" {
		t.Errorf("Published = %s; want 2023-05-21T10:30:00+08:00", got.Published.Format(time.RFC3339))
	}
}

func TestAllOrder(t *testing.T) {
	ix, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	// More than one page, put in no order.
	var arts []article.Article
	for i := range allPage + 37 {
		id := article.NewID("https://news.example/" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + time.Duration(i).String())
		arts = append(arts, article.Article{ID: id, URL: "u" + id, Title: "t"})
	}
	if err := ix.Put(context.Background(), arts...); err != nil {
		t.Fatal(err)
	}
	var got []string
	err = ix.All(context.Background(), func(a article.Article) error {
		got = append(got, a.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := make([]string, len(arts))
	for i, a := range arts {
		want[i] = a.ID
	}
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("All gave %d ids (first %v); want %d in id order", len(got), got[:min(3, len(got))], len(want))
	}
	stop := errors.New("stop")
	n := 0
	err = ix.All(context.Background(), func(article.Article) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("All with failing fn = %v after %d calls; want stop after 1", err, n)
	}
}

// writeFixtures makes an index at path holding the fixtures, closed.
func writeFixtures(t *testing.T, path string) {
	t.Helper()
	ix, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(context.Background(), fixtures()...); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestReopen(t *testing.T) {
	dir := t.TempDir()
	writeFixtures(t, dir)
	ix, err := OpenExisting(dir, true)
	if err != nil {
		t.Fatalf("OpenExisting: %v", err)
	}
	defer ix.Close()
	n, err := ix.Count()
	if err != nil || n != uint64(len(fixtures())) {
		t.Errorf("Count after reopening = %d, %v; want %d", n, err, len(fixtures()))
	}
	res, err := ix.Search(context.Background(), Request{Query: "美光"})
	if err != nil || res.Total != 1 {
		t.Errorf("Search(美光) after reopening = %v, %v; want 1 hit", res, err)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Run("missing", func(t *testing.T) {
		_, err := OpenExisting(t.TempDir()+"/none", false)
		if !errors.Is(err, ErrNoIndex) {
			t.Errorf("OpenExisting(missing) error = %v; want ErrNoIndex", err)
		}
	})
	t.Run("newer mapping", func(t *testing.T) {
		dir := t.TempDir()
		ix, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := ix.bi.SetInternal([]byte(keyMappingVersion), []byte("99")); err != nil {
			t.Fatal(err)
		}
		ix.Close()
		_, err = Open(dir)
		if !errors.Is(err, ErrMappingVersion) {
			t.Fatalf("Open(newer) error = %v; want ErrMappingVersion", err)
		}
		if !strings.Contains(err.Error(), "99") {
			t.Errorf("error %q does not name the version", err)
		}
	})
	t.Run("locked", func(t *testing.T) {
		dir := t.TempDir()
		ix, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		_, err = Open(dir)
		if !errors.Is(err, ErrLocked) {
			t.Errorf("second Open error = %v; want ErrLocked", err)
		}
	})
}

func TestPutMany(t *testing.T) {
	ix, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var arts []article.Article
	for i := range 2*putBatchSize + 5 {
		id := article.NewID("https://many.example/" + strconv.Itoa(i))
		arts = append(arts, article.Article{ID: id, URL: "https://many.example/" + strconv.Itoa(i), Title: "export controls " + strconv.Itoa(i)})
	}
	if err := ix.Put(context.Background(), arts...); err != nil {
		t.Fatal(err)
	}
	if n, err := ix.Count(); err != nil || n != uint64(len(arts)) {
		t.Errorf("Count = %d, %v; want %d", n, err, len(arts))
	}
	bad := slices.Clone(arts)
	bad[len(bad)-1].ID = ""
	if err := ix.Put(context.Background(), bad...); err == nil {
		t.Error("Put with an article without id succeeded; want an error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := ix.Put(ctx, arts...); !errors.Is(err, context.Canceled) {
		t.Errorf("Put(cancelled) error = %v; want context.Canceled", err)
	}
}

// Filters must not change the order of hits nor their scores much.
func TestFiltersKeepRanking(t *testing.T) {
	ix := openFilled(t)
	ctx := context.Background()
	plain, err := ix.Search(ctx, Request{Query: "ban fortinet"})
	if err != nil {
		t.Fatal(err)
	}
	filtered, err := ix.Search(ctx, Request{Query: "ban fortinet", Countries: []string{"United States"}, Since: day("2020-01-01")})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, h := range plain.Hits {
		if h.ID != "zh-micron" && h.ID != "en-micron" { // not from the US or undated
			want = append(want, h.ID)
		}
	}
	if got := ids(filtered); !slices.Equal(got, want) {
		t.Errorf("filtered order = %v; want %v", got, want)
	}
	for _, h := range filtered.Hits {
		if h.Score <= 0 || h.Score != h.Score {
			t.Errorf("hit %s score = %v; want a positive number", h.ID, h.Score)
		}
	}
	// A query of exclusions only, with a filter, still scores.
	res, err := ix.Search(ctx, Request{Query: "-lifted", BanOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sorted(ids(res)), []string{"en-ban", "en-micron", "zh-micron"}; !slices.Equal(got, want) {
		t.Errorf("Search(-lifted, ban only) = %v; want %v", got, want)
	}
	for _, h := range res.Hits {
		if h.Score != h.Score {
			t.Errorf("hit %s score is NaN", h.ID)
		}
	}
}

func TestFacetsAfterWrite(t *testing.T) {
	ix := openFilled(t)
	ctx := context.Background()
	if _, err := ix.Search(ctx, Request{Facets: true}); err != nil {
		t.Fatal(err)
	}
	a := article.Article{ID: "new", URL: "https://news.example/new", Source: "newswire", Lang: "en", Title: "Kaspersky banned",
		Entities: article.Entities{Vendors: []string{"Kaspersky"}}}
	if err := ix.Put(ctx, a); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(ctx, Request{Facets: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Facets["vendors"]["Kaspersky"]; got != 1 {
		t.Errorf("Facets[vendors][Kaspersky] after Put = %d; want 1", got)
	}
	if got := res.Facets["sources"]["newswire"]; got != 4 {
		t.Errorf("Facets[sources][newswire] after Put = %d; want 4", got)
	}
}

func TestDiskSize(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "store"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, size := range map[string]int{"a": 10, "store/b": 32} {
		if err := os.WriteFile(filepath.Join(dir, name), make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := DiskSize(dir); err != nil || n != 42 {
		t.Errorf("DiskSize = %d, %v; want 42", n, err)
	}
	if _, err := DiskSize(filepath.Join(dir, "missing")); err == nil {
		t.Error("DiskSize of a missing path: no error")
	}
}
