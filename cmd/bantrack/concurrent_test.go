package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestReadersAnswerWhileCrawlWrites runs a slow `bantrack crawl --refresh` (real processes,
// politeness slowed, one page held so that it runs for at least 20 seconds and until the readers
// are done, committing source after source) and,
// beside it, 100 searches, shows and exports in their own processes. Every one must answer with
// the documents of the last commit; none may fail with a locked index.
func TestReadersAnswerWhileCrawlWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a crawl of more than 20 seconds")
	}
	srv, feeds := fixtureSetup(t)
	data := t.TempDir()
	fast := []string{"--config", feeds, "--data", data, "--log-level", "warn"}
	if out, errs, code := runChild(t, append(fast, "crawl")...); code != 0 {
		t.Fatalf("first crawl exit %d\n%s\n%s", code, out, errs)
	}
	want := len(exportIDs(t, fast))

	const readers, parallel, minCrawl = 100, 6, 20 * time.Second
	var during atomic.Int64 // readers that finished while the crawl was still running
	// The slow crawl commits source after source. One article page of the MOFCOM source is held
	// until enough readers have answered and the crawl has run for minCrawl, so the crawl cannot
	// end before the readers, however slow this machine runs them.
	enough := make(chan struct{})
	var enoughOnce sync.Once
	srv.Gate(func(site, path string) {
		if site == "mofcom" && articlePath.MatchString(path) {
			<-enough
		}
	})
	defer srv.Gate(nil)
	defer enoughOnce.Do(func() { close(enough) })

	slowCfg := slowFeeds(t, feeds, "1")
	raw, err := os.ReadFile(slowCfg)
	if err != nil {
		t.Fatal(err)
	}
	// The held page must not time out: give every request all the time the test may take.
	raw = regexp.MustCompile(`(?m)^(\s*timeout:\s*)\S+`).ReplaceAll(raw, []byte("${1}10m"))
	if err := os.WriteFile(slowCfg, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	slow := []string{"--config", slowCfg, "--data", data, "--log-level", "warn"}
	crawl := bantrackCmd(t, append(slow, "crawl", "--refresh")...)
	var crawlErr bytes.Buffer
	crawl.Stderr = &crawlErr
	start := time.Now()
	if err := crawl.Start(); err != nil {
		t.Fatal(err)
	}
	var crawlDone atomic.Bool
	var crawlTook time.Duration
	waited := make(chan error, 1)
	go func() {
		err := crawl.Wait()
		crawlTook = time.Since(start)
		crawlDone.Store(true)
		waited <- err
	}()
	go func() {
		deadline := time.After(10 * time.Minute) // a stuck test still ends
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-deadline:
			case <-tick.C:
				if during.Load() < readers || time.Since(start) < minCrawl {
					continue
				}
			}
			enoughOnce.Do(func() { close(enough) })
			return
		}
	}()

	var (
		mu       sync.Mutex
		failures []string
		slowest  time.Duration
	)
	// Readers run, parallel at a time, for as long as the crawl does, until at least readers of
	// them answered during it.
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				t0 := time.Now()
				problem := readOnce(t, fast, i, want)
				took := time.Since(t0)
				if !crawlDone.Load() {
					during.Add(1)
				}
				mu.Lock()
				slowest = max(slowest, took)
				if problem != "" {
					failures = append(failures, fmt.Sprintf("reader %d: %s", i, problem))
				}
				mu.Unlock()
			}
		}()
	}
	for i := 0; !crawlDone.Load(); i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err := <-waited; err != nil {
		t.Fatalf("the crawl beside the readers failed: %v\n%s", err, crawlErr.String())
	}
	for _, f := range failures {
		t.Error(f)
	}
	t.Logf("crawl took %v; %d readers answered while it ran; slowest reader %v",
		crawlTook.Round(time.Millisecond), during.Load(), slowest.Round(time.Millisecond))
	if crawlTook < minCrawl {
		t.Errorf("the crawl took %v; the test needs one of at least %v", crawlTook, minCrawl)
	}
	if during.Load() < readers {
		t.Errorf("only %d readers answered while the crawl ran; want %d", during.Load(), readers)
	}
}

// readOnce runs one reader command (a search, a show or an export, by turn) and returns what was
// wrong with its answer, or "" when it answered well.
func readOnce(t *testing.T, g []string, i, docs int) string {
	switch i % 10 {
	case 3: // export: every document of the last commit
		out, errs, code := runChild(t, append(g, "export")...)
		if code != 0 {
			return fmt.Sprintf("export exit %d: %s", code, errs)
		}
		if n := strings.Count(strings.TrimSpace(out), "\n") + 1; n != docs {
			return fmt.Sprintf("export printed %d records; want %d", n, docs)
		}
		return ""
	case 7: // show: find a document, then show it
		out, errs, code := runChild(t, append(g, "search", "--json", "--limit", "1", "fortinet")...)
		if code != 0 {
			return fmt.Sprintf("search exit %d: %s", code, errs)
		}
		var res struct {
			Hits []struct {
				ID string `json:"id"`
			} `json:"hits"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Hits) == 0 {
			return fmt.Sprintf("search fortinet: no hit to show (%v): %.200s", err, out)
		}
		out, errs, code = runChild(t, append(g, "show", res.Hits[0].ID)...)
		if code != 0 || !strings.Contains(out, "Fortinet") {
			return fmt.Sprintf("show %s exit %d: %.200s %s", res.Hits[0].ID, code, out, errs)
		}
		return ""
	default:
		q := []string{"fortinet", "网络安全审查", "micron"}[i%3]
		out, errs, code := runChild(t, append(g, "search", "--json", q)...)
		if code != 0 {
			return fmt.Sprintf("search %q exit %d: %s", q, code, errs)
		}
		var res struct {
			Total int `json:"total"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			return fmt.Sprintf("search %q: %v: %.200s", q, err, out)
		}
		if res.Total == 0 {
			return fmt.Sprintf("search %q found nothing", q)
		}
		return ""
	}
}
