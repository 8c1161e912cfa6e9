package web

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is the server's Prometheus registry (its own, not the global default) and the counters
// an in-process daemon (`bantrack run --http`) feeds. The gauges (documents, sources' health,
// index size) are read from the Searcher and Health at each scrape, so plain `bantrack serve`
// has them too; the counters and the histogram stay at zero unless a daemon runs in the process.
type Metrics struct {
	reg *prometheus.Registry

	crawls        *prometheus.CounterVec
	crawlErrors   *prometheus.CounterVec
	crawlDuration *prometheus.HistogramVec
	fetches       *prometheus.CounterVec
	fetchDuration *prometheus.HistogramVec
	fetchErrors   *prometheus.CounterVec
	digestSends   prometheus.Counter
	digestFails   prometheus.Counter
}

// NewMetrics returns a registry with bantrack's metrics and the Go and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.crawls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bantrack_crawls_total", Help: "Crawls of a source run by this process, by source and result (ok, failed, interrupted).",
	}, []string{"source", "result"})
	m.crawlErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bantrack_crawl_errors_total", Help: "Failed crawls of a source run by this process, by source and kind of error.",
	}, []string{"source", "kind"})
	m.crawlDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "bantrack_crawl_duration_seconds", Help: "How long one source's crawl took (listing, pages, indexing), in this process.",
		Buckets: []float64{0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800},
	}, []string{"source"})
	m.fetches = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bantrack_fetches_total", Help: "HTTP requests the crawler made for a source (listings and article pages) in this process.",
	}, []string{"source"})
	m.fetchDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "bantrack_fetch_duration_seconds", Help: "How long one fetch (a listing, feed, sitemap or article page, retries included) took, by source, in this process.",
		Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
	}, []string{"source"})
	m.fetchErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bantrack_fetch_errors_total", Help: "Fetches (listings, feeds, sitemaps, article pages) that failed in this process after their retries, by source and kind of error; a failed listing also fails its crawl (bantrack_crawl_errors_total).",
	}, []string{"source", "kind"})
	m.digestSends = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "bantrack_digest_sends_total", Help: "Digests sent by this process.",
	})
	m.digestFails = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "bantrack_digest_failures_total", Help: "Digests this process failed to send.",
	})
	m.reg.MustRegister(m.crawls, m.crawlErrors, m.crawlDuration, m.fetches, m.fetchDuration, m.fetchErrors,
		m.digestSends, m.digestFails,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is the registry the metrics are on (for tests and for adding collectors).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// ObserveCrawl records one source's crawl: how long it took, how many requests it made, and
// its error kind ("" when it succeeded; "interrupted" when it was cut off).
func (m *Metrics) ObserveCrawl(source string, took time.Duration, requests int, errKind string) {
	result := "ok"
	switch errKind {
	case "":
	case "interrupted":
		result = "interrupted"
	default:
		result = "failed"
		m.crawlErrors.WithLabelValues(source, errKind).Inc()
	}
	m.crawls.WithLabelValues(source, result).Inc()
	m.crawlDuration.WithLabelValues(source).Observe(took.Seconds())
	m.fetches.WithLabelValues(source).Add(float64(requests))
}

// ObserveFetch records one fetch of a source's listing or pages: its duration and its error
// kind ("" when it succeeded).
func (m *Metrics) ObserveFetch(source string, took time.Duration, errKind string) {
	m.fetchDuration.WithLabelValues(source).Observe(took.Seconds())
	if errKind != "" {
		m.fetchErrors.WithLabelValues(source, errKind).Inc()
	}
}

// ObserveDigest records one digest sent, or failed to send.
func (m *Metrics) ObserveDigest(err error) {
	if err != nil {
		m.digestFails.Inc()
		return
	}
	m.digestSends.Inc()
}

// scrapeTimeout bounds the reading of the store's figures at a scrape.
const scrapeTimeout = 10 * time.Second

// handler serves the registry, with the store's figures gathered at each scrape.
func (m *Metrics) handler(s Searcher, h Health) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(&storeCollector{searcher: s, health: h, d: newStoreDescs()})
	gatherers := prometheus.Gatherers{m.reg, reg}
	return promhttp.HandlerFor(gatherers, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError, MaxRequestsInFlight: 4})
}

// storeCollector reads documents, index size and sources' health at each scrape.
type storeCollector struct {
	searcher Searcher
	health   Health
	d        storeDescs
}

// storeDescs are the descriptions of the metrics read from the store at each scrape.
type storeDescs struct {
	documents   *prometheus.Desc
	indexBytes  *prometheus.Desc
	seen        *prometheus.Desc
	lastSuccess *prometheus.Desc
	lastRun     *prometheus.Desc
	lastError   *prometheus.Desc
	failing     *prometheus.Desc
	items       *prometheus.Desc
	lastIndexed *prometheus.Desc
	lastReqs    *prometheus.Desc
	lastTook    *prometheus.Desc
	sourceDocs  *prometheus.Desc
	lastDigest  *prometheus.Desc
	up          *prometheus.Desc
}

func newStoreDescs() storeDescs {
	return storeDescs{
		documents:   prometheus.NewDesc("bantrack_documents", "Documents in the index, by language and whether they are ban-related.", []string{"lang", "ban_related"}, nil),
		indexBytes:  prometheus.NewDesc("bantrack_index_size_bytes", "Size of the index on disk.", nil, nil),
		seen:        prometheus.NewDesc("bantrack_seen_documents", "Documents the crawl state has recorded.", nil, nil),
		lastSuccess: prometheus.NewDesc("bantrack_source_last_success_timestamp_seconds", "When a source's last crawl succeeded (Unix time; absent if never).", []string{"source"}, nil),
		lastRun:     prometheus.NewDesc("bantrack_source_last_run_timestamp_seconds", "When a source was last crawled (Unix time; absent if never).", []string{"source"}, nil),
		lastError:   prometheus.NewDesc("bantrack_source_last_error_timestamp_seconds", "When a source's crawl last failed (Unix time; absent if never).", []string{"source"}, nil),
		failing:     prometheus.NewDesc("bantrack_source_failing", "1 when a source's last crawl failed, else 0.", []string{"source"}, nil),
		items:       prometheus.NewDesc("bantrack_source_last_items", "Items a source's listing had on the last crawl that read it.", []string{"source"}, nil),
		lastIndexed: prometheus.NewDesc("bantrack_source_last_indexed", "Documents a source's last crawl indexed.", []string{"source"}, nil),
		lastReqs:    prometheus.NewDesc("bantrack_source_last_requests", "HTTP requests a source's last crawl made (listing, pages, retries, redirects), whichever process crawled.", []string{"source"}, nil),
		lastTook:    prometheus.NewDesc("bantrack_source_last_crawl_duration_seconds", "How long a source's last crawl took, whichever process crawled.", []string{"source"}, nil),
		sourceDocs:  prometheus.NewDesc("bantrack_source_documents", "Documents in the index from a source.", []string{"source"}, nil),
		lastDigest:  prometheus.NewDesc("bantrack_digest_last_sent_timestamp_seconds", "When the last digest was sent (Unix time; absent if never).", nil, nil),
		up:          prometheus.NewDesc("bantrack_store_up", "1 when the index and state could be read at this scrape, else 0.", nil, nil),
	}
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.d.documents, c.d.indexBytes, c.d.seen, c.d.lastSuccess, c.d.lastRun,
		c.d.lastError, c.d.failing, c.d.items, c.d.lastIndexed, c.d.lastReqs, c.d.lastTook, c.d.sourceDocs, c.d.lastDigest, c.d.up} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	up := 1.0
	if err := c.collectDocuments(ctx, ch); err != nil {
		up = 0
		ch <- prometheus.NewInvalidMetric(c.d.documents, err)
	}
	st, err := c.health.Status(ctx)
	if err != nil {
		up = 0
		ch <- prometheus.NewInvalidMetric(c.d.lastSuccess, err)
	} else {
		gauge := func(d *prometheus.Desc, v float64, labels ...string) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
		}
		stamp := func(d *prometheus.Desc, t time.Time, labels ...string) {
			if !t.IsZero() {
				gauge(d, float64(t.UnixMilli())/1000, labels...)
			}
		}
		gauge(c.d.indexBytes, float64(st.IndexBytes))
		gauge(c.d.seen, float64(st.Seen))
		stamp(c.d.lastDigest, st.LastDigest)
		for _, src := range st.Sources {
			stamp(c.d.lastSuccess, src.LastSuccess, src.Name)
			stamp(c.d.lastRun, src.LastRun, src.Name)
			stamp(c.d.lastError, src.LastErrorAt, src.Name)
			failing := 0.0
			if src.State == "failing" {
				failing = 1
			}
			gauge(c.d.failing, failing, src.Name)
			gauge(c.d.items, float64(src.ItemsLast), src.Name)
			gauge(c.d.lastIndexed, float64(src.NewLast), src.Name)
			if !src.LastRun.IsZero() {
				gauge(c.d.lastReqs, float64(src.RequestsLast), src.Name)
				gauge(c.d.lastTook, src.TookLast.Seconds(), src.Name)
			}
			gauge(c.d.sourceDocs, float64(src.Documents), src.Name)
		}
	}
	ch <- prometheus.MustNewConstMetric(c.d.up, prometheus.GaugeValue, up)
}

// collectDocuments counts documents by language, ban-related or not, with two searches' facets.
func (c *storeCollector) collectDocuments(ctx context.Context, ch chan<- prometheus.Metric) error {
	all, err := c.searcher.Search(ctx, Query{Sort: "date", Limit: 1})
	if err != nil {
		return err
	}
	ban, err := c.searcher.Search(ctx, Query{Sort: "date", Limit: 1, BanOnly: true})
	if err != nil {
		return err
	}
	for _, lang := range []string{"en", "zh"} {
		b := ban.Facets["lang"][lang]
		ch <- prometheus.MustNewConstMetric(c.d.documents, prometheus.GaugeValue, float64(b), lang, "true")
		ch <- prometheus.MustNewConstMetric(c.d.documents, prometheus.GaugeValue, float64(all.Facets["lang"][lang]-b), lang, "false")
	}
	return nil
}
