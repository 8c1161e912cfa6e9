package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestArchiveRetention crawls the fixture sites three times under an archive.max_size smaller
// than what they fetch: the archive shrinks back towards the limit, every ban-related document's
// page stays byte for byte, a page that is not ban-related is dropped (show --raw says so), the
// compacted files still read with an independent WARC reader, reindex still finds every document
// with its versions, and status shows the archive's size.
func TestArchiveRetention(t *testing.T) {
	srv, feeds := fixtureSetup(t)
	_ = srv
	raw, err := os.ReadFile(feeds)
	if err != nil {
		t.Fatal(err)
	}
	const limit = 200 << 10
	if err := os.WriteFile(feeds, append([]byte("archive:\n  max_size: 200KiB\n"), raw...), 0o644); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	g := []string{"--config", feeds, "--data", data, "--log-level", "warn"}
	for i, args := range [][]string{{"crawl"}, {"crawl", "--refresh"}, {"crawl", "--refresh"}} {
		if out, errs, code := runCmd(t, nil, append(g, args...)...); code != 0 {
			t.Fatalf("crawl %d exit %d\n%s\n%s", i, code, out, errs)
		}
	}
	out, errs, code := runCmd(t, nil, append(g, "status", "--json")...)
	if code != 0 {
		t.Fatalf("status exit %d: %s", code, errs)
	}
	var rep statusReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Archive.MaxSize != limit || rep.Archive.Bytes == 0 || rep.Archive.Files < 2 {
		t.Fatalf("status archive = %+v; want its size, files and max_size %d", rep.Archive, limit)
	}
	// The last file is being written and left alone; the others are compacted down.
	if rep.Archive.Bytes > limit+limit/2 {
		t.Errorf("archive holds %d bytes after retention; want about the max_size %d", rep.Archive.Bytes, limit)
	}
	text, _, _ := runCmd(t, nil, append(g, "status")...)
	if !strings.Contains(text, "archive ") || !strings.Contains(text, "max_size 200.0 KiB") {
		t.Errorf("status does not show the archive:\n%s", text)
	}

	var bans, dropped, kept int
	docs := exportDocs(t, g)
	for _, r := range exportRecordsInProcess(t, g) {
		if r.SHA256 == "" {
			continue
		}
		page, errs, code := runCmd(t, nil, append(g, "show", "--raw", r.ID)...)
		switch {
		case banRelated(t, g, r.ID):
			bans++
			if code != 0 || page != string(served(t, r.URL)) {
				t.Errorf("ban-related %s lost its page to retention: exit %d, %s", r.ID, code, errs)
			}
		case code != 0:
			if !strings.Contains(errs, "dropped by the archive's retention") {
				t.Errorf("show --raw %s: %s; want the retention named", r.ID, errs)
			}
			dropped++
		default:
			kept++
		}
	}
	if bans == 0 || dropped == 0 {
		t.Errorf("%d ban-related pages kept, %d other pages dropped, %d kept; want some of each of the first two", bans, dropped, kept)
	}

	// Compacted files are whole WARC files to another reader.
	files, _ := filepath.Glob(filepath.Join(data, "archive", "*.warc.gz"))
	for _, name := range files {
		readPack(t, name)
	}

	// reindex from what is left: every document, same text and versions.
	if out, errs, code := runCmd(t, nil, append(g, "reindex")...); code != 0 {
		t.Fatalf("reindex exit %d\n%s\n%s", code, out, errs)
	}
	after := exportDocs(t, g)
	for id, b := range docs {
		a := after[id]
		if a.Text != b.Text || a.SHA256 != b.SHA256 || string(a.Versions) != string(b.Versions) {
			t.Errorf("%s after retention and reindex differs:\n got  %+v\n want %+v", id, a, b)
		}
	}
}
