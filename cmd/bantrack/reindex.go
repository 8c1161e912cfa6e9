package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/bantrack/bantrack/archive"
	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/config"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/internal/pipeline"
	"github.com/bantrack/bantrack/state"
)

// reindexMemoryLimit is the soft memory limit reindex runs under when the environment sets none.
const reindexMemoryLimit = 1 << 30

func runReindex(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet("reindex")
	keep := fs.Bool("keep-entities", false, "keep the stored entities of documents carried over from the old index (archived documents are always analysed again)")
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
	minFree := int64(defaultMinFree)
	if v := a.getenv("BANTRACK_MIN_FREE"); v != "" {
		if minFree, err = config.ParseSize(v); err != nil {
			return usageErrorf("BANTRACK_MIN_FREE=%q: %v", v, err)
		}
	}
	g, err := a.gazetteer() // the configured gazetteer reaches old documents
	if err != nil {
		return err
	}
	analyze := func(art article.Article) article.Article {
		if *keep && len(art.Vendors)+len(art.Agencies)+len(art.Countries) > 0 {
			return art
		}
		art.Entities = g.Analyze(art.Title, art.Text, art.Published)
		return art
	}
	if a.getenv("GOGC") == "" && a.getenv("GOMEMLIMIT") == "" {
		// Rebuilding is all index writes: collect garbage less often (see index.PutGCPercent),
		// within a soft memory limit so that peak memory stays bounded.
		debug.SetGCPercent(index.PutGCPercent)
		debug.SetMemoryLimit(reindexMemoryLimit)
	}
	var st *state.Store
	if s, err := state.Open(filepath.Join(dir, "state.db")); err == nil {
		st = s
		defer st.Close()
	} else {
		a.log.Warn("state store not opened; versions are rebuilt in the index only", "error", err)
	}
	if n, _ := archive.Size(pipeline.ArchivePath(dir)); n == 0 {
		if _, err := os.Stat(pipeline.IndexPath(dir)); err != nil {
			return fmt.Errorf("nothing to reindex in %s: no archive and no index; run bantrack crawl first", dir)
		}
	}
	rs, err := pipeline.Reindex(ctx, dir, st, pipeline.ReindexOptions{Analyze: analyze, MinFree: minFree, Log: a.log})
	if err != nil {
		return fmt.Errorf("reindex: %w (the old index is unchanged)", err)
	}
	fmt.Fprintf(a.stdout, "reindexed %s from the archive (%s, %s read)", plural(rs.FromArchive, "document", "documents"),
		plural(rs.Versions, "version", "versions"), plural(rs.Records, "record", "records"))
	if rs.FromIndex > 0 {
		fmt.Fprintf(a.stdout, " and %s the archive lacks from the old index", plural(rs.FromIndex, "document", "documents"))
	}
	fmt.Fprintf(a.stdout, " in %.1fs (mapping version %d)\n", rs.Took.Seconds(), index.MappingVersion)
	return nil
}
