package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// bleve keeps its index in a bbolt file that one writer or many readers may hold, never both, and
// each holds it for as long as the index is open. So that searches answer while a crawl writes,
// nobody keeps the index open for long: a writer opens it for one commit (open, Put, close), a
// command-line reader for one search, and a long-lived reader (the web server) keeps its handle
// only until a writer announces itself.
//
// A writer announces itself with a file beside the index, PATH.writer, holding its pid, from before
// it opens the index until after it has closed it. Readers that see it release their handles and
// wait. A file left by a process that is gone (kill -9) is ignored.

// leasePoll is how often a waiting opener tries again, and how often a Shared reader looks for a
// writer's announcement.
const leasePoll = 25 * time.Millisecond

// WriterFile is the file a writer announces itself with.
func WriterFile(path string) string { return path + ".writer" }

// OpenWriter announces a writer, then opens (or creates) the index at path for writing, waiting
// while readers hold it, until ctx is done. The returned close function closes the index and
// withdraws the announcement.
func OpenWriter(ctx context.Context, path string) (ix *Index, closeFn func() error, err error) {
	want := WriterFile(path)
	if err := os.WriteFile(want, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		return nil, nil, fmt.Errorf("announce index writer: %w", err)
	}
	withdraw := func() { os.Remove(want) } //nolint:errcheck // a stale file from a gone pid is ignored by readers
	for {
		ix, err = Open(path)
		if err == nil {
			return ix, func() error {
				defer withdraw()
				return ix.Close()
			}, nil
		}
		if !errors.Is(err, ErrLocked) {
			withdraw()
			return nil, nil, err
		}
		select {
		case <-ctx.Done():
			withdraw()
			return nil, nil, fmt.Errorf("%w (still held by a reader when the wait ended: %w)", err, ctx.Err())
		case <-time.After(leasePoll):
		}
	}
}

// OpenReader opens the existing index at path read-only, waiting while a writer commits, until ctx
// is done. A missing index is ErrNoIndex at once.
func OpenReader(ctx context.Context, path string) (*Index, error) {
	for {
		if !writerWaiting(path) {
			ix, err := OpenExisting(path, true)
			if err == nil || !errors.Is(err, ErrLocked) {
				return ix, err
			}
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("open index %s: %w: a crawl is committing and did not finish in time: %w", path, ErrLocked, ctx.Err())
		case <-time.After(leasePoll):
		}
	}
}

// writerWaiting reports whether a live process announced itself as the index's writer.
func writerWaiting(path string) bool {
	raw, err := os.ReadFile(WriterFile(path))
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil || pid <= 0 {
		return false
	}
	if pid == os.Getpid() {
		return true
	}
	err = syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// Shared is a long-lived reader's handle on the index: open while searches use it, given up when a
// writer announces itself, and opened again once the writer is done. It is safe for concurrent use.
type Shared struct {
	path string

	mu      sync.Mutex
	cond    *sync.Cond
	ix      *Index
	opened  os.FileInfo // the index folder the handle belongs to (Rebuild swaps in another)
	users   int
	closed  bool
	stop    chan struct{}
	stopped chan struct{}
}

// NewShared returns a Shared reader of the index at path; nothing is opened until Acquire.
func NewShared(path string) *Shared {
	s := &Shared{path: path, stop: make(chan struct{}), stopped: make(chan struct{})}
	s.cond = sync.NewCond(&s.mu)
	go s.watch()
	return s
}

// Path is the index's path.
func (s *Shared) Path() string { return s.path }

// Acquire returns the open index and the function that ends this use. While a writer has announced
// itself, it waits (until ctx is done) for the writer to finish.
func (s *Shared) Acquire(ctx context.Context) (*Index, func(), error) {
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return nil, nil, errors.New("index: shared reader closed")
		}
		if writerWaiting(s.path) {
			s.dropLocked()
			s.mu.Unlock()
		} else {
			if s.ix != nil && s.replaced() {
				s.dropLocked() // reindex swapped a new index in: read that one
			}
			if s.ix == nil {
				fi, _ := os.Stat(s.path)
				ix, err := OpenExisting(s.path, true)
				if err != nil && !errors.Is(err, ErrLocked) {
					s.mu.Unlock()
					return nil, nil, err
				}
				s.ix, s.opened = ix, fi
			}
			if s.ix != nil {
				ix := s.ix
				s.users++
				s.mu.Unlock()
				var once sync.Once
				return ix, func() { once.Do(s.release) }, nil
			}
			s.mu.Unlock()
		}
		select {
		case <-ctx.Done():
			return nil, nil, fmt.Errorf("open index %s: %w: a crawl is committing: %w", s.path, ErrLocked, ctx.Err())
		case <-time.After(leasePoll):
		}
	}
}

// replaced reports whether the folder at the index's path is no longer the one the handle was
// opened on (Rebuild renames a new index into place). A path missing for a moment, between
// Rebuild's two renames, is not a replacement yet.
func (s *Shared) replaced() bool {
	fi, err := os.Stat(s.path)
	return err == nil && s.opened != nil && !os.SameFile(fi, s.opened)
}

func (s *Shared) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users--
	if s.users == 0 {
		s.cond.Broadcast()
	}
}

// dropLocked closes the handle once no search uses it. The caller holds s.mu, which cond.Wait
// gives up while searches finish.
func (s *Shared) dropLocked() {
	for s.ix != nil && s.users > 0 {
		s.cond.Wait()
	}
	if s.ix != nil {
		s.ix.Close() //nolint:errcheck // read-only: nothing to flush, reopened later
		s.ix = nil
	}
}

// watch gives up an idle handle as soon as a writer announces itself, so that the writer does not
// wait for the next search to come along.
func (s *Shared) watch() {
	defer close(s.stopped)
	t := time.NewTicker(leasePoll)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.mu.Lock()
			if s.ix != nil && writerWaiting(s.path) {
				s.dropLocked()
			}
			s.mu.Unlock()
		}
	}
}

// Close waits for searches in flight and closes the handle.
func (s *Shared) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	close(s.stop)
	<-s.stopped
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.users > 0 {
		s.cond.Wait()
	}
	if s.ix != nil {
		err := s.ix.Close()
		s.ix = nil
		return err
	}
	return nil
}
