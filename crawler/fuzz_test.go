package crawler

import (
	"strings"
	"testing"
	"time"

	"github.com/bantrack/bantrack/config"
)

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026年09月18日 17:00", "发布时间：2026-09-18", "May 21, 2023", "2026-09-18T09:30:00+08:00", "[2026/9/8]", "99年99月99日"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseDate(s, "", time.UTC)
		if ok && (got.Year() < 1990 || got.Year() > 2100) && !strings.Contains(s, ",") && !strings.Contains(s, "T") {
			t.Errorf("parseDate(%q) = %v; want a plausible year", s, got)
		}
	})
}

func FuzzCanonical(f *testing.F) {
	for _, s := range []string{"https://Example.org/a?utm_source=x&b=1#f", "/rel/path", "javascript:alert(1)", "http://[::1]:80/x"} {
		f.Add(s)
	}
	base := mustURLF("https://example.org/news/")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Canonical(s, base)
		if err != nil {
			return
		}
		again, err := Canonical(got, nil)
		if err != nil || again != got {
			t.Errorf("Canonical(%q) = %q, but Canonical of that = %q, %v; want it unchanged", s, got, again, err)
		}
	})
}

func FuzzParsePage(f *testing.F) {
	f.Add([]byte(articlePage("Title", "2026-09-17T08:15:00Z", loremEN...)), "#BodyLabel")
	f.Add([]byte(`<html><meta charset="gbk"><div id="BodyLabel">\xb9\xfa\xbc\xd2</div></html>`), "#BodyLabel@title")
	f.Add([]byte("<p>发布时间：2026-09-18</p>"), "")
	f.Fuzz(func(t *testing.T, page []byte, content string) {
		if _, _, err := splitOK(content); err != nil {
			return
		}
		if _, err := ParsePage(page, "https://example.org/a", config.ArticleRules{Content: content}, time.UTC); err != nil {
			return
		}
	})
}
