package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/bantrack/bantrack/archive"
	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/crawler"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/state"
)

// DocumentRecordType is the Content-Type of the metadata record written beside each document a
// crawl keeps: the document as the crawler read it (export record without entities; its sha256
// names the page's body, and WARC-Refers-To its response record). `reindex` rebuilds the index
// from these records alone, extracting entities again.
const DocumentRecordType = "application/vnd.bantrack.document+json"

// archived is where one document's page and record were written in this crawl.
type archived struct {
	sha       string
	response  archive.Location
	meta      archive.Location
	page      bool               // the document has a page response (else only its record)
	etag, lm  string             // the page response's validators
	redirects []archive.Location // the redirect responses that led to the page, first hop first
}

// known is what the state and the index already hold of a crawl's documents.
type known struct {
	docs map[string]state.Doc       // the state's records, with the versions' locations
	old  map[string]article.Article // the indexed copies of documents the state has seen
}

// known reads the state's records of the articles, in one transaction: enough to tell which
// records would repeat what is archived, before the index is opened.
func (p *Pipeline) known(arts []article.Article) (known, error) {
	ids := make([]string, len(arts))
	for i, a := range arts {
		ids[i] = a.ID
	}
	k := known{old: map[string]article.Article{}}
	var err error
	if k.docs, err = p.Store.State.Docs(ids...); err != nil {
		return k, fmt.Errorf("read stored documents: %w", err)
	}
	return k, nil
}

// lookupOld reads the indexed copy of each document the state has seen.
func (k known) lookupOld(ix *index.Index) error {
	for id := range k.docs {
		o, err := ix.Get(id)
		switch {
		case errors.Is(err, index.ErrNotFound):
		case err != nil:
			return fmt.Errorf("read stored document %s: %w", id, err)
		default:
			k.old[id] = o
		}
	}
	return nil
}

// contentSum is the SHA-256 of what a document record holds that a reader sees: title, text,
// date and status. Kept with each version, it tells a record that would repeat the last one.
func contentSum(a article.Article) string {
	return sha256Hex([]byte(a.Title + "\x00" + a.Text + "\x00" + a.Published.UTC().Format(time.RFC3339Nano) + "\x00" + string(a.Status)))
}

// unchanged says whether a document's record would repeat the one archived last for it: the
// same page body, title, text, date and status (documents without a page always get a record).
func (k known) unchanged(a article.Article, sha string) bool {
	vs := k.docs[a.ID].Versions
	if sha == "" || len(vs) == 0 {
		return false
	}
	last := vs[len(vs)-1]
	return last.SHA256 == sha && last.Content != "" && last.Content == contentSum(a) && last.Meta.File != "" && !last.Dropped
}

// archiveResult writes a crawl's exchanges, and a record for each article that is new or differs
// from the one archived last for it, to the archive, synced, and returns where each article's went.
// It runs before the index or the state hear of any of it.
func (p *Pipeline) archiveResult(res crawler.Result, raw []article.Article, k known) (map[string]archived, error) {
	st := p.Store.Archive
	exs := archiveExchanges(res.Exchanges)
	pageOf := map[string]int{}
	for i, e := range res.Exchanges {
		if e.Doc != "" {
			pageOf[e.Doc] = i
		}
	}
	metas := make([]archive.Meta, 0, len(raw))
	metaOf := map[string]int{}
	// the content's digest, not the stored bytes' (gzipped when the server compressed them)
	shas := map[int]string{}
	for _, a := range raw {
		ex, ok := pageOf[a.ID]
		if ok {
			if _, done := shas[ex]; !done {
				shas[ex] = sha256Hex(res.Exchanges[ex].Content())
			}
			a.SHA256 = shas[ex]
		} else {
			ex = -1
		}
		if k.unchanged(a, a.SHA256) {
			continue
		}
		a.Entities = article.Entities{}
		data, err := a.MarshalJSON() // not json.Marshal, which would parse and compact the result again
		if err != nil {
			return nil, fmt.Errorf("archive: record of %s: %w", a.ID, err)
		}
		metaOf[a.ID] = len(metas)
		metas = append(metas, archive.Meta{TargetURI: a.URL, ContentType: DocumentRecordType, Data: data, At: a.Fetched, RefersTo: ex})
	}
	w, err := st.AppendAll(exs, metas)
	if err != nil {
		return nil, err
	}
	out := make(map[string]archived, len(raw))
	for _, a := range raw {
		var ar archived
		if i, ok := metaOf[a.ID]; ok {
			ar.meta = w.Metas[i]
		}
		if ex, ok := pageOf[a.ID]; ok {
			ar.sha, ar.response, ar.page = shas[ex], w.Responses[ex], true
			if hops := res.Exchanges[ex].Hops; hops > 0 && hops <= ex {
				ar.redirects = w.Responses[ex-hops : ex]
			}
			h := res.Exchanges[ex].ResponseHeader
			ar.etag, ar.lm = h.Get("ETag"), h.Get("Last-Modified")
		}
		out[a.ID] = ar
	}
	return out, nil
}

// archiveExchanges converts what the crawler read into what the archive writes.
func archiveExchanges(in []crawler.Exchange) []archive.Exchange {
	out := make([]archive.Exchange, len(in))
	for i, e := range in {
		out[i] = toArchive(e)
	}
	return out
}

// archiveOnly archives responses that make no document or version (a re-checked page whose body
// is the one archived last, a 304, an error page, the responses of a source whose crawl failed):
// every response bantrack reads is kept.
func (p *Pipeline) archiveOnly(exs ...crawler.Exchange) error {
	if len(exs) == 0 || !p.archiving() {
		return nil
	}
	p.saving.RLock()
	defer p.saving.RUnlock()
	_, err := p.Store.Archive.AppendAll(archiveExchanges(exs), nil)
	return err
}

// history joins each article to what is already known of it: the URLs it was known under, its
// earlier versions and the time its text changed. It returns the state records to write with
// the versions they now have.
func (p *Pipeline) history(arts []article.Article, stored map[string]archived, k known) map[string]state.Doc {
	docs := k.docs
	for i := range arts {
		a := &arts[i]
		d := docs[a.ID]
		old, hasOld := k.old[a.ID]
		if hasOld {
			a.AddURLs(old.URL)
			a.AddURLs(old.AltURLs...)
		}
		vs := d.Versions
		if len(vs) == 0 && hasOld {
			for _, v := range old.Versions { // the state lost them: keep what the index says
				vs = append(vs, state.Version{Fetched: v.Fetched, SHA256: v.SHA256})
			}
		}
		ar, ok := stored[a.ID]
		if !ok || !ar.page {
			if hasOld { // no page this time (partial, or listing only): keep the archived ones
				a.SHA256, a.Versions, a.Changed = old.SHA256, old.Versions, old.Changed
			}
			continue
		}
		a.SHA256 = ar.sha
		nv := state.Version{Fetched: a.Fetched.UTC(), SHA256: ar.sha, Response: stateLoc(ar.response), Meta: stateLoc(ar.meta),
			ETag: ar.etag, LastModified: ar.lm, Content: contentSum(*a), Redirects: stateLocs(ar.redirects)}
		if n := len(vs); n > 0 && vs[n-1].SHA256 == ar.sha {
			vs[n-1].ETag, vs[n-1].LastModified = ar.etag, ar.lm // the same body may come with new validators
			if nv.Meta.File != "" {                             // a new record (the listing's title or date changed): the latest
				vs[n-1].Meta, vs[n-1].Content = nv.Meta, nv.Content
			}
		}
		switch {
		case len(vs) == 0 || vs[len(vs)-1].SHA256 != ar.sha:
			vs = append(vs, nv)
		case vs[len(vs)-1].Response.File == "" || vs[len(vs)-1].Dropped:
			// the state lost where it lay, or retention dropped it: the body is archived again here
			vs[len(vs)-1].Response, vs[len(vs)-1].Dropped = nv.Response, false
			vs[len(vs)-1].Redirects = nv.Redirects
			if nv.Meta.File != "" {
				vs[len(vs)-1].Meta = nv.Meta
			}
		}
		a.Versions = make([]article.Version, len(vs))
		for j, v := range vs {
			a.Versions[j] = article.Version{Fetched: v.Fetched, SHA256: v.SHA256}
		}
		if hasOld {
			a.Changed = old.Changed
			if old.SHA256 != "" && old.SHA256 != ar.sha && old.Text != a.Text {
				a.Changed = a.Fetched.UTC()
			}
		}
		d.ID = a.ID
		d.Versions = vs
		d.Published = a.Published
		docs[a.ID] = d
	}
	return docs
}

// toArchive is an exchange as the archive writes it.
func toArchive(e crawler.Exchange) archive.Exchange {
	return archive.Exchange{URL: e.URL, Method: e.Method, RequestHeader: e.RequestHeader, Status: e.Status,
		Proto: e.Proto, ResponseHeader: e.ResponseHeader, Body: e.Body, Fetched: e.Fetched, Truncated: e.Truncated}
}

// stateLocs converts the archive's locations to the state's; nil for none.
func stateLocs(ls []archive.Location) []state.Location {
	if len(ls) == 0 {
		return nil
	}
	out := make([]state.Location, len(ls))
	for i, l := range ls {
		out[i] = stateLoc(l)
	}
	return out
}

func stateLoc(l archive.Location) state.Location {
	return state.Location{File: l.File, Offset: l.Offset, Length: l.Length}
}

// ArchiveLoc converts a location kept in the state to the archive's.
func ArchiveLoc(l state.Location) archive.Location {
	return archive.Location{File: l.File, Offset: l.Offset, Length: l.Length}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
