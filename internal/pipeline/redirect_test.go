package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bantrack/bantrack/internal/warctest"

	"github.com/bantrack/bantrack/archive"
	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/config"
	"github.com/bantrack/bantrack/state"
)

// movedSite serves a feed behind a 301 that lists a page reached through 301 → 302 → 200, and one
// whose 301 leads to a 404. The page's body can be changed.
type movedSite struct {
	*httptest.Server
	mu   sync.Mutex
	page []byte
}

func (s *movedSite) setPage(b []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.page = b
}

func (s *movedSite) body() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.page
}

func newMovedSite(t *testing.T) *movedSite {
	t.Helper()
	s := &movedSite{}
	published := time.Now().Add(-48 * time.Hour).UTC().Format(time.RFC3339)
	s.page = movedPage(published, "The regulator told operators to stop buying products from the named vendors.")
	redirect := func(w http.ResponseWriter, status int, loc, body string) {
		w.Header().Set("Location", loc)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed":
			redirect(w, http.StatusMovedPermanently, "/rss.xml", "feed moved")
		case "/rss.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>`+
				`<item><title>Regulator bans vendors</title><link>%[1]s/old/a</link><description>Vendors banned.</description></item>`+
				`<item><title>A notice that is gone</title><link>%[1]s/gone</link><description>Gone notice.</description></item>`+
				`</channel></rss>`, s.URL)
		case "/old/a":
			redirect(w, http.StatusMovedPermanently, "/mid/a", "moved to mid")
		case "/mid/a":
			redirect(w, http.StatusFound, s.URL+"/new/a", "found at new")
		case "/new/a":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(s.body())
		case "/gone":
			redirect(w, http.StatusMovedPermanently, "/missing", "gone to missing")
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func movedPage(published, sentence string) []byte {
	return []byte(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>Regulator bans vendors</title>` +
		`<meta property="article:published_time" content="` + published + `"></head><body><article><h1>Regulator bans vendors</h1>` +
		`<p>` + sentence + `</p><p>The Cyberspace Administration of China named VMware and Fortinet in a notice to operators of critical infrastructure.</p>` +
		`<p>Operators have until the end of the year to replace the products with domestic alternatives, the notice said.</p></article></body></html>`)
}

// warcRecord is one record as the independent reader (github.com/CorentinB/warc) sees it.
type warcRecord struct {
	typ, id, uri, concurrentTo, refersTo string
	status                               int
	location                             string
	body                                 []byte
}

// readArchive reads every file of the archive with the independent reader, in order.
func readArchive(t *testing.T, dir string) []warcRecord {
	t.Helper()
	var out []warcRecord
	for _, rec := range warctest.Dir(t, dir) {
		wr := warcRecord{typ: rec.Type(), id: rec.Get("WARC-Record-ID"), uri: rec.URI(),
			concurrentTo: rec.Get("WARC-Concurrent-To"), refersTo: rec.Get("WARC-Refers-To")}
		if wr.typ == "response" {
			resp, err := rec.Response()
			if err != nil {
				t.Fatalf("independent reader: response for %s: %v", wr.uri, err)
			}
			wr.status, wr.location, wr.body = resp.StatusCode, resp.Header.Get("Location"), rec.Body()
		}
		out = append(out, wr)
	}
	return out
}

// responses are the response records, each checked to be followed by its request record.
func responses(t *testing.T, recs []warcRecord) []warcRecord {
	t.Helper()
	var out []warcRecord
	for i, r := range recs {
		if r.typ != "response" {
			continue
		}
		if i+1 >= len(recs) || recs[i+1].typ != "request" || recs[i+1].concurrentTo != r.id || recs[i+1].uri != r.uri {
			t.Errorf("response %s (%d) is not followed by its request record with WARC-Concurrent-To %s", r.uri, r.status, r.id)
		}
		out = append(out, r)
	}
	return out
}

// chainAt finds the responses for the URLs in a row, in order, from index from; -1 when absent.
func chainAt(rs []warcRecord, from int, uris ...string) int {
	for i := from; i+len(uris) <= len(rs); i++ {
		ok := true
		for j, u := range uris {
			ok = ok && rs[i+j].uri == u
		}
		if ok {
			return i
		}
	}
	return -1
}

func movedConfig(t *testing.T, srv *movedSite) *config.Config {
	t.Helper()
	cfg, err := config.Parse("feeds.yaml", []byte(`
sources:
  - name: wire
    kind: feed
    url: "`+srv.URL+`/feed"
    lang: en
    rate: 100
    retries: 0
    robots: false
`))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestRedirectsArchived crawls a page reached through 301 → 302 → 200: it is indexed once; the
// archive, read back by an independent WARC reader, holds the 301 and the 302 with their Location
// headers and bodies, then the page, in order, each response followed by its request
// (WARC-Concurrent-To); the state records where the redirects lie, reindex and a scan of the
// archive find them again; a refresh archives the chain again and makes no new version; a
// re-check through the redirects archives them too, and a changed page's new version names its
// own chain.
func TestRedirectsArchived(t *testing.T) {
	srv := newMovedSite(t)
	cfg := movedConfig(t, srv)
	dir, st := openWriter(t)
	ctx := context.Background()
	crawl := func(refresh bool) {
		t.Helper()
		p := &Pipeline{Log: slog.New(slog.DiscardHandler), Config: cfg, Store: st, Refresh: refresh}
		for _, s := range p.Crawl(ctx, cfg.Sources) {
			if s.Err != nil {
				t.Fatalf("source %s: %v", s.Source, s.Err)
			}
		}
	}
	crawl(false)

	id := article.NewID(srv.URL + "/old/a")
	ix, release, err := st.UseIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, err := ix.Get(id)
	n, _ := ix.Count()
	release()
	if err != nil {
		t.Fatalf("the redirected page's document: %v", err)
	}
	page := srv.body()
	if a.SHA256 != sha256Hex(page) || len(a.Versions) != 1 || !strings.Contains(a.Text, "VMware") || n != 2 {
		t.Fatalf("document: sha256 %s, %d versions, text %q, %d documents; want the page's sha256, 1 version, its text, 2 documents",
			a.SHA256, len(a.Versions), a.Text, n)
	}

	adir := ArchivePath(dir)
	rs := responses(t, readArchive(t, adir))
	u := func(p string) string { return srv.URL + p }
	feed := chainAt(rs, 0, u("/feed"), u("/rss.xml"))
	i := chainAt(rs, 0, u("/old/a"), u("/mid/a"), u("/new/a"))
	if feed < 0 || i < 0 {
		t.Fatalf("archive responses %v; want /feed then /rss.xml, and /old/a, /mid/a, /new/a in a row", uris(rs))
	}
	want := []struct {
		status   int
		location string
		body     []byte
	}{{301, "/mid/a", []byte("moved to mid")}, {302, u("/new/a"), []byte("found at new")}, {200, "", page}}
	for j, w := range want {
		r := rs[i+j]
		if r.status != w.status || r.location != w.location || !bytes.Equal(r.body, w.body) {
			t.Errorf("archived %s: %d, Location %q, body %q; want %d, %q, %q", r.uri, r.status, r.location, r.body, w.status, w.location, w.body)
		}
	}
	if rs[feed].status != 301 || rs[feed].location != "/rss.xml" {
		t.Errorf("archived feed redirect: %d %q", rs[feed].status, rs[feed].location)
	}
	g := chainAt(rs, 0, u("/gone"))
	if g < 0 || rs[g].status != 301 || rs[g].location != "/missing" {
		t.Errorf("the redirect of the chain that ended in a 404 is not archived: %v", uris(rs))
	}
	if m := chainAt(rs, 0, u("/missing")); m < 0 || m != g+1 || rs[m].status != 404 {
		t.Errorf("the 404 that ended the chain is not archived right after its redirect: %v", uris(rs))
	}

	// The state knows where the redirects lie; the records there are the 301 and the 302.
	checkChain := func(what string, v state.Version) {
		t.Helper()
		if len(v.Redirects) != 2 {
			t.Fatalf("%s: %d redirects recorded; want 2", what, len(v.Redirects))
		}
		for j, l := range v.Redirects {
			r, err := archive.Read(adir, ArchiveLoc(l))
			if err != nil || r.Status != want[j].status || r.Header.Get("Location") != want[j].location || r.Location.Offset >= v.Response.Offset {
				t.Errorf("%s: redirect %d at %+v: %d %q (%v); want %d %q before the page", what, j, l, r.Status, r.Header.Get("Location"),
					err, want[j].status, want[j].location)
			}
		}
	}
	docs, err := st.State.Docs(id)
	if err != nil {
		t.Fatal(err)
	}
	v1 := docs[id].Versions[0]
	checkChain("after the crawl", v1)
	if vs, err := scanVersions(adir, a); err != nil || len(vs) != 1 || vs[0].Response != v1.Response {
		t.Fatalf("scanning the archive for the document: %+v (%v); want its version", vs, err)
	} else {
		checkChain("scanned", vs[0])
	}

	// A refresh fetches the chain again: archived again, no new version, one document.
	crawl(true)
	docs, _ = st.State.Docs(id)
	if vs := docs[id].Versions; len(vs) != 1 || vs[0].Response != v1.Response {
		t.Fatalf("after a refresh: %d versions; want the first one only", len(vs))
	}
	rs = responses(t, readArchive(t, adir))
	if chainAt(rs, i+3, u("/old/a"), u("/mid/a"), u("/new/a")) < 0 {
		t.Errorf("the refresh's chain is not archived: %v", uris(rs))
	}

	// Reindex finds the chain again from the archive alone.
	if err := st.State.SetVersions(map[string][]state.Version{id: {{Fetched: v1.Fetched, SHA256: v1.SHA256}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Reindex(ctx, dir, st.State, ReindexOptions{Analyze: func(a article.Article) article.Article { return a }}); err != nil {
		t.Fatal(err)
	}
	docs, _ = st.State.Docs(id)
	checkChain("after reindex", docs[id].Versions[0])

	// Re-checks: the same page through the chain, then a changed one.
	before := len(rs)
	p := &Pipeline{Log: slog.New(slog.DiscardHandler), Config: cfg, Store: st}
	if r, err := p.Recheck(ctx, true); err != nil || r.Same != 1 {
		t.Fatalf("recheck: %+v (%v); want the page the same", r, err)
	}
	rs = responses(t, readArchive(t, adir))
	if chainAt(rs, before, u("/old/a"), u("/mid/a"), u("/new/a")) < 0 {
		t.Errorf("the re-check's redirects and page are not archived in order: %v", uris(rs[before:]))
	}
	before = len(rs)
	srv.setPage(movedPage(time.Now().Add(-48*time.Hour).UTC().Format(time.RFC3339), "The regulator added Check Point to the named vendors."))
	if r, err := p.Recheck(ctx, true); err != nil || r.TextChanged != 1 {
		t.Fatalf("recheck after an edit: %+v (%v); want the text changed", r, err)
	}
	rs = responses(t, readArchive(t, adir))
	if chainAt(rs, before, u("/old/a"), u("/mid/a"), u("/new/a")) < 0 {
		t.Errorf("the re-check's redirects and new page are not archived in order: %v", uris(rs[before:]))
	}
	docs, _ = st.State.Docs(id)
	vs := docs[id].Versions
	if len(vs) != 2 {
		t.Fatalf("after the edit: %d versions; want 2", len(vs))
	}
	checkChain("the edited version", vs[1])
	if vs[1].Redirects[0] == vs[0].Redirects[0] {
		t.Errorf("the new version names the first version's redirects, not those read with it")
	}
}

func uris(rs []warcRecord) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = fmt.Sprintf("%d %s", r.status, r.uri)
	}
	return out
}

// TestRetentionRedirects: retention keeps the redirects that led to a ban-related document's page
// with it (their locations moved to the rewritten file) and drops those of a page that is not
// ban-related with the page (their locations forgotten).
func TestRetentionRedirects(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/rss.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>`+
				`<item><title>Regulator bans vendors</title><link>%[1]s/old/ban</link><description>Vendors banned.</description></item>`+
				`<item><title>Weather</title><link>%[1]s/old/weather</link><description>Rain.</description></item>`+
				`</channel></rss>`, srv.URL)
		case "/old/ban", "/old/weather":
			w.Header().Set("Location", strings.TrimPrefix(r.URL.Path, "/old"))
			w.WriteHeader(http.StatusMovedPermanently)
		case "/ban":
			w.Write(movedPage(time.Now().UTC().Format(time.RFC3339), "China banned the purchase of VMware and Fortinet products by state-owned enterprises."))
		case "/weather":
			io.WriteString(w, `<html><head><title>Weather</title></head><body><article><h1>Weather</h1><p>Rain is expected over the city on Tuesday, with sunny spells returning by the weekend and mild temperatures after that.</p></article></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	cfg, err := config.Parse("feeds.yaml", []byte("sources:\n  - name: wire\n    kind: feed\n    url: \""+srv.URL+"/rss.xml\"\n    lang: en\n    rate: 100\n    robots: false\n"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Archive.MaxSize, cfg.Archive.FileSize = 1, 1 // every batch in a file of its own; every file over the bound
	dir, st := openWriter(t)
	ctx := context.Background()
	for _, refresh := range []bool{false, true} { // the second crawl's retention compacts the first's file
		p := &Pipeline{Log: slog.New(slog.DiscardHandler), Config: cfg, Store: st, Refresh: refresh}
		for _, s := range p.Crawl(ctx, cfg.Sources) {
			if s.Err != nil {
				t.Fatalf("source %s: %v", s.Source, s.Err)
			}
		}
	}
	ban, weather := article.NewID(srv.URL+"/old/ban"), article.NewID(srv.URL+"/old/weather")
	ix, release, err := st.UseIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := ix.Get(ban)
	b, _ := ix.Get(weather)
	release()
	if !a.Ban.Related || b.Ban.Related {
		t.Fatalf("ban-related: %v and %v; the test wants the first page ban-related and the second not", a.Ban.Related, b.Ban.Related)
	}
	docs, err := st.State.Docs(ban, weather)
	if err != nil {
		t.Fatal(err)
	}
	adir := ArchivePath(dir)
	kept := docs[ban].Versions[0]
	if len(kept.Redirects) != 1 || kept.Dropped || !strings.Contains(kept.Redirects[0].File, "-r1") || kept.Redirects[0].File != kept.Response.File {
		t.Fatalf("ban-related version after retention: %+v; want its page and redirect moved to the rewritten file", kept)
	}
	if r, err := archive.Read(adir, ArchiveLoc(kept.Redirects[0])); err != nil || r.Status != 301 || r.Header.Get("Location") != "/ban" {
		t.Errorf("the kept redirect reads %d %q (%v); want the 301 to /ban", r.Status, r.Header.Get("Location"), err)
	}
	if gone := docs[weather].Versions[0]; !gone.Dropped || gone.Redirects != nil {
		t.Errorf("version not ban-related after retention: %+v; want its page dropped and its redirects forgotten", gone)
	}
}
