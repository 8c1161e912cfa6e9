package config

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// Error is one problem found in a config file. Parse and Load join all of them with errors.Join,
// ordered by line; use errors.As to recognise a configuration problem.
type Error struct {
	File  string // the name given to Parse or the path given to Load
	Line  int    // 1-based; 0 when the problem has no single line
	Field string // path of the field, e.g. "sources[2].list.item"; empty for YAML syntax errors
	Msg   string
}

// Error formats the problem as "file:line: field: problem".
func (e *Error) Error() string {
	s := e.File
	if e.Line > 0 {
		s += fmt.Sprintf(":%d", e.Line)
	}
	if e.Field != "" {
		s += ": " + e.Field
	}
	return s + ": " + e.Msg
}

// joinErrors sorts problems by line (keeping the order of discovery within a line), drops exact
// repeats and joins them; it returns nil when there are none.
func joinErrors(errs []*Error) error {
	slices.SortStableFunc(errs, func(a, b *Error) int { return cmp.Compare(a.Line, b.Line) })
	out := make([]error, 0, len(errs))
	seen := make(map[Error]bool, len(errs))
	for _, e := range errs {
		if seen[*e] {
			continue
		}
		seen[*e] = true
		out = append(out, e)
	}
	return errors.Join(out...)
}
