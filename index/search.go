package index

import (
	"cmp"
	"container/heap"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

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

// facetFields are the facet names of Result.Facets and the keyword fields
// holding their values.
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
	// Names maps the terms of Query on vendors, targets, agencies and countries (see
	// QueryFieldValues), as written, to the canonical names they stand for, so that
	// vendors:micron and vendors:美光 find Micron Technology.
	Names map[FieldValue][]string
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
	Fetched    time.Time // when the text was last fetched
	Changed    time.Time // when a re-check found the text changed; zero if never
	Score      float64
	Vendors    []string
	Agencies   []string
	BanRelated bool
	// Ban is the document's ban finding (related, score, actions, targets, evidence).
	Ban article.Ban
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
	ix.searching.RLock()
	defer ix.searching.RUnlock()
	if ix.closed {
		return nil, fmt.Errorf("search %q: %w", req.Query, bleve.ErrorIndexClosed)
	}
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", req.Query, err)
	}
	snap, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", req.Query, err)
	}
	defer snap.Close()
	p, err := buildPlan(req, an, snapshotTerms{ctx, snap})
	if err != nil {
		return nil, err
	}
	tab, err := ix.table(ctx, snap)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", req.Query, err)
	}
	p.q = joinSelective(p, tab)
	c, err := ix.collect(ctx, snap, tab, p)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", req.Query, err)
	}

	var marks []phrase
	if req.Highlight {
		marks = p.marks
	}
	out := &Result{Total: uint64(c.total), Hits: make([]Hit, 0, len(c.hits))}
	for _, h := range c.hits {
		a, err := storedAt(snap, h.doc)
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
			Fetched:    a.Fetched,
			Changed:    a.Changed,
			Score:      h.score,
			Vendors:    a.Vendors,
			Agencies:   a.Agencies,
			BanRelated: a.Ban.Related,
			Ban:        a.Ban,
			Snippet:    snippet(a, an, marks),
		})
	}
	if req.Facets {
		out.Facets = facetCounts(tab, c.counts)
	}
	out.Took = time.Since(start)
	return out, nil
}

// storedAt reads the article stored with document number d of snap.
func storedAt(snap bleveindex.IndexReader, d uint64) (article.Article, error) {
	id := make(bleveindex.IndexInternalID, 8)
	binary.BigEndian.PutUint64(id, d)
	ext, err := snap.ExternalID(id)
	if err != nil {
		return article.Article{}, err
	}
	doc, err := snap.Document(ext)
	if err != nil {
		return article.Article{}, fmt.Errorf("document %s: %w", ext, err)
	}
	if doc == nil {
		return article.Article{}, fmt.Errorf("document %s: %w", ext, ErrNotFound)
	}
	var raw []byte
	doc.VisitFields(func(f bleveindex.Field) {
		if f.Name() == fieldJSON {
			raw = f.Value()
		}
	})
	if raw == nil {
		return article.Article{}, fmt.Errorf("document %s has no stored record", ext)
	}
	return decodeArticle(raw)
}

// facetCounts turns the counts of table values into Result.Facets: the
// facetSize most frequent values of each facet, ties by name.
func facetCounts(tab *docTable, counts []int32) map[string]map[string]int {
	out := make(map[string]map[string]int, len(facetFields()))
	for _, f := range facetFields() {
		fi := tableField(f.field)
		var vs []uint32
		for v, n := range counts {
			if n > 0 && int(tab.fields[v]) == fi {
				vs = append(vs, uint32(v))
			}
		}
		slices.SortFunc(vs, func(a, b uint32) int {
			if c := cmp.Compare(counts[b], counts[a]); c != 0 {
				return c
			}
			return strings.Compare(tab.names[a], tab.names[b])
		})
		m := make(map[string]int, min(len(vs), facetSize))
		for _, v := range vs[:min(len(vs), facetSize)] {
			m[tab.names[v]] = int(counts[v])
		}
		out[f.name] = m
	}
	return out
}

// visitLeaves calls fn for every query under q that is not a boolean, conjunction or disjunction,
// with or without the must-not parts of boolean queries.
func visitLeaves(q query.Query, mustNot bool, fn func(query.Query)) {
	switch q := q.(type) {
	case *query.BooleanQuery:
		parts := []query.Query{q.Must, q.Should}
		if mustNot {
			parts = append(parts, q.MustNot)
		}
		for _, c := range parts {
			if c != nil {
				visitLeaves(c, mustNot, fn)
			}
		}
	case *query.ConjunctionQuery:
		for _, c := range q.Conjuncts {
			visitLeaves(c, mustNot, fn)
		}
	case *query.DisjunctionQuery:
		for _, c := range q.Disjuncts {
			visitLeaves(c, mustNot, fn)
		}
	default:
		fn(q)
	}
}

func isTextField(f string) bool { return f == "" || f == fieldText || f == fieldTitle }

// plan is how a Request is run: a bleve query for the words of the query
// string and the keyword filters, or none, to go through every document; and
// the rest of the filters, checked in the docTable.
type plan struct {
	q     query.Query // nil: every document
	marks []phrase    // what the text parts of the query (outside must-not) look for, for highlights

	keywords     []keywordFilter // checked in the table
	banOnly      bool
	since, until int64 // Unix nanoseconds, inclusive
	dated        bool  // since or until is set
	byDate       bool
	limit, skip  int
	facets       bool
}

// keywordFilter keeps documents with one of names in the table field field.
type keywordFilter struct {
	field int
	names []string
}

// buildPlan turns req into a plan; terms lists the index's terms for
// phrases that start or end with a lone Chinese character.
func buildPlan(req Request, an analysis.Analyzer, terms termLister) (*plan, error) {
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
	p := &plan{limit: limit, skip: req.Offset, facets: req.Facets, banOnly: req.BanOnly}
	sortBy := req.Sort
	if strings.TrimSpace(req.Query) == "" && (sortBy == "" || sortBy == SortRelevance) {
		sortBy = SortDate // no words, nothing to rank
	}
	switch sortBy {
	case "", SortRelevance:
	case SortDate:
		p.byDate = true
	default:
		return nil, fmt.Errorf("search: unknown sort %q (want %s or %s)", req.Sort, SortRelevance, SortDate)
	}
	p.since, p.until = math.MinInt64, math.MaxInt64
	if !req.Since.IsZero() {
		p.since, p.dated = req.Since.UnixNano(), true
	}
	if !req.Until.IsZero() {
		p.until, p.dated = req.Until.UnixNano(), true
	}

	for _, k := range []struct {
		field  string
		values []string
	}{
		{fieldVendors, req.Vendors},
		{fieldAgencies, req.Agencies},
		{fieldCountries, req.Countries},
		{fieldSource, req.Sources},
		{fieldTargets, req.Targets},
		{fieldLang, []string{req.Lang}},
	} {
		var names []string
		for _, v := range k.values {
			if v != "" {
				names = append(names, v)
			}
		}
		if len(names) > 0 {
			p.keywords = append(p.keywords, keywordFilter{tableField(k.field), names})
		}
	}

	if strings.TrimSpace(req.Query) == "" {
		return p, nil
	}
	if err := CheckQuery(foldWidth(req.Query)); err != nil {
		return nil, err
	}
	parsed, err := query.NewQueryStringQuery(foldWidth(req.Query)).Parse()
	if err != nil {
		return nil, fmt.Errorf("search: query %q: %w", req.Query, err)
	}
	parsed = resolveFields(parsed, foldNames(req.Names))
	rw := &rewriter{an: an, exp: expansions(req.Expand), terms: terms}
	p.q = simplify(rw.rewrite(parsed, false))
	p.marks = rw.marks
	return p, nil
}

// selectiveShare is how small a part of the documents a keyword filter must
// match to join the words' query in bleve: a conjunction skips from one
// document all parts match to the next, which pays when the filter is
// rare, but costs twice reading both lists when both are long (a vendor in
// a third of the documents). The table checks every keyword filter anyway.
const selectiveShare = 8

// joinSelective returns p.q with the keyword filters that match at most a
// selectiveShare-th of the documents joined to it; a tiny boost keeps them
// out of the ranking.
func joinSelective(p *plan, tab *docTable) query.Query {
	if p.q == nil {
		return nil
	}
	live := tab.liveCount
	qs := []query.Query{p.q}
	for _, k := range p.keywords {
		n := 0
		for _, name := range k.names {
			if v, ok := tab.lookup(k.field, name); ok {
				n += int(tab.docs[v])
			}
		}
		if n*selectiveShare > live {
			continue
		}
		var ds []query.Query
		for _, name := range k.names {
			t := query.NewTermQuery(name)
			t.SetField(tableFields()[k.field])
			t.SetBoost(filterBoost)
			ds = append(ds, t)
		}
		if len(ds) == 1 {
			qs = append(qs, ds[0]) // a disjunction of one costs a third more
		} else {
			qs = append(qs, query.NewDisjunctionQuery(ds))
		}
	}
	if len(qs) == 1 {
		return p.q
	}
	return query.NewConjunctionQuery(qs)
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
	case fieldURL, fieldSource, fieldLang, fieldStatus, fieldVendors, fieldAgencies, fieldCountries, fieldTargets, fieldActions, fieldBanScore, fieldFetched:
		return true
	}
	return false
}

// entityFields are the fields an expanded query word also searches.
func entityFields() []string {
	return []string{fieldVendors, fieldAgencies, fieldCountries, fieldTargets}
}

// rewriter rewrites a parsed query string (see rewrite) and collects the
// phrases to highlight.
type rewriter struct {
	an    analysis.Analyzer
	exp   map[string][]string
	terms termLister
	marks []phrase
}

// rewrite adjusts a parsed query string in place: a quoted phrase in a text
// field, and a word with Chinese (or other CJK) characters, become an exact
// phrase (see buildPhrase); other words of text fields are analysed without
// stop words; a keyword field's phrase becomes a term; and an unfielded word
// or phrase with an expansion also matches the entity fields. neg says q is
// under a must-not, whose words are not highlighted.
func (rw *rewriter) rewrite(q query.Query, neg bool) query.Query {
	switch q := q.(type) {
	case *query.BooleanQuery:
		if q.Must != nil {
			q.Must = rw.rewrite(q.Must, neg)
		}
		if q.Should != nil {
			q.Should = rw.rewrite(q.Should, neg)
		}
		if q.MustNot != nil {
			q.MustNot = rw.rewrite(q.MustNot, true)
		}
		return q
	case *query.ConjunctionQuery:
		for i := range q.Conjuncts {
			q.Conjuncts[i] = rw.rewrite(q.Conjuncts[i], neg)
		}
		return q
	case *query.DisjunctionQuery:
		for i := range q.Disjuncts {
			q.Disjuncts[i] = rw.rewrite(q.Disjuncts[i], neg)
		}
		return q
	case *query.MatchQuery:
		if !isTextField(q.FieldVal) {
			return q
		}
		if q.Fuzziness == 0 && q.Prefix == 0 && hasCJK(q.Match) {
			// A Chinese word is searched as the quoted phrase is.
			return rw.expand(rw.phrase(q.Match, q.FieldVal, q.BoostVal, neg), q.FieldVal, q.Match)
		}
		q.Analyzer = queryAnalyzer
		if !neg {
			for _, t := range rw.an.Analyze([]byte(foldWidth(q.Match))) {
				if !rw.isStop(t.Term) {
					rw.marks = append(rw.marks, phrase{{terms: []string{string(t.Term)}}})
				}
			}
		}
		return rw.expand(q, q.FieldVal, q.Match)
	case *query.MatchPhraseQuery:
		if isKeywordField(q.FieldVal) {
			// vendors:"Micron Technology" is one keyword, and keyword
			// fields keep no positions for phrases.
			t := query.NewTermQuery(q.MatchPhrase)
			t.SetField(q.FieldVal)
			t.BoostVal = q.BoostVal
			return t
		}
		if !isTextField(q.FieldVal) {
			return q
		}
		if q.Fuzziness != 0 {
			// A fuzzy phrase is the conjunction of its fuzzy words.
			m := query.NewMatchQuery(q.MatchPhrase)
			m.SetField(q.FieldVal)
			m.SetFuzziness(q.Fuzziness)
			m.SetOperator(query.MatchQueryOperatorAnd)
			m.Analyzer = queryAnalyzer
			m.BoostVal = q.BoostVal
			return rw.expand(m, q.FieldVal, q.MatchPhrase)
		}
		return rw.expand(rw.phrase(q.MatchPhrase, q.FieldVal, q.BoostVal, neg), q.FieldVal, q.MatchPhrase)
	default:
		return keywordRange(q)
	}
}

// phrase returns the query for an exact phrase in a text field.
func (rw *rewriter) phrase(text, field string, boost *query.Boost, neg bool) query.Query {
	if field == "" {
		field = fieldText
	}
	p, ok := buildPhrase(rw.an, text, field, rw.terms)
	if !ok {
		return query.NewMatchNoneQuery()
	}
	if !neg {
		rw.marks = append(rw.marks, p)
	}
	return p.query(field, boost)
}

func (rw *rewriter) isStop(term []byte) bool {
	ta, ok := rw.an.(*textAnalysis)
	return ok && ta.stop[string(term)]
}

func (rw *rewriter) expand(q query.Query, field, word string) query.Query {
	if field != "" {
		return q
	}
	return expand(q, word, rw.exp)
}

// simplify returns the one clause of a query string of one word or phrase
// instead of the boolean query and disjunction around it, which score it
// the same and cost a third more to run.
func simplify(q query.Query) query.Query {
	switch q := q.(type) {
	case *query.BooleanQuery:
		if q.Must == nil && q.MustNot == nil && q.Filter == nil && q.Should != nil {
			if d, ok := q.Should.(*query.DisjunctionQuery); ok && len(d.Disjuncts) == 1 {
				return simplify(d.Disjuncts[0])
			}
		}
	case *query.DisjunctionQuery:
		if len(q.Disjuncts) == 1 {
			return simplify(q.Disjuncts[0])
		}
	}
	return q
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
	visitLeaves(parsed, true, func(q query.Query) {
		switch q := q.(type) {
		case *query.MatchQuery:
			if q.FieldVal == "" {
				add(q.Match)
			}
		case *query.MatchPhraseQuery:
			if q.FieldVal == "" {
				add(q.MatchPhrase)
			}
		}
	})
	return out
}

// collected is what collect found: the hits of the page asked for, in order,
// the number of matches, and the counts of table values over the matches
// when facets were asked for.
type collected struct {
	hits   []match
	total  int
	counts []int32
}

// match is one matching document.
type match struct {
	doc   uint64
	score float64
	date  int64
}

// before says whether a ranks before b: by score, or by date (undated last)
// then score; ties in the index's order.
func before(a, b match, byDate bool) bool {
	if byDate && a.date != b.date {
		return a.date > b.date // noDate is the least
	}
	if a.score != b.score {
		return a.score > b.score
	}
	return a.doc < b.doc
}

// collect runs p over snap: every match of p.q (every live document when it
// is nil) that passes the table's filters is counted, its values counted
// for facets, and the best p.skip+p.limit kept in a heap.
func (ix *Index) collect(ctx context.Context, snap bleveindex.IndexReader, tab *docTable, p *plan) (*collected, error) {
	c := &collected{}
	if p.facets {
		c.counts = make([]int32, len(tab.names))
	}
	var sets [][]uint32 // per keyword filter, the value numbers it accepts
	for _, k := range p.keywords {
		var set []uint32
		for _, name := range k.names {
			if v, ok := tab.lookup(k.field, name); ok {
				set = append(set, v)
			}
		}
		if len(set) == 0 {
			return c, nil // no document has any of the names
		}
		sets = append(sets, set)
	}
	keep := p.skip + p.limit
	h := &matchHeap{byDate: p.byDate}
	consider := func(d uint64, score float64) {
		if !tab.isLive(d) { // written after the table was read: cannot happen within one snapshot
			return
		}
		if p.banOnly && !hasBit(tab.ban, d) {
			return
		}
		date := tab.published[d]
		if p.dated && (date == noDate || date < p.since || date > p.until) {
			return
		}
		vals := tab.values(d)
		for _, set := range sets {
			if !anyIn(vals, set) {
				return
			}
		}
		c.total++
		if c.counts != nil {
			for _, v := range vals {
				c.counts[v]++
			}
		}
		m := match{doc: d, score: score, date: date}
		if len(h.ms) < keep {
			heap.Push(h, m)
		} else if before(m, h.ms[0], p.byDate) {
			h.ms[0] = m
			heap.Fix(h, 0)
		}
	}

	if p.q == nil {
		for wi, w := range tab.live {
			if wi&1023 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			for w != 0 {
				b := bits.TrailingZeros64(w)
				w &^= 1 << b
				consider(uint64(wi)*64+uint64(b), 1)
			}
		}
	} else {
		ctx = context.WithValue(ctx, search.GetScoringModelCallbackKey, search.GetScoringModelCallbackFn(func() string {
			return bleveindex.DefaultScoringModel
		}))
		s, err := p.q.Searcher(ctx, snap, ix.bi.Mapping(), search.SearcherOptions{})
		if err != nil {
			return nil, err
		}
		defer s.Close()
		sctx := &search.SearchContext{
			DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0),
			IndexReader:       snap,
		}
		for i := 0; ; i++ {
			if i&1023 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			dm, err := s.Next(sctx)
			if err != nil {
				return nil, err
			}
			if dm == nil {
				break
			}
			d, err := docNum(dm.IndexInternalID)
			if err != nil {
				return nil, err
			}
			score := dm.Score
			sctx.DocumentMatchPool.Put(dm)
			consider(d, score)
		}
	}

	// The heap's best, in order, after skipping p.skip.
	ms := h.ms
	slices.SortFunc(ms, func(a, b match) int {
		if before(a, b, p.byDate) {
			return -1
		}
		return 1
	})
	if p.skip < len(ms) {
		c.hits = ms[p.skip:]
	}
	return c, nil
}

func anyIn(vals, set []uint32) bool {
	for _, v := range vals {
		if slices.Contains(set, v) {
			return true
		}
	}
	return false
}

// matchHeap keeps the best matches seen, the worst at the top.
type matchHeap struct {
	ms     []match
	byDate bool
}

func (h *matchHeap) Len() int           { return len(h.ms) }
func (h *matchHeap) Less(i, j int) bool { return before(h.ms[j], h.ms[i], h.byDate) }
func (h *matchHeap) Swap(i, j int)      { h.ms[i], h.ms[j] = h.ms[j], h.ms[i] }
func (h *matchHeap) Push(x any)         { h.ms = append(h.ms, x.(match)) }
func (h *matchHeap) Pop() any {
	m := h.ms[len(h.ms)-1]
	h.ms = h.ms[:len(h.ms)-1]
	return m
}
