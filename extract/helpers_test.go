package extract

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// labelled is one article of testdata/extract with its expected entities.
type labelled struct {
	file      string
	title     string
	published time.Time
	lang      string
	text      string
	fields    map[string][]string // vendors, agencies, countries, dates ("2026-01|month"), targets, actions
	ban       bool
	hasBan    bool
}

// readLabelled parses a file of header lines "key: value" (lists separated by ";"), a line "---",
// and the article text.
func readLabelled(t testing.TB, path string) labelled {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	l := labelled{file: filepath.Base(path), fields: map[string][]string{}}
	head, body, ok := strings.Cut(string(data), "\n---\n")
	if !ok {
		t.Fatalf("%s: no --- line between header and text", path)
	}
	l.text = body
	sc := bufio.NewScanner(strings.NewReader(head))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("%s:%d: want key: value, got %q", path, n, line)
		}
		v = strings.TrimSpace(v)
		switch k {
		case "title":
			l.title = v
		case "lang":
			l.lang = v
		case "published":
			p, err := time.Parse(time.RFC3339, v)
			if err != nil {
				t.Fatalf("%s:%d: published: %v", path, n, err)
			}
			l.published = p
		case "ban":
			l.hasBan = true
			l.ban = v == "true"
		case "vendors", "agencies", "countries", "dates", "targets", "actions", "doc_numbers":
			var items []string
			for _, it := range strings.Split(v, ";") {
				if it = strings.TrimSpace(it); it != "" {
					items = append(items, it)
				}
			}
			l.fields[k] = items
		default:
			t.Fatalf("%s:%d: unknown key %q", path, n, k)
		}
	}
	return l
}

func labelledFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "testdata", "extract", "articles", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}
