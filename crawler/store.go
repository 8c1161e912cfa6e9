package crawler

import (
	"sync"
	"time"
)

// Store is what the crawler remembers between runs. The state package implements it on bbolt;
// MemStore implements it in memory. Implementations must be safe for concurrent use. A method that
// finds nothing returns its zero values and ok false, never an error.
type Store interface {
	// Validators returns the ETag and Last-Modified last seen for a listing URL, empty when unknown.
	Validators(url string) (etag, lastModified string, err error)
	// SetValidators records the validators of a listing URL; empty values delete them.
	SetValidators(url, etag, lastModified string) error

	// Seen reports whether a document id was already indexed, and the listing date it had then
	// (zero when the listing gave none).
	Seen(id string) (listed time.Time, ok bool, err error)
	// MarkSeen records that a document was indexed with the given listing date.
	MarkSeen(id string, listed time.Time) error

	// Retry returns the retry bookkeeping of a document indexed as partial.
	Retry(id string) (r Retry, ok bool, err error)
	// SetRetry records the retry bookkeeping of a partial document.
	SetRetry(id string, r Retry) error
	// ClearRetry forgets a document's retry bookkeeping (its page was had, or retries gave up).
	ClearRetry(id string) error

	// TextOwner returns the document that first carried a text, by the text's fingerprint.
	TextOwner(fingerprint string) (id, url string, ok bool, err error)
	// SetTextOwner records the document that carries a text.
	SetTextOwner(fingerprint, id, url string) error

	// Health returns what is known of a source's recent runs; the zero Health when nothing is.
	Health(source string) (Health, error)
	// SetHealth records a source's health after a run.
	SetHealth(source string, h Health) error
}

// Retry is the bookkeeping of a document whose article page could not be had.
type Retry struct {
	First    time.Time // when the page first failed
	Attempts int       // failed attempts so far
	Next     time.Time // not to be tried again before this
	Listed   time.Time // the listing date of the item
	LastErr  string    // why the last attempt failed
}

// Health is what the crawler keeps about a source's runs.
type Health struct {
	LastRun     time.Time // start of the last run
	LastSuccess time.Time // end of the last run whose listing was read (a 304 counts)
	LastError   string    // the last run's error; empty when it succeeded
	LastErrorAt time.Time
	LastCount   int // items the last listing that was read found (a 304 keeps the previous count)
}

// MemStore is an in-memory Store, for tests and benchmarks. The zero value is ready to use.
type MemStore struct {
	mu         sync.Mutex
	validators map[string][2]string
	seen       map[string]time.Time
	retries    map[string]Retry
	owners     map[string][2]string
	health     map[string]Health
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

// MarkSeen implements Store.
func (m *MemStore) MarkSeen(id string, listed time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen == nil {
		m.seen = map[string]time.Time{}
	}
	m.seen[id] = listed
	return nil
}

// Retry implements Store.
func (m *MemStore) Retry(id string) (Retry, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.retries[id]
	return r, ok, nil
}

// SetRetry implements Store.
func (m *MemStore) SetRetry(id string, r Retry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.retries == nil {
		m.retries = map[string]Retry{}
	}
	m.retries[id] = r
	return nil
}

// ClearRetry implements Store.
func (m *MemStore) ClearRetry(id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.retries, id)
	return nil
}

// TextOwner implements Store.
func (m *MemStore) TextOwner(fingerprint string) (string, string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.owners[fingerprint]
	return o[0], o[1], ok, nil
}

// SetTextOwner implements Store.
func (m *MemStore) SetTextOwner(fingerprint, id, url string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.owners == nil {
		m.owners = map[string][2]string{}
	}
	m.owners[fingerprint] = [2]string{id, url}
	return nil
}

// Health implements Store.
func (m *MemStore) Health(source string) (Health, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.health[source], nil
}

// SetHealth implements Store.
func (m *MemStore) SetHealth(source string, h Health) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.health == nil {
		m.health = map[string]Health{}
	}
	m.health[source] = h
	return nil
}
