package state

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestOutbox20000: 20,000 documents become due (a fifth with no date at all); a digest of half
// of them leaves exactly the other half due; the rest drain; nothing is lost or repeated.
func TestOutbox20000(t *testing.T) {
	st, err := OpenShared(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const n = 20000
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var all []string
	for batch := 0; batch < n; batch += 500 {
		docs := make([]Doc, 0, 500)
		for i := batch; i < batch+500; i++ {
			d := Doc{ID: fmt.Sprintf("doc%05d", i), URL: fmt.Sprintf("https://example.org/%d", i), Source: "s",
				Indexed: base.Add(time.Duration(i) * time.Second), Status: "ok", Due: i%7 != 0}
			if i%5 == 0 {
				d.Listed = time.Time{} // undated
			} else {
				d.Listed = base.AddDate(-3, 0, i%1000)
			}
			if d.Due {
				all = append(all, d.ID)
			}
			docs = append(docs, d)
		}
		if err := st.MarkSeen(docs...); err != nil {
			t.Fatal(err)
		}
	}
	due, _, err := st.Outbox()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(due, all) {
		t.Fatalf("outbox holds %d ids; want the %d due, oldest first", len(due), len(all))
	}
	half := due[:len(due)/2]
	if err := st.RecordDigest(Digest{MessageID: "<1@x>", Sent: base, Items: len(half)}, half); err != nil {
		t.Fatal(err)
	}
	left, _, err := st.Outbox()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(left, due[len(due)/2:]) {
		t.Fatalf("after a digest of %d, the outbox holds %d; want the other %d", len(half), len(left), len(due)-len(half))
	}
	for _, id := range half[:50] {
		if sent, err := st.Sent(id); err != nil || !sent {
			t.Fatalf("Sent(%s) = %v, %v; want true", id, sent, err)
		}
	}
	if err := st.Drain(left); err != nil {
		t.Fatal(err)
	}
	if left, _, _ = st.Outbox(); len(left) != 0 {
		t.Errorf("after draining, the outbox holds %d", len(left))
	}
}

// TestFillOutboxAndBaseline: an upgraded store fills its outbox once from the index's ids, leaving
// out what the ledger has; a baseline records everything as sent and empties the outbox.
func TestFillOutboxAndBaseline(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, complete, _ := st.Outbox(); complete {
		t.Fatal("a store that never filled its outbox says it is complete")
	}
	if err := st.RecordDigest(Digest{MessageID: "<0@x>", Sent: time.Now()}, []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if added, err := st.FillOutbox([]string{"a", "b", "c"}, time.Now()); err != nil || added != 2 {
		t.Fatalf("FillOutbox = %d, %v; want 2 (a was sent)", added, err)
	}
	ids, complete, err := st.Outbox()
	if err != nil || !complete || !slices.Equal(ids, []string{"b", "c"}) {
		t.Fatalf("Outbox = %v, %v, %v; want [b c], complete", ids, complete, err)
	}
	n, err := st.Baseline([]string{"a", "b", "c", "d"}, time.Now())
	if err != nil || n != 3 {
		t.Fatalf("Baseline = %d, %v; want 3 newly recorded", n, err)
	}
	if ids, _, _ := st.Outbox(); len(ids) != 0 {
		t.Errorf("after the baseline the outbox holds %v", ids)
	}
}
