package pipeline

import (
	"context"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bantrack/bantrack/archive"
	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/state"
)

// TestRecoverArchive settles a compaction cut short between its rewrite and the removal of the
// original: the file the state points at stays, the other goes.
func TestRecoverArchive(t *testing.T) {
	for _, pointsAtRewrite := range []bool{false, true} {
		dir := t.TempDir()
		adir := filepath.Join(dir, "archive")
		st, err := state.Open(filepath.Join(dir, "state.db"))
		if err != nil {
			t.Fatal(err)
		}
		ar, err := archive.Open(adir, 0)
		if err != nil {
			t.Fatal(err)
		}
		w, err := ar.AppendAll([]archive.Exchange{
			{URL: "http://example.org/a", Status: 200, Body: []byte("kept")},
			{URL: "http://example.org/b", Status: 200, Body: []byte("dropped")},
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ar.Close()
		c, err := archive.Compact(adir, w.Responses[0].File, func(r archive.Record) bool {
			return r.Type != "response" || r.TargetURI == "http://example.org/a"
		})
		if err != nil || c.New == "" {
			t.Fatalf("compact: %+v, %v", c, err)
		}
		loc := w.Responses[0]
		if pointsAtRewrite {
			loc = c.Moved[loc.Offset]
		}
		v := state.Version{Fetched: time.Now(), SHA256: "x", Response: stateLoc(loc)}
		if err := st.MarkSeen(state.Doc{ID: "a", URL: "http://example.org/a", Versions: []state.Version{v}}); err != nil {
			t.Fatal(err)
		}
		if err := recoverArchive(adir, st); err != nil {
			t.Fatal(err)
		}
		st.Close()
		keep, gone := c.Old, c.New
		if pointsAtRewrite {
			keep, gone = c.New, c.Old
		}
		if _, err := os.Stat(filepath.Join(adir, keep)); err != nil {
			t.Errorf("state points at %s, recovery removed it", keep)
		}
		if _, err := os.Stat(filepath.Join(adir, gone)); !os.IsNotExist(err) {
			t.Errorf("recovery left %s beside %s", gone, keep)
		}
		body, err := archive.Body(adir, ArchiveLoc(v.Response))
		if err != nil || string(body) != "kept" {
			t.Errorf("the state's location reads %q, %v; want the kept page", body, err)
		}
	}
}

// TestRetainKeepsPagesTheIndexLacks runs retention, under a max_size nothing can meet, over an
// archive whose documents the index no longer holds (it was lost, and the crawl that comes
// before a reindex creates an empty one): the index cannot say which pages are evidence, so
// none of the documents' pages is dropped. Copies no document record names still are. Once a
// crawl has indexed the documents again, the pages that are not evidence go.
func TestRetainKeepsPagesTheIndexLacks(t *testing.T) {
	cfg := demoConfig(t)
	cfg.Archive.FileSize = 16 << 10
	dir := t.TempDir()
	st, err := OpenWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p := &Pipeline{Log: slog.New(slog.DiscardHandler), Config: cfg, Store: st}
	p.Crawl(ctx, cfg.Sources)
	p = &Pipeline{Log: slog.New(slog.DiscardHandler), Config: cfg, Store: st, Refresh: true}
	p.Crawl(ctx, cfg.Sources) // every page again: copies with no document record
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{liveName(dir), defaultIndexName} {
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if st, err = OpenWriter(dir); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	adir := ArchivePath(dir)
	before, _ := archive.Size(adir)
	cfg.Archive.MaxSize = 64 << 10
	p = &Pipeline{Log: slog.New(slog.DiscardHandler), Config: cfg, Store: st}
	rs, err := p.Retain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rs.Dropped == 0 || rs.After >= before {
		t.Errorf("retention dropped %d records (%d bytes → %d); want the copies no document record names dropped", rs.Dropped, before, rs.After)
	}
	pages := 0
	err = st.State.SeenDocs(func(d state.Doc) error {
		for i, v := range d.Versions {
			pages++
			if v.Dropped {
				t.Errorf("%s version %d: its page was dropped, though the index could not say it is not evidence", d.ID, i+1)
				continue
			}
			body, err := archive.Body(adir, ArchiveLoc(v.Response))
			if err != nil || sha256Hex(body) != v.SHA256 {
				t.Errorf("%s version %d: page at %+v: %v", d.ID, i+1, v.Response, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages < 10 {
		t.Fatalf("%d pages recorded; want the fixture articles", pages)
	}

	// Once crawls have indexed the documents again, retention drops the pages that are not
	// evidence: the files it could not judge were not settled.
	p = &Pipeline{Log: slog.New(slog.DiscardHandler), Config: cfg, Store: st, Refresh: true}
	p.Crawl(ctx, cfg.Sources) // retains at its end
	ix, release, err := st.UseIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ban := map[string]bool{}
	err = ix.All(ctx, func(a article.Article) error {
		ban[a.ID] = a.Ban.Related
		return nil
	})
	release()
	if err != nil {
		t.Fatal(err)
	}
	dropped := 0
	err = st.State.SeenDocs(func(d state.Doc) error {
		for i, v := range d.Versions {
			if v.Dropped && ban[d.ID] {
				t.Errorf("ban-related %s version %d: its page was dropped once indexed again", d.ID, i+1)
			}
			if v.Dropped {
				dropped++
			}
		}
		return nil
	})
	if err != nil || dropped == 0 {
		t.Errorf("once the documents were indexed again retention dropped %d pages (%v); want those of documents that are not ban-related", dropped, err)
	}
}

// analyzeOne is Analyze for one article, as reindex takes it.
func analyzeOne(a article.Article) article.Article { return Analyze([]article.Article{a})[0] }

// TestRetainKeepsEarlierBanVersions edits a ban-related page into one that is not (a notice
// quietly withdrawn) and retains under a max_size nothing can meet: the document is no longer
// ban-related, but its first version's page is the evidence and stays; the second's goes.
func TestRetainKeepsEarlierBanVersions(t *testing.T) {
	srv, cfg := demoSites(t)
	cfg.Archive.FileSize = 16 << 10
	dir, st := openWriter(t)
	ctx := context.Background()
	// the wire's feed alone: its sitemap gives the page the title the news sitemap still has
	srcs := cfg.Sources[:1]
	if srcs[0].Name != "newswire" {
		t.Fatalf("the demo feeds file's first source is %s; want newswire", srcs[0].Name)
	}
	p := &Pipeline{Log: slog.New(slog.DiscardHandler), Config: cfg, Store: st}
	p.Crawl(ctx, srcs)
	get := func(id string) article.Article {
		ix, release, err := st.UseIndex(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer release()
		a, err := ix.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	var target article.Article
	err := st.State.SeenDocs(func(d state.Doc) error {
		if a := get(d.ID); target.ID == "" && a.Ban.Related && len(d.Versions) == 1 {
			target = a
		}
		return nil
	})
	if err != nil || target.ID == "" {
		t.Fatalf("no ban-related newswire page (%v)", err)
	}
	u, err := url.Parse(target.URL)
	if err != nil {
		t.Fatal(err)
	}
	withdrawn := `<html><head><title>Budget committee meets</title></head><body><h1>Budget committee meets</h1>
<div class="article-body"><p>The budget committee met on Tuesday to review next year's spending plans for roads and schools.</p>
<p>Members agreed to publish the minutes of the meeting within two weeks and to meet again in the spring.</p>
<p>The chair thanked the staff for preparing the figures and said the review would continue next month.</p></div></body></html>`
	for _, site := range srv.Sites() {
		if srv.Origin(site) == u.Scheme+"://"+u.Host {
			srv.Override(site, u.Path, 0, []byte(withdrawn))
		}
	}
	p = &Pipeline{Log: slog.New(slog.DiscardHandler), Config: cfg, Store: st, Refresh: true}
	p.Crawl(ctx, srcs)
	if a := get(target.ID); a.Ban.Related || a.Changed.IsZero() || len(a.Versions) != 2 {
		t.Fatalf("after the edit %s is ban-related %v, changed %v, with %d versions; want a second version, not ban-related",
			target.ID, a.Ban.Related, a.Changed, len(a.Versions))
	}

	cfg.Archive.MaxSize = 64 << 10
	p = &Pipeline{Log: slog.New(slog.DiscardHandler), Config: cfg, Store: st}
	if rs, err := p.Retain(ctx); err != nil || rs.Dropped == 0 {
		t.Fatalf("retention dropped %d records: %v", rs.Dropped, err)
	}
	d, _, err := st.State.Doc(target.ID)
	if err != nil || len(d.Versions) != 2 {
		t.Fatalf("state of %s: %d versions, %v", target.ID, len(d.Versions), err)
	}
	v1, v2 := d.Versions[0], d.Versions[1]
	if v1.Dropped {
		t.Errorf("retention dropped the ban-related first version's page of %s, which is no longer ban-related", target.ID)
	} else if body, err := archive.Body(ArchivePath(dir), ArchiveLoc(v1.Response)); err != nil || sha256Hex(body) != v1.SHA256 {
		t.Errorf("%s version 1's page at %+v: %v", target.ID, v1.Response, err)
	}
	if !v2.Dropped && v2.Response.File != st.Archive.Current() { // the file being written is left alone
		t.Errorf("retention kept the second version's page of %s, which is not ban-related", target.ID)
	}
}

// TestRetainSettledFiles retains under a max_size nothing can meet, again and again: the files
// retention found nothing more to drop in are read once, not at every crawl, and only the files
// written since are read; reindex makes them read again.
func TestRetainSettledFiles(t *testing.T) {
	cfg := demoConfig(t)
	cfg.Archive.FileSize = 16 << 10
	dir, st := openWriter(t)
	ctx := context.Background()
	crawl := func(refresh bool) {
		p := &Pipeline{Log: slog.New(slog.DiscardHandler), Config: cfg, Store: st, Refresh: refresh}
		p.Crawl(ctx, cfg.Sources)
	}
	rc := *cfg // crawls do not retain; these retentions are run and counted here
	rc.Archive.MaxSize = 64 << 10
	retain := func() RetainStats {
		p := &Pipeline{Log: slog.New(slog.DiscardHandler), Config: &rc, Store: st}
		rs, err := p.Retain(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	crawl(false)
	crawl(true)
	files, _ := archive.Files(ArchivePath(dir))
	first := retain()
	if first.Scanned != len(files)-1 || first.Dropped == 0 {
		t.Fatalf("first retention read %d of %d files and dropped %d records; want every file but the one being written read, copies dropped",
			first.Scanned, len(files), first.Dropped)
	}
	if again := retain(); again.Scanned != 0 || again.After != first.After {
		t.Errorf("retention with nothing new read %d files (%d → %d bytes); want none", again.Scanned, first.After, again.After)
	}
	before, _ := archive.Files(ArchivePath(dir))
	crawl(true) // every page again: copies retention drops
	after, _ := archive.Files(ArchivePath(dir))
	added := len(after) - len(before)
	// the new files but the one being written, and the one an earlier retention left as being written
	if third := retain(); third.Scanned != added || third.Dropped == 0 {
		t.Errorf("after a crawl that wrote %d files, retention read %d and dropped %d records; want those files read and their copies dropped",
			added, third.Scanned, third.Dropped)
	}
	rs, err := Reindex(ctx, dir, st.State, ReindexOptions{Analyze: analyzeOne})
	if err != nil || rs.FromArchive == 0 {
		t.Fatalf("reindex: %+v, %v", rs, err)
	}
	files, _ = archive.Files(ArchivePath(dir))
	if fourth := retain(); fourth.Scanned != len(files)-1 {
		t.Errorf("after reindex retention read %d of %d files; want every file but the one being written", fourth.Scanned, len(files))
	}
}
