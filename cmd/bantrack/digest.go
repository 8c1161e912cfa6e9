package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/config"
	"github.com/bantrack/bantrack/digest"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/internal/pipeline"
	"github.com/bantrack/bantrack/state"
)

func runDigest(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet("digest")
	dryRun := fs.Bool("dry-run", false, "print the message as readable text (headers, then the text part) and record nothing; needs no SMTP settings and works beside a crawl")
	eml := fs.Bool("eml", false, "with --dry-run: print the raw RFC 5322 message instead")
	out := fs.String("out", "", "write the message to `FILE` (.eml) instead of sending it, and record it as sent")
	since := fs.String("since", "", "only documents published on or after `DATE` (YYYY-MM-DD or RFC 3339); the others stay due")
	baseline := fs.Bool("baseline", false, "record every ban-related document now in the index as sent, send nothing: how digests start on an existing index")
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
	if *eml && !*dryRun {
		return usageErrorf("--eml goes with --dry-run (--out FILE writes the raw message and records it)")
	}
	if *baseline && (*dryRun || *out != "" || *since != "") {
		return usageErrorf("--baseline sends nothing: give it alone")
	}
	r := digestRun{dryRun: *dryRun, eml: *eml, out: *out}
	if r.since, err = parseDate("since", *since); err != nil {
		return err
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	if r.dryRun {
		return a.digestDryRun(ctx, cfg, r)
	}
	if !*baseline {
		if err := checkDigestConfig(cfg, r.out == "", a.getenv); err != nil {
			return err
		}
	}
	st, err := a.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	if *baseline {
		return a.digestBaseline(ctx, st)
	}
	return a.digest(ctx, cfg, st, r)
}

// digestBaseline records every ban-related document in the index as sent.
func (a *app) digestBaseline(ctx context.Context, st *store) error {
	ix, release, err := st.UseIndex(ctx)
	if err != nil {
		return err
	}
	var ids []string
	err = ix.All(ctx, func(art article.Article) error {
		if art.Ban.Related {
			ids = append(ids, art.ID)
		}
		return nil
	})
	release()
	if err != nil {
		return fmt.Errorf("digest --baseline: read the index: %w", err)
	}
	n, err := st.State.Baseline(ids, time.Now())
	if err != nil {
		return fmt.Errorf("digest --baseline: %w", err)
	}
	fmt.Fprintf(a.stdout, "recorded %s as sent (%d were already); the next digest holds only documents indexed from now on\n",
		plural(n, "ban-related document", "ban-related documents"), len(ids)-n)
	return nil
}

// digestDryRun prints the digest the next run would send, as readable text or (with --eml) the raw
// message. It takes no lock and opens the state read-only, so it works beside a crawl.
func (a *app) digestDryRun(ctx context.Context, cfg *config.Config, r digestRun) error {
	dir, err := a.data()
	if err != nil {
		return err
	}
	st, err := state.OpenReadOnly(filepath.Join(dir, "state.db"), readerWait)
	if errors.Is(err, os.ErrNotExist) {
		// No state yet (an index built by reindex or copied in): nothing was ever sent. An empty
		// store in a temporary folder stands in, so that the data folder is not written.
		tmp, terr := os.MkdirTemp("", "bantrack-dry-run-")
		if terr != nil {
			return terr
		}
		defer os.RemoveAll(tmp)
		st, err = state.Open(filepath.Join(tmp, "state.db"))
	}
	if err != nil {
		return err
	}
	defer st.Close()
	ix, err := a.openIndex(ctx)
	if err != nil {
		return err
	}
	defer ix.Close()
	d := cfg.Digest
	if d.From == "" {
		d.From = "bantrack <bantrack@localhost>"
	}
	if len(d.To) == 0 {
		d.To = []string{"analyst@localhost"} // the feeds file names no recipients yet
		fmt.Fprintf(a.stderr, "bantrack: %s has no digest.to; showing the digest as it would go to %s\n", cfg.Path, d.To[0])
	}
	sel, err := selectForDigest(ctx, d, ix, st, r.since, false)
	if err != nil {
		return err
	}
	if len(sel.arts) == 0 && !d.SendEmpty {
		fmt.Fprintln(a.stderr, "bantrack: nothing new since the last digest; no mail would be sent")
		return nil
	}
	opts := digestOptions(d, time.Now)
	opts.Changes, opts.Takedowns = sel.changes, sel.takedowns
	msg, err := digest.Compose(sel.arts, opts)
	if err != nil {
		return &configError{fmt.Errorf("%s: digest: %w", cfg.Path, err)}
	}
	if r.eml {
		_, err := msg.WriteTo(a.stdout)
		return err
	}
	fmt.Fprintf(a.stdout, "From: %s\nTo: %s\nSubject: %s\n\n%s", d.From, strings.Join(d.To, ", "), msg.Subject, msg.Text)
	a.log.Info("digest dry run: nothing recorded", "items", len(msg.IDs))
	return nil
}

// digestRun is one digest: what to select and where the message goes.
type digestRun struct {
	since      time.Time // zero: every unsent document
	dryRun     bool      // print the message, record nothing
	eml        bool      // with dryRun: the raw message
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
	ix, release, err := st.UseIndex(ctx)
	if err != nil {
		return err
	}
	sel, err := selectForDigest(ctx, cfg.Digest, ix, st.State, r.since, true)
	release()
	if err != nil {
		return err
	}
	if err := st.State.Drain(sel.drop); err != nil {
		return fmt.Errorf("digest: outbox: %w", err)
	}
	arts := sel.arts
	if len(arts) == 0 && !cfg.Digest.SendEmpty {
		fmt.Fprintln(a.stderr, "bantrack: nothing new since the last digest; no mail sent")
		return nil
	}
	now := time.Now
	if r.now != nil {
		now = r.now
	}
	opts := digestOptions(cfg.Digest, now)
	opts.Changes, opts.Takedowns = sel.changes, sel.takedowns
	msg, err := digest.Compose(arts, opts)
	if err != nil {
		return &configError{fmt.Errorf("%s: digest: %w", cfg.Path, err)}
	}
	rec := state.Digest{MessageID: msg.Msg.GetMessageID(), Items: len(msg.IDs), To: cfg.Digest.To}

	switch {
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
	if err := st.State.RecordDigest(rec, append(slices.Clone(msg.IDs), sel.changedKeys...)); err != nil {
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

// selection is what the next digest holds, and what the outbox no longer needs.
type selection struct {
	arts []article.Article // due documents to send, oldest due first
	drop []string          // ids in the outbox that are not to be sent (sent before, gone, below min_score)
	// changes are the silent edits among arts, with their changed lines, and takedowns the pages
	// found taken down; changedKeys the ledger keys that record each edit and takedown as sent, so
	// that each is sent once.
	changes     map[string]digest.Change
	takedowns   map[string]digest.Takedown
	changedKeys []string
}

// changedKey is the ledger key of one silent edit of a document.
func changedKey(a article.Article) string {
	return a.ID + "@changed:" + a.Changed.UTC().Format(time.RFC3339Nano)
}

// goneKey is the ledger key of a document's page found taken down at gone.
func goneKey(id string, gone time.Time) string {
	return id + "@gone:" + gone.UTC().Format(time.RFC3339Nano)
}

// selectForDigest reads the outbox: the documents that became due (indexed as ban-related) and
// are not in the ledger, kept only_ban_related and min_score, published on or after since (the
// others stay due). A store upgraded from before the outbox has it filled once from the index
// (fill), or, read-only, the index's unsent ban-related documents are added in memory.
func selectForDigest(ctx context.Context, d config.Digest, ix *index.Index, st *state.Store, since time.Time, fill bool) (selection, error) {
	var sel selection
	ids, complete, err := st.Outbox()
	if err != nil {
		return sel, fmt.Errorf("digest: read the outbox: %w", err)
	}
	if !complete {
		var ban []string
		err := ix.All(ctx, func(art article.Article) error {
			if art.Ban.Related || !d.OnlyBanRelated {
				ban = append(ban, art.ID)
			}
			return nil
		})
		if err != nil {
			return sel, fmt.Errorf("digest: fill the outbox: %w", err)
		}
		if fill {
			if _, err := st.FillOutbox(ban, time.Now()); err != nil {
				return sel, fmt.Errorf("digest: fill the outbox: %w", err)
			}
			if ids, _, err = st.Outbox(); err != nil {
				return sel, fmt.Errorf("digest: read the outbox: %w", err)
			}
		} else {
			ids = append(ids, ban...)
		}
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		sent, err := st.Sent(id)
		if err != nil {
			return sel, fmt.Errorf("digest: read ledger: %w", err)
		}
		a, err := ix.Get(id)
		doc, _, derr := st.Doc(id)
		if derr != nil {
			return sel, fmt.Errorf("digest: read %s: %w", id, derr)
		}
		// Sent before, then edited or taken down: due again once for each of those not yet sent.
		var changeSent, goneSent bool
		var lerr error
		if err == nil && !a.Changed.IsZero() {
			if changeSent, lerr = st.Sent(changedKey(a)); lerr != nil {
				return sel, fmt.Errorf("digest: read ledger: %w", lerr)
			}
		}
		if !doc.Gone.IsZero() {
			if goneSent, lerr = st.Sent(goneKey(id, doc.Gone)); lerr != nil {
				return sel, fmt.Errorf("digest: read ledger: %w", lerr)
			}
		}
		newChange := err == nil && !a.Changed.IsZero() && !changeSent
		newGone := !doc.Gone.IsZero() && !goneSent
		if sent && (newChange || newGone) {
			sent = false
		}
		if sent {
			sel.drop = append(sel.drop, id)
			continue
		}
		if errors.Is(err, index.ErrNotFound) {
			sel.drop = append(sel.drop, id)
			continue
		}
		if err != nil {
			return sel, fmt.Errorf("digest: read %s: %w", id, err)
		}
		if d.OnlyBanRelated && (!a.Ban.Related || a.Ban.Score < d.MinScore) {
			sel.drop = append(sel.drop, id)
			continue
		}
		if !since.IsZero() && (a.Published.IsZero() || a.Published.Before(since)) {
			continue // stays due
		}
		sel.arts = append(sel.arts, a)
		if newGone {
			if sel.takedowns == nil {
				sel.takedowns = map[string]digest.Takedown{}
			}
			sel.takedowns[id] = digest.Takedown{At: doc.Gone, Status: doc.GoneStatus}
			sel.changedKeys = append(sel.changedKeys, goneKey(id, doc.Gone))
		}
		if !newChange {
			sel.arts[len(sel.arts)-1].Changed = time.Time{} // sent as a change before: not said again
		}
	}
	dir := filepath.Dir(st.Path())
	for _, a := range sel.arts {
		if a.Changed.IsZero() {
			continue
		}
		lines, err := pipeline.ChangedLines(dir, a, readerWait, 8)
		if err != nil {
			lines = []string{"(the versions could not be read: bantrack show --versions " + a.ID + ")"}
		}
		if sel.changes == nil {
			sel.changes = map[string]digest.Change{}
		}
		sel.changes[a.ID] = digest.Change{At: a.Changed, Lines: lines}
		sel.changedKeys = append(sel.changedKeys, changedKey(a))
	}
	return sel, nil
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
	ix, release, err := st.UseIndex(ctx)
	if err != nil {
		return err
	}
	sel, err := selectForDigest(ctx, d, ix, st.State, time.Time{}, false)
	release()
	if err != nil {
		return err
	}
	arts := sel.arts
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
