package extract

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// userFields are the keys an entry of a user's gazetteer file may have.
var userFields = []string{"name", "aliases", "zh", "exact", "parent", "country", "sector"}

// LoadGazetteer returns the built-in gazetteer extended by the vendors and agencies of the YAML
// file at path:
//
//	vendors:
//	  - name: Raytheon Missiles & Defense
//	    aliases: [RMD, 雷神导弹与防务]
//	    parent: RTX Corporation
//	agencies:
//	  - name: Dutch Data Protection Authority
//	    aliases: [Autoriteit Persoonsgegevens]
//
// An entry whose name is already known adds its aliases (and parent) to that entity. A parent may
// be any name the gazetteer knows, or another entry of the file. Every problem is reported, each
// as "path:line: message", joined.
func LoadGazetteer(path string) (*Gazetteer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	return ExtendGazetteer(path, data)
}

// ExtendGazetteer is LoadGazetteer on data already read; name is used in messages.
func ExtendGazetteer(name string, data []byte) (*Gazetteer, error) {
	var base gazetteerFile
	if err := yaml.Unmarshal(gazetteerYAML, &base); err != nil {
		return nil, fmt.Errorf("gazetteer: embedded list: %w", err)
	}
	def := Default()
	var errs []error
	errf := func(n *yaml.Node, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s:%d: %s", name, n.Line, fmt.Sprintf(format, args...)))
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: invalid YAML: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return def, nil // an empty file adds nothing
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		errf(root, "want a mapping with vendors: and agencies:")
		return nil, errors.Join(errs...)
	}
	type userEntry struct {
		entryYAML
		line int
	}
	var added []userEntry // the entries of the file, their kinds in addedKind
	var addedKind []string
	lists := map[string]*[]entryYAML{KindVendor: &base.Vendors, KindAgency: &base.Agencies}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		var kind string
		switch k.Value {
		case "vendors":
			kind = KindVendor
		case "agencies":
			kind = KindAgency
		default:
			errf(k, "unknown field %q: a gazetteer file has vendors: and agencies:", k.Value)
			continue
		}
		if v.Kind != yaml.SequenceNode {
			errf(v, "%s: want a list of entries (- name: ...)", k.Value)
			continue
		}
		for _, en := range v.Content {
			if en.Kind != yaml.MappingNode {
				errf(en, "%s: each entry is a mapping with name: and aliases:", k.Value)
				continue
			}
			bad := false
			for j := 0; j+1 < len(en.Content); j += 2 {
				if f := en.Content[j].Value; !slices.Contains(userFields, f) {
					errf(en.Content[j], "unknown field %q; an entry has %s", f, strings.Join(userFields, ", "))
					bad = true
				}
			}
			var e entryYAML
			if err := en.Decode(&e); err != nil {
				errf(en, "%s", strings.TrimPrefix(err.Error(), "yaml: "))
				continue
			}
			if bad {
				continue
			}
			e.Name = strings.TrimSpace(e.Name)
			if e.Name == "" {
				errf(en, "%s entry without a name", kind)
				continue
			}
			if e.Country != "" {
				if c, ok := def.Resolve(KindCountry, e.Country); ok {
					e.Country = c
				} else {
					errf(en, "%s %q: country %q is not a country bantrack knows", kind, e.Name, e.Country)
					continue
				}
			}
			added = append(added, userEntry{e, en.Line})
			addedKind = append(addedKind, kind)
		}
	}
	// Names new to the gazetteer, so that parents may point at entries of the same file.
	fileNames := map[string]string{}
	for i, e := range added {
		fileNames[addedKind[i]+"\x00"+normalizeAlias(e.Name)] = e.Name
		for _, a := range e.Aliases {
			fileNames[addedKind[i]+"\x00"+normalizeAlias(a)] = e.Name
		}
	}
	for i, ue := range added {
		kind, e := addedKind[i], ue.entryYAML
		line := &yaml.Node{Line: ue.line}
		if e.Parent != "" {
			if p, ok := def.Resolve(kind, e.Parent); ok {
				e.Parent = p
			} else if p, ok := fileNames[kind+"\x00"+normalizeAlias(e.Parent)]; ok {
				e.Parent = p
			} else {
				errf(line, "%s %q: parent %q is neither a known %s nor an entry of this file; try `bantrack names %s`", kind, e.Name, e.Parent, kind, e.Parent)
				continue
			}
			if e.Parent == e.Name {
				errf(line, "%s %q is its own parent", kind, e.Name)
				continue
			}
		}
		// Aliases that already name another entity would make text ambiguous.
		conflict := false
		existing, known := def.Resolve(kind, e.Name)
		for _, a := range append([]string{e.Name}, slices.Concat(e.Aliases, e.ZH, e.Exact)...) {
			if other, ok := def.Resolve(kind, a); ok && (!known || other != existing) {
				errf(line, "%s %q: alias %q already names %q", kind, e.Name, a, other)
				conflict = true
			}
		}
		if conflict {
			continue
		}
		list := lists[kind]
		if known {
			j := slices.IndexFunc(*list, func(b entryYAML) bool { return b.Name == existing })
			b := &(*list)[j]
			b.Aliases = append(b.Aliases, e.Aliases...)
			if e.Name != existing {
				b.Aliases = append(b.Aliases, e.Name)
			}
			b.ZH = append(b.ZH, e.ZH...)
			b.Exact = append(b.Exact, e.Exact...)
			if e.Parent != "" {
				b.Parent = e.Parent
			}
			if e.Sector != "" {
				b.Sector = e.Sector
			}
			if e.Country != "" {
				b.Country = e.Country
			}
			continue
		}
		*list = append(*list, e)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	g, err := build(base)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return g, nil
}
