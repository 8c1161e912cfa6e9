package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/internal/pipeline"
	"github.com/bantrack/bantrack/web"
)

// hostileID is a document whose title, text, evidence and URL carry markup, as pages from the
// open web may.
const hostileID = "00000000000bad01"

// servedData crawls the fixture sites into a data folder, adds a hostile document, and serves the
// folder with the real web server (what bantrack serve runs) on loopback.
func servedData(t *testing.T) (ts *httptest.Server, data, feeds string, g []string) {
	t.Helper()
	_, feeds = fixtureSetup(t)
	data = t.TempDir()
	g = []string{"--config", feeds, "--data", data, "--log-level", "warn"}
	if out, errs, code := runCmd(t, nil, append(g, "crawl")...); code != 0 {
		t.Fatalf("crawl exit %d\n%s\n%s", code, out, errs)
	}
	ix, err := index.Open(pipeline.IndexPath(data))
	if err != nil {
		t.Fatal(err)
	}
	hostile := article.Article{ID: hostileID, URL: "javascript:alert(1)", Source: "newswire", Lang: "en",
		Title:     `<script>alert("title")</script> Hostile ban of Huawei`,
		Published: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Fetched: time.Now().UTC(),
		Text: "The hostile regulator banned Huawei. <img src=x onerror=alert(2)> more hostile text.",
		Entities: article.Entities{Vendors: []string{"Huawei"}, Ban: article.Ban{Related: true, Score: 0.9,
			Actions: []string{"ban"}, Targets: []string{"Huawei"}, Evidence: []string{`<script>alert("evidence")</script> banned Huawei`}}},
	}
	if err := ix.Put(context.Background(), hostile); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	return serveFolder(t, data, feeds), data, feeds, g
}

// serveFolder starts the web server of bantrack serve over a data folder.
func serveFolder(t *testing.T, data, feeds string) *httptest.Server {
	t.Helper()
	a := &app{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" },
		configPath: feeds, dataDir: data, logLevel: "error"}
	if err := a.setupLogging(); err != nil {
		t.Fatal(err)
	}
	srv, err := a.newWebServer(data, "")
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.httpHandler())
	t.Cleanup(func() {
		ts.Close()
		srv.Close()
	})
	return ts
}

func get(t *testing.T, u string) (int, http.Header, string) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, string(body)
}

type apiResults struct {
	Total  int                       `json:"total"`
	Offset int                       `json:"offset"`
	Hits   []apiHit                  `json:"hits"`
	Facets map[string]map[string]int `json:"facets"`
}

type apiHit struct {
	ID, Title, URL, Published, Source, Status string
	Vendors                                   []string `json:"vendors"`
	Ban                                       struct {
		Related bool     `json:"related"`
		Actions []string `json:"actions"`
		Targets []string `json:"targets"`
	} `json:"ban"`
}

func apiSearch(t *testing.T, base string, params url.Values) apiResults {
	t.Helper()
	code, h, body := get(t, base+"/api/search?"+params.Encode())
	if code != 200 {
		t.Fatalf("/api/search?%s = %d: %s", params.Encode(), code, body)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("/api/search Content-Type = %q", ct)
	}
	var res apiResults
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatalf("/api/search: %v\n%s", err, body)
	}
	return res
}

func TestServe(t *testing.T) {
	ts, data, _, g := servedData(t)
	base := ts.URL

	t.Run("search page", func(t *testing.T) {
		code, h, body := get(t, base+"/search?q="+url.QueryEscape("网络安全审查"))
		if code != 200 {
			t.Fatalf("status %d", code)
		}
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("Content-Security-Policy = %q; want scripts from this server only", csp)
		}
		for _, want := range []string{"美光公司在华销售的产品未通过网络安全审查", "<mark>网络安全审查</mark>", "BAN-RELATED",
			`<link rel="alternate" type="application/atom+xml"`, `href="/feeds/search.atom?q=%E7%BD%91%E7%BB%9C%E5%AE%89%E5%85%A8%E5%AE%A1%E6%9F%A5"`,
			"targets 对象: Micron Technology", "/search?q=%E7%BD%91%E7%BB%9C%E5%AE%89%E5%85%A8%E5%AE%A1%E6%9F%A5&amp;vendor=Micron&#43;Technology"} {
			if !strings.Contains(body, want) {
				t.Errorf("search page lacks %q", want)
			}
		}
		code, _, body = get(t, base+"/")
		if code != 200 || !strings.Contains(body, `name="q"`) || !strings.Contains(body, "Newest documents") {
			t.Errorf("/ = %d; want the form and the newest documents", code)
		}
	})

	t.Run("api search takes every alias", func(t *testing.T) {
		var totals []int
		for _, v := range []string{"美光", "micron", "Micron Technology"} {
			res := apiSearch(t, base, url.Values{"vendor": {v}})
			if res.Total == 0 {
				t.Errorf("vendor=%s: no hits", v)
			}
			for _, h := range res.Hits {
				if !slices.Contains(h.Vendors, "Micron Technology") {
					t.Errorf("vendor=%s: hit %s names %v", v, h.ID, h.Vendors)
				}
			}
			totals = append(totals, res.Total)
		}
		if totals[0] != totals[1] || totals[1] != totals[2] {
			t.Errorf("vendor aliases give %v documents; want the same count", totals)
		}
		res := apiSearch(t, base, url.Values{"agency": {"CAC"}, "lang": {"zh"}, "ban": {"1"}})
		if res.Total == 0 {
			t.Errorf("agency=CAC lang=zh ban=1: no hits")
		}
		for _, h := range res.Hits {
			if !h.Ban.Related {
				t.Errorf("ban=1 gave %s, not ban-related", h.ID)
			}
		}
	})

	t.Run("unknown names are searched as written, and said so", func(t *testing.T) {
		code, _, body := get(t, base+"/search?vendor=Hauwei")
		if code != 200 || !strings.Contains(body, "no vendor named &#34;Hauwei&#34; is known") || !strings.Contains(body, "Huawei") {
			t.Errorf("/search?vendor=Hauwei = %d without the warning and its suggestion", code)
		}
	})

	t.Run("api search is the search --json object", func(t *testing.T) {
		out, errs, code := runCmd(t, nil, append(g, "search", "--json", "--limit", "5", "--vendor", "美光", "micron")...)
		if code != 0 {
			t.Fatalf("search exit %d: %s", code, errs)
		}
		_, _, body := get(t, base+"/api/search?limit=5&vendor=%E7%BE%8E%E5%85%89&q=micron")
		if a, b := dropTook(t, out), dropTook(t, body); a != b {
			t.Errorf("/api/search differs from search --json:\ncli: %s\napi: %s", a, b)
		}
	})

	t.Run("escaping", func(t *testing.T) {
		for _, path := range []string{"/search?q=hostile", "/documents/" + hostileID} {
			code, _, body := get(t, base+path)
			if code != 200 {
				t.Fatalf("%s = %d", path, code)
			}
			for _, bad := range []string{`<script>alert`, `<img src=x`, `href="javascript:`} {
				if strings.Contains(body, bad) {
					t.Errorf("%s shows %q unescaped", path, bad)
				}
			}
			if !strings.Contains(body, `&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;`) {
				t.Errorf("%s lacks the escaped title", path)
			}
		}
		_, _, body := get(t, base+"/documents/"+hostileID)
		if !strings.Contains(body, `&lt;script&gt;alert(&#34;evidence&#34;)`) {
			t.Errorf("document page lacks the escaped evidence")
		}
	})

	t.Run("documents", func(t *testing.T) {
		res := apiSearch(t, base, url.Values{"q": {"网络安全审查"}, "limit": {"1"}})
		id := res.Hits[0].ID
		code, _, body := get(t, base+"/documents/"+id)
		if code != 200 {
			t.Fatalf("/documents/%s = %d", id, code)
		}
		for _, want := range []string{res.Hits[0].Title, "Ban finding", "Micron Technology", "Cybersecurity Review Office", "Dates 日期", res.Hits[0].URL} {
			if !strings.Contains(body, want) {
				t.Errorf("document page lacks %q", want)
			}
		}
		// The archived page: linked from the document page, served as an attachment, byte for
		// byte what the site sent.
		if !strings.Contains(body, `href="/documents/`+id+`/raw"`) {
			t.Errorf("document page does not link its archived page")
		}
		code, hdr, raw := get(t, base+"/documents/"+id+"/raw")
		if code != 200 || raw != string(served(t, res.Hits[0].URL)) {
			t.Errorf("/documents/%s/raw = %d, %d bytes; want 200 and the %d bytes the site sends", id, code, len(raw), len(served(t, res.Hits[0].URL)))
		}
		if cd := hdr.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
			t.Errorf("raw page served with Content-Disposition %q; want an attachment", cd)
		}
		out, errs, code := runCmd(t, nil, append(g, "show", "--json", id)...)
		if code != 0 {
			t.Fatalf("show exit %d: %s", code, errs)
		}
		_, _, api := get(t, base+"/api/documents/"+id)
		var cli, web map[string]any
		if err := json.Unmarshal([]byte(out), &cli); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(api), &web); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(cli) != fmt.Sprint(web) {
			t.Errorf("/api/documents/%s differs from show --json:\n%v\n%v", id, cli, web)
		}
		for path, want := range map[string]int{
			"/documents/0000000000000000": 404, "/documents/not-an-id": 404, "/api/documents/0000000000000000": 404,
			"/documents/0000000000000000/raw": 404, "/nowhere": 404,
		} {
			if code, _, _ := get(t, base+path); code != want {
				t.Errorf("%s = %d; want %d", path, code, want)
			}
		}
	})

	t.Run("bad parameters are 400", func(t *testing.T) {
		long := strings.Repeat("huawei ", 400)
		for _, q := range []string{"limit=0", "limit=101", "limit=x", "offset=-1", "offset=5001", "lang=fr", "sort=oldest",
			"since=yesterday", "since=2024-01-02&until=2024-01-01", "ban=maybe", "colour=red", "q=" + url.QueryEscape(long),
			"q=%22unclosed", "q=x&q=y", "vendor=" + strings.Repeat("a", 9000)} {
			for _, path := range []string{"/api/search", "/search", "/feeds/search.atom"} {
				code, _, body := get(t, base+path+"?"+q)
				if code != 400 {
					t.Errorf("%s?%.40s = %d; want 400", path, q, code)
				}
				if path == "/api/search" && !strings.Contains(body, `"error"`) {
					t.Errorf("%s?%.40s: no JSON error: %.200s", path, q, body)
				}
			}
		}
	})

	t.Run("paging", func(t *testing.T) {
		first := apiSearch(t, base, url.Values{"sort": {"date"}, "limit": {"2"}})
		second := apiSearch(t, base, url.Values{"sort": {"date"}, "limit": {"2"}, "offset": {"2"}})
		if len(first.Hits) != 2 || len(second.Hits) == 0 || second.Offset != 2 {
			t.Fatalf("pages: %d and %d hits", len(first.Hits), len(second.Hits))
		}
		for _, h := range second.Hits {
			if h.ID == first.Hits[0].ID || h.ID == first.Hits[1].ID {
				t.Errorf("offset 2 repeats %s", h.ID)
			}
		}
		_, _, body := get(t, base+"/search?sort=date&limit=2")
		if !strings.Contains(body, `href="/search?limit=2&amp;offset=2&amp;sort=date"`) {
			t.Errorf("page 1 lacks its next link")
		}
	})

	t.Run("atom", func(t *testing.T) {
		feed := fetchAtom(t, base+"/feeds/search.atom?q="+url.QueryEscape("网络安全审查"))
		again := fetchAtom(t, base+"/feeds/search.atom?q="+url.QueryEscape("网络安全审查"))
		other := fetchAtom(t, serveFolder(t, data, "").URL+"/feeds/search.atom?q="+url.QueryEscape("网络安全审查"))
		if len(feed.Entries) < 2 {
			t.Fatalf("feed has %d entries", len(feed.Entries))
		}
		if feed.ID == "" || feed.ID != again.ID || feed.ID != other.ID {
			t.Errorf("feed ids %q, %q, %q; want one stable id", feed.ID, again.ID, other.ID)
		}
		if _, err := time.Parse(time.RFC3339, feed.Updated); err != nil {
			t.Errorf("feed updated %q: %v", feed.Updated, err)
		}
		if feed.Author.Name == "" {
			t.Errorf("feed has no author")
		}
		var prev time.Time
		for i, e := range feed.Entries {
			if e.ID != again.Entries[i].ID || e.ID != other.Entries[i].ID || !strings.HasSuffix(e.ID, ":"+documentIDOf(e)) {
				t.Errorf("entry %d ids %q, %q, %q; want the same stable id", i, e.ID, again.Entries[i].ID, other.Entries[i].ID)
			}
			pub, err := time.Parse(time.RFC3339, e.Published)
			if err != nil {
				t.Errorf("entry %s published %q: %v", e.ID, e.Published, err)
			}
			if i > 0 && pub.After(prev) {
				t.Errorf("entry %d is newer than the one before: not newest first", i)
			}
			prev = pub
			if _, err := time.Parse(time.RFC3339, e.Updated); err != nil {
				t.Errorf("entry %s updated %q: %v", e.ID, e.Updated, err)
			}
			if e.Title == "" || len(e.Links) == 0 || e.Links[0].Href == "" {
				t.Errorf("entry %s lacks a title or link", e.ID)
			}
		}
		if !strings.Contains(feed.Entries[0].Summary, "Evidence: ") || !strings.Contains(feed.Entries[0].Summary, "网络安全审查") {
			t.Errorf("first entry's summary lacks the evidence: %q", feed.Entries[0].Summary)
		}
		// A feed reader polling with the ETag it was given gets 304 while nothing changed.
		req, _ := http.NewRequest(http.MethodGet, base+"/feeds/search.atom?q="+url.QueryEscape("网络安全审查"), nil)
		first, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		first.Body.Close()
		req.Header.Set("If-None-Match", first.Header.Get("ETag"))
		second, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		second.Body.Close()
		if first.Header.Get("ETag") == "" || second.StatusCode != http.StatusNotModified {
			t.Errorf("poll with ETag %q = %d; want 304", first.Header.Get("ETag"), second.StatusCode)
		}
		hostile := fetchAtom(t, base+"/feeds/search.atom?q=hostile")
		if len(hostile.Entries) != 1 || hostile.Entries[0].Title != `<script>alert("title")</script> Hostile ban of Huawei` {
			t.Errorf("hostile feed entries %+v; want the title back as text", hostile.Entries)
		}
		for _, e := range hostile.Entries {
			for _, l := range e.Links {
				if !strings.HasPrefix(l.Href, "http") {
					t.Errorf("hostile entry links %q", l.Href)
				}
			}
		}
	})

	t.Run("sources and health", func(t *testing.T) {
		code, _, body := get(t, base+"/sources")
		if code != 200 {
			t.Fatalf("/sources = %d", code)
		}
		for _, want := range []string{"cac-wxfb", "newswire", "miit-zcwj", "<td>ok</td>"} {
			if !strings.Contains(body, want) {
				t.Errorf("/sources lacks %q", want)
			}
		}
		if code, _, body := get(t, base+"/healthz"); code != 200 || strings.TrimSpace(body) != "ok" {
			t.Errorf("/healthz = %d %q; want 200 ok", code, body)
		}
		empty := serveFolder(t, t.TempDir(), "")
		if code, _, body := get(t, empty.URL+"/healthz"); code != 503 || !strings.Contains(body, "run bantrack crawl") {
			t.Errorf("/healthz of an empty folder = %d %q; want 503 with the reason", code, body)
		}
		if code, _, _ := get(t, empty.URL+"/api/search?q=x"); code != 503 {
			t.Errorf("/api/search of an empty folder = %d; want 503", code)
		}
	})

	t.Run("metrics", func(t *testing.T) {
		code, h, body := get(t, base+"/metrics")
		if code != 200 {
			t.Fatalf("/metrics = %d", code)
		}
		if !strings.HasPrefix(h.Get("Content-Type"), "text/plain") {
			t.Errorf("/metrics Content-Type %q", h.Get("Content-Type"))
		}
		parser := expfmt.NewTextParser(model.UTF8Validation)
		families, err := parser.TextToMetricFamilies(strings.NewReader(body))
		if err != nil {
			t.Fatalf("parse /metrics: %v", err)
		}
		value := func(name string, labels map[string]string) (float64, bool) {
			f := families[name]
			if f == nil {
				return 0, false
			}
		next:
			for _, m := range f.GetMetric() {
				for _, l := range m.GetLabel() {
					if want, ok := labels[l.GetName()]; ok && want != l.GetValue() {
						continue next
					}
				}
				if m.GetGauge() != nil {
					return m.GetGauge().GetValue(), true
				}
				return m.GetCounter().GetValue(), true
			}
			return 0, false
		}
		zhBan := apiSearch(t, base, url.Values{"lang": {"zh"}, "ban": {"1"}}).Total
		if v, ok := value("bantrack_documents", map[string]string{"lang": "zh", "ban_related": "true"}); !ok || int(v) != zhBan {
			t.Errorf("bantrack_documents{lang=zh,ban_related=true} = %v, %v; want %d", v, ok, zhBan)
		}
		if v, ok := value("bantrack_source_last_success_timestamp_seconds", map[string]string{"source": "cac-wxfb"}); !ok || time.Since(time.Unix(int64(v), 0)) > time.Hour {
			t.Errorf("last success of cac-wxfb = %v, %v; want a recent time", v, ok)
		}
		// what the crawl (another process) did, read from the state
		if v, ok := value("bantrack_source_last_requests", map[string]string{"source": "newswire"}); !ok || v < 2 {
			t.Errorf("bantrack_source_last_requests{source=newswire} = %v, %v; want the listing and its pages", v, ok)
		}
		if v, ok := value("bantrack_source_last_crawl_duration_seconds", map[string]string{"source": "newswire"}); !ok || v <= 0 {
			t.Errorf("bantrack_source_last_crawl_duration_seconds{source=newswire} = %v, %v", v, ok)
		}
		if v, ok := value("bantrack_index_size_bytes", nil); !ok || v <= 0 {
			t.Errorf("bantrack_index_size_bytes = %v, %v", v, ok)
		}
		for _, name := range []string{"bantrack_source_last_items", "bantrack_digest_sends_total", "bantrack_store_up", "go_goroutines"} {
			if families[name] == nil {
				t.Errorf("/metrics lacks %s", name)
			}
		}
	})
}

// dropTook removes took_ms, the one field two runs of a search never share.
func dropTook(t *testing.T, s string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	delete(m, "took_ms")
	out, _ := json.Marshal(m)
	return string(out)
}

type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

// atomEntry is one entry of an Atom feed as the tests read it.
type atomEntry struct {
	ID        string `xml:"id"`
	Title     string `xml:"title"`
	Published string `xml:"published"`
	Updated   string `xml:"updated"`
	Summary   string `xml:"summary"`
	Links     []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
}

func documentIDOf(e atomEntry) string {
	for _, l := range e.Links {
		if l.Rel == "related" {
			return l.Href[strings.LastIndex(l.Href, "/")+1:]
		}
	}
	return "?"
}

func fetchAtom(t *testing.T, u string) atomDoc {
	t.Helper()
	code, h, body := get(t, u)
	if code != 200 {
		t.Fatalf("%s = %d: %s", u, code, body)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
		t.Errorf("%s Content-Type %q", u, ct)
	}
	var f atomDoc
	dec := xml.NewDecoder(bytes.NewReader([]byte(body)))
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("%s: not Atom: %v\n%s", u, err, body)
	}
	return f
}

// TestServeAnswersWhileWriterCommits: searches through the server's shared reader answer, with
// every document of the last commit, while a writer in this process commits again and again.
func TestServeAnswersWhileWriterCommits(t *testing.T) {
	ts, data, _, _ := servedData(t)
	before := apiSearch(t, ts.URL, url.Values{"sort": {"date"}, "limit": {"1"}}).Total

	st, err := pipeline.OpenWriter(data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	// The writer commits, then waits until a search has been answered since, as a crawl commits
	// source after source: readers must get their turn between commits, and see each one.
	var served atomic.Int64
	stop := make(chan struct{})
	commits := make(chan int, 1)
	go func() {
		n := 0
		defer func() { commits <- n }()
		for {
			ix, release, err := st.UseIndex(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			a := article.Article{ID: fmt.Sprintf("%016x", 0xc0ffee00+n), URL: fmt.Sprintf("https://example.org/c/%d", n),
				Source: "commits", Lang: "en", Title: "commit", Text: "a committed document"}
			err = ix.Put(ctx, a)
			release()
			if err != nil {
				t.Error(err)
				return
			}
			n++
			for seen := served.Load(); served.Load() == seen; {
				select {
				case <-stop:
					return
				case <-time.After(time.Millisecond):
				}
			}
		}
	}()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	for c := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := before
			for i := range 15 {
				code, _, body := get(t, ts.URL+"/api/search?sort=date&limit=1")
				served.Add(1)
				var res apiResults
				err := json.Unmarshal([]byte(body), &res)
				mu.Lock()
				switch {
				case code != 200 || err != nil:
					failures = append(failures, fmt.Sprintf("client %d search %d: %d %.200s", c, i, code, body))
				case res.Total < last:
					failures = append(failures, fmt.Sprintf("client %d search %d: %d documents, fewer than the %d seen before", c, i, res.Total, last))
				}
				last = max(last, res.Total)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(stop)
	n := <-commits
	t.Logf("120 searches beside %d commits", n)
	if n < 2 {
		t.Errorf("the writer committed %d times while the searches ran; want several", n)
	}
	if len(failures) > 0 {
		t.Errorf("%d of 120 searches failed beside %d commits:\n%s", len(failures), n, strings.Join(failures, "\n"))
	}
	st.Close()
	after := apiSearch(t, ts.URL, url.Values{"sort": {"date"}, "limit": {"1"}}).Total
	if after != before+n {
		t.Errorf("after %d commits the server finds %d documents; want %d", n, after, before+n)
	}
}

func TestServeCommand(t *testing.T) {
	// serve refuses arguments and a bad address, and warns beyond loopback.
	if _, errs, code := runCmd(t, nil, "--data", t.TempDir(), "serve", "extra"); code != 2 || !strings.Contains(errs, "--addr") {
		t.Errorf("serve extra: exit %d, %q", code, errs)
	}
	if _, errs, code := runCmd(t, nil, "--data", t.TempDir(), "serve", "--addr", "nonsense"); code != 2 || !strings.Contains(errs, "host:port") {
		t.Errorf("serve --addr nonsense: exit %d, %q", code, errs)
	}
	if _, errs, code := runCmd(t, nil, "--data", t.TempDir(), "serve", "--base-url", "bantrack.example.org"); code != 2 || !strings.Contains(errs, "public URL") {
		t.Errorf("serve --base-url without a scheme: exit %d, %q", code, errs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		err := run(ctx, []string{"--data", t.TempDir(), "serve", "--addr", "0.0.0.0:0"}, &out, &errb, func(string) string { return "" })
		done <- report(&errb, err)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(errb.String(), "serving") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve stopped with exit %d: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "no login") || !strings.Contains(errb.String(), "reverse proxy") {
		t.Errorf("serving on 0.0.0.0 printed no warning:\n%s", errb.String())
	}
}

// TestRunHTTP runs `bantrack run --http` with every source crawled every second: the server
// answers searches all along, and its metrics count the daemon's crawls and fetches.
func TestRunHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the daemon for several seconds")
	}
	_, feeds := fixtureSetup(t)
	feeds = everySecond(t, feeds)
	data := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		err := run(ctx, []string{"--config", feeds, "--data", data, "run", "--http", "127.0.0.1:0"}, io.Discard, &stderr,
			func(k string) string { return map[string]string{"BANTRACK_SMTP_PASSWORD": "x"}[k] })
		done <- report(&stderr, err)
	}()
	re := regexp.MustCompile(`msg=serving url=(http://127\.0\.0\.1:\d+)/`)
	var base string
	if !waitFor(30*time.Second, func() bool {
		m := re.FindStringSubmatch(stderr.String())
		if m != nil {
			base = m[1]
		}
		return m != nil
	}) {
		t.Fatalf("run --http never said where it serves:\n%s", stderr.String())
	}
	if !waitFor(60*time.Second, func() bool {
		code, _, body := get(t, base+"/api/search?q=fortinet")
		return code == 200 && strings.Contains(body, `"total":`) && !strings.Contains(body, `"total":0`)
	}) {
		t.Fatalf("the daemon's server never found fortinet:\n%s", stderr.String())
	}
	// Searches while crawls commit every second: each answers 200, until the crawls were counted
	// at least three times for one source.
	var failures []string
	crawls := func() float64 {
		_, _, body := get(t, base+"/metrics")
		m := regexp.MustCompile(`(?m)^bantrack_crawls_total\{result="ok",source="cac-wxfb"\} (\d+)`).FindStringSubmatch(body)
		if m == nil {
			return 0
		}
		var n float64
		fmt.Sscan(m[1], &n)
		return n
	}
	ok := waitFor(60*time.Second, func() bool {
		for range 5 {
			if code, _, body := get(t, base+"/api/search?q=fortinet"); code != 200 {
				failures = append(failures, fmt.Sprintf("%d %.200s", code, body))
			}
		}
		return crawls() >= 3
	})
	if !ok {
		t.Errorf("bantrack_crawls_total for cac-wxfb stayed at %v", crawls())
	}
	if len(failures) > 0 {
		t.Errorf("%d searches failed while the daemon crawled:\n%s", len(failures), strings.Join(failures, "\n"))
	}
	_, _, metrics := get(t, base+"/metrics")
	for _, want := range []string{`bantrack_fetch_duration_seconds_count{source="newswire"}`, `bantrack_fetches_total{source="cac-wxfb"}`,
		`bantrack_source_last_success_timestamp_seconds{source="miit-zcwj"}`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("run --http exit %d:\n%s", code, stderr.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("run --http did not stop")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Errorf("the server still answers after run stopped")
	}
}

// fixtureRaw is a web.Raw that fetches a document's page from the fixture sites: the bytes the
// archive would hold, for the document page's raw link.
type fixtureRaw struct{ reader *pipeline.Reader }

func (f fixtureRaw) Raw(ctx context.Context, id string) ([]byte, string, error) {
	art, err := f.reader.Document(ctx, id)
	if err != nil {
		return nil, "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, art.URL, nil)
	if err != nil {
		return nil, "", err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return body, res.Header.Get("Content-Type"), err
}

// TestServeRawAndVersions: with a raw-body source, a document with a sha256 links its archived
// page, served as a sandboxed attachment; its versions are listed.
func TestServeRawAndVersions(t *testing.T) {
	_, feeds := fixtureSetup(t)
	data := t.TempDir()
	if out, errs, code := runCmd(t, nil, "--config", feeds, "--data", data, "--log-level", "warn", "crawl"); code != 0 {
		t.Fatalf("crawl exit %d\n%s\n%s", code, out, errs)
	}
	shared := index.NewShared(pipeline.IndexPath(data))
	t.Cleanup(func() { shared.Close() })
	reader := &pipeline.Reader{Index: shared}
	res, err := reader.Search(context.Background(), web.Query{Text: "网络安全审查", Sort: "relevance", Limit: 1})
	if err != nil || len(res.Hits) == 0 {
		t.Fatalf("search: %v %v", res, err)
	}
	id := res.Hits[0].ID
	ix, release, err := shared.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	art, err := ix.Get(id)
	release()
	if err != nil {
		t.Fatal(err)
	}
	// What the archive will record: the body's hash and two versions.
	st, err := pipeline.OpenWriter(data)
	if err != nil {
		t.Fatal(err)
	}
	w, done, err := st.UseIndex(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	art.SHA256 = strings.Repeat("ab", 32)
	art.Versions = []article.Version{{Fetched: time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC), SHA256: strings.Repeat("cd", 32)},
		{Fetched: time.Date(2026, 2, 1, 8, 0, 0, 0, time.UTC), SHA256: art.SHA256}}
	err = w.Put(context.Background(), art)
	done()
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Options{Searcher: reader, Documents: reader, Health: noHealth{}, Raw: fixtureRaw{reader}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	defer ts.Close()
	code, _, body := get(t, ts.URL+"/documents/"+id)
	if code != 200 {
		t.Fatalf("document page %d", code)
	}
	for _, want := range []string{`href="/documents/` + id + `/raw"`, "Versions 版本", "2026-01-01 08:00 UTC", "sha256 cdcdcdcdcdcd…", "2026-02-01 08:00 UTC"} {
		if !strings.Contains(body, want) {
			t.Errorf("document page lacks %q", want)
		}
	}
	code, hdr, raw := get(t, ts.URL+"/documents/"+id+"/raw")
	if code != 200 || !strings.Contains(raw, "网络安全审查") {
		t.Fatalf("raw page %d: %.200s", code, raw)
	}
	if !strings.HasPrefix(hdr.Get("Content-Disposition"), "attachment") || !strings.Contains(hdr.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("raw page headers %v: want an attachment under a sandbox policy", hdr)
	}
}

// noHealth is a web.Health for a server whose test reads no health.
type noHealth struct{}

func (noHealth) Status(context.Context) (*web.Status, error) { return &web.Status{}, nil }
func (noHealth) Ready(context.Context) error                 { return nil }

// TestServeAnswersWhileCrawlWrites: the web server answers searches, documents and feeds all
// through a slow `bantrack crawl --refresh` in another process, which commits source after
// source, and each answer holds every document of the last commit.
func TestServeAnswersWhileCrawlWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a crawl of more than 20 seconds")
	}
	_, feeds := fixtureSetup(t)
	data := t.TempDir()
	fast := []string{"--config", feeds, "--data", data, "--log-level", "warn"}
	if out, errs, code := runChild(t, append(fast, "crawl")...); code != 0 {
		t.Fatalf("first crawl exit %d\n%s\n%s", code, out, errs)
	}
	ts := serveFolder(t, data, feeds)
	want := apiSearch(t, ts.URL, url.Values{"sort": {"date"}, "limit": {"1"}}).Total

	crawl := bantrackCmd(t, "--config", slowFeeds(t, feeds, "0.4"), "--data", data, "--log-level", "warn", "crawl", "--refresh")
	var crawlErr bytes.Buffer
	crawl.Stderr = &crawlErr
	if err := crawl.Start(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var crawlDone atomic.Bool
	waited := make(chan error, 1)
	go func() {
		err := crawl.Wait()
		crawlDone.Store(true)
		waited <- err
	}()
	paths := []string{"/api/search?sort=date&limit=1", "/search?q=" + url.QueryEscape("网络安全审查"), "/feeds/search.atom?vendor=micron", "/api/search?q=fortinet&limit=1"}
	var failures []string
	answered, slowest := 0, time.Duration(0)
	for i := 0; !crawlDone.Load(); i++ {
		t0 := time.Now()
		path := paths[i%len(paths)]
		code, _, body := get(t, ts.URL+path)
		slowest = max(slowest, time.Since(t0))
		if crawlDone.Load() {
			break
		}
		answered++
		switch {
		case code != 200:
			failures = append(failures, fmt.Sprintf("%s: %d %.200s", path, code, body))
		case i%len(paths) == 0:
			var res apiResults
			if err := json.Unmarshal([]byte(body), &res); err != nil || res.Total != want {
				failures = append(failures, fmt.Sprintf("%s: %d documents (%v); want the %d of the last commit", path, res.Total, err, want))
			}
		}
		time.Sleep(10 * time.Millisecond) // pace, as people do: the crawl needs the CPU too
	}
	if err := <-waited; err != nil {
		t.Fatalf("the crawl beside the server failed: %v\n%s", err, crawlErr.String())
	}
	took := time.Since(start)
	t.Logf("crawl took %v; the server answered %d requests during it; slowest %v", took.Round(time.Millisecond), answered, slowest.Round(time.Millisecond))
	if took < 20*time.Second {
		t.Errorf("the crawl took %v; the test needs one of at least 20 s", took)
	}
	if answered < 50 {
		t.Errorf("the server answered %d requests during the crawl; want at least 50", answered)
	}
	if len(failures) > 0 {
		t.Errorf("%d of %d answers were wrong during the crawl:\n%s", len(failures), answered, strings.Join(failures, "\n"))
	}
}
