package article

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestNewIDStable(t *testing.T) {
	a, b := NewID("https://example.org/a"), NewID("https://example.org/a")
	if a != b || len(a) != 16 {
		t.Fatalf("NewID = %q, %q; want equal 16-digit ids", a, b)
	}
	if NewID("https://example.org/b") == a {
		t.Fatalf("NewID gives the same id for different URLs")
	}
}

func TestMarshalExportRecord(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	a := Article{ID: "x", URL: "https://example.org/a", Source: "s", Lang: "zh", Title: "t",
		Published: time.Date(2023, 5, 21, 10, 30, 0, 0, loc), Text: "body"}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{`"vendors":[]`, `"dates":[]`, `"ban":{"related":false,"score":0,"actions":[],"targets":[],"evidence":[]}`,
		`"published":"2023-05-21T10:30:00+08:00"`, `"status":"ok"`, `"doc_numbers":[]`} {
		if !strings.Contains(got, want) {
			t.Errorf("export record %s lacks %s", got, want)
		}
	}
	if strings.Contains(got, `"fetched"`) {
		t.Errorf("zero fetched time should be omitted: %s", got)
	}
	var back Article
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !back.Published.Equal(a.Published) || back.Title != "t" {
		t.Errorf("round trip = %+v", back)
	}
}

func TestAddURLs(t *testing.T) {
	a := Article{URL: "https://x/a", AltURLs: []string{"https://x/b"}}
	a.AddURLs("https://x/a", "https://x/b", "", "https://x/c", "https://x/c", "https://x/d")
	got := strings.Join(a.AltURLs, " ")
	if want := "https://x/b https://x/c https://x/d"; got != want {
		t.Errorf("AltURLs = %q; want %q", got, want)
	}
}
