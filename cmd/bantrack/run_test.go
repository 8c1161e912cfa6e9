package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bantrack/bantrack/config"
	"github.com/bantrack/bantrack/state"
)

// syncBuffer is a bytes.Buffer safe to read while a child process writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls cond every 50ms until it holds or d passes.
func waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return cond()
}

// everySecond rewrites a feeds file so that every source runs every second.
func everySecond(t *testing.T, feeds string) string {
	t.Helper()
	raw, err := os.ReadFile(feeds)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^(\s*schedule:\s*)"@every 2h"`)
	if !re.Match(raw) {
		t.Fatalf("%s has no @every 2h schedule to speed up", feeds)
	}
	path := filepath.Join(t.TempDir(), "fast-feeds.yaml")
	if err := os.WriteFile(path, re.ReplaceAll(raw, []byte(`${1}"@every 1s"`)), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunDaemon(t *testing.T) {
	if testing.Short() {
		t.Skip("runs bantrack run as a child process for several seconds")
	}
	_, feeds := fixtureSetup(t)
	feeds = everySecond(t, feeds)
	good, err := os.ReadFile(feeds)
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	g := []string{"--config", feeds, "--data", data}

	cmd := bantrackCmd(t, append(g, "--log-level", "debug", "run", "--stop-timeout", "20s")...)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	pid := cmd.Process.Pid

	// On start it logs every source's next run.
	for _, src := range []string{"newswire", "newswire-sitemap", "cac-wxfb", "miit-zcwj", "mofcom-zcfb"} {
		re := regexp.MustCompile(`msg="next run" job=` + src + ` schedule="@every 1s" next=\S+`)
		if !waitFor(10*time.Second, func() bool { return re.MatchString(stderr.String()) }) {
			t.Fatalf("run never logged the next run of %s:\n%s", src, stderr.String())
		}
	}
	if !strings.Contains(stderr.String(), `job=digest schedule="0 8 * * *"`) {
		t.Errorf("run did not log the digest's next run:\n%s", stderr.String())
	}

	t.Run("crawl while run holds the lock exits 4 naming its pid", func(t *testing.T) {
		_, errs, code := runChild(t, append(g, "crawl")...)
		if code != exitLocked {
			t.Fatalf("crawl exit %d; want %d\n%s", code, exitLocked, errs)
		}
		if !strings.Contains(errs, "pid "+strconv.Itoa(pid)) {
			t.Errorf("crawl message does not name pid %d: %s", pid, errs)
		}
	})

	t.Run("search works while run is up", func(t *testing.T) {
		// The daemon opens the index only while a job runs, so a search gets in between jobs.
		var out, errs string
		ok := waitFor(15*time.Second, func() bool {
			var code int
			out, errs, code = runChild(t, append(g, "search", "--json", "fortinet")...)
			return code == 0 && strings.Contains(out, `"total":`) && !strings.Contains(out, `"total":0`)
		})
		if !ok {
			t.Errorf("search never succeeded while run was up: %s %s", out, errs)
		}
	})

	t.Run("jobs run on their schedule and status reads the live store beside run", func(t *testing.T) {
		var rep statusReport
		ok := waitFor(20*time.Second, func() bool {
			out, _, code := runChild(t, append(g, "status", "--json")...)
			if code != 0 || json.Unmarshal([]byte(out), &rep) != nil {
				return false
			}
			for _, s := range rep.Sources {
				if s.LastSuccess.IsZero() {
					return false
				}
			}
			return rep.Index.Documents >= 12
		})
		if !ok {
			t.Fatalf("status never showed every source crawled by run: %+v\n%s", rep, stderr.String())
		}
		if rep.FromFile {
			t.Errorf("status while run is up read %s; want the live store (run holds state.db only per transaction)", statusFile)
		}
		if rep.Daemon == nil || rep.Daemon.PID != pid {
			t.Errorf("status daemon = %+v; want pid %d", rep.Daemon, pid)
		}
		if rep.Holder == nil || rep.Holder.PID != pid || !rep.Holder.Alive {
			t.Errorf("status lock holder = %+v; want pid %d alive", rep.Holder, pid)
		}
		for _, s := range rep.Sources {
			if s.NextRun.IsZero() || s.NextRun.Sub(rep.AsOf) > 5*time.Second {
				t.Errorf("source %s next run %v; want within a few seconds of %v (@every 1s)", s.Name, s.NextRun, rep.AsOf)
			}
		}
		if rep.NextDigest.IsZero() || rep.NextDigest.UTC().Minute() != 0 {
			t.Errorf("next digest = %v; want the 08:00 schedule's next time", rep.NextDigest)
		}
		if n := strings.Count(stderr.String(), `msg="job done"`); n < 5 {
			t.Errorf("run logged %d finished jobs; want every source's at least", n)
		}
	})

	t.Run("SIGHUP with a bad feeds file keeps the old one", func(t *testing.T) {
		if err := os.WriteFile(feeds, append(good, []byte("\nbogus_key: 1\n")...), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd.Process.Signal(syscall.SIGHUP)
		if !waitFor(5*time.Second, func() bool { return strings.Contains(stderr.String(), "feeds file rejected") }) {
			t.Fatalf("no rejection logged after SIGHUP with a bad file:\n%s", stderr.String())
		}
		if !strings.Contains(stderr.String(), "bogus_key") {
			t.Errorf("the rejection does not name the bad key:\n%s", stderr.String())
		}
		select {
		case err := <-exited:
			t.Fatalf("run exited after a bad reload: %v", err)
		default:
		}
		// A good file, with one source less, is taken.
		fewer := regexp.MustCompile(`(?s)\n  # MOFCOM.*?\n\n`).ReplaceAll(good, []byte("\n\n"))
		if bytes.Contains(fewer, []byte("mofcom-zcfb")) {
			t.Fatalf("test setup: could not remove mofcom-zcfb from the feeds file")
		}
		if err := os.WriteFile(feeds, fewer, 0o644); err != nil {
			t.Fatal(err)
		}
		mark := len(stderr.String())
		cmd.Process.Signal(syscall.SIGHUP)
		if !waitFor(5*time.Second, func() bool { return strings.Contains(stderr.String()[mark:], "feeds file reloaded") }) {
			t.Fatalf("no reload logged after SIGHUP with a good file:\n%s", stderr.String()[mark:])
		}
		// A job that was running at the reload may still finish; none may start after it.
		time.Sleep(1200 * time.Millisecond)
		mark = len(stderr.String())
		time.Sleep(2500 * time.Millisecond)
		after := stderr.String()[mark:]
		if strings.Contains(after, "source=mofcom-zcfb") {
			t.Errorf("mofcom-zcfb still crawled after the reload removed it:\n%s", after)
		}
		if !strings.Contains(after, "source=cac-wxfb") {
			t.Errorf("cac-wxfb no longer crawled after the reload:\n%s", after)
		}
	})

	t.Run("SIGTERM stops cleanly and releases the lock", func(t *testing.T) {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			exited <- err // for the cleanup
			if err != nil {
				t.Fatalf("run after SIGTERM: %v; want exit 0\n%s", err, stderr.String())
			}
		case <-time.After(25 * time.Second):
			t.Fatalf("run did not stop within 25s of SIGTERM:\n%s", stderr.String())
		}
		if !strings.Contains(stderr.String(), "bantrack run stopped") {
			t.Errorf("no stop logged:\n%s", stderr.String())
		}
		out, errs, code := runChild(t, append(g, "--log-level", "warn", "crawl")...)
		if code != 0 {
			t.Errorf("crawl after run stopped: exit %d; want 0\n%s%s", code, out, errs)
		}
	})
}

// TestRunStopWaitsForRunningJob sends SIGTERM while a slow crawl runs: the crawl finishes and
// records its documents before run exits.
func TestRunStopWaitsForRunningJob(t *testing.T) {
	if testing.Short() {
		t.Skip("runs bantrack run as a child process")
	}
	_, feeds := fixtureSetup(t)
	feeds = slowFeeds(t, everySecond(t, feeds), "4")
	data := t.TempDir()
	g := []string{"--config", feeds, "--data", data}
	cmd := bantrackCmd(t, append(g, "run", "--stop-timeout", "30s")...)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	// The first jobs start a second after start; stop while they are fetching.
	if !waitFor(10*time.Second, func() bool { return strings.Contains(stderr.String(), "next run") }) {
		t.Fatalf("run did not start:\n%s", stderr.String())
	}
	time.Sleep(1500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(40 * time.Second):
		t.Fatalf("run did not stop:\n%s", stderr.String())
	}
	log := stderr.String()
	if !strings.Contains(log, "waiting for running ones") || !strings.Contains(log, `msg="job done"`) {
		t.Errorf("run did not wait for its running jobs:\n%s", log)
	}
	if strings.Contains(log, "cancelling them") {
		t.Errorf("jobs were cancelled; want them finished within the stop timeout:\n%s", log)
	}
	// What the finished jobs indexed is there.
	out, errs, code := runChild(t, append(g, "status", "--json")...)
	var rep statusReport
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil {
		t.Fatalf("status exit %d: %s", code, errs)
	}
	if rep.Index.Documents == 0 {
		t.Errorf("no documents after the stopped run's jobs finished")
	}
}

// TestStaleLockTakenOver: a lock file naming a process that died does not stop crawl.
func TestStaleLockTakenOver(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	_, feeds := fixtureSetup(t)
	data := t.TempDir()
	g := []string{"--config", feeds, "--data", data, "--log-level", "warn"}
	// A real process that held the lock and was killed: it leaves its pid behind.
	holder := bantrackCmd(t, append(g, "run")...)
	var stderr syncBuffer
	holder.Stderr = &stderr
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(data, "lock")
	if !waitFor(10*time.Second, func() bool {
		b, _ := os.ReadFile(lock)
		return strings.TrimSpace(string(b)) == strconv.Itoa(holder.Process.Pid)
	}) {
		holder.Process.Kill()
		t.Fatalf("run never took the lock:\n%s", stderr.String())
	}
	holder.Process.Signal(syscall.SIGKILL)
	holder.Wait()

	out, _, code := runChild(t, append(g, "status")...)
	if code != 0 || !strings.Contains(out, "pid "+strconv.Itoa(holder.Process.Pid)+", which is gone") {
		t.Errorf("status after the holder died (exit %d) does not say its pid is gone:\n%s", code, out)
	}
	out, errs, code := runChild(t, append(g, "crawl")...)
	if code != 0 {
		t.Fatalf("crawl over a stale lock: exit %d; want 0\n%s%s", code, out, errs)
	}
	if b, _ := os.ReadFile(lock); len(strings.TrimSpace(string(b))) != 0 {
		t.Errorf("lock file after crawl = %q; want empty (released)", b)
	}
}

// TestUnwritableDataFolder: a data folder that cannot be written fails with exit 1, a message
// naming the path, and nothing half-written.
func TestUnwritableDataFolder(t *testing.T) {
	_, feeds := fixtureSetup(t)
	tmp := t.TempDir()
	file := filepath.Join(tmp, "not-a-folder")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		data     string
		skip     bool
		prepare  func(t *testing.T, data string)
		wantPath string
	}{
		"parent is a regular file": {data: filepath.Join(file, "data"), wantPath: filepath.Join(file, "data")},
		"state.db is a folder": {data: filepath.Join(tmp, "statedir"), prepare: func(t *testing.T, data string) {
			if err := os.MkdirAll(filepath.Join(data, "state.db"), 0o755); err != nil {
				t.Fatal(err)
			}
		}, wantPath: filepath.Join(tmp, "statedir", "state.db")},
		"read-only folder": {data: filepath.Join(tmp, "ro"), skip: os.Geteuid() == 0, prepare: func(t *testing.T, data string) {
			if err := os.MkdirAll(data, 0o555); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(data, 0o755) })
		}, wantPath: filepath.Join(tmp, "ro")},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if tc.skip {
				t.Skip("running as root: permissions do not apply")
			}
			if tc.prepare != nil {
				tc.prepare(t, tc.data)
			}
			before := listTree(tc.data)
			out, errs, code := runCmd(t, nil, "--config", feeds, "--data", tc.data, "crawl")
			if code != exitFailed {
				t.Fatalf("crawl exit %d; want %d\n%s%s", code, exitFailed, out, errs)
			}
			if !strings.Contains(errs, tc.wantPath) {
				t.Errorf("message does not name %s: %s", tc.wantPath, errs)
			}
			after := listTree(tc.data)
			for _, p := range after {
				if p != "lock" && !strings.Contains(strings.Join(before, "\n"), p) {
					t.Errorf("crawl left %s behind in the unusable data folder (before: %v)", p, before)
				}
			}
		})
	}
}

// listTree lists the paths under dir, relative to it.
func listTree(dir string) []string {
	var out []string
	filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err == nil && p != dir {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

// TestOverdue: on start, the daemon runs at once the sources never crawled or overdue after
// downtime, and a digest whose time passed; not a first digest, not what is not yet due.
func TestOverdue(t *testing.T) {
	st, err := state.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for name, last := range map[string]time.Time{"late": now.Add(-3 * time.Hour), "fresh": now.Add(-time.Hour)} {
		if err := st.SetHealth(state.Health{Source: name, LastRun: last}); err != nil {
			t.Fatal(err)
		}
	}
	cfg := &config.Config{Sources: []config.Source{
		{Name: "late", Schedule: "@every 2h"}, {Name: "fresh", Schedule: "@every 2h"}, {Name: "never", Schedule: "@every 2h"},
	}}
	cfg.Digest.To = []string{"a@example.org"}
	cfg.Digest.Schedule = "0 8 * * *"
	d := &daemon{log: slog.New(slog.NewTextHandler(io.Discard, nil)), st: &store{State: st}}

	if got, want := d.overdue(cfg, now), []string{"late", "never"}; !slices.Equal(got, want) {
		t.Errorf("overdue with no digest ever sent = %v; want %v", got, want)
	}
	if err := st.RecordDigest(state.Digest{MessageID: "<1@x>", Sent: now.Add(-28 * time.Hour)}, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := d.overdue(cfg, now), []string{"late", "never", digestJob}; !slices.Equal(got, want) {
		t.Errorf("overdue after a missed 08:00 digest = %v; want %v", got, want)
	}
	if err := st.RecordDigest(state.Digest{MessageID: "<2@x>", Sent: now.Add(-4 * time.Hour)}, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := d.overdue(cfg, now), []string{"late", "never"}; !slices.Equal(got, want) {
		t.Errorf("overdue after this morning's digest = %v; want %v", got, want)
	}
}

// TestRunStopWaitsForCatchUp: sources never crawled are caught up at launch, outside cron's
// schedule. A SIGTERM 2 s after start must wait for those crawls (they are slow here), not exit
// under them with the index closed.
func TestRunStopWaitsForCatchUp(t *testing.T) {
	if testing.Short() {
		t.Skip("runs bantrack run as a child process")
	}
	_, feeds := fixtureSetup(t)
	feeds = slowFeeds(t, feeds, "3")
	data := t.TempDir()
	g := []string{"--config", feeds, "--data", data}
	cmd := bantrackCmd(t, append(g, "run", "--stop-timeout", "60s")...)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	if !waitFor(10*time.Second, func() bool { return strings.Contains(stderr.String(), "overdue: running now") }) {
		t.Fatalf("run caught nothing up:\n%s", stderr.String())
	}
	time.Sleep(2 * time.Second)
	start := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(90 * time.Second):
		t.Fatalf("run did not stop:\n%s", stderr.String())
	}
	took := time.Since(start)
	log := stderr.String()
	caught := strings.Count(log, "overdue: running now")
	finished := strings.Count(log, `msg="job done"`) + strings.Count(log, `msg="job failed"`)
	stopped := strings.Index(log, "bantrack run stopped")
	if stopped < 0 || finished < caught || strings.LastIndex(log, `msg="job done"`) > stopped {
		t.Errorf("run stopped %v after SIGTERM with %d of %d caught-up jobs finished before it:\n%s", took, finished, caught, log)
	}
	for _, bad := range []string{"closed", "panic"} {
		if strings.Contains(log, bad) {
			t.Errorf("run's log mentions %q:\n%s", bad, log)
		}
	}
	out, errs, code := runChild(t, append(g, "status", "--json")...)
	var rep statusReport
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil {
		t.Fatalf("status exit %d: %s", code, errs)
	}
	if rep.Index.Documents == 0 {
		t.Errorf("no documents after the caught-up jobs finished")
	}
	t.Logf("%d caught-up jobs; stop took %v", caught, took.Round(time.Millisecond))
}
