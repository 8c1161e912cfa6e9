package index

import (
	"strings"

	"github.com/blevesearch/bleve/v2/search/query"
)

// FieldValue is one field:value term of a query string, the value as written.
type FieldValue struct{ Field, Value string }

// EntityFields are the keyword fields whose values are canonical entity names, which a caller
// resolves from any alias (vendors:micron, vendors:美光, agencies:CAC) through Request.Names.
var entityFieldKinds = map[string]string{
	fieldVendors: "vendor", fieldTargets: "vendor", fieldAgencies: "agency", fieldCountries: "country",
}

// EntityKind returns the gazetteer kind (vendor, agency, country) of an entity field, or "".
func EntityKind(field string) string { return entityFieldKinds[field] }

// QueryFieldValues returns the terms of q on the entity fields (vendors, targets, agencies,
// countries), in order, without repeats: what a caller resolves to fill Request.Names. A query
// that does not parse has none (Search reports its error).
func QueryFieldValues(q string) []FieldValue {
	if strings.TrimSpace(q) == "" {
		return nil
	}
	parsed, err := query.NewQueryStringQuery(foldWidth(q)).Parse()
	if err != nil {
		return nil
	}
	var out []FieldValue
	seen := map[FieldValue]bool{}
	visitLeaves(parsed, true, func(q query.Query) {
		var fv FieldValue
		switch q := q.(type) {
		case *query.MatchQuery:
			fv = FieldValue{q.FieldVal, q.Match}
		case *query.MatchPhraseQuery:
			fv = FieldValue{q.FieldVal, q.MatchPhrase}
		default:
			return
		}
		if EntityKind(fv.Field) != "" && fv.Value != "" && !seen[fv] {
			seen[fv] = true
			out = append(out, fv)
		}
	})
	return out
}

// resolveFields replaces each entity-field term that names has an entry for by the disjunction of
// the canonical names it stands for, keeping its boost. Other parts of q are left as they are.
func resolveFields(q query.Query, names map[FieldValue][]string) query.Query {
	if len(names) == 0 {
		return q
	}
	var fv FieldValue
	var boost *query.Boost
	switch q := q.(type) {
	case *query.BooleanQuery:
		if q.Must != nil {
			q.Must = resolveFields(q.Must, names)
		}
		if q.Should != nil {
			q.Should = resolveFields(q.Should, names)
		}
		if q.MustNot != nil {
			q.MustNot = resolveFields(q.MustNot, names)
		}
		return q
	case *query.ConjunctionQuery:
		for i := range q.Conjuncts {
			q.Conjuncts[i] = resolveFields(q.Conjuncts[i], names)
		}
		return q
	case *query.DisjunctionQuery:
		for i := range q.Disjuncts {
			q.Disjuncts[i] = resolveFields(q.Disjuncts[i], names)
		}
		return q
	case *query.MatchQuery:
		fv, boost = FieldValue{q.FieldVal, q.Match}, q.BoostVal
	case *query.MatchPhraseQuery:
		fv, boost = FieldValue{q.FieldVal, q.MatchPhrase}, q.BoostVal
	default:
		return q
	}
	canon, ok := names[fv]
	if !ok || len(canon) == 0 {
		return q
	}
	terms := make([]query.Query, len(canon))
	for i, c := range canon {
		t := query.NewTermQuery(c)
		t.SetField(fv.Field)
		t.BoostVal = boost
		terms[i] = t
	}
	if len(terms) == 1 {
		return terms[0]
	}
	return query.NewDisjunctionQuery(terms)
}

// foldNames keys names as the parsed query sees them: the query is width-folded before parsing.
func foldNames(names map[FieldValue][]string) map[FieldValue][]string {
	if len(names) == 0 {
		return nil
	}
	out := make(map[FieldValue][]string, len(names))
	for fv, c := range names {
		out[FieldValue{fv.Field, foldWidth(fv.Value)}] = c
	}
	return out
}
