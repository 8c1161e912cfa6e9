package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// articlePath matches the paths of the fixture sites' article pages (not listings, feeds, sitemaps or
// robots.txt).
var articlePath = regexp.MustCompile(`^/(technology|business)/|/art/|/c_\d+\.htm$`)

// TestCrawlInterrupted sends SIGINT to a slow crawl in the middle of its work: it must keep what
// it fetched, say "interrupted", exit 130, log no "indexed from the listing" for the pages it was
// cut off from, mark no source failing, and leave the rest to the next crawl.
func TestCrawlInterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a slow crawl")
	}
	srv, feeds := fixtureSetup(t)
	clean := t.TempDir()
	cg := []string{"--config", feeds, "--data", clean, "--log-level", "warn"}
	if out, errs, code := runChild(t, append(cg, "crawl")...); code != 0 {
		t.Fatalf("clean crawl exit %d\n%s\n%s", code, out, errs)
	}
	want := exportIDs(t, cg)
	slices.Sort(want)

	// Let two article pages through, then hold every other one until the signal has been sent, so
	// that the interrupt lands in the middle of the crawl however fast or slow this machine is.
	const through = 2
	var (
		mu      sync.Mutex
		served  int
		release = make(chan struct{})
		reached = make(chan struct{})
	)
	srv.Gate(func(_, path string) {
		if !articlePath.MatchString(path) {
			return
		}
		mu.Lock()
		served++
		n := served
		mu.Unlock()
		if n == through+1 {
			close(reached)
		}
		if n > through {
			<-release
		}
	})
	defer srv.Gate(nil)
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()

	data := t.TempDir()
	g := []string{"--config", slowFeeds(t, feeds, "2"), "--data", data, "--log-level", "warn"}
	cmd := bantrackCmd(t, append(g, "crawl")...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-reached:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("the crawl asked for no more than %d article pages in 2 minutes\n%s", through, errb.String())
	}
	// The two pages let through are answered; give the crawl a moment to read them, then interrupt.
	time.Sleep(time.Second)
	cmd.Process.Signal(syscall.SIGINT)
	close(release)
	err := cmd.Wait()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	if code != 130 {
		t.Fatalf("interrupted crawl: exit %d; want 130\n%s\n%s", code, out.String(), errb.String())
	}
	if !strings.Contains(errb.String(), "interrupted") {
		t.Errorf("interrupted crawl does not say so:\n%s", errb.String())
	}
	for _, bad := range []string{"indexed from the listing", "context canceled", "every source failed", "FAILED"} {
		if strings.Contains(out.String()+errb.String(), bad) {
			t.Errorf("interrupted crawl output holds %q:\n%s\n%s", bad, out.String(), errb.String())
		}
	}
	kept := exportIDs(t, g)
	if len(kept) == 0 || len(kept) >= len(want) {
		t.Errorf("the interrupted crawl kept %d documents; want some of the %d (interrupt earlier or slow the rate)", len(kept), len(want))
	}
	for _, id := range kept {
		if _, ok := slices.BinarySearch(want, id); !ok {
			t.Errorf("the interrupted crawl kept %s, which a full crawl does not index", id)
		}
	}
	sout, serr, scode := runChild(t, append(g, "status", "--json")...)
	if scode != 0 {
		t.Fatalf("status exit %d: %s", scode, serr)
	}
	var rep statusReport
	if err := json.Unmarshal([]byte(sout), &rep); err != nil {
		t.Fatal(err)
	}
	for _, s := range rep.Sources {
		if s.State == "failing" {
			t.Errorf("after the interrupt, source %s is failing: %s", s.Name, s.LastError)
		}
	}

	// The next crawl finishes the job, partial items included.
	if o, e, c := runChild(t, append(g, "crawl")...); c != 0 {
		t.Fatalf("crawl after the interrupt: exit %d\n%s\n%s", c, o, e)
	}
	got := exportIDs(t, g)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("after the interrupt and one more crawl the index holds %d documents; want the %d of a clean crawl\ngot  %v\nwant %v", len(got), len(want), got, want)
	}
}
