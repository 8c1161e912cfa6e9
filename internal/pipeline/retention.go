package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/bantrack/bantrack/archive"
	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/state"
)

// RetainStats says what Retain did.
type RetainStats struct {
	Before, After int64 // archive bytes
	Files         int   // files rewritten
	Dropped       int   // records left out (responses and their requests)
	Scanned       int   // files read
}

// settledKey names, in the state's crawler bucket, the archive files retention found nothing
// more to drop in, with their sizes then: later retentions skip them instead of reading the
// whole archive again each time it is over max_size. Skipping only ever keeps more; reindex,
// after which the index may judge documents otherwise, forgets them.
const settledKey = "retention/settled"

// Retain keeps the archive under archive.max_size: oldest file first (the file being written is
// left alone), it rewrites each file without the responses (and their requests) of documents
// that the index says are not ban-related and of listings, until the archive fits. (Of a document
// whose text changed, each version is judged by its own text too: a withdrawn ban notice keeps
// its pages from while it was one.) Records of what bantrack read
// (the metadata records, which hold the text reindex needs) and every response of a ban-related
// document stay. Each rewrite is synced under a new name, then the state's offset index is moved to
// it in one transaction, then the old file is removed: recoverArchive settles a crash in between.
// Files it found nothing more to drop in are remembered (settledKey) and not read again. The
// caller holds the data folder's lock.
func (p *Pipeline) Retain(ctx context.Context) (RetainStats, error) {
	var rs RetainStats
	limit := p.Config.Archive.MaxSize
	if limit <= 0 || !p.archiving() {
		return rs, nil
	}
	// saves read and write the versions this moves
	p.saving.Lock()
	defer p.saving.Unlock()
	dir := p.Store.Archive.Dir()
	size, err := archive.Size(dir)
	if err != nil {
		return rs, err
	}
	rs.Before, rs.After = size, size
	if size <= limit {
		return rs, nil
	}
	files, err := archive.Files(dir)
	if err != nil {
		return rs, err
	}
	ix, release, err := p.Store.UseIndex(ctx)
	if err != nil {
		return rs, fmt.Errorf("retention: %w", err)
	}
	defer release()
	settled := map[string]int64{}
	if _, err := p.Store.State.Get(settledKey, &settled); err != nil {
		return rs, fmt.Errorf("retention: %w", err)
	}
	fileSize := func(name string) int64 {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			return -1
		}
		return fi.Size()
	}
	type judged struct{ ban, changed, missing bool }
	cache := map[string]judged{}
	unknown := 0
	unsure := false
	// evidence says whether a document record's page is evidence to keep: the document is
	// ban-related now, or its text changed since and this record's own text was.
	evidence := func(id string, record []byte) bool {
		j, ok := cache[id]
		if !ok {
			a, err := ix.Get(id)
			// A document the index cannot say about is kept, as if ban-related: one it lacks too.
			// The index may have been lost (the crawl before a reindex makes an empty one), and a
			// page dropped on its word cannot be had back.
			j = judged{ban: err != nil || a.Ban.Related, changed: !a.Changed.IsZero(), missing: err != nil}
			if errors.Is(err, index.ErrNotFound) {
				unknown++
			}
			cache[id] = j
		}
		unsure = unsure || j.missing
		if j.ban || !j.changed {
			return j.ban
		}
		// A notice edited after publication (a ban withdrawn, say): the earlier text is judged
		// on its own.
		var a article.Article
		if err := json.Unmarshal(record, &a); err != nil {
			return true
		}
		return Analyze([]article.Article{a})[0].Ban.Related
	}
	current := p.Store.Archive.Current()
	for _, name := range files {
		if rs.After <= limit || ctx.Err() != nil {
			break
		}
		if name == current {
			continue
		}
		if n, ok := settled[name]; ok && n == fileSize(name) {
			continue
		}
		rs.Scanned++
		// unsure: the file holds a document the index could not say about; it is not settled
		unsure = false
		protect := map[string]bool{} // response record ids to keep
		ids := map[string]bool{}
		chains := archive.NewChains()
		err := archive.ScanFile(dir, name, func(r archive.Record) error {
			chains.Add(r)
			if r.Type != "metadata" || r.ContentType != DocumentRecordType && r.ContentType != TakedownRecordType {
				return nil
			}
			var d struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(r.Body, &d) != nil || d.ID == "" {
				return nil
			}
			ids[d.ID] = true
			if r.RefersTo != "" && evidence(d.ID, r.Body) {
				protect[r.RefersTo] = true
				for _, h := range chains.Of(r.RefersTo) { // and the redirects that led to it
					protect[h.ID] = true
				}
			}
			return nil
		})
		if err != nil {
			return rs, fmt.Errorf("retention: %w", err)
		}
		c, err := archive.Compact(dir, name, func(r archive.Record) bool {
			switch r.Type {
			case "response":
				return protect[r.ID]
			case "request":
				return protect[r.Concurrent]
			}
			return true
		})
		if err != nil {
			return rs, fmt.Errorf("retention: %w", err)
		}
		if c.Dropped == 0 {
			if !unsure {
				settled[name] = fileSize(name)
			}
			continue
		}
		if err := p.moveLocations(c, ids); err != nil {
			return rs, fmt.Errorf("retention: %w", err)
		}
		if err := archive.Finish(dir, c); err != nil {
			return rs, fmt.Errorf("retention: %w", err)
		}
		if c.New != "" && !unsure {
			settled[c.New] = fileSize(c.New)
		}
		rs.Files++
		rs.Dropped += c.Dropped
		rs.After -= c.Freed
		p.Log.Info("archive file compacted", "file", c.Old, "into", c.New, "records_dropped", c.Dropped, "bytes_freed", c.Freed)
	}
	if err := p.saveSettled(dir, settled); err != nil {
		return rs, fmt.Errorf("retention: %w", err)
	}
	if unknown > 0 {
		p.Log.Warn("archive retention kept the pages of documents the index lacks; if the index was lost, run bantrack reindex",
			"documents", unknown)
	}
	if rs.Files > 0 {
		p.Log.Info("archive retention", "bytes_before", rs.Before, "bytes_after", rs.After, "max_size", limit)
	}
	if rs.After > limit {
		p.Log.Warn("archive still over max_size: what is left is ban-related pages and the records reindex needs",
			"bytes", rs.After, "max_size", limit)
	}
	return rs, nil
}

// saveSettled records the settled files that are still there.
func (p *Pipeline) saveSettled(dir string, settled map[string]int64) error {
	files, err := archive.Files(dir)
	if err != nil {
		return err
	}
	keep := make(map[string]int64, len(settled))
	for _, f := range files {
		if n, ok := settled[f]; ok {
			keep[f] = n
		}
	}
	return p.Store.State.Put(settledKey, keep)
}

// moveLocations points the state's offset index at a compacted file: kept records at their new
// offsets, dropped responses marked dropped, dropped redirects left out. One transaction.
func (p *Pipeline) moveLocations(c archive.Compacted, ids map[string]bool) error {
	list := make([]string, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	docs, err := p.Store.State.Docs(list...)
	if err != nil {
		return err
	}
	update := map[string][]state.Version{}
	for id, d := range docs {
		changed := false
		for i := range d.Versions {
			v := &d.Versions[i]
			if v.Response.File == c.Old {
				if nl, ok := c.Moved[v.Response.Offset]; ok {
					v.Response = stateLoc(nl)
				} else {
					v.Response, v.Dropped = state.Location{}, true
				}
				changed = true
			}
			if v.Meta.File == c.Old {
				if nl, ok := c.Moved[v.Meta.Offset]; ok {
					v.Meta = stateLoc(nl)
					changed = true
				}
			}
			kept := v.Redirects[:0]
			for _, l := range v.Redirects {
				if l.File != c.Old {
					kept = append(kept, l)
				} else if nl, ok := c.Moved[l.Offset]; ok {
					kept, changed = append(kept, stateLoc(nl)), true
				} else {
					changed = true // dropped with the page's other responses
				}
			}
			if v.Redirects = kept; len(kept) == 0 {
				v.Redirects = nil
			}
		}
		if changed {
			update[id] = d.Versions
		}
	}
	return p.Store.State.SetVersions(update)
}

// recoverArchive settles compactions a crash cut short (or a copy that caught both files): where a
// rewrite and the file it replaces both exist, the state says which one it points at; the other
// goes. Without a state store the rewrite, complete once it has its name, stays. Called with the
// lock held.
func recoverArchive(dir string, st *state.Store) error {
	pairs, err := archive.Pending(dir)
	if err != nil || len(pairs) == 0 {
		return err
	}
	used := map[string]bool{}
	if st == nil {
		for _, pr := range pairs {
			used[pr[0]] = true
		}
	} else if err = st.SeenDocs(func(d state.Doc) error {
		for _, v := range d.Versions {
			used[v.Response.File], used[v.Meta.File] = true, true
			for _, l := range v.Redirects {
				used[l.File] = true
			}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("recover the archive: %w", err)
	}
	for _, pr := range pairs {
		rewrite, original := pr[0], pr[1]
		drop := rewrite
		if used[rewrite] {
			drop = original
		}
		if err := archive.Remove(dir, drop); err != nil {
			return fmt.Errorf("recover the archive: %w", err)
		}
	}
	return nil
}
