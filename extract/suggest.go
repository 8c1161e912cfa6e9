package extract

import (
	"slices"
	"strings"
)

// Suggest returns up to n canonical names of the kind whose name or an alias is close to name:
// within a few edits, or starting with it or containing it. For "did you mean" messages when a
// name is unknown.
func (g *Gazetteer) Suggest(kind, name string, n int) []string {
	q := strings.ToLower(strings.TrimSpace(name))
	if q == "" || n <= 0 {
		return nil
	}
	type cand struct {
		name string
		d    int
	}
	best := map[string]int{}
	for _, e := range g.Entities(kind) {
		for _, alias := range append([]string{e.Name}, e.Aliases...) {
			a := strings.ToLower(alias)
			d := suggestDistance(q, a)
			if d < 0 {
				continue
			}
			if old, ok := best[e.Name]; !ok || d < old {
				best[e.Name] = d
			}
		}
	}
	var cs []cand
	for name, d := range best {
		cs = append(cs, cand{name, d})
	}
	slices.SortFunc(cs, func(a, b cand) int {
		if a.d != b.d {
			return a.d - b.d
		}
		return strings.Compare(a.name, b.name)
	})
	var out []string
	for _, c := range cs {
		if len(out) == n {
			break
		}
		out = append(out, c.name)
	}
	return out
}

// suggestDistance is how far alias is from what the user typed: the edit distance when small
// enough to be a typo, 1 for an alias that starts with or contains q, else -1.
func suggestDistance(q, alias string) int {
	if len([]rune(q)) >= 3 && strings.Contains(alias, q) {
		return 1
	}
	limit := max(1, len([]rune(q))/3)
	if d := editDistance(q, alias, limit); d <= limit {
		return d
	}
	return -1
}

// editDistance is the Levenshtein distance between a and b in runes, or limit+1 as soon as it
// is known to exceed limit.
func editDistance(a, b string, limit int) int {
	x, y := []rune(a), []rune(b)
	if d := len(x) - len(y); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(y)]
}
