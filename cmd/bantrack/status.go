package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/bantrack/bantrack/config"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/internal/pipeline"
	"github.com/bantrack/bantrack/state"
)

// The status report and its snapshot are kept by the pipeline; these names are kept for the
// command's code and tests.
type (
	statusReport = pipeline.Status
	daemonInfo   = pipeline.DaemonInfo
	lockHolder   = pipeline.LockHolder
	sourceStatus = pipeline.SourceStatus
)

const statusFile = pipeline.StatusFile

func runStatus(ctx context.Context, a *app, args []string) error {
	fset := a.flagSet("status")
	asJSON := fset.Bool("json", false, "print one JSON object")
	check := fset.Bool("check", false, "for monitoring: exit 3 when any source is failing or has never succeeded, else 0")
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
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		printStatus(a.stdout, rep)
	}
	if *check {
		return checkStatus(rep)
	}
	return nil
}

// readStatus reads the live store when no writer has it, else the snapshot the writer keeps.
func readStatus(ctx context.Context, cfg *config.Config, dir string, now time.Time) (*statusReport, error) {
	var holder *lockHolder
	if pid, alive := state.Holder(filepath.Join(dir, "lock")); pid > 0 {
		holder = &lockHolder{PID: pid, Alive: alive}
	}
	rep, err := pipeline.ReadLiveStatus(ctx, cfg, dir, now)
	if errors.Is(err, state.ErrBusy) || errors.Is(err, index.ErrLocked) {
		rep, err = pipeline.ReadSnapshot(dir)
		if err == nil && rep == nil {
			rep = &statusReport{Data: dir, AsOf: now, FromFile: true,
				Notes: []string{"the data folder is in use and no status snapshot was written yet; try again when the running crawl ends"}}
		}
	}
	if err != nil {
		return nil, err
	}
	rep.Archive = pipeline.ReadArchiveStatus(dir, cfg) // the files' sizes, live even beside a writer
	if !rep.FromFile && holder != nil && holder.Alive {
		// The live figures, read while a daemon holds the folder (it opens state.db only per
		// transaction): its next runs are known from the snapshot it keeps.
		if snap, serr := pipeline.ReadSnapshot(dir); serr == nil && snap != nil && snap.Daemon != nil && snap.Daemon.PID == holder.PID {
			rep.Daemon = snap.Daemon
			rep.NextDigest = snap.NextDigest
			next := map[string]time.Time{}
			for _, s := range snap.Sources {
				next[s.Name] = s.NextRun
			}
			for i := range rep.Sources {
				rep.Sources[i].NextRun = next[rep.Sources[i].Name]
			}
			for _, s := range snap.Sources {
				if !slices.ContainsFunc(rep.Sources, func(x sourceStatus) bool { return x.Name == s.Name }) {
					rep.Sources = append(rep.Sources, sourceStatus{Name: s.Name, NextRun: s.NextRun})
				}
			}
		}
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

func printStatus(w io.Writer, rep *statusReport) {
	fmt.Fprintf(w, "data folder   %s\n", rep.Data)
	switch {
	case rep.Daemon != nil:
		fmt.Fprintf(w, "running       bantrack run, pid %d, since %s\n", rep.Daemon.PID, fmtTime(rep.Daemon.Started))
	case rep.Holder != nil && rep.Holder.Alive:
		fmt.Fprintf(w, "running       a bantrack holds the data folder (pid %d)\n", rep.Holder.PID)
	}
	fmt.Fprintf(w, "index         %s, %s on disk (%s)\n", plural(int(rep.Index.Documents), "document", "documents"), fmtBytes(rep.Index.Bytes), rep.Index.Path)
	limit := "no max_size"
	if rep.Archive.MaxSize > 0 {
		limit = "max_size " + fmtBytes(rep.Archive.MaxSize)
	}
	fmt.Fprintf(w, "archive       %s in %s, %s (%s)\n", fmtBytes(rep.Archive.Bytes), plural(rep.Archive.Files, "WARC file", "WARC files"), limit, rep.Archive.Path)
	fmt.Fprintf(w, "seen          %s recorded in the crawl state\n", plural(rep.Seen, "document", "documents"))
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
			errText = fmtTime(s.LastErrorAt) + ": " + oneLine(causeFirst(s.LastError), 100)
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

// checkStatus is status --check's verdict: a partial error (exit 3) naming every configured source
// that is failing or has never succeeded.
func checkStatus(rep *statusReport) error {
	var bad []error
	configured := 0
	for _, s := range rep.Sources {
		if !s.Configured {
			continue
		}
		configured++
		switch {
		case s.State == "failing":
			bad = append(bad, fmt.Errorf("  %s is failing: %s", s.Name, s.LastError))
		case s.LastSuccess.IsZero():
			bad = append(bad, fmt.Errorf("  %s has never succeeded (crawl it: bantrack crawl --source %s)", s.Name, s.Name))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return &partialError{failed: len(bad), total: configured, err: errors.Join(bad...), what: "of the feeds file need attention"}
}

// urlInError finds the URLs an error message names.
var urlInError = regexp.MustCompile(`https?://[^\s:;,]+(?::\d+)?[^\s:;,]*`)

// causeFirst rewrites "crawl cac: fetch https://...: status 404" as "status 404 (https://...)",
// so that a column cut to its width still shows what went wrong.
func causeFirst(msg string) string {
	loc := urlInError.FindStringIndex(msg)
	if loc == nil {
		return msg
	}
	u := msg[loc[0]:loc[1]]
	rest := strings.TrimLeft(msg[loc[1]:], ": ")
	if rest == "" {
		return msg
	}
	return rest + " (" + u + ")"
}
