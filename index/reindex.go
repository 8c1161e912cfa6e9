package index

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/blevesearch/bleve/v2"

	"github.com/bantrack/bantrack/article"
)

// ReindexStats says what Reindex did.
type ReindexStats struct {
	Docs       int // documents written to the new index
	OldVersion int // mapping version of the old index (0: none stored)
}

// Reindex reads every document stored in the index at oldPath, whatever its
// mapping version, passes it through transform (nil keeps it as is; it may
// re-run extraction, for a changed gazetteer), and writes the results to a
// new index at newPath under the current mapping. newPath must not hold an
// index yet. The old index is opened read-only and left unchanged.
func Reindex(ctx context.Context, oldPath, newPath string, transform func(article.Article) article.Article) (ReindexStats, error) {
	var st ReindexStats
	old, err := bleve.OpenUsing(oldPath, map[string]any{"read_only": true, "bolt_timeout": openTimeout.String()})
	if err != nil {
		if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) || errors.Is(err, bleve.ErrorIndexMetaMissing) {
			return st, fmt.Errorf("reindex %s: %w", oldPath, ErrNoIndex)
		}
		return st, fmt.Errorf("reindex: open %s: %w", oldPath, err)
	}
	defer old.Close()
	// Versions beyond the number parse still hold the JSON record we read.
	st.OldVersion, _ = storedVersion(old)

	if _, err := os.Stat(newPath); err == nil && !emptyDir(newPath) {
		return st, fmt.Errorf("reindex: %s already exists", newPath)
	}
	nix, err := create1(newPath)
	if err != nil {
		return st, fmt.Errorf("reindex: %w", err)
	}
	src := &Index{bi: old, path: oldPath}
	batch := make([]article.Article, 0, putBatchSize)
	flush := func() error {
		if err := nix.Put(ctx, batch...); err != nil {
			return err
		}
		st.Docs += len(batch)
		batch = batch[:0]
		return nil
	}
	err = src.All(ctx, func(a article.Article) error {
		if transform != nil {
			id := a.ID
			a = transform(a)
			if a.ID != id {
				return fmt.Errorf("transform changed id %s to %s", id, a.ID)
			}
		}
		batch = append(batch, a)
		if len(batch) == cap(batch) {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if cerr := nix.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return st, fmt.Errorf("reindex %s into %s: %w", oldPath, newPath, err)
	}
	return st, nil
}

// Rebuild reindexes the index at path in place: it builds the new index
// beside it (path + ".new"), then swaps the two and removes the old one. The
// index must not be open. If it fails, the index at path is unchanged; a kill between the two
// renames leaves the index at path + ".old". bantrack's data folder does not use it: its reindex
// (internal/pipeline.Reindex) builds beside the old index and renames a new link over the path.
func Rebuild(ctx context.Context, path string, transform func(article.Article) article.Article) (ReindexStats, error) {
	tmp, bak := path+".new", path+".old"
	if err := os.RemoveAll(tmp); err != nil {
		return ReindexStats{}, fmt.Errorf("rebuild %s: %w", path, err)
	}
	st, err := Reindex(ctx, path, tmp, transform)
	if err != nil {
		os.RemoveAll(tmp)
		return st, err
	}
	if err := os.RemoveAll(bak); err != nil {
		return st, fmt.Errorf("rebuild %s: %w", path, err)
	}
	if err := os.Rename(path, bak); err != nil {
		return st, fmt.Errorf("rebuild %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		// Put the old index back so that nothing is lost.
		if rerr := os.Rename(bak, path); rerr != nil {
			return st, fmt.Errorf("rebuild %s: %w; the old index is at %s", path, errors.Join(err, rerr), bak)
		}
		return st, fmt.Errorf("rebuild %s: %w", path, err)
	}
	if err := os.RemoveAll(bak); err != nil {
		return st, fmt.Errorf("rebuild %s: remove old index: %w", path, err)
	}
	return st, nil
}
