package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/internal/pipeline"
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
	g, err := a.gazetteer() // the names of feeds.yaml's gazetteer file resolve too
	if err != nil {
		return err
	}
	for _, w := range pipeline.ResolveNames(g, &req, vendors, agencies, countries) {
		fmt.Fprintln(a.stderr, w)
	}
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

// writeSearchJSON prints the object /api/search serves too.
func writeSearchJSON(w io.Writer, res *index.Result, offset int) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(pipeline.SearchResults(res, offset))
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
