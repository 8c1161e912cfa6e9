// Command bantrack crawls news and regulators' sites for government bans, restrictions and reviews of
// technology vendors, indexes what it finds, and emails a digest. See README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(report(os.Stderr, err))
}

// command is one subcommand: its name, a line of help, and the function that runs it.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, a *app, args []string) error
}

func commands() []command {
	return []command{
		{"crawl", "one pass over all (or the named) sources: list, fetch, extract, index", runCrawl},
		{"run", "long-running: every source and the digest on their schedules", runDaemon},
		{"search", "full-text search with filters and facets", runSearch},
		{"show", "one document: metadata, entities, dates, ban evidence, text", runShow},
		{"export", "every document, one record each (jsonl or csv)", runExport},
		{"evidence", "ID... -o FILE.warc.gz: the archived pages of documents and their records, as one WARC file", runEvidence},
		{"digest", "email the ban-related documents not yet sent", runDigest},
		{"extract", "what bantrack extracts from single pages (files or URLs)", runExtract},
		{"names", "what a vendor, agency or country name resolves to in the gazetteer", runNames},
		{"feeds", "feeds check [NAME]...: fetch each listing once and show what it finds", runFeeds},
		{"status", "per-source health, index size, last digest", runStatus},
		{"serve", "the web page, JSON API, Atom feeds and metrics, read-only (loopback by default)", runServe},
		{"reindex", "rebuild the index from stored documents, without refetching", runReindex},
		{"demo", "the whole job offline on the built-in fixture sites", runDemo},
		{"version", "version and build info", runVersion},
	}
}

// run parses the command line and runs one command. It returns nil on success, or an error
// whose kind report maps to an exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	a := &app{stdout: stdout, stderr: stderr, getenv: getenv}
	fs := a.flagSet("bantrack")
	fs.Usage = func() { a.usage() }
	rest, err := parseInterspersed(fs, args, true)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		a.usage()
		return usageErrorf("no command given")
	}
	name := rest[0]
	for _, c := range commands() {
		if c.name == name {
			if err := a.setupLogging(); err != nil {
				return err
			}
			err := c.run(ctx, a, rest[1:])
			if err != nil && a.logFormat == "json" {
				return &jsonError{err}
			}
			return err
		}
	}
	if name == "help" {
		a.usage()
		return nil
	}
	return usageErrorf("unknown command %q: run 'bantrack help' for the list", name)
}

func (a *app) usage() {
	fmt.Fprintln(a.stderr, "usage: bantrack [--config FILE] [--data DIR] [--log-level L] [--log-format text|json] COMMAND [flags] [args]")
	fmt.Fprintln(a.stderr, "\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(a.stderr, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(a.stderr, "\n'bantrack COMMAND -h' shows a command's flags.")
}

// Exit codes, fixed by the contracts.
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	exitPartial = 3
	exitLocked  = 4
	// exitInterrupted is 128+SIGINT, as shells report a command stopped by Ctrl-C.
	exitInterrupted = 130
)

// jsonError carries a command's error when logs are JSON, so that report prints it as a JSON line.
type jsonError struct{ err error }

func (e *jsonError) Error() string { return e.err.Error() }
func (e *jsonError) Unwrap() error { return e.err }

// report prints err for the user and returns the process exit code.
func report(w io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	code := exitCode(err)
	var je *jsonError
	if errors.As(err, &je) {
		// --log-format json: the last line is JSON too.
		slog.New(slog.NewJSONHandler(w, nil)).Error("bantrack failed", "error", je.err.Error(), "exit_code", code)
		return code
	}
	if !errors.Is(err, errHelp) {
		fmt.Fprintf(w, "bantrack: %v\n", err)
	}
	return code
}

func exitCode(err error) int {
	var (
		ue *usageError
		ce *configError
		pe *partialError
		le *lockedError
		ie *interruptedError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errHelp):
		return exitOK
	case errors.As(err, &ie):
		return exitInterrupted
	case errors.As(err, &le):
		return exitLocked
	case errors.As(err, &ue), errors.As(err, &ce):
		return exitUsage
	case errors.As(err, &pe):
		return exitPartial
	}
	return exitFailed
}
