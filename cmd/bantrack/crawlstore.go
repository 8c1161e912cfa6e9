package main

import (
	"time"

	"github.com/bantrack/bantrack/crawler"
	"github.com/bantrack/bantrack/state"
)

// crawlStore lets the crawler remember things in the state store.
//
// The crawler writes only through Commit, which the pipeline calls once the index has the
// articles, so a crash between fetching and indexing never leaves a document marked seen but
// missing from the index; the next run simply fetches it again.
type crawlStore struct{ st *state.Store }

var _ crawler.Store = crawlStore{}

func (c crawlStore) Validators(url string) (string, string, error) { return c.st.Validators(url) }
func (c crawlStore) SetValidators(url, etag, lastModified string) error {
	return c.st.SetValidators(url, etag, lastModified)
}
func (c crawlStore) Seen(id string) (time.Time, bool, error) { return c.st.Seen(id) }
func (c crawlStore) MarkSeen(id string, listed time.Time) error {
	return c.st.MarkSeen(state.Doc{ID: id, Listed: listed, Indexed: time.Now().UTC()})
}

func (c crawlStore) Retry(id string) (crawler.Retry, bool, error) {
	var r crawler.Retry
	ok, err := c.st.Get("retry/"+id, &r)
	return r, ok, err
}
func (c crawlStore) SetRetry(id string, r crawler.Retry) error { return c.st.Put("retry/"+id, r) }
func (c crawlStore) ClearRetry(id string) error                { return c.st.Delete("retry/" + id) }

type textOwner struct{ ID, URL string }

func (c crawlStore) TextOwner(fp string) (string, string, bool, error) {
	var o textOwner
	ok, err := c.st.Get("text/"+fp, &o)
	return o.ID, o.URL, ok, err
}
func (c crawlStore) SetTextOwner(fp, id, url string) error {
	return c.st.Put("text/"+fp, textOwner{ID: id, URL: url})
}

func (c crawlStore) Health(source string) (crawler.Health, error) {
	h, err := c.st.Health(source)
	return crawler.Health{LastRun: h.LastRun, LastSuccess: h.LastSuccess, LastError: h.LastError,
		LastErrorAt: h.LastErrorAt, LastCount: h.ItemsLast}, err
}

// SetHealth keeps the fields the pipeline owns (documents indexed) and takes the crawler's.
func (c crawlStore) SetHealth(source string, ch crawler.Health) error {
	h, err := c.st.Health(source)
	if err != nil {
		return err
	}
	h.LastRun, h.LastSuccess, h.LastError, h.LastErrorAt, h.ItemsLast = ch.LastRun, ch.LastSuccess, ch.LastError, ch.LastErrorAt, ch.LastCount
	return c.st.SetHealth(h)
}
