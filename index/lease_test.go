package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bantrack/bantrack/article"
)

// TestLeaseWritersAndReaders has 8 goroutines searching through one Shared reader and 4 through
// short OpenReader handles while a writer commits 30 times (open, Put, close). Every search must
// answer, every commit must get the index, and the last search must see every committed document.
// Run with -race.
func TestLeaseWritersAndReaders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.bleve")
	ix, closeFn, err := OpenWriter(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(context.Background(), fixtures()...); err != nil {
		t.Fatal(err)
	}
	if err := closeFn(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(WriterFile(path)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("writer file left after close: %v", err)
	}
	base := len(fixtures())

	shared := NewShared(path)
	defer shared.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	var stop atomic.Bool
	var searches, failures atomic.Int64
	var firstErr sync.Once
	var problem error
	fail := func(err error) {
		failures.Add(1)
		firstErr.Do(func() { problem = err })
	}
	var wg sync.WaitGroup
	for g := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				var ix *Index
				var done func()
				if g < 8 {
					var err error
					if ix, done, err = shared.Acquire(ctx); err != nil {
						fail(fmt.Errorf("shared acquire: %w", err))
						return
					}
				} else {
					var err error
					if ix, err = OpenReader(ctx, path); err != nil {
						fail(fmt.Errorf("open reader: %w", err))
						return
					}
					done = func() { ix.Close() }
				}
				res, err := ix.Search(ctx, Request{Query: "fortinet", Limit: 5})
				done()
				if err != nil {
					fail(fmt.Errorf("search: %w", err))
					return
				}
				if res.Total == 0 {
					fail(errors.New("search fortinet found nothing"))
				}
				searches.Add(1)
			}
		}()
	}

	const commits = 30
	for i := range commits {
		wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
		ix, closeFn, err := OpenWriter(wctx, path)
		wcancel()
		if err != nil {
			t.Fatalf("commit %d: %v", i, err)
		}
		a := article.Article{ID: fmt.Sprintf("lease-%02d", i), URL: fmt.Sprintf("https://example.org/%d", i),
			Source: "lease", Lang: "en", Title: "Commit " + fmt.Sprint(i), Text: "A notice about Fortinet."}
		if err := ix.Put(ctx, a); err != nil {
			t.Fatalf("commit %d: put: %v", i, err)
		}
		if err := closeFn(); err != nil {
			t.Fatalf("commit %d: close: %v", i, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop.Store(true)
	wg.Wait()
	if failures.Load() > 0 {
		t.Fatalf("%d reader failures beside the writer; first: %v", failures.Load(), problem)
	}
	if searches.Load() < commits {
		t.Errorf("only %d searches ran beside %d commits", searches.Load(), commits)
	}
	ix2, done, err := shared.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	n, err := ix2.Count()
	if err != nil {
		t.Fatal(err)
	}
	if want := uint64(base + commits); n != want {
		t.Errorf("after the commits the shared reader counts %d documents; want %d", n, want)
	}
	t.Logf("%d searches beside %d commits", searches.Load(), commits)
}

// TestStaleWriterFileIgnored: a writer killed with -9 leaves its announcement; readers must not
// wait for a process that is gone.
func TestStaleWriterFileIgnored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.bleve")
	ix, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	// A pid far above pid_max is never a live process.
	if err := os.WriteFile(WriterFile(path), []byte("99999999\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r, err := OpenReader(ctx, path)
	if err != nil {
		t.Fatalf("reader with a stale writer file: %v", err)
	}
	r.Close()
}

// TestSharedSeesRebuild: a Shared reader open on an index reads the new one once Rebuild (what
// bantrack reindex runs) has swapped it in, rather than the removed folder it holds open.
func TestSharedSeesRebuild(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.bleve")
	writeFixtures(t, path)
	shared := NewShared(path)
	defer shared.Close()
	ctx := context.Background()
	id := fixtures()[0].ID
	title := func() string {
		ix, done, err := shared.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer done()
		a, err := ix.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		return a.Title
	}
	before := title()
	if _, err := Rebuild(ctx, path, func(a article.Article) article.Article {
		a.Title = "rebuilt: " + a.Title
		return a
	}); err != nil {
		t.Fatal(err)
	}
	if got, want := title(), "rebuilt: "+before; got != want {
		t.Errorf("after Rebuild the shared reader reads %q; want %q", got, want)
	}
}
