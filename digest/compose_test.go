package digest

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bantrack/bantrack/article"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func compose(t *testing.T, arts []article.Article, opts Options) (*Message, parsedMessage) {
	t.Helper()
	m, err := Compose(arts, opts)
	if err != nil {
		t.Fatalf("Compose: %v", err)
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatalf("WriteTo: %v", err)
	}
	return m, parseMessage(t, buf.Bytes())
}

func TestComposeTextGolden(t *testing.T) {
	tests := []struct {
		name string
		arts []article.Article
		opts Options
	}{
		{"digest", testArticles(), testOptions()},
		{"empty", nil, testOptions()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, p := compose(t, tc.arts, tc.opts)
			golden := filepath.Join("testdata", tc.name+".golden.txt")
			if *update {
				if err := os.WriteFile(golden, []byte(p.Text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden (run with -update to create): %v", err)
			}
			if p.Text != string(want) {
				t.Errorf("text part differs from %s:\ngot:\n%s\nwant:\n%s", golden, p.Text, want)
			}
		})
	}
}

func TestComposeHeaders(t *testing.T) {
	m, p := compose(t, testArticles(), testOptions())
	wantSubject := "bantrack: 4 new notices — Fortinet, Micron Technology, VMware and 2 more"
	if p.Subject != wantSubject {
		t.Errorf("Subject = %q; want %q", p.Subject, wantSubject)
	}
	if m.Subject != wantSubject {
		t.Errorf("Message.Subject = %q; want %q", m.Subject, wantSubject)
	}
	if raw := p.Header.Get("Subject"); !strings.HasPrefix(raw, "=?UTF-8?") {
		t.Errorf("raw Subject = %q; want RFC 2047 encoded words", raw)
	}
	date, err := p.Header.Date()
	if err != nil {
		t.Fatalf("Date header %q: %v", p.Header.Get("Date"), err)
	}
	if !date.Equal(fixedNow()) {
		t.Errorf("Date = %v; want %v", date, fixedNow())
	}
	id := p.Header.Get("Message-ID")
	if !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.org>") {
		t.Errorf("Message-ID = %q; want <...@example.org>", id)
	}
	if got := p.Header.Get("MIME-Version"); got != "1.0" {
		t.Errorf("MIME-Version = %q; want 1.0", got)
	}
	from, err := p.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Address != "alerts@example.org" || from[0].Name != "bantrack" {
		t.Errorf("From = %v (%v); want bantrack <alerts@example.org>", from, err)
	}
	to, err := p.Header.AddressList("To")
	if err != nil || len(to) != 2 || to[0].Address != "analyst@example.org" || to[1].Address != "second@example.org" {
		t.Errorf("To = %v (%v); want analyst@example.org, second@example.org", to, err)
	}
	if got, want := p.Parts, []string{"text/plain", "text/html"}; !slices.Equal(got, want) {
		t.Errorf("parts = %v; want %v", got, want)
	}
	wantIDs := []string{"0f1e2d3c4b5a6978", "a1b2c3d4e5f60718", "77aa88bb99cc0011", "48bec8020ce4adc0"}
	if !slices.Equal(m.IDs, wantIDs) {
		t.Errorf("IDs = %v; want %v", m.IDs, wantIDs)
	}

	// A second message gets its own Message-ID.
	m2, p2 := compose(t, testArticles(), testOptions())
	if p2.Header.Get("Message-ID") == id {
		t.Errorf("two digests share Message-ID %s", id)
	}
	_ = m2
}

func TestComposeHTML(t *testing.T) {
	_, p := compose(t, testArticles(), testOptions())
	if w := missing(p.HTML,
		`<a href="https://www.bis.gov/press-release/fortinet-advisory"`,
		"美光公司在华销售的产品未通过网络安全审查",
		"Cyberspace Administration of China: review, ban — Micron Technology",
		"Targets</td><td valign=\"top\">VMware, Palo Alto Networks, Fortinet, Check Point",
		"★ watched",
		"The Bureau opened a review of Fortinet appliances used in federal networks.",
		`<meta name="color-scheme" content="light dark">`,
	); w != "" {
		t.Errorf("HTML part lacks %q", w)
	}
	// Inline CSS only, and no background colours that fight dark mode.
	for _, bad := range []string{"<style", "background", "<link", "class="} {
		if strings.Contains(strings.ToLower(p.HTML), bad) {
			t.Errorf("HTML part contains %q", bad)
		}
	}
	// Watched group first.
	if i, j := strings.Index(p.HTML, ">Fortinet"), strings.Index(p.HTML, ">Micron Technology<"); i < 0 || j < 0 || i > j {
		t.Errorf("Fortinet group at %d, Micron Technology group at %d; want the watched Fortinet first", i, j)
	}
}

func TestComposeEscapesHTML(t *testing.T) {
	a := testArticles()[2]
	a.Title = `Fortinet <script>alert("x")</script> & co`
	a.URL = "javascript:alert(1)"
	a.Ban.Evidence = []string{`<img src=x onerror=alert(1)>`}
	_, p := compose(t, []article.Article{a}, testOptions())
	for _, bad := range []string{"<script>", "<img", `href="javascript:`} {
		if strings.Contains(p.HTML, bad) {
			t.Errorf("HTML part contains %q unescaped", bad)
		}
	}
	if w := missing(p.HTML, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co", "&lt;img src=x onerror=alert(1)&gt;"); w != "" {
		t.Errorf("HTML part lacks escaped %q", w)
	}
	if w := missing(p.Text, `Fortinet <script>alert("x")</script> & co`); w != "" {
		t.Errorf("text part lacks the title as written %q", w)
	}
}

func TestSubject(t *testing.T) {
	base := testArticles()
	noNames := article.Article{ID: "1", URL: "https://www.samr.gov.cn/1.html", Lang: "zh",
		Title: "市场监管总局关于依法对某公司立案调查的公告", Published: time.Date(2026, 1, 1, 0, 0, 0, 0, shanghai)}
	tests := []struct {
		name  string
		arts  []article.Article
		watch []string
		want  string
	}{
		{"empty", nil, nil, "bantrack: no new notices"},
		{"one target", base[:1], nil, "bantrack: 1 new notice — Micron Technology"},
		{"group heads first", base[:3], nil, "bantrack: 3 new notices — Fortinet, Micron Technology, VMware and 2 more"},
		{"watched first", base[:3], []string{"VMware"}, "bantrack: 3 new notices — VMware, Fortinet, Micron Technology and 2 more"},
		{"agencies when no targets", base[3:], nil, "bantrack: 1 new notice — Ministry of Industry and Information Technology"},
		{"chinese title when no names", []article.Article{noNames}, nil, "bantrack: 1 new notice — 市场监管总局关于依法对某公司立案调查的公告"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := testOptions()
			opts.WatchVendors = tc.watch
			m, p := compose(t, tc.arts, opts)
			if m.Subject != tc.want {
				t.Errorf("Subject = %q; want %q", m.Subject, tc.want)
			}
			if p.Subject != tc.want {
				t.Errorf("decoded Subject = %q; want %q", p.Subject, tc.want)
			}
		})
	}
}

func TestComposeGrouping(t *testing.T) {
	tests := []struct {
		name          string
		watchVendors  []string
		watchAgencies []string
		wantIDs       []string
	}{
		{"no watchlist", nil, nil, []string{"0f1e2d3c4b5a6978", "a1b2c3d4e5f60718", "77aa88bb99cc0011", "48bec8020ce4adc0"}},
		{"watched vendor", []string{"Micron Technology"}, nil, []string{"48bec8020ce4adc0", "0f1e2d3c4b5a6978", "a1b2c3d4e5f60718", "77aa88bb99cc0011"}},
		{"watched agency", nil, []string{"ministry of industry and information technology"}, []string{"77aa88bb99cc0011", "0f1e2d3c4b5a6978", "a1b2c3d4e5f60718", "48bec8020ce4adc0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := testOptions()
			opts.WatchVendors, opts.WatchAgencies = tc.watchVendors, tc.watchAgencies
			m, _ := compose(t, testArticles(), opts)
			if !slices.Equal(m.IDs, tc.wantIDs) {
				t.Errorf("IDs = %v; want %v", m.IDs, tc.wantIDs)
			}
		})
	}
}

func TestComposeErrors(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"bad from", Options{From: "not an address", To: []string{"a@example.org"}}},
		{"no recipients", Options{From: "a@example.org"}},
		{"bad recipient", Options{From: "a@example.org", To: []string{"@@"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Compose(testArticles(), tc.opts); err == nil {
				t.Errorf("Compose(%+v) = nil error; want an error", tc.opts)
			}
		})
	}
}

// TestComposeTakedown: an item whose page was taken down says so in both parts, with the time
// and the answer; the others do not.
func TestComposeTakedown(t *testing.T) {
	arts := testArticles()
	opts := testOptions()
	at := time.Date(2026, 12, 6, 21, 40, 0, 0, time.UTC)
	opts.Takedowns = map[string]Takedown{arts[0].ID: {At: at, Status: 410}}
	_, p := compose(t, arts, opts)
	want := "taken down after publication: 2026-12-06 21:40 UTC (the page answers 410 Gone)"
	for part, body := range map[string]string{"text": p.Text, "HTML": p.HTML} {
		if n := strings.Count(body, "taken down after publication"); n != 1 || !strings.Contains(body, want) {
			t.Errorf("%s part: %d takedown lines; want one, %q", part, n, want)
		}
	}
}
