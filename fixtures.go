// Package bantrack holds the fixture sites that bantrack's tests and `bantrack demo` crawl.
// The program itself lives in cmd/bantrack; see README.md.
package bantrack

import (
	"embed"
	"io/fs"
)

//go:embed testdata/sites testdata/demo-feeds.yaml
var testdataFS embed.FS

// Fixtures returns the fixture tree: sites/<site>/... and demo-feeds.yaml.
func Fixtures() fs.FS {
	sub, err := fs.Sub(testdataFS, "testdata")
	if err != nil {
		panic(err) // the path is a constant embedded above
	}
	return sub
}
