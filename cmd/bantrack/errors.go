package main

import (
	"flag"
	"fmt"
)

// errHelp is returned when -h was asked for: the usage was printed and the exit code is 0.
var errHelp = flag.ErrHelp

// usageError is a bad command line (exit 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// configError is a feeds.yaml that does not load (exit 2). Its message names the file, line and field.
type configError struct{ err error }

func (e *configError) Error() string { return e.err.Error() }
func (e *configError) Unwrap() error { return e.err }

// partialError means some sources failed and the rest were done (exit 3).
// With a what, it says what is wrong with them instead (status --check, where nothing ran).
type partialError struct {
	failed, total int
	err           error
	what          string
}

func (e *partialError) Error() string {
	if e.what != "" {
		return fmt.Sprintf("%d of %d sources %s:\n%v", e.failed, e.total, e.what, e.err)
	}
	return fmt.Sprintf("%d of %d sources failed (the others were done): %v", e.failed, e.total, e.err)
}
func (e *partialError) Unwrap() error { return e.err }

// interruptedError means a SIGINT or SIGTERM stopped the command before it finished (exit 130);
// what was done before is kept.
type interruptedError struct{ what string }

func (e *interruptedError) Error() string { return "interrupted: " + e.what }

// lockedError means another bantrack holds the data folder (exit 4).
type lockedError struct{ err error }

func (e *lockedError) Error() string {
	return e.err.Error() + "; wait for it to finish, or stop it"
}
func (e *lockedError) Unwrap() error { return e.err }
