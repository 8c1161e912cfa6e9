package web

import (
	"html/template"
	"strconv"
	"strings"
	"time"
)

// funcs are the helpers templates use.
func funcs() template.FuncMap {
	return template.FuncMap{
		"date": func(t time.Time) string {
			if t.IsZero() {
				return "date unknown 日期不详"
			}
			return t.Format(time.DateOnly)
		},
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return "-"
			}
			return t.UTC().Format("2006-01-02 15:04 UTC")
		},
		"iso": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"size": func(n int64) string {
			switch {
			case n >= 1<<30:
				return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + " GiB"
			case n >= 1<<20:
				return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
			case n >= 1<<10:
				return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
			}
			return strconv.FormatInt(n, 10) + " B"
		},
		"join":  strings.Join,
		"score": func(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) },
		"has": func(list []string, s string) bool {
			for _, x := range list {
				if x == s {
					return true
				}
			}
			return false
		},
		"short": func(s string) string {
			if len(s) > 12 {
				return s[:12]
			}
			return s
		},
	}
}
