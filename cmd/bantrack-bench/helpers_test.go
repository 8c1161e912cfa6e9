package main

import (
	"io"
	"net/http"
	"testing"

	"github.com/bantrack/bantrack/extract"
)

func loadNamesForTest(t *testing.T) names {
	t.Helper()
	ns := loadNames(extract.Default())
	if len(ns.vendors) == 0 || len(ns.agenciesUS) == 0 || len(ns.agenciesCN) == 0 || len(ns.countries) == 0 {
		t.Fatalf("gazetteer names: %d vendors, %d US and %d Chinese agencies, %d countries; want some of each",
			len(ns.vendors), len(ns.agenciesUS), len(ns.agenciesCN), len(ns.countries))
	}
	return ns
}

// get fetches u, with If-None-Match when etag is set.
func get(t *testing.T, u, etag string) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("ETag"), body
}
