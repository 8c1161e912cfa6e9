package archive

import (
	"bytes"
	"net/http"
	"testing"
	"time"
)

// BenchmarkAppendAll appends batches of ten 8 KiB pages with a metadata record each, synced once
// per batch, as a crawl's save does.
func BenchmarkAppendAll(b *testing.B) {
	st, err := Open(b.TempDir(), 0)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	body := bytes.Repeat([]byte("<p>The regulator said on Friday that the review covers network products.</p>\n"), 110)
	var exs []Exchange
	var metas []Meta
	for i := range 10 {
		exs = append(exs, Exchange{URL: "http://example.org/a", Status: 200, Body: body, Fetched: time.Now(),
			RequestHeader: http.Header{"User-Agent": {"bantrack/1.0"}}, ResponseHeader: http.Header{"Content-Type": {"text/html"}}})
		metas = append(metas, Meta{TargetURI: "http://example.org/a", ContentType: "application/json", Data: body[:3000], RefersTo: i})
	}
	b.SetBytes(int64(len(body) * 10))
	b.ResetTimer()
	for range b.N {
		if _, err := st.AppendAll(exs, metas); err != nil {
			b.Fatal(err)
		}
	}
}
