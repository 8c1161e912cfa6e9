package archive

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/bantrack/bantrack/internal/warctest"
	"github.com/nlnwa/gowarc/v3"
)

// TestRecordsValidate writes every kind of record bantrack makes (responses with a GBK body, an
// empty body and a body larger than gowarc's in-memory buffer, cut short (WARC-Truncated), their
// requests, metadata records,
// and an evidence pack's warcinfo) and reads them back two ways: with gowarc's strict validation,
// which fails on any header that breaks the specification or any digest that does not match the
// block, and with a second library, checking Content-Length and both digests against SHA-256s
// computed here. bantrack computes those fields itself and builds records without gowarc's own
// validation, so this is what shows they are right.
func TestRecordsValidate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "archive")
	st, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("<p>网信办审查 network products, 第12号公告.</p>\n"), 40000) // over 1 MiB
	at := time.Date(2026, 3, 31, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))
	exs := []Exchange{
		{URL: "http://www.cac.gov.cn/2026-03/31/c_1.htm", Status: 200, Body: gbkPage, Fetched: at,
			RequestHeader:  http.Header{"User-Agent": {"bantrack/1.0"}, "If-None-Match": {`"abc"`}},
			ResponseHeader: http.Header{"Content-Type": {"text/html; charset=gbk"}, "Etag": {`"abd"`}}},
		{URL: "https://example.org/%E9%80%9A%E7%9F%A5?id=7", Status: 204, Fetched: at},
		{URL: "https://example.org/big", Status: 200, Body: big, Truncated: "length", Fetched: at, Proto: "HTTP/2.0",
			ResponseHeader: http.Header{"Content-Type": {"text/html"}}},
	}
	metas := []Meta{{TargetURI: exs[0].URL, ContentType: "application/vnd.bantrack.document+json",
		Data: []byte(`{"id":"a","title":"关于美光产品的审查"}`), At: at, RefersTo: 0}}
	w, err := st.AppendAll(exs, metas)
	if err != nil {
		t.Fatal(err)
	}
	for i, ex := range exs {
		sum := sha256.Sum256(ex.Body)
		if w.Digests[i] != hex.EncodeToString(sum[:]) {
			t.Errorf("exchange %d: digest %s; want the body's SHA-256", i, w.Digests[i])
		}
	}
	if _, err := st.AppendMetadata(exs[1].URL, "application/json", nil, at); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	var pack bytes.Buffer
	p, err := NewPack(&pack, "bantrack test", at)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Copy(dir, w.Responses[0]); err != nil {
		t.Fatal(err)
	}
	if err := p.Metadata(exs[0].URL, "application/json", "<urn:uuid:00000000-0000-5000-8000-000000000000>", []byte(`{}`), at); err != nil {
		t.Fatal(err)
	}
	files, err := Files(dir)
	if err != nil || len(files) != 1 {
		t.Fatalf("files %v (%v)", files, err)
	}
	stored, err := os.ReadFile(filepath.Join(dir, files[0]))
	if err != nil {
		t.Fatal(err)
	}

	for name, data := range map[string][]byte{"archive": stored, "pack": pack.Bytes()} {
		// gowarc, strict: a spec violation or a digest mismatch is an error.
		r, err := gowarc.NewWarcFileReaderFromStream(bytes.NewReader(data), 0, gowarc.WithStrictValidation(),
			gowarc.WithAddMissingDigest(false))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for {
			next, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: strict read of record %d: %v", name, n, err)
			}
			rec := next.WarcRecord
			validation, err := rec.ValidateDigest()
			if err != nil {
				t.Errorf("%s: record %d (%s %s): %v", name, n, rec.Type(), rec.WarcHeader().Get(gowarc.WarcTargetURI), err)
			}
			if v := append(next.Validation, validation...); len(v) > 0 {
				t.Errorf("%s: record %d (%s): validation %v", name, n, rec.Type(), v)
			}
			rec.Close()
			n++
		}
		r.Close()
		if want := map[string]int{"archive": 8, "pack": 3}[name]; n != want {
			t.Errorf("%s: gowarc read %d records; want %d", name, n, want)
		}

		// The second library, with digests and lengths computed here.
		recs := warctest.Bytes(t, name, data)
		for _, rec := range recs {
			typ, block := rec.Type(), rec.Block
			wantCut := ""
			if typ == "response" && rec.URI() == "https://example.org/big" {
				wantCut = "length"
			}
			if got := rec.Get("WARC-Truncated"); got != wantCut {
				t.Errorf("%s: %s record of %s: WARC-Truncated %q; want %q", name, typ, rec.URI(), got, wantCut)
			}
			if cl, _ := strconv.Atoi(rec.Get("Content-Length")); cl != len(block) {
				t.Errorf("%s: %s record: Content-Length %d; block is %d bytes", name, typ, cl, len(block))
			}
			if got, want := rec.Get("WARC-Block-Digest"), sha256Field(block); got != want {
				t.Errorf("%s: %s record: WARC-Block-Digest %s; want %s", name, typ, got, want)
			}
			if typ == "response" || typ == "request" {
				body := rec.Body()
				if body == nil {
					t.Fatalf("%s: %s record has no end of HTTP header", name, typ)
				}
				if got, want := rec.Get("WARC-Payload-Digest"), sha256Field(body); got != want {
					t.Errorf("%s: %s record: WARC-Payload-Digest %s; want %s", name, typ, got, want)
				}
				if _, err := rec.Response(); typ == "response" && err != nil {
					t.Errorf("%s: response record's HTTP header does not parse: %v", name, err)
				}
			} else if rec.Get("WARC-Payload-Digest") != "" {
				t.Errorf("%s: %s record carries a payload digest", name, typ)
			}
		}
		n = len(recs)
		if want := map[string]int{"archive": 8, "pack": 3}[name]; n != want {
			t.Errorf("%s: second reader read %d records; want %d", name, n, want)
		}
	}
}

func sha256Field(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}
