package crawler

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/bantrack/bantrack/config"
)

func TestCanonical(t *testing.T) {
	cases := []struct {
		name, raw, base, want string
	}{
		{"lower-case scheme and host", "HTTPS://WWW.Example.ORG/News/A.html", "", "https://www.example.org/News/A.html"},
		{"fragment and tracking dropped", "https://example.org/a?utm_source=x&id=3&spm=1.2&utm_medium=y#top", "", "https://example.org/a?id=3"},
		{"relative path", "../b/c.html?x=1", "http://example.org/news/list/index.html", "http://example.org/news/b/c.html?x=1"},
		{"root-relative", "/c/d.htm", "https://example.org/a/b/", "https://example.org/c/d.htm"},
		{"default port dropped", "http://example.org:80/x", "", "http://example.org/x"},
		{"other port kept", "http://127.0.0.1:8080/x", "", "http://127.0.0.1:8080/x"},
		{"empty path", "https://example.org", "", "https://example.org/"},
		{"query sorted", "https://example.org/?b=2&a=1", "", "https://example.org/?a=1&b=2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var base *urlT
			if tc.base != "" {
				base = mustURL(t, tc.base)
			}
			got, err := Canonical(tc.raw, base)
			if err != nil {
				t.Fatalf("Canonical(%q): %v", tc.raw, err)
			}
			if got != tc.want {
				t.Errorf("Canonical(%q) = %q; want %q", tc.raw, got, tc.want)
			}
		})
	}
	for _, bad := range []string{"javascript:void(0)", "mailto:a@b.c", "ftp://example.org/x"} {
		if got, err := Canonical(bad, nil); err == nil {
			t.Errorf("Canonical(%q) = %q; want an error", bad, got)
		}
	}
}

func TestParseDate(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	cases := []struct {
		in, layout string
		want       time.Time
	}{
		{"2026年09月18日 17:00", "", time.Date(2026, 9, 18, 17, 0, 0, 0, sh)},
		{"发布时间：2026-09-18", "", time.Date(2026, 9, 18, 0, 0, 0, 0, sh)},
		{"2023年5月21日", "", time.Date(2023, 5, 21, 0, 0, 0, 0, sh)},
		{"2026-09-18T09:30:00Z", "", time.Date(2026, 9, 18, 9, 30, 0, 0, time.UTC)},
		{"2026-09-18T09:30:00+08:00", "", time.Date(2026, 9, 18, 1, 30, 0, 0, time.UTC)},
		{"May 21, 2023", "", time.Date(2023, 5, 21, 0, 0, 0, 0, sh)},
		{"21 May 2023", "", time.Date(2023, 5, 21, 0, 0, 0, 0, sh)},
		{"Thu, 17 Sep 2026 10:00:00 GMT", "", time.Date(2026, 9, 17, 10, 0, 0, 0, time.UTC)},
		{"[2026/09/18]", "", time.Date(2026, 9, 18, 0, 0, 0, 0, sh)},
		{"18.09.2026", "02.01.2006", time.Date(2026, 9, 18, 0, 0, 0, 0, sh)},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := parseDate(tc.in, tc.layout, sh)
			if !ok || !got.Equal(tc.want) {
				t.Errorf("parseDate(%q) = %v, %v; want %v", tc.in, got, ok, tc.want)
			}
		})
	}
	if got, ok := parseDate("no date here", "", sh); ok {
		t.Errorf("parseDate(no date) = %v; want none", got)
	}
}

func TestToUTF8(t *testing.T) {
	zh := "国家互联网信息办公室发布网络安全审查办法"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(zh)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, body, ct, want string
	}{
		{"meta charset", `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>` + gbk + `</body></html>`, "text/html", zh},
		{"header charset", "<p>" + gbk + "</p>", "text/html; charset=GBK", zh},
		{"bom", "\xEF\xBB\xBF<p>" + zh + "</p>", "", zh},
		{"plain utf-8", "<p>" + zh + "</p>", "text/html", zh},
		{"utf-8 under a latin-1 header", "<p>" + zh + "</p>", "text/html; charset=ISO-8859-1", zh},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := toUTF8([]byte(tc.body), tc.ct)
			if !strings.Contains(got, tc.want) {
				t.Errorf("toUTF8 = %q; want it to contain %q", got, tc.want)
			}
		})
	}
}

func TestParsePage(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	t.Run("selectors", func(t *testing.T) {
		page := `<html><head><title>site</title></head><body><div class="nav">首页 | 新闻</div>
<h1 class="title">关于开展网络安全审查的公告</h1><span id="pubtime">2026年09月18日 17:00</span>
<div id="BodyLabel"><p>为保障关键信息基础设施供应链安全，网络安全审查办公室依法对有关产品实施网络安全审查。</p><p>特此公告。</p></div>
<div class="footer">版权所有</div></body></html>`
		p, err := ParsePage([]byte(page), "https://www.cac.gov.cn/a.htm", config.ArticleRules{Content: "#BodyLabel", Title: "h1.title", Date: "#pubtime"}, sh)
		if err != nil {
			t.Fatal(err)
		}
		if p.Title != "关于开展网络安全审查的公告" {
			t.Errorf("Title = %q; want the h1", p.Title)
		}
		want := time.Date(2026, 9, 18, 17, 0, 0, 0, sh)
		if !p.Published.Equal(want) {
			t.Errorf("Published = %v; want %v", p.Published, want)
		}
		if p.Text != "为保障关键信息基础设施供应链安全，网络安全审查办公室依法对有关产品实施网络安全审查。\n特此公告。" {
			t.Errorf("Text = %q", p.Text)
		}
	})
	t.Run("trafilatura and meta date", func(t *testing.T) {
		page := articlePage("China bans US security software", "2026-09-17T08:15:00Z", loremEN...)
		p, err := ParsePage([]byte(page), "https://wire.example/a", config.ArticleRules{}, sh)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(p.Text, "Check Point Software Technologies") || strings.Contains(p.Text, "All rights reserved") || strings.Contains(p.Text, "Markets edge up") {
			t.Errorf("Text = %q; want the article body without boilerplate", p.Text)
		}
		want := time.Date(2026, 9, 17, 8, 15, 0, 0, time.UTC)
		if !p.Published.Equal(want) {
			t.Errorf("Published = %v; want %v", p.Published, want)
		}
		if !strings.Contains(p.Title, "China bans US security software") {
			t.Errorf("Title = %q", p.Title)
		}
	})
	for _, tc := range []struct{ name, head, body string }{
		{"json-ld", `<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"x","datePublished":"2026-09-14T06:30:00+00:00"}</script>`, ""},
		{"time element", "", `<time datetime="2026-09-14T06:30:00Z">14 September</time>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := strings.Replace(articlePage("Chip curbs widen", "", loremEN...), "</head>", tc.head+"</head>", 1)
			page = strings.Replace(page, "<h1>", tc.body+"<h1>", 1)
			p, err := ParsePage([]byte(page), "https://wire.example/b", config.ArticleRules{}, sh)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Published.UTC().Format(time.DateOnly); got != "2026-09-14" {
				t.Errorf("Published = %v; want 2026-09-14", p.Published)
			}
		})
	}
	t.Run("date line", func(t *testing.T) {
		page := `<html><body><div class="info">发布时间：2026-09-15 来源：商务部</div><div class="art"><p>商务部新闻发言人就不可靠实体清单工作机制有关决定答记者问，表示将依法处理有关外国实体。</p></div></body></html>`
		p, err := ParsePage([]byte(page), "http://www.mofcom.gov.cn/a.shtml", config.ArticleRules{Content: ".art"}, sh)
		if err != nil {
			t.Fatal(err)
		}
		want := time.Date(2026, 9, 15, 0, 0, 0, 0, sh)
		if !p.Published.Equal(want) {
			t.Errorf("Published = %v; want %v", p.Published, want)
		}
	})
}

func TestDetectLang(t *testing.T) {
	cases := map[string]string{
		"网信办发布公告，要求停止使用 VMware 产品":   "zh",
		"China bans VMware products": "en",
		"":                           "en",
	}
	for in, want := range cases {
		if got := detectLang(in); got != want {
			t.Errorf("detectLang(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestPublishedFromMetadataNotURL(t *testing.T) {
	body := func(head string) []byte {
		return []byte("<html><head><title>Ministry bars gear</title>" + head + "</head><body><article><h1>Ministry bars gear</h1><p>" +
			strings.Repeat("The ministry barred the gear from state networks after a review of suppliers. ", 8) + "</p></article></body></html>")
	}
	tests := []struct {
		name, url, head string
		want            string // RFC 3339, or "" for no date
	}{
		{"port is no time", "http://127.0.0.1:1743/news/2026/09/14/ministry-bars-gear.html",
			`<meta property="article:published_time" content="2026-09-14T21:25:00Z">`, "2026-09-14T21:25:00Z"},
		{"json-ld before the url", "https://example.org:8443/2025/01/02/x.html",
			`<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2025-03-04T08:15:00+08:00"}</script>`, "2025-03-04T08:15:00+08:00"},
		{"time element", "https://example.org/2020/01/01/x.html", `</head><body><time datetime="2024-05-06T10:00:00Z">6 May</time><head>`, "2024-05-06T10:00:00Z"},
		{"url date is day precision", "http://127.0.0.1:2259/2024/07/12/x.html", "", "2024-07-12T00:00:00Z"},
		{"url compact date", "https://example.org/news/20240712/x.html", "", "2024-07-12T00:00:00Z"},
		{"date-like id is no date", "https://example.org/zcfb/202502/20250203558114.shtml", "", ""},
		{"port alone is no date", "http://127.0.0.1:2025/news/item-0712.html", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePage(body(tc.head), tc.url, config.ArticleRules{}, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if !p.Published.IsZero() {
				got = p.Published.Format(time.RFC3339)
			}
			if got != tc.want {
				t.Errorf("ParsePage(%s).Published = %q; want %q", tc.url, got, tc.want)
			}
		})
	}
}
