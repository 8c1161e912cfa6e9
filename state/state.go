package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the layout of the store this code writes.
const SchemaVersion = 1

var (
	bucketMeta       = []byte("meta")
	bucketValidators = []byte("validators")
	bucketSeen       = []byte("seen")
	bucketHealth     = []byte("health")
	bucketLedger     = []byte("ledger")
	bucketDigests    = []byte("digests")
	bucketCrawl      = []byte("crawl") // crawler bookkeeping: free-form values keyed by the crawler
	keySchema        = []byte("schema")
)

// ErrNewerSchema means the store was written by a newer bantrack.
var ErrNewerSchema = errors.New("state: store written by a newer bantrack")

// Store is the bbolt-backed state. It is safe for concurrent use.
type Store struct {
	db   *bolt.DB
	path string
}

// Open opens or creates the store at path.
func Open(path string) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("state: open %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, fmt.Errorf("state: open %s: %w", path, err)
	}
	return s, nil
}

func (s *Store) migrate() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketValidators, bucketSeen, bucketHealth, bucketLedger, bucketDigests, bucketCrawl} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		v := 0
		if raw := meta.Get(keySchema); raw != nil {
			n, err := strconv.Atoi(string(raw))
			if err != nil {
				return fmt.Errorf("schema version %q: %w", raw, err)
			}
			v = n
		}
		if v > SchemaVersion {
			return fmt.Errorf("%w (schema %d, this program knows %d): upgrade bantrack", ErrNewerSchema, v, SchemaVersion)
		}
		// Migrations from older schemas go here, one step at a time.
		return meta.Put(keySchema, []byte(strconv.Itoa(SchemaVersion)))
	})
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// Path returns the file the store lives in.
func (s *Store) Path() string { return s.path }

func (s *Store) getJSON(bucket []byte, key string, v any) (bool, error) {
	var raw []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucket).Get([]byte(key)); b != nil {
			raw = append([]byte(nil), b...)
		}
		return nil
	})
	if err != nil || raw == nil {
		return false, err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("state: decode %s/%s: %w", bucket, key, err)
	}
	return true, nil
}

func (s *Store) putJSON(bucket []byte, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).Put([]byte(key), raw)
	})
}

type validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// Validators returns the ETag and Last-Modified stored for url.
func (s *Store) Validators(url string) (etag, lastModified string, err error) {
	var v validators
	_, err = s.getJSON(bucketValidators, url, &v)
	return v.ETag, v.LastModified, err
}

// SetValidators stores the ETag and Last-Modified for url.
func (s *Store) SetValidators(url, etag, lastModified string) error {
	if etag == "" && lastModified == "" {
		return s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketValidators).Delete([]byte(url)) })
	}
	return s.putJSON(bucketValidators, url, validators{ETag: etag, LastModified: lastModified})
}

// Doc is what the store remembers of a document it has seen.
type Doc struct {
	ID      string    `json:"id"`
	URL     string    `json:"url"`
	Source  string    `json:"source"`
	Listed  time.Time `json:"listed,omitzero"` // the listing's date for it when it was indexed
	Indexed time.Time `json:"indexed"`
	Status  string    `json:"status"`
}

// Seen reports whether a document was indexed, and the listing date it had then.
func (s *Store) Seen(id string) (listed time.Time, ok bool, err error) {
	var d Doc
	ok, err = s.getJSON(bucketSeen, id, &d)
	return d.Listed, ok, err
}

// Doc returns what the store remembers of a document.
func (s *Store) Doc(id string) (Doc, bool, error) {
	var d Doc
	ok, err := s.getJSON(bucketSeen, id, &d)
	return d, ok, err
}

// MarkSeen records documents as indexed, in one transaction.
func (s *Store) MarkSeen(docs ...Doc) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSeen)
		for _, d := range docs {
			raw, err := json.Marshal(d)
			if err != nil {
				return err
			}
			if err := b.Put([]byte(d.ID), raw); err != nil {
				return err
			}
		}
		return nil
	})
}

// ForgetSeen removes documents from the seen set, so the next crawl fetches them again.
func (s *Store) ForgetSeen(ids ...string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSeen)
		for _, id := range ids {
			if err := b.Delete([]byte(id)); err != nil {
				return err
			}
		}
		return nil
	})
}

// SeenDocs calls fn for every document the store has seen, in id order.
func (s *Store) SeenDocs(fn func(Doc) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSeen).ForEach(func(k, v []byte) error {
			var d Doc
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("state: decode seen/%s: %w", k, err)
			}
			return fn(d)
		})
	})
}

// Health is the record of one source's runs.
type Health struct {
	Source      string    `json:"source"`
	LastRun     time.Time `json:"last_run,omitzero"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
	ItemsLast   int       `json:"items_last_run"`
	NewLast     int       `json:"new_last_run"`
	Docs        int       `json:"docs"`
}

// Health returns a source's record; a source never run has a zero record.
func (s *Store) Health(source string) (Health, error) {
	h := Health{Source: source}
	_, err := s.getJSON(bucketHealth, source, &h)
	return h, err
}

// SetHealth stores a source's record.
func (s *Store) SetHealth(h Health) error { return s.putJSON(bucketHealth, h.Source, h) }

// Get reads a crawler bookkeeping value into v; ok is false when none is stored.
func (s *Store) Get(key string, v any) (ok bool, err error) { return s.getJSON(bucketCrawl, key, v) }

// Put stores a crawler bookkeeping value.
func (s *Store) Put(key string, v any) error { return s.putJSON(bucketCrawl, key, v) }

// Delete removes a crawler bookkeeping value.
func (s *Store) Delete(key string) error {
	return s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketCrawl).Delete([]byte(key)) })
}
