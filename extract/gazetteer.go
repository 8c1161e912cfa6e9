package extract

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/bantrack/bantrack/article"
	"gopkg.in/yaml.v3"
)

//go:embed gazetteer.yaml
var gazetteerYAML []byte

// Entity kinds, as Resolve and Aliases take them.
const (
	KindVendor  = "vendor"
	KindAgency  = "agency"
	KindCountry = "country"
)

// Entity is one gazetteer entry.
type Entity struct {
	Kind    string   // vendor, agency or country
	Name    string   // the canonical English name
	Aliases []string // every alias as written in the gazetteer, the name first; weak aliases last
	Parent  string   // the parent company or parent agency, by canonical name; empty when none
	Country string   // vendors and agencies: home country's canonical name, if known
	Sector  string   // vendors: security, cloud, chip, telecom, software, hardware, surveillance, app...
}

// Gazetteer knows vendors, agencies and countries by all their names and finds them in text.
// It is immutable once built and safe for concurrent use.
type Gazetteer struct {
	entities []Entity
	byName   map[string]int // kind + "\x00" + normalised alias or name → index in entities
	patterns []pattern
	ac       *automaton
	triggers []trigger
	cues     []cue
	dates    *dateRules
	docs     *docRules
	cands    *candRules
	bodies   *bodyRules
	anaphor  *regexp.Regexp
}

// group says which matches compete for the same stretch of text.
type group uint8

const (
	groupEntity  group = iota // vendors and agencies
	groupCountry              // countries, which may sit inside a vendor's or agency's name
	groupTrigger              // ban-action phrases
	groupCue                  // context words for ban scoring and target selection
	numGroups
)

// pattern is one string the automaton looks for.
type pattern struct {
	group  group
	entity int    // index in Gazetteer.entities, or in triggers/cues by group
	alias  string // as written in the gazetteer
	norm   string // normalised form, what is matched
	exact  bool   // the source text must have the alias's exact case
	weak   bool   // counts only if the same entity is named by another alias in the text
	left   bool   // the alias starts with a word rune: the text must have a boundary before it
	right  bool   // the alias ends with a word rune: the text must have a boundary after it
	avoid  []avoidance
}

// avoidance is a longer phrase containing an alias, in which the alias does not name the entity:
// the alias starts at byte at of phrase.
type avoidance struct {
	phrase string
	at     int
}

// gazetteerFile is the layout of gazetteer.yaml.
type gazetteerFile struct {
	Vendors   []entryYAML `yaml:"vendors"`
	Agencies  []entryYAML `yaml:"agencies"`
	Countries []entryYAML `yaml:"countries"`
}

type entryYAML struct {
	Name       string   `yaml:"name"`
	Aliases    []string `yaml:"aliases"`    // matched in any case
	ZH         []string `yaml:"zh"`         // Chinese names
	Adjectives []string `yaml:"adjectives"` // countries: American, 美方...
	Exact      []string `yaml:"exact"`      // matched only in exactly this case ("US", "Apple")
	Weak       []string `yaml:"weak"`       // exact case, and only when the entity is named otherwise too
	Avoid      []string `yaml:"avoid"`      // phrases in which an alias means something else
	Parent     string   `yaml:"parent"`
	Country    string   `yaml:"country"`
	Sector     string   `yaml:"sector"`
}

// Default returns the gazetteer embedded in the program. It is built once.
func Default() *Gazetteer {
	return defaultGazetteer()
}

var defaultGazetteer = sync.OnceValue(func() *Gazetteer {
	g, err := ParseGazetteer(gazetteerYAML)
	if err != nil {
		// The embedded file is checked by the package's tests; this cannot happen in a built binary.
		panic(fmt.Sprintf("extract: embedded gazetteer: %v", err))
	}
	return g
})

// Analyze extracts entities, dates, ban events and document numbers with the default gazetteer.
// See Gazetteer.Analyze.
func Analyze(title, text string, published time.Time) article.Entities {
	return Default().Analyze(title, text, published)
}

// ParseGazetteer builds a gazetteer from YAML of the layout of the embedded gazetteer.yaml.
// Every problem found is reported, joined.
func ParseGazetteer(data []byte) (*Gazetteer, error) {
	var f gazetteerFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	return build(f)
}

// build makes a gazetteer of the entries of f.
func build(f gazetteerFile) (*Gazetteer, error) {
	g := &Gazetteer{byName: map[string]int{}}
	var errs []error
	var countriesZH []string
	add := func(kind string, entries []entryYAML) {
		for _, e := range entries {
			if strings.TrimSpace(e.Name) == "" {
				errs = append(errs, fmt.Errorf("gazetteer: %s without a name (aliases %v)", kind, e.Aliases))
				continue
			}
			idx := len(g.entities)
			if kind == KindCountry {
				countriesZH = append(countriesZH, e.ZH...)
			}
			ent := Entity{Kind: kind, Name: e.Name, Parent: e.Parent, Country: e.Country, Sector: e.Sector}
			seen := map[string]bool{}
			type alias struct {
				text        string
				exact, weak bool
			}
			var all []alias
			// The name is matched in any case unless it is also listed as exact or weak.
			if !slices.Contains(e.Exact, e.Name) && !slices.Contains(e.Weak, e.Name) {
				all = append(all, alias{text: e.Name})
			}
			for _, a := range e.Aliases {
				all = append(all, alias{text: a})
			}
			for _, a := range e.ZH {
				all = append(all, alias{text: a})
			}
			for _, a := range e.Adjectives {
				all = append(all, alias{text: a})
			}
			for _, a := range e.Exact {
				all = append(all, alias{text: a, exact: true})
			}
			for _, a := range e.Weak {
				all = append(all, alias{text: a, exact: true, weak: true})
			}
			var avoid []string
			for _, p := range e.Avoid {
				avoid = append(avoid, normalizeAlias(p))
			}
			for _, a := range all {
				n := normalizeAlias(a.text)
				if n == "" {
					errs = append(errs, fmt.Errorf("gazetteer: %s %q: empty alias", kind, e.Name))
					continue
				}
				key := a.text
				if !a.exact {
					key = n
				}
				if seen[key] {
					continue
				}
				seen[key] = true
				ent.Aliases = append(ent.Aliases, a.text)
				k := kind + "\x00" + n
				if j, ok := g.byName[k]; ok && j != idx {
					errs = append(errs, fmt.Errorf("gazetteer: %s alias %q names both %q and %q", kind, a.text, g.entities[j].Name, e.Name))
					continue
				}
				// A weak alias is not a name to resolve ("Palo Alto" is a city), except an acronym:
				// a user asking for "RTX" means RTX Corporation.
				if !a.weak || strings.ToUpper(a.text) == a.text {
					g.byName[k] = idx
				}
				grp := groupEntity
				if kind == KindCountry {
					grp = groupCountry
				}
				p := newPattern(grp, idx, a.text, n)
				p.exact, p.weak = a.exact, a.weak
				for _, ph := range avoid {
					if at := strings.Index(ph, n); at >= 0 {
						p.avoid = append(p.avoid, avoidance{phrase: ph, at: at})
					}
				}
				g.patterns = append(g.patterns, p)
			}
			g.entities = append(g.entities, ent)
		}
	}
	add(KindVendor, f.Vendors)
	add(KindAgency, f.Agencies)
	add(KindCountry, f.Countries)
	// Every name must be unique within its kind, parents must be of the entity's kind, countries countries.
	names := map[string]bool{}
	for _, e := range g.entities {
		k := e.Kind + "\x00" + e.Name
		if names[k] {
			errs = append(errs, fmt.Errorf("gazetteer: %s %q listed twice", e.Kind, e.Name))
		}
		names[k] = true
	}
	for _, e := range g.entities {
		if e.Parent != "" && !names[e.Kind+"\x00"+e.Parent] {
			errs = append(errs, fmt.Errorf("gazetteer: %s %q: parent %q is not a %s's canonical name", e.Kind, e.Name, e.Parent, e.Kind))
		}
		if e.Country != "" && !names[KindCountry+"\x00"+e.Country] {
			errs = append(errs, fmt.Errorf("gazetteer: %s %q: country %q is not a country's canonical name", e.Kind, e.Name, e.Country))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	g.triggers, g.cues = triggerTable(), cueTable()
	g.dates, g.docs, g.cands, g.bodies = newDateRules(), newDocRules(), newCandRules(), newBodyRules(countriesZH)
	g.anaphor = anaphorRE()
	for i, t := range g.triggers {
		for _, phrase := range t.phrases {
			g.patterns = append(g.patterns, newPattern(groupTrigger, i, phrase, normalizeAlias(phrase)))
		}
	}
	for i, c := range g.cues {
		for _, phrase := range c.phrases {
			g.patterns = append(g.patterns, newPattern(groupCue, i, phrase, normalizeAlias(phrase)))
		}
	}
	norms := make([]string, len(g.patterns))
	for i, p := range g.patterns {
		norms[i] = p.norm
	}
	g.ac = newAutomaton(norms)
	return g, nil
}

func newPattern(grp group, entity int, alias, n string) pattern {
	first, _ := utf8.DecodeRuneInString(n)
	last, _ := utf8.DecodeLastRuneInString(n)
	return pattern{group: grp, entity: entity, alias: alias, norm: n, left: isWordRune(first), right: isWordRune(last)}
}

// Resolve returns the canonical English name of the vendor, agency or country that name is an
// alias of, in any case, English or Chinese. kind is "vendor", "agency" or "country".
func (g *Gazetteer) Resolve(kind, name string) (canonical string, ok bool) {
	i, ok := g.byName[kind+"\x00"+normalizeAlias(name)]
	if !ok {
		return "", false
	}
	return g.entities[i].Name, true
}

// Aliases returns the names under which the entity is known, the canonical name first, for query
// expansion. Weak aliases (such as "Palo Alto", also a city) are left out. canonical may be any
// alias. It returns nil for an unknown entity.
func (g *Gazetteer) Aliases(kind, canonical string) []string {
	i, ok := g.byName[kind+"\x00"+normalizeAlias(canonical)]
	if !ok {
		return nil
	}
	var out []string
	for _, p := range g.patterns {
		if p.entity == i && !p.weak && (p.group == groupEntity || p.group == groupCountry) {
			out = append(out, p.alias)
		}
	}
	return slices.Clip(out)
}

// Family returns the canonical name of the entity named by any alias, followed by the canonical
// names of every entity under it (subsidiaries of a vendor, offices of an agency), so that a filter
// on Broadcom also finds VMware and one on the Cyberspace Administration of China finds its
// Cybersecurity Review Office. ok is false for an unknown name.
func (g *Gazetteer) Family(kind, name string) (names []string, ok bool) {
	i, ok := g.byName[kind+"\x00"+normalizeAlias(name)]
	if !ok {
		return nil, false
	}
	names = []string{g.entities[i].Name}
	for n := 0; n < len(names); n++ { // breadth first: children of each name found so far
		for _, e := range g.entities {
			if e.Kind == kind && e.Parent == names[n] && !slices.Contains(names, e.Name) {
				names = append(names, e.Name)
			}
		}
	}
	return names, true
}

// Entity returns the gazetteer entry for a vendor, agency or country named by any alias.
func (g *Gazetteer) Entity(kind, name string) (Entity, bool) {
	i, ok := g.byName[kind+"\x00"+normalizeAlias(name)]
	if !ok {
		return Entity{}, false
	}
	e := g.entities[i]
	e.Aliases = slices.Clone(e.Aliases)
	return e, true
}

// Entities returns every entry of one kind, in gazetteer order.
func (g *Gazetteer) Entities(kind string) []Entity {
	var out []Entity
	for _, e := range g.entities {
		if e.Kind == kind {
			e.Aliases = slices.Clone(e.Aliases)
			out = append(out, e)
		}
	}
	return out
}
