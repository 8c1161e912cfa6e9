package main

import (
	"context"
	"encoding/xml"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromium finds a Chromium or Chrome binary: $BANTRACK_CHROMIUM, else one on PATH.
func chromium() string {
	if p := os.Getenv("BANTRACK_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// artifactDir is where the browser test keeps its screenshots: $BANTRACK_ARTIFACTS, else
// $TMPDIR/bantrack-ci-artifacts.
func artifactDir(t *testing.T) string {
	dir := os.Getenv("BANTRACK_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "bantrack-ci-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestBrowser uses the web page as a person does, in headless Chromium: on the demo's data, type
// 网络安全审查 in the box, submit, see the CAC notices, open one, look at the sources' health,
// follow the search page's Atom link; then search again with JavaScript off. Screenshots are kept in artifactDir.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	bin := chromium()
	if bin == "" {
		if os.Getenv("BANTRACK_BROWSER_TEST") == "required" {
			t.Fatal("BANTRACK_BROWSER_TEST=required but no chromium found: apt-get install chromium, or set BANTRACK_CHROMIUM")
		}
		t.Skip("no chromium binary found: install Debian's chromium package (apt-get install chromium) or set BANTRACK_CHROMIUM to run the browser test")
	}
	ts, _, _, _ := servedData(t)
	shots := artifactDir(t)

	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(bin), chromedp.Headless,
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1280, 1000))
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	// What the browser complains about (a script blocked by the Content-Security-Policy, a
	// missing file) fails the test.
	var mu sync.Mutex
	var complaints []string
	err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*cdplog.EventEntryAdded); ok && e.Entry != nil && e.Entry.Level == cdplog.EntryLevelError {
			mu.Lock()
			complaints = append(complaints, e.Entry.Text+" "+e.Entry.URL)
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v", what, err)
		}
	}
	_, err = chromedp.Call(ctx, cdplog.Enable, cdp.Empty{})
	step("enable the log", err)
	step("open the page", chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.ID("q"))))
	step("type the query", chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("q"), "网络安全审查")))
	_, err = chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.ID("go"))))
	step("submit", err)
	step("see the hits", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("hits"))))
	location, err := chromedp.Run(ctx, chromedp.Location())
	step("location", err)
	hits, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("hits")))
	step("read the hits", err)
	feedLink, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`link[rel="alternate"][type="application/atom+xml"]`), "href"))
	step("find the feed link", err)
	searchPNG, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	step("screenshot the hits", err)
	_, err = chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(`#hits li:first-child a.title`))))
	step("open the first hit", err)
	step("see the document", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("doc-title"))))
	docTitle, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("doc-title")))
	step("read the title", err)
	docEvidence, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("section.ban")))
	step("read the ban finding", err)
	docPNG, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	step("screenshot the document", err)
	feedHref := feedLink.Value
	_, err = chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(`header nav a[href="/sources"]`))))
	step("open the sources page", err)
	sources, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("sources")))
	step("read the sources", err)
	sourcesPNG, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	step("screenshot the sources", err)
	for _, want := range []string{"cac-wxfb", "miit-zcwj", "newswire"} {
		if !strings.Contains(sources, want) {
			t.Errorf("the sources page lacks %s:\n%s", want, sources)
		}
	}
	for name, png := range map[string][]byte{"search.png": searchPNG, "document.png": docPNG, "sources.png": sourcesPNG} {
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshots in %s", shots)

	if !strings.Contains(location, "/search?q=%E7%BD%91%E7%BB%9C%E5%AE%89%E5%85%A8%E5%AE%A1%E6%9F%A5") {
		t.Errorf("the form went to %s", location)
	}
	for _, want := range []string{"关于对美光公司在华销售产品进行网络安全审查的公告", "美光公司在华销售的产品未通过网络安全审查", "cac-wxfb", "BAN-RELATED"} {
		if !strings.Contains(hits, want) {
			t.Errorf("the hits the browser shows lack %q:\n%s", want, hits)
		}
	}
	if !strings.Contains(docTitle, "网络安全审查") || !strings.Contains(docEvidence, "BAN-RELATED") {
		t.Errorf("the document page shows %q with %q", docTitle, docEvidence)
	}

	// The Atom link the page advertises is a feed of the same search.
	u, err := url.Parse(location)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := u.Parse(feedHref)
	if err != nil {
		t.Fatal(err)
	}
	feed := fetchAtom(t, ref.String())
	var titles []string
	for _, e := range feed.Entries {
		titles = append(titles, e.Title)
	}
	if !strings.Contains(strings.Join(titles, "\n"), "美光公司在华销售的产品未通过网络安全审查") {
		t.Errorf("the page's Atom feed (%s) holds %q", ref, titles)
	}
	raw, err := xml.Marshal(feed)
	if err != nil || len(raw) == 0 {
		t.Errorf("feed does not marshal back: %v", err)
	}

	// Without JavaScript the page works the same: a plain form and links.
	_, err = chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	step("turn JavaScript off", err)
	step("open the page without JavaScript", chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), "fortinet")))
	_, err = chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Submit(chromedp.ID("q"))))
	step("submit without JavaScript", err)
	noJS, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("hits")))
	step("read the hits without JavaScript", err)
	if !strings.Contains(strings.ToLower(noJS), "fortinet") {
		t.Errorf("without JavaScript the search shows:\n%s", noJS)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(complaints) > 0 {
		t.Errorf("the browser logged errors:\n%s", strings.Join(complaints, "\n"))
	}
}
