package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/bantrack/bantrack/archive"
	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/internal/pipeline"
	"github.com/bantrack/bantrack/state"
)

// lookup finds a document by id or URL in an open index.
func lookup(ctx context.Context, ix *index.Index, key string) (article.Article, error) {
	var art article.Article
	var err error
	if strings.Contains(key, "://") {
		art, err = ix.GetByURL(ctx, key)
	} else {
		art, err = ix.Get(key)
	}
	if errors.Is(err, index.ErrNotFound) {
		return art, fmt.Errorf("no document %q in the index: find ids with bantrack search", key)
	}
	return art, err
}

// versions reads a document's archived versions, saying what to do when there are none.
func (a *app) versions(art article.Article) ([]state.Version, error) {
	dir, err := a.data()
	if err != nil {
		return nil, err
	}
	vs, err := pipeline.Versions(dir, art, readerWait)
	if errors.Is(err, pipeline.ErrNotArchived) {
		return nil, fmt.Errorf("%w: %s was indexed from its listing only, or before bantrack kept an archive "+
			"(bantrack crawl --refresh fetches and archives the pages the listings show now)", err, art.ID)
	}
	return vs, err
}

// writeRaw writes the archived body of a document's latest version, byte for byte as the server
// sent it, with a gzip the server applied for transport undone: its SHA-256 is the document's.
func (a *app) writeRaw(art article.Article) error {
	vs, err := a.versions(art)
	if err != nil {
		return err
	}
	v := vs[len(vs)-1]
	if v.Dropped {
		return fmt.Errorf("the raw page of %s (fetched %s) was dropped by the archive's retention (archive.max_size in feeds.yaml); "+
			"its text is kept: bantrack show %s", art.ID, v.Fetched.Format(time.RFC3339), art.ID)
	}
	dir, _ := a.data()
	body, err := archive.Content(pipeline.ArchivePath(dir), pipeline.ArchiveLoc(v.Response))
	if err != nil {
		return err
	}
	_, err = a.stdout.Write(body)
	return err
}

// writeVersions lists a document's versions, with a unified diff of the text between each two.
func (a *app) writeVersions(art article.Article) error {
	vs, err := a.versions(art)
	if err != nil {
		return err
	}
	dir, _ := a.data()
	fmt.Fprintf(a.stdout, "%s\n%s\n", art.Title, art.URL)
	if !art.Changed.IsZero() {
		fmt.Fprintf(a.stdout, "text changed after publication: %s\n", art.Changed.Format(time.RFC3339))
	}
	if gone, status := pipeline.Takedown(dir, art.ID, readerWait); !gone.IsZero() {
		fmt.Fprintf(a.stdout, "taken down: the page answered %d %s to the re-checks since %s (the answers are archived)\n",
			status, http.StatusText(status), gone.Format(time.RFC3339))
	}
	var prev *article.Article
	for i, v := range vs {
		note := ""
		if v.Dropped {
			note = " (raw page dropped by retention; text kept)"
		}
		fmt.Fprintf(a.stdout, "\nversion %d  fetched %s  sha256 %s%s\n", i+1, v.Fetched.Format(time.RFC3339), v.SHA256, note)
		rec, err := pipeline.VersionRecord(dir, v)
		if err != nil {
			fmt.Fprintf(a.stdout, "  (text not readable: %v)\n", err)
			prev = nil
			continue
		}
		if prev != nil {
			if prev.Text == rec.Text {
				fmt.Fprintln(a.stdout, "  the page changed, its text did not")
			} else {
				diff, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
					A: difflib.SplitLines(prev.Text + "\n"), B: difflib.SplitLines(rec.Text + "\n"),
					FromFile: fmt.Sprintf("version %d", i), ToFile: fmt.Sprintf("version %d", i+1), Context: 2,
				})
				if err != nil {
					return fmt.Errorf("diff: %w", err)
				}
				fmt.Fprint(a.stdout, diff)
			}
		}
		prev = &rec
	}
	return nil
}

func runEvidence(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet("evidence")
	out := fs.String("o", "", "write the evidence pack to `FILE.warc.gz`")
	rest, err := parseInterspersed(fs, args, false)
	if err != nil {
		return err
	}
	if len(rest) == 0 || *out == "" {
		return usageErrorf("evidence takes document ids (or URLs) and -o FILE.warc.gz, e.g. bantrack evidence 3f2a9c0d1e4b5a67 -o notice.warc.gz")
	}
	ix, err := a.openIndex(ctx)
	if err != nil {
		return err
	}
	var arts []article.Article
	for _, key := range rest {
		art, err := lookup(ctx, ix, key)
		if err != nil {
			ix.Close()
			return err
		}
		arts = append(arts, art)
	}
	ix.Close()
	dir, err := a.data()
	if err != nil {
		return err
	}
	adir := pipeline.ArchivePath(dir)
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".evidence-*.tmp")
	if err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	defer os.Remove(tmp.Name())
	pack, err := archive.NewPack(tmp, "bantrack "+version, time.Now())
	if err != nil {
		tmp.Close()
		return err
	}
	records, redirects, takedowns := 0, 0, 0
	for _, art := range arts {
		vs, err := a.versions(art)
		if err != nil {
			tmp.Close()
			return err
		}
		latest := ""
		for _, v := range vs {
			if v.Dropped {
				continue
			}
			// the redirects that led to the page first, in the order they were followed: the
			// pack shows that the document's URL led to the page's
			for _, h := range v.Redirects {
				if err := pack.Copy(adir, pipeline.ArchiveLoc(h)); err != nil {
					tmp.Close()
					return err
				}
				redirects++
			}
			loc := pipeline.ArchiveLoc(v.Response)
			rec, err := archive.Read(adir, loc)
			if err != nil {
				tmp.Close()
				return err
			}
			if err := pack.Copy(adir, loc); err != nil {
				tmp.Close()
				return err
			}
			latest = rec.ID
			records++
		}
		// a notice taken down: the answer that showed it, and the record saying so
		if gone, _ := pipeline.Takedown(dir, art.ID, readerWait); !gone.IsZero() {
			locs, err := pipeline.TakedownEvidence(dir, art.ID, gone)
			if err != nil {
				tmp.Close()
				return err
			}
			for _, loc := range locs {
				if err := pack.Copy(adir, loc); err != nil {
					tmp.Close()
					return err
				}
			}
			takedowns++
		}
		data, err := json.Marshal(art)
		if err != nil {
			tmp.Close()
			return err
		}
		if err := pack.Metadata(art.URL, "application/json", latest, data, time.Now()); err != nil {
			tmp.Close()
			return err
		}
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("evidence: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	via := ""
	if redirects > 0 {
		via = " (after " + plural(redirects, "redirect", "redirects") + " that led to them)"
	}
	if takedowns > 0 {
		via += ", the takedown of " + plural(takedowns, "page", "pages")
	}
	fmt.Fprintf(a.stdout, "wrote %s: %s, %s%s and one record each\n", *out,
		plural(len(arts), "document", "documents"), plural(records, "archived response", "archived responses"), via)
	return nil
}
