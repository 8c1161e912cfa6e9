package archive

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A write cut short (a kill -9 in the middle of a record) leaves a broken tail; Scan returns
// every whole record before it, in order, with the locations Append reported.
func TestScanStopsAtBrokenTail(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	l1, _, err := s.Append(Exchange{URL: "http://127.0.0.1/1", Status: 200, Body: []byte("one\xff")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AppendMetadata("http://127.0.0.1/1", "application/json", []byte(`{"id":"1"}`), time.Now()); err != nil {
		t.Fatal(err)
	}
	l2, _, err := s.Append(Exchange{URL: "http://127.0.0.1/2", Status: 200, Body: []byte("two")})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.Truncate(filepath.Join(dir, l2.File), l2.Offset+l2.Length/2); err != nil {
		t.Fatal(err)
	}
	var types []string
	var first Record
	if err := Scan(dir, func(r Record) error {
		types = append(types, r.Type)
		if r.Type == "response" {
			first = r
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(types) != 3 || types[0] != "response" || types[1] != "request" || types[2] != "metadata" {
		t.Fatalf("records %v: want response, request, metadata before the broken tail", types)
	}
	if string(first.Body) != "one\xff" || first.Location != l1 || first.TargetURI != "http://127.0.0.1/1" || first.Status != 200 {
		t.Fatalf("first response %+v, want the body and location %+v", first, l1)
	}
}
