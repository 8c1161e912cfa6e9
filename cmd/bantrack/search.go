package main

import (
	"context"
	"encoding/json"
	"errors"
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
	query := strings.Join(rest, " ")
	if len(rest) > 0 && strings.TrimSpace(query) == "" {
		return usageErrorf("the query is blank: give words to search for, e.g. bantrack search fortinet, or only filters")
	}
	req := index.Request{
		Query: strings.TrimSpace(query), Sources: sources, Lang: *lang, BanOnly: *ban,
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
	if !req.Since.IsZero() && !req.Until.IsZero() && req.Since.After(req.Until) {
		return usageErrorf("--since %s is later than --until %s", *since, *until)
	}
	if err := index.CheckQuery(req.Query); err != nil {
		return &usageError{msg: err.Error() + ": see bantrack search --help for the syntax"}
	}
	g := extract.Default()
	warn := func(kind, name string) { a.warnUnknown(g, kind, name) }
	req.Vendors = resolveNames(g, "vendor", vendors, warn)
	req.Agencies = resolveNames(g, "agency", agencies, warn)
	req.Countries = resolveNames(g, "country", countries, warn)
	req.Expand = expandQuery(g, req.Query)
	req.Names = fieldNames(g, req.Query, warn)
	if req.Query == "" && len(vendors)+len(agencies)+len(countries)+len(sources) == 0 && *lang == "" && !*ban && *since == "" && *until == "" {
		return usageErrorf("search needs a QUERY or at least one filter, e.g. bantrack search fortinet")
	}

	ix, err := a.openIndex(ctx)
	if err != nil {
		return err
	}
	defer ix.Close()
	res, err := ix.Search(ctx, req)
	if errors.Is(err, index.ErrQuerySyntax) {
		return &usageError{msg: err.Error()}
	}
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if *asJSON {
		return writeSearchJSON(a.stdout, res, req.Offset)
	}
	writeSearchText(a.stdout, res, req, *facets, isTerminal(a.stdout))
	return nil
}

// resolveNames maps each name, in any alias or language, to its canonical English name and those
// of the entities under it (--vendor Broadcom also finds VMware; --agency CAC its Cybersecurity
// Review Office). Names the gazetteer does not know are kept as given, and passed to unknown.
func resolveNames(g *extract.Gazetteer, kind string, names []string, unknown func(kind, name string)) []string {
	var out []string
	for _, n := range names {
		family, ok := g.Family(kind, n)
		if !ok {
			family = []string{n}
			if unknown != nil {
				unknown(kind, n)
			}
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

// fieldNames resolves the query's vendors:, targets:, agencies: and countries: terms like the
// flags (vendors:micron, vendors:美光, agencies:CAC).
func fieldNames(g *extract.Gazetteer, q string, unknown func(kind, name string)) map[index.FieldValue][]string {
	out := map[index.FieldValue][]string{}
	for _, fv := range index.QueryFieldValues(q) {
		out[fv] = resolveNames(g, index.EntityKind(fv.Field), []string{fv.Value}, unknown)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// warnUnknown says on stderr that a name is not in the gazetteer, with close known names.
func (a *app) warnUnknown(g *extract.Gazetteer, kind, name string) {
	msg := fmt.Sprintf("warning: no %s named %q is known; searching for it as written", kind, name)
	if close := g.Suggest(kind, name, 3); len(close) > 0 {
		msg += "; close known names: " + strings.Join(close, ", ")
	}
	fmt.Fprintln(a.stderr, msg+" (bantrack names lists what a name resolves to)")
}

type jsonBan struct {
	Related bool     `json:"related"`
	Score   float64  `json:"score"`
	Actions []string `json:"actions"`
	Targets []string `json:"targets"`
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
	Status    string   `json:"status"`
	Ban       jsonBan  `json:"ban"`
}

func writeSearchJSON(w io.Writer, res *index.Result, offset int) error {
	out := struct {
		Total  uint64                    `json:"total"`
		Offset int                       `json:"offset"`
		TookMS float64                   `json:"took_ms"`
		Hits   []jsonHit                 `json:"hits"`
		Facets map[string]map[string]int `json:"facets"`
	}{Total: res.Total, TookMS: float64(res.Took.Microseconds()) / 1000, Hits: []jsonHit{}, Facets: res.Facets, Offset: offset}
	if out.Facets == nil {
		out.Facets = map[string]map[string]int{}
	}
	for _, h := range res.Hits {
		jh := jsonHit{ID: h.ID, URL: h.URL, Title: h.Title, Source: h.Source, Score: h.Score,
			Vendors: nonNil(h.Vendors), Agencies: nonNil(h.Agencies), Snippet: index.RenderSnippet(h.Snippet, false),
			Status: string(h.Status), Ban: jsonBan{Related: h.Ban.Related, Score: h.Ban.Score,
				Actions: nonNil(h.Ban.Actions), Targets: nonNil(h.Ban.Targets)}}
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
	switch {
	case res.Total == 0:
		fmt.Fprintf(w, "no documents (%.1f ms)\n", float64(res.Took.Microseconds())/1000)
	case len(res.Hits) == 0:
		fmt.Fprintf(w, "%s; none past --offset %d (%.1f ms)\n", plural(int(res.Total), "document", "documents"), req.Offset, float64(res.Took.Microseconds())/1000)
	default:
		fmt.Fprintf(w, "showing %d-%d of %s (%.1f ms)\n", req.Offset+1, req.Offset+len(res.Hits),
			plural(int(res.Total), "document", "documents"), float64(res.Took.Microseconds())/1000)
	}
	for i, h := range res.Hits {
		fmt.Fprintf(w, "\n%d. %s\n", req.Offset+i+1, h.Title)
		date := "date unknown"
		if !h.Published.IsZero() {
			date = h.Published.Format("2006-01-02")
		}
		fmt.Fprintf(w, "   %s · %s · score %.2f · id %s\n", date, h.Source, h.Score, h.ID)
		fmt.Fprintf(w, "   %s\n", banLine(h))
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

// banLine says what the document's ban finding is: status, actions and targets.
func banLine(h index.Hit) string {
	line := "not ban-related"
	if h.Ban.Related {
		line = fmt.Sprintf("BAN-RELATED (score %.2f)", h.Ban.Score)
		if len(h.Ban.Actions) > 0 {
			line += " · actions: " + strings.Join(h.Ban.Actions, ", ")
		}
		if len(h.Ban.Targets) > 0 {
			line += " · targets: " + strings.Join(h.Ban.Targets, ", ")
		}
	}
	if h.Status != "" && h.Status != "ok" {
		line += " · status " + string(h.Status)
	}
	return line
}

// plural is "1 document", "2 documents".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
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
