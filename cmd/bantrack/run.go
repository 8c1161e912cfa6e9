package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/bantrack/bantrack/config"
	"github.com/bantrack/bantrack/internal/pipeline"
)

// stopGrace is how long `run` waits for jobs to end once it has cancelled them, after the stop
// timeout passed.
const stopGrace = 10 * time.Second

// digestJob is the name the digest's job goes by in logs and in the busy set.
const digestJob = "digest"

// recheckJob re-checks the article pages due (archive.recheck_every, spread over time); it wakes
// every recheckTick(cfg) and fetches only what is due.
const recheckJob = "recheck pages"

// recheckTick is how often the re-check job looks for due pages: a 24th of recheck_every, from
// five minutes to an hour.
func recheckTick(cfg *config.Config) time.Duration {
	return min(max(cfg.Archive.RecheckEvery/24, 5*time.Minute), time.Hour)
}

func runDaemon(ctx context.Context, a *app, args []string) error {
	fset := a.flagSet("run")
	stopTimeout := fset.Duration("stop-timeout", 30*time.Second, "on SIGINT or SIGTERM, how long running jobs may take to finish before they are cancelled")
	httpAddr := fset.String("http", "", "also serve the web page, API, feeds and metrics on this address (host:port, e.g. "+defaultAddr+"), as bantrack serve does")
	baseURL := fset.String("base-url", "", "with --http: public URL of the server, for the links in Atom feeds behind a reverse proxy")
	rest, err := parseInterspersed(fset, args, false)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErrorf("run takes no arguments; got %q", strings.Join(rest, " "))
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	if err := checkRunConfig(cfg, a.getenv); err != nil {
		return err
	}
	if *httpAddr != "" {
		if err := checkServeAddr(*httpAddr); err != nil {
			return err
		}
	}
	if err := checkBaseURL(*baseURL); err != nil {
		return err
	}
	// The index is open only while a job commits, so that analysts can search while the daemon runs.
	st, err := a.openStore()
	if err != nil {
		return err
	}
	d := &daemon{a: a, log: a.log, st: st, busy: map[string]*sync.Mutex{},
		info: &daemonInfo{PID: os.Getpid(), Started: time.Now().UTC()}}
	var served chan error
	if *httpAddr != "" {
		// The web server reads the index between the daemon's commits (index.Shared) and stops
		// with the daemon.
		if d.web, err = a.newWebServer(st.Dir, *baseURL); err != nil {
			return errors.Join(err, st.Close())
		}
		defer d.web.Close()
		ln, err := a.listen(*httpAddr)
		if err != nil {
			return errors.Join(err, st.Close())
		}
		served = make(chan error, 1)
		go func() { served <- d.web.Serve(ctx, ln) }()
	}
	err = d.serve(ctx, cfg, *stopTimeout)
	if served != nil {
		if serr := <-served; serr != nil {
			a.log.Error("web server", "error", serr)
		}
	}
	if errors.Is(err, errJobsStuck) {
		// Closing the index under a job still writing to it is worse than not closing it: both
		// stores survive the process ending, and the next run repairs the difference.
		return err
	}
	return errors.Join(err, st.Close())
}

// checkRunConfig refuses a digest section that cannot send, so that the daemon does not find out
// at the digest's hour. A feeds file without digest recipients runs crawls only.
func checkRunConfig(cfg *config.Config, getenv func(string) string) error {
	if len(cfg.Digest.To) == 0 {
		return nil
	}
	return checkDigestConfig(cfg, true, getenv)
}

var errJobsStuck = errors.New("running jobs did not stop; the index and state were left for the next run to repair")

// daemon is `bantrack run`: one cron scheduler over the open data folder.
type daemon struct {
	a    *app
	log  *slog.Logger
	st   *store
	info *daemonInfo
	web  *webServer // run --http; nil otherwise

	jobCtx     context.Context // jobs run under it; cancelled only when the stop timeout passes
	cancelJobs context.CancelFunc

	mu      sync.Mutex
	cfg     *config.Config
	pipe    *pipeline.Pipeline // this config's pipeline: one crawler (client, robots cache, rate limits) for every job
	cron    *cron.Cron
	entries map[string]cron.EntryID // job name → its entry
	busy    map[string]*sync.Mutex  // job name → held while it runs; outlives reloads

	// Every job, scheduled or caught up, runs between jobs.Add and jobs.Done, so that stop waits
	// for all of them; stopping (under mu) turns new ones away.
	jobs     sync.WaitGroup
	stopping bool
	catchSem chan struct{} // caught-up crawls run at most pipeline.ParallelSources at once
}

// serve schedules the jobs and runs until ctx is done.
func (d *daemon) serve(ctx context.Context, cfg *config.Config, stopTimeout time.Duration) error {
	d.jobCtx, d.cancelJobs = context.WithCancel(context.WithoutCancel(ctx))
	defer d.cancelJobs()
	d.cron = cron.New(
		cron.WithLogger(cronLogger{d.log}),
		cron.WithChain(cron.Recover(cronLogger{d.log}), cron.SkipIfStillRunning(cronLogger{d.log})),
	)
	if err := d.apply(cfg); err != nil {
		return err
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	d.cron.Start()
	d.log.Info("bantrack run started", "pid", d.info.PID, "config", cfg.Path, "data", d.st.Dir, "sources", len(cfg.Sources))
	d.logNext()
	d.saveStatus()
	d.catchUp(time.Now())

	for {
		select {
		case <-hup:
			d.reload()
		case <-ctx.Done():
			return d.stop(stopTimeout)
		}
	}
}

// apply replaces the schedule with cfg's: every source on its own schedule, the digest on its.
func (d *daemon) apply(cfg *config.Config) error {
	type plan struct {
		name, spec string
		sched      cron.Schedule
	}
	var plans []plan
	var errs []error
	for _, src := range cfg.Sources {
		sched, err := cron.ParseStandard(src.Schedule)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: source %s: schedule %q: %w", cfg.Path, src.Name, src.Schedule, err))
			continue
		}
		plans = append(plans, plan{src.Name, src.Schedule, sched})
	}
	if len(cfg.Digest.To) > 0 {
		sched, err := cron.ParseStandard(cfg.Digest.Schedule)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: digest.schedule %q: %w", cfg.Path, cfg.Digest.Schedule, err))
		} else {
			plans = append(plans, plan{digestJob, cfg.Digest.Schedule, sched})
		}
	} else {
		d.log.Info("digest not scheduled: the feeds file names no digest.to")
	}
	if cfg.Archive.RecheckFor > 0 && cfg.Archive.RecheckEvery > 0 {
		tick := recheckTick(cfg)
		plans = append(plans, plan{recheckJob, "@every " + tick.String(), cron.Every(tick)})
	}
	if len(errs) > 0 {
		return &configError{errors.Join(errs...)}
	}

	d.mu.Lock()
	defer d.mu.Unlock()
	for _, id := range d.entries {
		d.cron.Remove(id)
	}
	d.cfg = cfg
	d.pipe = d.a.pipeline(cfg, d.st)
	if d.web != nil {
		d.web.observe(d.pipe)
	}
	d.entries = map[string]cron.EntryID{}
	for _, p := range plans {
		if d.busy[p.name] == nil {
			d.busy[p.name] = &sync.Mutex{}
		}
		d.entries[p.name] = d.cron.Schedule(p.sched, d.job(p.name))
	}
	return nil
}

// catchUp starts, right away, the jobs whose last run is older than their schedule allows: sources
// never crawled or overdue after downtime, and a digest whose time passed while the daemon was
// down (not a first digest: that waits for its schedule).
func (d *daemon) catchUp(now time.Time) {
	d.mu.Lock()
	cfg := d.cfg
	d.mu.Unlock()
	if d.catchSem == nil {
		d.catchSem = make(chan struct{}, pipeline.ParallelSources)
	}
	for _, name := range d.overdue(cfg, now) {
		d.log.Info("overdue: running now", "job", name)
		d.mu.Lock()
		if d.stopping {
			d.mu.Unlock()
			return
		}
		d.jobs.Add(1) // the wait for a free slot counts as part of the job, for stop
		d.mu.Unlock()
		go func() {
			defer d.jobs.Done()
			d.catchSem <- struct{}{}
			defer func() { <-d.catchSem }()
			d.job(name).Run()
		}()
	}
}

// overdue lists the jobs of cfg that should have run before now, given their last runs.
func (d *daemon) overdue(cfg *config.Config, now time.Time) []string {
	var names []string
	for _, src := range cfg.Sources {
		sched, err := cron.ParseStandard(src.Schedule)
		if err != nil {
			continue
		}
		h, err := d.st.State.Health(src.Name)
		if err != nil {
			d.log.Warn("read source health", "source", src.Name, "error", err)
			continue
		}
		if h.LastRun.IsZero() || !sched.Next(h.LastRun).After(now) {
			names = append(names, src.Name)
		}
	}
	if len(cfg.Digest.To) > 0 {
		if sched, err := cron.ParseStandard(cfg.Digest.Schedule); err == nil {
			if last, ok, err := d.st.State.LastDigest(); err == nil && ok && !sched.Next(last.Sent).After(now) {
				names = append(names, digestJob)
			}
		}
	}
	return names
}

// reload reads the feeds file again. A file that does not load is rejected with its errors and
// the schedule in force is kept.
func (d *daemon) reload() {
	d.log.Info("SIGHUP: reloading the feeds file", "config", d.a.configFile())
	cfg, err := d.a.loadConfig()
	if err == nil {
		err = checkRunConfig(cfg, d.a.getenv)
	}
	if err == nil {
		err = d.apply(cfg)
	}
	if err != nil {
		d.log.Error("feeds file rejected; the previous one stays in force", "config", d.a.configFile(), "error", err)
		return
	}
	d.log.Info("feeds file reloaded", "config", cfg.Path, "sources", len(cfg.Sources))
	d.logNext()
	d.saveStatus()
}

// job wraps one named job for cron. A job whose previous run (even from before a reload) is still
// going is skipped; a panic is logged with its stack and the daemon carries on.
func (d *daemon) job(name string) cron.Job {
	return cron.FuncJob(func() {
		d.mu.Lock()
		if d.stopping {
			d.mu.Unlock()
			return
		}
		d.jobs.Add(1)
		busy := d.busy[name]
		d.mu.Unlock()
		defer d.jobs.Done()
		if !busy.TryLock() {
			d.log.Info("job still running; this run skipped", "job", name)
			return
		}
		defer busy.Unlock()
		start := time.Now()
		err := d.runJob(d.jobCtx, name)
		if err != nil {
			d.log.Error("job failed", "job", name, "error", err, "took_ms", time.Since(start).Milliseconds())
		} else {
			d.log.Info("job done", "job", name, "took_ms", time.Since(start).Milliseconds())
		}
		d.saveStatus()
		d.logNextOf(name)
	})
}

// runJob runs one job now: a source's crawl (the code `bantrack crawl` runs) or the digest (the
// code `bantrack digest` runs).
func (d *daemon) runJob(ctx context.Context, name string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("job %s panicked: %v", name, r)
			d.log.Error("job panicked", "job", name, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	d.mu.Lock()
	cfg, p := d.cfg, d.pipe
	d.mu.Unlock()
	if name == digestJob {
		if d.web == nil {
			return d.a.digest(ctx, cfg, d.st, digestRun{})
		}
		before, _, _ := d.st.State.LastDigest()
		err := d.a.digest(ctx, cfg, d.st, digestRun{})
		after, _, _ := d.st.State.LastDigest()
		if err != nil || !after.Sent.Equal(before.Sent) {
			d.web.metrics.ObserveDigest(err)
		}
		return err
	}
	if name == recheckJob {
		_, err := p.Recheck(ctx, false)
		return err
	}
	src, ok := cfg.Source(name)
	if !ok {
		return fmt.Errorf("source %s is no longer in %s", name, cfg.Path)
	}
	err = p.CrawlSource(ctx, src).Err
	if _, rerr := p.Retain(context.WithoutCancel(ctx)); rerr != nil {
		d.log.Error("archive retention failed; the archive is whole, only over its max_size", "error", rerr)
	}
	return err
}

// stop stops taking new jobs and waits for running ones: stopTimeout, then they are cancelled and
// get stopGrace more.
func (d *daemon) stop(stopTimeout time.Duration) error {
	d.log.Info("stopping: no new jobs; waiting for running ones", "stop_timeout", stopTimeout.String())
	d.mu.Lock()
	d.stopping = true
	d.mu.Unlock()
	cronDone := d.cron.Stop().Done()
	done := make(chan struct{})
	go func() {
		<-cronDone
		d.jobs.Wait() // caught-up jobs too, which run outside cron
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(stopTimeout):
		d.log.Warn("running jobs outlived the stop timeout; cancelling them", "stop_timeout", stopTimeout.String())
		d.cancelJobs()
		select {
		case <-done:
		case <-time.After(stopGrace):
			return errJobsStuck
		}
	}
	d.mu.Lock()
	d.info = nil
	d.mu.Unlock()
	d.saveStatus()
	d.log.Info("bantrack run stopped")
	return nil
}

// next returns each job's next run.
func (d *daemon) next() map[string]time.Time {
	d.mu.Lock()
	ids := make(map[string]cron.EntryID, len(d.entries))
	for n, id := range d.entries {
		ids[n] = id
	}
	d.mu.Unlock()
	out := make(map[string]time.Time, len(ids))
	for n, id := range ids {
		if e := d.cron.Entry(id); e.Valid() && !e.Next.IsZero() {
			out[n] = e.Next.UTC()
		}
	}
	return out
}

// logNext logs every job's next run, sources in the feeds file's order.
func (d *daemon) logNext() {
	d.mu.Lock()
	cfg := d.cfg
	d.mu.Unlock()
	next := d.next()
	for _, src := range cfg.Sources {
		d.log.Info("next run", "job", src.Name, "schedule", src.Schedule, "next", next[src.Name].Local().Format(time.RFC3339))
	}
	if t, ok := next[digestJob]; ok {
		d.log.Info("next run", "job", digestJob, "schedule", cfg.Digest.Schedule, "next", t.Local().Format(time.RFC3339))
	}
}

func (d *daemon) logNextOf(name string) {
	if t, ok := d.next()[name]; ok {
		d.log.Debug("next run", "job", name, "next", t.Local().Format(time.RFC3339))
	}
}

// saveStatus writes the status snapshot with the daemon's next runs.
func (d *daemon) saveStatus() {
	d.mu.Lock()
	cfg, info := d.cfg, d.info
	d.mu.Unlock()
	next := map[string]time.Time{}
	var nextDigest time.Time
	if info != nil {
		next = d.next()
		nextDigest = next[digestJob]
		delete(next, digestJob)
		delete(next, recheckJob) // a job, not a source: status lists sources
	}
	d.a.pipeline(cfg, d.st).SaveStatus(d.jobCtx, info, next, nextDigest)
}

// cronLogger routes robfig/cron's logging to slog; its routine messages are debug.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append([]any{"error", err}, kv...)...)
}
