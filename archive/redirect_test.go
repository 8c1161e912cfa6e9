package archive

import (
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/bantrack/bantrack/internal/warctest"
)

func redirect(u string, status int, loc string) Exchange {
	return Exchange{URL: u, Status: status, ResponseHeader: http.Header{"Location": {loc}}, Body: []byte("moved"), Fetched: time.Now()}
}

func page(u string) Exchange {
	return Exchange{URL: u, Status: 200, Body: []byte("page " + u), Fetched: time.Now()}
}

// TestChains: the redirects written just before a response, each Location naming the next URL
// (relative or absolute), are its chain; a run whose links break (a chain that ended in an error,
// then another fetch), or that a batch's metadata records end, is none. A truncated redirect
// body is marked WARC-Truncated, which an independent reader sees.
func TestChains(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "archive")
	st, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	failed := redirect("http://h/a", 301, "/gone")
	failed.Truncated = "length"
	w1, err := st.AppendAll([]Exchange{
		failed,             // ended in a 404: no chain of the next page
		page("http://h/c"), // fetched directly
		redirect("http://h/x", 301, "/y"),
		redirect("http://h/y", 302, "http://h/z?q=1"),
		page("http://h/z?q=1"),            // through x and y
		redirect("http://h/m", 307, "/n"), // its page comes after the metadata: another batch
	}, []Meta{{TargetURI: "http://h/c", ContentType: "application/json", Data: []byte("{}"), RefersTo: 1}})
	if err != nil {
		t.Fatal(err)
	}
	w2, err := st.AppendAll([]Exchange{page("http://h/n")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	ch := NewChains()
	ids := map[Location]string{}
	truncated := ""
	err = Scan(dir, func(r Record) error {
		ch.Add(r)
		if r.Type == "response" {
			ids[r.Location] = r.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := ch.Of(ids[w1.Responses[1]]); got != nil {
		t.Errorf("the page fetched directly after a failed chain has chain %v; want none", got)
	}
	got := ch.Of(ids[w1.Responses[4]])
	if len(got) != 2 || got[0].Location != w1.Responses[2] || got[1].Location != w1.Responses[3] ||
		got[0].ID != ids[w1.Responses[2]] || got[1].ID != ids[w1.Responses[3]] {
		t.Errorf("chain of http://h/z?q=1: %+v; want the 301 of x, then the 302 of y", got)
	}
	if got := ch.Of(ids[w2.Responses[0]]); got != nil {
		t.Errorf("a chain crossed a batch's metadata records: %v", got)
	}

	for _, rec := range warctest.File(t, filepath.Join(dir, w1.Responses[0].File)) {
		if rec.URI() == "http://h/a" && rec.Type() == "response" {
			truncated = rec.Get("WARC-Truncated")
		}
	}
	if truncated != "length" {
		t.Errorf("independent reader: WARC-Truncated %q on the cut redirect; want length", truncated)
	}
}
