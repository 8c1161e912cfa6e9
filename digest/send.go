package digest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/bantrack/bantrack/config"
)

// DefaultRetryDelay is the wait before the one retry after a temporary failure.
const DefaultRetryDelay = 10 * time.Second

// Sender delivers digests over SMTP.
type Sender struct {
	SMTP     config.SMTP
	Password string // read by the caller from the variable named by SMTP.PasswordEnv
	// TLSConfig overrides the TLS settings (e.g. extra root certificates); ServerName is
	// filled from SMTP.Host when empty. Nil means system roots and SMTP.Host.
	TLSConfig *tls.Config
	// RetryDelay is the wait before the one retry after a temporary failure; DefaultRetryDelay when zero.
	RetryDelay time.Duration
	Logger     *slog.Logger // nil discards
}

// Rejection is one recipient the server refused.
type Rejection struct {
	Recipient string
	Err       error
}

// PartialError reports a message that was delivered to some recipients and refused for others.
// The message did go out: callers treat it as sent and report the rejected recipients.
type PartialError struct {
	Delivered []string
	Rejected  []Rejection
}

func (e *PartialError) Error() string {
	parts := make([]string, len(e.Rejected))
	for i, r := range e.Rejected {
		parts[i] = fmt.Sprintf("%s (%v)", r.Recipient, r.Err)
	}
	return fmt.Sprintf("digest: delivered to %s; rejected: %s",
		strings.Join(e.Delivered, ", "), strings.Join(parts, ", "))
}

// Send delivers m with the settings of s. It is Sender{SMTP: s, Password: password}.Send.
func Send(ctx context.Context, s config.SMTP, password string, m *Message) error {
	return (&Sender{SMTP: s, Password: password}).Send(ctx, m)
}

// Send delivers m to every recipient of its To header. A temporary failure (a 4xx reply, a network
// error) before the message was accepted is retried once after RetryDelay. It returns nil when
// every recipient accepted the message, a *PartialError when some did, and another error when the
// message was not delivered at all.
func (s *Sender) Send(ctx context.Context, m *Message) error {
	log := s.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	err := s.sendOnce(ctx, m)
	if err == nil || !temporary(err) {
		return err
	}
	delay := s.RetryDelay
	if delay <= 0 {
		delay = DefaultRetryDelay
	}
	log.Warn("digest delivery failed, retrying", "smtp_host", s.SMTP.Host, "retry_in", delay, "error", err)
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("digest: send: %w (retry abandoned: %w)", err, ctx.Err())
	case <-t.C:
	}
	return s.sendOnce(ctx, m)
}

// client returns a go-mail client for s and the address it connects to, for messages.
func (s *Sender) client() (*mail.Client, string, error) {
	port := s.SMTP.Port
	mode := strings.ToLower(s.SMTP.TLS)
	if mode == "" {
		mode = config.TLSStartTLS
	}
	if port == 0 {
		switch mode {
		case config.TLSImplicit:
			port = 465
		case config.TLSNone:
			port = 25
		default:
			port = 587
		}
	}
	timeout := s.SMTP.Timeout
	if timeout <= 0 {
		timeout = config.DefaultSMTPTimeout
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.TLSConfig != nil {
		tc = s.TLSConfig.Clone()
	}
	if tc.ServerName == "" {
		tc.ServerName = s.SMTP.Host
	}
	opts := []mail.Option{mail.WithPort(port), mail.WithTimeout(timeout), mail.WithTLSConfig(tc)}
	switch mode {
	case config.TLSStartTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case config.TLSImplicit:
		opts = append(opts, mail.WithSSL(), mail.WithTLSPolicy(mail.NoTLS))
	case config.TLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		return nil, "", fmt.Errorf("digest: smtp tls %q: want starttls, tls or none", s.SMTP.TLS)
	}
	if s.SMTP.Username != "" {
		// PLAIN or LOGIN when offered, else the strongest mechanism go-mail finds. go-mail refuses
		// to send PLAIN/LOGIN credentials over an unencrypted connection except to localhost.
		opts = append(opts, mail.WithUsername(s.SMTP.Username), mail.WithPassword(s.Password),
			mail.WithOpportunisticSMTPAuth(mail.SMTPAuthPlain, mail.SMTPAuthLogin))
	}
	addr := net.JoinHostPort(s.SMTP.Host, strconv.Itoa(port))
	c, err := mail.NewClient(s.SMTP.Host, opts...)
	if err != nil {
		return nil, "", fmt.Errorf("digest: smtp client for %s: %w", addr, err)
	}
	return c, addr, nil
}

// sendOnce runs one SMTP session. It drives the envelope itself rather than through go-mail's
// Send, which gives up on the whole message when one recipient is refused.
func (s *Sender) sendOnce(ctx context.Context, m *Message) (err error) {
	c, addr, err := s.client()
	if err != nil {
		return err
	}
	sc, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fmt.Errorf("digest: connect to %s: %w", addr, err)
	}
	defer func() {
		if cerr := c.CloseWithSMTPClient(sc); cerr != nil && err == nil {
			err = fmt.Errorf("digest: %s: quit: %w", addr, cerr)
		}
	}()

	from, err := m.Msg.GetSender(false)
	if err != nil {
		return fmt.Errorf("digest: sender: %w", err)
	}
	rcpts, err := m.Msg.GetRecipients()
	if err != nil {
		return fmt.Errorf("digest: recipients: %w", err)
	}
	if err := sc.Mail(from); err != nil {
		return fmt.Errorf("digest: %s: MAIL FROM %s: %w", addr, from, err)
	}
	var accepted []string
	var rejected []Rejection
	for _, r := range rcpts {
		if err := sc.Rcpt(r); err != nil {
			rejected = append(rejected, Rejection{Recipient: bare(r), Err: err})
			continue
		}
		accepted = append(accepted, bare(r))
	}
	if len(accepted) == 0 {
		_ = sc.Reset()
		errs := make([]error, len(rejected))
		for i, r := range rejected {
			errs[i] = fmt.Errorf("%s: %w", r.Recipient, r.Err)
		}
		return fmt.Errorf("digest: %s: every recipient rejected: %w", addr, errors.Join(errs...))
	}
	w, err := sc.Data()
	if err != nil {
		return fmt.Errorf("digest: %s: DATA: %w", addr, err)
	}
	if _, err := m.Msg.WriteTo(w); err != nil {
		_ = w.Close()
		return fmt.Errorf("digest: %s: write message: %w", addr, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("digest: %s: message not accepted: %w", addr, err)
	}
	if len(rejected) > 0 {
		return &PartialError{Delivered: accepted, Rejected: rejected}
	}
	return nil
}

// bare strips the angle brackets go-mail puts around envelope addresses.
func bare(addr string) string {
	return strings.TrimSuffix(strings.TrimPrefix(addr, "<"), ">")
}

// temporary reports whether err is worth one retry: a 4xx SMTP reply or a network failure,
// but not a rejected certificate, a refused login or a cancelled context.
func temporary(err error) bool {
	var partial *PartialError
	if errors.As(err, &partial) || errors.Is(err, context.Canceled) {
		return false
	}
	var certErr *tls.CertificateVerificationError
	var authorityErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &authorityErr) || errors.As(err, &hostErr) {
		return false
	}
	var tpErr *textproto.Error
	if errors.As(err, &tpErr) {
		return tpErr.Code >= 400 && tpErr.Code < 500
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded)
}
