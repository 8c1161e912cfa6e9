package crawler

import (
	"encoding/json"
	"sync"
	"time"
)

// Store is what the crawler remembers between runs. *state.Store implements it on bbolt; MemStore
// implements it in memory. Implementations must be safe for concurrent use.
//
// The crawler reads Seen but never marks documents seen: whoever indexes Result.Articles records
// Result.Seen (the state package's MarkSeen), then calls Crawler.Commit, which writes the
// validators and the crawler's own bookkeeping through Put and Delete.
type Store interface {
	// Validators returns the ETag and Last-Modified last seen for a URL, empty when unknown.
	Validators(url string) (etag, lastModified string, err error)
	// SetValidators records the validators of a URL; two empty values delete them.
	SetValidators(url, etag, lastModified string) error

	// Seen reports whether a document id was already indexed, and the listing date it had then
	// (zero when the listing gave none).
	Seen(id string) (listed time.Time, ok bool, err error)

	// Get reads the crawler's bookkeeping value under key into v (JSON-compatible); ok is false
	// when nothing is stored. Keys start with "retry/", "owner/", "listing/" or "partials/".
	Get(key string, v any) (ok bool, err error)
	// Put stores a bookkeeping value under key.
	Put(key string, v any) error
	// Delete removes a bookkeeping value; deleting a missing key is not an error.
	Delete(key string) error
}

// BatchStore is a Store that can write many bookkeeping records in one transaction. Commit uses
// it when the Store has it, so a crawl's records cost one durable write rather than one each.
type BatchStore interface {
	Store
	// Update calls fn with put and delete functions that write into one transaction, committed
	// when fn returns nil and discarded when it returns an error.
	Update(fn func(put func(key string, v any) error, del func(key string) error) error) error
}

// SeenDoc is a document to record as indexed once Result.Articles are in the index.
type SeenDoc struct {
	ID     string
	URL    string
	Listed time.Time // the item's listing or feed date; zero when it had none
	Status string    // "ok" or "partial"
}

// retryRecord ("retry/<id>") is the bookkeeping of a document whose article page could not be had.
type retryRecord struct {
	First    time.Time `json:"first"`    // when the page first failed
	Attempts int       `json:"attempts"` // failed attempts so far
	Next     time.Time `json:"next"`     // not to be tried again before this
	LastErr  string    `json:"last_error,omitempty"`
}

// ownerRecord ("owner/<fingerprint>") names the document that first carried a text.
type ownerRecord struct {
	ID  string `json:"id"`
	URL string `json:"url"`
}

// listingRecord ("listing/<source>") is what the crawler keeps of a source's listing, to notice
// one that found items before and finds none now.
type listingRecord struct {
	Count int       `json:"count"` // items the last listing that was read found
	At    time.Time `json:"at"`
	Rules string    `json:"rules,omitempty"` // the rules it was read under (session.rules)
}

// MemStore is an in-memory Store, for tests and benchmarks. The zero value is ready to use.
type MemStore struct {
	mu         sync.Mutex
	validators map[string][2]string
	seen       map[string]time.Time
	values     map[string][]byte
}

// Validators implements Store.
func (m *MemStore) Validators(url string) (string, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v := m.validators[url]
	return v[0], v[1], nil
}

// SetValidators implements Store.
func (m *MemStore) SetValidators(url, etag, lastModified string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.validators == nil {
		m.validators = map[string][2]string{}
	}
	if etag == "" && lastModified == "" {
		delete(m.validators, url)
		return nil
	}
	m.validators[url] = [2]string{etag, lastModified}
	return nil
}

// Seen implements Store.
func (m *MemStore) Seen(id string) (time.Time, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.seen[id]
	return t, ok, nil
}

// MarkSeen records documents as indexed, as the indexer does with the state store.
func (m *MemStore) MarkSeen(docs ...SeenDoc) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen == nil {
		m.seen = map[string]time.Time{}
	}
	for _, d := range docs {
		m.seen[d.ID] = d.Listed
	}
	return nil
}

// Get implements Store.
func (m *MemStore) Get(key string, v any) (bool, error) {
	m.mu.Lock()
	raw, ok := m.values[key]
	m.mu.Unlock()
	if !ok {
		return false, nil
	}
	return true, json.Unmarshal(raw, v)
}

// Put implements Store.
func (m *MemStore) Put(key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.values == nil {
		m.values = map[string][]byte{}
	}
	m.values[key] = raw
	return nil
}

// Delete implements Store.
func (m *MemStore) Delete(key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.values, key)
	return nil
}
