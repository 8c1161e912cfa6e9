package web

import (
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// The counters the daemon feeds read back from the registry with their labels, and the
// registry's exposition passes the Prometheus client's own lint (names, units, help).
func TestMetricsCounters(t *testing.T) {
	m := NewMetrics()
	m.ObserveCrawl("cac", 2*time.Second, 7, "")
	m.ObserveCrawl("cac", time.Second, 3, "layout")
	m.ObserveCrawl("bis", time.Second, 1, "interrupted")
	m.ObserveFetch("cac", 300*time.Millisecond, "")
	m.ObserveFetch("cac", 2*time.Second, "http_5xx")
	m.ObserveDigest(nil)
	m.ObserveDigest(nil)
	m.ObserveDigest(errors.New("smtp: 554"))

	for _, c := range []struct {
		name string
		got  float64
		want float64
	}{
		{"crawls ok", testutil.ToFloat64(m.crawls.WithLabelValues("cac", "ok")), 1},
		{"crawls failed", testutil.ToFloat64(m.crawls.WithLabelValues("cac", "failed")), 1},
		{"crawls interrupted", testutil.ToFloat64(m.crawls.WithLabelValues("bis", "interrupted")), 1},
		{"crawl errors layout", testutil.ToFloat64(m.crawlErrors.WithLabelValues("cac", "layout")), 1},
		{"fetches", testutil.ToFloat64(m.fetches.WithLabelValues("cac")), 10},
		{"fetch errors", testutil.ToFloat64(m.fetchErrors.WithLabelValues("cac", "http_5xx")), 1},
		{"digest sends", testutil.ToFloat64(m.digestSends), 2},
		{"digest failures", testutil.ToFloat64(m.digestFails), 1},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v; want %v", c.name, c.got, c.want)
		}
	}
	if n := testutil.CollectAndCount(m.fetchDuration); n != 1 {
		t.Errorf("fetch duration series = %d; want 1 (source cac)", n)
	}
	problems, err := testutil.GatherAndLint(m.reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}
