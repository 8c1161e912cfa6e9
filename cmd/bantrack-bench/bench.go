package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/config"
	"github.com/bantrack/bantrack/crawler"
	"github.com/bantrack/bantrack/extract"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/state"
)

// options are the bench's flags.
type options struct {
	docs       int
	seed       uint64
	parallel   int // sources crawled at once, as cmd/bantrack's pipeline does
	dir        string
	json       bool
	cpuProfile string
	memProfile string
	log        *slog.Logger
}

// figures are what one bench run measured; the first eight fields are the -json contract.
type figures struct {
	Docs            int                `json:"docs"`
	WallS           float64            `json:"wall_s"`
	DocsPerS        float64            `json:"docs_per_s"`
	StageMS         map[string]float64 `json:"stage_ms"`
	PeakRSSBytes    int64              `json:"peak_rss_bytes"`
	IndexBytes      int64              `json:"index_bytes"`
	RecrawlWallS    float64            `json:"recrawl_wall_s"`
	RecrawlRequests int                `json:"recrawl_requests"`

	Sources            int     `json:"sources"`
	Requests           int     `json:"requests"`
	Errors             int     `json:"errors"`
	BanRelated         int     `json:"ban_related"`
	Chinese            int     `json:"zh"`
	StateBytes         int64   `json:"state_bytes"`
	RecrawlDocs        int     `json:"recrawl_docs"`
	RecrawlConditional int64   `json:"recrawl_conditional"`
	RecrawlNotModified int64   `json:"recrawl_not_modified"`
	CPUS               float64 `json:"cpu_s"`          // user+system CPU of the first crawl, server included
	DocsPerCPUS        float64 `json:"docs_per_cpu_s"` // documents per CPU second: the rate the load on a shared machine does not change
	GOMAXPROCS         int     `json:"gomaxprocs"`
	LoadBefore         float64 `json:"load_before"`
	LoadAfter          float64 `json:"load_after"`
}

// stageNames are the stages of stage_ms, in pipeline order.
func stageNames() []string { return []string{"fetch", "main_text", "entities", "index", "state"} }

// pass is one crawl of every source.
type pass struct {
	docs, requests, errs, ban, zh atomic.Int64
	entities, index, commit       atomic.Int64 // nanoseconds summed over workers
	wall                          time.Duration
}

// crawlAll runs the pipeline of cmd/bantrack over srcs, parallel sources at a time: crawl,
// entities for each article, index the source's articles in one Put, then record them as seen,
// commit the crawler's bookkeeping and the source's health. A failing source is counted and the others go on.
func crawlAll(ctx context.Context, cr *crawler.Crawler, ix *index.Index, st *state.Store, srcs []config.Source, parallel int, log *slog.Logger) *pass {
	p := &pass{}
	start := time.Now()
	work := make(chan config.Source)
	var wg sync.WaitGroup
	for range max(parallel, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for src := range work {
				p.source(ctx, cr, ix, st, src, log)
			}
		}()
	}
	for _, src := range srcs {
		work <- src
	}
	close(work)
	wg.Wait()
	p.wall = time.Since(start)
	return p
}

func (p *pass) source(ctx context.Context, cr *crawler.Crawler, ix *index.Index, st *state.Store, src config.Source, log *slog.Logger) {
	res, err := cr.Crawl(ctx, src)
	p.requests.Add(int64(res.Requests))
	p.errs.Add(int64(len(res.Errors)))
	for _, e := range res.Errors {
		log.Warn("item skipped", "source", src.Name, "error", e)
	}
	if err != nil {
		p.errs.Add(1)
		log.Error("crawl failed", "source", src.Name, "error", err)
		return
	}
	if len(res.Articles) > 0 {
		t := time.Now()
		arts := make([]article.Article, len(res.Articles))
		for i, a := range res.Articles {
			a.Entities = extract.Analyze(a.Title, a.Text, a.Published, a.Lang)
			arts[i] = a
			if a.Ban.Related {
				p.ban.Add(1)
			}
			if a.Lang == "zh" {
				p.zh.Add(1)
			}
		}
		p.entities.Add(int64(time.Since(t)))
		t = time.Now()
		if err := ix.Put(ctx, arts...); err != nil {
			p.errs.Add(1)
			log.Error("index failed", "source", src.Name, "error", err)
			return
		}
		p.index.Add(int64(time.Since(t)))
		p.docs.Add(int64(len(arts)))
	}
	t := time.Now()
	defer func() { p.commit.Add(int64(time.Since(t))) }()
	if len(res.Seen) > 0 {
		now := time.Now().UTC()
		docs := make([]state.Doc, len(res.Seen))
		for i, d := range res.Seen {
			docs[i] = state.Doc{ID: d.ID, URL: d.URL, Source: res.Source, Listed: d.Listed, Indexed: now, Status: d.Status}
		}
		if err := st.MarkSeen(docs...); err != nil {
			p.errs.Add(1)
			log.Error("record seen documents", "source", src.Name, "error", err)
			return
		}
	}
	if err := cr.Commit(res); err != nil {
		p.errs.Add(1)
		log.Error("commit failed", "source", src.Name, "error", err)
	}
	h, err := st.Health(src.Name)
	if err != nil {
		log.Warn("read source health", "source", src.Name, "error", err)
	}
	h.LastRun, h.LastSuccess, h.NewLast = t, t, len(res.Articles)
	if !res.NotModified {
		h.ItemsLast = res.Listed
	}
	if err := st.SetHealth(h); err != nil {
		log.Warn("record source health", "source", src.Name, "error", err)
	}
}

// run generates the site, crawls it twice and returns the figures.
func run(ctx context.Context, o options) (f figures, err error) {
	if o.docs < 1 {
		return f, errors.New("-docs must be at least 1")
	}
	if o.log == nil {
		o.log = slog.New(slog.DiscardHandler)
	}
	f.GOMAXPROCS = runtime.GOMAXPROCS(0)
	f.LoadBefore = loadAverage()
	dir := o.dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "bantrack-bench")
		if err != nil {
			return f, fmt.Errorf("temporary folder: %w", err)
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return f, fmt.Errorf("data folder: %w", err)
	}
	statePath, indexPath := filepath.Join(dir, "state.db"), filepath.Join(dir, "index")

	w, err := startWeb(o.seed, o.docs, loadNames(extract.Default()))
	if err != nil {
		return f, err
	}
	defer w.close()
	f.Sources = len(w.sources)

	st, err := state.Open(statePath)
	if err != nil {
		return f, err
	}
	defer st.Close()
	ix, err := index.Open(indexPath)
	if err != nil {
		return f, err
	}
	defer ix.Close()

	if o.cpuProfile != "" {
		pf, err := os.Create(o.cpuProfile)
		if err != nil {
			return f, fmt.Errorf("cpu profile: %w", err)
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return f, fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}

	// First crawl: everything is new. The index is closed at the end, as a `bantrack crawl`
	// run does, so that its segments are on disk when its size is taken.
	var stats crawler.Stats
	cr := crawler.New(crawler.Options{Logger: o.log, Store: st, IgnoreRobots: true, NoRateLimit: true, HostConcurrency: 4 * o.parallel, Stats: &stats})
	start, cpuStart := time.Now(), cpuTime()
	first := crawlAll(ctx, cr, ix, st, w.sources, o.parallel, o.log)
	closeStart := time.Now()
	if err := ix.Close(); err != nil {
		return f, err
	}
	closing := time.Since(closeStart)
	wall, cpu := time.Since(start), cpuTime()-cpuStart
	if err := ctx.Err(); err != nil {
		return f, err
	}

	f.Docs = int(first.docs.Load())
	f.WallS = wall.Seconds()
	f.DocsPerS = float64(f.Docs) / wall.Seconds()
	f.Requests = int(first.requests.Load())
	f.CPUS = cpu.Seconds()
	if cpu > 0 {
		f.DocsPerCPUS = float64(f.Docs) / cpu.Seconds()
	}
	f.Errors = int(first.errs.Load())
	f.BanRelated = int(first.ban.Load())
	f.Chinese = int(first.zh.Load())
	ms := func(ns int64) float64 { return float64(ns/1000) / 1000 }
	f.StageMS = map[string]float64{
		"fetch":     ms(stats.FetchNanos.Load()),
		"main_text": ms(stats.ParseNanos.Load()),
		"entities":  ms(first.entities.Load()),
		"index":     ms(first.index.Load() + int64(closing)),
		"state":     ms(first.commit.Load()),
	}
	if f.IndexBytes, err = index.DiskSize(indexPath); err != nil {
		return f, err
	}

	// Re-crawl of the unchanged site, by a new crawler over the same state, as the next
	// scheduled run would.
	ix2, err := index.Open(indexPath)
	if err != nil {
		return f, err
	}
	defer ix2.Close()
	before := *snapshot(w.traffic())
	cr2 := crawler.New(crawler.Options{Logger: o.log, Store: st, IgnoreRobots: true, NoRateLimit: true})
	again := crawlAll(ctx, cr2, ix2, st, w.sources, o.parallel, o.log)
	after := snapshot(w.traffic())
	f.RecrawlWallS = again.wall.Seconds()
	f.RecrawlRequests = int(again.requests.Load())
	f.RecrawlDocs = int(again.docs.Load())
	f.RecrawlConditional = after.conditional - before.conditional
	f.RecrawlNotModified = after.notModified - before.notModified
	f.Errors += int(again.errs.Load())
	if err := ix2.Close(); err != nil {
		return f, err
	}
	if err := st.Close(); err != nil {
		return f, err
	}
	if f.StateBytes, err = index.DiskSize(statePath); err != nil {
		return f, err
	}

	if o.memProfile != "" {
		if err := writeHeapProfile(o.memProfile); err != nil {
			return f, err
		}
	}
	f.PeakRSSBytes = peakRSS()
	f.LoadAfter = loadAverage()
	return f, nil
}

// counts is a plain copy of a site's traffic counters.
type counts struct{ requests, conditional, notModified int64 }

func snapshot(t *traffic) *counts {
	return &counts{t.requests.Load(), t.conditional.Load(), t.notModified.Load()}
}

func writeHeapProfile(path string) error {
	pf, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("memory profile: %w", err)
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(pf); err != nil {
		pf.Close()
		return fmt.Errorf("memory profile: %w", err)
	}
	return pf.Close()
}

// peakRSS is the process's peak resident set (VmHWM), 0 where /proc is not there.
func peakRSS() int64 {
	fh, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// cpuTime is the user and system CPU time the process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAverage is the one-minute load average, 0 where /proc is not there.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	v, _ := strconv.ParseFloat(strings.Fields(string(b) + " 0")[0], 64)
	return v
}
