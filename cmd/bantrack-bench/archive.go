package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"time"

	"github.com/bantrack/bantrack/archive"
	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/config"
	"github.com/bantrack/bantrack/crawler"
	"github.com/bantrack/bantrack/extract"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/internal/pipeline"
)

// archiveFigures are what `bantrack-bench -archive` measured: first crawls of the same site with
// the archive off and on, alternating, in one run, then a reindex from the archive alone.
type archiveFigures struct {
	Docs   int        `json:"docs"`
	Rounds []armPair  `json:"rounds"`
	Off    armSummary `json:"off"` // medians over the rounds
	On     armSummary `json:"on"`
	// Cost is 1 - on/off of the median documents/s: the throughput the archive costs.
	Cost             float64 `json:"cost"`
	CostCPU          float64 `json:"cost_cpu"` // the same on documents per CPU-second
	ArchiveBytes     int64   `json:"archive_bytes"`
	ArchiveFiles     int     `json:"archive_files"`
	RawBodyBytes     int64   `json:"raw_body_bytes"` // bodies of the responses archived, as fetched
	Responses        int     `json:"responses"`
	BytesPerDoc      float64 `json:"archive_bytes_per_doc"`
	ArchiveOverRaw   float64 `json:"archive_over_raw"`
	IndexBytes       int64   `json:"index_bytes"`
	ReindexDocs      int     `json:"reindex_docs"`
	ReindexS         float64 `json:"reindex_s"`
	ReindexDocsPerS  float64 `json:"reindex_docs_per_s"`
	ReindexOverCrawl float64 `json:"reindex_over_crawl"` // reindex docs/s over the archived first crawl's
	GOMAXPROCS       int     `json:"gomaxprocs"`
	LoadBefore       float64 `json:"load_before"`
	LoadAfter        float64 `json:"load_after"`
}

type armSummary struct {
	WallS       float64 `json:"wall_s"`
	DocsPerS    float64 `json:"docs_per_s"`
	CPUS        float64 `json:"cpu_s"`
	DocsPerCPUS float64 `json:"docs_per_cpu_s"`
	ArchiveMS   float64 `json:"archive_ms,omitempty"`
}

type armPair struct{ Off, On armSummary }

// runArchive crawls the generated site rounds times with the archive off and on, in alternating
// order (off first in odd rounds, on first in even ones), each into a fresh data folder, then
// reindexes the last archived folder from its archive, offline.
func runArchive(ctx context.Context, o options, rounds int) (f archiveFigures, err error) {
	if o.docs < 1 || rounds < 1 {
		return f, errors.New("-docs and -rounds must be at least 1")
	}
	o = o.withLog()
	f.GOMAXPROCS = runtime.GOMAXPROCS(0)
	f.LoadBefore = loadAverage()
	base, done, err := workDir(o.dir, "bantrack-bench-archive")
	if err != nil {
		return f, err
	}
	defer done()
	w, err := startWeb(o.seed, o.docs, loadNames(extract.Default()))
	if err != nil {
		return f, err
	}
	defer w.close()
	cfg := &config.Config{Sources: w.sources, Archive: config.DefaultArchive()}
	tune := func(opts *crawler.Options) {
		opts.IgnoreRobots, opts.NoRateLimit, opts.HostConcurrency = true, true, 4*o.parallel
	}
	var last string
	arm := func(on bool, round int) (armSummary, error) {
		dir := filepath.Join(base, fmt.Sprintf("r%d-%v", round, on))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return armSummary{}, err
		}
		st, err := pipeline.OpenWriter(dir)
		if err != nil {
			return armSummary{}, err
		}
		defer st.Close()
		p := &pass{}
		pl := &pipeline.Pipeline{Log: o.log, Config: cfg, Store: st, Parallel: o.parallel, Tune: tune, Stages: &p.stages, NoArchive: !on}
		start, cpu0 := time.Now(), cpuTime()
		sums := pl.Crawl(ctx, cfg.Sources)
		wall, cpu := time.Since(start), cpuTime()-cpu0
		docs := 0
		for _, s := range sums {
			docs += s.Indexed
			if s.Err != nil {
				return armSummary{}, fmt.Errorf("source %s: %w", s.Source, s.Err)
			}
		}
		if f.Docs == 0 {
			f.Docs = docs
		}
		if on {
			last = dir
		}
		return armSummary{WallS: wall.Seconds(), DocsPerS: float64(docs) / wall.Seconds(), CPUS: cpu.Seconds(),
			DocsPerCPUS: float64(docs) / cpu.Seconds(), ArchiveMS: float64(p.stages.Archive.Microseconds()) / 1000}, ctx.Err()
	}
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
	for r := range rounds {
		var pair armPair
		order := []bool{false, true}
		if r%2 == 1 {
			order = []bool{true, false}
		}
		for _, on := range order {
			var s armSummary
			var err error
			// labelled, so that a profile can be read per arm: pprof -tagfocus archive=on
			pprof.Do(ctx, pprof.Labels("archive", onOff(on)), func(context.Context) { s, err = arm(on, r) })
			if err != nil {
				return f, err
			}
			if on {
				pair.On = s
			} else {
				pair.Off = s
			}
		}
		f.Rounds = append(f.Rounds, pair)
	}
	f.Off, f.On = medianArm(f.Rounds, false), medianArm(f.Rounds, true)
	f.Cost = 1 - f.On.DocsPerS/f.Off.DocsPerS
	f.CostCPU = 1 - f.On.DocsPerCPUS/f.Off.DocsPerCPUS

	adir := pipeline.ArchivePath(last)
	if f.ArchiveBytes, err = archive.Size(adir); err != nil {
		return f, err
	}
	files, _ := archive.Files(adir)
	f.ArchiveFiles = len(files)
	err = archive.Scan(adir, func(r archive.Record) error {
		if r.Type == "response" {
			f.Responses++
			f.RawBodyBytes += int64(len(r.Body))
		}
		return nil
	})
	if err != nil {
		return f, err
	}
	f.BytesPerDoc = float64(f.ArchiveBytes) / float64(max(f.Docs, 1))
	f.ArchiveOverRaw = float64(f.ArchiveBytes) / float64(max(f.RawBodyBytes, 1))
	f.IndexBytes, _ = index.DiskSize(pipeline.IndexPath(last))

	// Reindex from the archive alone: the server is stopped first, so nothing could be fetched.
	w.close()
	prevGC := debug.SetGCPercent(index.PutGCPercent)
	defer debug.SetGCPercent(prevGC)
	g := extract.Default()
	start := time.Now()
	rs, err := pipeline.Reindex(ctx, last, nil, pipeline.ReindexOptions{Log: o.log, Analyze: func(a article.Article) article.Article {
		a.Entities = g.Analyze(a.Title, a.Text, a.Published)
		return a
	}})
	if err != nil {
		return f, err
	}
	f.ReindexS = time.Since(start).Seconds()
	f.ReindexDocs = rs.Docs()
	f.ReindexDocsPerS = float64(rs.Docs()) / f.ReindexS
	f.ReindexOverCrawl = f.ReindexDocsPerS / f.On.DocsPerS
	f.LoadAfter = loadAverage()
	return f, nil
}

func medianArm(rounds []armPair, on bool) armSummary {
	var xs []armSummary
	for _, r := range rounds {
		if on {
			xs = append(xs, r.On)
		} else {
			xs = append(xs, r.Off)
		}
	}
	pick := func(get func(armSummary) float64) float64 {
		vs := make([]float64, len(xs))
		for i, x := range xs {
			vs[i] = get(x)
		}
		return median(vs)
	}
	return armSummary{
		WallS: pick(func(a armSummary) float64 { return a.WallS }), DocsPerS: pick(func(a armSummary) float64 { return a.DocsPerS }),
		CPUS: pick(func(a armSummary) float64 { return a.CPUS }), DocsPerCPUS: pick(func(a armSummary) float64 { return a.DocsPerCPUS }),
		ArchiveMS: pick(func(a armSummary) float64 { return a.ArchiveMS }),
	}
}

func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func reportArchive(w io.Writer, f archiveFigures, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(f)
	}
	mib := func(n int64) float64 { return float64(n) / (1 << 20) }
	fmt.Fprintf(w, "bantrack-bench -archive: %d documents, %d rounds, GOMAXPROCS %d, load %.2f before, %.2f after\n\n",
		f.Docs, len(f.Rounds), f.GOMAXPROCS, f.LoadBefore, f.LoadAfter)
	fmt.Fprintf(w, "%-8s %10s %12s %10s %14s %12s\n", "round", "archive", "wall s", "docs/s", "docs/CPU-s", "archive ms")
	for i, r := range f.Rounds {
		for _, x := range []struct {
			name string
			a    armSummary
		}{{"off", r.Off}, {"on", r.On}} {
			fmt.Fprintf(w, "%-8d %10s %12.2f %10.1f %14.1f %12.0f\n", i+1, x.name, x.a.WallS, x.a.DocsPerS, x.a.DocsPerCPUS, x.a.ArchiveMS)
		}
	}
	fmt.Fprintf(w, "\nmedian docs/s off %.1f, on %.1f: the archive costs %.1f%% of throughput (%.1f%% per CPU-second)\n",
		f.Off.DocsPerS, f.On.DocsPerS, 100*f.Cost, 100*f.CostCPU)
	fmt.Fprintf(w, "archive %.1f MiB in %d files, %d responses: %.1f KiB per document; %.2f of the %.1f MiB of bodies fetched (index %.1f MiB)\n",
		mib(f.ArchiveBytes), f.ArchiveFiles, f.Responses, f.BytesPerDoc/1024, f.ArchiveOverRaw, mib(f.RawBodyBytes), mib(f.IndexBytes))
	fmt.Fprintf(w, "reindex from the archive, server stopped: %d documents in %.1fs, %.1f docs/s (%.2f× the archived first crawl's)\n",
		f.ReindexDocs, f.ReindexS, f.ReindexDocsPerS, f.ReindexOverCrawl)
	return nil
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}
