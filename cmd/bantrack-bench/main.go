package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
)

func main() {
	var o options
	fs := flag.NewFlagSet("bantrack-bench", flag.ContinueOnError)
	fs.IntVar(&o.docs, "docs", 20000, "documents in the generated site")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the generated site")
	fs.IntVar(&o.parallel, "parallel", 8, "sources crawled at once (bantrack crawl uses 8)")
	fs.StringVar(&o.dir, "dir", "", "data folder to build the index and state in (kept); default a temporary one (removed)")
	fs.BoolVar(&o.json, "json", false, "print the figures as one JSON object")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of both crawls to this file")
	fs.StringVar(&o.memProfile, "memprofile", "", "write a heap profile at the end to this file")
	verbose := fs.Bool("v", false, "log the crawl on stderr")
	arch := fs.Bool("archive", false, "measure the WARC archive: first crawls with it off and on, alternating, then a reindex from the archive")
	rounds := fs.Int("rounds", 1, "with -archive: off/on pairs to run (the order alternates)")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if *verbose {
		o.log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *arch {
		f, err := runArchive(ctx, o, *rounds)
		if err == nil {
			err = reportArchive(os.Stdout, f, o.json)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "bantrack-bench:", err)
			os.Exit(1)
		}
		return
	}
	f, err := run(ctx, o)
	if err == nil {
		err = report(os.Stdout, f, o.json)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bantrack-bench:", err)
		os.Exit(1)
	}
}

// report prints the figures as a table, or as JSON.
func report(w io.Writer, f figures, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		return enc.Encode(f)
	}
	mib := func(n int64) float64 { return float64(n) / (1 << 20) }
	fmt.Fprintf(w, "bantrack-bench: %d sources, GOMAXPROCS %d, load %.2f before, %.2f after\n\n",
		f.Sources, f.GOMAXPROCS, f.LoadBefore, f.LoadAfter)
	fmt.Fprintf(w, "%-22s %14s %14s\n", "", "first crawl", "re-crawl")
	fmt.Fprintf(w, "%-22s %14d %14d\n", "documents indexed", f.Docs, f.RecrawlDocs)
	fmt.Fprintf(w, "%-22s %14d %14d\n", "requests sent", f.Requests, f.RecrawlRequests)
	fmt.Fprintf(w, "%-22s %14s %14s\n", "  conditional / 304", "", fmt.Sprintf("%d / %d", f.RecrawlConditional, f.RecrawlNotModified))
	fmt.Fprintf(w, "%-22s %13.2fs %13.3fs\n", "wall time", f.WallS, f.RecrawlWallS)
	fmt.Fprintf(w, "%-22s %14.1f %13.2f%%\n", "documents/s | % of 1st", f.DocsPerS, 100*f.RecrawlWallS/f.WallS)
	fmt.Fprintf(w, "%-22s %13.2fs %14s\n", "CPU time (user+sys)", f.CPUS, "")
	fmt.Fprintf(w, "%-22s %14.1f %14s\n", "documents/CPU-second", f.DocsPerCPUS, "")
	fmt.Fprintf(w, "\n%-22s %14s %14s\n", "stage (summed over", "total ms", "documents/s")
	fmt.Fprintf(w, "%-22s\n", " parallel workers)")
	for _, s := range stageNames() {
		rate := 0.0
		if ms := f.StageMS[s]; ms > 0 {
			rate = float64(f.Docs) / (ms / 1000)
		}
		fmt.Fprintf(w, "%-22s %14.0f %14.1f\n", "  "+s, f.StageMS[s], rate)
	}
	fmt.Fprintf(w, "\n%-22s %11.1f MiB\n", "peak RSS (VmHWM)", mib(f.PeakRSSBytes))
	fmt.Fprintf(w, "%-22s %11.1f MiB (%.1f KiB/document)\n", "index size on disk", mib(f.IndexBytes), float64(f.IndexBytes)/1024/float64(max(f.Docs, 1)))
	fmt.Fprintf(w, "%-22s %11.1f MiB\n", "state size on disk", mib(f.StateBytes))
	fmt.Fprintf(w, "%-22s %14d (ban-related %d, Chinese %d)\n", "item errors", f.Errors, f.BanRelated, f.Chinese)
	return nil
}
