package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/bantrack/bantrack/archive"
	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/state"
)

// The data folder names its live index in a pointer file, so that reindex can build a whole new
// index beside the old one and switch to it in one atomic rename: at every instant the pointer
// names a complete index. A folder without the pointer uses index.bleve (the layout before it).
const (
	pointerFile      = "index.current"
	defaultIndexName = "index.bleve"
)

// IndexPath is the live index's path in a data folder.
func IndexPath(dir string) string {
	if raw, err := os.ReadFile(filepath.Join(dir, pointerFile)); err == nil {
		name := strings.TrimSpace(string(raw))
		if name != "" && name == filepath.Base(name) && strings.HasSuffix(name, ".bleve") {
			return filepath.Join(dir, name)
		}
	}
	return filepath.Join(dir, defaultIndexName)
}

// switchIndex makes name the live index: the pointer is written to a temporary file, synced,
// renamed over the old pointer, and the folder synced.
func switchIndex(dir, name string) error {
	if err := state.WriteFile(filepath.Join(dir, pointerFile), []byte(name+"\n"), 0o644); err != nil {
		return fmt.Errorf("switch index to %s: %w", name, err)
	}
	return nil
}

// recoverIndex repairs what an older bantrack's reindex left when killed between its two renames
// (index.bleve.old without index.bleve). Called with the data folder's lock held.
func recoverIndex(dir string) error {
	live := IndexPath(dir)
	if _, err := os.Stat(live); err == nil {
		return nil
	}
	old := filepath.Join(dir, defaultIndexName+".old")
	if _, err := os.Stat(old); err != nil {
		return nil
	}
	if err := os.Rename(old, live); err != nil {
		return fmt.Errorf("recover the index left at %s: %w", old, err)
	}
	return nil
}

// removeStale removes what killed reindexes left: index folders no pointer names (a half-built
// index, its creation folder, an old index whose removal was cut short), their writer files and
// temporary pointer files. Called with the lock held.
func removeStale(dir string) {
	live := filepath.Base(IndexPath(dir))
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		n := e.Name()
		stale := strings.HasPrefix(n, "index-") || strings.HasPrefix(n, defaultIndexName) ||
			strings.HasPrefix(n, "."+pointerFile+".tmp-")
		if !stale || n == live || n == pointerFile || n == live+".writer" {
			continue
		}
		os.RemoveAll(filepath.Join(dir, n)) //nolint:errcheck // tried again at the next reindex
	}
}

// ReindexStats says what Reindex did.
type ReindexStats struct {
	FromArchive int // documents rebuilt from the archive's records
	FromIndex   int // documents the archive lacks, carried over from the old index
	Versions    int // versions found in the archive
	Records     int // archive records read
	Took        time.Duration
}

// Docs is every document the new index holds.
func (s ReindexStats) Docs() int { return s.FromArchive + s.FromIndex }

// ErrNoSpace is returned by Reindex when the data folder's disk lacks room for a second index.
var ErrNoSpace = errors.New("not enough free disk space")

// ReindexOptions configure Reindex.
type ReindexOptions struct {
	// Analyze fills an article's entities (the configured gazetteer's analysis).
	Analyze func(article.Article) article.Article
	// MinFree is free space to keep beyond the estimate of the new index's size.
	MinFree int64
	Log     *slog.Logger
}

// Reindex rebuilds the data folder's index from the archive alone, with no network: every
// document record is read again and its entities extracted again, versions and change times are
// recounted from the order of the records, and documents the archive lacks (indexed before it
// existed) are carried over from the old index. The new index is built beside the old one and
// made live by switchIndex; a kill at any moment leaves one of the two live and whole. The caller
// holds the data folder's lock.
func Reindex(ctx context.Context, dir string, st *state.Store, opts ReindexOptions) (ReindexStats, error) {
	start := time.Now()
	var rs ReindexStats
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if err := recoverIndex(dir); err != nil {
		return rs, err
	}
	if err := recoverArchive(ArchivePath(dir), st); err != nil {
		return rs, err
	}
	removeStale(dir)
	old := IndexPath(dir)
	if err := checkSpace(dir, old, opts.MinFree); err != nil {
		return rs, err
	}
	name := "index-" + time.Now().UTC().Format("20060102T150405.000000000") + ".bleve"
	newPath := filepath.Join(dir, name)
	nix, err := index.Open(newPath)
	if err != nil {
		return rs, fmt.Errorf("reindex: %w", err)
	}
	fail := func(err error) (ReindexStats, error) {
		nix.Close()
		os.RemoveAll(newPath)
		return rs, err
	}
	b := newRebuild(ctx, nix, opts.Analyze)
	err = archive.Scan(ArchivePath(dir), func(r archive.Record) error {
		rs.Records++
		return b.add(r)
	})
	if err == nil {
		err = b.flush()
	}
	if err != nil {
		return fail(fmt.Errorf("reindex from the archive: %w", err))
	}
	rs.FromArchive = len(b.docs)
	for _, d := range b.docs {
		rs.Versions += len(d.versions)
	}
	if _, serr := os.Stat(old); serr == nil && old != newPath {
		oix, err := index.OpenReader(ctx, old)
		if err != nil && !errors.Is(err, index.ErrNoIndex) {
			return fail(fmt.Errorf("reindex: read the old index: %w", err))
		}
		if err == nil {
			err = oix.All(ctx, func(a article.Article) error {
				if _, ok := b.docs[a.ID]; ok {
					return nil
				}
				rs.FromIndex++
				return b.put(opts.Analyze(a))
			})
			oix.Close()
			if err == nil {
				err = b.flush()
			}
			if err != nil {
				return fail(fmt.Errorf("reindex: carry over from the old index: %w", err))
			}
		}
	}
	if err := nix.Close(); err != nil {
		os.RemoveAll(newPath)
		return rs, fmt.Errorf("reindex: close the new index: %w", err)
	}
	if err := switchIndex(dir, name); err != nil {
		os.RemoveAll(newPath)
		return rs, err
	}
	// The new index is live. The old one goes once no reader holds it (a reader that opened it
	// before the switch finishes its search).
	if old != newPath {
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		if _, closeOld, err := index.OpenWriter(wctx, old); err == nil {
			closeOld() //nolint:errcheck // the folder is removed next
		}
		cancel()
		if err := os.RemoveAll(old); err != nil {
			opts.Log.Warn("remove the old index", "path", old, "error", err)
		}
	}
	if st != nil {
		vs := make(map[string][]state.Version, len(b.docs))
		for id, d := range b.docs {
			vs[id] = d.versions
		}
		if err := st.SetVersions(vs); err != nil {
			return rs, fmt.Errorf("reindex: record where versions lie: %w", err)
		}
	}
	rs.Took = time.Since(start)
	return rs, nil
}

// checkSpace fails with ErrNoSpace when the disk cannot hold a second index: the old index's size
// (or, with none, half the archive's) and a half again for bleve's merges, plus minFree.
func checkSpace(dir, old string, minFree int64) error {
	need := dirSize(old) * 3 / 2
	if need == 0 {
		n, _ := archive.Size(ArchivePath(dir))
		need = n / 2
	}
	need += minFree
	var fs syscall.Statfs_t
	if err := syscall.Statfs(dir, &fs); err != nil {
		return nil // a file system that cannot say is let through
	}
	if free := int64(fs.Bavail) * fs.Bsize; free < need {
		return fmt.Errorf("%w: reindex builds a second index beside the old one and needs about %.1f MiB free in %s; %.1f MiB are free: "+
			"free some space (the old index is removed once the new one is live)", ErrNoSpace, mb(need), dir, mb(free))
	}
	return nil
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }

func dirSize(path string) int64 {
	var n int64
	filepath.WalkDir(path, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// rebuilt is what the rebuild knows of one document from the archive.
type rebuilt struct {
	versions []state.Version
	sha      string // the latest page's body
	textSum  [32]byte
	changed  time.Time
}

// rebuild streams the archive's document records into a new index: the latest record of a
// document wins (a later record upserts over an earlier one), with the versions seen up to it.
type rebuild struct {
	ctx       context.Context
	ix        *index.Index
	analyze   func(article.Article) article.Article
	responses map[string]archive.Location // response record id → location
	shas      map[string]string           // response record id → body sha256
	docs      map[string]*rebuilt
	batch     []article.Article
	pos       map[string]int // id → place in batch
}

const rebuildBatch = 1000

func newRebuild(ctx context.Context, ix *index.Index, analyze func(article.Article) article.Article) *rebuild {
	return &rebuild{ctx: ctx, ix: ix, analyze: analyze, responses: map[string]archive.Location{}, shas: map[string]string{},
		docs: map[string]*rebuilt{}, pos: map[string]int{}}
}

func (b *rebuild) add(r archive.Record) error {
	switch {
	case r.Type == "response":
		b.responses[r.ID] = r.Location
		b.shas[r.ID] = sha256Hex(r.Body)
		return nil
	case r.Type != "metadata" || r.ContentType != DocumentRecordType:
		return nil
	}
	var a article.Article
	if err := json.Unmarshal(r.Body, &a); err != nil || a.ID == "" {
		return nil // not a record this bantrack wrote
	}
	d := b.docs[a.ID]
	if d == nil {
		d = &rebuilt{}
		b.docs[a.ID] = d
	}
	loc, page := b.responses[r.RefersTo]
	sha := b.shas[r.RefersTo]
	if !page && r.RefersTo != "" && a.SHA256 != "" {
		sha = a.SHA256 // the page was dropped by retention: its record still names its hash
	}
	if sha != "" {
		sum := sha256.Sum256([]byte(a.Text))
		if n := len(d.versions); n == 0 || d.versions[n-1].SHA256 != sha {
			if n > 0 && sum != d.textSum {
				d.changed = a.Fetched.UTC()
			}
			v := state.Version{Fetched: a.Fetched.UTC(), SHA256: sha, Response: stateLoc(loc), Meta: stateLoc(r.Location), Dropped: !page}
			d.versions = append(d.versions, v)
		} else if page && d.versions[n-1].Dropped {
			d.versions[n-1].Response, d.versions[n-1].Dropped = stateLoc(loc), false
		}
		d.sha, d.textSum = sha, sum
	}
	a.SHA256 = d.sha
	a.Changed = d.changed
	a.Versions = nil
	for _, v := range d.versions {
		a.Versions = append(a.Versions, article.Version{Fetched: v.Fetched, SHA256: v.SHA256})
	}
	return b.put(b.analyze(a))
}

// put adds a document to the batch, replacing an earlier copy in it, and writes a full batch.
func (b *rebuild) put(a article.Article) error {
	if i, ok := b.pos[a.ID]; ok {
		b.batch[i] = a
		return nil
	}
	b.pos[a.ID] = len(b.batch)
	b.batch = append(b.batch, a)
	if len(b.batch) >= rebuildBatch {
		return b.flush()
	}
	return nil
}

func (b *rebuild) flush() error {
	if len(b.batch) == 0 {
		return nil
	}
	if err := b.ix.Put(b.ctx, b.batch...); err != nil {
		return err
	}
	b.batch = b.batch[:0]
	clear(b.pos)
	return nil
}
