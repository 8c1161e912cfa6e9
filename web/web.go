package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"time"

	"github.com/bantrack/bantrack/article"
)

// Errors the adapters wrap so that handlers answer with the right status (see statusOf).
var (
	// ErrInvalid is a request the server cannot answer as asked: a bad query, an unknown
	// parameter value (400).
	ErrInvalid = errors.New("invalid request")
	// ErrNotFound is a document or page that does not exist (404).
	ErrNotFound = errors.New("not found")
	// ErrUnavailable is a store that cannot be read now: no index yet, a crawl that held the
	// index too long (503).
	ErrUnavailable = errors.New("unavailable")
)

// Searcher runs searches. Names in Query filters are as the user wrote them (any alias, any
// language); the searcher resolves them.
type Searcher interface {
	Search(ctx context.Context, q Query) (*Results, error)
}

// Documents gets one document by id, as its export record.
type Documents interface {
	Document(ctx context.Context, id string) (article.Article, error)
}

// Health reports the sources' health and the store's figures (what `bantrack status` shows).
type Health interface {
	Status(ctx context.Context) (*Status, error)
	// Ready returns nil when the index and the state store can be read, else the reason.
	Ready(ctx context.Context) error
}

// Raw gives the archived body of a document's latest version, byte for byte, with its content
// type. Optional: without it the document page has no raw link and /documents/{id}/raw is 404.
type Raw interface {
	Raw(ctx context.Context, id string) (body []byte, contentType string, err error)
}

// Takedowns says when re-checks found a document's page taken down: the first such time and the
// status (404 or 410); a zero time when they did not. Optional: when Raw also implements it, the
// document page shows it.
type Takedowns interface {
	Takedown(ctx context.Context, id string) (since time.Time, status int)
}

// Options is what a Server serves.
type Options struct {
	Searcher  Searcher
	Documents Documents
	Health    Health
	Raw       Raw      // may be nil
	Metrics   *Metrics // may be nil: no /metrics
	Log       *slog.Logger
	// BaseURL, when set (https://bantrack.example.org/), is the origin and path prefix used for
	// absolute links in Atom feeds; otherwise they are made from the request (and the
	// X-Forwarded-Proto and X-Forwarded-Host headers a reverse proxy sets).
	BaseURL string
	// MaxSearches bounds the searches run at once (2 × GOMAXPROCS when 0); the others wait their
	// turn in arrival order, so that under a crowd each waits about as long as the others instead
	// of a few waiting very long.
	MaxSearches int
}

//go:embed templates/*.html static/*
var assets embed.FS

// Server is the HTTP handler of `bantrack serve`.
type Server struct {
	opts  Options
	slots chan struct{} // one per search running
	log   *slog.Logger
	pages map[string]*template.Template
	mux   *http.ServeMux
}

// New returns the handler serving opts. Its templates are parsed once, here.
func New(opts Options) (*Server, error) {
	if opts.Searcher == nil || opts.Documents == nil || opts.Health == nil {
		return nil, errors.New("web: Searcher, Documents and Health are required")
	}
	s := &Server{opts: opts, log: opts.Log, mux: http.NewServeMux(), pages: map[string]*template.Template{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	n := opts.MaxSearches
	if n <= 0 {
		n = 2 * runtime.GOMAXPROCS(0)
	}
	s.slots = make(chan struct{}, n)
	for _, page := range []string{"search", "document", "sources", "error"} {
		t, err := template.New("layout.html").Funcs(funcs()).ParseFS(assets, "templates/layout.html", "templates/"+page+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parse template %s: %w", page, err)
		}
		s.pages[page] = t
	}
	static, err := fs.Sub(assets, "static")
	if err != nil {
		return nil, err
	}
	s.mux.HandleFunc("GET /{$}", s.searchPage)
	s.mux.HandleFunc("GET /search", s.searchPage)
	s.mux.HandleFunc("GET /documents/{id}", s.documentPage)
	s.mux.HandleFunc("GET /documents/{id}/raw", s.rawDocument)
	s.mux.HandleFunc("GET /sources", s.sourcesPage)
	s.mux.HandleFunc("GET /api/search", s.apiSearch)
	s.mux.HandleFunc("GET /api/documents/{id}", s.apiDocument)
	s.mux.HandleFunc("GET /feeds/search.atom", s.atomFeed)
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	if opts.Metrics != nil {
		s.mux.Handle("GET /metrics", opts.Metrics.handler(opts.Searcher, opts.Health))
	}
	return s, nil
}

// contentSecurityPolicy allows scripts, styles and images from this server only: no inline
// script, nothing from elsewhere, no framing.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// maxRawQuery bounds a request's query string; longer ones get 400 before any work.
const maxRawQuery = 8 << 10

// ServeHTTP sets the security headers every answer carries and checks the query's size.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	if len(r.URL.RawQuery) > maxRawQuery {
		s.fail(w, r, fmt.Errorf("%w: the query string is %d bytes, more than the %d allowed", ErrInvalid, len(r.URL.RawQuery), maxRawQuery))
		return
	}
	s.mux.ServeHTTP(w, r)
}

// search runs q when a slot is free (see Options.MaxSearches).
func (s *Server) search(ctx context.Context, q Query) (*Results, error) {
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.slots }()
	return s.opts.Searcher.Search(ctx, q)
}

// statusOf maps an error to the status code it is answered with, in one place.
func statusOf(err error) int {
	switch {
	case errors.Is(err, ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrUnavailable):
		return http.StatusServiceUnavailable
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// wantsJSON reports whether an error for r should be answered as JSON (the API) or as a page.
func wantsJSON(r *http.Request) bool {
	p := r.URL.Path
	return len(p) >= 5 && p[:5] == "/api/"
}

// fail answers r with err's status: a JSON object for the API, a page otherwise. Server errors
// are logged and their details kept from the client.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := statusOf(err)
	msg := err.Error()
	if code == http.StatusInternalServerError {
		s.log.Error("web request failed", "path", r.URL.Path, "error", err)
		msg = "internal error: the server log says more"
	}
	if wantsJSON(r) || r.URL.Path == "/feeds/search.atom" || r.URL.Path == "/healthz" {
		if wantsJSON(r) {
			writeJSON(w, code, map[string]string{"error": msg})
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(code)
		fmt.Fprintln(w, msg)
		return
	}
	s.render(w, r, code, "error", errorPage{Title: http.StatusText(code), Code: code, Message: msg})
}

type errorPage struct {
	Title   string
	Code    int
	Message string
}

// render executes a page's template into a buffer first, so that a template error becomes a 500
// rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, page string, data any) {
	var buf bytes.Buffer
	if err := s.pages[page].Execute(&buf, data); err != nil {
		s.log.Error("render page", "page", page, "path", r.URL.Path, "error", err)
		http.Error(w, "internal error: the server log says more", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(buf.Bytes()) //nolint:errcheck // the client went away
}

// NewHTTPServer returns an http.Server for h on addr with every timeout set, so that a slow or
// stalled client cannot hold a connection forever.
func NewHTTPServer(addr string, h http.Handler, log *slog.Logger) *http.Server {
	srv := &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
	if log != nil {
		srv.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	}
	return srv
}

// IsLoopback reports whether addr (host:port) binds to loopback only. An empty host binds every
// interface, and a name other than localhost is not trusted to be loopback.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
