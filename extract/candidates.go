package extract

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// candRules find names of organisations by pattern, on the source text (capitals matter).
type candRules struct {
	suffix    *regexp.Regexp // Acme Widgets Inc., Foo Corp
	owned     *regexp.Regexp // X-owned Y
	including *regexp.Regexp // including A, B and C
	item      *regexp.Regexp // one capitalised name
	zh        *regexp.Regexp // 某某科技有限公司
	agencyOf  *regexp.Regexp // Ministry of Economic Affairs, Office of Management and Budget
	agency    *regexp.Regexp // Data Protection Authority, Supreme Court
	said      *regexp.Regexp // "Acme said", "the company said" beside a name
}

// candidate is an organisation name the gazetteer lacks, where it was found and how sure the
// pattern is that it names an organisation.
type candidate struct {
	name   string
	sent   int    // index of its sentence
	kind   string // KindVendor or KindAgency
	strong bool   // a legal suffix, 公司/集团, a list beside known vendors, a government body's form
}

const capName = `(?:[A-Z][\p{L}\d&.'-]*|\d+[A-Za-z]+)(?: (?:[A-Z][\p{L}\d&.'-]*|\d+[A-Za-z]*|&|of|de))*`

func newCandRules() *candRules {
	return &candRules{
		suffix:    regexp.MustCompile(`\b(` + capName + `),? (?:Inc\.?|Incorporated|Corp\.?|Corporation|Ltd\.?|Limited|LLC|GmbH|AG|plc|PLC|S\.A\.|N\.V\.|Co\.,? Ltd\.?|Co\.)(?:\W|$)`),
		owned:     regexp.MustCompile(`\b(` + capName + `)-(?:owned|backed|controlled) (` + capName + `)`),
		including: regexp.MustCompile(`\b(?:including|includes|include|such as) ((?:` + capName + `)(?:(?:, | and |, and )(?:` + capName + `))*)`),
		item:      regexp.MustCompile(capName),
		zh:        regexp.MustCompile(`(\p{Han}{2,20}?(?:股份有限公司|有限责任公司|有限公司|集团有限公司|科技公司|集团))`),
		agencyOf:  regexp.MustCompile(`\b((?:Ministry|Department|Office) of (?:the )?` + capName + `(?: (?:and|for) ` + capName + `)*)\b`),
		agency:    regexp.MustCompile(`\b(` + capName + ` (?:Authority|Commission|Court|Ministry|Regulator|Tribunal|Inspectorate))\b`),
	}
}

// find returns organisation names that g does not know, each once, in the order of the patterns.
// The patterns run only on the sentences that hold their key words.
func (r *candRules) find(g *Gazetteer, src string, sents []span) []candidate {
	type match struct {
		m    []string
		sent int
	}
	matches := func(re *regexp.Regexp, keys ...string) []match {
		var out []match
		for i, s := range sents {
			text := src[s.start:s.end]
			for _, k := range keys {
				if strings.Contains(text, k) {
					for _, m := range re.FindAllStringSubmatch(text, -1) {
						out = append(out, match{m, i})
					}
					break
				}
			}
		}
		return out
	}
	var out []candidate
	consider := func(name string, sent int, kind string, strong bool) {
		name = strings.TrimSpace(strings.TrimRight(name, ",;:"))
		name = trimLeadingStopwords(name)
		if strings.HasSuffix(name, ".") && !hasLegalSuffix(name) {
			name = strings.TrimSuffix(name, ".")
		}
		if len([]rune(name)) < 2 || g.knows(name) {
			return
		}
		if i := slices.IndexFunc(out, func(c candidate) bool { return c.name == name }); i >= 0 {
			out[i].strong = out[i].strong || strong
			return
		}
		out = append(out, candidate{name: name, sent: sent, kind: kind, strong: strong})
	}
	for _, m := range matches(r.suffix, "Inc", "Corp", "Ltd", "Limited", "LLC", "GmbH", "AG", "plc", "PLC", "S.A.", "N.V.", "Co.") {
		consider(strings.TrimSuffix(m.m[0][:len(m.m[0])-trailingNonWord(m.m[0])], ","), m.sent, KindVendor, true)
	}
	for _, m := range matches(r.owned, "-owned", "-backed", "-controlled") {
		consider(m.m[1], m.sent, KindVendor, false)
		consider(m.m[2], m.sent, KindVendor, false)
	}
	for _, m := range matches(r.including, "includ", "such as") {
		items := r.item.FindAllString(m.m[1], -1)
		// A list beside a vendor the gazetteer knows is a list of companies.
		beside := slices.ContainsFunc(items, func(it string) bool {
			_, ok := g.Resolve(KindVendor, trimLeadingStopwords(it))
			return ok
		})
		for _, it := range items {
			consider(it, m.sent, KindVendor, beside)
		}
	}
	for _, m := range matches(r.zh, "公司", "集团") {
		name := m.m[1]
		consider(trimZHLead(name[issuerStart(name):]), m.sent, KindVendor, true)
	}
	bodies := matches(r.agencyOf, "Ministry of", "Department of", "Office of")
	bodies = append(bodies, matches(r.agency, "Ministry", "Authority", "Commission", "Court", "Regulator", "Tribunal", "Inspectorate")...)
	for _, m := range bodies {
		// A body's name has a word besides its form ("the Commission" is a reference back) and
		// is not a headline run of capitals.
		name := trimLeadingStopwords(m.m[1])
		if n := len(strings.Fields(name)); n < 2 || n > 7 || strings.Contains(name, "'s ") || strings.Contains(name, "’s ") {
			continue
		}
		consider(name, m.sent, KindAgency, true)
	}
	return out
}

// zhLeads are words that stand before a company's name in a sentence: 同时要求X公司, 因X公司, 对X公司.
var zhLeads = []string{"包括", "涉及", "同时要求", "要求", "责令", "对于", "对", "因", "向", "与", "及", "将", "把", "被", "由", "据", "从", "在", "称", "表示"}

// trimZHLead cuts a Chinese company name after the last lead word in it, while a name of at least
// four characters is left.
func trimZHLead(name string) string {
	for {
		cut := false
		for _, w := range zhLeads {
			if i := strings.Index(name, w); i >= 0 && utf8.RuneCountInString(name[i+len(w):]) >= 6 {
				name, cut = name[i+len(w):], true
			}
		}
		if !cut {
			return name
		}
	}
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
