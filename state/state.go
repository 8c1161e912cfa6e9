package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the layout of the store this code writes.
const SchemaVersion = 2

var (
	bucketMeta       = []byte("meta")
	bucketValidators = []byte("validators")
	bucketSeen       = []byte("seen")
	bucketHealth     = []byte("health")
	bucketLedger     = []byte("ledger")
	bucketDigests    = []byte("digests")
	bucketCrawl      = []byte("crawl")  // crawler bookkeeping: free-form values keyed by the crawler
	bucketOutbox     = []byte("outbox") // documents due in the next digest: id → when they became due
	keySchema        = []byte("schema")
)

// ErrNewerSchema means the store was written by a newer bantrack.
var ErrNewerSchema = errors.New("state: store written by a newer bantrack")

// Store is the bbolt-backed state. It is safe for concurrent use.
type Store struct {
	path     string
	readOnly bool

	mu    sync.Mutex
	db    *bolt.DB // nil between transactions in shared mode
	users int
	// shared: the file is open only for each transaction, so that readers (status, digest
	// --dry-run) can open it read-only while a crawl or the daemon runs.
	shared bool
}

// ErrBusy means another process has the store open for writing, so it cannot be read now.
var ErrBusy = errors.New("state: store in use by another bantrack")

// Open opens or creates the store at path and brings its layout up to SchemaVersion.
// It waits up to 5 seconds for another process to close the file.
func Open(path string) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("state: open %s: %w", path, ErrBusy)
		}
		return nil, fmt.Errorf("state: open %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, fmt.Errorf("state: open %s: %w", path, err)
	}
	return s, nil
}

// OpenReadOnly opens an existing store for reading only, waiting at most timeout for a writer to
// close it (a writer keeps the file locked for as long as it has it open): ErrBusy then. A missing
// file yields an error matching os.ErrNotExist. Nothing is migrated: buckets an older schema lacks
// read as empty.
func OpenReadOnly(path string, timeout time.Duration) (*Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("state: open %s: %w", path, err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: timeout})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("state: open %s: %w", path, ErrBusy)
		}
		return nil, fmt.Errorf("state: open %s: %w", path, err)
	}
	s := &Store{db: db, path: path, readOnly: true}
	v, err := s.Schema()
	if err == nil && v > SchemaVersion {
		err = fmt.Errorf("%w (schema %d, this program knows %d): upgrade bantrack", ErrNewerSchema, v, SchemaVersion)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("state: open %s: %w", path, err)
	}
	return s, nil
}

// migration brings a store from schema to schema+1 inside the transaction that records it.
type migration struct {
	from int
	what string
	fn   func(tx *bolt.Tx) error
}

// migrations lists every step, oldest first; step i takes schema i to i+1. A new layout adds a
// step here and raises SchemaVersion.
func migrations() []migration {
	return []migration{
		{0, "create the buckets", func(tx *bolt.Tx) error {
			for _, b := range [][]byte{bucketValidators, bucketSeen, bucketHealth, bucketLedger, bucketDigests, bucketCrawl} {
				if _, err := tx.CreateBucketIfNotExists(b); err != nil {
					return err
				}
			}
			return nil
		}},
		{1, "add the digest outbox", func(tx *bolt.Tx) error {
			// Left unfilled (no keyOutboxFilled): the first digest fills it from the index with
			// every due document the ledger lacks, whether the store is new or upgraded.
			if _, err := tx.CreateBucketIfNotExists(bucketOutbox); err != nil {
				return err
			}
			return nil
		}},
	}
}

// readSchema returns the schema version recorded in tx; 0 for a store that has none.
func readSchema(tx *bolt.Tx) (int, error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return 0, nil
	}
	raw := meta.Get(keySchema)
	if raw == nil {
		return 0, nil
	}
	n, err := strconv.Atoi(string(raw))
	if err != nil {
		return 0, fmt.Errorf("schema version %q: %w", raw, err)
	}
	return n, nil
}

// Schema returns the schema version the store records.
func (s *Store) Schema() (int, error) {
	var v int
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		v, err = readSchema(tx)
		return err
	})
	return v, err
}

// migrate runs the missing steps, all in one transaction: a crash leaves the old layout whole.
func (s *Store) migrate() error {
	return s.update(func(tx *bolt.Tx) error {
		v, err := readSchema(tx)
		if err != nil {
			return err
		}
		if v > SchemaVersion {
			return fmt.Errorf("%w (schema %d, this program knows %d): upgrade bantrack", ErrNewerSchema, v, SchemaVersion)
		}
		steps := migrations()
		if len(steps) != SchemaVersion {
			return fmt.Errorf("schema %d has %d migration steps", SchemaVersion, len(steps))
		}
		for ; v < SchemaVersion; v++ {
			if err := steps[v].fn(tx); err != nil {
				return fmt.Errorf("migrate schema %d to %d (%s): %w", v, v+1, steps[v].what, err)
			}
		}
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		return meta.Put(keySchema, []byte(strconv.Itoa(SchemaVersion)))
	})
}

// OpenShared opens or creates the store like Open, but keeps the file open only for each
// transaction, waiting (up to a minute) while a reader has it: for writers that run long (crawl,
// run), beside which status and digest --dry-run must read. The caller holds the data folder's
// lock, so no other writer competes.
func OpenShared(path string) (*Store, error) {
	s, err := Open(path)
	if err != nil {
		return nil, err
	}
	if err := s.db.Close(); err != nil {
		return nil, fmt.Errorf("state: close %s: %w", path, err)
	}
	s.db, s.shared = nil, true
	return s, nil
}

// acquire returns the open database for one transaction, opening it in shared mode.
func (s *Store) acquire() (*bolt.DB, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		if !s.shared {
			return nil, fmt.Errorf("state: %s is closed", s.path)
		}
		db, err := bolt.Open(s.path, 0o600, &bolt.Options{Timeout: time.Minute})
		if err != nil {
			if errors.Is(err, bolt.ErrTimeout) {
				return nil, fmt.Errorf("state: open %s: %w", s.path, ErrBusy)
			}
			return nil, fmt.Errorf("state: open %s: %w", s.path, err)
		}
		s.db = db
	}
	s.users++
	return s.db, nil
}

func (s *Store) release() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users--
	if s.shared && s.users == 0 && s.db != nil {
		err := s.db.Close()
		s.db = nil
		return err
	}
	return nil
}

func (s *Store) view(fn func(*bolt.Tx) error) error {
	db, err := s.acquire()
	if err != nil {
		return err
	}
	err = db.View(fn)
	return errors.Join(err, s.release())
}

func (s *Store) update(fn func(*bolt.Tx) error) error {
	db, err := s.acquire()
	if err != nil {
		return err
	}
	err = db.Update(fn)
	return errors.Join(err, s.release())
}

// Close closes the store.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shared = false
	if s.db == nil {
		return nil
	}
	err := s.db.Close()
	s.db = nil
	return err
}

// Path returns the file the store lives in.
func (s *Store) Path() string { return s.path }

func (s *Store) getJSON(bucket []byte, key string, v any) (bool, error) {
	var raw []byte
	err := s.view(func(tx *bolt.Tx) error {
		if bk := tx.Bucket(bucket); bk != nil {
			if b := bk.Get([]byte(key)); b != nil {
				raw = append([]byte(nil), b...)
			}
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
	return s.update(func(tx *bolt.Tx) error {
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
		return s.update(func(tx *bolt.Tx) error { return tx.Bucket(bucketValidators).Delete([]byte(url)) })
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
	// Due puts the document in the digest outbox in the same transaction that records it as
	// seen: set for a document indexed as ban-related (or whose text changed).
	Due bool `json:"-"`
	// Versions are the document's archived bodies, oldest first, with where their records lie in
	// the archive: the offset index that show --raw, show --versions and evidence read. MarkSeen
	// keeps the stored versions of a Doc given without any.
	Versions []Version `json:"versions,omitempty"`
	// Published is the document's date, for the window in which its page is re-checked.
	Published time.Time `json:"published,omitzero"`
	// Checked is when the page was last fetched or re-checked; MarkSeen keeps the stored value
	// of a Doc given without one.
	Checked time.Time `json:"checked,omitzero"`
	// Gone is when a re-check first found the page taken down (GoneStatus: 404 or 410); zero
	// while, or once again, the page answers.
	Gone       time.Time `json:"gone,omitzero"`
	GoneStatus int       `json:"gone_status,omitempty"`
}

// Version is one distinct body archived for a document.
type Version struct {
	Fetched  time.Time `json:"fetched"`
	SHA256   string    `json:"sha256"`
	Response Location  `json:"response"`          // the response record (raw body)
	Meta     Location  `json:"meta,omitzero"`     // the metadata record of what bantrack read from it
	Dropped  bool      `json:"dropped,omitempty"` // the response was removed by the archive's retention
	// Content is the SHA-256 of the title, text, date and status the version's record holds.
	Content string `json:"content,omitempty"`
	// The response's validators, for re-checking the page with a conditional GET.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// Redirects are the redirect response records (3xx) that led to the page, first hop first.
	Redirects []Location `json:"redirects,omitempty"`
}

// Location is where a record lies in the archive folder: file, offset of its gzip member, length.
type Location struct {
	File   string `json:"file"`
	Offset int64  `json:"offset"`
	Length int64  `json:"length"`
}

// Docs returns what the store remembers of each of ids that it has seen, in one transaction.
func (s *Store) Docs(ids ...string) (map[string]Doc, error) {
	out := map[string]Doc{}
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSeen)
		if b == nil {
			return nil
		}
		for _, id := range ids {
			d, ok, err := seenDoc(b, id)
			if err != nil {
				return err
			}
			if ok {
				out[id] = d
			}
		}
		return nil
	})
	return out, err
}

// SetChecked records when documents' pages were last re-checked; ids the store has not seen
// are skipped.
func (s *Store) SetChecked(ids []string, at time.Time) error {
	return s.updateDocs(ids, func(_ string, d *Doc) bool { d.Checked = at.UTC(); return false })
}

// SetRecheck records a re-check of a document's page at `at` that got an answer: gone is the 404
// or 410 it answered, 0 when it answered with the page (which clears Gone). Gone keeps the first
// time the page was found gone. When due is set, a page found gone now puts the document in the
// digest outbox, in the same transaction.
func (s *Store) SetRecheck(id string, at time.Time, gone int, due bool) error {
	return s.updateDocs([]string{id}, func(_ string, d *Doc) bool {
		d.Checked = at.UTC()
		switch {
		case gone == 0:
			d.Gone, d.GoneStatus = time.Time{}, 0
		case d.Gone.IsZero():
			d.Gone, d.GoneStatus = at.UTC(), gone
			return due
		default:
			d.GoneStatus = gone
		}
		return false
	})
}

// SetVersions replaces the stored versions of seen documents (retention and reindex rewrite
// locations); ids the store has not seen are skipped.
func (s *Store) SetVersions(versions map[string][]Version) error {
	ids := make([]string, 0, len(versions))
	for id := range versions {
		ids = append(ids, id)
	}
	return s.updateDocs(ids, func(id string, d *Doc) bool { d.Versions = versions[id]; return false })
}

// seenDoc reads the seen record of id from the seen bucket; ok is false when there is none.
func seenDoc(b *bolt.Bucket, id string) (d Doc, ok bool, err error) {
	raw := b.Get([]byte(id))
	if raw == nil {
		return d, false, nil
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return d, false, fmt.Errorf("state: decode seen/%s: %w", id, err)
	}
	return d, true, nil
}

// updateDocs changes the seen record of each id with change, in one transaction, and puts in the
// digest outbox those for which change says so; ids the store has not seen are skipped.
func (s *Store) updateDocs(ids []string, change func(id string, d *Doc) (due bool)) error {
	return s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSeen)
		for _, id := range ids {
			d, ok, err := seenDoc(b, id)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			due := change(id, &d)
			out, err := json.Marshal(d)
			if err != nil {
				return fmt.Errorf("state: encode seen/%s: %w", id, err)
			}
			if err := b.Put([]byte(id), out); err != nil {
				return fmt.Errorf("state: write seen/%s: %w", id, err)
			}
			if due {
				if err := tx.Bucket(bucketOutbox).Put([]byte(id), []byte(d.Checked.Format(time.RFC3339Nano))); err != nil {
					return fmt.Errorf("state: outbox/%s: %w", id, err)
				}
			}
		}
		return nil
	})
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
	return s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSeen)
		for _, d := range docs {
			if len(d.Versions) == 0 || d.Checked.IsZero() || d.Published.IsZero() {
				if old := b.Get([]byte(d.ID)); old != nil {
					var od Doc
					if json.Unmarshal(old, &od) == nil {
						if len(d.Versions) == 0 {
							d.Versions = od.Versions
						}
						if d.Checked.IsZero() {
							d.Checked = od.Checked
						}
						if d.Published.IsZero() {
							d.Published = od.Published
						}
					}
				}
			}
			raw, err := json.Marshal(d)
			if err != nil {
				return err
			}
			if err := b.Put([]byte(d.ID), raw); err != nil {
				return err
			}
			if d.Due {
				if err := tx.Bucket(bucketOutbox).Put([]byte(d.ID), []byte(d.Indexed.UTC().Format(time.RFC3339Nano))); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// ForgetSeen removes documents from the seen set, so the next crawl fetches them again.
func (s *Store) ForgetSeen(ids ...string) error {
	return s.update(func(tx *bolt.Tx) error {
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
	return s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSeen)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
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
	// RequestsLast and TookLastS are the HTTP requests the last run made (listing, pages, retries,
	// redirects) and how long it took, for the metrics of a process that did not crawl (serve).
	RequestsLast int     `json:"requests_last_run,omitempty"`
	TookLastS    float64 `json:"took_last_run_s,omitempty"`
}

// Health returns a source's record; a source never run has a zero record.
func (s *Store) Health(source string) (Health, error) {
	h := Health{Source: source}
	_, err := s.getJSON(bucketHealth, source, &h)
	return h, err
}

// Healths returns every source's record, in name order.
func (s *Store) Healths() ([]Health, error) {
	var out []Health
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketHealth)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			h := Health{Source: string(k)}
			if err := json.Unmarshal(v, &h); err != nil {
				return fmt.Errorf("state: decode health/%s: %w", k, err)
			}
			out = append(out, h)
			return nil
		})
	})
	return out, err
}

// SeenCount returns how many documents the store has seen.
func (s *Store) SeenCount() (int, error) {
	var n int
	err := s.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketSeen); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	return n, err
}

// SetHealth stores a source's record.
func (s *Store) SetHealth(h Health) error { return s.putJSON(bucketHealth, h.Source, h) }

// Get reads a crawler bookkeeping value into v; ok is false when none is stored.
func (s *Store) Get(key string, v any) (ok bool, err error) { return s.getJSON(bucketCrawl, key, v) }

// Put stores a crawler bookkeeping value.
func (s *Store) Put(key string, v any) error { return s.putJSON(bucketCrawl, key, v) }

// Update writes many crawler bookkeeping values in one transaction: fn's puts and deletes are
// committed together when it returns nil, and not at all when it returns an error.
func (s *Store) Update(fn func(put func(key string, v any) error, del func(key string) error) error) error {
	return s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCrawl)
		put := func(key string, v any) error {
			raw, err := json.Marshal(v)
			if err != nil {
				return err
			}
			return b.Put([]byte(key), raw)
		}
		del := func(key string) error { return b.Delete([]byte(key)) }
		return fn(put, del)
	})
}

// Delete removes a crawler bookkeeping value.
func (s *Store) Delete(key string) error {
	return s.update(func(tx *bolt.Tx) error { return tx.Bucket(bucketCrawl).Delete([]byte(key)) })
}
