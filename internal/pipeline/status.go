package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/bantrack/bantrack/archive"
	"github.com/bantrack/bantrack/config"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/state"
)

// StatusFile is the snapshot of `bantrack status` that writers keep in the data folder. A writer
// (crawl, run) holds state.db and the index open, and bbolt locks them for as long as it does, so
// while one works `status` reads this file instead. It is replaced atomically (state.WriteFile).
const StatusFile = "status.json"

// StatusReadTimeout is how long status waits for state.db before it reads the snapshot instead.
const StatusReadTimeout = 300 * time.Millisecond

// Status is what `bantrack status` shows, and the snapshot writers leave behind.
type Status struct {
	Data       string         `json:"data"`
	AsOf       time.Time      `json:"as_of"`    // when the figures were read
	FromFile   bool           `json:"snapshot"` // read from status.json, not the live store
	Holder     *LockHolder    `json:"lock_holder,omitempty"`
	Daemon     *DaemonInfo    `json:"daemon,omitempty"` // the `run` that wrote the snapshot, while up
	Index      IndexStatus    `json:"index"`
	Archive    ArchiveStatus  `json:"archive"`
	Seen       int            `json:"seen_documents"` // documents the state store has recorded
	LastDigest *state.Digest  `json:"last_digest,omitempty"`
	NextDigest time.Time      `json:"next_digest,omitzero"`
	Sources    []SourceStatus `json:"sources"`
	Notes      []string       `json:"notes,omitempty"`
}

type LockHolder struct {
	PID   int  `json:"pid"`
	Alive bool `json:"alive"`
}

type DaemonInfo struct {
	PID     int       `json:"pid"`
	Started time.Time `json:"started"`
}

type IndexStatus struct {
	Path      string `json:"path"`
	Bytes     int64  `json:"bytes"`
	Documents uint64 `json:"documents"`
}

// ArchiveStatus is the WARC archive's size.
type ArchiveStatus struct {
	Path    string `json:"path"`
	Bytes   int64  `json:"bytes"`
	Files   int    `json:"files"`
	MaxSize int64  `json:"max_size,omitempty"` // archive.max_size of feeds.yaml; 0: no limit
}

// ReadArchiveStatus reads the archive's size from its files (it needs no lock).
func ReadArchiveStatus(dir string, cfg *config.Config) ArchiveStatus {
	as := ArchiveStatus{Path: ArchivePath(dir)}
	as.Bytes, _ = archive.Size(as.Path)
	files, _ := archive.Files(as.Path)
	as.Files = len(files)
	if cfg != nil {
		as.MaxSize = cfg.Archive.MaxSize
	}
	return as
}

type SourceStatus struct {
	Name        string    `json:"name"`
	Configured  bool      `json:"configured"` // in the feeds file
	Schedule    string    `json:"schedule,omitempty"`
	State       string    `json:"state"` // ok, failing (the last run failed) or never run
	LastRun     time.Time `json:"last_run,omitzero"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
	ItemsLast   int       `json:"items_last_run"` // items the listing had on the last run that read it
	NewLast     int       `json:"indexed_last_run"`
	// HTTP requests the last run made (listing, pages, retries, redirects), and its length
	RequestsLast int       `json:"requests_last_run"`
	TookLastS    float64   `json:"took_last_run_s"`
	Documents    int       `json:"documents"` // in the index
	NextRun      time.Time `json:"next_run,omitzero"`
}

// ReadLiveStatus opens state.db and the index read-only. It fails with state.ErrBusy or
// index.ErrLocked when a writer has them.
func ReadLiveStatus(ctx context.Context, cfg *config.Config, dir string, now time.Time) (*Status, error) {
	st, err := state.OpenReadOnly(filepath.Join(dir, "state.db"), StatusReadTimeout)
	switch {
	case errors.Is(err, os.ErrNotExist):
		rep := &Status{Data: dir, AsOf: now, Index: IndexStatus{Path: IndexPath(dir)}}
		rep.Notes = append(rep.Notes, "nothing crawled yet: run bantrack crawl")
		return rep, nil
	case err != nil:
		return nil, err
	}
	defer st.Close()
	ixPath := IndexPath(dir)
	ix, err := index.OpenExisting(ixPath, true)
	switch {
	case errors.Is(err, index.ErrNoIndex):
		ix = nil
	case err != nil:
		return nil, err
	default:
		defer ix.Close()
	}
	return CollectStatus(ctx, dir, st, ix, now)
}

// CollectStatus reads the figures from an open store and index (ix may be nil: no index yet).
func CollectStatus(ctx context.Context, dir string, st *state.Store, ix *index.Index, now time.Time) (*Status, error) {
	rep := &Status{Data: dir, AsOf: now.UTC(), Index: IndexStatus{Path: IndexPath(dir)}}
	hs, err := st.Healths()
	if err != nil {
		return nil, err
	}
	for _, h := range hs {
		rep.Sources = append(rep.Sources, SourceStatus{
			Name: h.Source, LastRun: h.LastRun, LastSuccess: h.LastSuccess, LastError: h.LastError,
			LastErrorAt: h.LastErrorAt, ItemsLast: h.ItemsLast, NewLast: h.NewLast,
			RequestsLast: h.RequestsLast, TookLastS: h.TookLastS,
		})
	}
	if rep.Seen, err = st.SeenCount(); err != nil {
		return nil, err
	}
	if d, ok, err := st.LastDigest(); err != nil {
		return nil, err
	} else if ok {
		rep.LastDigest = &d
	}
	rep.Index.Bytes, _ = index.DiskSize(rep.Index.Path) // a size, best effort: 0 when the index is missing
	if ix != nil {
		if rep.Index.Documents, err = ix.Count(); err != nil {
			return nil, err
		}
		for i := range rep.Sources {
			if rep.Sources[i].Documents, err = sourceDocs(ctx, ix, rep.Sources[i].Name); err != nil {
				return nil, err
			}
		}
	}
	return rep, nil
}

func sourceDocs(ctx context.Context, ix *index.Index, name string) (int, error) {
	res, err := ix.Search(ctx, index.Request{Sources: []string{name}, Limit: 1})
	if err != nil {
		return 0, fmt.Errorf("count documents of %s: %w", name, err)
	}
	return int(res.Total), nil
}

// ReadSnapshot reads status.json; nil without error when there is none.
func ReadSnapshot(dir string) (*Status, error) {
	raw, err := os.ReadFile(filepath.Join(dir, StatusFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read status snapshot: %w", err)
	}
	var rep Status
	if err := json.Unmarshal(raw, &rep); err != nil {
		return nil, fmt.Errorf("read status snapshot %s: %w", filepath.Join(dir, StatusFile), err)
	}
	rep.FromFile = true
	rep.Holder = nil
	rep.Notes = nil
	return &rep, nil
}

// saveStatus writes the status snapshot of an open store, for `status` to read while this process
// holds the store. next, when not nil, holds the daemon's next runs by source name. A failure is
// logged: the snapshot is a convenience and never fails a crawl.
func (p *Pipeline) SaveStatus(ctx context.Context, daemon *DaemonInfo, next map[string]time.Time, nextDigest time.Time) {
	ctx = context.WithoutCancel(ctx)
	ix, release, err := p.Store.UseIndex(ctx)
	if err != nil {
		p.Log.Warn("write status snapshot", "error", err)
		return
	}
	rep, err := CollectStatus(ctx, p.Store.Dir, p.Store.State, ix, time.Now())
	release()
	if err == nil {
		rep.Daemon = daemon
		for i := range rep.Sources {
			rep.Sources[i].NextRun = next[rep.Sources[i].Name]
		}
		if daemon != nil {
			// sources never run have no health yet; the daemon still knows when they run
			for name, t := range next {
				if !slices.ContainsFunc(rep.Sources, func(s SourceStatus) bool { return s.Name == name }) {
					rep.Sources = append(rep.Sources, SourceStatus{Name: name, NextRun: t})
				}
			}
			rep.NextDigest = nextDigest
		}
		var raw []byte
		if raw, err = json.MarshalIndent(rep, "", "  "); err == nil {
			err = state.WriteFile(filepath.Join(p.Store.Dir, StatusFile), append(raw, '\n'), 0o644)
		}
	}
	if err != nil {
		p.Log.Warn("write status snapshot", "error", err)
	}
}
