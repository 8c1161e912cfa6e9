package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/bantrack/bantrack"
	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/internal/fixture"
)

// runCmd runs bantrack in-process and returns its stdout, stderr and exit code.
func runCmd(t *testing.T, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	err := run(context.Background(), args, &out, &errb, getenv)
	code := report(&errb, err)
	return out.String(), errb.String(), code
}

// fixtureSetup serves the fixture sites and writes a feeds file pointing at them.
func fixtureSetup(t *testing.T) (srv *fixture.Server, feeds string) {
	t.Helper()
	sites, err := fs.Sub(bantrack.Fixtures(), "sites")
	if err != nil {
		t.Fatal(err)
	}
	srv, err = fixture.Start(sites)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	raw, err := fs.ReadFile(bantrack.Fixtures(), "demo-feeds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	feeds = filepath.Join(t.TempDir(), "feeds.yaml")
	if err := os.WriteFile(feeds, srv.Render(raw), 0o644); err != nil {
		t.Fatal(err)
	}
	return srv, feeds
}

func TestCrawlSearchShowExport(t *testing.T) {
	srv, feeds := fixtureSetup(t)
	data := t.TempDir()
	g := []string{"--config", feeds, "--data", data, "--log-level", "warn"}

	out, errs, code := runCmd(t, nil, append(g, "crawl")...)
	if code != 0 {
		t.Fatalf("crawl exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	for _, src := range []string{"newswire", "cac-wxfb", "miit-zcwj"} {
		if !regexp.MustCompile(`(?m)^` + src + `\s+listed\s+[1-9]`).MatchString(out) {
			t.Errorf("crawl summary lacks a line for %s with items:\n%s", src, out)
		}
	}

	// English search: the seed-like story with its vendors and agencies.
	out, errs, code = runCmd(t, nil, append(g, "search", "--json", "fortinet")...)
	if code != 0 {
		t.Fatalf("search exit %d: %s", code, errs)
	}
	var res struct {
		Total int `json:"total"`
		Hits  []struct {
			ID, Title, URL string
			Vendors        []string `json:"vendors"`
			Agencies       []string `json:"agencies"`
		} `json:"hits"`
		Facets map[string]map[string]int `json:"facets"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("search --json: %v\n%s", err, out)
	}
	var seed *struct {
		ID, Title, URL string
		Vendors        []string `json:"vendors"`
		Agencies       []string `json:"agencies"`
	}
	for i, h := range res.Hits {
		if strings.Contains(h.Title, "Israeli cybersecurity software") {
			seed = &res.Hits[i]
			break
		}
	}
	if seed == nil {
		t.Fatalf("search fortinet: the seed-like story (Israeli cybersecurity software) is not among the hits: %s", out)
	}
	for _, v := range []string{"VMware", "Broadcom", "Palo Alto Networks", "Fortinet", "Check Point Software Technologies"} {
		if !slices.Contains(seed.Vendors, v) {
			t.Errorf("seed-like hit vendors = %v; want %s among them", seed.Vendors, v)
		}
	}
	for _, ag := range []string{"Cyberspace Administration of China", "Ministry of Industry and Information Technology"} {
		if !slices.Contains(seed.Agencies, ag) {
			t.Errorf("seed-like hit agencies = %v; want %s among them", seed.Agencies, ag)
		}
	}

	// Chinese search finds the CAC notice.
	out, _, code = runCmd(t, nil, append(g, "search", "--json", "网络安全审查")...)
	if code != 0 || !strings.Contains(out, srv.Origin("cac")) {
		t.Errorf("search 网络安全审查 (exit %d) found no CAC document:\n%s", code, out)
	}

	// Names resolve through the gazetteer: an alias, a Chinese name and the canonical name are one filter,
	// and a Chinese query word that names a vendor also finds English articles about it.
	var micron []string
	for _, v := range []string{"micron", "美光", "Micron Technology"} {
		out, _, code := runCmd(t, nil, append(g, "search", "--json", "--vendor", v)...)
		if code != 0 {
			t.Fatalf("search --vendor %s: exit %d", v, code)
		}
		var r struct {
			Hits []struct{ ID, URL string } `json:"hits"`
		}
		json.Unmarshal([]byte(out), &r)
		var ids []string
		for _, h := range r.Hits {
			ids = append(ids, h.ID)
		}
		slices.Sort(ids)
		if micron == nil {
			micron = ids
		} else if !slices.Equal(ids, micron) {
			t.Errorf("search --vendor %s = %v; want the same as --vendor micron: %v", v, ids, micron)
		}
	}
	if len(micron) < 3 {
		t.Errorf("search --vendor micron found %d documents; want the CAC notices and the wire story", len(micron))
	}
	// A parent's filter finds its children: --agency CAC finds the notices of its Cybersecurity Review
	// Office, which name only the office.
	out, _, _ = runCmd(t, nil, append(g, "search", "--json", "--agency", "网信办", "--lang", "zh", "美光")...)
	var byCAC struct {
		Hits []struct {
			Agencies []string `json:"agencies"`
		} `json:"hits"`
	}
	json.Unmarshal([]byte(out), &byCAC)
	officeOnly := 0
	for _, h := range byCAC.Hits {
		if slices.Equal(h.Agencies, []string{"Cybersecurity Review Office"}) {
			officeOnly++
		}
	}
	if officeOnly == 0 {
		t.Errorf("search --agency 网信办 美光 found no notice naming only the Cybersecurity Review Office:\n%s", out)
	}
	out, _, _ = runCmd(t, nil, append(g, "search", "--json", "--lang", "en", "美光")...)
	if !strings.Contains(out, srv.Origin("newswire")) {
		t.Errorf("search 美光 --lang en found no English article about Micron:\n%s", out)
	}

	// show by id and by URL.
	out, _, code = runCmd(t, nil, append(g, "show", "--json", seed.ID)...)
	var shown article.Article
	if code != 0 || json.Unmarshal([]byte(out), &shown) != nil || shown.ID != seed.ID || shown.Text == "" {
		t.Errorf("show %s (exit %d) = %.300s", seed.ID, code, out)
	}
	if !shown.Ban.Related || len(shown.Ban.Evidence) == 0 {
		t.Errorf("seed-like story ban = %+v; want related with evidence", shown.Ban)
	}
	out, _, code = runCmd(t, nil, append(g, "show", seed.URL)...)
	if code != 0 || !strings.Contains(out, seed.Title) {
		t.Errorf("show URL (exit %d) = %.300s", code, out)
	}

	// export: one record per document, of the contract's shape.
	out, _, code = runCmd(t, nil, append(g, "export")...)
	if code != 0 {
		t.Fatalf("export exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 12 {
		t.Errorf("export gave %d records; want every fixture article (12 or more)", len(lines))
	}
	keys := []string{"id", "url", "source", "lang", "title", "published", "fetched", "text", "vendors", "agencies",
		"countries", "dates", "ban", "doc_numbers", "status"}
	ids := map[string]bool{}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("export line is not JSON: %v: %.200s", err, l)
		}
		for _, k := range keys {
			if _, ok := m[k]; !ok && k != "published" {
				t.Errorf("export record %v lacks %q", m["id"], k)
			}
		}
		id := m["id"].(string)
		if ids[id] {
			t.Errorf("export repeats id %s", id)
		}
		ids[id] = true
	}

	// export --format csv: a header and one row per document, text included.
	out, _, code = runCmd(t, nil, append(g, "export", "--format", "csv")...)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil {
		t.Fatalf("export --format csv: exit %d, %v", code, err)
	}
	if len(rows) != len(lines)+1 || rows[0][0] != "id" || rows[0][len(rows[0])-1] != "text" {
		t.Errorf("export csv: %d rows, header %v; want a header and %d rows", len(rows), rows[0], len(lines))
	}

	// reindex rebuilds from stored documents without fetching anything.
	srv.ResetRequests()
	out, errs, code = runCmd(t, nil, append(g, "reindex")...)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("reindexed %d documents", len(lines))) {
		t.Errorf("reindex (exit %d) = %q %s; want %d documents", code, out, errs, len(lines))
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("reindex sent %d requests; want none", n)
	}

	// A second crawl of the unchanged sites sends only conditional requests (robots.txt aside) and
	// indexes nothing twice.
	srv.ResetRequests()
	if _, errs, code := runCmd(t, nil, append(g, "crawl")...); code != 0 {
		t.Fatalf("second crawl exit %d: %s", code, errs)
	}
	second := srv.Requests()
	if len(second) == 0 {
		t.Fatal("second crawl sent no requests at all")
	}
	for _, r := range second {
		if !r.Conditional() && !strings.HasSuffix(r.Path, "/robots.txt") {
			t.Errorf("second crawl sent an unconditional request: %s %s%s (status %d)", r.Method, r.Site, r.Path, r.Status)
		}
	}
	// --refresh reads listings and articles again.
	srv.ResetRequests()
	if _, errs, code := runCmd(t, nil, append(g, "crawl", "--refresh")...); code != 0 {
		t.Fatalf("crawl --refresh exit %d: %s", code, errs)
	}
	fetched := 0
	for _, r := range srv.Requests() {
		if r.Status == 200 && strings.HasSuffix(r.Path, ".html") {
			fetched++
		}
	}
	if fetched < 10 {
		t.Errorf("crawl --refresh fetched %d article pages; want every fixture article again", fetched)
	}
	out, _, _ = runCmd(t, nil, append(g, "export")...)
	if n := len(strings.Split(strings.TrimSpace(out), "\n")); n != len(lines) {
		t.Errorf("after a second crawl export has %d records; want %d", n, len(lines))
	}
}

func TestConfigTypoExits2(t *testing.T) {
	dir := t.TempDir()
	feeds := filepath.Join(dir, "feeds.yaml")
	body := "sources:\n  - name: a\n    kind: feed\n    url: https://example.org/feed\n    lsit:\n      item: li\n"
	if err := os.WriteFile(feeds, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, code := runCmd(t, nil, "--data", filepath.Join(dir, "data"), "crawl", "--config", feeds)
	if code != exitUsage {
		t.Errorf("exit = %d; want %d", code, exitUsage)
	}
	if !strings.Contains(errs, "feeds.yaml:5:") || !strings.Contains(errs, "lsit") {
		t.Errorf("stderr = %q; want it to name feeds.yaml:5 and the field lsit", errs)
	}
}

func TestConfigFromEnv(t *testing.T) {
	dir := t.TempDir()
	_, errs, code := runCmd(t, map[string]string{"BANTRACK_CONFIG": filepath.Join(dir, "nope.yaml"), "BANTRACK_DATA": dir}, "crawl")
	if code != exitUsage || !strings.Contains(errs, "nope.yaml") {
		t.Errorf("crawl with a missing $BANTRACK_CONFIG: exit %d, %q; want 2 naming the file", code, errs)
	}
}

func TestUsageErrors(t *testing.T) {
	for name, args := range map[string][]string{
		"no command":      {},
		"unknown command": {"crawwl"},
		"bad flag":        {"search", "--nope", "x"},
		"bad sort":        {"search", "--sort", "size", "x"},
		"bad date":        {"search", "--since", "yesterday", "x"},
		"bad log level":   {"--log-level", "loud", "version"},
	} {
		t.Run(name, func(t *testing.T) {
			args = append([]string{"--data", t.TempDir()}, args...)
			if _, errs, code := runCmd(t, nil, args...); code != exitUsage {
				t.Errorf("exit = %d (%s); want %d", code, errs, exitUsage)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	out, _, code := runCmd(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "bantrack ") {
		t.Errorf("version = %d %q", code, out)
	}
}

func TestDemo(t *testing.T) {
	out, errs, code := runCmd(t, nil, "--log-level", "warn", "demo")
	if code != 0 {
		t.Fatalf("demo exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{"newswire", "cac-wxfb", "miit-zcwj", `bantrack search "fortinet"`, "Check Point Software Technologies",
		"Cyberspace Administration of China", `bantrack search "网络安全审查"`, "Subject: bantrack: "} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
}

func TestFeedsCheck(t *testing.T) {
	srv, feeds := fixtureSetup(t)
	out, errs, code := runCmd(t, nil, "--config", feeds, "--log-level", "warn", "feeds", "check", "cac-wxfb", "miit-zcwj")
	if code != 0 {
		t.Fatalf("feeds check exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{"== cac-wxfb", "4 items", "关于对美光公司在华销售产品进行网络安全审查的公告", "2023-03-31",
		"== miit-zcwj", "3 items", "first article: title"} {
		if !strings.Contains(out, want) {
			t.Errorf("feeds check output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "PROBLEM") {
		t.Errorf("feeds check reports a problem on good fixtures:\n%s", out)
	}
	// Nothing is indexed or recorded: no data folder was even needed, and only GETs were sent.
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			t.Errorf("feeds check sent %s %s", r.Method, r.Path)
		}
	}

	// A listing whose layout changed: the selectors find nothing, and the command says so and fails.
	srv.Override("cac", "/wxzw/wxfb/A093702index_1.htm", 200, []byte(`<html><body><ul class="new-list"><li><a href="/x.htm">x</a></li></ul></body></html>`))
	out, _, code = runCmd(t, nil, "--config", feeds, "--log-level", "warn", "feeds", "check", "cac-wxfb")
	if code == 0 || !strings.Contains(out, "PROBLEM") {
		t.Errorf("feeds check on a changed layout: exit %d, output:\n%s\nwant a PROBLEM line and a non-zero exit", code, out)
	}
}

// TestMirrorKeepsBothURLs: a notice reposted under a second URL in a later crawl stays one
// document that keeps both URLs, also after a refresh.
func TestMirrorKeepsBothURLs(t *testing.T) {
	srv, feeds := fixtureSetup(t)
	g := []string{"--config", feeds, "--data", t.TempDir(), "--log-level", "warn"}
	if _, errs, code := runCmd(t, nil, append(g, "crawl", "--source", "mofcom-zcfb")...); code != 0 {
		t.Fatalf("crawl exit %d: %s", code, errs)
	}
	const listing, notice = "zwgk/zcfb/index.html", "zwgk/zcfb/art/2025/art_4f1e2d3c6b5a4978a1b2c3d4e5f60718.html"
	page, err := fs.ReadFile(bantrack.Fixtures(), "sites/mofcom/"+notice)
	if err != nil {
		t.Fatal(err)
	}
	list, err := fs.ReadFile(bantrack.Fixtures(), "sites/mofcom/"+listing)
	if err != nil {
		t.Fatal(err)
	}
	mirrorItem := `<li><a href="/mirror/pvh-illumina.html" title="转载：不可靠实体清单工作机制公告">转载：不可靠实体清单工作机制公告</a><span class="date">[2025-02-05]</span></li>`
	withMirror := strings.Replace(string(list), "<li><a href=\"/zwgk/zcfb/art/2025/", mirrorItem+"<li><a href=\"/zwgk/zcfb/art/2025/", 1)
	if withMirror == string(list) {
		t.Fatal("could not add the mirror item to the listing fixture")
	}
	srv.Override("mofcom", "/"+listing, 0, []byte(withMirror))
	srv.Override("mofcom", "/mirror/pvh-illumina.html", 0, page)

	mirror := srv.Origin("mofcom") + "/mirror/pvh-illumina.html"
	original := srv.Origin("mofcom") + "/" + notice
	check := func(when string) {
		t.Helper()
		out, _, code := runCmd(t, nil, append(g, "export")...)
		if code != 0 {
			t.Fatalf("%s: export exit %d", when, code)
		}
		var found []article.Article
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			var a article.Article
			if err := json.Unmarshal([]byte(l), &a); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(a.Title, "PVH") || a.URL == mirror {
				found = append(found, a)
			}
		}
		if len(found) != 1 {
			t.Fatalf("%s: %d documents for the PVH notice; want 1", when, len(found))
		}
		urls := append([]string{found[0].URL}, found[0].AltURLs...)
		if !slices.Contains(urls, mirror) || !slices.Contains(urls, original) {
			t.Errorf("%s: the notice's URLs are %v; want both %s and %s", when, urls, original, mirror)
		}
	}
	if _, errs, code := runCmd(t, nil, append(g, "crawl", "--source", "mofcom-zcfb")...); code != 0 {
		t.Fatalf("second crawl exit %d: %s", code, errs)
	}
	check("after the mirror appeared")
	// The listing drops the mirror again; a refresh fetches the notice anew and must keep it.
	srv.Restore("mofcom", "/"+listing)
	if _, errs, code := runCmd(t, nil, append(g, "crawl", "--refresh", "--source", "mofcom-zcfb")...); code != 0 {
		t.Fatalf("refresh exit %d: %s", code, errs)
	}
	check("after a refresh, with the mirror gone from the listing")
}

// TestExtractCommand: one record per input, in input order, from a local GBK file, a gzipped copy
// and a URL; a bad input gets an error line and the command fails without stopping the others.
func TestExtractCommand(t *testing.T) {
	srv, _ := fixtureSetup(t)
	dir := t.TempDir()
	gbk, err := fs.ReadFile(bantrack.Fixtures(), "sites/cac/2023-05/21/c_1686348043518073.htm")
	if err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "micron-gbk.htm")
	if err := os.WriteFile(plain, gbk, 0o644); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(gbk)
	zw.Close()
	zipped := filepath.Join(dir, "micron-gbk.html.gz")
	if err := os.WriteFile(zipped, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	url := srv.Origin("newswire") + "/technology/china-tells-firms-stop-using-us-israeli-cybersecurity-software-2026-01-14.html"
	missing := filepath.Join(dir, "nope.html")

	out, _, code := runCmd(t, nil, "--log-level", "error", "extract", plain, missing, zipped, url)
	if code != exitFailed {
		t.Errorf("extract with a missing input: exit %d; want %d", code, exitFailed)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("extract printed %d lines; want 4 (one per input):\n%s", len(lines), out)
	}
	var recs [4]map[string]any
	for i, l := range lines {
		if err := json.Unmarshal([]byte(l), &recs[i]); err != nil {
			t.Fatalf("line %d is not JSON: %v", i+1, err)
		}
	}
	for _, i := range []int{0, 2} {
		text, _ := recs[i]["text"].(string)
		if !strings.Contains(text, "停止采购美光公司产品") || recs[i]["lang"] != "zh" {
			t.Errorf("record %d (GBK page) text %.80q lang %v; want the decoded Chinese notice", i+1, text, recs[i]["lang"])
		}
		if v, _ := recs[i]["vendors"].([]any); !slices.Contains(v, any("Micron Technology")) {
			t.Errorf("record %d vendors = %v; want Micron Technology", i+1, v)
		}
	}
	if e, _ := recs[1]["error"].(string); !strings.Contains(e, "nope.html") {
		t.Errorf("record 2 = %v; want an error naming the missing file", recs[1])
	}
	if ban, _ := recs[3]["ban"].(map[string]any); ban["related"] != true || recs[3]["url"] != url {
		t.Errorf("record 4 (URL) = url %v ban %v; want the seed-like story, ban-related", recs[3]["url"], recs[3]["ban"])
	}
}

// TestDemoRefusesRealData: demo --data on a folder holding a real crawl's data is refused (exit
// 2) and leaves it as it was; an empty folder is filled and may be used again.
func TestDemoRefusesRealData(t *testing.T) {
	_, feeds := fixtureSetup(t)
	data := t.TempDir()
	if out, errs, code := runCmd(t, nil, "--config", feeds, "--data", data, "--log-level", "error", "crawl"); code != 0 {
		t.Fatalf("crawl exit %d\n%s\n%s", code, out, errs)
	}
	before := listTree(data)
	if _, errs, code := runCmd(t, nil, "--data", data, "demo"); code != 2 || !strings.Contains(errs, "holds other data") {
		t.Errorf("demo --data on real data: exit %d, stderr %q; want 2 and a refusal", code, errs)
	}
	if after := listTree(data); !slices.Equal(before, after) {
		t.Errorf("the refused demo changed the folder:\nbefore %v\nafter  %v", before, after)
	}
	fresh := filepath.Join(t.TempDir(), "demo")
	for range 2 {
		if _, errs, code := runCmd(t, nil, "--data", fresh, "demo"); code != 0 {
			t.Fatalf("demo --data on a new folder: exit %d: %s", code, errs)
		}
	}
}

// TestFlagErrorsAndHelp: an unknown flag is reported once, with the closest known one; a
// command's help names its arguments.
func TestFlagErrorsAndHelp(t *testing.T) {
	_, errs, code := runCmd(t, nil, "search", "--vendr", "micron", "ban")
	if code != 2 || strings.Count(errs, "vendr") != 1 || !strings.Contains(errs, "did you mean --vendor?") || strings.Contains(errs, "-agency") {
		t.Errorf("unknown flag: exit %d, stderr %q; want 2, one line with a suggestion and no flag list", code, errs)
	}
	for cmd, want := range map[string]string{"show": "ID|URL", "search": "[QUERY]", "extract": "FILE|URL..."} {
		_, errs, code := runCmd(t, nil, cmd, "--help")
		if code != 0 || !strings.Contains(errs, "usage: bantrack "+cmd+" [flags] "+want) {
			t.Errorf("%s --help: exit %d, stderr %.200q; want the usage line with %s", cmd, code, errs, want)
		}
	}
}

// TestLogFormatJSONEveryLine: with --log-format json, every line on stderr is a JSON object,
// the final error included.
func TestLogFormatJSONEveryLine(t *testing.T) {
	_, errs, code := runCmd(t, nil, "--log-format", "json", "--data", t.TempDir(), "search", "x")
	if code != 1 {
		t.Fatalf("search on an empty folder: exit %d; want 1", code)
	}
	for _, line := range strings.Split(strings.TrimSpace(errs), "\n") {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Errorf("stderr line is not JSON: %q", line)
		}
	}
}
