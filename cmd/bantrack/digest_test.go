package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/config"
	"github.com/bantrack/bantrack/index"
)

// mailbox is a go-smtp backend on loopback that keeps what it receives.
type mailbox struct {
	mu     sync.Mutex
	msgs   [][]byte
	reject map[string]bool
}

func (m *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{m: m}, nil }

func (m *mailbox) received() [][]byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([][]byte(nil), m.msgs...)
}

type mailSession struct {
	m      *mailbox
	authed bool
}

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *mailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "alerts" || pass != "pw" {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}
func (s *mailSession) Mail(string, *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	return nil
}
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.m.reject[to] {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.m.mu.Lock()
	s.m.msgs = append(s.m.msgs, b)
	s.m.mu.Unlock()
	return nil
}
func (s *mailSession) Reset()        {}
func (s *mailSession) Logout() error { return nil }

type quietLog struct{}

func (quietLog) Printf(string, ...any) {}
func (quietLog) Println(...any)        {}

// startMailbox serves SMTP on 127.0.0.1 without TLS (AUTH allowed in the clear on loopback).
func startMailbox(t *testing.T, mb *mailbox) int {
	t.Helper()
	srv := smtp.NewServer(mb)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ErrorLog = quietLog{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return ln.Addr().(*net.TCPAddr).Port
}

// digestSetup makes a data folder holding ban-related documents and a feeds file whose digest
// goes to the SMTP server on port.
func digestSetup(t *testing.T, port int, extra string) (data, feeds string) {
	t.Helper()
	dir := t.TempDir()
	data = filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(filepath.Join(data, "index.bleve"))
	if err != nil {
		t.Fatal(err)
	}
	cst := time.FixedZone("CST", 8*3600)
	arts := []article.Article{
		{ID: "aaaa000000000001", URL: "https://www.cac.gov.cn/2023-05/21/c_1.htm", Source: "cac-wxfb", Lang: "zh",
			Title: "美光公司在华销售的产品未通过网络安全审查", Text: "网络安全审查办公室对美光公司在华销售产品进行了网络安全审查。",
			Published: time.Date(2023, 5, 21, 10, 0, 0, 0, cst), Fetched: time.Now(),
			Entities: article.Entities{Vendors: []string{"Micron Technology"}, Agencies: []string{"Cyberspace Administration of China"},
				Ban: article.Ban{Related: true, Score: 0.95, Actions: []string{"review"}, Targets: []string{"Micron Technology"},
					Evidence: []string{"关键信息基础设施的运营者应停止采购美光公司产品。"}}}},
		{ID: "aaaa000000000002", URL: "https://news.example.com/fortinet", Source: "newswire", Lang: "en",
			Title: "China tells firms to stop using Fortinet <b>and</b> VMware software", Text: "Chinese authorities told firms to stop using the software.",
			Published: time.Date(2026, 1, 14, 9, 0, 0, 0, time.UTC), Fetched: time.Now(),
			Entities: article.Entities{Vendors: []string{"Fortinet", "VMware"}, Agencies: []string{"Cyberspace Administration of China"},
				Ban: article.Ban{Related: true, Score: 0.9, Actions: []string{"ban"}, Targets: []string{"Fortinet", "VMware"},
					Evidence: []string{"Chinese authorities told firms to stop using the software."}}}},
		{ID: "aaaa000000000003", URL: "https://news.example.com/weak", Source: "newswire", Lang: "en",
			Title: "Analysts discuss possible curbs", Text: "Some analysts discussed curbs.",
			Published: time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC), Fetched: time.Now(),
			Entities: article.Entities{Ban: article.Ban{Related: true, Score: 0.2}}},
		{ID: "aaaa000000000004", URL: "https://news.example.com/earnings", Source: "newswire", Lang: "en",
			Title: "Fortinet earnings beat estimates", Text: "Revenue grew.",
			Published: time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC), Fetched: time.Now(),
			Entities: article.Entities{Vendors: []string{"Fortinet"}}},
	}
	if err := ix.Put(context.Background(), arts...); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	feeds = filepath.Join(dir, "feeds.yaml")
	body := fmt.Sprintf(`sources:
  - name: newswire
    kind: feed
    url: https://news.example.com/feed.xml
digest:
  from: "bantrack <alerts@example.org>"
  to: ["analyst@example.org", "boss@example.org"]
  min_score: 0.5
  watch:
    vendors: ["Fortinet"]
  smtp:
    host: 127.0.0.1
    port: %d
    tls: none
    username: alerts
    password_env: TEST_SMTP_PASSWORD
    timeout: 5s
%s`, port, extra)
	if err := os.WriteFile(feeds, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return data, feeds
}

func decodedSubject(t *testing.T, raw []byte) string {
	t.Helper()
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read message: %v", err)
	}
	s, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("decode subject: %v", err)
	}
	return s
}

func TestDigestSendsOnce(t *testing.T) {
	mb := &mailbox{}
	data, feeds := digestSetup(t, startMailbox(t, mb), "")
	env := map[string]string{"TEST_SMTP_PASSWORD": "pw"}
	g := []string{"--config", feeds, "--data", data, "--log-level", "warn", "digest"}

	out, errs, code := runCmd(t, env, g...)
	if code != 0 {
		t.Fatalf("digest exit %d; stderr:\n%s", code, errs)
	}
	if !strings.Contains(out, "sent digest of 2 notices") {
		t.Errorf("stdout = %q; want it to report 2 notices sent", out)
	}
	msgs := mb.received()
	if len(msgs) != 1 {
		t.Fatalf("server received %d messages; want 1", len(msgs))
	}
	if got, want := decodedSubject(t, msgs[0]), "bantrack: 2 new notices — Fortinet, Micron Technology, VMware"; got != want {
		t.Errorf("Subject = %q; want %q", got, want)
	}
	raw := string(msgs[0])
	for _, notWanted := range []string{"Analysts discuss possible curbs", "Fortinet earnings beat estimates"} {
		if strings.Contains(raw, notWanted) {
			t.Errorf("digest holds %q, which is below min_score or not ban-related", notWanted)
		}
	}

	// A second run right after sends nothing, prints nothing on stdout, says so on stderr, exits 0.
	out, errs, code = runCmd(t, env, g...)
	if code != 0 || out != "" || !strings.Contains(errs, "nothing new") {
		t.Errorf("second digest: exit %d, stdout %q, stderr %q; want 0, nothing, \"nothing new\"", code, out, errs)
	}
	if n := len(mb.received()); n != 1 {
		t.Errorf("server holds %d messages after the second run; want 1", n)
	}
}

func TestDigestDryRunAndOut(t *testing.T) {
	mb := &mailbox{}
	data, feeds := digestSetup(t, startMailbox(t, mb), "")
	g := []string{"--config", feeds, "--data", data, "--log-level", "warn", "digest"}

	// --dry-run needs no password, prints readable text and records nothing; --eml the raw message.
	for range 2 {
		out, errs, code := runCmd(t, nil, append(g, "--dry-run")...)
		if code != 0 {
			t.Fatalf("digest --dry-run exit %d: %s", code, errs)
		}
		for _, want := range []string{"From: bantrack <alerts@example.org>", "To: analyst@example.org, boss@example.org",
			"Subject: bantrack: 2 new notices", "美光公司在华销售的产品未通过网络安全审查"} {
			if !strings.Contains(out, want) {
				t.Errorf("--dry-run output lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "=E5") || strings.Contains(out, "MIME-Version") {
			t.Errorf("--dry-run prints MIME, not readable text:\n%s", out)
		}
		out, errs, code = runCmd(t, nil, append(g, "--dry-run", "--eml")...)
		if code != 0 {
			t.Fatalf("digest --dry-run --eml exit %d: %s", code, errs)
		}
		for _, want := range []string{"MIME-Version: 1.0", "multipart/alternative", "Content-Type: text/plain; charset=UTF-8",
			"Content-Type: text/html; charset=UTF-8", "Message-ID: <"} {
			if !strings.Contains(out, want) {
				t.Errorf("--dry-run --eml output lacks %q", want)
			}
		}
	}
	// --dry-run needs no SMTP section at all.
	bare := filepath.Join(t.TempDir(), "bare.yaml")
	if err := os.WriteFile(bare, []byte("sources:\n  - name: newswire\n    kind: feed\n    url: https://news.example.com/feed.xml\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, errs, code := runCmd(t, nil, "--config", bare, "--data", data, "digest", "--dry-run"); code != 0 || !strings.Contains(out, "Subject:") {
		t.Errorf("--dry-run without a digest section: exit %d, stderr %q, stdout %.200q", code, errs, out)
	}
	// --out writes the .eml and records it.
	eml := filepath.Join(t.TempDir(), "digest.eml")
	out, errs, code := runCmd(t, nil, append(g, "--out", eml)...)
	if code != 0 {
		t.Fatalf("digest --out exit %d: %s", code, errs)
	}
	raw, err := os.ReadFile(eml)
	if err != nil {
		t.Fatalf("--out file: %v (stdout %q)", err, out)
	}
	if s := decodedSubject(t, raw); !strings.HasPrefix(s, "bantrack: 2 new notices") {
		t.Errorf(".eml Subject = %q; want 2 new notices", s)
	}
	if _, errs, code := runCmd(t, nil, append(g, "--dry-run")...); code != 0 || !strings.Contains(errs, "nothing new") {
		t.Errorf("dry run after --out: exit %d, stderr %q; want nothing new", code, errs)
	}
	if n := len(mb.received()); n != 0 {
		t.Errorf("server received %d messages; want none", n)
	}
}

func TestDigestSince(t *testing.T) {
	mb := &mailbox{}
	data, feeds := digestSetup(t, startMailbox(t, mb), "")
	out, errs, code := runCmd(t, nil, "--config", feeds, "--data", data, "digest", "--dry-run", "--since", "2024-01-01")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if s := decodedSubject(t, []byte(out)); s != "bantrack: 1 new notice — Fortinet, VMware" {
		t.Errorf("Subject with --since 2024-01-01 = %q; want only the 2026 notice", s)
	}
}

func TestDigestFailuresRecordNothing(t *testing.T) {
	mb := &mailbox{}
	port := startMailbox(t, mb)
	data, feeds := digestSetup(t, port, "")
	g := []string{"--config", feeds, "--data", data, "--log-level", "error", "digest"}

	// Refused login: exit 1 saying why.
	_, errs, code := runCmd(t, map[string]string{"TEST_SMTP_PASSWORD": "wrong"}, g...)
	if code != exitFailed || !strings.Contains(errs, "535") {
		t.Errorf("wrong password: exit %d, stderr %q; want 1 and the 535 reply", code, errs)
	}
	// No password at all: a config error naming the variable.
	_, errs, code = runCmd(t, nil, g...)
	if code != exitUsage || !strings.Contains(errs, "TEST_SMTP_PASSWORD") {
		t.Errorf("no password: exit %d, stderr %q; want 2 naming TEST_SMTP_PASSWORD", code, errs)
	}

	// Server down (through the same code path, with a short retry delay).
	cfg, err := config.Load(feeds)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Digest.SMTP.Port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	var stdout, stderr bytes.Buffer
	a := &app{stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return map[string]string{"TEST_SMTP_PASSWORD": "pw"}[k] },
		log: slog.New(slog.DiscardHandler), dataDir: data}
	st, err := a.openStore()
	if err != nil {
		t.Fatal(err)
	}
	err = a.digest(context.Background(), cfg, st, digestRun{retryDelay: 10 * time.Millisecond})
	st.Close()
	if err == nil || exitCode(err) != exitFailed {
		t.Errorf("server down: err %v (exit %d); want exit 1", err, exitCode(err))
	}

	// Nothing was recorded: the next good run sends both notices.
	out, errs, code := runCmd(t, map[string]string{"TEST_SMTP_PASSWORD": "pw"}, g...)
	if code != 0 || !strings.Contains(out, "sent digest of 2 notices") {
		t.Errorf("after the failures: exit %d, stdout %q, stderr %q; want 2 notices sent", code, out, errs)
	}
}

func TestDigestOneRecipientRejected(t *testing.T) {
	mb := &mailbox{reject: map[string]bool{"boss@example.org": true}}
	data, feeds := digestSetup(t, startMailbox(t, mb), "")
	env := map[string]string{"TEST_SMTP_PASSWORD": "pw"}
	g := []string{"--config", feeds, "--data", data, "--log-level", "error", "digest"}
	out, errs, code := runCmd(t, env, g...)
	if code != 0 || !strings.Contains(errs, "boss@example.org") || !strings.Contains(out, "analyst@example.org") {
		t.Errorf("one recipient rejected: exit %d, stdout %q, stderr %q; want 0, sent to analyst, warning naming boss", code, out, errs)
	}
	if n := len(mb.received()); n != 1 {
		t.Errorf("server received %d messages; want 1", n)
	}
	// Recorded as sent: the next run has nothing new.
	if _, errs, code := runCmd(t, env, g...); code != 0 || !strings.Contains(errs, "nothing new") {
		t.Errorf("second run: exit %d, stderr %q; want nothing new", code, errs)
	}
}

func TestDigestSendEmpty(t *testing.T) {
	mb := &mailbox{}
	data, feeds := digestSetup(t, startMailbox(t, mb), "")
	// Record everything, then ask for a digest with send_empty.
	g := []string{"--config", feeds, "--data", data, "--log-level", "error", "digest"}
	if _, errs, code := runCmd(t, nil, append(g, "--out", filepath.Join(t.TempDir(), "x.eml"))...); code != 0 {
		t.Fatalf("digest --out: exit %d: %s", code, errs)
	}
	raw, err := os.ReadFile(feeds)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(feeds, bytes.Replace(raw, []byte("  min_score: 0.5\n"), []byte("  min_score: 0.5\n  send_empty: true\n"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := runCmd(t, map[string]string{"TEST_SMTP_PASSWORD": "pw"}, g...); code != 0 {
		t.Fatalf("digest with send_empty: exit %d: %s", code, errs)
	}
	msgs := mb.received()
	if len(msgs) != 1 || decodedSubject(t, msgs[0]) != "bantrack: no new notices" {
		t.Errorf("send_empty: server received %d messages; want one \"no new notices\"", len(msgs))
	}
}

func TestDigestUsage(t *testing.T) {
	for name, args := range map[string][]string{
		"dry-run and out": {"digest", "--dry-run", "--out", "x.eml"},
		"bad since":       {"digest", "--since", "last week"},
		"argument":        {"digest", "now"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, errs, code := runCmd(t, nil, append([]string{"--data", t.TempDir()}, args...)...); code != exitUsage {
				t.Errorf("exit = %d (%s); want %d", code, errs, exitUsage)
			}
		})
	}
}

// TestDigestBaselineAndDryRunBesideCrawl: --baseline records the index's ban-related documents as
// sent, so a later digest holds nothing old; --dry-run answers while a slow crawl holds the
// data folder.
func TestDigestBaselineAndDryRunBesideCrawl(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a slow crawl")
	}
	_, feeds := fixtureSetup(t)
	data := t.TempDir()
	g := []string{"--config", feeds, "--data", data, "--log-level", "warn"}
	if out, errs, code := runChild(t, append(g, "crawl")...); code != 0 {
		t.Fatalf("crawl exit %d\n%s\n%s", code, out, errs)
	}
	out, errs, code := runChild(t, append(g, "digest", "--dry-run")...)
	if code != 0 || !strings.Contains(out, "Subject: bantrack: ") {
		t.Fatalf("dry run before the baseline: exit %d, stdout %.300q, stderr %s", code, out, errs)
	}
	out, errs, code = runChild(t, append(g, "digest", "--baseline")...)
	if code != 0 || !strings.Contains(out, "ban-related documents as sent") {
		t.Fatalf("--baseline: exit %d, stdout %q, stderr %s", code, out, errs)
	}
	slow := []string{"--config", slowFeeds(t, feeds, "1"), "--data", data, "--log-level", "warn"}
	crawl := bantrackCmd(t, append(slow, "crawl", "--refresh")...)
	if err := crawl.Start(); err != nil {
		t.Fatal(err)
	}
	defer crawl.Process.Kill()
	time.Sleep(1500 * time.Millisecond)
	out, errs, code = runChild(t, append(g, "digest", "--dry-run")...)
	if code != 0 || !strings.Contains(errs, "nothing new") || out != "" {
		t.Errorf("dry run beside a crawl, after the baseline: exit %d, stdout %q, stderr %q; want exit 0 and nothing new", code, out, errs)
	}
	if err := crawl.Wait(); err != nil {
		t.Fatalf("the crawl beside the dry run: %v", err)
	}
}
