package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"sync"
	"time"

	"github.com/bantrack/bantrack/archive"
	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/crawler"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/state"
)

// RecheckStats says what one re-check pass found.
type RecheckStats struct {
	Due         int // pages inside their window and due
	NotModified int // answered 304
	Same        int // answered with the body already archived
	Changed     int // a new body: a new version
	TextChanged int // of those, the text changed too
	Failed      int
	// Gone counts pages that answered 404 or 410: taken down since they were read. The answer is
	// archived beside the versions; the document stays indexed as it was.
	Gone int
}

// recheckDue says whether a document's page is due a re-check at now: each interval is drawn
// from [every/2, 3·every/2) by a hash of the id and the last check, so that pages indexed
// together drift apart and the re-checks spread over time.
func recheckDue(d state.Doc, every time.Duration, now time.Time) bool {
	last := d.Checked
	if last.IsZero() {
		last = d.Indexed
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%s|%d", d.ID, last.UnixNano())
	frac := float64(h.Sum64()%10000) / 10000
	next := last.Add(every/2 + time.Duration(frac*float64(every)))
	return !now.Before(next)
}

// inWindow says whether a document was published within the re-check window.
func inWindow(d state.Doc, window time.Duration, now time.Time) bool {
	pub := d.Published
	if pub.IsZero() && len(d.Versions) > 0 {
		pub = d.Versions[0].Fetched
	}
	return !pub.IsZero() && now.Sub(pub) <= window
}

// Recheck fetches again, with a conditional GET, the article pages still inside their re-check
// window (archive.recheck_for after publication): all of them when force is set (crawl
// --recheck), else those due (the daemon's spread schedule). A new body is archived and becomes a
// new version; a changed text is indexed, marks the document changed and puts it in the digest
// again. Pages of one source are fetched one at a time, through the crawler's per-host limits.
func (p *Pipeline) Recheck(ctx context.Context, force bool) (RecheckStats, error) {
	var rs RecheckStats
	window, every := p.Config.Archive.RecheckFor, p.Config.Archive.RecheckEvery
	if window <= 0 || !p.archiving() {
		return rs, nil
	}
	now := time.Now()
	bySource := map[string][]state.Doc{}
	err := p.Store.State.SeenDocs(func(d state.Doc) error {
		if d.Status != string(article.StatusOK) || len(d.Versions) == 0 || !inWindow(d, window, now) ||
			p.RecheckOnly != nil && !p.RecheckOnly[d.Source] {
			return nil
		}
		if !force && !recheckDue(d, every, now) {
			return nil
		}
		bySource[d.Source] = append(bySource[d.Source], d)
		rs.Due++
		return nil
	})
	if err != nil {
		return rs, fmt.Errorf("recheck: %w", err)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(p.Parallel, ParallelSources))
	for name, docs := range bySource {
		src, ok := p.Config.Source(name)
		if !ok || !src.FetchArticles {
			continue
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			for _, d := range docs {
				if ctx.Err() != nil {
					return
				}
				outcome, err := p.recheckOne(ctx, src.Name, d)
				mu.Lock()
				switch {
				case err != nil:
					rs.Failed++
					p.Log.Warn("recheck failed", "source", src.Name, "url", d.URL, "error", err)
				case outcome == "gone":
					rs.Gone++
					p.Log.Warn("recheck: page gone", "source", src.Name, "url", d.URL, "document", d.ID)
				case outcome == "not_modified":
					rs.NotModified++
				case outcome == "same":
					rs.Same++
				case outcome == "text":
					rs.Changed++
					rs.TextChanged++
				default:
					rs.Changed++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	p.Log.Info("recheck done", "due", rs.Due, "not_modified", rs.NotModified, "same", rs.Same,
		"changed", rs.Changed, "text_changed", rs.TextChanged, "failed", rs.Failed)
	return rs, ctx.Err()
}

// recheckOne re-checks one page: "not_modified", "same" (the body archived last), "body" (a new
// body, same text) or "text" (a new text).
func (p *Pipeline) recheckOne(ctx context.Context, source string, d state.Doc) (string, error) {
	ix, release, err := p.Store.UseIndex(ctx)
	if err != nil {
		return "", fmt.Errorf("index: %w", err)
	}
	old, err := ix.Get(d.ID)
	release()
	if errors.Is(err, index.ErrNotFound) {
		return "", fmt.Errorf("document %s is seen but not indexed; the next crawl indexes it", d.ID)
	}
	if err != nil {
		return "", err
	}
	// The page is read with the rules of the source whose reading of the last version was kept (or,
	// failing that, is indexed): a page that two sources list (a feed with selectors, a sitemap
	// without) would otherwise yield another text from the same body, and look edited.
	last := d.Versions[len(d.Versions)-1]
	for _, name := range []string{readerOf(p.Store.Dir, last), old.Source} {
		if _, ok := p.Config.Source(name); ok && name != "" {
			source = name
			break
		}
	}
	src, _ := p.Config.Source(source)
	cr := p.Crawler()
	r, err := cr.Recheck(ctx, src, d.URL, last.ETag, last.LastModified)
	now := time.Now()
	if err != nil {
		var se *crawler.StatusError
		if errors.As(err, &se) && (se.Code == http.StatusNotFound || se.Code == http.StatusGone) && len(r.Exchanges) > 0 {
			if err := p.archiveTakedown(d, r.Exchanges, se.Code, now); err != nil {
				return "", err
			}
			// in the digest once, as a takedown, when the document would be in it
			due := old.Ban.Related || !p.Config.Digest.OnlyBanRelated
			return "gone", p.Store.State.SetRecheck(d.ID, now, se.Code, due)
		}
		// What was read is kept all the same (an error page).
		return "", errors.Join(err, p.archiveOnly(r.Exchanges...), p.Store.State.SetChecked([]string{d.ID}, now))
	}
	if r.NotModified || r.Exchange == nil || sha256Hex(r.Exchange.Content()) == last.SHA256 {
		if err := p.archiveOnly(r.Exchanges...); err != nil {
			return "", err
		}
		outcome := "same"
		if r.Exchange == nil {
			outcome = "not_modified"
		}
		return outcome, p.Store.State.SetRecheck(d.ID, now, 0, false)
	}
	a := old
	a.Entities = article.Entities{}
	a.SHA256, a.Versions = "", nil
	a.Text, a.Fetched = r.Page.Text, r.Exchange.Fetched
	if r.Page.Title != "" && src.Article.Title != "" {
		a.Title = r.Page.Title
	}
	exs := append([]crawler.Exchange(nil), r.Exchanges...) // the redirects that led to the page, then the page
	exs[len(exs)-1].Doc = d.ID
	res := crawler.Result{
		Source:    source,
		Articles:  []article.Article{a},
		Exchanges: exs,
		Seen:      []crawler.SeenDoc{{ID: d.ID, URL: d.URL, Listed: d.Listed, Status: d.Status}},
	}
	if err := p.save(ctx, p.Crawler(), res); err != nil {
		return "", err
	}
	if a.Text != old.Text {
		return "text", nil
	}
	return "body", nil
}

// TakedownRecordType is the Content-Type of the metadata record written when a re-check finds a
// document's page taken down: {"id", "url", "status", "checked"}, referring to the 404 or 410
// response. Retention keeps that response for a ban-related document, as it keeps its pages.
const TakedownRecordType = "application/vnd.bantrack.takedown+json"

// archiveTakedown archives what a re-check read of a page that is gone, with a takedown record
// referring to the last answer (the 404 or 410).
func (p *Pipeline) archiveTakedown(d state.Doc, exs []crawler.Exchange, status int, at time.Time) error {
	data, err := json.Marshal(struct {
		ID      string    `json:"id"`
		URL     string    `json:"url"`
		Status  int       `json:"status"`
		Checked time.Time `json:"checked"`
	}{d.ID, d.URL, status, at.UTC()})
	if err != nil {
		return err
	}
	p.saving.RLock()
	defer p.saving.RUnlock()
	last := exs[len(exs)-1]
	_, err = p.Store.Archive.AppendAll(archiveExchanges(exs),
		[]archive.Meta{{TargetURI: last.URL, ContentType: TakedownRecordType, Data: data, At: at, RefersTo: len(exs) - 1}})
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	return nil
}

// readerOf is the source whose reading of version v the archive kept, or "" when none is.
func readerOf(dir string, v state.Version) string {
	rec, err := VersionRecord(dir, v)
	if err != nil {
		return ""
	}
	return rec.Source
}
