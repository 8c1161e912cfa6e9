package archive

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
)

// TestConcurrentWritersAndReaders appends from several goroutines at once (the pipeline saves
// sources in parallel, each to the one store) and reads bodies back while they write (the web
// server's raw pages); run with -race, it finds races in the archive and in what it calls.
func TestConcurrentWritersAndReaders(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "<html><body>page %s</body></html>", r.URL.Path)
	}))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "archive")
	st, err := Open(dir, 4096)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	first, _, err := st.Append(fetch(t, srv.URL+"/first"))
	if err != nil {
		t.Fatal(err)
	}
	const writers, each = 4, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers*each*2)
	for w := range writers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range each {
				ex := fetch(t, fmt.Sprintf("%s/w%d/%d", srv.URL, w, i))
				loc, _, err := st.Append(ex)
				if err != nil {
					errs <- err
					continue
				}
				got, err := Body(dir, loc)
				if err != nil || !bytes.Equal(got, ex.Body) {
					errs <- fmt.Errorf("w%d/%d read back %q (%v); want %q", w, i, got, err, ex.Body)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range each {
				if got, err := Body(dir, first); err != nil || !bytes.Contains(got, []byte("page /first")) {
					errs <- fmt.Errorf("reading the first page beside the writers: %q (%v)", got, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	n := 0
	if err := Scan(dir, func(r Record) error {
		n++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if want := (1 + writers*each) * 2; n != want {
		t.Errorf("the folder holds %d records; want %d (a response and a request per exchange)", n, want)
	}
}
