package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// mountTiny mounts a tmpfs of the given size on a new folder and returns it, or skips the test
// where that is not possible (not root, no tmpfs).
func mountTiny(t *testing.T, size string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("mounts a tmpfs")
	}
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}

func grow(t *testing.T, dir, size string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,size="+size, dir).CombinedOutput(); err != nil {
		t.Fatalf("remount %s: %v %s", dir, err, out)
	}
}

// cleanIDs crawls the fixtures into a fresh folder and returns the ids exported, sorted.
func cleanIDs(t *testing.T, feeds string) []string {
	t.Helper()
	g := []string{"--config", feeds, "--data", t.TempDir(), "--log-level", "error"}
	if _, errs, code := runCmd(t, nil, append(g, "crawl")...); code != 0 {
		t.Fatalf("clean crawl exit %d: %s", code, errs)
	}
	ids := exportIDs(t, g)
	slices.Sort(ids)
	return ids
}

// TestDiskFullRefusedUpFront: a data folder without room is refused before anything is written,
// with a message naming the path; with room again, the crawl completes.
func TestDiskFullRefusedUpFront(t *testing.T) {
	data := mountTiny(t, "256k")
	_, feeds := fixtureSetup(t)
	want := cleanIDs(t, feeds)

	g := []string{"--config", feeds, "--data", data, "--log-level", "error"}
	_, errs, code := runCmd(t, nil, append(g, "crawl")...)
	if code != exitFailed || !strings.Contains(errs, data) || !strings.Contains(errs, "free") {
		t.Errorf("crawl into a 256 KiB folder: exit %d, %q; want exit 1 naming %s and its free space", code, errs, data)
	}
	if entries, _ := os.ReadDir(data); len(entries) != 0 {
		t.Errorf("the refused crawl wrote %d entries into the data folder", len(entries))
	}

	grow(t, data, "100m")
	if out, errs, code := runCmd(t, nil, append(g, "crawl")...); code != 0 {
		t.Fatalf("crawl with room: exit %d\n%s\n%s", code, out, errs)
	}
	if got := exportIDs(t, g); !slices.Equal(slices.Sorted(slices.Values(got)), want) {
		t.Errorf("index holds %v; want %v", got, want)
	}
}

// TestDiskFillsMidCrawl lowers the free-space bar so the disk fills during the crawl itself. The
// crawl must not succeed; whatever it left, a crawl with room again must complete and index every
// document exactly once.
func TestDiskFillsMidCrawl(t *testing.T) {
	data := mountTiny(t, "300k")
	_, feeds := fixtureSetup(t)
	want := cleanIDs(t, feeds)

	g := []string{"--config", feeds, "--data", data, "--log-level", "error"}
	cmd := bantrackCmd(t, append(g, "crawl")...)
	cmd.Env = append(cmd.Env, "BANTRACK_MIN_FREE=1")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Run(); err == nil {
		t.Fatalf("crawl onto a filling disk succeeded:\n%s", errb.String())
	}
	if !strings.Contains(errb.String(), "no space left on device") {
		t.Logf("the failed crawl said (no ENOSPC in its message):\n%.2000s", errb.String())
	}

	grow(t, data, "100m")
	out, errs, code := runChild(t, append(g, "crawl")...)
	if code != 0 {
		t.Fatalf("crawl with room again: exit %d\n%s\n%s", code, out, errs)
	}
	got := exportIDs(t, g)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("after the disk filled mid-crawl, the index holds %d documents %v; want the %d of a clean crawl %v", len(got), got, len(want), want)
	}
}
