package digest

import (
	"context"
	"errors"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/config"
)

func mustCompose(t *testing.T, arts []article.Article, opts Options) *Message {
	t.Helper()
	m, err := Compose(arts, opts)
	if err != nil {
		t.Fatalf("Compose: %v", err)
	}
	return m
}

// TestSendDelivers sends the digest through a real server in each TLS mode and reads it back.
func TestSendDelivers(t *testing.T) {
	for _, mode := range []string{config.TLSStartTLS, config.TLSImplicit, config.TLSNone} {
		t.Run(mode, func(t *testing.T) {
			be := &backend{requireAuth: true}
			srv := startServer(t, mode, be)
			m := mustCompose(t, testArticles(), testOptions())
			if err := srv.sender(mode, testPassword).Send(context.Background(), m); err != nil {
				t.Fatalf("Send: %v", err)
			}
			msgs := be.messages()
			if len(msgs) != 1 {
				t.Fatalf("server received %d messages; want 1", len(msgs))
			}
			got := msgs[0]
			if wantTLS := mode != config.TLSNone; got.TLS != wantTLS {
				t.Errorf("session TLS = %v; want %v", got.TLS, wantTLS)
			}
			if !got.Auth {
				t.Errorf("session was not authenticated")
			}
			if got.From != "alerts@example.org" {
				t.Errorf("MAIL FROM = %q; want alerts@example.org", got.From)
			}
			if want := []string{"analyst@example.org", "second@example.org"}; !slices.Equal(got.To, want) {
				t.Errorf("RCPT TO = %v; want %v", got.To, want)
			}
			p := parseMessage(t, got.Data)
			if p.Subject != m.Subject {
				t.Errorf("Subject = %q; want %q", p.Subject, m.Subject)
			}
			if _, err := p.Header.Date(); err != nil {
				t.Errorf("Date header %q: %v", p.Header.Get("Date"), err)
			}
			for _, h := range []string{"Message-ID", "From", "To", "MIME-Version"} {
				if p.Header.Get(h) == "" {
					t.Errorf("header %s missing", h)
				}
			}
			if want := []string{"text/plain", "text/html"}; !slices.Equal(p.Parts, want) {
				t.Errorf("parts = %v; want %v", p.Parts, want)
			}
			if p.Text != m.Text {
				t.Errorf("text part changed in transit:\ngot:\n%s\nwant:\n%s", p.Text, m.Text)
			}
			if p.HTML != m.HTML {
				t.Errorf("html part changed in transit")
			}
			for _, a := range testArticles() {
				if w := missing(p.Text, a.Title, a.URL); w != "" {
					t.Errorf("text part lacks %q", w)
				}
				if w := missing(p.HTML, a.Title, `href="`+a.URL+`"`); w != "" {
					t.Errorf("html part lacks %q", w)
				}
			}
		})
	}
}

func TestSendChineseAndScriptArriveIntact(t *testing.T) {
	be := &backend{requireAuth: true}
	srv := startServer(t, config.TLSStartTLS, be)
	zh := article.Article{ID: "c1", URL: "https://www.samr.gov.cn/xw/1.html", Source: "samr", Lang: "zh",
		Title: "市场监管总局依法对高通公司开展立案调查", Published: time.Date(2026, 10, 11, 0, 0, 0, 0, shanghai)}
	evil := testArticles()[2]
	evil.ID = "e1"
	evil.Title = "Advisory <script>alert('x')</script>"
	evil.Ban.Targets = nil
	evil.Agencies = nil
	evil.Vendors = nil

	tests := []struct {
		name        string
		arts        []article.Article
		wantSubject string
		wantHTML    []string
		wantText    []string
	}{
		{"chinese", []article.Article{zh}, "bantrack: 1 new notice — 市场监管总局依法对高通公司开展立案调查",
			[]string{"市场监管总局依法对高通公司开展立案调查"}, []string{"市场监管总局依法对高通公司开展立案调查"}},
		{"script", []article.Article{evil}, "bantrack: 1 new notice — Advisory <script>alert('x')</script>",
			[]string{"Advisory &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"}, []string{"Advisory <script>alert('x')</script>"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := srv.sender(config.TLSStartTLS, testPassword).Send(context.Background(), mustCompose(t, tc.arts, testOptions())); err != nil {
				t.Fatalf("Send: %v", err)
			}
			msgs := be.messages()
			if len(msgs) != i+1 {
				t.Fatalf("server holds %d messages; want %d", len(msgs), i+1)
			}
			p := parseMessage(t, msgs[i].Data)
			if p.Subject != tc.wantSubject {
				t.Errorf("Subject = %q; want %q", p.Subject, tc.wantSubject)
			}
			if w := missing(p.HTML, tc.wantHTML...); w != "" {
				t.Errorf("html part lacks %q", w)
			}
			if w := missing(p.Text, tc.wantText...); w != "" {
				t.Errorf("text part lacks %q", w)
			}
			if strings.Contains(p.HTML, "<script>") {
				t.Errorf("html part contains an unescaped <script>")
			}
		})
	}
}

func TestSendOneRecipientRejected(t *testing.T) {
	be := &backend{requireAuth: true, reject: map[string]bool{"second@example.org": true}}
	srv := startServer(t, config.TLSStartTLS, be)
	err := srv.sender(config.TLSStartTLS, testPassword).Send(context.Background(), mustCompose(t, testArticles(), testOptions()))
	var pe *PartialError
	if !errors.As(err, &pe) {
		t.Fatalf("Send = %v; want a *PartialError", err)
	}
	if len(pe.Rejected) != 1 || pe.Rejected[0].Recipient != "second@example.org" {
		t.Errorf("Rejected = %+v; want second@example.org", pe.Rejected)
	}
	if !slices.Equal(pe.Delivered, []string{"analyst@example.org"}) {
		t.Errorf("Delivered = %v; want [analyst@example.org]", pe.Delivered)
	}
	if !strings.Contains(err.Error(), "second@example.org") || !strings.Contains(err.Error(), "550") {
		t.Errorf("error %q does not name the rejected recipient and the reply", err)
	}
	msgs := be.messages()
	if len(msgs) != 1 || !slices.Equal(msgs[0].To, []string{"analyst@example.org"}) {
		t.Fatalf("server received %+v; want one message to analyst@example.org", msgs)
	}
	// The To header still shows the whole list.
	to, _ := parseMessage(t, msgs[0].Data).Header.AddressList("To")
	if len(to) != 2 {
		t.Errorf("To header = %v; want both recipients", to)
	}
}

func TestSendFailures(t *testing.T) {
	tests := []struct {
		name         string
		be           *backend
		password     string
		mode         string
		wantErr      string
		wantAttempts int // MAIL FROM commands the server saw
		wantAuth     int // AUTH attempts the server saw
	}{
		{"auth refused", &backend{requireAuth: true}, "wrong", config.TLSStartTLS, "535", 0, 1},
		{"every recipient rejected", &backend{requireAuth: true, reject: map[string]bool{"analyst@example.org": true, "second@example.org": true}},
			testPassword, config.TLSStartTLS, "every recipient rejected", 1, 1},
		{"temporary failure twice", &backend{requireAuth: true, tempFailures: 2}, testPassword, config.TLSStartTLS, "451", 2, 2},
		{"starttls not offered", &backend{}, testPassword, config.TLSStartTLS, "STARTTLS", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			serverMode := config.TLSStartTLS
			if tc.name == "starttls not offered" {
				serverMode = config.TLSNone
			}
			srv := startServer(t, serverMode, tc.be)
			err := srv.sender(tc.mode, tc.password).Send(context.Background(), mustCompose(t, testArticles(), testOptions()))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Send = %v; want an error containing %q", err, tc.wantErr)
			}
			var pe *PartialError
			if errors.As(err, &pe) {
				t.Errorf("Send = %T; want a plain failure", err)
			}
			if n := len(tc.be.messages()); n != 0 {
				t.Errorf("server received %d messages; want 0", n)
			}
			tc.be.mu.Lock()
			defer tc.be.mu.Unlock()
			if tc.be.mailAttempts != tc.wantAttempts {
				t.Errorf("MAIL FROM attempts = %d; want %d", tc.be.mailAttempts, tc.wantAttempts)
			}
			if tc.be.authAttempts != tc.wantAuth {
				t.Errorf("AUTH attempts = %d; want %d", tc.be.authAttempts, tc.wantAuth)
			}
		})
	}
}

func TestSendRetriesTemporaryFailure(t *testing.T) {
	be := &backend{requireAuth: true, tempFailures: 1}
	srv := startServer(t, config.TLSStartTLS, be)
	if err := srv.sender(config.TLSStartTLS, testPassword).Send(context.Background(), mustCompose(t, testArticles(), testOptions())); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if n := len(be.messages()); n != 1 {
		t.Errorf("server received %d messages; want 1", n)
	}
	if be.mailAttempts != 2 {
		t.Errorf("MAIL FROM attempts = %d; want 2", be.mailAttempts)
	}
}

func TestSendServerDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &Sender{SMTP: config.SMTP{Host: "127.0.0.1", Port: port, TLS: config.TLSStartTLS, Timeout: time.Second},
		RetryDelay: 10 * time.Millisecond}
	err = s.Send(context.Background(), mustCompose(t, testArticles(), testOptions()))
	if err == nil {
		t.Fatal("Send to a closed port = nil; want an error")
	}
	if want := "127.0.0.1:" + strconv.Itoa(port); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name %s", err, want)
	}
}

func TestSendBadTLSMode(t *testing.T) {
	err := Send(context.Background(), config.SMTP{Host: "127.0.0.1", Port: 1, TLS: "ssl3"}, "", mustCompose(t, testArticles(), testOptions()))
	if err == nil || !strings.Contains(err.Error(), "ssl3") {
		t.Errorf("Send with tls ssl3 = %v; want an error naming the mode", err)
	}
}

func TestSendUntrustedCertificate(t *testing.T) {
	be := &backend{requireAuth: true}
	srv := startServer(t, config.TLSImplicit, be)
	s := srv.sender(config.TLSImplicit, testPassword)
	s.TLSConfig = nil // system roots do not know the test certificate
	err := s.Send(context.Background(), mustCompose(t, testArticles(), testOptions()))
	if err == nil {
		t.Fatal("Send to an untrusted certificate = nil; want an error")
	}
	if temporary(err) {
		t.Errorf("certificate error %v counted as temporary", err)
	}
}
