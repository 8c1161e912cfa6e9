package index

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
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

// facetTerms is how many values of all facets together are counted.
const facetTerms = 2000

type facetField struct{ name, code, field string }

// facetFields are the facet names of Result.Facets, the codes that start
// their values in the facets field, and the keyword fields holding the names.
func facetFields() []facetField {
	return []facetField{
		{"vendors", "v", fieldVendors},
		{"agencies", "a", fieldAgencies},
		{"countries", "c", fieldCountries},
		{"sources", "s", fieldSource},
		{"actions", "x", fieldActions},
		{"lang", "l", fieldLang},
	}
}

// facetTerm is the term of value in the facets field: the facet's code and
// 36 bits of the value's hash, seven bytes whatever the name's length.
// Facets read every value of the documents near each match, so short terms
// make them several times faster. Two names colliding is unlikely (one in
// about 30,000 for 1,000 names of one facet) and only merges their counts.
func facetTerm(code, value string) string {
	h := fnv.New64a()
	h.Write([]byte(value))
	sum := h.Sum64()
	var b [6]byte
	for i := range b {
		b[i] = facetDigits[sum&63]
		sum >>= 6
	}
	return code + string(b[:])
}

const facetDigits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"

// facetValues are the terms of the facets field for a.
func facetValues(a article.Article) []string {
	var out []string
	add := func(code string, vs ...string) {
		for _, v := range vs {
			if v != "" {
				out = append(out, facetTerm(code, v))
			}
		}
	}
	add("v", a.Vendors...)
	add("a", a.Agencies...)
	add("c", a.Countries...)
	add("s", a.Source)
	add("x", a.Ban.Actions...)
	add("l", a.Lang)
	return out
}

// facetNames maps facet terms back to names, from the dictionaries of the
// keyword fields. It is kept until the next write.
func (ix *Index) facetNames() (map[string]string, error) {
	gen := ix.writes.Load()
	ix.facetMu.Lock()
	defer ix.facetMu.Unlock()
	if ix.facetMap != nil && ix.facetGen == gen {
		return ix.facetMap, nil
	}
	names := map[string]string{}
	for _, f := range facetFields() {
		d, err := ix.bi.FieldDict(f.field)
		if err != nil {
			return nil, err
		}
		for {
			e, err := d.Next()
			if err != nil {
				d.Close()
				return nil, err
			}
			if e == nil {
				break
			}
			names[facetTerm(f.code, e.Term)] = e.Term
		}
		if err := d.Close(); err != nil {
			return nil, err
		}
	}
	ix.facetMap, ix.facetGen = names, gen
	return names, nil
}

// splitFacets sorts the counted terms of the facets field into their facets,
// keeping the facetSize most frequent values of each.
func splitFacets(terms []*search.TermFacet, names map[string]string) map[string]map[string]int {
	out := make(map[string]map[string]int, len(facetFields()))
	codes := map[byte]string{}
	for _, f := range facetFields() {
		out[f.name] = map[string]int{}
		codes[f.code[0]] = f.name
	}
	// terms come most frequent first.
	for _, t := range terms {
		name, ok := names[t.Term]
		if !ok || t.Term == "" {
			continue // written after the names were read
		}
		facet := out[codes[t.Term[0]]]
		if facet != nil && len(facet) < facetSize {
			facet[name] += t.Count
		}
	}
	return out
}

// Request is one search. Filters combine with AND across kinds and OR within
// one kind: Vendors {A, B} and Lang "zh" finds Chinese documents naming A or B.
// Names must be canonical (resolved through the gazetteer by the caller).
type Request struct {
	// Query uses bleve's query-string syntax: words, +must, -mustnot,
	// "phrases", field:value (fields: text, title, url, vendors, agencies,
	// countries, targets, actions, source, lang, status, ban_related,
	// ban_score, published, fetched). Unfielded words search title, summary
	// and text. A Chinese word needs all its character bigrams; a quoted
	// phrase needs its pairs of neighbouring words (and bigrams). Empty
	// matches every document (then filters decide).
	Query string

	Vendors, Agencies, Countries, Sources, Targets []string
	Lang                                           string
	// Since and Until bound Published, both inclusive; zero is unbounded.
	// For `--until 2026-09-18` to include that day, pass the day's last
	// instant (or the next midnight minus a nanosecond). Documents without a
	// publication date never pass a bound.
	Since, Until time.Time
	// BanOnly keeps ban-related documents only.
	BanOnly bool

	Sort          string // SortRelevance (default; SortDate when Query is empty) or SortDate
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
	Total uint64        // matching documents, not only those in Hits
	Took  time.Duration // the whole search, snippets included
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
	// Snippet is a passage of the text, on one line: with Request.Highlight
	// the passage with the most matches, the matched words between
	// HighlightStart and HighlightEnd (render it with RenderSnippet);
	// otherwise the start of the summary or text.
	Snippet string
}

// Search runs req.
func (ix *Index) Search(ctx context.Context, req Request) (*Result, error) {
	start := time.Now()
	an := ix.bi.Mapping().AnalyzerNamed(textAnalyzer)
	if an == nil {
		return nil, fmt.Errorf("search: index mapping has no analyzer %s: %w (run bantrack reindex)", textAnalyzer, ErrMappingVersion)
	}
	sr, textQuery, err := buildSearch(req, an)
	if err != nil {
		return nil, err
	}
	res, err := ix.bi.SearchInContext(ctx, sr)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", req.Query, err)
	}
	var marks map[string]bool
	if req.Highlight && textQuery != nil {
		marks = highlightTerms(textQuery, an)
	}
	out := &Result{Total: res.Total, Hits: make([]Hit, 0, len(res.Hits))}
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
			Snippet:    snippet(a, an, marks),
		})
	}
	if req.Facets {
		var terms []*search.TermFacet
		if fr := res.Facets[fieldFacets]; fr != nil && fr.Terms != nil {
			terms = fr.Terms.Terms()
		}
		names, err := ix.facetNames()
		if err != nil {
			return nil, fmt.Errorf("search %q: facet names: %w", req.Query, err)
		}
		out.Facets = splitFacets(terms, names)
	}
	out.Took = time.Since(start)
	return out, nil
}

// highlightTerms returns the analysed terms of the text a query looks for,
// outside its must-not parts: the words to mark in snippets.
func highlightTerms(q query.Query, an analysis.Analyzer) map[string]bool {
	terms := map[string]bool{}
	var walk func(query.Query)
	walk = func(q query.Query) {
		switch q := q.(type) {
		case *query.BooleanQuery:
			if q.Must != nil {
				walk(q.Must)
			}
			if q.Should != nil {
				walk(q.Should)
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
			if isTextField(q.FieldVal) {
				for _, t := range an.Analyze([]byte(foldWidth(q.Match))) {
					terms[string(t.Term)] = true
				}
			}
		case *query.TermQuery:
			if isTextField(q.FieldVal) {
				terms[q.Term] = true
			}
		}
	}
	walk(q)
	return terms
}

func isTextField(f string) bool { return f == "" || f == fieldText || f == fieldTitle }

// buildSearch turns req into a bleve request. It also returns the part of
// the query that matches text, without filters, for highlighting; nil when
// the query string is empty.
func buildSearch(req Request, an analysis.Analyzer) (*bleve.SearchRequest, query.Query, error) {
	if req.Limit < 0 || req.Offset < 0 {
		return nil, nil, fmt.Errorf("search: negative limit or offset")
	}
	limit := req.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	if limit+req.Offset > maxLimit {
		return nil, nil, fmt.Errorf("search: limit plus offset over %d", maxLimit)
	}
	q, textQuery, err := buildQuery(req, an)
	if err != nil {
		return nil, nil, err
	}
	sr := bleve.NewSearchRequestOptions(q, limit, req.Offset, false)
	sr.Fields = []string{fieldJSON}
	sortBy := req.Sort
	if strings.TrimSpace(req.Query) == "" && (sortBy == "" || sortBy == SortRelevance) {
		sortBy = SortDate // no words, nothing to rank
	}
	// No tie-break on _id: it reads every match's stored id, which took half
	// the time of a common word's search; ties keep the index's order.
	switch sortBy {
	case "", SortRelevance:
		sr.SortBy([]string{"-_score"})
	case SortDate:
		sr.SortByCustom(search.SortOrder{
			&search.SortField{Field: fieldPublished, Desc: true, Type: search.SortFieldAsDate, Missing: search.SortFieldMissingLast},
			&search.SortScore{Desc: true},
		})
	default:
		return nil, nil, fmt.Errorf("search: unknown sort %q (want %s or %s)", req.Sort, SortRelevance, SortDate)
	}
	if req.Facets {
		sr.AddFacet(fieldFacets, bleve.NewFacetRequest(fieldFacets, facetTerms))
	}
	return sr, textQuery, nil
}

// buildQuery is the query of req: the parsed query string, with filters that
// do not count towards the score. It returns the parsed query string alone
// too (nil when empty).
func buildQuery(req Request, an analysis.Analyzer) (full, text query.Query, err error) {
	var main query.Query
	if strings.TrimSpace(req.Query) == "" {
		main = query.NewMatchAllQuery()
	} else {
		parsed, err := query.NewQueryStringQuery(foldWidth(req.Query)).Parse()
		if err != nil {
			return nil, nil, fmt.Errorf("search: query %q: %w", req.Query, err)
		}
		main = rewrite(parsed, an, expansions(req.Expand))
		text = main
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
	if req.BanOnly {
		b := query.NewBoolFieldQuery(true)
		b.SetField(fieldBanRelated)
		filters = append(filters, b)
	}
	// The date bound is a range over many terms: cheaper to check on the
	// documents the rest matches than to walk through.
	var dates query.Query
	if !req.Since.IsZero() || !req.Until.IsZero() {
		inclusive := true
		dq := query.NewDateRangeInclusiveQuery(req.Since, req.Until, &inclusive, &inclusive)
		dq.SetField(fieldPublished)
		dates = dq
	}

	// Filters join the query in one conjunction, which skips from one
	// document all parts match to the next, rather than scoring every
	// match of the words and filtering afterwards; a tiny boost keeps them
	// out of the ranking.
	var q query.Query
	switch {
	case text == nil && len(filters) == 0:
		q = main
	case text == nil:
		q = query.NewConjunctionQuery(filters)
	case len(filters) == 0:
		q = main
	default:
		for _, f := range filters {
			lowerBoost(f)
		}
		q = query.NewConjunctionQuery(append([]query.Query{main}, filters...))
	}
	if dates != nil {
		bq := query.NewBooleanQuery([]query.Query{q}, nil, nil)
		bq.AddFilter(dates)
		q = bq
	}
	return q, text, nil
}

// lowerBoost sets filterBoost on q, or on its disjuncts (a disjunction's
// own boost is not applied).
func lowerBoost(q query.Query) {
	if d, ok := q.(*query.DisjunctionQuery); ok {
		for _, c := range d.Disjuncts {
			lowerBoost(c)
		}
		return
	}
	if b, ok := q.(query.BoostableQuery); ok {
		b.SetBoost(filterBoost)
	}
}

// filterBoost weighs filters in the score: enough to stay a number, too
// little to change the order of hits.
const filterBoost = 1e-4

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
// Chinese (or other CJK) characters requires all of its overlapping bigrams,
// so 网络安全审查 does not match every text with 安全; a phrase in the text
// becomes the conjunction of its word pairs and CJK bigrams (see
// phraseTerms); a keyword field's phrase becomes a term; and an unfielded word
// or phrase with an expansion also matches the entity fields.
func rewrite(q query.Query, an analysis.Analyzer, exp map[string][]string) query.Query {
	switch q := q.(type) {
	case *query.BooleanQuery:
		if q.Must != nil {
			q.Must = rewrite(q.Must, an, exp)
		}
		if q.Should != nil {
			q.Should = rewrite(q.Should, an, exp)
		}
		if q.MustNot != nil {
			q.MustNot = rewrite(q.MustNot, an, exp)
		}
		return q
	case *query.ConjunctionQuery:
		for i := range q.Conjuncts {
			q.Conjuncts[i] = rewrite(q.Conjuncts[i], an, exp)
		}
		return q
	case *query.DisjunctionQuery:
		for i := range q.Disjuncts {
			q.Disjuncts[i] = rewrite(q.Disjuncts[i], an, exp)
		}
		return q
	case *query.MatchQuery:
		if q.FieldVal != "" {
			return q
		}
		if q.Fuzziness == 0 && q.Prefix == 0 && hasCJK(q.Match) {
			q.SetOperator(query.MatchQueryOperatorAnd)
		}
		return expand(q, q.Match, exp)
	case *query.MatchPhraseQuery:
		if isKeywordField(q.FieldVal) {
			// vendors:"Micron Technology" is one keyword, and keyword
			// fields keep no positions for phrases.
			t := query.NewTermQuery(q.MatchPhrase)
			t.SetField(q.FieldVal)
			t.BoostVal = q.BoostVal
			return t
		}
		if q.FieldVal != "" && q.FieldVal != fieldText && q.FieldVal != fieldTitle {
			return q
		}
		// Text fields keep no positions: a phrase is the conjunction of its
		// word pairs (see phraseTerms), a fuzzy one of its fuzzy words.
		var out query.Query = q
		if q.Fuzziness != 0 {
			m := query.NewMatchQuery(q.MatchPhrase)
			m.SetField(q.FieldVal)
			m.SetFuzziness(q.Fuzziness)
			m.SetOperator(query.MatchQueryOperatorAnd)
			m.BoostVal = q.BoostVal
			out = m
		} else if pq := phraseTerms(an, q); pq != nil {
			out = pq
		}
		if q.FieldVal != "" {
			return out
		}
		return expand(out, q.MatchPhrase, exp)
	default:
		return q
	}
}

// phraseTerms returns the conjunction of the terms that chain a phrase
// together: its pairs of neighbouring words and its CJK bigrams, or its one
// word. Looking these up is far cheaper than checking positions, and they
// rarely all occur in a document without the phrase (never, for two words).
// It returns nil when the phrase has no terms (only stop words).
func phraseTerms(an analysis.Analyzer, q *query.MatchPhraseQuery) query.Query {
	field := q.FieldVal
	if field == "" {
		field = fieldText
	}
	toks := an.Analyze([]byte(foldWidth(q.MatchPhrase)))
	hasPairs := false
	for _, t := range toks {
		if t.Type == analysis.Shingle {
			hasPairs = true
			break
		}
	}
	var terms []query.Query
	seen := map[string]bool{}
	for _, t := range toks {
		if hasPairs && isWordToken(t) {
			continue // implied by the pairs
		}
		if seen[string(t.Term)] {
			continue
		}
		seen[string(t.Term)] = true
		tq := query.NewTermQuery(string(t.Term))
		tq.SetField(field)
		terms = append(terms, tq)
	}
	switch len(terms) {
	case 0:
		return nil
	case 1:
		terms[0].(*query.TermQuery).BoostVal = q.BoostVal
		return terms[0]
	}
	c := query.NewConjunctionQuery(terms)
	c.BoostVal = q.BoostVal
	return c
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
	parsed, err := query.NewQueryStringQuery(foldWidth(q)).Parse()
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
