package extract

import (
	"path/filepath"
	"testing"
)

// TestHeldOut measures extraction on testdata/extract/heldout, articles written and labelled
// after the rules were tuned and never used to tune them. It is a measurement, not a gate: low
// scores do not fail it, but a set smaller than 16 articles or a label file that does not parse
// does. Run with -v to see the table and every miss.
func TestHeldOut(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "extract", "heldout", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 16 {
		t.Fatalf("%d held-out articles; want at least 16", len(files))
	}
	scoreLabelled(t, files).log(t, "held-out: ")
}
