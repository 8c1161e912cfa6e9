package extract

import (
	"regexp"
	"slices"
	"strings"
)

// candRules find names of organisations by pattern, on the source text (capitals matter).
type candRules struct {
	suffix    *regexp.Regexp // Acme Widgets Inc., Foo Corp
	owned     *regexp.Regexp // X-owned Y
	including *regexp.Regexp // including A, B and C
	item      *regexp.Regexp // one capitalised name
	zh        *regexp.Regexp // 某某科技有限公司
}

const capName = `(?:[A-Z][\p{L}\d&.'-]*|\d+[A-Za-z]+)(?: (?:[A-Z][\p{L}\d&.'-]*|\d+[A-Za-z]*|&|of|de))*`

func newCandRules() *candRules {
	return &candRules{
		suffix:    regexp.MustCompile(`\b(` + capName + `),? (?:Inc\.?|Incorporated|Corp\.?|Corporation|Ltd\.?|Limited|LLC|GmbH|AG|plc|PLC|S\.A\.|N\.V\.|Co\.,? Ltd\.?|Co\.)(?:\W|$)`),
		owned:     regexp.MustCompile(`\b(` + capName + `)-(?:owned|backed|controlled) (` + capName + `)`),
		including: regexp.MustCompile(`\b(?:including|includes|include|such as) ((?:` + capName + `)(?:(?:, | and |, and )(?:` + capName + `))*)`),
		item:      regexp.MustCompile(capName),
		zh:        regexp.MustCompile(`(\p{Han}{2,20}?(?:股份有限公司|有限责任公司|有限公司|集团有限公司|科技公司|集团))`),
	}
}

// find returns organisation names that g does not know, each once, in the order of the patterns.
// The patterns run only on the sentences that hold their key words.
func (r *candRules) find(g *Gazetteer, src string, sents []span) []string {
	matches := func(re *regexp.Regexp, keys ...string) [][]string {
		var out [][]string
		for _, s := range sents {
			text := src[s.start:s.end]
			for _, k := range keys {
				if strings.Contains(text, k) {
					out = append(out, re.FindAllStringSubmatch(text, -1)...)
					break
				}
			}
		}
		return out
	}
	var out []string
	consider := func(name string) {
		name = strings.TrimSpace(strings.TrimRight(name, ",;:"))
		name = trimLeadingStopwords(name)
		if strings.HasSuffix(name, ".") && !hasLegalSuffix(name) {
			name = strings.TrimSuffix(name, ".")
		}
		if len([]rune(name)) < 2 || slices.Contains(out, name) || g.knows(name) {
			return
		}
		out = append(out, name)
	}
	for _, m := range matches(r.suffix, "Inc", "Corp", "Ltd", "Limited", "LLC", "GmbH", "AG", "plc", "PLC", "S.A.", "N.V.", "Co.") {
		consider(strings.TrimSuffix(m[0][:len(m[0])-trailingNonWord(m[0])], ","))
	}
	for _, m := range matches(r.owned, "-owned", "-backed", "-controlled") {
		consider(m[1])
		consider(m[2])
	}
	for _, m := range matches(r.including, "includ", "such as") {
		for _, it := range r.item.FindAllString(m[1], -1) {
			consider(it)
		}
	}
	for _, m := range matches(r.zh, "公司", "集团") {
		name := m[1]
		consider(name[issuerStart(name):])
	}
	return out
}

// trailingNonWord counts the bytes of a match's last character when it is not part of the name.
func trailingNonWord(s string) int {
	if s == "" {
		return 0
	}
	c := s[len(s)-1]
	if c == '.' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
		return 0
	}
	return 1
}

// trimLeadingStopwords drops sentence words that precede a name: "The", "While Acme".
func trimLeadingStopwords(name string) string {
	for {
		first, rest, ok := strings.Cut(name, " ")
		if !ok {
			return name
		}
		switch first {
		case "The", "A", "An", "And", "But", "In", "On", "At", "By", "For", "While", "Its", "Their", "His", "Her",
			"Of", "As", "From", "With", "To", "After", "Before", "When", "If", "Both", "Rival", "State", "US", "U.S.":
			name = rest
		default:
			return name
		}
	}
}

// knows reports whether name is, contains or is contained in something the gazetteer knows, or is
// a common word that only looks like a name.
func (g *Gazetteer) knows(name string) bool {
	for _, kind := range []string{KindVendor, KindAgency, KindCountry} {
		if _, ok := g.Resolve(kind, name); ok {
			return true
		}
	}
	nt := normalize(name)
	for _, m := range g.scan(nt, name) {
		if m.pat.group == groupEntity || m.pat.group == groupCountry && m.end-m.start == len(nt.s) {
			return true
		}
	}
	switch strings.ToLower(name) {
	case "reuters", "the", "china", "chinese", "western", "european", "one", "some", "many", "several":
		return true
	}
	return false
}

// hasLegalSuffix reports whether name ends with an abbreviated legal form whose dot belongs to it.
func hasLegalSuffix(name string) bool {
	for _, s := range []string{" Inc.", " Corp.", " Ltd.", " Co.", " S.A.", " N.V.", " L.L.C."} {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}
