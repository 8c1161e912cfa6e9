package pipeline

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bantrack/bantrack/archive"
	"github.com/bantrack/bantrack/state"
)

// TestRecoverArchive settles a compaction cut short between its rewrite and the removal of the
// original: the file the state points at stays, the other goes.
func TestRecoverArchive(t *testing.T) {
	for _, pointsAtRewrite := range []bool{false, true} {
		dir := t.TempDir()
		adir := filepath.Join(dir, "archive")
		st, err := state.Open(filepath.Join(dir, "state.db"))
		if err != nil {
			t.Fatal(err)
		}
		ar, err := archive.Open(adir, 0)
		if err != nil {
			t.Fatal(err)
		}
		w, err := ar.AppendAll([]archive.Exchange{
			{URL: "http://example.org/a", Status: 200, Body: []byte("kept")},
			{URL: "http://example.org/b", Status: 200, Body: []byte("dropped")},
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ar.Close()
		c, err := archive.Compact(adir, w.Responses[0].File, func(r archive.Record) bool {
			return r.Type != "response" || r.TargetURI == "http://example.org/a"
		})
		if err != nil || c.New == "" {
			t.Fatalf("compact: %+v, %v", c, err)
		}
		loc := w.Responses[0]
		if pointsAtRewrite {
			loc = c.Moved[loc.Offset]
		}
		v := state.Version{Fetched: time.Now(), SHA256: "x", Response: stateLoc(loc)}
		if err := st.MarkSeen(state.Doc{ID: "a", URL: "http://example.org/a", Versions: []state.Version{v}}); err != nil {
			t.Fatal(err)
		}
		if err := recoverArchive(adir, st); err != nil {
			t.Fatal(err)
		}
		st.Close()
		keep, gone := c.Old, c.New
		if pointsAtRewrite {
			keep, gone = c.New, c.Old
		}
		if _, err := os.Stat(filepath.Join(adir, keep)); err != nil {
			t.Errorf("state points at %s, recovery removed it", keep)
		}
		if _, err := os.Stat(filepath.Join(adir, gone)); !os.IsNotExist(err) {
			t.Errorf("recovery left %s beside %s", gone, keep)
		}
		body, err := archive.Body(adir, ArchiveLoc(v.Response))
		if err != nil || string(body) != "kept" {
			t.Errorf("the state's location reads %q, %v; want the kept page", body, err)
		}
	}
}

// TestRetainKeepsPagesTheIndexLacks runs retention, under a max_size nothing can meet, over an
// archive whose documents the index no longer holds (it was lost, and the crawl that comes
// before a reindex creates an empty one): the index cannot say which pages are evidence, so
// none of the documents' pages is dropped. Copies no document record names still are.
func TestRetainKeepsPagesTheIndexLacks(t *testing.T) {
	cfg := demoConfig(t)
	cfg.Archive.FileSize = 16 << 10
	dir := t.TempDir()
	st, err := OpenWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p := &Pipeline{Log: slog.New(slog.DiscardHandler), Config: cfg, Store: st}
	p.Crawl(ctx, cfg.Sources)
	p = &Pipeline{Log: slog.New(slog.DiscardHandler), Config: cfg, Store: st, Refresh: true}
	p.Crawl(ctx, cfg.Sources) // every page again: copies with no document record
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{liveName(dir), defaultIndexName} {
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if st, err = OpenWriter(dir); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	adir := ArchivePath(dir)
	before, _ := archive.Size(adir)
	cfg.Archive.MaxSize = 64 << 10
	p = &Pipeline{Log: slog.New(slog.DiscardHandler), Config: cfg, Store: st}
	rs, err := p.Retain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rs.Dropped == 0 || rs.After >= before {
		t.Errorf("retention dropped %d records (%d bytes → %d); want the copies no document record names dropped", rs.Dropped, before, rs.After)
	}
	pages := 0
	err = st.State.SeenDocs(func(d state.Doc) error {
		for i, v := range d.Versions {
			pages++
			if v.Dropped {
				t.Errorf("%s version %d: its page was dropped, though the index could not say it is not evidence", d.ID, i+1)
				continue
			}
			body, err := archive.Body(adir, ArchiveLoc(v.Response))
			if err != nil || sha256Hex(body) != v.SHA256 {
				t.Errorf("%s version %d: page at %+v: %v", d.ID, i+1, v.Response, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages < 10 {
		t.Fatalf("%d pages recorded; want the fixture articles", pages)
	}
}
