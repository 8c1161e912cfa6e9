// Command bantrack-indexbench measures the bantrack index on a generated
// corpus of English and Chinese articles: indexing speed in batches and one
// document at a time, index size against raw text size, and search latency
// (p50, p99) for term, phrase and filtered queries with facets and highlights.
//
//	go run ./cmd/bantrack-indexbench -docs 100000
//
// It prints its figures on stdout and removes the index it built unless -dir
// is given. -reuse only searches the index an earlier run left in -dir,
// -kinds picks the searches timed, -cpuprofile writes a CPU profile, and
// -gogc sets the garbage collector while indexing (index.PutGCPercent, as
// Put-heavy commands should). -engine bleve also indexes the same documents
// with plain bleve (term vectors, en and cjk analysers) and times its term
// and phrase queries, in the same run. Each phrase shows beside its matches
// the number of documents a brute-force scan finds holding it literally.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/internal/corpus"
)

type options struct {
	docs    int
	single  int
	queries int
	chunk   int
	dir     string
	seed    uint64
	reuse   bool   // search the batched index already in dir; index nothing
	kinds   string // comma-separated query kinds to time; empty for all
	cpuProf string // write a CPU profile of the timed part here
	gogc    int    // garbage collector target percentage while indexing

	engine string // "bleve": also measure plain bleve on the same documents

	literal map[string]int // phrase query → documents holding it literally (see literalCounts)
}

func main() {
	var o options
	fs := flag.NewFlagSet("bantrack-indexbench", flag.ContinueOnError)
	fs.IntVar(&o.docs, "docs", 100000, "documents to index in batches")
	fs.IntVar(&o.single, "single", 2000, "documents to index one at a time, into a second index")
	fs.IntVar(&o.queries, "queries", 500, "searches of each kind to time")
	fs.IntVar(&o.chunk, "chunk", 1000, "documents handed to one Put call when batching")
	fs.StringVar(&o.dir, "dir", "", "folder for the indexes (kept); default a temporary folder (removed)")
	fs.Uint64Var(&o.seed, "seed", 1, "corpus seed")
	fs.BoolVar(&o.reuse, "reuse", false, "only search the index an earlier run left in -dir")
	fs.StringVar(&o.kinds, "kinds", "", "query kinds to time, comma-separated (term, phrase, filtered); default all")
	fs.StringVar(&o.cpuProf, "cpuprofile", "", "write a CPU profile of indexing and searching to this file")
	fs.StringVar(&o.engine, "engine", "bantrack", "bantrack, or bleve to also measure plain bleve with term vectors (en and cjk analysers) on the same documents after it")
	fs.IntVar(&o.gogc, "gogc", index.PutGCPercent, "garbage collector percentage while indexing (Go's default is 100)")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if err := run(context.Background(), os.Stdout, o); err != nil {
		fmt.Fprintln(os.Stderr, "bantrack-indexbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, o options) error {
	dir := o.dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "bantrack-indexbench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	batched := filepath.Join(dir, "batched")
	single := filepath.Join(dir, "single")
	if o.cpuProf != "" {
		f, err := os.Create(o.cpuProf)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	if o.reuse {
		if o.dir == "" {
			return fmt.Errorf("-reuse needs -dir")
		}
		ix, err := index.OpenExisting(batched, false)
		if err != nil {
			return err
		}
		defer ix.Close()
		return searchBench(ctx, w, ix, o)
	}
	for _, p := range []string{batched, single} {
		if _, err := os.Stat(p); err == nil {
			return fmt.Errorf("%s exists; remove it or pick another -dir", p)
		}
	}

	// Indexing allocates much short-lived memory; collecting less often
	// saves a fifth of its CPU time, as bantrack crawl and reindex do.
	oldGC := debug.SetGCPercent(o.gogc)
	gen := corpus.New(o.seed, o.docs)
	fmt.Fprintf(w, "corpus: %d documents batched (Put of %d), %d one at a time, seed %d, GOGC %d while indexing\n", o.docs, o.chunk, o.single, o.seed, o.gogc)

	// Batched.
	ix, err := index.Open(batched)
	if err != nil {
		return err
	}
	defer ix.Close()
	// The corpus is made before the clock starts, so that the figures are
	// of indexing alone (and the merger gets no untimed pauses).
	var raw int64
	docs := make([]article.Article, o.docs)
	g0 := time.Now()
	for i := range docs {
		docs[i] = gen.Article(i)
		raw += corpus.TextBytes(docs[i])
	}
	fmt.Fprintf(w, "corpus made in %s, %.1f MiB of text\n", time.Since(g0).Round(time.Millisecond), mib(raw))
	o.literal = literalCounts(docs)
	t0 := time.Now()
	c0 := cpuTime()
	for i := 0; i < len(docs); i += o.chunk {
		if err := ix.Put(ctx, docs[i:min(i+o.chunk, len(docs))]...); err != nil {
			return err
		}
	}
	spent, cpu := time.Since(t0), cpuTime()-c0
	if o.engine != "bleve" {
		docs = nil
	}
	n, err := ix.Count()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "index batched: %d docs in %s = %.0f docs/s (process CPU %.2f ms/doc; machine load %s)\n",
		n, spent.Round(time.Millisecond), float64(o.docs)/spent.Seconds(), ms(cpu)/float64(o.docs), loadAvg())

	// One at a time, the same kind of documents, into a second index.
	if o.single > 0 {
		sx, err := index.Open(single)
		if err != nil {
			return err
		}
		sgen := corpus.New(o.seed+1, o.single)
		var sspent time.Duration
		for i := range o.single {
			a := sgen.Article(i)
			t0 := time.Now()
			if err := sx.Put(ctx, a); err != nil {
				sx.Close()
				return err
			}
			sspent += time.Since(t0)
		}
		if err := sx.Close(); err != nil {
			return err
		}
		fmt.Fprintf(w, "index one at a time: %d docs in %s = %.0f docs/s\n", o.single, sspent.Round(time.Millisecond), float64(o.single)/sspent.Seconds())
	}

	debug.SetGCPercent(oldGC)

	// Let the merger settle before measuring size and latency, as an index
	// searched after a crawl would be.
	if err := ix.Close(); err != nil {
		return err
	}
	ix, err = index.Open(batched)
	if err != nil {
		return err
	}
	defer ix.Close()
	size, err := index.DiskSize(batched)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "size: raw text %.1f MiB, index on disk %.1f MiB (%.2f× raw; it stores every document whole)\n",
		mib(raw), mib(size), float64(size)/float64(raw))

	if err := searchBench(ctx, w, ix, o); err != nil {
		return err
	}
	if o.engine == "bleve" {
		return plainBleve(ctx, w, dir, docs, raw, o)
	}
	return nil
}

// searchBench times the searches of queryKinds on ix, after a first search
// that reads what every search needs (the document table) into memory.
func searchBench(ctx context.Context, w io.Writer, ix *index.Index, o options) error {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	res, err := ix.Search(ctx, index.Request{Query: "ban", Limit: 1})
	if err != nil {
		return err
	}
	first := time.Since(t0)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(res)
	fmt.Fprintf(w, "first search after open: %.1f ms (reads the document table; heap %+.1f MiB)\n",
		ms(first), mib(int64(after.HeapAlloc)-int64(before.HeapAlloc)))
	for _, k := range queryKinds() {
		if o.kinds != "" && !slices.Contains(strings.Split(o.kinds, ","), k.name) {
			continue
		}
		var all []time.Duration
		for _, q := range k.reqs {
			for range 5 { // warm caches
				if _, err := ix.Search(ctx, q.req); err != nil {
					return err
				}
			}
			lat := make([]time.Duration, 0, o.queries)
			var total uint64
			for range o.queries {
				t0 := time.Now()
				res, err := ix.Search(ctx, q.req)
				if err != nil {
					return err
				}
				lat = append(lat, time.Since(t0))
				total = res.Total
			}
			all = append(all, lat...)
			slices.Sort(lat)
			brute := ""
			if n, ok := o.literal[q.req.Query]; ok && k.name == "phrase" {
				brute = fmt.Sprintf("  brute force %6d", n)
			}
			fmt.Fprintf(w, "  %-8s %-40s p50 %6.2f ms  p99 %6.2f ms  %6d matches%s\n", k.name, q.label, ms(pct(lat, 50)), ms(pct(lat, 99)), total, brute)
		}
		slices.Sort(all)
		fmt.Fprintf(w, "query %-8s (all of the above)  p50 %6.2f ms  p99 %6.2f ms  (%d searches)\n", k.name, ms(pct(all, 50)), ms(pct(all, 99)), len(all))
	}
	return nil
}

type labelled struct {
	label string
	req   index.Request
}

type queryKind struct {
	name string
	reqs []labelled
}

// queryKinds are the searches timed: what an analyst types, from frequent
// to rare words.
func queryKinds() []queryKind {
	since := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	var term, phrase, filtered []labelled
	for _, q := range []string{"huawei", "fortinet", "semiconductor", "sanctions", "firewalls", "美光", "芯片"} {
		term = append(term, labelled{q, index.Request{Query: q}})
	}
	for _, q := range []string{`"Palo Alto Networks"`, `"export controls"`, `"entity list"`, `"supply chain"`, `"网络安全审查"`, `"不可靠实体清单"`} {
		phrase = append(phrase, labelled{q, index.Request{Query: q}})
	}
	for _, f := range []struct{ q, vendor string }{{"ban", "Huawei"}, {"restrictions", "Micron Technology"}, {"审查", "Micron Technology"}, {"banned", "Fortinet"}, {"禁止", "DJI"}} {
		filtered = append(filtered, labelled{
			fmt.Sprintf("%s +vendor %q +since +ban", f.q, f.vendor),
			index.Request{Query: f.q, Vendors: []string{f.vendor}, Since: since, BanOnly: true, Facets: true, Highlight: true},
		})
	}
	filtered = append(filtered, labelled{"(all) +lang zh +ban, facets, by date",
		index.Request{Lang: "zh", BanOnly: true, Facets: true, Highlight: true, Sort: index.SortDate}})
	return []queryKind{{"term", term}, {"phrase", phrase}, {"filtered", filtered}}
}

// literalCounts counts, for each phrase of the bench, the documents that
// hold it as written (case folded) in one field and one sentence, with no
// letter or digit right before or after it: a brute-force scan, without the
// index, to set beside its matches. It does not stem, so a document that
// holds only another form of a word ("export control") is not counted,
// which the index matches.
func literalCounts(docs []article.Article) map[string]int {
	out := map[string]int{}
	for _, k := range queryKinds() {
		if k.name != "phrase" {
			continue
		}
		for _, q := range k.reqs {
			p := strings.ToLower(strings.Trim(q.req.Query, `"`))
			n := 0
			for _, a := range docs {
				for _, f := range []string{a.Title, a.Summary, a.Text} {
					if holdsLiteral(strings.ToLower(f), p) {
						n++
						break
					}
				}
			}
			out[q.req.Query] = n
		}
	}
	return out
}

func holdsLiteral(text, p string) bool {
	latin := p != "" && p[0] < utf8.RuneSelf
	for from := 0; ; {
		i := strings.Index(text[from:], p)
		if i < 0 {
			return false
		}
		i += from
		from = i + 1
		if latin {
			before, _ := utf8.DecodeLastRuneInString(text[:i])
			after, _ := utf8.DecodeRuneInString(text[i+len(p):])
			if i > 0 && (unicode.IsLetter(before) || unicode.IsDigit(before)) || i+len(p) < len(text) && (unicode.IsLetter(after) || unicode.IsDigit(after)) {
				continue
			}
		}
		return true
	}
}

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p+99)/100 - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAvg is the 1-minute load average, when the system says it.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "unknown"
	}
	return f[0]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func mib(n int64) float64 { return float64(n) / (1 << 20) }
