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
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/bantrack/bantrack/archive"
	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/state"
)

// The live index is always at DIR/index.bleve, which reindex makes a symbolic link to the index
// folder it built (index-TIME.bleve): the link is replaced by renaming a new link over it, one
// atomic step, so at every instant the path names a complete index, and every reader keeps using
// the one path. A folder from before holds a real directory there; reindex first moves it to
// index-legacy.bleve and links to it.
const (
	defaultIndexName = "index.bleve"
	legacyIndexName  = "index-legacy.bleve"
)

// IndexPath is the live index's path in a data folder.
func IndexPath(dir string) string {
	p := filepath.Join(dir, defaultIndexName)
	if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
		// between the two steps of moving an old folder's index aside (see migrateIndex)
		if legacy := filepath.Join(dir, legacyIndexName); isDir(legacy) {
			return legacy
		}
	}
	return p
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// liveName is the folder the live index is in: the link's target, or index.bleve itself.
func liveName(dir string) string {
	if t, err := os.Readlink(filepath.Join(dir, defaultIndexName)); err == nil {
		return filepath.Base(t)
	}
	return defaultIndexName
}

// switchIndex makes the index folder name live: a new link, renamed over index.bleve, then the
// data folder synced.
func switchIndex(dir, name string) error {
	tmp := filepath.Join(dir, fmt.Sprintf(".%s.tmp-%d", defaultIndexName, time.Now().UnixNano()))
	if err := os.Symlink(name, tmp); err != nil {
		return fmt.Errorf("switch index to %s: %w", name, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, defaultIndexName)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("switch index to %s: %w", name, err)
	}
	syncDir(dir)
	return nil
}

// migrateIndex moves an index that is a real directory at index.bleve (a folder from before) to
// index-legacy.bleve and links to it. A kill between the two steps is settled by recoverIndex;
// readers meanwhile find the moved folder through IndexPath.
func migrateIndex(dir string) error {
	p := filepath.Join(dir, defaultIndexName)
	fi, err := os.Lstat(p)
	if err != nil || !fi.IsDir() {
		return nil
	}
	if err := os.Rename(p, filepath.Join(dir, legacyIndexName)); err != nil {
		return fmt.Errorf("move the index aside: %w", err)
	}
	syncDir(dir)
	return switchIndex(dir, legacyIndexName)
}

// recoverIndex repairs what a kill left with no index at index.bleve: between migrateIndex's two
// steps, or between the two renames of an older bantrack's reindex (index.bleve.old). Called with
// the data folder's lock held.
func recoverIndex(dir string) error {
	p := filepath.Join(dir, defaultIndexName)
	if _, err := os.Lstat(p); err == nil {
		return nil
	}
	if isDir(filepath.Join(dir, legacyIndexName)) {
		return switchIndex(dir, legacyIndexName)
	}
	old := p + ".old"
	if isDir(old) {
		if err := os.Rename(old, p); err != nil {
			return fmt.Errorf("recover the index left at %s: %w", old, err)
		}
	}
	return nil
}

// removeStale removes what killed reindexes left: index folders the link does not name (a
// half-built index, its creation folder, an old index whose removal was cut short), their writer
// files and temporary links. Called with the lock held.
func removeStale(dir string) {
	live := liveName(dir)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		n := e.Name()
		stale := strings.HasPrefix(n, "index-") || strings.HasPrefix(n, defaultIndexName+".") ||
			strings.HasPrefix(n, "."+defaultIndexName+".tmp-")
		if !stale || n == live || n == defaultIndexName+".writer" {
			continue
		}
		os.RemoveAll(filepath.Join(dir, n)) //nolint:errcheck // tried again at the next reindex
	}
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync() //nolint:errcheck // best effort: the rename is done
		d.Close()
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
	if err := checkSpace(dir, IndexPath(dir), opts.MinFree); err != nil {
		return rs, err
	}
	if err := migrateIndex(dir); err != nil {
		return rs, err
	}
	// the folder of the index live now ("" when none): read for documents the archive lacks,
	// removed at the end
	old := filepath.Join(dir, liveName(dir))
	if fi, err := os.Lstat(old); err != nil || !fi.IsDir() {
		old = ""
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
	if old != "" {
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
	// The new index is live. The old one goes once no reader holds it: readers are told a writer
	// is at work on index.bleve (long-lived ones then let go of their handle and reopen the path,
	// now the new index), and the old folder is taken for writing, which waits for the readers
	// that opened it before the switch to finish.
	if old != "" {
		announce := index.WriterFile(filepath.Join(dir, defaultIndexName))
		os.WriteFile(announce, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644) //nolint:errcheck // best effort: readers that miss it finish their search first
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		if _, closeOld, err := index.OpenWriter(wctx, old); err == nil {
			closeOld() //nolint:errcheck // the folder is removed next
		}
		cancel()
		os.Remove(announce)
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
		if err := st.Delete(settledKey); err != nil { // the new index may judge documents otherwise
			return rs, fmt.Errorf("reindex: %w", err)
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
	chains    *archive.Chains             // the redirects that led to each response
	docs      map[string]*rebuilt
	batch     []article.Article
	pos       map[string]int // id → place in batch
}

const rebuildBatch = 1000

func newRebuild(ctx context.Context, ix *index.Index, analyze func(article.Article) article.Article) *rebuild {
	return &rebuild{ctx: ctx, ix: ix, analyze: analyze, responses: map[string]archive.Location{}, shas: map[string]string{},
		chains: archive.NewChains(), docs: map[string]*rebuilt{}, pos: map[string]int{}}
}

func (b *rebuild) add(r archive.Record) error {
	b.chains.Add(r)
	switch {
	case archive.IsRedirect(r):
		return nil // found through chains
	case r.Type == "response":
		b.responses[r.ID] = r.Location
		content, err := archive.DecodeContent(r.Header, r.Body)
		if err != nil {
			content = r.Body // a broken gzip: its digest names no document's page
		}
		b.shas[r.ID] = sha256Hex(content) // a document's SHA-256 is its content's
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
			v := state.Version{Fetched: a.Fetched.UTC(), SHA256: sha, Response: stateLoc(loc), Meta: stateLoc(r.Location), Dropped: !page,
				Redirects: hopLocs(b.chains.Of(r.RefersTo))}
			d.versions = append(d.versions, v)
		} else if page && d.versions[n-1].Dropped {
			d.versions[n-1].Response, d.versions[n-1].Dropped = stateLoc(loc), false
			d.versions[n-1].Redirects = hopLocs(b.chains.Of(r.RefersTo))
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

// hopLocs are where the redirect responses of a chain lie; nil for none.
func hopLocs(hops []archive.Hop) []state.Location {
	if len(hops) == 0 {
		return nil
	}
	out := make([]state.Location, len(hops))
	for i, h := range hops {
		out[i] = stateLoc(h.Location)
	}
	return out
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
