package index

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/bantrack/bantrack/article"
)

func TestRebuild(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(context.Background(), fixtures()...); err != nil {
		t.Fatal(err)
	}
	// An index from an older mapping: Open refuses it, Rebuild fixes it.
	if err := ix.bi.SetInternal([]byte(keyMappingVersion), []byte("0")); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	if _, err := Open(dir); !errors.Is(err, ErrMappingVersion) {
		t.Fatalf("Open(old mapping) error = %v; want ErrMappingVersion", err)
	}

	// The transform stands for a new extraction: Fortinet becomes a target everywhere it is named.
	st, err := Rebuild(context.Background(), dir, func(a article.Article) article.Article {
		if slices.Contains(a.Vendors, "Fortinet") && !slices.Contains(a.Ban.Targets, "Fortinet") {
			a.Ban.Targets = append(a.Ban.Targets, "Fortinet")
		}
		return a
	})
	if err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	if st.Docs != len(fixtures()) || st.OldVersion != 0 {
		t.Errorf("Rebuild stats = %+v; want %d docs from version 0", st, len(fixtures()))
	}
	ix, err = Open(dir)
	if err != nil {
		t.Fatalf("Open after Rebuild: %v", err)
	}
	defer ix.Close()
	res, err := ix.Search(context.Background(), Request{Targets: []string{"Fortinet"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sorted(ids(res)), []string{"en-ban", "en-earnings"}; !slices.Equal(got, want) {
		t.Errorf("targets Fortinet after Rebuild = %v; want %v", got, want)
	}
	got, err := ix.Get("zh-micron")
	if err != nil {
		t.Fatal(err)
	}
	if want := fixtures()[2]; !reflect.DeepEqual(got, want) {
		t.Errorf("Get after Rebuild = %+v; want %+v", got, want)
	}
	for _, p := range []string{dir + ".new", dir + ".old"} {
		if _, err := OpenExisting(p, true); !errors.Is(err, ErrNoIndex) {
			t.Errorf("OpenExisting(%s) error = %v; want ErrNoIndex (left behind)", p, err)
		}
	}
}

func TestReindexErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Reindex(context.Background(), filepath.Join(dir, "none"), filepath.Join(dir, "new"), nil); !errors.Is(err, ErrNoIndex) {
		t.Errorf("Reindex(missing) error = %v; want ErrNoIndex", err)
	}
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for _, p := range []string{a, b} {
		ix, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		ix.Close()
	}
	if _, err := Reindex(context.Background(), a, b, nil); err == nil {
		t.Error("Reindex into an existing index succeeded; want an error")
	}
}

// TestRebuildVersion3 builds an index the way mapping version 3 did (its
// text analyser a chain of bleve components and bantrack's legacy filters),
// then checks that Rebuild can still read it and that searches work after.
func TestRebuildVersion3(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	if err := addVersion3Analyzer(m); err != nil {
		t.Fatal(err)
	}
	m.DefaultAnalyzer = "bantrack_text"
	for _, f := range []string{fieldText, fieldTitle} {
		m.DefaultMapping.Properties[f].Fields[0].Analyzer = "bantrack_text"
	}
	bi, err := bleve.New(dir, m)
	if err != nil {
		t.Fatal(err)
	}
	old := &Index{bi: bi, path: dir}
	if err := old.Put(context.Background(), fixtures()...); err != nil {
		t.Fatal(err)
	}
	if err := bi.SetInternal([]byte(keyMappingVersion), []byte("3")); err != nil {
		t.Fatal(err)
	}
	if err := bi.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); !errors.Is(err, ErrMappingVersion) {
		t.Fatalf("Open(version 3) error = %v; want ErrMappingVersion", err)
	}
	st, err := Rebuild(context.Background(), dir, nil)
	if err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	if st.Docs != len(fixtures()) || st.OldVersion != 3 {
		t.Errorf("Rebuild stats = %+v; want %d docs from version 3", st, len(fixtures()))
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatalf("Open after Rebuild: %v", err)
	}
	defer ix.Close()
	for q, want := range map[string][]string{
		`"Palo Alto Networks"`: {"en-ban"},
		`网络安全审查`:               {"zh-micron"},
	} {
		res, err := ix.Search(context.Background(), Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		if got := sorted(ids(res)); !slices.Equal(got, want) {
			t.Errorf("search %s after Rebuild = %v; want %v", q, got, want)
		}
	}
}

// TestRebuildVersion5 builds an index as mapping version 5 named it (text
// analysed by bantrack_text_v4, no term vectors), then checks that Rebuild
// reads it and that exact phrases work after.
func TestRebuildVersion5(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	m.DefaultAnalyzer = textAnalyzerV4
	for _, f := range []string{fieldText, fieldTitle} {
		m.DefaultMapping.Properties[f].Fields[0].Analyzer = textAnalyzerV4
		m.DefaultMapping.Properties[f].Fields[0].IncludeTermVectors = false
	}
	bi, err := bleve.New(dir, m)
	if err != nil {
		t.Fatal(err)
	}
	old := &Index{bi: bi, path: dir}
	if err := old.Put(context.Background(), fixtures()...); err != nil {
		t.Fatal(err)
	}
	if err := bi.SetInternal([]byte(keyMappingVersion), []byte("5")); err != nil {
		t.Fatal(err)
	}
	if err := bi.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); !errors.Is(err, ErrMappingVersion) {
		t.Fatalf("Open(version 5) error = %v; want ErrMappingVersion", err)
	}
	st, err := Rebuild(context.Background(), dir, nil)
	if err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	if st.Docs != len(fixtures()) || st.OldVersion != 5 {
		t.Errorf("Rebuild stats = %+v; want %d docs from version 5", st, len(fixtures()))
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatalf("Open after Rebuild: %v", err)
	}
	defer ix.Close()
	res, err := ix.Search(context.Background(), Request{Query: `"Palo Alto Networks"`})
	if err != nil {
		t.Fatal(err)
	}
	if got := sorted(ids(res)); !slices.Equal(got, []string{"en-ban"}) {
		t.Errorf(`search "Palo Alto Networks" after Rebuild = %v; want [en-ban]`, got)
	}
}
