package pipeline

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"slices"
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

// ParallelSources is how many sources are crawled at once.
const ParallelSources = 8

// Pipeline is one configuration's crawl: sources → crawler → extract → index, with state kept up
// to date. One Pipeline shares one crawler (client, robots cache, rate limits) across its crawls.
type Pipeline struct {
	Log     *slog.Logger
	Config  *config.Config
	Store   *Store
	Refresh bool
	// Parallel is how many sources Crawl runs at once (ParallelSources when 0).
	Parallel int
	// Tune, when set, adjusts the crawler's options before it is made (the benches turn off
	// politeness for their loopback site); Store, UserAgent, Logger and Refresh are already set.
	Tune func(*crawler.Options)
	// Progress, when set, is called as each source finishes (from the source's goroutine).
	Progress func(SourceSummary)
	// Stages, when set, receives the time spent extracting entities, indexing and recording state.
	Stages *Stages
	// Observe, when set, is called with each source's summary as its crawl ends, from CrawlSource
	// (metrics: `run --http`).
	Observe func(SourceSummary)
	// RecheckOnly, when set, limits Recheck to these sources.
	RecheckOnly map[string]bool
	// NoArchive turns the WARC archive off (the bench measures its cost; nothing else sets it).
	NoArchive bool

	once sync.Once
	cr   *crawler.Crawler
	// Saves of the same document are serialised, so that the order of its records in the
	// archive is the order its versions were counted and indexed in, the one reindex replays:
	// a save holds saving for reading and the stripes of its documents' ids; retention, which
	// moves every location, holds saving for writing.
	saving  sync.RWMutex
	stripes [1024]sync.Mutex
}

// Stages sums the time each pipeline stage took, over every worker.
type Stages struct {
	mu                              sync.Mutex
	Entities, Index, State, Archive time.Duration
	BanRelated, Chinese             int
}

func (s *Stages) add(entities, ix, st, arch time.Duration, arts []article.Article) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Entities += entities
	s.Index += ix
	s.State += st
	s.Archive += arch
	for _, a := range arts {
		if a.Ban.Related {
			s.BanRelated++
		}
		if a.Lang == "zh" {
			s.Chinese++
		}
	}
}

// Crawler returns the pipeline's crawler, made on first use.
func (p *Pipeline) Crawler() *crawler.Crawler {
	p.once.Do(func() {
		if p.Store.Archive != nil && p.Config.Archive.FileSize > 0 {
			p.Store.Archive.SetFileSize(p.Config.Archive.FileSize)
		}
		opts := crawler.Options{UserAgent: p.Config.UserAgent, Logger: p.Log, Store: p.Store.State, Refresh: p.Refresh,
			KeepExchanges: p.archiving()}
		if p.Tune != nil {
			p.Tune(&opts)
		}
		p.cr = crawler.New(opts)
	})
	return p.cr
}

// SourceSummary is what one source's crawl did.
type SourceSummary struct {
	Source   string
	Listed   int
	Indexed  int
	Partial  int
	Requests int
	Skipped  int // items the crawler could not read, each logged
	// Interrupted is set when the crawl was cancelled (SIGINT, SIGTERM) before the source was
	// done: what was fetched is indexed, and the source is not marked failing.
	Interrupted bool
	Left        int // items the interruption left for the next crawl
	Err         error
	Took        time.Duration
}

// Crawl runs every source, Parallel at a time, and writes the status snapshot when done. One
// failing source never stops the others: each summary carries its own error.
func (p *Pipeline) Crawl(ctx context.Context, srcs []config.Source) []SourceSummary {
	sums := make([]SourceSummary, len(srcs))
	n := p.Parallel
	if n <= 0 {
		n = ParallelSources
	}
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, src := range srcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			sums[i] = p.CrawlSource(ctx, src)
			if p.Progress != nil {
				p.Progress(sums[i])
			}
		}()
	}
	wg.Wait()
	if _, err := p.Retain(context.WithoutCancel(ctx)); err != nil {
		p.Log.Error("archive retention failed; the archive is whole, only over its max_size", "error", err)
	}
	p.SaveStatus(context.WithoutCancel(ctx), nil, nil, time.Time{})
	return sums
}

// CrawlSource crawls one source, indexes what it found and records the source's health.
func (p *Pipeline) CrawlSource(ctx context.Context, src config.Source) SourceSummary {
	cr := p.Crawler()
	start := time.Now()
	sum := SourceSummary{Source: src.Name}
	log := p.Log.With("source", src.Name)
	res, err := cr.Crawl(ctx, src)
	if ctx.Err() != nil {
		sum.Interrupted, sum.Left = true, res.Interrupted
		if err != nil && errors.Is(err, ctx.Err()) {
			err = nil // cut off while listing: nothing to save, nothing failed
		}
	}
	// What was fetched is saved even when the crawl was interrupted: the commit must not be
	// cancelled with it.
	saveCtx := context.WithoutCancel(ctx)
	sum.Listed = res.Listed
	sum.Requests = res.Requests
	sum.Skipped = len(res.Errors)
	for _, e := range res.Errors {
		log.Warn("item skipped", "error", e)
	}
	if err == nil || len(res.Articles) > 0 {
		if serr := p.save(saveCtx, cr, res); serr != nil {
			err = errors.Join(err, serr)
		} else {
			sum.Indexed = len(res.Articles)
			sum.Partial = res.Partial
		}
	} else if aerr := p.archiveOnly(res.Exchanges...); aerr != nil {
		// the source failed, but what it read (the error page, say) is kept
		err = errors.Join(err, fmt.Errorf("archive: %w", aerr))
	}
	sum.Err = err
	sum.Took = time.Since(start)
	p.recordHealth(src.Name, res, sum)
	if p.Observe != nil {
		p.Observe(sum)
	}
	switch {
	case err != nil:
		log.Error("crawl failed", "error", err, "listed", sum.Listed, "indexed", sum.Indexed)
	case sum.Interrupted:
		log.Warn("crawl interrupted", "listed", sum.Listed, "indexed", sum.Indexed, "left", sum.Left)
	default:
		log.Info("crawled", "listed", sum.Listed, "indexed", sum.Indexed, "partial", sum.Partial,
			"not_modified", res.NotModified, "requests", res.Requests, "took_ms", sum.Took.Milliseconds())
	}
	return sum
}

// archiving says whether crawls write the archive.
func (p *Pipeline) archiving() bool { return !p.NoArchive && p.Store.Archive != nil }

// save archives a crawl's responses (synced), then indexes its articles, then records them as
// seen with where their versions lie, then lets the crawler record its bookkeeping. In that order,
// a crash at any point leaves nothing in the index whose response is not archived, and nothing
// marked seen that the index lacks: the next run fetches it again, the upsert by id keeps it
// single, and a body already archived under the same SHA-256 is no new version. The index is
// open only for this commit.
func (p *Pipeline) save(ctx context.Context, cr *crawler.Crawler, res crawler.Result) error {
	var arts []article.Article
	var tEntities, tIndex, tArchive time.Duration
	var docs map[string]state.Doc
	var stored map[string]archived
	res.Articles = lastByID(res.Articles)
	if p.archiving() && (len(res.Exchanges) > 0 || len(res.Articles) > 0) {
		unlock := p.lockDocs(res.Articles)
		defer unlock()
		// The archive is written before the index is opened: readers wait only for the Put.
		k, err := p.known(res.Articles)
		if err != nil {
			return err
		}
		t := time.Now()
		if stored, err = p.archiveResult(res, res.Articles, k); err != nil {
			return fmt.Errorf("archive: %w", err)
		}
		tArchive = time.Since(t)
		if len(res.Articles) > 0 {
			arts, tEntities, tIndex, err = p.analyzeAndPut(ctx, res.Articles, func(ix *index.Index, arts []article.Article) error {
				if err := k.lookupOld(ix); err != nil {
					return err
				}
				docs = p.history(arts, stored, k)
				return nil
			})
			if err != nil {
				return err
			}
		}
	} else if len(res.Articles) > 0 {
		var err error
		arts, tEntities, tIndex, err = p.analyzeAndPut(ctx, res.Articles, p.keepURLs)
		if err != nil {
			return err
		}
	}
	t := time.Now()
	defer func() { p.Stages.add(tEntities, tIndex, time.Since(t), tArchive, arts) }()
	if len(res.Seen) > 0 || len(docs) > 0 {
		now := time.Now().UTC()
		due := map[string]bool{}
		for _, a := range arts {
			if a.Ban.Related || !p.Config.Digest.OnlyBanRelated {
				due[a.ID] = true // the digest's outbox: in the same transaction as the seen record
			}
		}
		out := make([]state.Doc, 0, len(res.Seen))
		inSeen := map[string]bool{}
		for _, d := range res.Seen {
			inSeen[d.ID] = true
			sd := state.Doc{ID: d.ID, URL: d.URL, Source: res.Source, Listed: d.Listed, Indexed: now,
				Status: d.Status, Due: due[d.ID], Versions: docs[d.ID].Versions, Published: docs[d.ID].Published}
			if len(sd.Versions) > 0 {
				sd.Checked = now // the page was just fetched: its re-checks start from here
			}
			out = append(out, sd)
		}
		for id, d := range docs {
			// A document that took this crawl's page under another URL (the same text seen
			// before): its stored record gains the version. One the state never saw is recorded
			// by its own Seen entry.
			if !inSeen[id] && d.URL != "" {
				d.Due = due[id]
				out = append(out, d)
			}
		}
		if err := p.Store.State.MarkSeen(out...); err != nil {
			return fmt.Errorf("record seen documents: %w", err)
		}
	}
	if err := cr.Commit(res); err != nil {
		return fmt.Errorf("record crawl state: %w", err)
	}
	return nil
}

// lockDocs takes the locks a save of arts needs, in one order so that saves never deadlock, and
// returns the function that releases them.
func (p *Pipeline) lockDocs(arts []article.Article) func() {
	p.saving.RLock()
	var idx []int
	seen := map[int]bool{}
	for _, a := range arts {
		h := fnv.New32a()
		h.Write([]byte(a.ID))
		i := int(h.Sum32() % uint32(len(p.stripes)))
		if !seen[i] {
			seen[i] = true
			idx = append(idx, i)
		}
	}
	slices.Sort(idx)
	for _, i := range idx {
		p.stripes[i].Lock()
	}
	return func() {
		for _, i := range idx {
			p.stripes[i].Unlock()
		}
		p.saving.RUnlock()
	}
}

// lastByID keeps the last of articles that share an id (a listing naming one page twice): the
// index writes a batch in parallel chunks, so which copy won would be left to chance, and
// reindex replays the archive's records in order, the last winning.
func lastByID(arts []article.Article) []article.Article {
	last := make(map[string]int, len(arts))
	for i, a := range arts {
		last[a.ID] = i
	}
	if len(last) == len(arts) {
		return arts
	}
	out := make([]article.Article, 0, len(last))
	for i, a := range arts {
		if last[a.ID] == i {
			out = append(out, a)
		}
	}
	return out
}

// analyzeAndPut extracts the entities of raw, then opens the index for one commit: prepare sees
// the analysed articles and the open index (to carry over what the stored documents hold), then
// they are put. It returns the articles put and the time each step took.
func (p *Pipeline) analyzeAndPut(ctx context.Context, raw []article.Article, prepare func(*index.Index, []article.Article) error) (arts []article.Article, tEntities, tIndex time.Duration, err error) {
	t := time.Now()
	arts = Analyze(raw)
	tEntities = time.Since(t)
	t = time.Now()
	ix, release, err := p.Store.UseIndex(ctx)
	if err != nil {
		return nil, tEntities, 0, fmt.Errorf("index: %w", err)
	}
	defer release()
	if err := prepare(ix, arts); err != nil {
		return nil, tEntities, 0, err
	}
	if err := ix.Put(ctx, arts...); err != nil {
		return nil, tEntities, 0, fmt.Errorf("index: %w", err)
	}
	return arts, tEntities, time.Since(t), nil
}

// keepURLs carries over the URLs a document was already known under, so that a copy found in a
// later run, or a refresh, adds to the document's URLs rather than replacing them. Only documents
// the state store has seen are looked up in the index. (With the archive on, history does this.)
func (p *Pipeline) keepURLs(ix *index.Index, arts []article.Article) error {
	for i := range arts {
		if _, seen, err := p.Store.State.Seen(arts[i].ID); err != nil || !seen {
			continue
		}
		old, err := ix.Get(arts[i].ID)
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
func (p *Pipeline) recordHealth(name string, res crawler.Result, sum SourceSummary) {
	h, err := p.Store.State.Health(name)
	if err != nil {
		p.Log.Warn("read source health", "source", name, "error", err)
	}
	now := time.Now().UTC()
	if sum.Interrupted && sum.Err == nil {
		// An interrupted run neither fails nor succeeds: the health stays as it was, with what
		// the run indexed.
		h.NewLast = sum.Indexed
		if err := p.Store.State.SetHealth(h); err != nil {
			p.Log.Warn("record source health", "source", name, "error", err)
		}
		return
	}
	h.LastRun = now
	h.NewLast = sum.Indexed
	h.RequestsLast, h.TookLastS = sum.Requests, sum.Took.Seconds()
	if !res.NotModified {
		h.ItemsLast = sum.Listed
	}
	if sum.Err != nil {
		h.LastError = sum.Err.Error()
		h.LastErrorAt = now
	} else {
		h.LastSuccess = now // LastError stays, with its time, for status to show
	}
	if err := p.Store.State.SetHealth(h); err != nil {
		p.Log.Warn("record source health", "source", name, "error", err)
	}
}

// Analyze fills each article's entities.
func Analyze(arts []article.Article) []article.Article {
	out := make([]article.Article, len(arts))
	for i, art := range arts {
		art.Entities = extract.Analyze(art.Title, art.Text, art.Published)
		out[i] = art
	}
	return out
}
