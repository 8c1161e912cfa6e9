package main

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bantrack/bantrack/archive"
	"github.com/bantrack/bantrack/state"
)

// movedSite is a feed of n items, each page reached through 301 → 302 → 200, and a last item
// whose 301 leads to a 404.
func movedSite(t *testing.T, n int) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	redirect := func(w http.ResponseWriter, status int, loc, body string) {
		w.Header().Set("Location", loc)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		num := func(prefix string) (int, bool) {
			i, err := strconv.Atoi(strings.TrimPrefix(p, prefix))
			return i, strings.HasPrefix(p, prefix) && err == nil && i < n
		}
		if p == "/feed.rss" {
			w.Header().Set("Content-Type", "application/rss+xml")
			var b strings.Builder
			b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Moved wire</title>`)
			for i := range n {
				fmt.Fprintf(&b, `<item><title>Notice %d on vendors</title><link>%s/old/%d</link><description>Notice %d.</description></item>`, i, srv.URL, i, i)
			}
			fmt.Fprintf(&b, `<item><title>A notice that is gone</title><link>%s/gone</link><description>Gone notice.</description></item>`, srv.URL)
			b.WriteString(`</channel></rss>`)
			io.WriteString(w, b.String())
			return
		}
		if i, ok := num("/old/"); ok {
			redirect(w, http.StatusMovedPermanently, fmt.Sprintf("/mid/%d", i), "moved to mid")
			return
		}
		if i, ok := num("/mid/"); ok {
			redirect(w, http.StatusFound, fmt.Sprintf("%s/new/%d", srv.URL, i), "found at new")
			return
		}
		if i, ok := num("/new/"); ok {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, movedPageHTML(i))
			return
		}
		if p == "/gone" {
			redirect(w, http.StatusMovedPermanently, "/missing", "gone")
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func movedPageHTML(i int) string {
	return fmt.Sprintf(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>Notice %[1]d on vendors</title></head><body><article>`+
		`<h1>Notice %[1]d on vendors</h1><p>Notice number %[1]d: the regulator told operators of critical infrastructure to replace the products of VMware and Fortinet.</p>`+
		`<p>Operators have until the end of the year to report on notice %[1]d, the regulator said in a statement on its website.</p></article></body></html>`, i)
}

func movedFeeds(t *testing.T, srv *httptest.Server, rate string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "feeds.yaml")
	yaml := "sources:\n  - name: moved\n    kind: feed\n    url: \"" + srv.URL + "/feed.rss\"\n    lang: en\n    rate: " + rate +
		"\n    retries: 0\n    robots: false\n"
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestEvidencePackRedirects: the evidence pack of a document whose page was reached through
// 301 → 302 carries, read back by an independent WARC reader, the 301 and the 302 (their
// Location headers saying where each led) before the page, byte for byte what the server sent.
func TestEvidencePackRedirects(t *testing.T) {
	srv := movedSite(t, 2)
	data := t.TempDir()
	g := []string{"--config", movedFeeds(t, srv, "100"), "--data", data, "--log-level", "warn"}
	if out, errs, code := runCmd(t, nil, append(g, "crawl")...); code != 0 {
		t.Fatalf("crawl exit %d\n%s\n%s", code, out, errs)
	}
	var doc exportRecord
	for _, r := range exportRecordsInProcess(t, g) {
		if r.URL == srv.URL+"/old/1" {
			doc = r
		}
	}
	if doc.SHA256 != sha([]byte(movedPageHTML(1))) {
		t.Fatalf("document of /old/1: sha256 %q; want the page's", doc.SHA256)
	}
	if out, _, code := runCmd(t, nil, append(g, "show", "--raw", doc.ID)...); code != 0 || out != movedPageHTML(1) {
		t.Errorf("show --raw: exit %d, %d bytes; want the page", code, len(out))
	}
	pack := filepath.Join(t.TempDir(), "pack.warc.gz")
	out, errs, code := runCmd(t, nil, append(g, "evidence", doc.ID, "-o", pack)...)
	if code != 0 || !strings.Contains(out, "1 archived response (after 2 redirects that led to them)") {
		t.Fatalf("evidence exit %d: %s%s", code, out, errs)
	}
	var got []string
	for _, r := range readPack(t, pack) {
		switch r.typ {
		case "response":
			head, body, _ := bytes.Cut(r.block, []byte("\r\n\r\n"))
			status, _, _ := strings.Cut(strings.TrimPrefix(string(head), "HTTP/1.1 "), " ")
			loc := ""
			for l := range strings.SplitSeq(string(head), "\r\n") {
				if v, ok := strings.CutPrefix(l, "Location: "); ok {
					loc = v
				}
			}
			got = append(got, fmt.Sprintf("%s %s -> %q %q", status, strings.TrimPrefix(r.uri, srv.URL), loc, body))
		default:
			got = append(got, r.typ)
		}
	}
	want := []string{
		"warcinfo",
		`301 /old/1 -> "/mid/1" "moved to mid"`,
		fmt.Sprintf(`302 /mid/1 -> "%s/new/1" "found at new"`, srv.URL),
		fmt.Sprintf(`200 /new/1 -> "" %q`, movedPageHTML(1)),
		"metadata",
	}
	if !slices.Equal(got, want) {
		t.Errorf("pack records:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestRedirectCrawlSurvivesKills kills crawls of a site whose every page is behind two redirects
// (and one behind a redirect to a 404) at random moments, then checks what a last crawl leaves:
// every document once, as after a clean crawl; each indexed page's body archived, one version
// each; each version's recorded redirects readable in the archive as the 301 and 302 that led to
// its page.
func TestRedirectCrawlSurvivesKills(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real processes for about 20 seconds")
	}
	srv := movedSite(t, 30)
	feeds := movedFeeds(t, srv, "30")
	clean := t.TempDir()
	cg := []string{"--config", feeds, "--data", clean, "--log-level", "warn"}
	start := time.Now()
	if out, errs, code := runChild(t, append(cg, "crawl")...); code != 0 {
		t.Fatalf("clean crawl exit %d\n%s\n%s", code, out, errs)
	}
	cleanTook := time.Since(start)
	want := exportIDs(t, cg)
	slices.Sort(want)
	if len(want) != 31 {
		t.Fatalf("clean crawl indexed %d documents; want 31", len(want))
	}

	data := t.TempDir()
	g := []string{"--config", feeds, "--data", data, "--log-level", "warn"}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 13))
	killed, _ := killCrawls(t, g, 10, 3, func(int) time.Duration { return time.Duration(rng.Int64N(int64(cleanTook))) })
	t.Logf("10 crawls, %d killed with SIGKILL", killed)
	if killed < 4 {
		t.Errorf("only %d of 10 crawls were killed mid-work", killed)
	}
	if out, errs, code := runChild(t, append(g, "crawl")...); code != 0 {
		t.Fatalf("crawl after the kills: exit %d\n%s\n%s", code, out, errs)
	}
	got := exportIDs(t, g)
	slices.Sort(got)
	if dup := duplicates(got); len(dup) > 0 || !slices.Equal(got, want) {
		t.Fatalf("after the kills: %d documents, repeated %v; want the %d of a clean crawl", len(got), dup, len(want))
	}
	checkArchived(t, cg, g, data)

	st, err := state.OpenReadOnly(filepath.Join(data, "state.db"), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	adir := filepath.Join(data, "archive")
	chains := 0
	err = st.SeenDocs(func(d state.Doc) error {
		for _, v := range d.Versions {
			if len(v.Redirects) != 2 {
				t.Errorf("%s (%s): %d redirects recorded; want the 301 and the 302", d.ID, d.URL, len(v.Redirects))
				continue
			}
			for j, l := range v.Redirects {
				r, err := archive.Read(adir, archive.Location{File: l.File, Offset: l.Offset, Length: l.Length})
				wantStatus := []int{301, 302}[j]
				if err != nil || r.Status != wantStatus || r.Header.Get("Location") == "" || r.Location.File != v.Response.File ||
					r.Location.Offset >= v.Response.Offset {
					t.Errorf("%s: redirect %d: status %d, Location %q (%v); want %d before the page in its file", d.ID, j, r.Status,
						r.Header.Get("Location"), err, wantStatus)
				}
			}
			chains++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if chains != 30 {
		t.Errorf("%d versions with their redirects; want 30", chains)
	}
}
