package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/bantrack/bantrack/config"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/internal/pipeline"
	"github.com/bantrack/bantrack/state"
)

// app carries what every command shares: the global flags, the output streams and the logger.
type app struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	log            *slog.Logger

	configPath string
	dataDir    string
	logLevel   string
	logFormat  string
}

// flagSet returns a flag set that already knows the global flags.
func (a *app) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// Parse errors come back as one usage error (with a suggestion), not printed here as well.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(a.stderr, "usage: bantrack %s [flags] %s\n\nflags:\n", name, synopsis[name])
		fs.SetOutput(a.stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		if more := helpNotes[name]; more != "" {
			fmt.Fprintf(a.stderr, "\n%s\n", more)
		}
	}
	fs.Func("config", "feeds file (default $BANTRACK_CONFIG, else ./feeds.yaml)", func(s string) error { a.configPath = s; return nil })
	fs.Func("data", "data folder (default $BANTRACK_DATA, else $XDG_DATA_HOME/bantrack)", func(s string) error { a.dataDir = s; return nil })
	fs.Func("log-level", "debug, info, warn or error (default info)", func(s string) error { a.logLevel = s; return nil })
	fs.Func("log-format", "text or json (default text)", func(s string) error { a.logFormat = s; return nil })
	return fs
}

// parseInterspersed parses flags wherever they stand among the arguments and returns the others.
// With stopAtFirst, parsing stops at the first non-flag argument (the command name).
func parseInterspersed(fs *flag.FlagSet, args []string, stopAtFirst bool) ([]string, error) {
	var rest []string
	// The flag package prints the usage on every parse error; it is printed here for -h only.
	help := fs.Usage
	fs.Usage = func() {}
	defer func() { fs.Usage = help }()
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				help()
				return nil, errHelp
			}
			return nil, flagError(fs, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		if stopAtFirst {
			return args, nil
		}
		if args[0] == "--" {
			return append(rest, args[1:]...), nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

func (a *app) setupLogging() error {
	var level slog.Level
	switch strings.ToLower(a.logLevel) {
	case "", "info":
		level = slog.LevelInfo
	case "debug":
		level = slog.LevelDebug
	case "warn", "warning":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	default:
		return usageErrorf("--log-level %q: want debug, info, warn or error", a.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch a.logFormat {
	case "", "text":
		a.log = slog.New(slog.NewTextHandler(a.stderr, opts))
	case "json":
		a.log = slog.New(slog.NewJSONHandler(a.stderr, opts))
	default:
		return usageErrorf("--log-format %q: want text or json", a.logFormat)
	}
	return nil
}

// configFile returns the feeds file to read: --config, $BANTRACK_CONFIG, ./feeds.yaml.
func (a *app) configFile() string {
	if a.configPath != "" {
		return a.configPath
	}
	if p := a.getenv("BANTRACK_CONFIG"); p != "" {
		return p
	}
	return "feeds.yaml"
}

// loadConfig reads and validates the feeds file.
func (a *app) loadConfig() (*config.Config, error) {
	path := a.configFile()
	cfg, err := config.Load(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &configError{fmt.Errorf("%s: no such file: pass --config FILE or set BANTRACK_CONFIG", path)}
		}
		return nil, &configError{err}
	}
	return cfg, nil
}

// data returns the data folder, creating it: --data, $BANTRACK_DATA, $XDG_DATA_HOME/bantrack,
// ~/.local/share/bantrack.
func (a *app) data() (string, error) {
	dir := a.dataDir
	if dir == "" {
		dir = a.getenv("BANTRACK_DATA")
	}
	if dir == "" {
		base := a.getenv("XDG_DATA_HOME")
		if base == "" {
			home := a.getenv("HOME")
			if home == "" {
				var err error
				if home, err = os.UserHomeDir(); err != nil {
					return "", fmt.Errorf("no data folder: pass --data DIR or set BANTRACK_DATA (%w)", err)
				}
			}
			base = filepath.Join(home, ".local", "share")
		}
		dir = filepath.Join(base, "bantrack")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create data folder %s: %w (pass --data DIR to use another)", dir, err)
	}
	return dir, nil
}

// store is a writer's open data folder (see pipeline.Store): the lock, state.db, and the index
// opened only for short commits.
type store = pipeline.Store

// openStore opens the data folder for a command that writes (crawl, run, digest): it takes the
// folder's lock first, so two writers never work on it at once, and creates what is missing.
func (a *app) openStore() (*store, error) {
	dir, err := a.data()
	if err != nil {
		return nil, err
	}
	if err := a.checkFree(dir); err != nil {
		return nil, err
	}
	s, err := pipeline.OpenWriter(dir)
	if err != nil {
		var le *state.LockedError
		if errors.As(err, &le) {
			return nil, &lockedError{err}
		}
		return nil, err
	}
	return s, nil
}

// readerWait is how long search, show and export wait for a crawl's commit to end.
const readerWait = 2 * time.Minute

// defaultMinFree is the free space a writer wants in the data folder before it starts. bleve
// cannot finish a write on a full disk (and its background merger may crash the process), so
// bantrack refuses to start one rather than fail half-way.
const defaultMinFree = 64 << 20

// checkFree fails when the data folder's file system has less free space than $BANTRACK_MIN_FREE
// (a size such as 64MiB; default 64 MiB). A file system that cannot say is let through.
func (a *app) checkFree(dir string) error {
	min := int64(defaultMinFree)
	if v := a.getenv("BANTRACK_MIN_FREE"); v != "" {
		n, err := config.ParseSize(v)
		if err != nil {
			return usageErrorf("BANTRACK_MIN_FREE=%q: %v", v, err)
		}
		min = n
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return nil
	}
	if free := int64(st.Bavail) * st.Bsize; free < min {
		return fmt.Errorf("data folder %s has %s free, less than the %s bantrack needs to write safely: "+
			"free some space, or pass --data DIR on a larger disk (BANTRACK_MIN_FREE sets the bar)", dir, mib(free), mib(min))
	}
	return nil
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// openIndex opens the index read-only and without the lock, for search, show and export. While
// a crawl or the daemon commits, it waits for the commit to end: writers hold the index only for
// their commits.
func (a *app) openIndex(ctx context.Context) (*index.Index, error) {
	dir, err := a.data()
	if err != nil {
		return nil, err
	}
	ix, err := pipeline.OpenReader(ctx, dir, readerWait)
	if err != nil {
		return nil, indexError(err)
	}
	return ix, nil
}

// indexError adds what to do next to an index that cannot be opened.
func indexError(err error) error {
	switch {
	case errors.Is(err, index.ErrLocked):
		return fmt.Errorf("%w: a crawl or the daemon held it longer than bantrack waits; try again", err)
	case errors.Is(err, index.ErrMappingVersion):
		return err // the message already says to run bantrack reindex
	}
	return err
}

// parseDate reads a DATE flag: YYYY-MM-DD (local midnight in UTC) or RFC 3339.
func parseDate(flagName, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, usageErrorf("--%s %q: want YYYY-MM-DD or RFC 3339", flagName, s)
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

// synopsis is each command's arguments after its flags, for its help.
var synopsis = map[string]string{
	"crawl": "", "run": "", "search": "[QUERY]", "show": "ID|URL", "export": "", "digest": "",
	"extract": "FILE|URL...", "feeds": "check [NAME]...", "status": "", "reindex": "", "demo": "",
	"version": "", "names": "QUERY", "serve": "", "evidence": "ID... -o FILE.warc.gz", "bantrack": "COMMAND [args]",
}

// helpNotes is what a command's help says after its flags.
var helpNotes = map[string]string{
	"search": `QUERY syntax:
  huawei zte                words without a sign are optional: either matches, both rank first
  +huawei +"entity list"    + must be there, - must not (-lifted); no AND/OR/NOT, no parentheses
  "export controls"         a phrase: these words together, in order, in one sentence of one field
  网络安全审查               an unquoted Chinese word is a phrase too
  vendors:micron            vendors:, targets:, agencies:, countries: take any alias (vendors:美光)
  title:"..."  source:cac-wxfb  lang:zh  ban_score:>0.8  fetched:>="2026-11-01"
More in docs/search.md.`,
}

// flagError turns a flag parse error into one usage error naming the command, with the closest
// known flag for an unknown one.
func flagError(fs *flag.FlagSet, err error) error {
	msg := err.Error()
	if bad, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		msg = fmt.Sprintf("%s: unknown flag --%s", fs.Name(), bad)
		if near := config.Closest(bad, names); near != "" {
			msg += fmt.Sprintf(" (did you mean --%s?)", near)
		}
	} else {
		msg = fs.Name() + ": " + msg
	}
	if fs.Name() == "bantrack" {
		return &usageError{msg: strings.TrimPrefix(msg, "bantrack: ") + "; see bantrack help"}
	}
	return &usageError{msg: msg + "; see bantrack " + fs.Name() + " --help"}
}
