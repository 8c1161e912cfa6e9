package pipeline

import (
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/bantrack/bantrack"
	"github.com/bantrack/bantrack/config"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/internal/fixture"
)

// demoConfig serves the fixture sites on loopback and returns the demo's feeds file for them.
func demoConfig(t *testing.T) *config.Config {
	t.Helper()
	_, cfg := demoSites(t)
	return cfg
}

// demoSites is demoConfig with the fixture server, for tests that change what it serves.
func demoSites(t *testing.T) (*fixture.Server, *config.Config) {
	t.Helper()
	sites, err := fs.Sub(bantrack.Fixtures(), "sites")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := fixture.Start(sites)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	raw, err := fs.ReadFile(bantrack.Fixtures(), "demo-feeds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("demo-feeds.yaml", srv.Render(raw))
	if err != nil {
		t.Fatal(err)
	}
	return srv, cfg
}

// openWriter opens a new data folder for writing in a temporary directory; it is closed when the
// test ends.
func openWriter(t *testing.T) (dir string, st *Store) {
	t.Helper()
	dir = t.TempDir()
	st, err := OpenWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return dir, st
}

// TestCrawlRecordsEverything crawls the fixture sites twice through the pipeline and checks what
// each stage left: documents in the index (once each), seen records, source health, the status
// snapshot, and an index closed between commits (a reader can open it while the store is open).
func TestCrawlRecordsEverything(t *testing.T) {
	cfg := demoConfig(t)
	dir, st := openWriter(t)
	var stages Stages
	p := &Pipeline{Log: slog.New(slog.DiscardHandler), Config: cfg, Store: st, Stages: &stages}
	ctx := context.Background()
	sums := p.Crawl(ctx, cfg.Sources)
	indexed := 0
	for _, s := range sums {
		if s.Err != nil {
			t.Errorf("source %s: %v", s.Source, s.Err)
		}
		indexed += s.Indexed
	}
	if indexed < 12 {
		t.Fatalf("indexed %d documents; want the fixture articles (12 or more)", indexed)
	}
	if stages.BanRelated == 0 || stages.Chinese == 0 {
		t.Errorf("stages counted %d ban-related and %d Chinese documents; want both above 0", stages.BanRelated, stages.Chinese)
	}

	// The store is still open, yet a reader gets the index: the writer holds it only per commit.
	ix, err := index.OpenReader(ctx, st.IndexPath())
	if err != nil {
		t.Fatalf("reader beside an open store: %v", err)
	}
	n, err := ix.Count()
	ix.Close()
	if err != nil {
		t.Fatal(err)
	}
	seen, err := st.State.SeenCount()
	if err != nil {
		t.Fatal(err)
	}
	if int(n) > seen {
		t.Errorf("index holds %d documents but only %d are recorded as seen", n, seen)
	}
	for _, src := range cfg.Sources {
		h, err := st.State.Health(src.Name)
		if err != nil {
			t.Fatal(err)
		}
		if h.LastRun.IsZero() {
			t.Errorf("source %s: no health recorded", src.Name)
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, StatusFile))
	if err != nil {
		t.Fatalf("status snapshot: %v", err)
	}
	var rep Status
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Index.Documents != n {
		t.Errorf("status snapshot counts %d documents; the index holds %d", rep.Index.Documents, n)
	}

	// A second crawl of the unchanged sites adds nothing.
	p2 := &Pipeline{Log: slog.New(slog.DiscardHandler), Config: cfg, Store: st, Refresh: true}
	for _, s := range p2.Crawl(ctx, cfg.Sources) {
		if s.Err != nil {
			t.Errorf("refresh: source %s: %v", s.Source, s.Err)
		}
	}
	ix, release, err := st.UseIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n2, err := ix.Count()
	release()
	if err != nil {
		t.Fatal(err)
	}
	if n2 != n {
		t.Errorf("after a refresh the index holds %d documents; want the same %d", n2, n)
	}
}
