package config

import (
	"errors"
	"os"
	"testing"
)

// FuzzParse checks that Parse never panics, that every problem it reports is an *Error naming
// the file, and that what it accepts passes Validate.
func FuzzParse(f *testing.F) {
	for _, path := range []string{"testdata/contract-feeds.yaml", "../testdata/demo-feeds.yaml", "../feeds.yaml"} {
		if data, err := os.ReadFile(path); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(good))
	f.Add([]byte(goodHTML + "      json: data.html\n      next: a.next@href\n      max_pages: 3\n"))
	f.Add([]byte("defaults: &d {robots: false, headers: {A: b}}\nsources:\n  - *d\n  - {name: a, kind: feed, url: 'http://x/', schedule: 'CRON_TZ=UTC @every 1h'}\n"))
	f.Add([]byte("sources:\n  - name: a\n    kind: feed: x\n"))
	f.Add([]byte("digest:\n  smtp: {host: mx, port: 70000, tls: ssl}\n  to: [x]\nsources: []\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.yaml", data)
		if err != nil {
			if c != nil {
				t.Errorf("Parse returned a config and an error")
			}
			var errs []error
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				errs = j.Unwrap()
			} else {
				errs = []error{err}
			}
			for _, e := range errs {
				var ce *Error
				if !errors.As(e, &ce) || ce.File != "fuzz.yaml" {
					t.Errorf("problem %q (%T) is not an *Error naming fuzz.yaml", e, e)
				}
			}
			return
		}
		if len(c.Sources) == 0 {
			t.Errorf("Parse accepted a file without sources")
		}
		if err := c.Validate(); err != nil {
			t.Errorf("Validate of an accepted file: %v", err)
		}
	})
}
