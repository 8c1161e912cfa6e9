package extract

import (
	"regexp"
	"slices"
	"strings"
)

// docRules find official document numbers, matched on normalised text: 〔2025〕1号 with its
// issuer's prefix, 商务部公告2025年第N号, 国家互联网信息办公室令第N号, and US Federal Register
// numbers (FR Doc. 2024-12345, 89 FR 12345).
type docRules struct {
	bracket *regexp.Regexp
	notice  *regexp.Regexp
	order   *regexp.Regexp
	fr      *regexp.Regexp
}

func newDocRules() *docRules {
	return &docRules{
		bracket: regexp.MustCompile(`(\p{Han}{0,24}) ?[〔\[(【［] ?\d{4} ?[〕\])】］] ?\d{1,4} ?号`),
		notice:  regexp.MustCompile(`(\p{Han}{0,24}公告) ?\d{4} ?年 ?第 ?\d{1,4} ?号`),
		order:   regexp.MustCompile(`(\p{Han}{0,24}令) ?(?:\d{4} ?年 ?)?第 ?\d{1,4} ?号`),
		fr:      regexp.MustCompile(`\b(?:fr doc\.? ?(?:no\.? ?)?\d{4}-\d{3,6}|\d{2,3} fr \d{3,6})\b`),
	}
}

// find returns the document numbers in nt as written in src, each once, in text order.
func (r *docRules) find(nt normText, src string) []string {
	type found struct {
		start int
		text  string
	}
	var all []found
	add := func(re *regexp.Regexp, withPrefix bool) {
		for _, loc := range re.FindAllStringSubmatchIndex(nt.s, -1) {
			s, e := loc[0], loc[1]
			if withPrefix {
				s = loc[2] + issuerStart(nt.s[loc[2]:loc[3]])
			}
			for _, f := range all {
				if f.start == s {
					return
				}
			}
			all = append(all, found{s, strings.TrimSpace(src[nt.off[s]:nt.off[e]])})
		}
	}
	if strings.Contains(nt.s, "号") {
		add(r.notice, true)
		add(r.order, true)
		add(r.bracket, true)
	}
	if strings.Contains(nt.s, "fr ") {
		add(r.fr, false)
	}
	slices.SortFunc(all, func(a, b found) int { return a.start - b.start })
	var out []string
	for _, f := range all {
		if !slices.Contains(out, f.text) {
			out = append(out, f.text)
		}
	}
	return out
}

// issuerStart returns where the issuer's name begins in the run of ideographs before a number:
// after the last verb, preposition or particle that cannot be part of it.
func issuerStart(run string) int {
	best := 0
	for _, w := range []string{"根据", "依据", "按照", "依照", "发布", "印发", "公布", "出台", "通过", "关于",
		"即", "的", "了", "和", "及", "与", "在", "对", "于", "据", "是", "为", "以", "见", "称", "将", "并", "按", "照"} {
		if i := strings.LastIndex(run, w); i >= 0 && i+len(w) > best {
			best = i + len(w)
		}
	}
	return best
}
