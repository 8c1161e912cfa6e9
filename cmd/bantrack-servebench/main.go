package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/extract"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/internal/corpus"
	"github.com/bantrack/bantrack/internal/pipeline"
	"github.com/bantrack/bantrack/web"
)

type options struct {
	docs, clients, searches, chunk int
	dir                            string
	reuse                          bool
	seed                           uint64
	timeout                        time.Duration
	cpuProf                        string
}

func main() {
	var o options
	fs := flag.NewFlagSet("bantrack-servebench", flag.ContinueOnError)
	fs.IntVar(&o.docs, "docs", 20000, "documents in the index")
	fs.IntVar(&o.clients, "clients", 200, "clients searching at once")
	fs.IntVar(&o.searches, "searches", 50, "searches each client runs")
	fs.IntVar(&o.chunk, "chunk", 1000, "documents per Put while building the index")
	fs.StringVar(&o.dir, "dir", "", "folder for the index (kept); default a temporary folder (removed)")
	fs.BoolVar(&o.reuse, "reuse", false, "serve the index an earlier run left in -dir; build nothing")
	fs.Uint64Var(&o.seed, "seed", 1, "corpus seed")
	fs.StringVar(&o.cpuProf, "cpuprofile", "", "write a CPU profile of the HTTP load to this file")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "give up (and fail) when the load takes longer")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if err := run(context.Background(), os.Stdout, o); err != nil {
		fmt.Fprintln(os.Stderr, "bantrack-servebench:", err)
		os.Exit(1)
	}
}

// searches are the searches the clients run, as URL parameters: words, a phrase, Chinese words,
// aliases in both languages, filters with facets, date order.
func searches() []url.Values {
	return []url.Values{
		{"q": {"huawei"}},
		{"q": {"网络安全审查"}},
		{"q": {`"entity list"`}},
		{"q": {"美光"}},
		{"vendor": {"华为"}, "ban": {"1"}},
		{"agency": {"CAC"}, "lang": {"zh"}, "sort": {"date"}},
		{"q": {"export controls"}, "vendor": {"micron"}, "since": {"2020-01-01"}},
		{"q": {"chips"}, "country": {"美国"}},
		{"q": {"不可靠实体清单"}},
		{"ban": {"1"}, "sort": {"date"}, "offset": {"20"}},
	}
}

func run(ctx context.Context, w io.Writer, o options) error {
	dir := o.dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "bantrack-servebench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	path := filepath.Join(dir, "index.bleve")
	if !o.reuse {
		if err := build(ctx, w, path, o); err != nil {
			return err
		}
	}
	shared := index.NewShared(path)
	defer shared.Close()
	reader := &pipeline.Reader{Index: shared, Gazetteer: extract.Default()}
	handler, err := web.New(web.Options{Searcher: reader, Documents: reader, Health: benchHealth{reader},
		Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := web.NewHTTPServer(ln.Addr().String(), handler, nil)
	go srv.Serve(ln)                               //nolint:errcheck // ends with Shutdown below
	defer srv.Shutdown(context.WithoutCancel(ctx)) //nolint:errcheck // the bench is over
	base := "http://" + ln.Addr().String()

	qs := searches()
	// Warm up: the first search reads the document table; each search once more.
	for _, q := range qs {
		if _, err := reader.Search(ctx, query(q)); err != nil {
			return fmt.Errorf("warm-up search %s: %w", q.Encode(), err)
		}
	}
	// One client alone first: what each kind of search costs without waiting for others.
	for _, q := range qs {
		var lat []time.Duration
		for range 20 {
			t := time.Now()
			if _, err := reader.Search(ctx, query(q)); err != nil {
				return err
			}
			lat = append(lat, time.Since(t))
		}
		slices.Sort(lat)
		fmt.Fprintf(w, "alone: %-55s p50 %6.1f ms\n", q.Encode(), ms(lat[len(lat)/2]))
	}
	fmt.Fprintf(w, "load: %d clients × %d searches = %d, %d kinds of search, GOMAXPROCS %d, load average %s\n",
		o.clients, o.searches, o.clients*o.searches, len(qs), runtime.GOMAXPROCS(0), loadAvg())

	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	// The baseline: the same searches in-process, as many at once as the server runs
	// (2 × GOMAXPROCS), with no HTTP, JSON or HTML.
	slots := make(chan struct{}, 2*runtime.GOMAXPROCS(0))
	direct := load(ctx, o, func(ctx context.Context, i int) error {
		slots <- struct{}{}
		defer func() { <-slots }()
		_, err := reader.Search(ctx, query(qs[i%len(qs)]))
		return err
	})
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: o.clients, MaxIdleConnsPerHost: o.clients, MaxConnsPerHost: 0},
		Timeout: time.Minute}
	if o.cpuProf != "" {
		f, err := os.Create(o.cpuProf)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	viaHTTP := load(ctx, o, func(ctx context.Context, i int) error {
		path := "/api/search?"
		if i%5 == 4 {
			path = "/search?"
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path+qs[i%len(qs)].Encode(), nil)
		if err != nil {
			return err
		}
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		if _, err := io.Copy(io.Discard, res.Body); err != nil {
			return err
		}
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: status %d", path, res.StatusCode)
		}
		return nil
	})
	direct.print(w, "in-process (pipeline.Reader, same bound, no HTTP)")
	viaHTTP.print(w, "HTTP on loopback (bantrack serve's handler)")
	if direct.p50 > 0 {
		fmt.Fprintf(w, "ratio HTTP/in-process: throughput %.2f×, p50 %.2f×, p99 %.2f×\n", viaHTTP.rate()/direct.rate(),
			float64(viaHTTP.p50)/float64(direct.p50), float64(viaHTTP.p99)/float64(direct.p99))
	}
	if viaHTTP.errors > 0 || direct.errors > 0 {
		return fmt.Errorf("%d errors over HTTP, %d in-process (first: %v)", viaHTTP.errors, direct.errors, errors.Join(viaHTTP.first, direct.first))
	}
	return nil
}

func query(v url.Values) web.Query {
	q := web.Query{Text: v.Get("q"), Vendors: v["vendor"], Agencies: v["agency"], Countries: v["country"], Lang: v.Get("lang"),
		BanOnly: v.Get("ban") == "1", Sort: v.Get("sort"), Limit: 10}
	if q.Sort == "" {
		q.Sort = "relevance"
	}
	if s := v.Get("since"); s != "" {
		q.Since, _ = time.Parse(time.DateOnly, s)
	}
	fmt.Sscan(v.Get("offset"), &q.Offset)
	return q
}

type result struct {
	n, errors     int
	first         error
	took          time.Duration
	p50, p99, max time.Duration
}

// load runs o.clients goroutines, each running o.searches searches with do, and reports their latencies.
func load(ctx context.Context, o options, do func(ctx context.Context, i int) error) result {
	lat := make([][]time.Duration, o.clients)
	var errs atomic.Int64
	var firstOnce sync.Once
	var first error
	var wg sync.WaitGroup
	start := time.Now()
	for c := range o.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range o.searches {
				t := time.Now()
				err := do(ctx, c*o.searches+s)
				lat[c] = append(lat[c], time.Since(t))
				if err != nil {
					errs.Add(1)
					firstOnce.Do(func() { first = err })
				}
			}
		}()
	}
	wg.Wait()
	r := result{took: time.Since(start), errors: int(errs.Load()), first: first}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	r.n = len(all)
	if r.n > 0 {
		r.p50, r.p99, r.max = all[r.n/2], all[r.n*99/100], all[r.n-1]
	}
	return r
}

func (r result) rate() float64 { return float64(r.n) / r.took.Seconds() }

func (r result) print(w io.Writer, label string) {
	fmt.Fprintf(w, "%s: %d searches in %s = %.0f/s; p50 %.1f ms, p99 %.1f ms, max %.1f ms; errors %d\n", label, r.n,
		r.took.Round(time.Millisecond), float64(r.n)/r.took.Seconds(), ms(r.p50), ms(r.p99), ms(r.max), r.errors)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// build writes o.docs generated articles into a new index at path.
func build(ctx context.Context, w io.Writer, path string, o options) error {
	if err := os.RemoveAll(path); err != nil {
		return err
	}
	ix, err := index.Open(path)
	if err != nil {
		return err
	}
	g := corpus.New(o.seed, o.docs)
	start := time.Now()
	batch := make([]article.Article, 0, o.chunk)
	for i := range o.docs {
		batch = append(batch, g.Article(i))
		if len(batch) == o.chunk || i == o.docs-1 {
			if err := ix.Put(ctx, batch...); err != nil {
				ix.Close()
				return fmt.Errorf("index: %w", err)
			}
			batch = batch[:0]
		}
	}
	if err := ix.Close(); err != nil {
		return err
	}
	fmt.Fprintf(w, "index: %d documents built in %s\n", o.docs, time.Since(start).Round(time.Millisecond))
	return nil
}

// benchHealth is the least a web.Health must say; the bench only searches.
type benchHealth struct{ r *pipeline.Reader }

func (h benchHealth) Status(ctx context.Context) (*web.Status, error) {
	res, err := h.r.Search(ctx, web.Query{Sort: "date", Limit: 1})
	if err != nil {
		return nil, err
	}
	return &web.Status{AsOf: time.Now(), Documents: res.Total}, nil
}

func (h benchHealth) Ready(ctx context.Context) error {
	_, err := h.r.Search(ctx, web.Query{Sort: "date", Limit: 1})
	return err
}

// loadAvg is the machine's 1-minute load average, or "?" when it cannot be read.
func loadAvg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil || len(raw) == 0 {
		return "?"
	}
	var one string
	fmt.Sscan(string(raw), &one)
	return one
}
