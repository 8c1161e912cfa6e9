package extract

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bantrack/bantrack/article"
)

// Analyze extracts vendors, agencies, countries, dates, the ban event, document numbers and
// candidate organisation names from an article. published resolves relative dates ("last month",
// "上月", "on Sunday"); when it is zero they are left out. Both languages are always looked for,
// since Chinese articles name foreign firms in English and English ones quote Chinese names.
func (g *Gazetteer) Analyze(title, text string, published time.Time) article.Entities {
	// Output is valid UTF-8 whatever comes in: invalid bytes become U+FFFD.
	title, text = strings.ToValidUTF8(title, "\uFFFD"), strings.ToValidUTF8(text, "\uFFFD")
	text = cutRelated(text)
	src := title
	if title != "" && text != "" {
		src += "\n\n"
	}
	src += text
	nt := normalize(src)
	ms := g.scan(nt, src)
	sents := sentences(src)
	titleEnd := len(title)

	var e article.Entities
	add := func(list *[]string, name string) {
		if !slices.Contains(*list, name) {
			*list = append(*list, name)
		}
	}
	facts := make([]sentenceFacts, len(sents))
	for i, s := range sents {
		facts[i].span = s
		facts[i].title = s.start < titleEnd
	}
	// sentenceOf maps a normalised offset to the index of its sentence, or -1.
	sentenceOf := func(pos int) int {
		o := int(nt.off[pos])
		i := sort.Search(len(sents), func(i int) bool { return sents[i].end > o })
		if i < len(sents) && sents[i].start <= o {
			return i
		}
		return -1
	}
	// Bodies formed from a place or country and an office (上海市网信办, 法国内政部): the office's
	// word alone (网信办, 外交部) is then not the national body the gazetteer knows by it.
	bodies := g.bodies.find(g, src)
	for _, b := range bodies {
		add(&e.Agencies, b.name)
		if !b.known && !slices.Contains(e.Unknown, b.name) {
			e.Unknown = append(e.Unknown, b.name)
		}
		j := sort.Search(len(sents), func(j int) bool { return sents[j].end > b.start })
		if j < len(facts) && sents[j].start <= b.start {
			facts[j].agency = true
		}
	}
	inBody := func(m mention) bool {
		s := int(nt.off[m.start])
		return slices.ContainsFunc(bodies, func(b body) bool { return b.start <= s && s < b.end })
	}
	// A country inside a company's name is not the country named: "Taiwan Semiconductor
	// Manufacturing", 西班牙电信.
	var vendorSpans []mention
	for _, m := range ms {
		if m.pat.group == groupEntity && g.entities[m.pat.entity].Kind == KindVendor {
			vendorSpans = append(vendorSpans, m)
		}
	}
	inVendor := func(m mention) bool {
		return slices.ContainsFunc(vendorSpans, func(v mention) bool { return v.start <= m.start && m.end <= v.end })
	}
	triggers, cues := g.triggers, g.cues
	var futures, pasts []int // normalised offsets of future ("will", "将") and past ("had", "此前") cues, in text order
	for _, m := range ms {
		si := sentenceOf(m.start)
		var f *sentenceFacts
		if si >= 0 {
			f = &facts[si]
		}
		switch m.pat.group {
		case groupEntity:
			ent := g.entities[m.pat.entity]
			if ent.Kind == KindAgency && len(bodies) > 0 && inBody(m) {
				continue
			}
			if ent.Kind == KindVendor {
				add(&e.Vendors, ent.Name)
				if f != nil {
					f.vendors = append(f.vendors, vendorMention{name: ent.Name, m: m})
				}
			} else {
				add(&e.Agencies, ent.Name)
				if f != nil {
					f.agency = true
				}
			}
		case groupCountry:
			if inVendor(m) {
				continue
			}
			add(&e.Countries, g.entities[m.pat.entity].Name)
			if f != nil {
				f.country = true
			}
		case groupTrigger:
			if f != nil {
				t := triggers[m.pat.entity]
				if t.action == "" {
					continue
				}
				f.trigger = true
				f.triggers++
				if before := nt.s[max(0, m.start-5):m.start]; strings.HasSuffix(before, "the ") || strings.HasSuffix(before, "this ") {
					f.refTriggers++
				}
				f.strong = f.strong || t.strong
				if !slices.Contains(f.actions, t.action) {
					f.actions = append(f.actions, t.action)
				}
			}
		case groupCue:
			if f != nil {
				switch cues[m.pat.entity].kind {
				case cueActor:
					f.actor = true
				case cueObject:
					f.object = true
				case cueNegation:
					f.negation = true
				case cueFuture:
					f.future = true
					futures = append(futures, m.start)
				case cuePast:
					pasts = append(pasts, m.start)
				case cueReference:
					f.refers = true
				case cueList:
					f.lists = true
				case cueDate:
					f.dated = true
				}
			}
		}
	}
	// Organisations the gazetteer lacks: every candidate is listed; those named with strong
	// evidence become vendors or agencies under their name as written, listed in Unknown too, and
	// count in their sentence's ban score (a vendor named by a measure is a target).
	for _, c := range g.cands.find(g, src, sents) {
		e.Candidates = append(e.Candidates, c.name)
		if !c.strong {
			continue
		}
		e.Unknown = append(e.Unknown, c.name)
		var f *sentenceFacts
		if c.sent >= 0 && c.sent < len(facts) {
			f = &facts[c.sent]
		}
		if c.kind == KindAgency {
			// "Federal Ministry of the Interior" inside "Federal Ministry of the Interior (Germany)".
			if slices.ContainsFunc(bodies, func(b body) bool { return strings.Contains(b.name, c.name) }) {
				e.Unknown = slices.DeleteFunc(e.Unknown, func(n string) bool { return n == c.name })
				continue
			}
			add(&e.Agencies, c.name)
			if f != nil {
				f.agency = true
			}
			continue
		}
		add(&e.Vendors, c.name)
		// Every sentence that names it, not only the one where a pattern found it: a heading in
		// title case, a sentence that only repeats the name.
		for from := 0; from < len(src); {
			i := strings.Index(src[from:], c.name)
			if i < 0 {
				break
			}
			at := from + i
			from = at + len(c.name)
			j := sort.Search(len(sents), func(j int) bool { return sents[j].end > at })
			if j < len(facts) && sents[j].start <= at && !slices.Contains(facts[j].unknown, c.name) {
				facts[j].unknown = append(facts[j].unknown, c.name)
			}
		}
	}
	// A measure without firms of its own may refer back to those just named ("these three
	// companies", 上述企业); it then falls on something, and takes their names (banFrom).
	for i := range facts {
		f := &facts[i]
		if !f.trigger || len(f.vendors) > 0 || len(f.unknown) > 0 {
			continue
		}
		lo, _ := slices.BinarySearch(nt.off, int32(f.start))
		hi, _ := slices.BinarySearch(nt.off, int32(f.end))
		if refersToFirms(g.anaphor, nt.s[min(lo, len(nt.s)):min(hi, len(nt.s))]) {
			f.anaphor, f.object = true, true
		}
	}
	e.Ban = banFrom(facts, nt, src)
	// A date's tense is that of the nearest tense cue before it in its sentence: "will visit in
	// April" is future, "said on Sunday it would appeal" and "restricted in April and will review"
	// are not; "had warned in November" is past.
	e.Dates = g.dates.find(nt, src, published, func(pos int) int {
		si := sentenceOf(pos)
		if si < 0 {
			return 0
		}
		best, tense := -1, 0
		for _, list := range [2]struct {
			at    []int
			tense int
		}{{futures, 1}, {pasts, -1}} {
			i, _ := slices.BinarySearch(list.at, pos)
			if i > 0 && list.at[i-1] > best && sentenceOf(list.at[i-1]) == si {
				best, tense = list.at[i-1], list.tense
			}
		}
		if tense == 0 && pastVerbBefore(nt.s[max(sentStartNorm(nt, sents[si]), pos-48):pos]) {
			tense = -1
		}
		return tense
	})
	e.DocNumbers = g.docs.find(nt, src)
	return e
}

// pastVerbBefore reports whether the words before a date hold an English verb in the past tense
// ("restricted its sale in", "was named on"): a regular -ed form or a common irregular one.
func pastVerbBefore(s string) bool {
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !('a' <= r && r <= 'z') }) {
		switch w {
		case "said", "was", "were", "did", "took", "made", "won", "began", "sold", "told", "gave", "met", "held", "wrote", "put":
			return true
		case "based", "need", "needed", "proceed", "speed", "united", "limited", "related", "advanced", "detailed", "embedded",
			"feed", "seed", "indeed", "red", "expected", "planned", "scheduled", "proposed", "intended", "listed", "armed", "skilled":
			continue
		}
		if len(w) >= 5 && strings.HasSuffix(w, "ed") {
			return true
		}
	}
	return false
}

// cutRelated drops a list of links to other articles from the end of a text: what follows
// "相关链接" or "Related stories" in its second half names other events.
func cutRelated(text string) string {
	half := len(text) / 2
	for _, m := range [...]string{"相关链接", "相关阅读", "相关新闻", "延伸阅读", "相关文章", "相關連結", "相關新聞",
		"Related articles", "Related Articles", "Related stories", "Related Stories", "Related coverage", "Related links",
		"Related Links", "Related news", "Read more:", "See also:"} {
		if i := strings.Index(text[half:], m); i >= 0 && half+i > 0 {
			text = text[:half+i]
			half = min(half, len(text)/2)
		}
	}
	return text
}
