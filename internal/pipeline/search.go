package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/extract"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/web"
)

// ResolveNames fills req's Vendors, Agencies and Countries from names as the user wrote them (any
// alias, any language), and its Expand and Names from its Query, through the gazetteer: `search`
// and the web server resolve names the same way. It returns a warning for each name the
// gazetteer does not know (searched as written).
func ResolveNames(g *extract.Gazetteer, req *index.Request, vendors, agencies, countries []string) []string {
	var warnings []string
	warn := func(kind, name string) { warnings = append(warnings, UnknownNameWarning(g, kind, name)) }
	req.Vendors = resolveNames(g, "vendor", vendors, warn)
	req.Agencies = resolveNames(g, "agency", agencies, warn)
	req.Countries = resolveNames(g, "country", countries, warn)
	req.Expand = expandQuery(g, req.Query)
	req.Names = fieldNames(g, req.Query, warn)
	return warnings
}

// UnknownNameWarning says that a name is not in the gazetteer, with close known names.
func UnknownNameWarning(g *extract.Gazetteer, kind, name string) string {
	msg := fmt.Sprintf("warning: no %s named %q is known; searching for it as written", kind, name)
	if close := g.Suggest(kind, name, 3); len(close) > 0 {
		msg += "; close known names: " + strings.Join(close, ", ")
	}
	return msg + " (bantrack names lists what a name resolves to)"
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

// ExpandQuery is expandQuery for callers that build their own requests (the demo).
func ExpandQuery(g *extract.Gazetteer, q string) map[string][]string { return expandQuery(g, q) }

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

// SearchResults is a search's answer as the object `search --json` prints and /api/search
// serves (web.Results), with the page's extras (marked snippet, evidence, dates).
func SearchResults(res *index.Result, offset int) *web.Results {
	out := &web.Results{Total: res.Total, TookMS: float64(res.Took.Microseconds()) / 1000, Hits: []web.Hit{},
		Facets: res.Facets, Offset: offset}
	if out.Facets == nil {
		out.Facets = map[string]map[string]int{}
	}
	for _, h := range res.Hits {
		wh := web.Hit{ID: h.ID, URL: h.URL, Title: h.Title, Source: h.Source, Score: h.Score,
			Vendors: nonNil(h.Vendors), Agencies: nonNil(h.Agencies), Snippet: index.RenderSnippet(h.Snippet, false),
			Status: string(h.Status), Ban: web.HitBan{Related: h.Ban.Related, Score: h.Ban.Score,
				Actions: nonNil(h.Ban.Actions), Targets: nonNil(h.Ban.Targets)},
			Lang: h.Lang, Date: h.Published, Marked: segments(h.Snippet), Evidence: h.Ban.Evidence}
		if wh.Status == "" {
			wh.Status = string(article.StatusOK)
		}
		wh.Fetched, wh.Changed = h.Fetched, h.Changed
		if !h.Published.IsZero() {
			wh.Published = h.Published.Format(time.RFC3339)
		}
		out.Hits = append(out.Hits, wh)
	}
	return out
}

// segments cuts a snippet at its highlight markers.
func segments(s string) []web.Segment {
	var out []web.Segment
	for s != "" {
		i := strings.Index(s, index.HighlightStart)
		if i < 0 {
			out = append(out, web.Segment{Text: s})
			break
		}
		if i > 0 {
			out = append(out, web.Segment{Text: s[:i]})
		}
		s = s[i+len(index.HighlightStart):]
		j := strings.Index(s, index.HighlightEnd)
		if j < 0 {
			j = len(s)
		}
		out = append(out, web.Segment{Text: s[:j], Match: true})
		s = strings.TrimPrefix(s[j:], index.HighlightEnd)
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Reader answers the web server's searches and document lookups from the data folder's index,
// through an index.Shared handle: it lets go of the index while a crawl or `run` commits, and
// searches wait for the commit to end (up to Wait) and then see it.
type Reader struct {
	Index     *index.Shared
	Gazetteer *extract.Gazetteer
	// Wait bounds how long a search waits for a commit to end (ReaderWait when 0).
	Wait time.Duration
}

// ReaderWait is how long a web search waits for a crawl's commit before it answers 503.
const ReaderWait = 30 * time.Second

var (
	_ web.Searcher  = (*Reader)(nil)
	_ web.Documents = (*Reader)(nil)
)

// Request turns a web query into an index request, with names resolved.
func (r *Reader) Request(q web.Query) (index.Request, []string) {
	req := index.Request{Query: q.Text, Sources: q.Sources, Lang: q.Lang, Since: q.Since, Until: q.Until,
		BanOnly: q.BanOnly, Sort: q.Sort, Limit: q.Limit, Offset: q.Offset, Facets: !q.NoFacets, Highlight: true}
	g := r.Gazetteer
	if g == nil {
		g = extract.Default()
	}
	return req, ResolveNames(g, &req, splitNames(q.Vendors), splitNames(q.Agencies), splitNames(q.Countries))
}

// splitNames lets a form field hold several names separated by commas (、 and ， too).
func splitNames(in []string) []string {
	var out []string
	for _, s := range in {
		for n := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
			if n = strings.TrimSpace(n); n != "" && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

func (r *Reader) use(ctx context.Context) (*index.Index, func(), error) {
	wait := r.Wait
	if wait <= 0 {
		wait = ReaderWait
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	ix, release, err := r.Index.Acquire(ctx)
	if err != nil {
		cancel()
		return nil, nil, readerError(err)
	}
	return ix, func() { release(); cancel() }, nil
}

// readerError maps the index's errors to the web's.
func readerError(err error) error {
	switch {
	case errors.Is(err, index.ErrQuerySyntax):
		return fmt.Errorf("%w: %w", web.ErrInvalid, err)
	case errors.Is(err, index.ErrNotFound):
		return fmt.Errorf("%w: %w", web.ErrNotFound, err)
	case errors.Is(err, index.ErrNoIndex):
		return fmt.Errorf("%w: %w: nothing crawled yet (run bantrack crawl)", web.ErrUnavailable, err)
	case errors.Is(err, index.ErrLocked):
		return fmt.Errorf("%w: %w: a crawl is committing; try again", web.ErrUnavailable, err)
	case errors.Is(err, index.ErrMappingVersion):
		return fmt.Errorf("%w: %w", web.ErrUnavailable, err)
	}
	return err
}

// Search runs a web query.
func (r *Reader) Search(ctx context.Context, q web.Query) (*web.Results, error) {
	if err := index.CheckQuery(q.Text); err != nil {
		return nil, readerError(err)
	}
	req, warnings := r.Request(q)
	ix, release, err := r.use(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	res, err := ix.Search(ctx, req)
	if err != nil {
		return nil, readerError(fmt.Errorf("search: %w", err))
	}
	out := SearchResults(res, q.Offset)
	out.Warnings = warnings
	return out, nil
}

// Document returns the document with this id.
func (r *Reader) Document(ctx context.Context, id string) (article.Article, error) {
	ix, release, err := r.use(ctx)
	if err != nil {
		return article.Article{}, err
	}
	defer release()
	art, err := ix.Get(id)
	if err != nil {
		return article.Article{}, readerError(fmt.Errorf("document %s: %w", id, err))
	}
	return art, nil
}
