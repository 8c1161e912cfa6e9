package pipeline

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"time"

	"github.com/bantrack/bantrack/archive"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/state"
)

// Store is a writer's open data folder: its lock, its state store, and its index, which is open
// only while some commit uses it (see index.OpenWriter), so that search, show, export and serve
// can read between commits.
type Store struct {
	Dir   string
	State *state.Store
	// Archive is the WARC archive in Dir/archive, where every response is written before the
	// index and the state hear of it.
	Archive *archive.Store
	lock    *state.Lock

	mu       sync.Mutex
	ix       *index.Index
	closeIx  func() error
	users    int
	openWait time.Duration
}

// LockedError is returned by OpenWriter when another process holds the data folder.
type LockedError = state.LockedError

// OpenWriter takes the data folder's lock and opens its state store. The index is opened by UseIndex.
func OpenWriter(dir string) (*Store, error) {
	l, err := state.Acquire(filepath.Join(dir, "lock"))
	if err != nil {
		return nil, err
	}
	s := &Store{Dir: dir, lock: l, openWait: 10 * time.Minute}
	if err := recoverIndex(dir); err != nil {
		return nil, errors.Join(err, l.Release())
	}
	if s.State, err = state.OpenShared(filepath.Join(dir, "state.db")); err != nil {
		return nil, errors.Join(err, l.Release())
	}
	if err := recoverArchive(ArchivePath(dir), s.State); err != nil {
		return nil, errors.Join(err, s.State.Close(), l.Release())
	}
	if s.Archive, err = archive.Open(ArchivePath(dir), 0); err != nil {
		return nil, errors.Join(err, s.State.Close(), l.Release())
	}
	return s, nil
}

// ArchivePath is the archive's folder in a data folder.
func ArchivePath(dir string) string { return filepath.Join(dir, "archive") }

// IndexPath is the store's index path.
func (s *Store) IndexPath() string { return IndexPath(s.Dir) }

// UseIndex opens the index for writing if no one in this process has it open, and returns it with
// the function that ends this use; the last use closes it, so that readers get their turn. It waits
// while readers hold the index, until ctx is done.
func (s *Store) UseIndex(ctx context.Context) (*index.Index, func(), error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ix == nil {
		wctx, cancel := context.WithTimeout(ctx, s.openWait)
		defer cancel()
		ix, closeFn, err := index.OpenWriter(wctx, s.IndexPath())
		if err != nil {
			return nil, nil, err
		}
		s.ix, s.closeIx = ix, closeFn
	}
	s.users++
	ix := s.ix
	var once sync.Once
	return ix, func() { once.Do(s.releaseIndex) }, nil
}

func (s *Store) releaseIndex() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users--
	if s.users == 0 && s.ix != nil {
		s.closeIx() //nolint:errcheck // bleve has persisted each batch before Put returned; reopened by the next use
		s.ix, s.closeIx = nil, nil
	}
}

// Close closes the index (if open) and the state store, and releases the lock. Closing again does nothing.
func (s *Store) Close() error {
	var errs []error
	s.mu.Lock()
	if s.ix != nil {
		errs = append(errs, s.closeIx())
		s.ix, s.closeIx = nil, nil
	}
	s.mu.Unlock()
	if s.Archive != nil {
		errs = append(errs, s.Archive.Close())
		s.Archive = nil
	}
	if s.State != nil {
		errs = append(errs, s.State.Close())
		s.State = nil
	}
	if s.lock != nil {
		errs = append(errs, s.lock.Release())
		s.lock = nil
	}
	return errors.Join(errs...)
}

// OpenReader opens the data folder's index read-only, without the lock, waiting up to wait while
// a crawl commits: for search, show and export.
func OpenReader(ctx context.Context, dir string, wait time.Duration) (*index.Index, error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	path := IndexPath(dir)
	ix, err := index.OpenReader(ctx, path)
	if errors.Is(err, index.ErrNoIndex) {
		// a reindex made another index live and removed this one between the two steps
		return index.OpenReader(ctx, IndexPath(dir))
	}
	return ix, err
}
