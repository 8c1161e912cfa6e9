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
	triggers, cues := g.triggers, g.cues
	var futures []int // normalised offsets of future cues ("will", "将"), in text order
	for _, m := range ms {
		si := sentenceOf(m.start)
		var f *sentenceFacts
		if si >= 0 {
			f = &facts[si]
		}
		switch m.pat.group {
		case groupEntity:
			ent := g.entities[m.pat.entity]
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
			add(&e.Agencies, c.name)
			if f != nil {
				f.agency = true
			}
			continue
		}
		add(&e.Vendors, c.name)
		if f != nil {
			f.unknown = append(f.unknown, c.name)
		}
	}
	e.Ban = banFrom(facts, nt, src)
	// A date is in the future when a future cue stands before it in its sentence ("will visit in
	// April"), not when one follows it ("said on Sunday it would appeal", "restricted in April and
	// will review").
	e.Dates = g.dates.find(nt, src, published, func(pos int) bool {
		si := sentenceOf(pos)
		if si < 0 || !facts[si].future {
			return false
		}
		for _, fp := range futures {
			if fp < pos && sentenceOf(fp) == si {
				return true
			}
		}
		return false
	})
	e.DocNumbers = g.docs.find(nt, src)
	return e
}
