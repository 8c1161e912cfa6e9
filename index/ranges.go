package index

import (
	"fmt"
	"math"
	"time"

	"github.com/blevesearch/bleve/v2/search/query"
)

// ban_score and fetched are keyword fields (mapping version 5): bleve
// indexes a number or a date as 16 prefix terms a document, while these
// are only ever compared against ranges a person types. Their terms are fixed-width text whose
// byte order is their numeric order, so the range queries of the query
// string (ban_score:>0.8, fetched:>="2026-11-01") become term ranges.

// dayLayout is how fetched is indexed: its UTC day.
const dayLayout = "2006-01-02"

// scoreTerm is how a ban score is indexed: two decimals. Scores lie in
// [0, 0.99] and are already rounded so (extract), so "0.00" to "0.99" sort
// as the numbers do.
func scoreTerm(score float64) string { return fmt.Sprintf("%.2f", score) }

func dayTerm(t time.Time) string { return t.UTC().Format(dayLayout) }

// keywordRange returns the term range query that asks of a keyword-coded
// field what q asks of a number or date, or q itself when q is another
// query.
func keywordRange(q query.Query) query.Query {
	switch q := q.(type) {
	case *query.NumericRangeQuery:
		if q.FieldVal != fieldBanScore {
			return q
		}
		r := &query.TermRangeQuery{FieldVal: q.FieldVal, BoostVal: q.BoostVal}
		if q.Min != nil {
			r.Min, r.InclusiveMin = gridBound(*q.Min, orTrue(q.InclusiveMin), math.Ceil)
		}
		if q.Max != nil {
			r.Max, r.InclusiveMax = gridBound(*q.Max, orFalse(q.InclusiveMax), math.Floor)
		}
		return r
	case *query.DateRangeQuery:
		if q.FieldVal != fieldFetched {
			return q
		}
		r := &query.TermRangeQuery{FieldVal: q.FieldVal, BoostVal: q.BoostVal}
		if !q.Start.IsZero() {
			r.Min, r.InclusiveMin = dayBound(q.Start.Time, orTrue(q.InclusiveStart), true)
		}
		if !q.End.IsZero() {
			r.Max, r.InclusiveMax = dayBound(q.End.Time, orFalse(q.InclusiveEnd), false)
		}
		return r
	}
	return q
}

// gridBound turns a bound x on a score into a bound on score terms: a bound
// between two hundredths moves to the nearest one inside the range (round
// is math.Ceil for a lower bound, math.Floor for an upper) and includes it.
func gridBound(x float64, inclusive bool, round func(float64) float64) (string, *bool) {
	c := x * 100
	if math.Abs(c-math.Round(c)) < 1e-9 {
		return scoreTerm(math.Round(c) / 100), &inclusive
	}
	yes := true
	return scoreTerm(round(c) / 100), &yes
}

// dayBound turns a bound t on fetch times into a bound on days, each day
// standing for its first instant (the day fetched is indexed by): a lower
// bound after midnight starts at the next day, an upper bound after
// midnight includes its own day.
func dayBound(t time.Time, inclusive, lower bool) (string, *bool) {
	t = t.UTC()
	day := t.Truncate(24 * time.Hour)
	if day.Equal(t) {
		return dayTerm(day), &inclusive
	}
	yes := true
	if lower {
		return dayTerm(day.Add(24 * time.Hour)), &yes
	}
	return dayTerm(day), &yes
}

// bleve's defaults for a range without inclusiveness: the minimum is
// included, the maximum is not.
func orTrue(b *bool) bool  { return b == nil || *b }
func orFalse(b *bool) bool { return b != nil && *b }
