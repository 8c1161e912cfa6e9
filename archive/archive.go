package archive

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	gzip "github.com/klauspost/compress/gzip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nlnwa/gowarc/v3"
)

// gzipPool keeps gzip writers between records: a new one allocates its compressor's window each
// time, which cost more than compressing a page.
var gzipPool = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(io.Discard, gzipLevel)
	return zw
}}

// gzipLevel trades a little size for speed: pages are compressed once, on the crawl's path.
const gzipLevel = gzip.BestSpeed

// DefaultFileSize is the size at which a WARC file is closed and the next one begun.
const DefaultFileSize = 256 << 20

// Exchange is one HTTP request bantrack made and the response it read.
type Exchange struct {
	URL            string
	Method         string // GET when empty
	RequestHeader  http.Header
	Status         int
	Proto          string // HTTP/1.1 when empty
	ResponseHeader http.Header
	Body           []byte // as received, before any charset decoding
	Fetched        time.Time
	Truncated      string // WARC-Truncated of the response ("length", "disconnect"), "" when whole
}

// Location is where a record lies: its file (a name inside the archive folder), the offset of
// its gzip member and the member's length.
type Location struct {
	File   string `json:"file"`
	Offset int64  `json:"offset"`
	Length int64  `json:"length"`
}

// Store appends records to the WARC files of one folder. It is safe for concurrent use.
type Store struct {
	dir     string
	maxFile int64

	mu   sync.Mutex
	f    *os.File
	name string
	size int64
}

// Open opens the archive in dir, creating the folder. maxFile <= 0 means DefaultFileSize.
func Open(dir string, maxFile int64) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	if maxFile <= 0 {
		maxFile = DefaultFileSize
	}
	return &Store{dir: dir, maxFile: maxFile}, nil
}

// SetFileSize sets the size at which files are rotated (<= 0: DefaultFileSize).
func (s *Store) SetFileSize(n int64) {
	if n <= 0 {
		n = DefaultFileSize
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxFile = n
}

// Current is the name of the file being appended to, "" when none is open. Retention leaves it.
func (s *Store) Current() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.name
}

// Dir is the archive's folder.
func (s *Store) Dir() string { return s.dir }

// Append writes the exchange as a request and a response record, syncs them to disk and returns
// the response record's location and the SHA-256 of the body (hex).
func (s *Store) Append(ex Exchange) (Location, string, error) {
	w, err := s.AppendAll([]Exchange{ex}, nil)
	if err != nil {
		return Location{}, "", err
	}
	return w.Responses[0], w.Digests[0], nil
}

// Meta is a metadata record written by AppendAll: what bantrack derived from a response.
type Meta struct {
	TargetURI   string
	ContentType string
	Data        []byte
	At          time.Time
	// RefersTo is the index, in the same AppendAll call, of the exchange whose response this
	// record describes (its WARC-Refers-To); -1 when none.
	RefersTo int
}

// Written is where AppendAll put its records, in the order given.
type Written struct {
	Responses []Location // each exchange's response record
	Digests   []string   // the hex SHA-256 of each exchange's body
	Metas     []Location // each metadata record
}

// AppendAll writes every exchange (a response and a request record each) and every metadata
// record, each its own gzip member, with one sync at the end: a crawl's batch costs one durable
// write. Nothing it returns may be recorded elsewhere before it returns without error.
func (s *Store) AppendAll(exs []Exchange, metas []Meta) (Written, error) {
	var recs []gowarc.WarcRecord
	w := Written{Digests: make([]string, len(exs))}
	respIDs := make([]string, len(exs))
	for i, ex := range exs {
		resp, req, digest, id, err := exchangeRecords(ex)
		if err != nil {
			closeAll(recs)
			return Written{}, err
		}
		recs = append(recs, resp, req)
		w.Digests[i], respIDs[i] = digest, id
	}
	for _, m := range metas {
		if m.At.IsZero() {
			m.At = time.Now()
		}
		refers := ""
		if m.RefersTo >= 0 && m.RefersTo < len(respIDs) {
			refers = respIDs[m.RefersTo]
		}
		rec, err := metadataRecord(m.TargetURI, m.ContentType, refers, m.Data, m.At)
		if err != nil {
			closeAll(recs)
			return Written{}, err
		}
		recs = append(recs, rec)
	}
	if len(recs) == 0 {
		return w, nil
	}
	locs, err := s.write(recs...)
	if err != nil {
		return Written{}, err
	}
	for i := range exs {
		w.Responses = append(w.Responses, locs[2*i])
	}
	w.Metas = locs[2*len(exs):]
	return w, nil
}

func closeAll(recs []gowarc.WarcRecord) {
	for _, r := range recs {
		r.Close()
	}
}

// exchangeRecords builds an exchange's response and request records, and returns the body's
// SHA-256 and the response record's id.
func exchangeRecords(ex Exchange) (resp, req gowarc.WarcRecord, digest, respID string, err error) {
	if ex.Method == "" {
		ex.Method = http.MethodGet
	}
	if ex.Proto == "" {
		ex.Proto = "HTTP/1.1"
	}
	if ex.Fetched.IsZero() {
		ex.Fetched = time.Now()
	}
	sum := sha256.Sum256(ex.Body)
	digest = hex.EncodeToString(sum[:])

	respID = newRecordID(ex.URL, ex.Fetched, "response")
	var head bytes.Buffer
	fmt.Fprintf(&head, "%s %d %s\r\n", ex.Proto, ex.Status, http.StatusText(ex.Status))
	writeHeader(&head, ex.ResponseHeader)
	f := fields{typ: gowarc.Response, uri: ex.URL, at: ex.Fetched, contentType: "application/http;msgtype=response",
		id: respID, payload: &sum}
	f.truncated = ex.Truncated
	resp, err = buildRecord(f, head.Bytes(), ex.Body)
	if err != nil {
		return nil, nil, "", "", err
	}
	var reqHead bytes.Buffer
	path, host := requestTarget(ex.URL)
	fmt.Fprintf(&reqHead, "%s %s HTTP/1.1\r\nHost: %s\r\n", ex.Method, path, host)
	writeHeader(&reqHead, ex.RequestHeader)
	empty := sha256.Sum256(nil) // a GET carries no body
	req, err = buildRecord(fields{typ: gowarc.Request, uri: ex.URL, at: ex.Fetched, contentType: "application/http;msgtype=request",
		id: newRecordID(ex.URL, ex.Fetched, "request"), concurrentTo: respID, payload: &empty}, reqHead.Bytes())
	if err != nil {
		resp.Close()
		return nil, nil, "", "", err
	}
	return resp, req, digest, respID, nil
}

// AppendMetadata writes a metadata record about targetURI (bantrack's export record of a document,
// say) and returns its location.
func (s *Store) AppendMetadata(targetURI, contentType string, data []byte, at time.Time) (Location, error) {
	rec, err := metadataRecord(targetURI, contentType, "", data, at)
	if err != nil {
		return Location{}, err
	}
	locs, err := s.write(rec)
	if err != nil {
		return Location{}, err
	}
	return locs[0], nil
}

// fields are the WARC header fields of a record bantrack builds.
type fields struct {
	typ                                     gowarc.RecordType
	uri                                     string
	at                                      time.Time
	contentType, id, concurrentTo, refersTo string
	truncated                               string             // WARC-Truncated: why the block is cut short
	payload                                 *[sha256.Size]byte // an HTTP block's body's SHA-256; nil for other blocks
}

// metadataRecord builds a metadata record about uri; refersTo, when set, is the id of the
// record it describes.
func metadataRecord(uri, contentType, refersTo string, data []byte, at time.Time) (gowarc.WarcRecord, error) {
	return buildRecord(fields{typ: gowarc.Metadata, uri: uri, at: at, contentType: contentType,
		id: newRecordID(uri, at, "metadata"), refersTo: refersTo}, data)
}

// buildRecord builds one record whose block is the parts, in order. (They are written, not read
// from a reader: the builder's ReadFrom allocates a 32 KiB buffer per record.)
//
// The record's length and digests are computed here and given to gowarc, which is told not to
// validate what it builds: its validation parses the target URI with a WHATWG URL parser and
// re-reads the block for digests it could not take from the headers, a quarter of the archive's
// cost on a crawl, to check fields bantrack has just made itself. TestRecordsValidate reads every
// kind of record back with gowarc's strict validation and checks the digests independently.
func buildRecord(f fields, parts ...[]byte) (gowarc.WarcRecord, error) {
	b := newRecordBuilder(f.typ, gowarc.WithVersion(gowarc.V1_1), gowarc.WithSpecViolationPolicy(gowarc.ErrIgnore),
		gowarc.WithSkipParseBlock())
	b.AddWarcHeader(gowarc.WarcRecordID, f.id)
	if f.uri != "" {
		b.AddWarcHeader(gowarc.WarcTargetURI, f.uri)
	}
	b.AddWarcHeaderTime(gowarc.WarcDate, f.at.UTC())
	b.AddWarcHeader(gowarc.ContentType, f.contentType)
	if f.concurrentTo != "" {
		b.AddWarcHeader(gowarc.WarcConcurrentTo, f.concurrentTo)
	}
	if f.refersTo != "" {
		b.AddWarcHeader(gowarc.WarcRefersTo, f.refersTo)
	}
	if f.truncated != "" {
		b.AddWarcHeader(gowarc.WarcTruncated, f.truncated)
	}
	h := sha256.New()
	var size int64
	for _, part := range parts {
		h.Write(part)
		size += int64(len(part))
	}
	b.AddWarcHeaderInt64(gowarc.ContentLength, size)
	b.AddWarcHeader(gowarc.WarcBlockDigest, warcDigest(h.Sum(nil)))
	if f.payload != nil {
		b.AddWarcHeader(gowarc.WarcPayloadDigest, warcDigest(f.payload[:]))
	}
	for _, part := range parts {
		if _, err := b.Write(part); err != nil {
			b.Close()
			return nil, fmt.Errorf("archive: record for %s: %w", f.uri, err)
		}
	}
	rec, _, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("archive: record for %s: %w", f.uri, err)
	}
	return rec, nil
}

// warcDigest writes a SHA-256 as WARC digest fields hold it: the algorithm, a colon and the
// value in lowercase hex (what gowarc writes for sha256 by default).
func warcDigest(sum []byte) string { return "sha256:" + hex.EncodeToString(sum) }

// write appends each record as its own gzip member to the current file, rotating first when it
// is full, and syncs the file before returning the records' locations.
func (s *Store) write(recs ...gowarc.WarcRecord) ([]Location, error) {
	var members [][]byte
	zw := gzipPool.Get().(*gzip.Writer)
	defer gzipPool.Put(zw)
	cw := &copyWriter{w: zw}
	for _, rec := range recs {
		var buf bytes.Buffer
		zw.Reset(&buf)
		if _, _, err := gowarc.NewMarshaler().Marshal(cw, rec, 0); err != nil {
			return nil, fmt.Errorf("archive: marshal record: %w", err)
		}
		rec.Close()
		if err := zw.Close(); err != nil {
			return nil, fmt.Errorf("archive: compress record: %w", err)
		}
		members = append(members, buf.Bytes())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil || s.size >= s.maxFile {
		if err := s.rotate(); err != nil {
			return nil, err
		}
	}
	locs := make([]Location, len(members))
	for i, m := range members {
		if _, err := s.f.Write(m); err != nil {
			return nil, fmt.Errorf("archive: write %s: %w", s.name, err)
		}
		locs[i] = Location{File: s.name, Offset: s.size, Length: int64(len(m))}
		s.size += int64(len(m))
	}
	if err := s.f.Sync(); err != nil {
		return nil, fmt.Errorf("archive: sync %s: %w", s.name, err)
	}
	return locs, nil
}

// copyWriter hands the marshaller one copy buffer for all the records of a write. The marshaller
// copies each block with io.Copy, which allocates 32 KiB per record when the writer (here the
// gzip writer) cannot read from a reader itself: that was most of the memory the archive took.
type copyWriter struct {
	w   io.Writer
	buf []byte
}

func (c *copyWriter) Write(p []byte) (int, error) { return c.w.Write(p) }

func (c *copyWriter) ReadFrom(r io.Reader) (int64, error) {
	if c.buf == nil {
		c.buf = make([]byte, 32<<10)
	}
	return io.CopyBuffer(struct{ io.Writer }{c.w}, r, c.buf)
}

// rotate closes the current file and opens a new one, named by time and a serial so that names
// sort in the order written.
func (s *Store) rotate() error {
	if s.f != nil {
		if err := s.f.Close(); err != nil {
			return fmt.Errorf("archive: close %s: %w", s.name, err)
		}
		s.f = nil
	}
	// The new name must sort after every file there, rewrites of compacted files included (a
	// rewrite takes the name of the file it replaced, which may be this second's first name).
	last := ""
	if names, err := Files(s.dir); err == nil && len(names) > 0 {
		last = canonical(names[len(names)-1])
	}
	for serial := 0; ; serial++ {
		name := fmt.Sprintf("bantrack-%s-%04d.warc.gz", time.Now().UTC().Format("20060102150405"), serial)
		if name <= last {
			continue
		}
		f, err := os.OpenFile(filepath.Join(s.dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("archive: %w", err)
		}
		if d, err := os.Open(s.dir); err == nil { // the new name itself must survive a crash
			d.Sync()
			d.Close()
		}
		s.f, s.name, s.size = f, name, 0
		return nil
	}
}

// Close closes the current file.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	return err
}

// Size is the bytes the archive's files take.
func Size(dir string) (int64, error) {
	files, err := Files(dir)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, f := range files {
		if st, err := os.Stat(filepath.Join(dir, f)); err == nil {
			n += st.Size()
		}
	}
	return n, nil
}

// Files lists the archive's WARC files, oldest first.
func Files(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".warc.gz") {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// Begun is when the file name was begun, to the second, from its name
// (bantrack-YYYYMMDDhhmmss-NNNN.warc.gz, or a rewrite of it); false for a name of another form.
// Every record of a file was written at or after that time.
func Begun(name string) (time.Time, bool) {
	rest, ok := strings.CutPrefix(canonical(name), "bantrack-")
	if !ok || len(rest) < len("20060102150405") {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102150405", rest[:len("20060102150405")])
	return t, err == nil
}

// Raw returns the bytes of the record at loc as stored: one gzip member, for copying into an
// evidence pack unchanged.
func Raw(dir string, loc Location) ([]byte, error) {
	f, err := os.Open(filepath.Join(dir, filepath.Base(loc.File)))
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	defer f.Close()
	buf := make([]byte, loc.Length)
	if _, err := f.ReadAt(buf, loc.Offset); err != nil {
		return nil, fmt.Errorf("archive: read %s at %d: %w", loc.File, loc.Offset, err)
	}
	return buf, nil
}

// Body returns the HTTP body of the response record at loc, byte for byte as it was received.
func Body(dir string, loc Location) ([]byte, error) {
	raw, err := Raw(dir, loc)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("archive: record at %s:%d: %w", loc.File, loc.Offset, err)
	}
	rec, _, _, err := newUnmarshaler().Unmarshal(bufio.NewReader(zr))
	if err != nil {
		return nil, fmt.Errorf("archive: record at %s:%d: %w", loc.File, loc.Offset, err)
	}
	defer rec.Close()
	pb, ok := rec.Block().(gowarc.PayloadBlock)
	if !ok {
		return nil, fmt.Errorf("archive: record at %s:%d holds no payload", loc.File, loc.Offset)
	}
	r, err := pb.PayloadBytes()
	if err != nil {
		return nil, fmt.Errorf("archive: record at %s:%d: %w", loc.File, loc.Offset, err)
	}
	return io.ReadAll(r)
}

func writeHeader(w io.Writer, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(w, "%s: %s\r\n", k, v)
		}
	}
	io.WriteString(w, "\r\n")
}

func requestTarget(u string) (path, host string) {
	rest := u
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	}
	host, path = rest, "/"
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		host, path = rest[:i], rest[i:]
	}
	return path, host
}

// newRecordID is a urn:uuid made from what the record is about, so that ids are unique per record.
func newRecordID(uri string, at time.Time, kind string) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s|%d|%s|%d", uri, at.UnixNano(), kind, time.Now().UnixNano())))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x50 // version 5 style (name-based, SHA)
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("<urn:uuid:%x-%x-%x-%x-%x>", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
