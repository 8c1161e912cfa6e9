package pipeline

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bantrack/bantrack/archive"
	"github.com/bantrack/bantrack/state"
)

// TestRecoverArchive settles a compaction cut short between its rewrite and the removal of the
// original: the file the state points at stays, the other goes.
func TestRecoverArchive(t *testing.T) {
	for _, pointsAtRewrite := range []bool{false, true} {
		dir := t.TempDir()
		adir := filepath.Join(dir, "archive")
		st, err := state.Open(filepath.Join(dir, "state.db"))
		if err != nil {
			t.Fatal(err)
		}
		ar, err := archive.Open(adir, 0)
		if err != nil {
			t.Fatal(err)
		}
		w, err := ar.AppendAll([]archive.Exchange{
			{URL: "http://example.org/a", Status: 200, Body: []byte("kept")},
			{URL: "http://example.org/b", Status: 200, Body: []byte("dropped")},
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ar.Close()
		c, err := archive.Compact(adir, w.Responses[0].File, func(r archive.Record) bool {
			return r.Type != "response" || r.TargetURI == "http://example.org/a"
		})
		if err != nil || c.New == "" {
			t.Fatalf("compact: %+v, %v", c, err)
		}
		loc := w.Responses[0]
		if pointsAtRewrite {
			loc = c.Moved[loc.Offset]
		}
		v := state.Version{Fetched: time.Now(), SHA256: "x", Response: stateLoc(loc)}
		if err := st.MarkSeen(state.Doc{ID: "a", URL: "http://example.org/a", Versions: []state.Version{v}}); err != nil {
			t.Fatal(err)
		}
		if err := recoverArchive(adir, st); err != nil {
			t.Fatal(err)
		}
		st.Close()
		keep, gone := c.Old, c.New
		if pointsAtRewrite {
			keep, gone = c.New, c.Old
		}
		if _, err := os.Stat(filepath.Join(adir, keep)); err != nil {
			t.Errorf("state points at %s, recovery removed it", keep)
		}
		if _, err := os.Stat(filepath.Join(adir, gone)); !os.IsNotExist(err) {
			t.Errorf("recovery left %s beside %s", gone, keep)
		}
		body, err := archive.Body(adir, ArchiveLoc(v.Response))
		if err != nil || string(body) != "kept" {
			t.Errorf("the state's location reads %q, %v; want the kept page", body, err)
		}
	}
}
