package state

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestValidatorsRoundTrip(t *testing.T) {
	s := openTemp(t)
	if e, l, err := s.Validators("http://a/"); err != nil || e != "" || l != "" {
		t.Fatalf("empty store: %q %q %v", e, l, err)
	}
	if err := s.SetValidators("http://a/", `"x1"`, "Sat, 01 Nov 2026 06:00:00 GMT"); err != nil {
		t.Fatal(err)
	}
	e, l, err := s.Validators("http://a/")
	if err != nil || e != `"x1"` || l != "Sat, 01 Nov 2026 06:00:00 GMT" {
		t.Errorf("Validators = %q %q %v", e, l, err)
	}
	if err := s.SetValidators("http://a/", "", ""); err != nil {
		t.Fatal(err)
	}
	if e, _, _ := s.Validators("http://a/"); e != "" {
		t.Errorf("cleared validators still %q", e)
	}
}

func TestSeenAndHealth(t *testing.T) {
	s := openTemp(t)
	listed := time.Date(2026, 9, 18, 0, 0, 0, 0, time.UTC)
	if err := s.MarkSeen(Doc{ID: "a", URL: "http://x/a", Source: "src", Listed: listed, Indexed: time.Now(), Status: "ok"}, Doc{ID: "b"}); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Seen("a")
	if err != nil || !ok || !got.Equal(listed) {
		t.Errorf("Seen(a) = %v %v %v; want %v true", got, ok, err, listed)
	}
	if _, ok, _ := s.Seen("zzz"); ok {
		t.Errorf("Seen(zzz) = true")
	}
	var ids []string
	if err := s.SeenDocs(func(d Doc) error { ids = append(ids, d.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(ids, ",") != "a,b" {
		t.Errorf("SeenDocs ids = %v", ids)
	}
	if err := s.ForgetSeen("a"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Seen("a"); ok {
		t.Errorf("forgotten doc still seen")
	}

	h, err := s.Health("src")
	if err != nil || h.Source != "src" || !h.LastSuccess.IsZero() {
		t.Fatalf("fresh health = %+v %v", h, err)
	}
	h.ItemsLast, h.LastError = 7, "boom"
	if err := s.SetHealth(h); err != nil {
		t.Fatal(err)
	}
	if h2, _ := s.Health("src"); h2.ItemsLast != 7 || h2.LastError != "boom" {
		t.Errorf("health = %+v", h2)
	}
}

func TestLedger(t *testing.T) {
	s := openTemp(t)
	if _, ok, err := s.LastDigest(); ok || err != nil {
		t.Fatalf("LastDigest on empty = %v %v", ok, err)
	}
	t1 := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	if err := s.RecordDigest(Digest{MessageID: "<1@x>", Sent: t1, Items: 2}, []string{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordDigest(Digest{MessageID: "<2@x>", Sent: t1.Add(24 * time.Hour), Items: 1}, []string{"c"}); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{"a": true, "c": true, "d": false} {
		if got, err := s.Sent(id); err != nil || got != want {
			t.Errorf("Sent(%s) = %v %v; want %v", id, got, err, want)
		}
	}
	d, ok, err := s.LastDigest()
	if err != nil || !ok || d.MessageID != "<2@x>" {
		t.Errorf("LastDigest = %+v %v %v", d, ok, err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keySchema, []byte(strconv.Itoa(SchemaVersion+1)))
	})
	s.Close()
	if _, err := Open(path); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Open newer store: err = %v; want ErrNewerSchema", err)
	}
}

func TestLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	l, err := Acquire(path)
	if err != nil {
		t.Fatal(err)
	}
	// flock is per open file, so a second Acquire in this process conflicts like another process would.
	_, err = Acquire(path)
	var le *LockedError
	if !errors.As(err, &le) || le.PID != os.Getpid() {
		t.Fatalf("second Acquire = %v; want LockedError naming pid %d", err, os.Getpid())
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := Acquire(path)
	if err != nil {
		t.Fatalf("Acquire after release: %v", err)
	}
	l2.Release()
}

func TestLockTakenOverFromDeadProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	// A child holds the lock through an inherited descriptor, then is killed.
	cmd := exec.Command("sh", "-c", "exec 9>>"+path+"; flock -x 9; echo 999999 >&9; exec sleep 30")
	if _, err := exec.LookPath("flock"); err != nil {
		t.Skip("flock(1) not installed")
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if b, _ := os.ReadFile(path); strings.TrimSpace(string(b)) == "999999" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("child never took the lock")
		}
		time.Sleep(20 * time.Millisecond)
	}
	_, err := Acquire(path)
	var le *LockedError
	if !errors.As(err, &le) || le.PID != 999999 {
		t.Fatalf("Acquire while the child holds the lock = %v; want LockedError naming pid 999999", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	l, err := Acquire(path)
	if err != nil {
		t.Fatalf("lock of a killed process not taken over: %v", err)
	}
	defer l.Release()
	b, _ := os.ReadFile(path)
	if strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Errorf("lock file names %q; want our pid", b)
	}
}

func TestMigrateFromUnversionedStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	// A store from before schema versions: a seen bucket with one document, nothing else.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket(bucketSeen)
		if err != nil {
			return err
		}
		return b.Put([]byte("old"), []byte(`{"id":"old","url":"http://x/old"}`))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open unversioned store: %v", err)
	}
	defer s.Close()
	if v, err := s.Schema(); err != nil || v != SchemaVersion {
		t.Errorf("Schema() = %d, %v; want %d", v, err, SchemaVersion)
	}
	if d, ok, err := s.Doc("old"); err != nil || !ok || d.URL != "http://x/old" {
		t.Errorf("Doc(old) after migration = %+v %v %v; want the old document kept", d, ok, err)
	}
	if err := s.SetHealth(Health{Source: "a", ItemsLast: 3}); err != nil {
		t.Errorf("SetHealth after migration: %v", err)
	}
	if err := s.RecordDigest(Digest{MessageID: "<m>", Sent: time.Now()}, []string{"old"}); err != nil {
		t.Errorf("RecordDigest after migration: %v", err)
	}
}

func TestOpenReadOnly(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.db")
	if _, err := OpenReadOnly(path, 100*time.Millisecond); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("OpenReadOnly(missing) = %v; want os.ErrNotExist", err)
	}
	w, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.SetHealth(Health{Source: "a", ItemsLast: 4}); err != nil {
		t.Fatal(err)
	}
	// While the writer has it open, a reader gives up after its timeout. bbolt's flock is per
	// open file description, so this works within one process too.
	start := time.Now()
	if _, err := OpenReadOnly(path, 150*time.Millisecond); !errors.Is(err, ErrBusy) {
		t.Fatalf("OpenReadOnly while a writer has it = %v; want ErrBusy", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("OpenReadOnly waited %v; want about its timeout", took)
	}
	w.Close()
	r, err := OpenReadOnly(path, time.Second)
	if err != nil {
		t.Fatalf("OpenReadOnly after the writer closed: %v", err)
	}
	defer r.Close()
	hs, err := r.Healths()
	if err != nil || len(hs) != 1 || hs[0].Source != "a" || hs[0].ItemsLast != 4 {
		t.Errorf("Healths() = %+v, %v; want one record for a with 4 items", hs, err)
	}
	// A second reader may share the file.
	r2, err := OpenReadOnly(path, 100*time.Millisecond)
	if err != nil {
		t.Fatalf("second reader: %v", err)
	}
	r2.Close()
}

func TestWriteFileReplacesWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "status.json")
	for _, content := range []string{"first", "second, longer than the first"} {
		if err := WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != content {
			t.Errorf("after WriteFile: %q, %v; want %q", got, err, content)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d files; want only status.json (no temporaries left)", len(entries))
	}
	// A folder that is not there: an error naming the path, nothing written.
	bad := filepath.Join(dir, "status.json", "x")
	err := WriteFile(bad, []byte("x"), 0o644)
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("WriteFile under a regular file = %v; want an error naming %s", err, bad)
	}
}

func TestHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	if pid, alive := Holder(path); pid != 0 || alive {
		t.Errorf("Holder(missing) = %d %v; want 0 false", pid, alive)
	}
	l, err := Acquire(path)
	if err != nil {
		t.Fatal(err)
	}
	if pid, alive := Holder(path); pid != os.Getpid() || !alive {
		t.Errorf("Holder while held = %d %v; want %d true", pid, alive, os.Getpid())
	}
	l.Release()
	if pid, _ := Holder(path); pid != 0 {
		t.Errorf("Holder after release = %d; want 0", pid)
	}
	// A pid no process has.
	os.WriteFile(path, []byte("999999999\n"), 0o644)
	if pid, alive := Holder(path); pid != 999999999 || alive {
		t.Errorf("Holder(dead pid) = %d %v; want 999999999 false", pid, alive)
	}
}

func TestUpdateIsOneTransaction(t *testing.T) {
	s := openTemp(t)
	if err := s.Put("keep", 1); err != nil {
		t.Fatal(err)
	}
	err := s.Update(func(put func(string, any) error, del func(string) error) error {
		if err := put("a", "x"); err != nil {
			return err
		}
		if err := del("keep"); err != nil {
			return err
		}
		return errors.New("changed my mind")
	})
	if err == nil {
		t.Fatal("Update returned nil for a failing fn")
	}
	var v any
	if ok, _ := s.Get("a", &v); ok {
		t.Errorf("a failed Update wrote a")
	}
	if ok, _ := s.Get("keep", &v); !ok {
		t.Errorf("a failed Update deleted keep")
	}
	if err := s.Update(func(put func(string, any) error, del func(string) error) error {
		return errors.Join(put("a", "x"), put("b", 2), del("keep"))
	}); err != nil {
		t.Fatal(err)
	}
	var a string
	var b int
	okA, _ := s.Get("a", &a)
	okB, _ := s.Get("b", &b)
	okKeep, _ := s.Get("keep", &v)
	if !okA || a != "x" || !okB || b != 2 || okKeep {
		t.Errorf("after Update: a=%q(%v) b=%d(%v) keep present=%v; want a=x b=2, keep gone", a, okA, b, okB, okKeep)
	}
}
