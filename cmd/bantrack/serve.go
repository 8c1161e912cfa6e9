package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bantrack/bantrack/crawler"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/internal/pipeline"
	"github.com/bantrack/bantrack/state"
	"github.com/bantrack/bantrack/web"
)

// defaultAddr is where serve and run --http listen unless told: loopback only.
const defaultAddr = "127.0.0.1:8080"

func runServe(ctx context.Context, a *app, args []string) error {
	fset := a.flagSet("serve")
	addr := fset.String("addr", defaultAddr, "address to listen on (host:port); anything but loopback is reachable by others, with no login")
	baseURL := fset.String("base-url", "", "public URL of the server (https://bantrack.example.org/), for the links in Atom feeds behind a reverse proxy")
	rest, err := parseInterspersed(fset, args, false)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErrorf("serve takes no arguments; got %q (the address goes in --addr)", strings.Join(rest, " "))
	}
	if err := checkBaseURL(*baseURL); err != nil {
		return err
	}
	dir, err := a.data()
	if err != nil {
		return err
	}
	srv, err := a.newWebServer(dir, *baseURL)
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := a.listen(*addr)
	if err != nil {
		return err
	}
	return srv.Serve(ctx, ln)
}

// listen opens the server's listener, warning when it is not on loopback.
func (a *app) listen(addr string) (net.Listener, error) {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, usageErrorf("--addr %q: want host:port, e.g. 127.0.0.1:8080", addr)
	}
	if !web.IsLoopback(addr) {
		fmt.Fprintf(a.stderr, "warning: serving on %s, beyond this machine, and bantrack has no login: anyone who can reach it reads everything. "+
			"Put it behind a reverse proxy with authentication (docs/serving.md), or use --addr 127.0.0.1:PORT\n", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w (is another server using the port? choose another with --addr)", addr, err)
	}
	return ln, nil
}

// webServer is the web front of a data folder: the handler, the shared index reader, metrics.
type webServer struct {
	log     *slog.Logger
	handler *web.Server
	metrics *web.Metrics
	shared  *index.Shared
}

// newWebServer builds the web server over the data folder dir.
func (a *app) newWebServer(dir, baseURL string) (*webServer, error) {
	shared := index.NewShared(pipeline.IndexPath(dir))
	g, err := a.gazetteer() // the names of feeds.yaml's gazetteer file resolve too
	if err != nil {
		return nil, err
	}
	reader := &pipeline.Reader{Index: shared, Gazetteer: g}
	h := &storeHealth{a: a, dir: dir, shared: shared}
	m := web.NewMetrics()
	raw := &pipeline.ArchivedPages{Dir: dir, Docs: reader}
	handler, err := web.New(web.Options{Searcher: reader, Documents: reader, Raw: raw, Health: h, Metrics: m, Log: a.log, BaseURL: baseURL})
	if err != nil {
		shared.Close() //nolint:errcheck // nothing was opened yet
		return nil, err
	}
	return &webServer{log: a.log, handler: handler, metrics: m, shared: shared}, nil
}

// Serve answers on ln until ctx is done, then lets requests in flight finish (up to 10 seconds).
func (s *webServer) Serve(ctx context.Context, ln net.Listener) error {
	hs := web.NewHTTPServer(ln.Addr().String(), s.handler, s.log)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.log.Info("serving", "url", "http://"+ln.Addr().String()+"/")
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("serve: stop: %w", err)
	}
	s.log.Info("server stopped")
	return nil
}

// Close lets go of the index.
func (s *webServer) Close() error { return s.shared.Close() }

// storeHealth is web.Health over the data folder: what `bantrack status` reads, and whether the
// index and state open.
type storeHealth struct {
	a      *app
	dir    string
	shared *index.Shared
}

func (h *storeHealth) Status(ctx context.Context) (*web.Status, error) {
	cfg, err := h.a.loadConfig()
	if err != nil {
		cfg = nil // like status: the health of what ran is worth showing without a feeds file
	}
	rep, err := readStatus(ctx, cfg, h.dir, time.Now())
	if err != nil {
		return nil, fmt.Errorf("%w: read status: %w", web.ErrUnavailable, err)
	}
	return webStatus(rep), nil
}

// webStatus is the status report as the web shows it.
func webStatus(rep *statusReport) *web.Status {
	st := &web.Status{AsOf: rep.AsOf, Snapshot: rep.FromFile, Documents: rep.Index.Documents, IndexBytes: rep.Index.Bytes,
		Seen: rep.Seen, NextDigest: rep.NextDigest, Notes: rep.Notes}
	switch {
	case rep.Daemon != nil:
		st.Running = fmt.Sprintf("bantrack run, pid %d, since %s", rep.Daemon.PID, fmtTime(rep.Daemon.Started))
	case rep.Holder != nil && rep.Holder.Alive:
		st.Running = fmt.Sprintf("a bantrack holds the data folder (pid %d)", rep.Holder.PID)
	}
	if d := rep.LastDigest; d != nil {
		st.LastDigest, st.DigestSent = d.Sent, d.Items
	}
	for _, s := range rep.Sources {
		st.Sources = append(st.Sources, web.SourceHealth{Name: s.Name, Configured: s.Configured, Schedule: s.Schedule,
			State: s.State, LastRun: s.LastRun, LastSuccess: s.LastSuccess, LastError: causeFirst(s.LastError),
			LastErrorAt: s.LastErrorAt, ItemsLast: s.ItemsLast, NewLast: s.NewLast, Documents: s.Documents, NextRun: s.NextRun,
			RequestsLast: s.RequestsLast, TookLast: time.Duration(s.TookLastS * float64(time.Second))})
	}
	return st
}

// readyWait bounds the health check's wait for the index.
const readyWait = 3 * time.Second

// Ready answers /healthz: the state store and the index must open. A store or index busy with a
// crawl's commit is healthy: it is being written.
func (h *storeHealth) Ready(ctx context.Context) error {
	st, err := state.OpenReadOnly(filepath.Join(h.dir, "state.db"), pipeline.StatusReadTimeout)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return errors.New("no state store: nothing crawled yet (run bantrack crawl)")
	case errors.Is(err, state.ErrBusy):
	case err != nil:
		return fmt.Errorf("state store: %w", err)
	default:
		st.Close()
	}
	ctx, cancel := context.WithTimeout(ctx, readyWait)
	defer cancel()
	_, release, err := h.shared.Acquire(ctx)
	switch {
	case errors.Is(err, index.ErrLocked):
		return nil // a crawl is committing
	case errors.Is(err, index.ErrNoIndex):
		return errors.New("no index: nothing crawled yet (run bantrack crawl)")
	case err != nil:
		return fmt.Errorf("index: %w", err)
	}
	release()
	return nil
}

// observe returns the pipeline hooks that feed the metrics of run --http.
func (s *webServer) observe(p *pipeline.Pipeline) {
	m := s.metrics
	p.Observe = func(sum pipeline.SourceSummary) {
		kind := pipeline.ErrorKind(sum.Err)
		if sum.Interrupted && sum.Err == nil {
			kind = "interrupted"
		}
		m.ObserveCrawl(sum.Source, sum.Took, sum.Requests, kind)
	}
	tune := p.Tune
	p.Tune = func(o *crawler.Options) {
		if tune != nil {
			tune(o)
		}
		o.OnFetch = func(source string, took time.Duration, err error) {
			m.ObserveFetch(source, took, pipeline.ErrorKind(err))
		}
	}
}

// checkBaseURL checks --base-url: empty, or an absolute http(s) URL.
func checkBaseURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return usageErrorf("--base-url %q: want the server's public URL, e.g. https://bantrack.example.org/", s)
	}
	return nil
}

// checkServeAddr checks --http's address before the daemon starts.
func checkServeAddr(addr string) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return usageErrorf("--http %q: want host:port, e.g. 127.0.0.1:8080", addr)
	}
	return nil
}

// httpHandler is the server's handler (tests serve it with httptest).
func (s *webServer) httpHandler() http.Handler { return s.handler }
