package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// errorList splits a joined error into its problems, failing the test if any is not an *Error.
func errorList(t *testing.T, err error) []*Error {
	t.Helper()
	if err == nil {
		return nil
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	out := make([]*Error, 0, len(errs))
	for _, e := range errs {
		var ce *Error
		if !errors.As(e, &ce) {
			t.Fatalf("problem %q is a %T; want *config.Error", e, e)
		}
		out = append(out, ce)
	}
	return out
}

func TestLoadContractExample(t *testing.T) {
	c, err := Load("testdata/contract-feeds.yaml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Path:      "testdata/contract-feeds.yaml",
		UserAgent: "bantrack/1.0 (+https://example.org/bantrack)",
		Sources: []Source{{
			Name:     "cac-wxfb",
			Kind:     KindHTML,
			URL:      "https://www.cac.gov.cn/wxzw/wxfb/A093702index_1.htm",
			Lang:     "zh",
			Timezone: shanghai,
			Schedule: "@every 2h",
			Rate:     1,
			Timeout:  30 * time.Second,
			MaxBody:  10 << 20,
			Retries:  3,
			Robots:   true,
			List: List{
				Item: "div#loadingInfoPage li", Link: "a", Title: "a@title", Date: ".times",
				DateFormat: "2006-01-02", JSON: "data.html", MaxPages: 1,
			},
			Article:       ArticleRules{Content: "#BodyLabel", Title: "h1.title", Date: "#pubtime"},
			Filter:        []string{"网络安全审查", "禁止", "ban"},
			FetchArticles: true,
			AllowHosts:    []string{},
			Headers:       map[string]string{},
		}},
		Digest: Digest{
			Schedule:       "0 8 * * *",
			From:           "bantrack <alerts@example.org>",
			To:             []string{"analyst@example.org"},
			OnlyBanRelated: true,
			MinScore:       0.5,
			SMTP: SMTP{
				Host: "smtp.example.org", Port: 587, TLS: TLSStartTLS, Username: "alerts",
				PasswordEnv: "BANTRACK_SMTP_PASSWORD", Timeout: 30 * time.Second,
			},
		},
		Archive: DefaultArchive(),
	}
	if got, want := c.Sources[0].Timezone.String(), want.Sources[0].Timezone.String(); got != want {
		t.Errorf("Timezone = %s; want %s", got, want)
	}
	c.Sources[0].Timezone, want.Sources[0].Timezone = nil, nil
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Load = %+v\nwant %+v", c, want)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate of a parsed config: %v", err)
	}
}

func TestParseBuiltInDefaults(t *testing.T) {
	c, err := Parse("f.yaml", []byte("sources:\n  - {name: a, kind: feed, url: https://example.org/rss}\n"))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := DefaultSource()
	want.Name, want.Kind, want.URL = "a", KindFeed, "https://example.org/rss"
	if !reflect.DeepEqual(c.Sources[0], want) {
		t.Errorf("source = %+v; want %+v", c.Sources[0], want)
	}
	if c.UserAgent != DefaultUserAgent {
		t.Errorf("UserAgent = %q; want %q", c.UserAgent, DefaultUserAgent)
	}
	if !reflect.DeepEqual(c.Digest, DefaultDigest()) {
		t.Errorf("Digest = %+v; want %+v", c.Digest, DefaultDigest())
	}
	if !strings.HasPrefix(DefaultUserAgent, "bantrack/") {
		t.Errorf("DefaultUserAgent = %q; want it to start with bantrack/", DefaultUserAgent)
	}
}

func TestParseLayers(t *testing.T) {
	const file = `
defaults:
  robots: false
  retries: 0
  fetch_articles: false
  timeout: 10s
  rate: 0.5
  lang: zh
  timezone: Asia/Shanghai
  headers: {Referer: "https://example.org/", X-A: one}
  list: {max_pages: 3}
sources:
  - name: inherits
    kind: feed
    url: https://example.org/a
  - name: overrides
    kind: html
    url: https://example.org/b
    robots: true
    retries: 5
    fetch_articles: true
    timeout: 1m
    max_body: 512KiB
    lang: en
    timezone: UTC
    headers: {X-A: two, X-B: three}
    list: {item: li, link: a, max_pages: 1}
`
	c, err := Parse("f.yaml", []byte(file))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	in, over := c.Sources[0], c.Sources[1]
	tests := []struct {
		name      string
		got, want any
	}{
		{"inherited robots", in.Robots, false},
		{"inherited retries", in.Retries, 0},
		{"inherited fetch_articles", in.FetchArticles, false},
		{"inherited timeout", in.Timeout, 10 * time.Second},
		{"inherited rate", in.Rate, 0.5},
		{"inherited lang", in.Lang, "zh"},
		{"inherited timezone", in.Timezone.String(), "Asia/Shanghai"},
		{"inherited headers", in.Headers, map[string]string{"Referer": "https://example.org/", "X-A": "one"}},
		{"inherited max_pages", in.List.MaxPages, 3},
		{"built-in max_body", in.MaxBody, int64(10 << 20)},
		{"built-in schedule", in.Schedule, DefaultSchedule},
		{"set robots", over.Robots, true},
		{"set retries", over.Retries, 5},
		{"set fetch_articles", over.FetchArticles, true},
		{"set timeout", over.Timeout, time.Minute},
		{"set max_body", over.MaxBody, int64(512 << 10)},
		{"set lang", over.Lang, "en"},
		{"set timezone", over.Timezone.String(), "UTC"},
		{"merged headers", over.Headers, map[string]string{"Referer": "https://example.org/", "X-A": "two", "X-B": "three"}},
		{"set max_pages", over.List.MaxPages, 1},
		{"page_url read", mustParse(t, "sources:\n  - name: a\n    kind: html\n    url: https://example.org/\n    list: {item: li, link: a, page_url: \"index_{page}.htm\", max_pages: 5}\n").Sources[0].List.PageURL, "index_{page}.htm"},
		{"inherited rate on the other", over.Rate, 0.5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !reflect.DeepEqual(tc.got, tc.want) {
				t.Errorf("got %v; want %v", tc.got, tc.want)
			}
		})
	}
}

func TestParseExplicitFalseWinsOverBuiltIn(t *testing.T) {
	c, err := Parse("f.yaml", []byte(`
sources:
  - {name: a, kind: feed, url: "https://example.org/", robots: false, fetch_articles: false, retries: 0}
  - {name: b, kind: feed, url: "https://example.org/"}
`))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	a, b := c.Sources[0], c.Sources[1]
	if a.Robots || a.FetchArticles || a.Retries != 0 {
		t.Errorf("a: robots=%v fetch_articles=%v retries=%d; want false false 0", a.Robots, a.FetchArticles, a.Retries)
	}
	if !b.Robots || !b.FetchArticles || b.Retries != DefaultRetries {
		t.Errorf("b: robots=%v fetch_articles=%v retries=%d; want true true %d", b.Robots, b.FetchArticles, b.Retries, DefaultRetries)
	}
}

// goodHTML is a valid html source, its list ending at line 7.
const goodHTML = "sources:\n  - name: good\n    kind: html\n    url: https://example.org/\n    list:\n      item: li\n      link: a\n"

// good is a valid source, indented as a list item under sources: at line 2.
const good = "sources:\n  - name: good\n    kind: feed\n    url: https://example.org/feed\n"

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		file string
		want string // every problem, exactly as printed
	}{
		{"unknown field with suggestion", goodHTML + "      itme: li\n",
			`f.yaml:8: sources[0].list: unknown field "itme"; did you mean "item"?`},
		{"unknown top-level field", "sorces: []\n" + good,
			`f.yaml:1: unknown field "sorces"; did you mean "sources"?`},
		{"misplaced field", good + "    item: li\n",
			`f.yaml:5: sources[0]: unknown field "item"; it belongs under "list"`},
		{"password in the file", good + "digest:\n  from: a@example.org\n  to: [b@example.org]\n  smtp:\n    host: mx\n    password: hunter2\n",
			`f.yaml:10: digest.smtp: unknown field "password"; secrets come from the environment: put the variable's name in password_env`},
		{"missing name", "sources:\n  - kind: feed\n    url: https://example.org/\n",
			`f.yaml:2: sources[0].name: missing (required)`},
		{"missing url", "sources:\n  - kind: feed\n    name: a\n",
			`f.yaml:2: sources[0].url: missing (required)`},
		{"missing kind", "sources:\n  - url: https://example.org/\n    name: a\n",
			`f.yaml:2: sources[0].kind: missing (required)`},
		{"empty name", "sources:\n  - kind: feed\n    url: https://example.org/\n    name: \"\"\n",
			`f.yaml:4: sources[0].name: is empty (required)`},
		{"missing sources", "user_agent: x\n",
			`f.yaml:1: sources: missing: at least one source is required`},
		{"empty sources", "sources: []\n",
			`f.yaml:1: sources: at least one source is required`},
		{"bad kind", "sources:\n  - name: a\n    kind: htm\n    url: https://example.org/\n",
			`f.yaml:3: sources[0].kind: kind "htm" is not one of feed, sitemap, html; did you mean "html"?`},
		{"rss kind", "sources:\n  - name: a\n    kind: rss\n    url: https://example.org/\n",
			`f.yaml:3: sources[0].kind: kind "rss" is not one of feed, sitemap, html; rss is kind feed`},
		{"bad lang", good + "    lang: fr\n",
			`f.yaml:5: sources[0].lang: lang "fr" is not one of en, zh, auto`},
		{"bad timezone", good + "    timezone: Asia/Shanghi\n",
			`f.yaml:5: sources[0].timezone: unknown timezone "Asia/Shanghi" (want an IANA name such as Asia/Shanghai or UTC)`},
		{"bad cron", good + "    schedule: \"0 25 * * *\"\n",
			`f.yaml:5: sources[0].schedule: schedule "0 25 * * *" does not parse: end of range (25) above maximum (23): 25`},
		{"cron zone without spec", good + "    schedule: CRON_TZ=UTC\n",
			`f.yaml:5: sources[0].schedule: schedule "CRON_TZ=UTC" has a time zone but no schedule after it`},
		{"cron never fires", good + "    schedule: \"0 0 30 2 *\"\n",
			`f.yaml:5: sources[0].schedule: schedule "0 0 30 2 *" never fires`},
		{"every too short", good + "    schedule: \"@every 10ms\"\n",
			`f.yaml:5: sources[0].schedule: schedule "@every 10ms": @every needs at least 1s`},
		{"bad duration", good + "    timeout: 30 seconds\n",
			`f.yaml:5: sources[0].timeout: duration "30 seconds" does not parse (want e.g. 30s, 2m, 1h30m)`},
		{"duration without unit", good + "    timeout: 30\n",
			`f.yaml:5: sources[0].timeout: duration 30 needs a unit, e.g. 30s`},
		{"negative duration", good + "    timeout: -1s\n",
			`f.yaml:5: sources[0].timeout: duration "-1s" must be greater than 0`},
		{"bad size", good + "    max_body: 10 parsecs\n",
			`f.yaml:5: sources[0].max_body: size "10 parsecs": unknown unit "parsecs" (use B, KB, MB, GB, KiB, MiB or GiB)`},
		{"negative rate", good + "    rate: -1\n",
			`f.yaml:5: sources[0].rate: rate -1 must be greater than 0 (requests per second per host)`},
		{"negative retries", good + "    retries: -2\n",
			`f.yaml:5: sources[0].retries: retries -2 must not be negative`},
		{"retries not a number", good + "    retries: many\n",
			`f.yaml:5: sources[0].retries: expected a whole number, got "many"`},
		{"robots not a bool", good + "    robots: maybe\n",
			`f.yaml:5: sources[0].robots: expected true or false, got "maybe"`},
		{"duplicate names", good + "  - name: good\n    kind: feed\n    url: https://example.org/other\n",
			`f.yaml:5: sources[1].name: name "good" is used twice (first at line 2)`},
		{"bad name", "sources:\n  - name: cac wxfb\n    kind: feed\n    url: https://example.org/\n",
			`f.yaml:2: sources[0].name: name "cac wxfb" may hold only letters, digits and '-'`},
		{"url not http", "sources:\n  - name: a\n    kind: feed\n    url: ftp://example.org/\n",
			`f.yaml:4: sources[0].url: url "ftp://example.org/" is not an absolute http or https URL`},
		{"relative url", "sources:\n  - name: a\n    kind: feed\n    url: /feed.xml\n",
			`f.yaml:4: sources[0].url: url "/feed.xml" is not an absolute http or https URL`},
		{"url in defaults", "defaults:\n  url: https://example.org/\n" + good,
			`f.yaml:2: defaults.url: cannot be set in defaults; each source has its own`},
		{"bad selector", "sources:\n  - name: a\n    kind: html\n    url: https://example.org/\n    list:\n      item: \"div[\"\n      link: a\n",
			`f.yaml:6: sources[0].list.item: selector "div[" does not parse: expected identifier, found EOF instead`},
		{"attr on item", "sources:\n  - name: a\n    kind: html\n    url: https://example.org/\n    list:\n      item: li@id\n      link: a\n",
			`f.yaml:6: sources[0].list.item: selector "li@id": @attr is not allowed here`},
		{"bad attr", "sources:\n  - name: a\n    kind: html\n    url: https://example.org/\n    list: {item: li, link: \"a@\"}\n",
			`f.yaml:5: sources[0].list.link: selector "a@": "" after @ is not an attribute name`},
		{"bad article selector", good + "    article:\n      content: \"#\"\n",
			`f.yaml:6: sources[0].article.content: selector "#" does not parse: expected name, found EOF instead`},
		{"html without item", "sources:\n  - name: a\n    kind: html\n    url: https://example.org/\n    list:\n      link: a\n",
			`f.yaml:5: sources[0].list.item: missing: kind html needs a selector for the listing's items`},
		{"html without list", "sources:\n  - name: a\n    kind: html\n    url: https://example.org/\n",
			"f.yaml:2: sources[0].list.item: missing: kind html needs a selector for the listing's items\n" +
				"f.yaml:2: sources[0].list.link: missing: kind html needs a selector for each item's link"},
		{"list on a feed", good + "    list: {item: li, link: a}\n",
			`f.yaml:5: sources[0].list: applies only to kind html, and this source is kind feed`},
		{"bad json path", "sources:\n  - name: a\n    kind: html\n    url: https://example.org/\n    list: {item: li, link: a, json: data..html}\n",
			`f.yaml:5: sources[0].list.json: json path "data..html" has an empty segment (want dotted keys, e.g. data.html)`},
		{"bad date format", "sources:\n  - name: a\n    kind: html\n    url: https://example.org/\n    list: {item: li, link: a, date_format: yyyy-mm-dd}\n",
			`f.yaml:5: sources[0].list.date_format: date_format "yyyy-mm-dd" holds no Go layout elements (write the reference date, e.g. 2006-01-02)`},
		{"zero max_pages", "sources:\n  - name: a\n    kind: html\n    url: https://example.org/\n    list: {item: li, link: a, max_pages: 0}\n",
			`f.yaml:5: sources[0].list.max_pages: max_pages 0 must be at least 1`},
		{"page_url without {page}", "sources:\n  - name: a\n    kind: html\n    url: https://example.org/\n    list: {item: li, link: a, page_url: index_2.htm}\n",
			`f.yaml:5: sources[0].list.page_url: page_url "index_2.htm" has no {page} for the page number (e.g. index_{page}.htm)`},
		{"bad host", good + "    allow_hosts: [\"https://example.org/\"]\n",
			`f.yaml:5: sources[0].allow_hosts[0]: host "https://example.org/" is not a host name (no scheme, path or spaces)`},
		{"bad header", good + "    headers: {\"Bad Header\": x}\n",
			`f.yaml:5: sources[0].headers["Bad Header"]: header name "Bad Header" contains ' '`},
		{"filter not a list", good + "    filter: {any: ban}\n",
			`f.yaml:5: sources[0].filter.any: expected a list, got "ban"`},
		{"repeated key", good + "    kind: html\n",
			`f.yaml:5: sources[0].kind: set twice (first at line 3)`},
		{"bad tls", good + "digest:\n  from: a@example.org\n  to: [b@example.org]\n  smtp: {host: mx, tls: ssl}\n",
			`f.yaml:8: digest.smtp.tls: tls "ssl" is not one of starttls, tls, none`},
		{"bad port", good + "digest:\n  from: a@example.org\n  to: [b@example.org]\n  smtp: {host: mx, port: 70000}\n",
			`f.yaml:8: digest.smtp.port: port 70000 is outside 1 to 65535`},
		{"smtp without host", good + "digest:\n  from: a@example.org\n  to: [b@example.org]\n  smtp: {port: 25}\n",
			`f.yaml:8: digest.smtp.host: missing: smtp needs the server's host name`},
		{"bad recipient", good + "digest:\n  from: a@example.org\n  to: [\"not an address\"]\n",
			`f.yaml:7: digest.to[0]: address "not an address" does not parse: mail: no angle-addr`},
		{"bad sender", good + "digest:\n  from: bantrack <alerts>\n  to: [b@example.org]\n",
			`f.yaml:6: digest.from: address "bantrack <alerts>" does not parse: mail: missing @ in addr-spec`},
		{"digest without recipients", good + "digest:\n  from: a@example.org\n",
			`f.yaml:5: digest.to: missing: the digest needs at least one recipient`},
		{"min_score out of range", good + "digest:\n  from: a@example.org\n  to: [b@example.org]\n  min_score: 2\n",
			`f.yaml:8: digest.min_score: min_score 2 is outside 0 to 1`},
		{"bad password_env", good + "digest:\n  from: a@example.org\n  to: [b@example.org]\n  smtp: {host: mx, password_env: \"$PASS\"}\n",
			`f.yaml:8: digest.smtp.password_env: "$PASS" is not an environment variable name`},
		{"yaml syntax", "sources:\n  - name: a\n    kind: feed: x\n",
			`f.yaml:3: invalid YAML: mapping values are not allowed in this context`},
		{"empty file", "# nothing here\n",
			`f.yaml: file is empty`},
		{"not a mapping", "- a\n- b\n",
			`f.yaml:1: the file must be a mapping with sources, defaults and digest; got a list`},
		{"two documents", good + "---\n" + good,
			`f.yaml:5: a second YAML document starts here; put everything in one`},
		{"merge key", "defaults: &d {rate: 2}\nsources:\n  - <<: *d\n    name: a\n    kind: feed\n    url: https://example.org/\n",
			`f.yaml:3: sources[0]: merge keys (<<) are not supported; put shared settings in defaults`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("f.yaml", []byte(tc.file))
			if err == nil {
				t.Fatalf("Parse = %+v, nil; want error %q", c, tc.want)
			}
			if c != nil {
				t.Errorf("Parse returned a config with an error")
			}
			errorList(t, err)
			if err.Error() != tc.want {
				t.Errorf("got:\n%v\nwant:\n%s", err, tc.want)
			}
		})
	}
}

func TestParseReportsEveryProblemInLineOrder(t *testing.T) {
	const file = `digest:
  smtp: {host: mx, tls: ssl}
  from: a@example.org
  to: [b@example.org]
sources:
  - name: one
    kind: html
    url: https://example.org/
    list:
      item: "div["
      lnk: a
  - name: one
    kind: feed
    url: https://example.org/feed
    timeout: soon
    retries: -1
defaults:
  timezone: Nowhere/City
`
	_, err := Parse("feeds.yaml", []byte(file))
	errs := errorList(t, err)
	want := []string{
		`feeds.yaml:2: digest.smtp.tls: tls "ssl" is not one of starttls, tls, none`,
		"feeds.yaml:9: sources[0].list.link: missing: kind html needs a selector for each item's link",
		`feeds.yaml:10: sources[0].list.item: selector "div[" does not parse: expected identifier, found EOF instead`,
		`feeds.yaml:11: sources[0].list: unknown field "lnk"; did you mean "link"?`,
		`feeds.yaml:12: sources[1].name: name "one" is used twice (first at line 6)`,
		`feeds.yaml:15: sources[1].timeout: duration "soon" does not parse (want e.g. 30s, 2m, 1h30m)`,
		`feeds.yaml:16: sources[1].retries: retries -1 must not be negative`,
		`feeds.yaml:18: defaults.timezone: unknown timezone "Nowhere/City" (want an IANA name such as Asia/Shanghai or UTC)`,
	}
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(err.Error(), "\n") {
		t.Errorf("error %q; want one problem a line", err)
	}
}

func TestParseRefusesAliasBombs(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= 7; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := 0; j < 10; j++ {
			fmt.Fprintf(&b, "*a%d, ", i-1)
		}
		b.WriteString("x]\n")
	}
	start := time.Now()
	_, err := Parse("f.yaml", []byte(b.String()))
	want := "f.yaml: aliases expand the file to more than 1000000 values"
	if err == nil || err.Error() != want {
		t.Errorf("got %v; want %q", err, want)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Parse took %s; want well under 2s", d)
	}
}

func TestSchedulesAccepted(t *testing.T) {
	for _, spec := range []string{
		"@every 2h", "@every 90s", "@hourly", "@daily", "*/15 * * * *", "0 8 * * 1-5",
		"CRON_TZ=Asia/Shanghai 0 8 * * *", "TZ=UTC @daily", "CRON_TZ=America/New_York @every 1h",
	} {
		t.Run(spec, func(t *testing.T) {
			file := good + "    schedule: \"" + spec + "\"\ndigest:\n  schedule: \"" + spec + "\"\n  from: a@example.org\n  to: [b@example.org]\n"
			c, err := Parse("f.yaml", []byte(file))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if c.Sources[0].Schedule != spec || c.Digest.Schedule != spec {
				t.Errorf("schedules = %q, %q; want %q", c.Sources[0].Schedule, c.Digest.Schedule, spec)
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"1048576", 1 << 20, false},
		{"10MiB", 10 << 20, false},
		{"512KiB", 512 << 10, false},
		{"1GB", 1e9, false},
		{"1gb", 1e9, false},
		{"2 MB", 2e6, false},
		{"1.5MiB", 3 << 19, false},
		{"64k", 64 << 10, false},
		{"100B", 100, false},
		{"0", 0, false},
		{"", 0, true},
		{"MiB", 0, true},
		{"-1MiB", 0, true},
		{"10 parsecs", 0, true},
		{"1.2.3MB", 0, true},
		{"99999999999999999999", 0, true},
		{"9000000000TiB", 0, true},
		{"1e3", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseSize(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("ParseSize(%q) error = %v; want error %v", tc.in, err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("ParseSize(%q) = %d; want %d", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseSizeInFile(t *testing.T) {
	for in, want := range map[string]int64{"1048576": 1 << 20, "512KiB": 512 << 10, "\"1GB\"": 1e9} {
		t.Run(in, func(t *testing.T) {
			c, err := Parse("f.yaml", []byte(good+"    max_body: "+in+"\n"))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := c.Sources[0].MaxBody; got != want {
				t.Errorf("MaxBody = %d; want %d", got, want)
			}
		})
	}
}

func TestClosest(t *testing.T) {
	tests := []struct{ in, want string }{
		{"itme", "item"}, {"lnk", "link"}, {"shedule", "schedule"}, {"fetch_article", "fetch_articles"},
		{"zzz", ""}, {"x", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			known := append(append([]string(nil), sourceFields...), listFields...)
			if got := closest(tc.in, known); got != tc.want {
				t.Errorf("closest(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feeds.yaml")
	if err := os.WriteFile(path, []byte(good+"    retries: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if want := path + ":5: sources[0].retries: "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Load = %v; want an error starting %q", err, want)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "absent.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file = %v; want os.ErrNotExist", err)
	}
}

func TestValidate(t *testing.T) {
	c, err := Load("testdata/contract-feeds.yaml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate of a loaded config: %v", err)
	}
	bad := *c
	s := c.Sources[0]
	s.Rate, s.List.Item, s.Schedule = 0, "div[", "never"
	dup := s
	bad.Sources = []Source{s, dup}
	bad.Digest.SMTP.TLS = "ssl"
	want := []string{
		`testdata/contract-feeds.yaml: sources[0].schedule: schedule "never" does not parse`,
		`testdata/contract-feeds.yaml: sources[0].rate: rate 0 must be greater than 0`,
		`testdata/contract-feeds.yaml: sources[0].list.item: selector "div[" does not parse`,
		`testdata/contract-feeds.yaml: sources[1].name: name "cac-wxfb" is used twice (first in sources[0])`,
		`testdata/contract-feeds.yaml: digest.smtp.tls: tls "ssl" is not one of starttls, tls, none`,
	}
	got := bad.Validate()
	for _, w := range want {
		if got == nil || !strings.Contains(got.Error(), w) {
			t.Errorf("Validate = %v; want it to contain %q", got, w)
		}
	}
}

var placeholderRE = regexp.MustCompile(`\{\{origin:[^}]*\}\}`)

// TestRepoFeedsFiles loads the feeds files shipped in the repository, when they exist.
func TestRepoFeedsFiles(t *testing.T) {
	for _, path := range []string{"../feeds.yaml", "../testdata/demo-feeds.yaml"} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if errors.Is(err, os.ErrNotExist) {
				t.Skipf("%s does not exist yet", path)
			}
			if err != nil {
				t.Fatal(err)
			}
			// the demo file names fixture sites by placeholder; the demo puts real origins there
			data = placeholderRE.ReplaceAll(data, []byte("http://127.0.0.1:9"))
			c, err := Parse(path, data)
			if err != nil {
				t.Fatalf("Parse:\n%v", err)
			}
			if len(c.Sources) == 0 {
				t.Errorf("%s has no sources", path)
			}
		})
	}
}

func mustParse(t *testing.T, src string) *Config {
	t.Helper()
	cfg, err := Parse("f.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return cfg
}

func TestGazetteerPath(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "names.yaml"), []byte("vendors: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	feeds := filepath.Join(dir, "feeds.yaml")
	if err := os.WriteFile(feeds, []byte("gazetteer: names.yaml\n"+good), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(feeds)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "names.yaml"); c.Gazetteer != want {
		t.Errorf("Gazetteer = %q; want %q (resolved against the feeds file's folder)", c.Gazetteer, want)
	}
	if err := os.WriteFile(feeds, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	if c, err := Load(feeds); err != nil || c.Gazetteer != "" {
		t.Errorf("without gazetteer: Gazetteer = %q, err %v; want empty", c.Gazetteer, err)
	}
	if err := os.WriteFile(feeds, []byte("gazetteer: missing.yaml\n"+good), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(feeds)
	errs := errorList(t, err)
	if len(errs) != 1 || errs[0].Line != 1 || errs[0].Field != "gazetteer" || !strings.Contains(errs[0].Msg, "missing.yaml") {
		t.Errorf("missing file: %v; want one error at line 1 naming the file", err)
	}
}

func TestParseArchive(t *testing.T) {
	c, err := Parse("f.yaml", []byte("archive:\n  max_size: 20GiB\n  recheck_for: 14d\n  recheck_every: 6h\nsources:\n  - name: a\n    kind: feed\n    url: https://example.org/feed\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Archive{MaxSize: 20 << 30, FileSize: DefaultArchiveFileSize, RecheckFor: 14 * 24 * time.Hour, RecheckEvery: 6 * time.Hour}
	if c.Archive != want {
		t.Errorf("archive = %+v; want %+v", c.Archive, want)
	}
	_, err = Parse("f.yaml", []byte("archive:\n  max_size: 10KiB\n  recheck_for: 3w\n  maxsize: 1\nsources:\n  - name: a\n    kind: feed\n    url: https://example.org/feed\n"))
	for _, w := range []string{
		`f.yaml:2: archive.max_size: max_size 10KiB is below 64KiB`,
		`f.yaml:3: archive.recheck_for: duration "3w" does not parse`,
		`f.yaml:4: archive: unknown field "maxsize"; did you mean "max_size"?`,
	} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("bad archive section: error %v; want %q", err, w)
		}
	}
}
