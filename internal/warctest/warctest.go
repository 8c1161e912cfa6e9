package warctest

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	cbwarc "github.com/CorentinB/warc"
)

// Record is one record as the independent reader reads it.
type Record struct {
	Header map[string]string // the WARC header fields, by name as written
	Block  []byte            // the content block, whole
}

// Get returns a WARC header field ("WARC-Type", "WARC-Target-URI"...), "" when absent.
func (r Record) Get(name string) string { return r.Header[name] }

// Type is the record's WARC-Type.
func (r Record) Type() string { return r.Header["WARC-Type"] }

// URI is the record's WARC-Target-URI.
func (r Record) URI() string { return r.Header["WARC-Target-URI"] }

// Body is the body of an HTTP message block (a response or request record), nil when the block
// has no end of header.
func (r Record) Body() []byte {
	_, body, ok := bytes.Cut(r.Block, []byte("\r\n\r\n"))
	if !ok {
		return nil
	}
	return body
}

// Response parses a response record's HTTP header; its Body is the record's body, unread.
func (r Record) Response() (*http.Response, error) {
	return http.ReadResponse(bufio.NewReader(bytes.NewReader(r.Block)), nil)
}

// Status is the status code of a response record, 0 when its block is not an HTTP response.
func (r Record) Status() int {
	resp, err := r.Response()
	if err != nil {
		return 0
	}
	return resp.StatusCode
}

// Read reads every record of a WARC stream, in order; any error fails the test.
func Read(t testing.TB, name string, rd io.Reader) []Record {
	t.Helper()
	wr, err := cbwarc.NewReader(rd)
	if err != nil {
		t.Fatalf("independent WARC reader, %s: %v", name, err)
	}
	defer wr.Close()
	var out []Record
	for {
		rec, err := wr.ReadRecord()
		if err == io.EOF || rec == nil {
			break
		}
		if err != nil {
			t.Fatalf("independent WARC reader, %s, record %d: %v", name, len(out), err)
		}
		block, err := io.ReadAll(rec.Content)
		rec.Content.Close()
		if err != nil {
			t.Fatalf("independent WARC reader, %s, record %d: %v", name, len(out), err)
		}
		out = append(out, Record{Header: rec.Header, Block: block})
	}
	return out
}

// File reads every record of the WARC file at path.
func File(t testing.TB, path string) []Record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Read(t, filepath.Base(path), f)
}

// Bytes reads every record of a WARC file held in memory.
func Bytes(t testing.TB, name string, data []byte) []Record {
	t.Helper()
	return Read(t, name, bytes.NewReader(data))
}

// Dir reads every record of every .warc.gz file in dir, files in name order (the order an
// archive's files were written in); a dir without any fails the test.
func Dir(t testing.TB, dir string) []Record {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".warc.gz") {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		t.Fatalf("no WARC files in %s", dir)
	}
	sort.Strings(names)
	var out []Record
	for _, n := range names {
		out = append(out, File(t, filepath.Join(dir, n))...)
	}
	return out
}
