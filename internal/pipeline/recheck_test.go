package pipeline

import (
	"fmt"
	"testing"
	"time"

	"github.com/bantrack/bantrack/state"
)

// TestRecheckSpread: a thousand pages indexed in the same second come due for their re-check
// spread over [every/2, 3·every/2), not all at once.
func TestRecheckSpread(t *testing.T) {
	every := 24 * time.Hour
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var docs []state.Doc
	for i := range 1000 {
		docs = append(docs, state.Doc{ID: fmt.Sprintf("%016x", i*7919), Checked: t0})
	}
	count := func(at time.Time) int {
		n := 0
		for _, d := range docs {
			if recheckDue(d, every, at) {
				n++
			}
		}
		return n
	}
	if n := count(t0.Add(every/2 - time.Second)); n != 0 {
		t.Errorf("%d due before every/2", n)
	}
	if n := count(t0.Add(3 * every / 2)); n != len(docs) {
		t.Errorf("%d of %d due at 3·every/2; want all", n, len(docs))
	}
	// each quarter of the span holds about a quarter of the pages
	prev := 0
	for q := 1; q <= 4; q++ {
		n := count(t0.Add(every/2 + time.Duration(q)*every/4))
		if got := n - prev; got < 180 || got > 320 {
			t.Errorf("quarter %d of the span: %d pages come due; want about 250", q, got)
		}
		prev = n
	}
}
