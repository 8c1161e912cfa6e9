package archive

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/nlnwa/gowarc/v3"
)

// Record is one record as Scan reads it.
type Record struct {
	Type        string // response, request, metadata, warcinfo
	ID          string // WARC-Record-ID
	RefersTo    string // WARC-Refers-To
	Concurrent  string // WARC-Concurrent-To (a request names its response)
	ContentType string // the record's Content-Type
	TargetURI   string
	Date        time.Time
	Status      int         // response records
	Header      http.Header // the HTTP header of a response or request record
	Body        []byte      // a response's payload (the raw body) or a metadata record's block
	Location    Location
}

// Scan calls fn for every record of every file in dir, oldest file first, in file order: what
// `reindex` reads to rebuild the index with no network. A file whose tail is broken (a write cut
// short by a kill -9, never reported written) is read up to its last whole record.
func Scan(dir string, fn func(Record) error) error {
	names, err := Files(dir)
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := scanFile(dir, name, fn); err != nil {
			return err
		}
	}
	return nil
}

// ScanFile is Scan for one file of the folder.
func ScanFile(dir, name string, fn func(Record) error) error { return scanFile(dir, name, fn) }

func scanFile(dir, name string, fn func(Record) error) error {
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	defer f.Close()
	r, err := newFileReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return fmt.Errorf("archive: read %s: %w", name, err)
	}
	defer r.Close()
	for {
		rec, err := r.Next()
		if err != nil {
			return nil // io.EOF, or a broken tail that nothing points at
		}
		out, cerr := convert(rec.WarcRecord)
		out.Location = Location{File: name, Offset: rec.Offset, Length: rec.Size}
		rec.Close()
		if cerr != nil {
			return nil
		}
		if err := fn(out); err != nil {
			return err
		}
	}
}

func convert(wr gowarc.WarcRecord) (Record, error) {
	h := wr.WarcHeader()
	out := Record{Type: wr.Type().String(), TargetURI: h.Get(gowarc.WarcTargetURI), ID: h.Get(gowarc.WarcRecordID),
		RefersTo: h.Get(gowarc.WarcRefersTo), Concurrent: h.Get(gowarc.WarcConcurrentTo), ContentType: h.Get(gowarc.ContentType)}
	out.Date, _ = h.GetTime(gowarc.WarcDate)
	var body io.Reader
	switch blk := wr.Block().(type) {
	case gowarc.HttpResponseBlock:
		out.Status = blk.HttpStatusCode()
		if hh := blk.HttpHeader(); hh != nil {
			out.Header = *hh
		}
		p, err := blk.PayloadBytes()
		if err != nil {
			return out, fmt.Errorf("archive: payload: %w", err)
		}
		body = p
	case gowarc.HttpRequestBlock:
		if hh := blk.HttpHeader(); hh != nil {
			out.Header = *hh
		}
		return out, nil
	default:
		p, err := wr.Block().RawBytes()
		if err != nil {
			return out, fmt.Errorf("archive: block: %w", err)
		}
		body = p
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return out, fmt.Errorf("archive: body: %w", err)
	}
	out.Body = b
	return out, nil
}
