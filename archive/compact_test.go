package archive

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestCompact drops some responses from a file: the kept records are copied byte for byte to the
// new locations, the rewrite sorts where the original did, and a crash before Finish is found by
// Pending.
func TestCompact(t *testing.T) {
	dir := t.TempDir()
	st, err := Open(dir, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var exs []Exchange
	for i := range 6 {
		exs = append(exs, Exchange{URL: fmt.Sprintf("http://example.org/%d", i), Status: 200,
			ResponseHeader: http.Header{"Content-Type": {"text/html"}}, Body: bytes.Repeat([]byte{byte('a' + i)}, 500+i), Fetched: time.Now()})
	}
	w, err := st.AppendAll(exs, []Meta{{TargetURI: "http://example.org/0", ContentType: "application/json", Data: []byte(`{"id":"x"}`), RefersTo: 0}})
	if err != nil {
		t.Fatal(err)
	}
	// a later file, to check the order of names
	st.SetFileSize(1)
	if _, _, err := st.Append(exs[0]); err != nil {
		t.Fatal(err)
	}
	st.Close()
	files, _ := Files(dir)
	if len(files) != 2 {
		t.Fatalf("files %v; want 2", files)
	}
	name := files[0]
	oldRaw := map[int64][]byte{}
	for _, l := range append(slices.Clone(w.Responses), w.Metas...) {
		b, err := Raw(dir, l)
		if err != nil {
			t.Fatal(err)
		}
		oldRaw[l.Offset] = b
	}
	keepIDs := map[string]bool{}
	err = ScanFile(dir, name, func(r Record) error {
		if r.Type == "response" && (r.TargetURI == "http://example.org/1" || r.TargetURI == "http://example.org/4") {
			keepIDs[r.ID] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compact(dir, name, func(r Record) bool {
		switch r.Type {
		case "response":
			return keepIDs[r.ID]
		case "request":
			return keepIDs[r.Concurrent]
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.New == "" || c.Dropped != 8 || c.Freed <= 0 {
		t.Fatalf("compacted %+v; want 4 responses and their 4 requests dropped", c)
	}
	for _, i := range []int{1, 4} {
		nl, ok := c.Moved[w.Responses[i].Offset]
		if !ok {
			t.Fatalf("response %d not kept", i)
		}
		got, err := Raw(dir, nl)
		if err != nil || !bytes.Equal(got, oldRaw[w.Responses[i].Offset]) {
			t.Errorf("response %d at its new location differs (%v)", i, err)
		}
		body, err := Body(dir, nl)
		if err != nil || !bytes.Equal(body, exs[i].Body) {
			t.Errorf("response %d body at its new location differs (%v)", i, err)
		}
	}
	if _, ok := c.Moved[w.Metas[0].Offset]; !ok {
		t.Errorf("the metadata record was not kept")
	}
	pend, err := Pending(dir)
	if err != nil || len(pend) != 1 || pend[0] != [2]string{c.New, c.Old} {
		t.Errorf("Pending = %v, %v; want the rewrite beside its original", pend, err)
	}
	all, _ := Files(dir)
	if want := []string{c.New, c.Old, files[1]}; !slices.Equal(all, want) {
		t.Errorf("files in order %v; want %v (the rewrite where the original was)", all, want)
	}
	if err := Finish(dir, c); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, c.Old)); !os.IsNotExist(err) {
		t.Errorf("Finish left %s", c.Old)
	}
	n := 0
	if err := Scan(dir, func(Record) error { n++; return nil }); err != nil || n != 5+2 {
		t.Errorf("Scan after compaction: %d records (%v); want 2 responses, 2 requests, 1 metadata, and the later file's 2", n, err)
	}
	if got := rewriteName(c.New); got == c.New || !slices.Contains(originals(got), c.Old) || !slices.Contains(originals(got), c.New) {
		t.Errorf("a second rewrite %s does not replace %s and %s", got, c.Old, c.New)
	}
}

// TestRotateAfterRewrite: a file begun in the same second as a compacted one must sort after its
// rewrite, or Scan would replay newer records before older ones.
func TestRotateAfterRewrite(t *testing.T) {
	dir := t.TempDir()
	st, err := Open(dir, 1)
	if err != nil {
		t.Fatal(err)
	}
	ex := Exchange{URL: "http://example.org/", Status: 200, Body: []byte("x")}
	loc, _, err := st.Append(ex)
	if err != nil {
		t.Fatal(err)
	}
	loc1, _, err := st.Append(ex)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compact(dir, loc.File, func(r Record) bool { return r.Type != "request" })
	if err != nil || c.New == "" {
		t.Fatalf("compact: %+v %v", c, err)
	}
	if err := Finish(dir, c); err != nil {
		t.Fatal(err)
	}
	loc2, _, err := st.Append(ex) // rotates (file size 1), likely within the same second
	if err != nil {
		t.Fatal(err)
	}
	files, _ := Files(dir)
	if len(files) != 3 || files[0] != c.New || files[1] != loc1.File || files[2] != loc2.File {
		t.Errorf("files %v; want the rewrite %s, the second file %s, then the new file %s", files, c.New, loc1.File, loc2.File)
	}
}

// TestBegun: a file's name says when it was begun, rewrites included; other names say nothing.
func TestBegun(t *testing.T) {
	want := time.Date(2026, 12, 6, 22, 15, 0, 0, time.UTC)
	for _, name := range []string{"bantrack-20261206221500-0003.warc.gz", "bantrack-20261206221500-0003-r2.warc.gz"} {
		if got, ok := Begun(name); !ok || !got.Equal(want) {
			t.Errorf("Begun(%s) = %v, %v; want %v", name, got, ok, want)
		}
	}
	for _, name := range []string{"crawl.warc.gz", "bantrack-2026.warc.gz", "bantrack-2026120622150x-0001.warc.gz"} {
		if _, ok := Begun(name); ok {
			t.Errorf("Begun(%s) ok; want no time from a name of another form", name)
		}
	}
}
