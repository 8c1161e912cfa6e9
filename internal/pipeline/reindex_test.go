package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/index"
)

// TestIndexMigration: a folder whose index.bleve is a real directory (from before the link) is
// moved aside and linked; a kill between the two steps leaves the index findable by readers
// and is repaired by recoverIndex; switchIndex then replaces the link in one step.
func TestIndexMigration(t *testing.T) {
	dir := t.TempDir()
	ix, err := index.Open(filepath.Join(dir, "index.bleve"))
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(context.Background(), article.Article{ID: "a1", URL: "http://example.org/a", Title: "t", Text: "text", Fetched: time.Now()}); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	count := func() uint64 {
		t.Helper()
		r, err := OpenReader(context.Background(), dir, time.Second)
		if err != nil {
			t.Fatalf("reader: %v", err)
		}
		defer r.Close()
		n, _ := r.Count()
		return n
	}
	// The kill between the two steps: moved aside, not linked yet.
	if err := os.Rename(filepath.Join(dir, "index.bleve"), filepath.Join(dir, legacyIndexName)); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 1 {
		t.Fatalf("a reader between the steps found %d documents; want the moved index's 1", n)
	}
	if err := recoverIndex(dir); err != nil {
		t.Fatal(err)
	}
	if target, err := os.Readlink(filepath.Join(dir, "index.bleve")); err != nil || target != legacyIndexName {
		t.Fatalf("after recovery index.bleve links to %q (%v); want %s", target, err, legacyIndexName)
	}
	if n := count(); n != 1 {
		t.Fatalf("after recovery: %d documents; want 1", n)
	}
	// A new index made live by replacing the link.
	nix, err := index.Open(filepath.Join(dir, "index-new.bleve"))
	if err != nil {
		t.Fatal(err)
	}
	nix.Close()
	if err := switchIndex(dir, "index-new.bleve"); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 0 {
		t.Errorf("after the switch: %d documents; want the new, empty index", n)
	}
	removeStale(dir)
	if _, err := os.Stat(filepath.Join(dir, legacyIndexName)); !os.IsNotExist(err) {
		t.Errorf("removeStale kept the index no link names")
	}
	if _, err := os.Stat(filepath.Join(dir, "index-new.bleve")); err != nil {
		t.Errorf("removeStale removed the live index: %v", err)
	}
}
