package web

import (
	"net/http"
	"time"
)

// Status is what `bantrack status` shows: the store's figures and each source's health.
type Status struct {
	AsOf       time.Time
	Snapshot   bool // read from the snapshot a running crawl keeps, not the live store
	Running    string
	Documents  uint64
	IndexBytes int64
	Seen       int
	LastDigest time.Time
	DigestSent int // items in the last digest
	NextDigest time.Time
	Sources    []SourceHealth
	Notes      []string
}

// SourceHealth is one source's health.
type SourceHealth struct {
	Name        string
	Configured  bool
	Schedule    string
	State       string // ok, failing or never run
	LastRun     time.Time
	LastSuccess time.Time
	LastError   string
	LastErrorAt time.Time
	ItemsLast   int
	NewLast     int
	// RequestsLast and TookLast are the HTTP requests the last run made and how long it took.
	RequestsLast int
	TookLast     time.Duration
	Documents    int
	NextRun      time.Time
}

type sourcesPage struct {
	Title  string
	Status *Status
}

// sourcesPage shows each source's health, what `bantrack status` prints.
func (s *Server) sourcesPage(w http.ResponseWriter, r *http.Request) {
	st, err := s.opts.Health.Status(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "sources", sourcesPage{Title: "sources - bantrack", Status: st})
}

// healthz answers 200 "ok" when the index and state can be read, 503 with the reason otherwise.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.opts.Health.Ready(r.Context()); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(err.Error() + "\n")) //nolint:errcheck // the client went away
		return
	}
	w.Write([]byte("ok\n")) //nolint:errcheck // the client went away
}
