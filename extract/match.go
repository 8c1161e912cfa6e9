package extract

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// mention is one accepted match in normalised text.
type mention struct {
	start, end int // in normalised text
	pat        *pattern
}

// scan finds every pattern in nt in one pass of the automaton, drops the matches that fail their
// boundary, case and avoidance checks, and keeps, within each group, the longest of overlapping
// matches. The result is in text order.
func (g *Gazetteer) scan(nt normText, src string) []mention {
	var byGroup [numGroups][]mention
	g.ac.find(nt.s, func(h hit) {
		p := &g.patterns[h.id]
		if !g.accept(nt, src, h, p) {
			return
		}
		byGroup[p.group] = append(byGroup[p.group], mention{start: h.start, end: h.end, pat: p})
	})
	var out []mention
	for grp := range byGroup {
		out = append(out, longestFirst(byGroup[grp])...)
	}
	// Weak aliases count only when the entity is named by a strong alias too.
	strong := map[int]bool{}
	for _, m := range out {
		if m.pat.group <= groupCountry && !m.pat.weak {
			strong[m.pat.entity] = true
		}
	}
	out = slices.DeleteFunc(out, func(m mention) bool {
		return m.pat.weak && !strong[m.pat.entity]
	})
	slices.SortFunc(out, func(a, b mention) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(b.end, a.end))
	})
	return out
}

// accept applies a match's word-boundary, exact-case and avoidance checks.
func (g *Gazetteer) accept(nt normText, src string, h hit, p *pattern) bool {
	if p.left && h.start > 0 {
		r, _ := utf8.DecodeLastRuneInString(nt.s[:h.start])
		if isWordRune(r) {
			return false
		}
	}
	if p.right && h.end < len(nt.s) {
		r, _ := utf8.DecodeRuneInString(nt.s[h.end:])
		if isWordRune(r) {
			return false
		}
	}
	for _, a := range p.avoid {
		s := h.start - a.at
		if s >= 0 && s+len(a.phrase) <= len(nt.s) && nt.s[s:s+len(a.phrase)] == a.phrase {
			return false
		}
	}
	if p.exact {
		orig := src[nt.off[h.start]:nt.off[h.end]]
		if strings.Join(strings.Fields(norm.NFKC.String(orig)), " ") != p.alias {
			return false
		}
	}
	return true
}

// longestFirst keeps, of overlapping mentions, the longest (the earliest on a tie).
func longestFirst(ms []mention) []mention {
	if len(ms) < 2 {
		return ms
	}
	slices.SortFunc(ms, func(a, b mention) int {
		return cmp.Or(cmp.Compare(b.end-b.start, a.end-a.start), cmp.Compare(a.start, b.start))
	})
	var kept []mention // non-overlapping, sorted by start
	for _, m := range ms {
		i, _ := slices.BinarySearchFunc(kept, m.start, func(k mention, start int) int { return cmp.Compare(k.start, start) })
		if i > 0 && kept[i-1].end > m.start || i < len(kept) && kept[i].start < m.end {
			continue
		}
		kept = slices.Insert(kept, i, m)
	}
	return kept
}
