package archive

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"time"

	"github.com/nlnwa/gowarc/v3"
)

// Read returns the record at loc, decoded like Scan's records.
func Read(dir string, loc Location) (Record, error) {
	raw, err := Raw(dir, loc)
	if err != nil {
		return Record{}, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return Record{}, fmt.Errorf("archive: record at %s:%d: %w", loc.File, loc.Offset, err)
	}
	rec, _, _, err := newUnmarshaler().Unmarshal(bufio.NewReader(zr))
	if err != nil {
		return Record{}, fmt.Errorf("archive: record at %s:%d: %w", loc.File, loc.Offset, err)
	}
	defer rec.Close()
	out, err := convert(rec)
	if err != nil {
		return Record{}, fmt.Errorf("archive: record at %s:%d: %w", loc.File, loc.Offset, err)
	}
	out.Location = loc
	return out, nil
}

// Pack writes a self-contained WARC file (an evidence pack): a warcinfo record, then records
// copied unchanged from the archive and metadata records, each its own gzip member.
type Pack struct {
	w   io.Writer
	err error
}

// NewPack starts a pack on w with a warcinfo record naming the software and the time.
func NewPack(w io.Writer, software string, at time.Time) (*Pack, error) {
	p := &Pack{w: w}
	info := fmt.Sprintf("software: %s\r\nformat: WARC File Format 1.1\r\nconformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\ndescription: bantrack evidence pack\r\n", software)
	rec, err := buildRecord(fields{typ: gowarc.Warcinfo, at: at, contentType: "application/warc-fields",
		id: newRecordID("warcinfo", at, "warcinfo")}, []byte(info))
	if err != nil {
		return nil, err
	}
	return p, p.record(rec)
}

// Copy copies the record at loc from the archive in dir, byte for byte.
func (p *Pack) Copy(dir string, loc Location) error {
	raw, err := Raw(dir, loc)
	if err != nil {
		return err
	}
	if _, err := p.w.Write(raw); err != nil {
		return fmt.Errorf("archive: write pack: %w", err)
	}
	return nil
}

// Metadata adds a metadata record about targetURI; refersTo, when set, is the WARC-Record-ID
// of the record it describes.
func (p *Pack) Metadata(targetURI, contentType, refersTo string, data []byte, at time.Time) error {
	rec, err := metadataRecord(targetURI, contentType, refersTo, data, at)
	if err != nil {
		return err
	}
	return p.record(rec)
}

func (p *Pack) record(rec gowarc.WarcRecord) error {
	defer rec.Close()
	zw := gzip.NewWriter(p.w)
	if _, _, err := gowarc.NewMarshaler().Marshal(zw, rec, 0); err != nil {
		return fmt.Errorf("archive: write pack: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("archive: write pack: %w", err)
	}
	return nil
}
