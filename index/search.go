package index

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/bantrack/bantrack/article"
)

// Sort orders of a Request.
const (
	SortRelevance = "relevance"
	SortDate      = "date" // newest first; undated documents last
)

// DefaultLimit is the number of hits a Request with no Limit returns.
const DefaultLimit = 10

// maxLimit bounds Limit+Offset so one request cannot ask for the whole index
// at once; All is for that.
const maxLimit = 10000

// facetSize is how many values each facet reports at most.
const facetSize = 25

type facetField struct{ name, field string }

// facetFields are the facet names of Result.Facets with their index fields.
func facetFields() []facetField {
	return []facetField{
		{"vendors", fieldVendors},
		{"agencies", fieldAgencies},
		{"countries", fieldCountries},
		{"sources", fieldSource},
		{"actions", fieldActions},
		{"lang", fieldLang},
	}
}

// Request is one search. Filters combine with AND across kinds and OR within
// one kind: Vendors {A, B} and Lang "zh" finds Chinese documents naming A or B.
// Names must be canonical (resolved through the gazetteer by the caller).
type Request struct {
	// Query uses bleve's query-string syntax: words, +must, -mustnot,
	// "phrases", field:value (fields: text, title, url, vendors, agencies,
	// countries, targets, actions, source, lang, status, ban_related,
	// ban_score, published, fetched). Unfielded words search title, summary
	// and text. A Chinese word is searched as a phrase of its bigrams. Empty
	// matches every document (then filters decide).
	Query string

	Vendors, Agencies, Countries, Sources, Targets []string
	Lang                                           string
	// Since and Until bound Published, both inclusive; zero is unbounded.
	// Documents without a publication date never pass a bound.
	Since, Until time.Time
	// BanOnly keeps ban-related documents only.
	BanOnly bool

	Sort          string // SortRelevance (default) or SortDate
	Limit, Offset int    // Limit 0 means DefaultLimit

	Facets    bool // fill Result.Facets
	Highlight bool // mark the matched words in Hit.Snippet

	// Expand maps a word or phrase of Query, as written there (compared
	// without regard to case), to canonical entity names it stands for; an
	// unfielded occurrence of it then also matches documents whose vendors,
	// agencies, countries or targets hold one of the names. Fill it from
	// QueryWords and the gazetteer: {"美光": {"Micron Technology"}}.
	Expand map[string][]string
}

// Result is the answer to a Request.
type Result struct {
	Total uint64 // matching documents, not only those in Hits
	Took  time.Duration
	Hits  []Hit
	// Facets maps a facet name (vendors, agencies, countries, sources,
	// actions, lang) to value counts over all matching documents; nil unless
	// asked for.
	Facets map[string]map[string]int
}

// Hit is one matching document.
type Hit struct {
	ID         string
	URL        string
	Title      string
	Source     string
	Lang       string
	Status     article.Status
	Published  time.Time
	Score      float64
	Vendors    []string
	Agencies   []string
	BanRelated bool
	// Snippet is a passage of the text, on one line. With Request.Highlight
	// the matched words sit between HighlightStart and HighlightEnd; render
	// it with RenderSnippet.
	Snippet string
}

// Search runs req.
func (ix *Index) Search(ctx context.Context, req Request) (*Result, error) {
	sr, err := buildSearch(req)
	if err != nil {
		return nil, err
	}
	res, err := ix.bi.SearchInContext(ctx, sr)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", req.Query, err)
	}
	out := &Result{Total: res.Total, Took: res.Took, Hits: make([]Hit, 0, len(res.Hits))}
	for _, h := range res.Hits {
		a, err := hitArticle(h)
		if err != nil {
			return nil, fmt.Errorf("search %q: %w", req.Query, err)
		}
		out.Hits = append(out.Hits, Hit{
			ID:         a.ID,
			URL:        a.URL,
			Title:      a.Title,
			Source:     a.Source,
			Lang:       a.Lang,
			Status:     statusOf(a),
			Published:  a.Published,
			Score:      h.Score,
			Vendors:    a.Vendors,
			Agencies:   a.Agencies,
			BanRelated: a.Ban.Related,
			Snippet:    snippet(a, h.Locations[fieldText], req.Highlight),
		})
	}
	if req.Facets {
		out.Facets = make(map[string]map[string]int, len(facetFields()))
		for _, f := range facetFields() {
			counts := map[string]int{}
			if fr := res.Facets[f.name]; fr != nil && fr.Terms != nil {
				for _, t := range fr.Terms.Terms() {
					counts[t.Term] = t.Count
				}
			}
			out.Facets[f.name] = counts
		}
	}
	return out, nil
}

// buildSearch turns req into a bleve request.
func buildSearch(req Request) (*bleve.SearchRequest, error) {
	if req.Limit < 0 || req.Offset < 0 {
		return nil, fmt.Errorf("search: negative limit or offset")
	}
	limit := req.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	if limit+req.Offset > maxLimit {
		return nil, fmt.Errorf("search: limit plus offset over %d", maxLimit)
	}
	q, err := buildQuery(req)
	if err != nil {
		return nil, err
	}
	sr := bleve.NewSearchRequestOptions(q, limit, req.Offset, false)
	sr.Fields = []string{fieldJSON}
	sr.IncludeLocations = true // snippets are cut around the matches
	switch req.Sort {
	case "", SortRelevance:
		sr.SortBy([]string{"-_score", "_id"})
	case SortDate:
		sr.SortByCustom(search.SortOrder{
			&search.SortField{Field: fieldPublished, Desc: true, Type: search.SortFieldAsDate, Missing: search.SortFieldMissingLast},
			&search.SortScore{Desc: true},
			&search.SortDocID{},
		})
	default:
		return nil, fmt.Errorf("search: unknown sort %q (want %s or %s)", req.Sort, SortRelevance, SortDate)
	}
	if req.Facets {
		for _, f := range facetFields() {
			sr.AddFacet(f.name, bleve.NewFacetRequest(f.field, facetSize))
		}
	}
	return sr, nil
}

// buildQuery is the query of req: the parsed query string, with filters that
// do not count towards the score.
func buildQuery(req Request) (query.Query, error) {
	var main query.Query
	if strings.TrimSpace(req.Query) == "" {
		main = query.NewMatchAllQuery()
	} else {
		parsed, err := query.NewQueryStringQuery(req.Query).Parse()
		if err != nil {
			return nil, fmt.Errorf("search: query %q: %w", req.Query, err)
		}
		main = rewrite(parsed, expansions(req.Expand))
	}

	var filters []query.Query
	terms := func(field string, values []string) {
		var ds []query.Query
		for _, v := range values {
			if v == "" {
				continue
			}
			t := query.NewTermQuery(v)
			t.SetField(field)
			ds = append(ds, t)
		}
		if len(ds) > 0 {
			filters = append(filters, query.NewDisjunctionQuery(ds))
		}
	}
	terms(fieldVendors, req.Vendors)
	terms(fieldAgencies, req.Agencies)
	terms(fieldCountries, req.Countries)
	terms(fieldSource, req.Sources)
	terms(fieldTargets, req.Targets)
	if req.Lang != "" {
		terms(fieldLang, []string{req.Lang})
	}
	if !req.Since.IsZero() || !req.Until.IsZero() {
		inclusive := true
		dq := query.NewDateRangeInclusiveQuery(req.Since, req.Until, &inclusive, &inclusive)
		dq.SetField(fieldPublished)
		filters = append(filters, dq)
	}
	if req.BanOnly {
		b := query.NewBoolFieldQuery(true)
		b.SetField(fieldBanRelated)
		filters = append(filters, b)
	}
	if len(filters) == 0 {
		return main, nil
	}
	bq := query.NewBooleanQuery([]query.Query{main}, nil, nil)
	bq.AddFilter(query.NewConjunctionQuery(filters))
	return bq, nil
}

// expansions keys e by the folded form of its words.
func expansions(e map[string][]string) map[string][]string {
	if len(e) == 0 {
		return nil
	}
	out := make(map[string][]string, len(e))
	for k, v := range e {
		k = foldWord(k)
		out[k] = append(out[k], v...)
	}
	return out
}

func foldWord(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// isKeywordField says whether field is indexed as whole values.
func isKeywordField(field string) bool {
	switch field {
	case fieldURL, fieldSource, fieldLang, fieldStatus, fieldVendors, fieldAgencies, fieldCountries, fieldTargets, fieldActions:
		return true
	}
	return false
}

// entityFields are the fields an expanded query word also searches.
func entityFields() []string {
	return []string{fieldVendors, fieldAgencies, fieldCountries, fieldTargets}
}

// rewrite adjusts a parsed query string in place: an unfielded word with
// Chinese (or other CJK) characters becomes a phrase of its bigrams, so
// 网络安全审查 does not match every text with 安全; and an unfielded word or
// phrase with an expansion also matches the entity fields.
func rewrite(q query.Query, exp map[string][]string) query.Query {
	switch q := q.(type) {
	case *query.BooleanQuery:
		if q.Must != nil {
			q.Must = rewrite(q.Must, exp)
		}
		if q.Should != nil {
			q.Should = rewrite(q.Should, exp)
		}
		if q.MustNot != nil {
			q.MustNot = rewrite(q.MustNot, exp)
		}
		return q
	case *query.ConjunctionQuery:
		for i := range q.Conjuncts {
			q.Conjuncts[i] = rewrite(q.Conjuncts[i], exp)
		}
		return q
	case *query.DisjunctionQuery:
		for i := range q.Disjuncts {
			q.Disjuncts[i] = rewrite(q.Disjuncts[i], exp)
		}
		return q
	case *query.MatchQuery:
		if q.FieldVal != "" {
			return q
		}
		var out query.Query = q
		if q.Fuzziness == 0 && q.Prefix == 0 && hasCJK(q.Match) {
			p := query.NewMatchPhraseQuery(q.Match)
			p.BoostVal = q.BoostVal
			out = p
		}
		return expand(out, q.Match, exp)
	case *query.MatchPhraseQuery:
		if isKeywordField(q.FieldVal) {
			// vendors:"Micron Technology" is one keyword, and keyword
			// fields keep no positions for phrases.
			t := query.NewTermQuery(q.MatchPhrase)
			t.SetField(q.FieldVal)
			t.BoostVal = q.BoostVal
			return t
		}
		if q.FieldVal != "" {
			return q
		}
		return expand(q, q.MatchPhrase, exp)
	default:
		return q
	}
}

func expand(q query.Query, word string, exp map[string][]string) query.Query {
	names := exp[foldWord(word)]
	if len(names) == 0 {
		return q
	}
	ds := []query.Query{q}
	for _, name := range names {
		for _, f := range entityFields() {
			t := query.NewTermQuery(name)
			t.SetField(f)
			ds = append(ds, t)
		}
	}
	return query.NewDisjunctionQuery(ds)
}

func hasCJK(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			return true
		}
	}
	return false
}

// QueryWords returns the unfielded words and phrases of a query string, in
// order, without repeats: what a caller may resolve through the gazetteer to
// fill Request.Expand. A query that does not parse has none.
func QueryWords(q string) []string {
	if strings.TrimSpace(q) == "" {
		return nil
	}
	parsed, err := query.NewQueryStringQuery(q).Parse()
	if err != nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	add := func(w string) {
		if w != "" && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	var walk func(query.Query)
	walk = func(q query.Query) {
		switch q := q.(type) {
		case *query.BooleanQuery:
			for _, c := range []query.Query{q.Must, q.Should, q.MustNot} {
				if c != nil {
					walk(c)
				}
			}
		case *query.ConjunctionQuery:
			for _, c := range q.Conjuncts {
				walk(c)
			}
		case *query.DisjunctionQuery:
			for _, c := range q.Disjuncts {
				walk(c)
			}
		case *query.MatchQuery:
			if q.FieldVal == "" {
				add(q.Match)
			}
		case *query.MatchPhraseQuery:
			if q.FieldVal == "" {
				add(q.MatchPhrase)
			}
		}
	}
	walk(parsed)
	return out
}
