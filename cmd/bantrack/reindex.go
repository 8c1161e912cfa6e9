package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/internal/pipeline"
	"github.com/bantrack/bantrack/state"
)

// reindexMemoryLimit is the soft memory limit reindex runs under when the environment sets none.
const reindexMemoryLimit = 1 << 30

func runReindex(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet("reindex")
	keep := fs.Bool("keep-entities", false, "keep the stored entities instead of extracting them again")
	if rest, err := parseInterspersed(fs, args, false); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageErrorf("reindex takes no arguments (got %q)", rest)
	}
	dir, err := a.data()
	if err != nil {
		return err
	}
	lock, err := state.Acquire(filepath.Join(dir, "lock"))
	if err != nil {
		var le *state.LockedError
		if errors.As(err, &le) {
			return &lockedError{err}
		}
		return err
	}
	defer lock.Release()
	path := filepath.Join(dir, "index.bleve")
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("no index at %s: run bantrack crawl first", path)
	}
	var transform func(article.Article) article.Article
	if !*keep {
		transform = func(art article.Article) article.Article {
			return pipeline.Analyze([]article.Article{art})[0]
		}
	}
	if a.getenv("GOGC") == "" && a.getenv("GOMEMLIMIT") == "" {
		// Rebuilding is all index writes: collect garbage less often (see index.PutGCPercent),
		// within a soft memory limit so that peak memory stays bounded.
		debug.SetGCPercent(index.PutGCPercent)
		debug.SetMemoryLimit(reindexMemoryLimit)
	}
	start := time.Now()
	st, err := index.Rebuild(ctx, path, transform)
	if err != nil {
		return fmt.Errorf("reindex: %w (the old index is unchanged)", err)
	}
	fmt.Fprintf(a.stdout, "reindexed %s (mapping version %d → %d) in %.1fs\n",
		plural(st.Docs, "document", "documents"), st.OldVersion, index.MappingVersion, time.Since(start).Seconds())
	return nil
}
