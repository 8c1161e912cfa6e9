package crawler

import (
	"sync/atomic"
	"time"
)

// Stats sums where article fetching spends its time, for benchmarks. Set Options.Stats to
// have a Crawler add to it; it is safe for concurrent use. Times are summed over goroutines,
// so with sources crawled in parallel they can exceed the wall time.
type Stats struct {
	FetchNanos atomic.Int64 // fetching article pages: request, response, body read
	ParseNanos atomic.Int64 // reading fetched pages: charset, HTML, main text, date
	Fetches    atomic.Int64 // article pages fetched
	Parses     atomic.Int64 // article pages read
}

// addFetch records one article fetch that began at start; nil Stats records nothing.
func (st *Stats) addFetch(start time.Time) {
	if st != nil {
		st.FetchNanos.Add(int64(time.Since(start)))
		st.Fetches.Add(1)
	}
}

// addParse records one article page read that began at start; nil Stats records nothing.
func (st *Stats) addParse(start time.Time) {
	if st != nil {
		st.ParseNanos.Add(int64(time.Since(start)))
		st.Parses.Add(1)
	}
}
