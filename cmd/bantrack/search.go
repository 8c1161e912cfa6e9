package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bantrack/bantrack/extract"
	"github.com/bantrack/bantrack/index"
)

func runSearch(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet("search")
	var vendors, agencies, countries, sources multiFlag
	fs.Var(&vendors, "vendor", "only documents naming this vendor (any alias, repeatable)")
	fs.Var(&agencies, "agency", "only documents naming this agency (any alias, repeatable)")
	fs.Var(&countries, "country", "only documents naming this country (repeatable)")
	fs.Var(&sources, "source", "only documents from this source (repeatable)")
	lang := fs.String("lang", "", "en or zh")
	since := fs.String("since", "", "published on or after DATE")
	until := fs.String("until", "", "published before the end of DATE")
	ban := fs.Bool("ban", false, "only ban-related documents")
	sortBy := fs.String("sort", "relevance", "relevance or date")
	limit := fs.Int("limit", 10, "hits to show")
	offset := fs.Int("offset", 0, "hits to skip")
	facets := fs.Bool("facets", false, "show counts by vendor, agency, country and source")
	asJSON := fs.Bool("json", false, "print one JSON object")
	rest, err := parseInterspersed(fs, args, false)
	if err != nil {
		return err
	}
	req := index.Request{
		Query: strings.Join(rest, " "), Sources: sources, Lang: *lang, BanOnly: *ban,
		Sort: *sortBy, Limit: *limit, Offset: *offset, Facets: *facets || *asJSON, Highlight: true,
	}
	if req.Sort != "relevance" && req.Sort != "date" {
		return usageErrorf("--sort %q: want relevance or date", req.Sort)
	}
	if *lang != "" && *lang != "en" && *lang != "zh" {
		return usageErrorf("--lang %q: want en or zh", *lang)
	}
	if *limit < 1 {
		return usageErrorf("--limit %d: want 1 or more", *limit)
	}
	if req.Since, err = parseDate("since", *since); err != nil {
		return err
	}
	if req.Until, err = parseDate("until", *until); err != nil {
		return err
	}
	if *until != "" && len(*until) == len("2006-01-02") {
		req.Until = req.Until.Add(24*time.Hour - time.Nanosecond)
	}
	g := extract.Default()
	req.Vendors = resolveNames(g, "vendor", vendors)
	req.Agencies = resolveNames(g, "agency", agencies)
	req.Countries = resolveNames(g, "country", countries)
	req.Expand = expandQuery(g, req.Query)
	if req.Query == "" && len(vendors)+len(agencies)+len(countries)+len(sources) == 0 && *lang == "" && !*ban && *since == "" && *until == "" {
		return usageErrorf("search needs a QUERY or at least one filter, e.g. bantrack search fortinet")
	}

	ix, err := a.openIndex(ctx)
	if err != nil {
		return err
	}
	defer ix.Close()
	res, err := ix.Search(ctx, req)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if *asJSON {
		return writeSearchJSON(a.stdout, res)
	}
	writeSearchText(a.stdout, res, req, *facets, isTerminal(a.stdout))
	return nil
}

// resolveNames maps each name, in any alias or language, to its canonical English name and those
// of the entities under it (--vendor Broadcom also finds VMware; --agency CAC its Cybersecurity
// Review Office). Names the gazetteer does not know are kept as given.
func resolveNames(g *extract.Gazetteer, kind string, names []string) []string {
	var out []string
	for _, n := range names {
		family, ok := g.Family(kind, n)
		if !ok {
			family = []string{n}
		}
		for _, c := range family {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// expandQuery maps each query word that names a known vendor, agency or country (in any alias or
// language) to its canonical name, so that 美光 also finds English articles about Micron Technology.
func expandQuery(g *extract.Gazetteer, q string) map[string][]string {
	exp := map[string][]string{}
	for _, w := range index.QueryWords(q) {
		for _, kind := range []string{"vendor", "agency", "country"} {
			if c, ok := g.Resolve(kind, w); ok {
				exp[w] = append(exp[w], c)
			}
		}
	}
	if len(exp) == 0 {
		return nil
	}
	return exp
}

type jsonHit struct {
	ID        string   `json:"id"`
	URL       string   `json:"url"`
	Title     string   `json:"title"`
	Published string   `json:"published,omitempty"`
	Source    string   `json:"source"`
	Score     float64  `json:"score"`
	Vendors   []string `json:"vendors"`
	Agencies  []string `json:"agencies"`
	Snippet   string   `json:"snippet"`
}

func writeSearchJSON(w io.Writer, res *index.Result) error {
	out := struct {
		Total  uint64                    `json:"total"`
		TookMS float64                   `json:"took_ms"`
		Hits   []jsonHit                 `json:"hits"`
		Facets map[string]map[string]int `json:"facets"`
	}{Total: res.Total, TookMS: float64(res.Took.Microseconds()) / 1000, Hits: []jsonHit{}, Facets: res.Facets}
	if out.Facets == nil {
		out.Facets = map[string]map[string]int{}
	}
	for _, h := range res.Hits {
		jh := jsonHit{ID: h.ID, URL: h.URL, Title: h.Title, Source: h.Source, Score: h.Score,
			Vendors: nonNil(h.Vendors), Agencies: nonNil(h.Agencies), Snippet: index.RenderSnippet(h.Snippet, false)}
		if !h.Published.IsZero() {
			jh.Published = h.Published.Format(time.RFC3339)
		}
		out.Hits = append(out.Hits, jh)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func writeSearchText(w io.Writer, res *index.Result, req index.Request, facets, color bool) {
	fmt.Fprintf(w, "%d documents (%.1f ms)\n", res.Total, float64(res.Took.Microseconds())/1000)
	for i, h := range res.Hits {
		fmt.Fprintf(w, "\n%d. %s\n", req.Offset+i+1, h.Title)
		date := "date unknown"
		if !h.Published.IsZero() {
			date = h.Published.Format("2006-01-02")
		}
		fmt.Fprintf(w, "   %s · %s · score %.2f · id %s\n", date, h.Source, h.Score, h.ID)
		if len(h.Vendors) > 0 {
			fmt.Fprintf(w, "   vendors: %s\n", strings.Join(h.Vendors, ", "))
		}
		if len(h.Agencies) > 0 {
			fmt.Fprintf(w, "   agencies: %s\n", strings.Join(h.Agencies, ", "))
		}
		fmt.Fprintf(w, "   %s\n", h.URL)
		if s := index.RenderSnippet(h.Snippet, color); s != "" {
			fmt.Fprintf(w, "   %s\n", s)
		}
	}
	if facets && len(res.Facets) > 0 {
		names := make([]string, 0, len(res.Facets))
		for n := range res.Facets {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintln(w, "\nfacets:")
		for _, n := range names {
			fmt.Fprintf(w, "  %s: %s\n", n, formatCounts(res.Facets[n]))
		}
	}
}

// formatCounts prints "Fortinet 3, VMware 2", largest first.
func formatCounts(m map[string]int) string {
	type kv struct {
		k string
		v int
	}
	var kvs []kv
	for k, v := range m {
		kvs = append(kvs, kv{k, v})
	}
	sort.Slice(kvs, func(i, j int) bool {
		if kvs[i].v != kvs[j].v {
			return kvs[i].v > kvs[j].v
		}
		return kvs[i].k < kvs[j].k
	})
	parts := make([]string, len(kvs))
	for i, e := range kvs {
		parts[i] = fmt.Sprintf("%s %d", e.k, e.v)
	}
	return strings.Join(parts, ", ")
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
