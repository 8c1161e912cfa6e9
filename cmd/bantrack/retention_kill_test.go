package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bantrack/bantrack/archive"
	"github.com/bantrack/bantrack/internal/pipeline"
	"github.com/bantrack/bantrack/state"
)

// The files a compaction writes: its temporary file, then the rewrite under its name.
var (
	rewriteAny  = regexp.MustCompile(`-r\d+\.warc\.gz(\.tmp)?$`)
	rewriteTmp  = regexp.MustCompile(`-r\d+\.warc\.gz\.tmp$`)
	rewriteDone = regexp.MustCompile(`-r\d+\.warc\.gz$`)
)

// TestRetentionSurvivesKills builds an archive of many small files, well over max_size, of
// ban-related and other documents with several versions each (one became ban-related only in a
// later version), then kills the crawl that compacts it with SIGKILL, many times, each time
// after a compaction's rewrite appeared and a varied delay, and lets it finish once. After every
// kill and at the end: every location the state holds reads back the record it names (document
// records, and every version's page of a ban-related document, with its SHA-256), show --raw
// gives each ban-related page, every file reads start to end with an independent WARC reader,
// the next writer leaves no file the state does not know and misses none it points at, reindex
// rebuilds the same documents and versions, and status gives the archive's size. The crawl after
// the kills fetches no page again; at the end the archive is under max_size, and with a max_size
// below what ban-related pages need, nothing droppable is left.
func TestRetentionSurvivesKills(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real processes")
	}
	srv, feeds := fixtureSetup(t)
	raw, err := os.ReadFile(feeds)
	if err != nil {
		t.Fatal(err)
	}
	withArchive := func(name, section string) string {
		p := filepath.Join(filepath.Dir(feeds), name)
		if err := os.WriteFile(p, append([]byte("archive:\n  file_size: 16KiB\n"+section), raw...), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	data := t.TempDir()
	adir := pipeline.ArchivePath(data)
	g := []string{"--config", withArchive("build.yaml", ""), "--data", data, "--log-level", "warn"}
	if out, errs, code := runCmd(t, nil, append(g, "crawl")...); code != 0 {
		t.Fatalf("crawl exit %d\n%s\n%s", code, out, errs)
	}
	docs := archivedDocs(t, g)
	ban := map[string]bool{}
	base := map[string][]byte{}
	for _, d := range docs {
		ban[d.ID], base[d.ID] = banRelated(t, g, d.ID), served(t, d.URL)
	}
	// One page that is not ban-related becomes so in its second version: retention must then
	// keep its first version's page too, which lies in the oldest files.
	late := ""
	for _, d := range docs {
		if e := withSentence(d, base[d.ID], " The Commerce Department banned Huawei equipment from US networks on 3 March 2026."); !ban[d.ID] && e != nil {
			late, base[d.ID] = d.ID, e
			break
		}
	}
	if late == "" {
		t.Fatal("no page that is not ban-related carries its text's first words as they are")
	}

	// Rounds of silent edits: most pages change (a new version, with its document record), the
	// others are fetched again unchanged (a copy retention may drop).
	const rounds = 14
	for r := 1; r <= rounds; r++ {
		for i, d := range docs {
			if (i+r)%3 == 0 && d.ID != late {
				continue
			}
			site, path := siteOf(t, srv, d.URL)
			srv.Override(site, path, 0, fmt.Appendf(slices.Clip(base[d.ID]), "\n<!-- edit %d -->\n", r))
		}
		if out, errs, code := runCmd(t, nil, append(g, "crawl", "--refresh")...); code != 0 {
			t.Fatalf("crawl --refresh %d exit %d\n%s\n%s", r, code, out, errs)
		}
	}
	for _, d := range docs {
		ban[d.ID] = banRelated(t, g, d.ID)
	}
	if !ban[late] {
		t.Fatalf("%s is not ban-related after its edit; the test needs one that became so", late)
	}
	want := exportDocs(t, g)
	if n := versionCount(t, want[late]); n < rounds/2 {
		t.Fatalf("%s has %d versions after %d rounds of edits", late, n, rounds)
	}
	files, _ := archive.Files(adir)
	total, _ := archive.Size(adir)
	drop := droppable(t, adir, ban, "")
	limit := (total-drop+drop/10)>>10 + 1 // KiB: retention must drop nine tenths of what it may
	limit = max(limit, 64)
	t.Logf("archive: %d files, %d bytes, %d of them droppable; max_size %d KiB", len(files), total, drop, limit)
	kg := []string{"--config", withArchive("retain.yaml", fmt.Sprintf("  max_size: %dKiB\n", limit)), "--data", data, "--log-level", "info"}
	check := func(when string) {
		t.Logf("checking the data folder %s", when)
		checkRetained(t, kg, data, ban, want)
	}
	check("before retention")
	srv.ResetRequests()

	// A clean retention on a copy: how long compaction takes here, to spread the kills over it.
	clean := copyData(t, data)
	cg := slices.Clone(kg)
	cg[3] = clean
	c := startChild(t, append(cg, "crawl")...)
	if !awaitFile(t, c, pipeline.ArchivePath(clean), rewriteAny) {
		t.Fatalf("the crawl ended with no compaction: %v\n%s", <-c.done, c.stderr.String())
	}
	start := time.Now()
	if err := <-c.done; err != nil {
		t.Fatalf("clean retention: %v\n%s", err, c.stderr.String())
	}
	span := time.Since(start)
	compacted := strings.Count(c.stderr.String(), "archive file compacted")
	t.Logf("a clean retention compacts %d files in %v after the first rewrite appears", compacted, span.Round(time.Millisecond))
	if compacted < 10 {
		t.Fatalf("a clean retention compacted %d files; want many, for kills to land in", compacted)
	}

	// Each kill waits for a compaction's file to appear: the moment a rewrite is being copied
	// (its temporary file), the moment it took its name (before the state moved to it), or
	// either, then a delay from none to a few files' compaction.
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 13))
	perFile := span / time.Duration(compacted)
	const kills = 12
	var killed, inside, copying, beside int
	for i := range kills {
		event, delay := rewriteAny, time.Duration(rng.Int64N(int64(3*perFile)+1))
		switch i % 3 {
		case 0:
			event, delay = rewriteTmp, 0
		case 1:
			event, delay = rewriteDone, 0
		}
		c := startChild(t, append(kg, "crawl")...)
		if !awaitFile(t, c, adir, event) {
			if err := <-c.done; err != nil {
				t.Fatalf("crawl %d: %v\n%s", i, err, c.stderr.String())
			}
			if !strings.Contains(c.stderr.String(), "archive file compacted") {
				t.Logf("crawl %d: retention had nothing left to do", i)
				break
			}
			continue // compactions too quick for the file waited for
		}
		time.Sleep(delay)
		ok, err := c.kill()
		if err != nil {
			t.Fatalf("crawl %d: %v before its kill:\n%s", i, err, c.stderr.String())
		}
		if !ok {
			continue
		}
		killed++
		if !strings.Contains(c.stderr.String(), `msg="archive retention"`) {
			inside++ // killed before retention's last line
		}
		tmp, pair := halfDone(t, adir)
		if tmp {
			copying++
		}
		if pair {
			beside++
		}
		check(fmt.Sprintf("after kill %d (%v after a file matching %s appeared)", i, delay, event))
	}
	t.Logf("%d kills, %d inside retention: %d while a rewrite was being copied, %d with a rewrite beside its original", killed, inside, copying, beside)
	if inside < kills/2 {
		t.Errorf("only %d of %d kills landed inside retention", inside, kills)
	}

	// The crawl after the kills finishes retention and fetches no page again.
	if out, errs, code := runChild(t, append(kg, "crawl")...); code != 0 {
		t.Fatalf("crawl after the kills: exit %d\n%s\n%s", code, out, errs)
	}
	pages := map[string]bool{}
	for _, d := range docs {
		_, p := siteOf(t, srv, d.URL)
		pages[p] = true
	}
	for _, r := range srv.Requests() {
		if pages[r.Path] {
			t.Errorf("a crawl after a kill fetched %s again", r.Path)
		}
	}
	check("after the last crawl")
	if size, _ := archive.Size(adir); size > limit<<10 {
		t.Errorf("archive holds %d bytes after retention; want at most max_size %d", size, limit<<10)
	}
	cleanDocs := exportDocs(t, cg)
	for id, w := range exportDocs(t, kg) {
		if c := cleanDocs[id]; string(c.Versions) != string(w.Versions) || c.SHA256 != w.SHA256 {
			t.Errorf("%s after the kills differs from a clean retention:\n got  %+v\n want %+v", id, w, c)
		}
	}

	// Below what the ban-related pages need: as small as retention can make it.
	tg := []string{"--config", withArchive("tight.yaml", "  max_size: 64KiB\n"), "--data", data, "--log-level", "warn"}
	if out, errs, code := runChild(t, append(tg, "crawl")...); code != 0 {
		t.Fatalf("crawl with max_size 64KiB: exit %d\n%s\n%s", code, out, errs)
	}
	check("after the tight retention")
	files, _ = archive.Files(adir)
	if left := droppable(t, adir, ban, files[len(files)-1]); left > 0 {
		t.Errorf("%d bytes retention may drop are left over max_size 64KiB (the newest file aside)", left)
	}
}

// versionCount is how many versions an export record lists.
func versionCount(t *testing.T, d docRecord) int {
	t.Helper()
	var vs []json.RawMessage
	if len(d.Versions) == 0 {
		return 0
	}
	if err := json.Unmarshal(d.Versions, &vs); err != nil {
		t.Fatalf("%s versions: %v", d.ID, err)
	}
	return len(vs)
}

// awaitFile waits until the archive in adir holds a file matching event that the child wrote,
// and says so; false when the child ended first (its end is left in c.done).
func awaitFile(t *testing.T, c *child, adir string, event *regexp.Regexp) bool {
	t.Helper()
	before := map[string]os.FileInfo{}
	entries, _ := os.ReadDir(adir)
	for _, e := range entries {
		if fi, err := e.Info(); err == nil {
			before[e.Name()] = fi
		}
	}
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		select {
		case err := <-c.done:
			c.done <- err
			return false
		default:
		}
		entries, _ := os.ReadDir(adir)
		for _, e := range entries {
			if !event.MatchString(e.Name()) {
				continue
			}
			// a name the last run left may be written again: a new file is a new inode
			if fi, err := e.Info(); err == nil && (before[e.Name()] == nil || !os.SameFile(fi, before[e.Name()])) {
				return true
			}
		}
	}
	c.kill()
	t.Fatalf("no file matching %s appeared within 2 minutes:\n%s", event, c.stderr.String())
	return false
}

// halfDone says what a compaction cut short left in adir: a rewrite's temporary file (tmp), or
// a rewrite beside a file it replaces (pair).
func halfDone(t *testing.T, adir string) (tmp, pair bool) {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(adir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	rewrite := regexp.MustCompile(`^(.*)-r(\d+)\.warc\.gz$`)
	for _, n := range names {
		n = filepath.Base(n)
		tmp = tmp || rewriteTmp.MatchString(n)
		m := rewrite.FindStringSubmatch(n)
		if m == nil {
			continue
		}
		k, _ := strconv.Atoi(m[2])
		for j := range k {
			o := m[1] + ".warc.gz"
			if j > 0 {
				o = fmt.Sprintf("%s-r%d.warc.gz", m[1], j)
			}
			pair = pair || slices.Contains(names, filepath.Join(adir, o))
		}
	}
	return tmp, pair
}

// copyData copies a data folder (the index's symbolic link as a link).
func copyData(t *testing.T, data string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "data")
	if err := os.CopyFS(dst, os.DirFS(data)); err != nil {
		t.Fatalf("copy %s: %v", data, err)
	}
	return dst
}

// droppable is the bytes of the archive's records that retention may drop, files but skip: the
// responses no document record of a ban-related document refers to, and their requests.
func droppable(t *testing.T, adir string, ban map[string]bool, skip string) int64 {
	t.Helper()
	protect := map[string]bool{}
	var recs []archive.Record
	err := archive.Scan(adir, func(r archive.Record) error {
		if r.Type == "metadata" && r.ContentType == pipeline.DocumentRecordType && ban[docID(t, r)] {
			protect[r.RefersTo] = true
		}
		r.Body = nil
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, r := range recs {
		if r.Location.File != skip && (r.Type == "response" && !protect[r.ID] || r.Type == "request" && !protect[r.Concurrent]) {
			n += r.Location.Length
		}
	}
	return n
}

func docID(t *testing.T, r archive.Record) string {
	t.Helper()
	var d struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(r.Body, &d); err != nil || d.ID == "" {
		t.Fatalf("document record at %+v: %v: %.100q", r.Location, err, r.Body)
	}
	return d.ID
}

// checkRetained checks a data folder as a kill during retention left it (see
// TestRetentionSurvivesKills): want is the export before retention, ban the ban-related ids.
func checkRetained(t *testing.T, g []string, data string, ban map[string]bool, want map[string]docRecord) {
	t.Helper()
	adir := pipeline.ArchivePath(data)
	// Every file, read start to end by this archive's reader and by an independent one.
	type key struct {
		file string
		off  int64
	}
	recs := map[key]archive.Record{}
	files, err := archive.Files(adir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		var n int
		var end int64
		if err := archive.ScanFile(adir, f, func(r archive.Record) error {
			recs[key{f, r.Location.Offset}] = r
			n++
			end = r.Location.Offset + r.Location.Length
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(filepath.Join(adir, f))
		if err != nil {
			t.Fatal(err)
		}
		if end != fi.Size() {
			t.Errorf("%s: its records end at byte %d of %d", f, end, fi.Size())
		}
		if other := len(readPack(t, filepath.Join(adir, f))); other != n {
			t.Errorf("%s: the independent reader reads %d records, this archive's %d", f, other, n)
		}
	}
	// Every location the state holds names the record it should.
	st, err := state.OpenReadOnly(filepath.Join(data, "state.db"), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]state.Doc{}
	err = st.SeenDocs(func(d state.Doc) error {
		seen[d.ID] = d
		return nil
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	for id, d := range seen {
		for i, v := range d.Versions {
			m, ok := recs[key{v.Meta.File, v.Meta.Offset}]
			if !ok || m.Type != "metadata" || m.Location.Length != v.Meta.Length || docID(t, m) != id {
				t.Errorf("%s version %d: no document record of it at %+v", id, i+1, v.Meta)
			}
			if v.Dropped {
				if ban[id] {
					t.Errorf("%s is ban-related; retention dropped its version %d's page", id, i+1)
				}
				continue
			}
			r, ok := recs[key{v.Response.File, v.Response.Offset}]
			if sum := sha256.Sum256(r.Body); !ok || r.Type != "response" || hex.EncodeToString(sum[:]) != v.SHA256 {
				t.Errorf("%s version %d: no page of sha256 %s at %+v", id, i+1, v.SHA256, v.Response)
			}
		}
	}
	// The index holds the same documents and versions, and show --raw gives each ban-related page.
	got := exportDocs(t, g)
	if len(got) != len(want) {
		t.Errorf("the index holds %d documents; want %d", len(got), len(want))
	}
	for id, w := range want {
		if d := got[id]; d.SHA256 != w.SHA256 || string(d.Versions) != string(w.Versions) || d.Text != w.Text {
			t.Errorf("%s: the index holds %+v; want %+v", id, d, w)
		}
		if len(seen[id].Versions) != versionCount(t, w) {
			t.Errorf("%s: the state has %d versions; the index %d", id, len(seen[id].Versions), versionCount(t, w))
		}
		if ban[id] {
			out, errs, code := runCmd(t, nil, append(g, "show", "--raw", id)...)
			if code != 0 || sha([]byte(out)) != w.SHA256 {
				t.Errorf("show --raw %s: exit %d, %d bytes of sha256 %s (%s); want the page of sha256 %s", id, code, len(out), sha([]byte(out)), errs, w.SHA256)
			}
		}
	}
	var rep statusReport
	out, errs, code := runCmd(t, nil, append(g, "status", "--json")...)
	if err := json.Unmarshal([]byte(out), &rep); code != 0 || err != nil {
		t.Fatalf("status: exit %d, %v: %s", code, err, errs)
	}
	if size, _ := archive.Size(adir); rep.Archive.Bytes != size || rep.Archive.Files != len(files) {
		t.Errorf("status says the archive holds %d bytes in %d files; it holds %d in %d", rep.Archive.Bytes, rep.Archive.Files, size, len(files))
	}

	// On a copy: the next writer settles a compaction cut short, and leaves no file the state does
	// not know; reindex from what is left finds the same documents and versions.
	cp := copyData(t, data)
	s, err := pipeline.OpenWriter(cp)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	err = s.State.SeenDocs(func(d state.Doc) error {
		for _, v := range d.Versions {
			known[v.Meta.File] = true
			if !v.Dropped {
				known[v.Response.File] = true
			}
		}
		delete(known, "")
		return nil
	})
	if err := errors.Join(err, s.Close()); err != nil {
		t.Fatal(err)
	}
	cadir := pipeline.ArchivePath(cp)
	left, _ := archive.Files(cadir)
	for f := range known {
		if !slices.Contains(left, f) {
			t.Errorf("the state points at %s, which the next writer left missing", f)
		}
	}
	for _, f := range left {
		if known[f] {
			continue
		}
		found := errors.New("a document record")
		err := archive.ScanFile(cadir, f, func(r archive.Record) error {
			if r.Type == "metadata" && r.ContentType == pipeline.DocumentRecordType {
				return found
			}
			return nil
		})
		if err != nil {
			t.Errorf("the next writer left %s, which the state does not know, with %v in it", f, err)
		}
	}
	if tmp, pair := halfDone(t, cadir); tmp || pair {
		t.Errorf("the next writer left a compaction half done: a temporary file %v, a rewrite beside its original %v", tmp, pair)
	}
	cg := slices.Clone(g)
	cg[3] = cp
	if out, errs, code := runCmd(t, nil, append(cg, "reindex")...); code != 0 {
		t.Fatalf("reindex exit %d\n%s\n%s", code, out, errs)
	}
	for id, d := range exportDocs(t, cg) {
		if w := want[id]; d.SHA256 != w.SHA256 || string(d.Versions) != string(w.Versions) || d.Text != w.Text {
			t.Errorf("%s after reindex from the archive: %+v; want %+v", id, d, w)
		}
	}
}
