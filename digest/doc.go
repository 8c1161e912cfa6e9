// Package digest turns ban-related articles into an email and delivers it over SMTP.
//
// It owns the digest's content and its delivery, nothing else: choosing which articles are new
// (the index search and the ledger of what was sent) is the caller's job, and so is recording the
// delivery. It imports article and config only, never crawler, extract, index or state.
//
// Composing:
//
//	msg, err := digest.Compose(arts, digest.Options{From: cfg.From, To: cfg.To,
//		WatchVendors: cfg.WatchVendors, WatchAgencies: cfg.WatchAgencies})
//	msg.WriteTo(os.Stdout) // RFC 5322 bytes: the --dry-run output and the .eml of --out
//
// The message is multipart/alternative with a UTF-8 text/plain part and a text/html part (both
// quoted-printable), a Date, a Message-ID, MIME-Version, and the subject RFC 2047-encoded when it is
// not ASCII. Items are grouped by target vendor; an item with several targets sits in the group of
// its watched target, else its target most frequent in this digest (ties: the one it names first),
// and lists all its targets. Items without targets are grouped by agency, items with neither
// under "Other notices". Watched groups come first, then groups by their newest item; items
// inside a group are newest first. Watched items and groups carry a ★.
// The subject gives the count and the names of the first groups, then other targets ("bantrack:
// 3 new notices — Fortinet, Micron Technology, VMware and 2 more"); without targets the agencies;
// without either, a single item's title.
// Chinese items keep their original title and get an English gloss built from the canonical agency,
// action and vendor names the article already holds. The HTML part is rendered with html/template,
// uses tables and inline CSS only, and sets no background colours, so it reads in dark mode too.
// Message.IDs lists the article IDs the message contains, for the caller's ledger.
//
// Sending:
//
//	err := digest.Send(ctx, cfg.SMTP, os.Getenv(cfg.SMTP.PasswordEnv), msg)
//
// or a Sender with extra TLS roots, a logger or another retry delay. TLS is "starttls" (mandatory
// STARTTLS), "tls" (implicit TLS) or "none"; with a username the client authenticates with PLAIN or
// LOGIN (go-mail sends those over an unencrypted connection only to localhost). Timeouts come from
// config.SMTP.Timeout (config.DefaultSMTPTimeout when zero). A temporary failure (4xx reply, network error)
// before the message was accepted is retried once.
//
// When the server refuses some recipients but accepts others, the message is still delivered to
// those it accepted and Send returns a *PartialError naming who was refused and why. The digest did
// go out, so callers record it as sent and report the refusal. When every recipient is refused, or
// anything else fails, Send returns an ordinary error and nothing was delivered.
package digest
