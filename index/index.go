package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
	bolt "go.etcd.io/bbolt"

	"github.com/bantrack/bantrack/article"
)

// Errors returned by this package; test for them with errors.Is.
var (
	// ErrNotFound is returned by Get for an id the index does not hold.
	ErrNotFound = errors.New("index: document not found")
	// ErrNoIndex is returned by OpenExisting when there is no index at the path.
	ErrNoIndex = errors.New("index: no index")
	// ErrLocked is returned when another process has the index open.
	ErrLocked = errors.New("index: locked by another process")
	// ErrMappingVersion is returned when the index was built under another
	// mapping version than MappingVersion.
	ErrMappingVersion = errors.New("index: mapping version mismatch")
)

// internal keys stored beside the documents.
const keyMappingVersion = "bantrack_mapping_version"

// putBatchSize is how many documents go into one bleve batch.
const putBatchSize = 1000

// PutGCPercent is the garbage collector percentage (debug.SetGCPercent) for
// commands that mostly write to the index, such as crawl and reindex.
// Indexing allocates much short-lived memory, so collecting less often saves
// CPU at the cost of a higher peak; docs/benchmarks.md has the measurements
// (bantrack-indexbench -gogc). Pair it with debug.SetMemoryLimit where memory
// is short. The package never changes the setting itself.
const PutGCPercent = 200

// openTimeout is how long Open waits for another process's lock.
const openTimeout = 2 * time.Second

// Index is an open bantrack index. Its methods are safe for concurrent use.
type Index struct {
	bi        bleve.Index
	path      string
	closeOnce sync.Once
	closeErr  error

	tableMu sync.Mutex
	tab     *docTable // of the last snapshot searched

	// searching is held by searches, which read bleve's snapshot directly,
	// and taken by Close, so that a search never reads a closed index.
	searching sync.RWMutex
	closed    bool
}

// Open opens the index at path, creating it (and its parent folders' last
// element) when there is none. An index built under another mapping version
// yields ErrMappingVersion, one held by another process ErrLocked.
func Open(path string) (*Index, error) {
	return open(path, true, false)
}

// OpenExisting opens the index at path like Open, but never creates one:
// a missing index yields ErrNoIndex. With readOnly the index is opened for
// searching only.
func OpenExisting(path string, readOnly bool) (*Index, error) {
	return open(path, false, readOnly)
}

func open(path string, create, readOnly bool) (*Index, error) {
	cfg := map[string]any{"bolt_timeout": openTimeout.String(), "scorchMergePlanOptions": mergePlan()}
	if readOnly {
		cfg["read_only"] = true
	}
	bi, err := bleve.OpenUsing(path, cfg)
	switch {
	case err == nil:
		ix := &Index{bi: bi, path: path}
		if err := ix.checkVersion(); err != nil {
			bi.Close()
			return nil, err
		}
		return ix, nil
	case (errors.Is(err, bleve.ErrorIndexPathDoesNotExist) || errors.Is(err, bleve.ErrorIndexMetaMissing) && emptyDir(path)) && create:
		return create1(path)
	case errors.Is(err, bleve.ErrorIndexMetaMissing) && emptyDir(path):
		return nil, fmt.Errorf("open index %s: %w (run bantrack crawl to build one)", path, ErrNoIndex)
	case errors.Is(err, bleve.ErrorIndexPathDoesNotExist):
		return nil, fmt.Errorf("open index %s: %w (run bantrack crawl to build one)", path, ErrNoIndex)
	case errors.Is(err, bolt.ErrTimeout):
		return nil, fmt.Errorf("open index %s: %w (is another bantrack running?)", path, ErrLocked)
	default:
		return nil, fmt.Errorf("open index %s: %w (if it is damaged, remove it and run bantrack reindex or crawl)", path, err)
	}
}

// mergePlan is how bleve merges the index's segments in the background:
// twenty segments of a size before merging them into one, not ten. Merging
// took a fifth of the CPU time of indexing 100,000 documents and competed
// with it; with twenty, indexing them went from 620 to 1,040 documents/s
// and searches of the settled index took as long as before.
func mergePlan() map[string]any {
	return map[string]any{"MaxSegmentsPerTier": 20, "SegmentsPerMergeTask": 20}
}

// emptyDir says whether path is a folder with nothing in it.
func emptyDir(path string) bool {
	entries, err := os.ReadDir(path)
	return err == nil && len(entries) == 0
}

// create1 builds a new index in a temporary folder beside path and renames it into place, so
// that a crash while creating (kill -9, power loss) never leaves a half-made index at path: the
// next run finds no index and creates one again.
func create1(path string) (*Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("index mapping: %w", err)
	}
	removeStaleCreates(path)
	tmp, err := os.MkdirTemp(filepath.Dir(path), filepath.Base(path)+".creating-*")
	if err != nil {
		return nil, fmt.Errorf("create index %s: %w", path, err)
	}
	defer os.RemoveAll(tmp) // gone after the rename
	// bleve wants to create the folder itself
	if err := os.Remove(tmp); err != nil {
		return nil, fmt.Errorf("create index %s: %w", path, err)
	}
	bi, err := bleve.NewUsing(tmp, m, scorch.Name, scorch.Name, map[string]any{"bolt_timeout": openTimeout.String()})
	if err != nil {
		return nil, fmt.Errorf("create index %s: %w", path, err)
	}
	if err := bi.SetInternal([]byte(keyMappingVersion), []byte(strconv.Itoa(MappingVersion))); err != nil {
		bi.Close()
		return nil, fmt.Errorf("create index %s: store mapping version: %w", path, err)
	}
	if err := bi.Close(); err != nil {
		return nil, fmt.Errorf("create index %s: %w", path, err)
	}
	// An empty folder at path gives way (os.Rename never replaces a folder); one that another
	// process filled meanwhile stays, and is opened below.
	if emptyDir(path) {
		os.Remove(path)
	}
	if err := os.Rename(tmp, path); err != nil && !errors.Is(err, os.ErrExist) && !errors.Is(err, syscall.ENOTEMPTY) {
		return nil, fmt.Errorf("create index %s: %w", path, err)
	}
	return open(path, false, false)
}

// removeStaleCreates removes temporary folders left by creates that crashed.
func removeStaleCreates(path string) {
	old, _ := filepath.Glob(path + ".creating-*")
	for _, p := range old {
		if fi, err := os.Stat(p); err == nil && time.Since(fi.ModTime()) > 10*time.Minute {
			os.RemoveAll(p)
		}
	}
}

// storedVersion reads the mapping version stored in the index; 0 when none.
func storedVersion(bi bleve.Index) (int, error) {
	v, err := bi.GetInternal([]byte(keyMappingVersion))
	if err != nil {
		return 0, fmt.Errorf("read mapping version: %w", err)
	}
	if len(v) == 0 {
		return 0, nil
	}
	n, err := strconv.Atoi(string(v))
	if err != nil {
		return 0, fmt.Errorf("mapping version %q: %w", v, ErrMappingVersion)
	}
	return n, nil
}

func (ix *Index) checkVersion() error {
	v, err := storedVersion(ix.bi)
	if err != nil {
		return fmt.Errorf("open index %s: %w", ix.path, err)
	}
	switch {
	case v == MappingVersion:
		return nil
	case v > MappingVersion:
		return fmt.Errorf("open index %s: built with mapping version %d, this bantrack knows up to %d: %w (use a newer bantrack, or run bantrack reindex)",
			ix.path, v, MappingVersion, ErrMappingVersion)
	default:
		return fmt.Errorf("open index %s: built with mapping version %d, this bantrack uses %d: %w (run bantrack reindex)",
			ix.path, v, MappingVersion, ErrMappingVersion)
	}
}

// Path returns the folder the index lives in.
func (ix *Index) Path() string { return ix.path }

// Close closes the index. Closing it again does nothing.
func (ix *Index) Close() error {
	ix.closeOnce.Do(func() {
		ix.searching.Lock()
		defer ix.searching.Unlock()
		ix.closed = true
		if err := ix.bi.Close(); err != nil {
			ix.closeErr = fmt.Errorf("close index %s: %w", ix.path, err)
		}
	})
	return ix.closeErr
}

// Put adds or replaces the articles, keyed by their ID. Putting the same
// article twice leaves one document. Many articles go into a few large
// batches, written two (or GOMAXPROCS) at a time so that building one
// batch's segment overlaps with the others'. If Put fails, some batches may
// have been written; putting the same articles again is safe.
func (ix *Index) Put(ctx context.Context, arts ...article.Article) error {
	if len(arts) == 0 {
		return nil
	}
	workers := max(1, min(runtime.GOMAXPROCS(0), 4))
	size := min(putBatchSize, (len(arts)+workers-1)/workers)
	var chunks [][]article.Article
	for start := 0; start < len(arts); start += size {
		chunks = append(chunks, arts[start:min(start+size, len(arts))])
	}
	if len(chunks) == 1 {
		return ix.putBatch(ctx, chunks[0])
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan []article.Article)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range min(workers, len(chunks)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				if err := ix.putBatch(ctx, c); err != nil {
					errs <- err
					cancel()
					return
				}
			}
		}()
	}
feed:
	for _, c := range chunks {
		select {
		case work <- c:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	if err := parent.Err(); err != nil {
		return fmt.Errorf("index put: %w", err)
	}
	return nil
}

// putBatch writes arts in one bleve batch.
func (ix *Index) putBatch(ctx context.Context, arts []article.Article) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("index put: %w", err)
	}
	b := ix.bi.NewBatch()
	for _, a := range arts {
		if a.ID == "" {
			return fmt.Errorf("index put %s: article has no id", a.URL)
		}
		doc, err := toDoc(a)
		if err != nil {
			return fmt.Errorf("index put %s: %w", a.ID, err)
		}
		if err := b.Index(a.ID, doc); err != nil {
			return fmt.Errorf("index put %s: %w", a.ID, err)
		}
	}
	if err := ix.bi.Batch(b); err != nil {
		return fmt.Errorf("index put batch of %d: %w", len(arts), err)
	}
	return nil
}

// Delete removes the documents with the given ids; unknown ids are ignored.
func (ix *Index) Delete(ctx context.Context, ids ...string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("index delete: %w", err)
	}
	b := ix.bi.NewBatch()
	for _, id := range ids {
		b.Delete(id)
	}
	if err := ix.bi.Batch(b); err != nil {
		return fmt.Errorf("index delete: %w", err)
	}
	return nil
}

// storedArticle has Article's fields without its MarshalJSON, so the stored
// JSON keeps nil and empty lists apart and Get returns what Put was given.
type storedArticle article.Article

func encodeArticle(a article.Article) ([]byte, error) {
	return json.Marshal(storedArticle(a))
}

func decodeArticle(data []byte) (article.Article, error) {
	var s storedArticle
	if err := json.Unmarshal(data, &s); err != nil {
		return article.Article{}, err
	}
	return article.Article(s), nil
}

// content is what the default text field indexes: title, summary and text,
// full-width forms folded. Snippets are cut from the same string, so their
// offsets agree.
func content(a article.Article) string {
	parts := make([]string, 0, 3)
	for _, p := range []string{a.Title, a.Summary, a.Text} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return foldWidth(strings.Join(parts, "\n\n"))
}

// foldWidth turns full-width Latin letters, digits and signs (２０２３,
// ＦＯＲＴＩＮＥＴ) into ASCII. The word splitter drops full-width digits, so
// text and queries are folded before analysis.
func foldWidth(s string) string {
	i := strings.IndexFunc(s, isFullWidth)
	if i < 0 {
		return s
	}
	return s[:i] + strings.Map(func(r rune) rune {
		if isFullWidth(r) {
			return r - 0xFEE0
		}
		return r
	}, s[i:])
}

func isFullWidth(r rune) bool { return r >= 0xFF01 && r <= 0xFF5E }

// toDoc is the document bleve indexes for a: one key per mapped field.
func toDoc(a article.Article) (map[string]any, error) {
	raw, err := encodeArticle(a)
	if err != nil {
		return nil, err
	}
	urls := append([]string{a.URL}, a.AltURLs...)
	d := map[string]any{
		fieldText:       content(a),
		fieldTitle:      foldWidth(a.Title),
		fieldURL:        urls,
		fieldSource:     a.Source,
		fieldLang:       a.Lang,
		fieldStatus:     string(statusOf(a)),
		fieldVendors:    a.Vendors,
		fieldAgencies:   a.Agencies,
		fieldCountries:  a.Countries,
		fieldTargets:    a.Ban.Targets,
		fieldActions:    a.Ban.Actions,
		fieldBanRelated: a.Ban.Related,
		fieldBanScore:   scoreTerm(a.Ban.Score),
		fieldJSON:       string(raw),
	}
	if !a.Published.IsZero() {
		d[fieldPublished] = a.Published
	}
	if !a.Fetched.IsZero() {
		d[fieldFetched] = dayTerm(a.Fetched) // see ranges.go
	}
	return d, nil
}

func statusOf(a article.Article) article.Status {
	if a.Status == "" {
		return article.StatusOK
	}
	return a.Status
}

// Get returns the article stored under id, or ErrNotFound.
func (ix *Index) Get(id string) (article.Article, error) {
	doc, err := ix.bi.Document(id)
	if err != nil {
		return article.Article{}, fmt.Errorf("index get %s: %w", id, err)
	}
	if doc == nil {
		return article.Article{}, fmt.Errorf("index get %s: %w", id, ErrNotFound)
	}
	var raw []byte
	doc.VisitFields(func(f bleveindex.Field) {
		if f.Name() == fieldJSON {
			raw = f.Value()
		}
	})
	if raw == nil {
		return article.Article{}, fmt.Errorf("index get %s: document has no stored record", id)
	}
	a, err := decodeArticle(raw)
	if err != nil {
		return article.Article{}, fmt.Errorf("index get %s: %w", id, err)
	}
	return a, nil
}

// GetByURL returns the article whose URL or one of whose alternative URLs is
// u, or ErrNotFound.
func (ix *Index) GetByURL(ctx context.Context, u string) (article.Article, error) {
	q := query.NewTermQuery(u)
	q.SetField(fieldURL)
	req := bleve.NewSearchRequestOptions(q, 1, 0, false)
	req.Fields = []string{fieldJSON}
	req.SortBy([]string{"_id"})
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return article.Article{}, fmt.Errorf("index get url %s: %w", u, err)
	}
	if len(res.Hits) == 0 {
		return article.Article{}, fmt.Errorf("index get url %s: %w", u, ErrNotFound)
	}
	a, err := hitArticle(res.Hits[0])
	if err != nil {
		return article.Article{}, fmt.Errorf("index get url %s: %w", u, err)
	}
	return a, nil
}

func hitArticle(h *search.DocumentMatch) (article.Article, error) {
	s, ok := h.Fields[fieldJSON].(string)
	if !ok {
		return article.Article{}, fmt.Errorf("document %s has no stored record", h.ID)
	}
	return decodeArticle([]byte(s))
}

// Count returns the number of documents in the index.
func (ix *Index) Count() (uint64, error) {
	n, err := ix.bi.DocCount()
	if err != nil {
		return 0, fmt.Errorf("index count: %w", err)
	}
	return n, nil
}

// allPage is how many documents All reads per search.
const allPage = 500

// All calls fn for every stored article in order of id, stopping at the
// first error fn returns (which All returns as is) or when ctx is done.
func (ix *Index) All(ctx context.Context, fn func(article.Article) error) error {
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(query.NewMatchAllQuery(), allPage, 0, false)
		req.Fields = []string{fieldJSON}
		req.SortBy([]string{"_id"})
		req.SearchAfter = after
		res, err := ix.bi.SearchInContext(ctx, req)
		if err != nil {
			return fmt.Errorf("index all: %w", err)
		}
		for _, h := range res.Hits {
			a, err := hitArticle(h)
			if err != nil {
				return fmt.Errorf("index all: %w", err)
			}
			if err := fn(a); err != nil {
				return err
			}
		}
		if len(res.Hits) < allPage {
			return nil
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
}
