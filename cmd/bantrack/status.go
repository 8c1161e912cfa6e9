package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/bantrack/bantrack/config"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/state"
)

// statusFile is the snapshot of `bantrack status` that writers keep in the data folder. A writer
// (crawl, run) holds state.db and the index open, and bbolt locks them for as long as it does, so
// while one works `status` reads this file instead. It is replaced atomically (state.WriteFile).
const statusFile = "status.json"

// statusReadTimeout is how long status waits for state.db before it reads the snapshot instead.
const statusReadTimeout = 300 * time.Millisecond

// statusReport is what `bantrack status` shows, and the snapshot writers leave behind.
type statusReport struct {
	Data       string         `json:"data"`
	AsOf       time.Time      `json:"as_of"`    // when the figures were read
	FromFile   bool           `json:"snapshot"` // read from status.json, not the live store
	Holder     *lockHolder    `json:"lock_holder,omitempty"`
	Daemon     *daemonInfo    `json:"daemon,omitempty"` // the `run` that wrote the snapshot, while up
	Index      indexStatus    `json:"index"`
	Seen       int            `json:"seen_documents"` // documents the state store has recorded
	LastDigest *state.Digest  `json:"last_digest,omitempty"`
	NextDigest time.Time      `json:"next_digest,omitzero"`
	Sources    []sourceStatus `json:"sources"`
	Notes      []string       `json:"notes,omitempty"`
}

type lockHolder struct {
	PID   int  `json:"pid"`
	Alive bool `json:"alive"`
}

type daemonInfo struct {
	PID     int       `json:"pid"`
	Started time.Time `json:"started"`
}

type indexStatus struct {
	Path      string `json:"path"`
	Bytes     int64  `json:"bytes"`
	Documents uint64 `json:"documents"`
}

type sourceStatus struct {
	Name        string    `json:"name"`
	Configured  bool      `json:"configured"` // in the feeds file
	Schedule    string    `json:"schedule,omitempty"`
	State       string    `json:"state"` // ok, failing (the last run failed) or never run
	LastRun     time.Time `json:"last_run,omitzero"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
	ItemsLast   int       `json:"items_last_run"` // items the listing had on the last run that read it
	NewLast     int       `json:"indexed_last_run"`
	Documents   int       `json:"documents"` // in the index
	NextRun     time.Time `json:"next_run,omitzero"`
}

func runStatus(ctx context.Context, a *app, args []string) error {
	fset := a.flagSet("status")
	asJSON := fset.Bool("json", false, "print one JSON object")
	rest, err := parseInterspersed(fset, args, false)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErrorf("status takes no arguments; got %q", strings.Join(rest, " "))
	}
	cfg, err := a.loadConfig()
	if err != nil {
		// status is for finding out what is wrong: it works without a feeds file.
		var ce *configError
		if !errors.As(err, &ce) || !errors.Is(err, os.ErrNotExist) {
			return err
		}
		cfg = nil
	}
	dir, err := a.data()
	if err != nil {
		return err
	}
	rep, err := readStatus(ctx, cfg, dir, time.Now())
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printStatus(a.stdout, rep)
	return nil
}

// readStatus reads the live store when no writer has it, else the snapshot the writer keeps.
func readStatus(ctx context.Context, cfg *config.Config, dir string, now time.Time) (*statusReport, error) {
	var holder *lockHolder
	if pid, alive := state.Holder(filepath.Join(dir, "lock")); pid > 0 {
		holder = &lockHolder{PID: pid, Alive: alive}
	}
	rep, err := readLiveStatus(ctx, cfg, dir, now)
	if errors.Is(err, state.ErrBusy) || errors.Is(err, index.ErrLocked) {
		rep, err = readSnapshot(dir)
		if err == nil && rep == nil {
			rep = &statusReport{Data: dir, AsOf: now, FromFile: true,
				Notes: []string{"the data folder is in use and no status snapshot was written yet; try again when the running crawl ends"}}
		}
	}
	if err != nil {
		return nil, err
	}
	rep.Holder = holder
	if rep.Daemon != nil && (holder == nil || !holder.Alive || holder.PID != rep.Daemon.PID) {
		rep.Daemon = nil // the run that wrote it is gone: its next runs will not happen
	}
	if rep.FromFile {
		rep.Notes = append(rep.Notes, fmt.Sprintf("figures as of %s, from %s: the store is in use", rep.AsOf.Local().Format(time.DateTime), statusFile))
	}
	if holder != nil && !holder.Alive {
		rep.Notes = append(rep.Notes, fmt.Sprintf("the lock file names pid %d, which is gone (a crash?); the next crawl takes the lock over and repairs the state", holder.PID))
	}
	mergeConfig(rep, cfg, now)
	return rep, nil
}

// readLiveStatus opens state.db and the index read-only. It fails with state.ErrBusy or
// index.ErrLocked when a writer has them.
func readLiveStatus(ctx context.Context, cfg *config.Config, dir string, now time.Time) (*statusReport, error) {
	st, err := state.OpenReadOnly(filepath.Join(dir, "state.db"), statusReadTimeout)
	switch {
	case errors.Is(err, os.ErrNotExist):
		rep := &statusReport{Data: dir, AsOf: now, Index: indexStatus{Path: filepath.Join(dir, "index.bleve")}}
		rep.Notes = append(rep.Notes, "nothing crawled yet: run bantrack crawl")
		return rep, nil
	case err != nil:
		return nil, err
	}
	defer st.Close()
	ixPath := filepath.Join(dir, "index.bleve")
	ix, err := index.OpenExisting(ixPath, true)
	switch {
	case errors.Is(err, index.ErrNoIndex):
		ix = nil
	case err != nil:
		return nil, err
	default:
		defer ix.Close()
	}
	return collectStatus(ctx, dir, st, ix, now)
}

// collectStatus reads the figures from an open store and index (ix may be nil: no index yet).
func collectStatus(ctx context.Context, dir string, st *state.Store, ix *index.Index, now time.Time) (*statusReport, error) {
	rep := &statusReport{Data: dir, AsOf: now.UTC(), Index: indexStatus{Path: filepath.Join(dir, "index.bleve")}}
	hs, err := st.Healths()
	if err != nil {
		return nil, err
	}
	for _, h := range hs {
		rep.Sources = append(rep.Sources, sourceStatus{
			Name: h.Source, LastRun: h.LastRun, LastSuccess: h.LastSuccess, LastError: h.LastError,
			LastErrorAt: h.LastErrorAt, ItemsLast: h.ItemsLast, NewLast: h.NewLast,
		})
	}
	if rep.Seen, err = st.SeenCount(); err != nil {
		return nil, err
	}
	if d, ok, err := st.LastDigest(); err != nil {
		return nil, err
	} else if ok {
		rep.LastDigest = &d
	}
	rep.Index.Bytes, _ = index.DiskSize(rep.Index.Path) // a size, best effort: 0 when the index is missing
	if ix != nil {
		if rep.Index.Documents, err = ix.Count(); err != nil {
			return nil, err
		}
		for i := range rep.Sources {
			if rep.Sources[i].Documents, err = sourceDocs(ctx, ix, rep.Sources[i].Name); err != nil {
				return nil, err
			}
		}
	}
	return rep, nil
}

func sourceDocs(ctx context.Context, ix *index.Index, name string) (int, error) {
	res, err := ix.Search(ctx, index.Request{Sources: []string{name}, Limit: 1})
	if err != nil {
		return 0, fmt.Errorf("count documents of %s: %w", name, err)
	}
	return int(res.Total), nil
}

// mergeConfig lists every configured source (also those never run), marks the others, fills in
// schedules and next runs, and orders sources as the feeds file does.
func mergeConfig(rep *statusReport, cfg *config.Config, now time.Time) {
	byName := map[string]*sourceStatus{}
	for i := range rep.Sources {
		byName[rep.Sources[i].Name] = &rep.Sources[i]
	}
	var out []sourceStatus
	if cfg != nil {
		for _, src := range cfg.Sources {
			s, ok := byName[src.Name]
			if !ok {
				s = &sourceStatus{Name: src.Name}
			}
			s.Configured = true
			s.Schedule = src.Schedule
			if rep.Daemon == nil || s.NextRun.IsZero() {
				s.NextRun = nextRun(src.Schedule, s.LastRun, now)
			}
			out = append(out, *s)
			delete(byName, src.Name)
		}
		if rep.Daemon == nil {
			if len(cfg.Digest.To) > 0 {
				rep.NextDigest = nextRun(cfg.Digest.Schedule, time.Time{}, now)
			} else {
				rep.NextDigest = time.Time{}
			}
		}
	}
	var rest []string
	for n := range byName {
		rest = append(rest, n)
	}
	sort.Strings(rest)
	for _, n := range rest {
		s := byName[n]
		if cfg != nil {
			s.Configured = false
			s.NextRun = time.Time{}
		} else {
			s.Configured = true // unknown: no feeds file to say
		}
		out = append(out, *s)
	}
	for i := range out {
		s := &out[i]
		switch {
		case s.LastRun.IsZero() && s.LastSuccess.IsZero() && s.LastError == "":
			s.State = "never run"
		case s.LastError != "" && !s.LastErrorAt.Before(s.LastSuccess):
			s.State = "failing"
		default:
			s.State = "ok"
		}
	}
	rep.Sources = out
}

// nextRun is when a schedule next fires after the last run (or now, when never run); a time in
// the past is due, and reads as now.
func nextRun(spec string, last, now time.Time) time.Time {
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return time.Time{}
	}
	base := last
	if base.IsZero() {
		base = now
	}
	t := sched.Next(base)
	if t.Before(now) {
		if _, every := sched.(cron.ConstantDelaySchedule); every {
			return now.UTC().Truncate(time.Second)
		}
		t = sched.Next(now)
	}
	return t.UTC()
}

// readSnapshot reads status.json; nil without error when there is none.
func readSnapshot(dir string) (*statusReport, error) {
	raw, err := os.ReadFile(filepath.Join(dir, statusFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read status snapshot: %w", err)
	}
	var rep statusReport
	if err := json.Unmarshal(raw, &rep); err != nil {
		return nil, fmt.Errorf("read status snapshot %s: %w", filepath.Join(dir, statusFile), err)
	}
	rep.FromFile = true
	rep.Holder = nil
	rep.Notes = nil
	return &rep, nil
}

// saveStatus writes the status snapshot of an open store, for `status` to read while this process
// holds the store. next, when not nil, holds the daemon's next runs by source name. A failure is
// logged: the snapshot is a convenience and never fails a crawl.
func (p *pipeline) saveStatus(ctx context.Context, daemon *daemonInfo, next map[string]time.Time, nextDigest time.Time) {
	rep, err := collectStatus(context.WithoutCancel(ctx), p.st.dir, p.st.state, p.st.index, time.Now())
	if err == nil {
		rep.Daemon = daemon
		for i := range rep.Sources {
			rep.Sources[i].NextRun = next[rep.Sources[i].Name]
		}
		if daemon != nil {
			// sources never run have no health yet; the daemon still knows when they run
			for name, t := range next {
				if !slices.ContainsFunc(rep.Sources, func(s sourceStatus) bool { return s.Name == name }) {
					rep.Sources = append(rep.Sources, sourceStatus{Name: name, NextRun: t})
				}
			}
			rep.NextDigest = nextDigest
		}
		var raw []byte
		if raw, err = json.MarshalIndent(rep, "", "  "); err == nil {
			err = state.WriteFile(filepath.Join(p.st.dir, statusFile), append(raw, '\n'), 0o644)
		}
	}
	if err != nil {
		p.log.Warn("write status snapshot", "error", err)
	}
}

func printStatus(w io.Writer, rep *statusReport) {
	fmt.Fprintf(w, "data folder   %s\n", rep.Data)
	switch {
	case rep.Daemon != nil:
		fmt.Fprintf(w, "running       bantrack run, pid %d, since %s\n", rep.Daemon.PID, fmtTime(rep.Daemon.Started))
	case rep.Holder != nil && rep.Holder.Alive:
		fmt.Fprintf(w, "running       a bantrack holds the data folder (pid %d)\n", rep.Holder.PID)
	}
	fmt.Fprintf(w, "index         %d documents, %s on disk (%s)\n", rep.Index.Documents, fmtBytes(rep.Index.Bytes), rep.Index.Path)
	fmt.Fprintf(w, "seen          %d documents recorded in the crawl state\n", rep.Seen)
	if d := rep.LastDigest; d != nil {
		to := strings.Join(d.To, ", ")
		if d.File != "" {
			to = d.File
		}
		fmt.Fprintf(w, "last digest   %s, %d items, to %s\n", fmtTime(d.Sent), d.Items, to)
	} else {
		fmt.Fprintln(w, "last digest   never sent")
	}
	if !rep.NextDigest.IsZero() {
		fmt.Fprintf(w, "next digest   %s\n", fmtTime(rep.NextDigest))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tSTATE\tLAST SUCCESS\tITEMS\tNEW\tDOCS\tNEXT RUN\tLAST ERROR")
	for _, s := range rep.Sources {
		name := s.Name
		if !s.Configured {
			name += " (not in feeds file)"
		}
		errText := "-"
		if s.LastError != "" {
			errText = fmtTime(s.LastErrorAt) + ": " + oneLine(s.LastError, 100)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\n", name, s.State, fmtTime(s.LastSuccess),
			s.ItemsLast, s.NewLast, s.Documents, fmtTime(s.NextRun), errText)
	}
	tw.Flush()
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "\nnote: %s\n", n)
	}
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

func fmtBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}
