package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/config"
	"github.com/bantrack/bantrack/crawler"
	"github.com/bantrack/bantrack/extract"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/state"
)

// The state store writes a crawl's bookkeeping in one transaction.
var _ crawler.BatchStore = (*state.Store)(nil)

// parallelSources is how many sources are crawled at once.
const parallelSources = 8

func runCrawl(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet("crawl")
	var names multiFlag
	fs.Var(&names, "source", "crawl only this source (repeatable)")
	refresh := fs.Bool("refresh", false, "fetch articles again even when already indexed")
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
	st, err := a.openStore(true)
	if err != nil {
		return err
	}
	defer st.Close()
	p := &pipeline{log: a.log, cfg: cfg, st: st, refresh: *refresh}
	if isTerminal(a.stderr) {
		// A line per source as it finishes, for whoever is watching.
		var mu sync.Mutex
		done := 0
		p.progress = func(s sourceSummary) {
			mu.Lock()
			defer mu.Unlock()
			done++
			fmt.Fprintf(a.stderr, "[%d/%d] %s\n", done, len(srcs), summaryLine(s))
		}
	}
	sums, err := p.crawl(ctx, srcs)
	printSummaries(a.stdout, sums)
	return err
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

// pipeline is one crawl: sources → crawler → extract → index, with state kept up to date.
// `crawl`, `run` and `demo` all go through it.
type pipeline struct {
	log     *slog.Logger
	cfg     *config.Config
	st      *store
	refresh bool
	// progress, when set, is called as each source finishes (from the source's goroutine).
	progress func(sourceSummary)

	once sync.Once
	cr   *crawler.Crawler // shared by every crawl of this pipeline: one client, robots cache, rate limits
}

func (p *pipeline) crawler() *crawler.Crawler {
	p.once.Do(func() {
		p.cr = crawler.New(crawler.Options{UserAgent: p.cfg.UserAgent, Logger: p.log, Store: p.st.state, Refresh: p.refresh})
	})
	return p.cr
}

// sourceSummary is what one source's crawl did.
type sourceSummary struct {
	Source  string
	Listed  int
	Indexed int
	Partial int
	Err     error
	Took    time.Duration
}

// crawl runs every source, parallelSources at a time. One failing source never stops the others;
// the error is a partialError when some failed, or a plain error when all did.
func (p *pipeline) crawl(ctx context.Context, srcs []config.Source) ([]sourceSummary, error) {
	cr := p.crawler()
	sums := make([]sourceSummary, len(srcs))
	sem := make(chan struct{}, parallelSources)
	var wg sync.WaitGroup
	for i, src := range srcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			sums[i] = p.crawlSource(ctx, cr, src)
			if p.progress != nil {
				p.progress(sums[i])
			}
		}()
	}
	wg.Wait()
	p.saveStatus(ctx, nil, nil, time.Time{})

	var errs []error
	for _, s := range sums {
		if s.Err != nil {
			errs = append(errs, fmt.Errorf("source %s: %w", s.Source, s.Err))
		}
	}
	return sums, sourcesError(errs, len(srcs))
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

func (p *pipeline) crawlSource(ctx context.Context, cr *crawler.Crawler, src config.Source) sourceSummary {
	start := time.Now()
	sum := sourceSummary{Source: src.Name}
	log := p.log.With("source", src.Name)
	res, err := cr.Crawl(ctx, src)
	sum.Listed = res.Listed
	for _, e := range res.Errors {
		log.Warn("item skipped", "error", e)
	}
	if err == nil || len(res.Articles) > 0 {
		if serr := p.save(ctx, cr, res); serr != nil {
			err = errors.Join(err, serr)
		} else {
			sum.Indexed = len(res.Articles)
			sum.Partial = res.Partial
		}
	}
	sum.Err = err
	sum.Took = time.Since(start)
	p.recordHealth(src.Name, res, sum)
	if err != nil {
		log.Error("crawl failed", "error", err, "listed", sum.Listed, "indexed", sum.Indexed)
	} else {
		log.Info("crawled", "listed", sum.Listed, "indexed", sum.Indexed, "partial", sum.Partial,
			"not_modified", res.NotModified, "requests", res.Requests, "took_ms", sum.Took.Milliseconds())
	}
	return sum
}

// save indexes a crawl's articles, then records them as seen, then lets the crawler record its
// bookkeeping. In that order, a crash at any point leaves nothing marked seen that the index
// lacks: the next run fetches it again and the upsert by id keeps it single.
func (p *pipeline) save(ctx context.Context, cr *crawler.Crawler, res crawler.Result) error {
	if len(res.Articles) > 0 {
		arts := analyze(res.Articles)
		if err := p.keepURLs(arts); err != nil {
			return err
		}
		if err := p.st.index.Put(ctx, arts...); err != nil {
			return fmt.Errorf("index: %w", err)
		}
	}
	if len(res.Seen) > 0 {
		now := time.Now().UTC()
		docs := make([]state.Doc, len(res.Seen))
		for i, d := range res.Seen {
			docs[i] = state.Doc{ID: d.ID, URL: d.URL, Source: res.Source, Listed: d.Listed, Indexed: now, Status: d.Status}
		}
		if err := p.st.state.MarkSeen(docs...); err != nil {
			return fmt.Errorf("record seen documents: %w", err)
		}
	}
	if err := cr.Commit(res); err != nil {
		return fmt.Errorf("record crawl state: %w", err)
	}
	return nil
}

// keepURLs carries over the URLs a document was already known under, so that a copy found in a
// later run, or a refresh, adds to the document's URLs rather than replacing them. Only documents
// the state store has seen are looked up in the index.
func (p *pipeline) keepURLs(arts []article.Article) error {
	for i := range arts {
		if _, seen, err := p.st.state.Seen(arts[i].ID); err != nil || !seen {
			continue
		}
		old, err := p.st.index.Get(arts[i].ID)
		if errors.Is(err, index.ErrNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("read stored document %s: %w", arts[i].ID, err)
		}
		arts[i].AddURLs(old.URL)
		arts[i].AddURLs(old.AltURLs...)
	}
	return nil
}

// recordHealth records how a source's run went, for `status` and the logs.
func (p *pipeline) recordHealth(name string, res crawler.Result, sum sourceSummary) {
	h, err := p.st.state.Health(name)
	if err != nil {
		p.log.Warn("read source health", "source", name, "error", err)
	}
	now := time.Now().UTC()
	h.LastRun = now
	h.NewLast = sum.Indexed
	if !res.NotModified {
		h.ItemsLast = sum.Listed
	}
	if sum.Err != nil {
		h.LastError = sum.Err.Error()
		h.LastErrorAt = now
	} else {
		h.LastSuccess = now // LastError stays, with its time, for status to show
	}
	if err := p.st.state.SetHealth(h); err != nil {
		p.log.Warn("record source health", "source", name, "error", err)
	}
}

// analyze fills each article's entities.
func analyze(arts []article.Article) []article.Article {
	out := make([]article.Article, len(arts))
	for i, art := range arts {
		art.Entities = extract.Analyze(art.Title, art.Text, art.Published, art.Lang)
		out[i] = art
	}
	return out
}

func printSummaries(w io.Writer, sums []sourceSummary) {
	for _, s := range sums {
		fmt.Fprintln(w, summaryLine(s))
	}
}

func summaryLine(s sourceSummary) string {
	status := "ok"
	if s.Err != nil {
		status = "FAILED: " + s.Err.Error()
	}
	return fmt.Sprintf("%-20s listed %3d  indexed %3d  partial %2d  %6.2fs  %s",
		s.Source, s.Listed, s.Indexed, s.Partial, s.Took.Seconds(), status)
}
