package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/config"
	"github.com/bantrack/bantrack/digest"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/state"
)

// digestPage is how many hits one index request of the digest selection reads.
const digestPage = 200

// digestMaxCandidates bounds the selection: the index answers at most this many hits per query.
const digestMaxCandidates = 10000

func runDigest(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet("digest")
	dryRun := fs.Bool("dry-run", false, "print the message (RFC 5322, HTML and text parts) and record nothing")
	out := fs.String("out", "", "write the message to `FILE` (.eml) instead of sending it, and record it as sent")
	since := fs.String("since", "", "only documents published on or after `DATE` (YYYY-MM-DD or RFC 3339)")
	rest, err := parseInterspersed(fs, args, false)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErrorf("digest takes no arguments; got %q", strings.Join(rest, " "))
	}
	if *dryRun && *out != "" {
		return usageErrorf("--dry-run and --out exclude each other: --dry-run records nothing, --out records the digest as sent")
	}
	r := digestRun{dryRun: *dryRun, out: *out}
	if r.since, err = parseDate("since", *since); err != nil {
		return err
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	if err := checkDigestConfig(cfg, !r.dryRun && r.out == "", a.getenv); err != nil {
		return err
	}
	// Even --dry-run takes the writer's lock: it reads the ledger, which only writers open.
	st, err := a.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	return a.digest(ctx, cfg, st, r)
}

// digestRun is one digest: what to select and where the message goes.
type digestRun struct {
	since      time.Time // zero: every unsent document
	dryRun     bool      // print the message, record nothing
	out        string    // write the .eml here instead of sending, and record it
	now        func() time.Time
	retryDelay time.Duration // zero: digest.DefaultRetryDelay
}

// checkDigestConfig reports what the digest section lacks for this run, naming the file and field.
func checkDigestConfig(cfg *config.Config, sending bool, getenv func(string) string) error {
	d := cfg.Digest
	var errs []error
	if d.From == "" {
		errs = append(errs, fmt.Errorf("%s: digest.from: missing: the digest needs a sender address", cfg.Path))
	}
	if len(d.To) == 0 {
		errs = append(errs, fmt.Errorf("%s: digest.to: missing: the digest needs at least one recipient", cfg.Path))
	}
	if sending {
		if d.SMTP.Host == "" {
			errs = append(errs, fmt.Errorf("%s: digest.smtp.host: missing: sending needs an SMTP server (or use --out FILE or --dry-run)", cfg.Path))
		}
		if d.SMTP.Username != "" {
			switch {
			case d.SMTP.PasswordEnv == "":
				errs = append(errs, fmt.Errorf("%s: digest.smtp.password_env: missing: smtp.username is set, so name the environment variable holding the password", cfg.Path))
			case getenv(d.SMTP.PasswordEnv) == "":
				errs = append(errs, fmt.Errorf("%s: digest.smtp.password_env: the environment variable %s is empty or unset", cfg.Path, d.SMTP.PasswordEnv))
			}
		}
	}
	if len(errs) > 0 {
		return &configError{errors.Join(errs...)}
	}
	return nil
}

// digest selects the documents not yet sent, composes the message, and prints, writes or sends it.
// The ledger records the items only once the message was delivered (to at least one recipient)
// or written with --out; on any failure nothing is recorded.
func (a *app) digest(ctx context.Context, cfg *config.Config, st *store, r digestRun) error {
	arts, err := selectForDigest(ctx, cfg.Digest, st, r.since)
	if err != nil {
		return err
	}
	if len(arts) == 0 && !cfg.Digest.SendEmpty {
		fmt.Fprintln(a.stderr, "bantrack: nothing new since the last digest; no mail sent")
		return nil
	}
	now := time.Now
	if r.now != nil {
		now = r.now
	}
	msg, err := digest.Compose(arts, digestOptions(cfg.Digest, now))
	if err != nil {
		return &configError{fmt.Errorf("%s: digest: %w", cfg.Path, err)}
	}
	rec := state.Digest{MessageID: msg.Msg.GetMessageID(), Items: len(msg.IDs), To: cfg.Digest.To}

	switch {
	case r.dryRun:
		if _, err := msg.WriteTo(a.stdout); err != nil {
			return err
		}
		a.log.Info("digest dry run: nothing recorded", "items", len(msg.IDs))
		return nil
	case r.out != "":
		path, err := writeEML(r.out, msg)
		if err != nil {
			return err
		}
		rec.File = path
	default:
		s := &digest.Sender{SMTP: cfg.Digest.SMTP, Password: a.getenv(cfg.Digest.SMTP.PasswordEnv),
			Logger: a.log, RetryDelay: r.retryDelay}
		err := s.Send(ctx, msg)
		var pe *digest.PartialError
		switch {
		case errors.As(err, &pe):
			// Delivered to some: it counts as sent, or those recipients would get it twice.
			rec.To = pe.Delivered
			for _, rj := range pe.Rejected {
				a.log.Warn("digest recipient rejected", "recipient", rj.Recipient, "error", rj.Err)
			}
			fmt.Fprintf(a.stderr, "bantrack: warning: %v\n", pe)
		case err != nil:
			return fmt.Errorf("digest not sent, nothing recorded: %w", err)
		}
	}
	rec.Sent = now()
	if err := st.State.RecordDigest(rec, msg.IDs); err != nil {
		return fmt.Errorf("digest delivered but not recorded (its items may be sent again): %w", err)
	}
	a.log.Info("digest recorded", "items", rec.Items, "message_id", rec.MessageID, "file", rec.File)
	if rec.File != "" {
		fmt.Fprintf(a.stdout, "wrote digest of %d notices to %s\n", rec.Items, rec.File)
	} else {
		fmt.Fprintf(a.stdout, "sent digest of %d notices to %s\n", rec.Items, strings.Join(rec.To, ", "))
	}
	return nil
}

func digestOptions(d config.Digest, now func() time.Time) digest.Options {
	return digest.Options{From: d.From, To: d.To, WatchVendors: d.WatchVendors, WatchAgencies: d.WatchAgencies, Now: now}
}

// selectForDigest returns the documents the next digest holds: ban-related (when only_ban_related)
// with a score of at least min_score, published on or after since (when set), and not in the
// ledger. The ledger is what makes "new" mean "not sent yet": a document indexed while a digest
// was being sent, or indexed again after a reindex, is still sent exactly once.
func selectForDigest(ctx context.Context, d config.Digest, st *store, since time.Time) ([]article.Article, error) {
	ix, release, err := st.UseIndex(ctx)
	if err != nil {
		return nil, fmt.Errorf("digest: %w", err)
	}
	defer release()
	req := index.Request{BanOnly: d.OnlyBanRelated, Since: since, Sort: index.SortDate, Limit: digestPage}
	var arts []article.Article
	for req.Offset = 0; req.Offset+req.Limit <= digestMaxCandidates; req.Offset += req.Limit {
		res, err := ix.Search(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("digest: select documents: %w", err)
		}
		for _, h := range res.Hits {
			sent, err := st.State.Sent(h.ID)
			if err != nil {
				return nil, fmt.Errorf("digest: read ledger: %w", err)
			}
			if sent {
				continue
			}
			a, err := ix.Get(h.ID)
			if errors.Is(err, index.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("digest: read %s: %w", h.ID, err)
			}
			if d.OnlyBanRelated && a.Ban.Score < d.MinScore {
				continue
			}
			arts = append(arts, a)
		}
		if len(res.Hits) < req.Limit || uint64(req.Offset+req.Limit) >= res.Total {
			break
		}
	}
	return arts, nil
}

// writeEML writes the message to path with state.WriteFile: through a synced temporary file
// renamed over path, so a crash or a failure leaves the old file or the new one, never a half file.
func writeEML(path string, msg *digest.Message) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("digest --out %s: %w", path, err)
	}
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		return "", fmt.Errorf("digest --out %s: %w", path, err)
	}
	if err := state.WriteFile(abs, buf.Bytes(), 0o644); err != nil {
		return "", fmt.Errorf("digest --out %s: %w", path, err)
	}
	return abs, nil
}

// demoDigest prints the digest the demo's data folder would send: its subject, recipients and
// text part. It records nothing.
func demoDigest(ctx context.Context, a *app, cfg *config.Config, st *store) error {
	d := cfg.Digest
	if d.From == "" {
		d.From = "bantrack <alerts@example.org>"
	}
	if len(d.To) == 0 {
		d.To = []string{"analyst@example.org"}
	}
	arts, err := selectForDigest(ctx, d, st, time.Time{})
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, "\n== bantrack digest --dry-run (the digest it would send)")
	if len(arts) == 0 {
		fmt.Fprintln(a.stdout, "nothing ban-related to send")
		return nil
	}
	msg, err := digest.Compose(arts, digestOptions(d, time.Now))
	if err != nil {
		return fmt.Errorf("demo digest: %w", err)
	}
	fmt.Fprintf(a.stdout, "From: %s\nTo: %s\nSubject: %s\n\n%s", d.From, strings.Join(d.To, ", "), msg.Subject, msg.Text)
	return nil
}
