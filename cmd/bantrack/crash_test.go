package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bantrack/bantrack/archive"
)

// asBinaryEnv, set to 1, makes the test binary act as the bantrack binary (TestHelperProcess):
// the tests that need real processes, real signals and real kills start it as a child.
const asBinaryEnv = "BANTRACK_TEST_AS_BINARY"

// TestHelperProcess is bantrack's main when the test binary is started by bantrackCmd.
func TestHelperProcess(t *testing.T) {
	if os.Getenv(asBinaryEnv) != "1" {
		t.Skip("runs only as a child process of the tests that start bantrack")
	}
	args := os.Args
	if i := slices.Index(args, "--"); i >= 0 {
		args = args[i+1:]
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, args, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(report(os.Stderr, err))
}

// bantrackCmd returns a command that runs bantrack with args in a child process.
func bantrackCmd(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestHelperProcess$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), asBinaryEnv+"=1", "BANTRACK_CONFIG=", "BANTRACK_DATA=")
	return cmd
}

// runChild runs bantrack in a child process to the end and returns its stdout, stderr and exit code.
func runChild(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := bantrackCmd(t, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run bantrack %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

// child is bantrack running in a child process, for the kill tests.
type child struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer // read once done has answered
	done   chan error   // the process's end, once
}

// startChild starts bantrack with args in a child process.
func startChild(t *testing.T, args ...string) *child {
	t.Helper()
	c := &child{cmd: bantrackCmd(t, args...), done: make(chan error, 1)}
	c.cmd.Stderr = &c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.done <- c.cmd.Wait() }()
	return c
}

// kill sends the child SIGKILL and waits for its end. killed says the signal ended it; if it had
// ended on its own first, err is how.
func (c *child) kill() (killed bool, err error) {
	c.cmd.Process.Signal(syscall.SIGKILL)
	err = <-c.done
	if ee, ok := err.(*exec.ExitError); ok && ee.ProcessState.Sys().(syscall.WaitStatus).Signaled() {
		return true, nil
	}
	return false, err
}

// killCrawls runs n crawls with the global flags g one after the other, all but every plainEvery-th
// with --refresh, and sends each SIGKILL after delay(i) unless it ended first; a crawl that ends
// on its own must end well. It returns how many the kill ended and how many finished.
func killCrawls(t *testing.T, g []string, n, plainEvery int, delay func(i int) time.Duration) (killed, finished int) {
	t.Helper()
	for i := range n {
		args := append(slices.Clone(g), "crawl")
		if i%plainEvery != 0 {
			args = append(args, "--refresh")
		}
		c := startChild(t, args...)
		d := delay(i)
		select {
		case err := <-c.done:
			finished++
			if err != nil {
				t.Fatalf("crawl %d ended on its own with %v before its kill at %v:\n%s", i, err, d, c.stderr.String())
			}
		case <-time.After(d):
			switch ok, err := c.kill(); {
			case ok:
				killed++
			case err != nil:
				t.Fatalf("crawl %d: %v before its kill:\n%s", i, err, c.stderr.String())
			default:
				finished++
			}
		}
	}
	return killed, finished
}

// slowFeeds writes a copy of the fixture feeds file whose sources fetch at rate requests a second,
// so that a crawl takes long enough for kills and signals to land in the middle of it.
func slowFeeds(t *testing.T, feeds string, rate string) string {
	t.Helper()
	raw, err := os.ReadFile(feeds)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^(\s*rate:\s*)\S+`)
	if !re.Match(raw) {
		t.Fatalf("%s has no rate line to slow down", feeds)
	}
	path := filepath.Join(t.TempDir(), "slow-feeds.yaml")
	if err := os.WriteFile(path, re.ReplaceAll(raw, []byte("${1}"+rate)), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// exportIDs returns the ids `export` prints, in order, failing the test on a bad record.
func exportIDs(t *testing.T, g []string) []string {
	t.Helper()
	var ids []string
	for _, r := range exportRecords(t, g) {
		if r.ID == "" {
			t.Fatalf("export record without an id: %+v", r)
		}
		ids = append(ids, r.ID)
	}
	return ids
}

// TestCrawlSurvivesKills kills `bantrack crawl` with SIGKILL at random moments, many times, then
// checks that a last crawl completes and leaves every fixture article indexed exactly once.
func TestCrawlSurvivesKills(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real processes for about 30 seconds")
	}
	_, feeds := fixtureSetup(t)
	feeds = slowFeeds(t, feeds, "8")

	// The reference: one clean crawl.
	clean := t.TempDir()
	cg := []string{"--config", feeds, "--data", clean, "--log-level", "warn"}
	start := time.Now()
	out, errs, code := runChild(t, append(cg, "crawl")...)
	cleanTook := time.Since(start)
	if code != 0 {
		t.Fatalf("clean crawl exit %d\n%s\n%s", code, out, errs)
	}
	want := exportIDs(t, cg)
	slices.Sort(want)
	if len(want) < 12 {
		t.Fatalf("clean crawl indexed %d documents; want the fixture articles (12 or more)", len(want))
	}
	t.Logf("clean crawl: %d documents in %v", len(want), cleanTook.Round(time.Millisecond))

	data := t.TempDir()
	g := []string{"--config", feeds, "--data", data, "--log-level", "warn"}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 6))
	const kills = 20
	// Every crawl but each fourth fetches and indexes everything again, so that kills land in index
	// writes over known documents: a plain crawl after a finished one has nothing left to do and
	// would end before its kill.
	killed, finished := killCrawls(t, g, kills, 4, func(i int) time.Duration {
		if i < 5 {
			// early kills land while the state store and the index are being created
			return time.Duration(rng.Int64N(int64(300 * time.Millisecond)))
		}
		return time.Duration(rng.Int64N(int64(cleanTook)))
	})
	t.Logf("%d crawls: %d killed with SIGKILL, %d finished before their kill", kills, killed, finished)
	if killed < kills/2 {
		t.Errorf("only %d of %d crawls were killed mid-work; want most of them", killed, kills)
	}

	out, errs, code = runChild(t, append(g, "crawl")...)
	if code != 0 {
		t.Fatalf("crawl after the kills: exit %d; want 0\n%s\n%s", code, out, errs)
	}
	got := exportIDs(t, g)
	slices.Sort(got)
	if dup := duplicates(got); len(dup) > 0 {
		t.Errorf("export after the kills repeats ids %v", dup)
	}
	if !slices.Equal(slices.Compact(slices.Clone(got)), want) {
		t.Errorf("after the kills the index holds %d documents; want the %d of a clean crawl\ngot  %v\nwant %v", len(got), len(want), got, want)
	}

	// status reads the same figures.
	out, errs, code = runChild(t, append(g, "status", "--json")...)
	if code != 0 {
		t.Fatalf("status exit %d: %s", code, errs)
	}
	var rep statusReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	if rep.FromFile {
		t.Errorf("status read the snapshot with no bantrack running; want the live store")
	}
	if rep.Index.Documents != uint64(len(want)) {
		t.Errorf("status index documents = %d; want %d", rep.Index.Documents, len(want))
	}
	if rep.Seen < len(want) {
		t.Errorf("status seen documents = %d; want at least the %d indexed", rep.Seen, len(want))
	}
	sum := 0
	for _, s := range rep.Sources {
		sum += s.Documents
		if s.State != "ok" || s.LastSuccess.IsZero() {
			t.Errorf("status source %s: state %q, last success %v; want ok after the last crawl", s.Name, s.State, s.LastSuccess)
		}
	}
	if sum != len(want) {
		t.Errorf("status documents per source add up to %d; want %d", sum, len(want))
	}
	if rep.Holder != nil && rep.Holder.Alive {
		t.Errorf("status says pid %d holds the data folder; want nobody after the crawl", rep.Holder.PID)
	}
	checkArchived(t, cg, g, data)
}

// checkArchived checks the archive after the kills: every indexed document whose page was read
// has its response archived with the body's SHA-256, the same documents have pages as after the
// clean crawl (cg), and re-fetching the same bodies after the kills made no second version.
func checkArchived(t *testing.T, cg, g []string, data string) {
	t.Helper()
	bodies := map[string]string{} // sha256 of an archived response's body → its target URI
	err := archive.Scan(filepath.Join(data, "archive"), func(r archive.Record) error {
		if r.Type == "response" {
			sum := sha256.Sum256(r.Body)
			bodies[hex.EncodeToString(sum[:])] = r.TargetURI
		}
		return nil
	})
	if err != nil {
		t.Fatalf("scan the archive: %v", err)
	}
	clean := map[string]exportRecord{}
	for _, r := range exportRecords(t, cg) {
		clean[r.ID] = r
	}
	withPage := 0
	for _, r := range exportRecords(t, g) {
		c := clean[r.ID]
		if (r.SHA256 == "") != (c.SHA256 == "") {
			t.Errorf("%s: sha256 %q after the kills, %q after a clean crawl", r.ID, r.SHA256, c.SHA256)
		}
		if r.SHA256 == "" {
			continue
		}
		withPage++
		if _, ok := bodies[r.SHA256]; !ok {
			t.Errorf("%s (%s) is indexed with sha256 %s, but no archived response has that body", r.ID, r.URL, r.SHA256)
		}
		if len(r.Versions) != 1 || r.Versions[0].SHA256 != r.SHA256 {
			t.Errorf("%s: versions %+v; want one, of sha256 %s (the fixture pages never change)", r.ID, r.Versions, r.SHA256)
		}
	}
	if withPage < 10 {
		t.Errorf("only %d indexed documents have an archived page; want the fixture articles", withPage)
	}
}

// exportRecord is what the archive checks read of an export record.
type exportRecord struct {
	ID       string `json:"id"`
	URL      string `json:"url"`
	SHA256   string `json:"sha256"`
	Text     string `json:"text"`
	Versions []struct {
		Fetched time.Time `json:"fetched"`
		SHA256  string    `json:"sha256"`
	} `json:"versions"`
	Changed time.Time `json:"changed"`
}

// exportRecords runs `export` in a child process and reads its records.
func exportRecords(t *testing.T, g []string) []exportRecord {
	t.Helper()
	out, errs, code := runChild(t, append(g, "export")...)
	if code != 0 {
		t.Fatalf("export exit %d: %s", code, errs)
	}
	return parseExport(t, out)
}

// parseExport reads export's output, one record a line, failing the test on a bad one.
func parseExport(t *testing.T, out string) []exportRecord {
	t.Helper()
	var recs []exportRecord
	for l := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var r exportRecord
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("export record: %v: %.200s", err, l)
		}
		recs = append(recs, r)
	}
	return recs
}

func duplicates(sorted []string) []string {
	var dup []string
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] && (len(dup) == 0 || dup[len(dup)-1] != sorted[i]) {
			dup = append(dup, sorted[i])
		}
	}
	return dup
}
