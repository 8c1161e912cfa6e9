package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/bantrack/bantrack/config"
	"github.com/bantrack/bantrack/internal/pipeline"
)

func runCrawl(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet("crawl")
	var names multiFlag
	fs.Var(&names, "source", "crawl only this source (repeatable)")
	refresh := fs.Bool("refresh", false, "fetch articles again even when already indexed")
	recheck := fs.Bool("recheck", false, "also re-check now (conditional GET) every article page inside its re-check window (archive.recheck_for)")
	if _, err := parseInterspersed(fs, args, false); err != nil {
		return err
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	srcs, err := selectSources(cfg, names)
	if err != nil {
		return err
	}
	st, err := a.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	p := a.pipeline(cfg, st)
	p.Refresh = *refresh
	if isTerminal(a.stderr) {
		// A line per source as it finishes, for whoever is watching.
		var mu sync.Mutex
		done := 0
		p.Progress = func(s pipeline.SourceSummary) {
			mu.Lock()
			defer mu.Unlock()
			done++
			fmt.Fprintf(a.stderr, "[%d/%d] %s\n", done, len(srcs), summaryLine(s))
		}
	}
	sums := p.Crawl(ctx, srcs)
	printSummaries(a.stdout, sums)
	if ctx.Err() != nil {
		return interrupted(sums)
	}
	if *recheck {
		only := map[string]bool{}
		for _, s := range srcs {
			only[s.Name] = true
		}
		p.RecheckOnly = only
		rs, err := p.Recheck(ctx, true)
		fmt.Fprintf(a.stdout, "rechecked %s: %d not modified, %d unchanged, %d changed (%d with new text), %d gone (404 or 410), %d failed\n",
			plural(rs.Due, "page", "pages"), rs.NotModified, rs.Same, rs.Changed, rs.TextChanged, rs.Gone, rs.Failed)
		if err != nil && ctx.Err() != nil {
			return interrupted(sums)
		}
	}
	return summariesError(sums)
}

// interrupted is the error of a crawl stopped by a signal: it says what was kept.
func interrupted(sums []pipeline.SourceSummary) error {
	indexed, left, cut := 0, 0, 0
	for _, s := range sums {
		indexed += s.Indexed
		left += s.Left
		if s.Interrupted {
			cut++
		}
	}
	return &interruptedError{what: fmt.Sprintf("%s indexed and kept; %d of %d sources not finished (%d items left for the next crawl, no source marked failing)",
		plural(indexed, "document", "documents"), cut, len(sums), left)}
}

// pipeline returns the crawl pipeline of cfg over the open data folder.
func (a *app) pipeline(cfg *config.Config, st *store) *pipeline.Pipeline {
	return &pipeline.Pipeline{Log: a.log, Config: cfg, Store: st}
}

// selectSources returns the named sources, or all of them when names is empty.
func selectSources(cfg *config.Config, names []string) ([]config.Source, error) {
	if len(names) == 0 {
		return cfg.Sources, nil
	}
	var out []config.Source
	for _, n := range names {
		s, ok := cfg.Source(n)
		if !ok {
			return nil, usageErrorf("no source named %q in %s", n, cfg.Path)
		}
		out = append(out, s)
	}
	return out, nil
}

// summariesError is the error that picks a crawl's exit code from its sources' summaries.
func summariesError(sums []pipeline.SourceSummary) error {
	var errs []error
	for _, s := range sums {
		if s.Err != nil {
			errs = append(errs, fmt.Errorf("source %s: %w", s.Source, s.Err))
		}
	}
	return sourcesError(errs, len(sums))
}

// sourcesError turns the failures of some of total sources into the error that picks the exit
// code: nil when none failed, partial (exit 3) when some did, a plain error (exit 1) when all did.
func sourcesError(errs []error, total int) error {
	switch {
	case len(errs) == 0:
		return nil
	case len(errs) == total:
		return fmt.Errorf("every source failed: %w", errors.Join(errs...))
	default:
		return &partialError{failed: len(errs), total: total, err: errors.Join(errs...)}
	}
}

func printSummaries(w io.Writer, sums []pipeline.SourceSummary) {
	for _, s := range sums {
		fmt.Fprintln(w, summaryLine(s))
	}
}

func summaryLine(s pipeline.SourceSummary) string {
	status := "ok"
	switch {
	case s.Err != nil:
		status = "FAILED: " + s.Err.Error()
	case s.Interrupted:
		status = fmt.Sprintf("interrupted (%d items left)", s.Left)
	}
	return fmt.Sprintf("%-20s listed %3d  indexed %3d  partial %2d  %6.2fs  %s",
		s.Source, s.Listed, s.Indexed, s.Partial, s.Took.Seconds(), status)
}
