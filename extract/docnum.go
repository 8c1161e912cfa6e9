package extract

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
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

// docWindow bounds how far before its 号 a document number with its issuer's name can start:
// 24 ideographs of issuer (3 bytes each) and the number itself.
const docWindow = 24*3 + 40

// find returns the document numbers in nt as written in src, each once, in text order.
func (r *docRules) find(nt normText, src string) []string {
	type found struct {
		start int
		text  string
	}
	var all []found
	add := func(re *regexp.Regexp, text string, base int, withPrefix bool) {
		for _, loc := range re.FindAllStringSubmatchIndex(text, -1) {
			s, e := base+loc[0], base+loc[1]
			if withPrefix {
				s = base + loc[2] + issuerStart(text[loc[2]:loc[3]])
			}
			if slices.ContainsFunc(all, func(f found) bool { return f.start == s }) {
				continue
			}
			all = append(all, found{s, strings.TrimSpace(src[nt.off[s]:nt.off[e]])})
		}
	}
	// The Chinese patterns all end in 号 and reach at most docWindow bytes before it, so they run
	// on a window before each 号 rather than over the whole text: the optional issuer prefix makes
	// an unanchored scan try every position.
	for from := 0; ; {
		i := strings.Index(nt.s[from:], "号")
		if i < 0 {
			break
		}
		end := from + i + len("号")
		start := max(0, end-docWindow)
		for start < end && !utf8.RuneStart(nt.s[start]) {
			start++
		}
		w := nt.s[start:end]
		add(r.notice, w, start, true)
		add(r.order, w, start, true)
		add(r.bracket, w, start, true)
		from = end
	}
	if strings.Contains(nt.s, "fr ") {
		add(r.fr, nt.s, 0, false)
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
