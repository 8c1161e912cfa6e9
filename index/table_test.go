package index

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/bantrack/bantrack/article"
)

// The document table must follow deletes and replacements: searches after a
// write read the new snapshot, with and without words in the query.
func TestSearchFollowsWrites(t *testing.T) {
	ix := openFilled(t)
	ctx := context.Background()
	search := func(req Request) *Result {
		t.Helper()
		req.Limit = 50
		res, err := ix.Search(ctx, req)
		if err != nil {
			t.Fatalf("Search(%+v): %v", req, err)
		}
		return res
	}
	// Read the table once before writing.
	search(Request{Facets: true})

	if err := ix.Delete(ctx, "en-lifted"); err != nil {
		t.Fatal(err)
	}
	// en-earnings now names DJI instead of Fortinet, is ban-related and older.
	a := fixtures()[1]
	a.Vendors = []string{"DJI"}
	a.Ban = article.Ban{Related: true, Actions: []string{article.ActionBan}}
	a.Published = day("2020-05-01")
	if err := ix.Put(ctx, a); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		req  Request
		want []string
	}{
		{"deleted is gone", Request{Vendors: []string{"DJI"}}, []string{"en-earnings"}},
		{"deleted is gone, with words", Request{Query: "ban fortinet", Vendors: []string{"DJI"}}, []string{"en-earnings"}},
		{"old value is gone", Request{Vendors: []string{"Fortinet"}}, []string{"en-ban"}},
		{"new ban flag", Request{BanOnly: true, Lang: "en"}, []string{"en-ban", "en-earnings", "en-micron"}},
		{"new date", Request{Until: day("2021-01-01")}, []string{"en-earnings"}},
		{"new date, with words", Request{Query: "fortinet", Since: day("2026-01-01")}, []string{"en-ban"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := sorted(ids(search(tc.req))); !slices.Equal(got, sorted(tc.want)) {
				t.Errorf("Search(%+v) = %v; want %v", tc.req, got, sorted(tc.want))
			}
		})
	}

	res := search(Request{Facets: true})
	if res.Total != 5 {
		t.Errorf("Total after delete = %d; want 5", res.Total)
	}
	for _, c := range []struct {
		facet, value string
		want         int
	}{
		{"vendors", "DJI", 1},
		{"vendors", "Fortinet", 1},
		{"agencies", "Bureau of Industry and Security", 0},
		{"actions", "ban", 2},
		{"actions", "lifted", 0},
	} {
		if got := res.Facets[c.facet][c.value]; got != c.want {
			t.Errorf("Facets[%s][%s] after writes = %d; want %d", c.facet, c.value, got, c.want)
		}
	}
	if _, ok := res.Facets["agencies"]["Bureau of Industry and Security"]; ok {
		t.Errorf("Facets[agencies] keeps a value no match has: %v", res.Facets["agencies"])
	}
}

// Each facet reports its facetSize most frequent values, ties by name.
func TestFacetsKeepMostFrequent(t *testing.T) {
	ix, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	var arts []article.Article
	// Vendor Vnn is named by nn+1 documents: V29 by 30, V00 by one; W00
	// and W01 tie with V00.
	for i := range 30 {
		for j := 0; j <= i; j++ {
			id := fmt.Sprintf("d%02d-%02d", i, j)
			arts = append(arts, article.Article{ID: id, URL: "https://news.example/" + id, Lang: "en",
				Entities: article.Entities{Vendors: []string{fmt.Sprintf("V%02d", i)}}})
		}
	}
	for _, v := range []string{"W01", "W00"} {
		arts = append(arts, article.Article{ID: v, URL: "https://news.example/" + v, Lang: "en",
			Entities: article.Entities{Vendors: []string{v}}})
	}
	if err := ix.Put(context.Background(), arts...); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), Request{Facets: true})
	if err != nil {
		t.Fatal(err)
	}
	vs := res.Facets["vendors"]
	if len(vs) != facetSize {
		t.Fatalf("len(Facets[vendors]) = %d; want %d", len(vs), facetSize)
	}
	for _, c := range []struct {
		name string
		want int
	}{{"V29", 30}, {"V06", 7}, {"V05", 6}, {"V04", 0}, {"V00", 0}, {"W00", 0}} {
		if got := vs[c.name]; got != c.want {
			t.Errorf("Facets[vendors][%s] = %d; want %d", c.name, got, c.want)
		}
	}
	if res.Facets["lang"]["en"] != len(arts) {
		t.Errorf("Facets[lang][en] = %d; want %d", res.Facets["lang"]["en"], len(arts))
	}

	// With two slots left for the three values named once, the first two
	// by name win.
	res, err = ix.Search(context.Background(), Request{Facets: true, Vendors: []string{
		"V00", "W01", "W00", "V01", "V02", "V03", "V04", "V05", "V06", "V07", "V08", "V09", "V10", "V11", "V12",
		"V13", "V14", "V15", "V16", "V17", "V18", "V19", "V20", "V21", "V22", "V23"}})
	if err != nil {
		t.Fatal(err)
	}
	vs = res.Facets["vendors"]
	if vs["V00"] != 1 || vs["W00"] != 1 || vs["W01"] != 0 || len(vs) != facetSize {
		t.Errorf("Facets[vendors] ties = V00 %d, W00 %d, W01 %d, %d values; want V00 1, W00 1, W01 0, %d values",
			vs["V00"], vs["W00"], vs["W01"], len(vs), facetSize)
	}
}

// Paging over the whole index (no words) by date keeps undated documents
// last and pages do not overlap.
func TestTableScanPaging(t *testing.T) {
	ix := openFilled(t)
	var got []string
	for off := 0; off < 6; off += 4 {
		res, err := ix.Search(context.Background(), Request{Limit: 4, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 6 {
			t.Errorf("Total = %d; want 6", res.Total)
		}
		got = append(got, ids(res)...)
	}
	want := []string{"zh-rule", "en-earnings", "en-ban", "en-lifted", "zh-micron", "en-micron"}
	if !slices.Equal(got, want) {
		t.Errorf("pages = %v; want %v", got, want)
	}
}

func TestSimplify(t *testing.T) {
	parse := func(s string) query.Query {
		q, err := query.NewQueryStringQuery(s).Parse()
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	tests := []struct {
		q    string
		want string // the type of the simplified query
	}{
		{"ban", "*query.MatchQuery"},
		{`"export controls"`, "*query.MatchPhraseQuery"},
		{"ban fortinet", "*query.BooleanQuery"},
		{"+ban", "*query.BooleanQuery"},
		{"ban -fortinet", "*query.BooleanQuery"},
	}
	for _, tc := range tests {
		if got := fmt.Sprintf("%T", simplify(parse(tc.q))); got != tc.want {
			t.Errorf("simplify(%q) is %s; want %s", tc.q, got, tc.want)
		}
	}
}

// The table holds each document's keyword values once, its date and its ban
// flag.
func TestReadTable(t *testing.T) {
	ix := openFilled(t)
	adv, err := ix.bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	snap, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	tab, err := readTable(context.Background(), snap)
	if err != nil {
		t.Fatal(err)
	}
	if got := count(tab.live); got != 6 {
		t.Errorf("live documents = %d; want 6", got)
	}
	if got := count(tab.ban); got != 4 {
		t.Errorf("ban-related documents = %d; want 4", got)
	}
	id, err := snap.InternalID("en-lifted")
	if err != nil {
		t.Fatal(err)
	}
	d, err := docNum(id)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tab.published[d], day("2025-06-02").UnixNano(); got != want {
		t.Errorf("published[en-lifted] = %d; want %d", got, want)
	}
	var got []string
	for _, v := range tab.values(d) {
		got = append(got, tableFields()[tab.fields[v]]+"="+tab.names[v])
	}
	want := []string{"vendors=DJI", "agencies=Bureau of Industry and Security", "countries=China", "countries=United States",
		"source=newswire", "actions=lifted", "lang=en", "targets=DJI"}
	if !slices.Equal(sorted(got), sorted(want)) {
		t.Errorf("values of en-lifted = %v; want %v", sorted(got), sorted(want))
	}
	id, err = snap.InternalID("en-micron")
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := docNum(id); tab.published[d] != noDate {
		t.Errorf("published[en-micron] = %d; want none", tab.published[d])
	}
	if tab.memory() <= 0 {
		t.Errorf("memory() = %d; want > 0", tab.memory())
	}
}

// A keyword filter joins the words' query in bleve only when it matches a
// small part of the documents; the table checks it either way.
func TestJoinSelective(t *testing.T) {
	ix, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	var arts []article.Article
	for i := range 40 {
		id := fmt.Sprintf("d%02d", i)
		vendors := []string{"Common"}
		if i == 7 {
			vendors = append(vendors, "Rare")
		}
		arts = append(arts, article.Article{ID: id, URL: "https://news.example/" + id, Lang: "en", Title: "ban news",
			Entities: article.Entities{Vendors: vendors}})
	}
	ctx := context.Background()
	if err := ix.Put(ctx, arts...); err != nil {
		t.Fatal(err)
	}
	adv, err := ix.bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	snap, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	tab, err := ix.table(ctx, snap)
	if err != nil {
		t.Fatal(err)
	}
	an := ix.bi.Mapping().AnalyzerNamed(textAnalyzer)
	tests := []struct {
		vendor  string
		want    string // the type of the query run
		wantIDs []string
	}{
		{"Rare", "*query.ConjunctionQuery", []string{"d07"}},
		{"Common", "*query.MatchQuery", nil},
		{"Nobody", "*query.ConjunctionQuery", []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.vendor, func(t *testing.T) {
			req := Request{Query: "ban", Vendors: []string{tc.vendor}, Limit: 50}
			p, err := buildPlan(req, an, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprintf("%T", joinSelective(p, tab)); got != tc.want {
				t.Errorf("joinSelective(%s) is %s; want %s", tc.vendor, got, tc.want)
			}
			res, err := ix.Search(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			want := len(arts)
			if tc.wantIDs != nil {
				want = len(tc.wantIDs)
				if got := ids(res); !slices.Equal(got, tc.wantIDs) {
					t.Errorf("Search(ban, vendor %s) = %v; want %v", tc.vendor, got, tc.wantIDs)
				}
			}
			if int(res.Total) != want {
				t.Errorf("Search(ban, vendor %s).Total = %d; want %d", tc.vendor, res.Total, want)
			}
		})
	}
}

// count returns how many bits of s are set.
func count(s []uint64) int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// A closed index answers searches with an error, as bleve does.
func TestSearchClosed(t *testing.T) {
	ix := openFilled(t)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	for _, req := range []Request{{Query: "ban"}, {Facets: true}} {
		if _, err := ix.Search(context.Background(), req); !errors.Is(err, bleve.ErrorIndexClosed) {
			t.Errorf("Search(%+v) on a closed index: %v; want %v", req, err, bleve.ErrorIndexClosed)
		}
	}
}
