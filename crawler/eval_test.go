package crawler

import (
	"compress/gzip"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bantrack/bantrack/config"
)

var (
	evalDir = flag.String("eval", "", "article-extraction-benchmark folder: run ParsePage over its pages")
	evalOut = flag.String("eval-out", filepath.Join(os.TempDir(), "extraction-predictions.json"), "where -eval writes its predictions")
)

// TestExtractionBenchmark writes ParsePage's main text for every page of the benchmark as
// {"<page id>": {"articleBody": "..."}}, for score-extraction.py. Skipped unless -eval is given:
//
//	go test ./crawler -run TestExtractionBenchmark -eval ../shared/eval/article-extraction-benchmark -eval-out /tmp/pred.json
//	python3 ../shared/eval/score-extraction.py /tmp/pred.json
func TestExtractionBenchmark(t *testing.T) {
	if *evalDir == "" {
		t.Skip("no -eval folder given")
	}
	truthData, err := os.ReadFile(filepath.Join(*evalDir, "ground-truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var truth map[string]struct {
		URL string `json:"url"`
	}
	if err := json.Unmarshal(truthData, &truth); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(*evalDir, "html", "*.html.gz"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no pages in %s/html: %v", *evalDir, err)
	}
	type body struct {
		ArticleBody string `json:"articleBody"`
	}
	pred := map[string]body{}
	var total time.Duration
	for _, f := range files {
		id := strings.TrimSuffix(filepath.Base(f), ".html.gz")
		raw, err := readGzip(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		start := time.Now()
		p, err := ParsePage(raw, truth[id].URL, config.ArticleRules{}, time.UTC)
		total += time.Since(start)
		if err != nil {
			t.Errorf("ParsePage(%s): %v", id, err)
		}
		pred[id] = body{p.Text}
	}
	out, err := json.Marshal(pred)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(*evalOut, out, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d pages, %.1f ms per page, predictions in %s", len(files), float64(total.Milliseconds())/float64(len(files)), *evalOut)
}

func readGzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}
