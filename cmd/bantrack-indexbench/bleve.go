package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/index"
)

// plainBleve measures the anchor of issue 12: plain bleve with term vectors
// (exact phrases), English text through bleve's "en" analyser and Chinese
// through "cjk", on the same documents, for term and phrase queries.
func plainBleve(ctx context.Context, w io.Writer, dir string, docs []article.Article, raw int64, o options) error {
	path := filepath.Join(dir, "bleve")
	im := bleve.NewIndexMapping()
	doc := bleve.NewDocumentStaticMapping()
	for name, an := range map[string]string{"en": en.AnalyzerName, "zh": cjk.AnalyzerName} {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = an
		f.Store = false
		f.IncludeTermVectors = true
		f.IncludeInAll = false
		doc.AddFieldMappingsAt(name, f)
	}
	stored := bleve.NewTextFieldMapping()
	stored.Index = false
	stored.Store = true
	doc.AddFieldMappingsAt("json", stored)
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	im.DefaultMapping = doc
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	var m mapping.IndexMapping = im
	bi, err := bleve.New(path, m)
	if err != nil {
		return err
	}
	defer func() { bi.Close() }() // the last one opened; closing twice is harmless
	t0 := time.Now()
	for i := 0; i < len(docs); i += o.chunk {
		b := bi.NewBatch()
		for _, a := range docs[i:min(i+o.chunk, len(docs))] {
			field := "en"
			if a.Lang == "zh" {
				field = "zh"
			}
			text := strings.Join([]string{a.Title, a.Summary, a.Text}, "\n\n")
			if err := b.Index(a.ID, map[string]any{field: text, "json": text}); err != nil {
				return err
			}
		}
		if err := bi.Batch(b); err != nil {
			return err
		}
	}
	spent := time.Since(t0)
	fmt.Fprintf(w, "bleve: index batched: %d docs in %s = %.0f docs/s\n", len(docs), spent.Round(time.Millisecond), float64(len(docs))/spent.Seconds())
	if err := bi.Close(); err != nil {
		return err
	}
	bi, err = bleve.Open(path)
	if err != nil {
		return err
	}
	size, err := index.DiskSize(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "bleve: size: index on disk %.1f MiB (%.2f× raw)\n", mib(size), float64(size)/float64(raw))
	for _, k := range queryKinds() {
		if k.name == "filtered" {
			continue
		}
		var all []time.Duration
		for _, q := range k.reqs {
			var qs []query.Query
			for _, f := range []string{"en", "zh"} {
				if k.name == "phrase" {
					p := query.NewMatchPhraseQuery(strings.Trim(q.req.Query, `"`))
					p.SetField(f)
					qs = append(qs, p)
				} else {
					m := query.NewMatchQuery(q.req.Query)
					m.SetField(f)
					qs = append(qs, m)
				}
			}
			req := bleve.NewSearchRequestOptions(query.NewDisjunctionQuery(qs), 10, 0, false)
			var total uint64
			lat := make([]time.Duration, 0, o.queries)
			for i := range o.queries + 5 {
				t0 := time.Now()
				res, err := bi.SearchInContext(ctx, req)
				if err != nil {
					return err
				}
				if i >= 5 {
					lat = append(lat, time.Since(t0))
				}
				total = res.Total
			}
			all = append(all, lat...)
			slices.Sort(lat)
			brute := ""
			if n, ok := o.literal[q.req.Query]; ok && k.name == "phrase" {
				brute = fmt.Sprintf("  brute force %6d", n)
			}
			fmt.Fprintf(w, "  bleve %-8s %-40s p50 %6.2f ms  p99 %6.2f ms  %6d matches%s\n", k.name, q.label, ms(pct(lat, 50)), ms(pct(lat, 99)), total, brute)
		}
		slices.Sort(all)
		fmt.Fprintf(w, "bleve query %-8s (all of the above)  p50 %6.2f ms  p99 %6.2f ms  (%d searches)\n", k.name, ms(pct(all, 50)), ms(pct(all, 99)), len(all))
	}
	return nil
}
