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
	"syscall"
	"time"

	"github.com/bantrack/bantrack/config"
	"github.com/bantrack/bantrack/crawler"
	"github.com/bantrack/bantrack/extract"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/internal/pipeline"
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

// pass is one crawl of every source, through the pipeline `bantrack crawl` runs.
type pass struct {
	docs, requests, errs int
	stages               pipeline.Stages
	wall                 time.Duration
}

// crawlAll runs the pipeline of `bantrack crawl` over srcs, parallel sources at a time: crawl,
// entities, index (the index open only for each commit), seen documents, the crawler's
// bookkeeping, source health and the status snapshot. A failing source is counted and the others
// go on.
func crawlAll(ctx context.Context, cfg *config.Config, st *pipeline.Store, tune func(*crawler.Options), parallel int, log *slog.Logger) *pass {
	p := &pass{}
	pl := &pipeline.Pipeline{Log: log, Config: cfg, Store: st, Parallel: parallel, Tune: tune, Stages: &p.stages}
	start := time.Now()
	sums := pl.Crawl(ctx, cfg.Sources)
	p.wall = time.Since(start)
	for _, s := range sums {
		p.docs += s.Indexed
		p.requests += s.Requests
		p.errs += s.Skipped
		if s.Err != nil {
			p.errs++
		}
	}
	return p
}

// withLog gives o a logger that discards when it has none.
func (o options) withLog() options {
	if o.log == nil {
		o.log = slog.New(slog.DiscardHandler)
	}
	return o
}

// workDir returns dir, created, or when dir is empty a new temporary folder named after prefix;
// done removes the temporary folder (and leaves a given one).
func workDir(dir, prefix string) (path string, done func(), err error) {
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", nil, fmt.Errorf("data folder: %w", err)
		}
		return dir, func() {}, nil
	}
	tmp, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", nil, fmt.Errorf("temporary folder: %w", err)
	}
	return tmp, func() { os.RemoveAll(tmp) }, nil
}

// run generates the site, crawls it twice and returns the figures.
func run(ctx context.Context, o options) (f figures, err error) {
	if o.docs < 1 {
		return f, errors.New("-docs must be at least 1")
	}
	o = o.withLog()
	f.GOMAXPROCS = runtime.GOMAXPROCS(0)
	f.LoadBefore = loadAverage()
	dir, done, err := workDir(o.dir, "bantrack-bench")
	if err != nil {
		return f, err
	}
	defer done()
	statePath, indexPath := filepath.Join(dir, "state.db"), pipeline.IndexPath(dir)

	w, err := startWeb(o.seed, o.docs, loadNames(extract.Default()))
	if err != nil {
		return f, err
	}
	defer w.close()
	f.Sources = len(w.sources)
	cfg := &config.Config{Sources: w.sources}

	st, err := pipeline.OpenWriter(dir)
	if err != nil {
		return f, err
	}
	defer st.Close()

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

	// First crawl: everything is new. The pipeline closes the index after each commit, as a
	// `bantrack crawl` run does, so its segments are on disk when its size is taken.
	var stats crawler.Stats
	tune := func(opts *crawler.Options) {
		opts.IgnoreRobots, opts.NoRateLimit, opts.HostConcurrency, opts.Stats = true, true, 4*o.parallel, &stats
	}
	start, cpuStart := time.Now(), cpuTime()
	first := crawlAll(ctx, cfg, st, tune, o.parallel, o.log)
	wall, cpu := time.Since(start), cpuTime()-cpuStart
	if err := ctx.Err(); err != nil {
		return f, err
	}

	f.Docs = first.docs
	f.WallS = wall.Seconds()
	f.DocsPerS = float64(f.Docs) / wall.Seconds()
	f.Requests = first.requests
	f.CPUS = cpu.Seconds()
	if cpu > 0 {
		f.DocsPerCPUS = float64(f.Docs) / cpu.Seconds()
	}
	f.Errors = first.errs
	f.BanRelated = first.stages.BanRelated
	f.Chinese = first.stages.Chinese
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	f.StageMS = map[string]float64{
		"fetch":     ms(time.Duration(stats.FetchNanos.Load())),
		"main_text": ms(time.Duration(stats.ParseNanos.Load())),
		"entities":  ms(first.stages.Entities),
		"index":     ms(first.stages.Index),
		"state":     ms(first.stages.State),
	}
	if f.IndexBytes, err = index.DiskSize(indexPath); err != nil {
		return f, err
	}

	// Re-crawl of the unchanged site, by a new pipeline (a new crawler) over the same data folder,
	// as the next scheduled run would.
	before := *snapshot(w.traffic())
	again := crawlAll(ctx, cfg, st, func(opts *crawler.Options) { opts.IgnoreRobots, opts.NoRateLimit = true, true }, o.parallel, o.log)
	after := snapshot(w.traffic())
	f.RecrawlWallS = again.wall.Seconds()
	f.RecrawlRequests = again.requests
	f.RecrawlDocs = again.docs
	f.RecrawlConditional = after.conditional - before.conditional
	f.RecrawlNotModified = after.notModified - before.notModified
	f.Errors += again.errs
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
