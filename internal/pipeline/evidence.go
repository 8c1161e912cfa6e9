package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/bantrack/bantrack/archive"
	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/state"
)

// ErrNotArchived is returned for a document none of whose pages is in the archive (a listing-only
// document, or one indexed before the archive existed).
var ErrNotArchived = errors.New("no archived page for this document")

// Versions returns the archived versions of a document, oldest first, with where their records
// lie. It reads the state's offset index; a document the state has no locations for (a crawl
// killed between the index and the state, or a state store lost) is looked for in the archive
// itself. wait bounds the wait for a running crawl's state transaction.
func Versions(dir string, art article.Article, wait time.Duration) ([]state.Version, error) {
	st, err := state.OpenReadOnly(filepath.Join(dir, "state.db"), wait)
	if err == nil {
		d, ok, derr := st.Doc(art.ID)
		st.Close()
		if derr != nil {
			return nil, derr
		}
		if last := len(d.Versions) - 1; ok && last >= 0 && (d.Versions[last].Response.File != "" || d.Versions[last].Dropped) {
			return d.Versions, nil
		}
	}
	vs, err := scanVersions(ArchivePath(dir), art)
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("document %s: %w", art.ID, ErrNotArchived)
	}
	return vs, nil
}

// Takedown says when a re-check first found a document's page taken down and what it answered
// (404 or 410); a zero time when it was not, or the state cannot be read.
func Takedown(dir, id string, wait time.Duration) (time.Time, int) {
	st, err := state.OpenReadOnly(filepath.Join(dir, "state.db"), wait)
	if err != nil {
		return time.Time{}, 0
	}
	defer st.Close()
	d, _, _ := st.Doc(id)
	return d.Gone, d.GoneStatus
}

// TakedownEvidence finds the records of the re-check that first found a document's page taken
// down, at gone (state.Doc.Gone): the redirects that led to the answer, the 404 or 410 answer
// itself (unless retention dropped it: a document that is not ban-related), and the takedown
// record, in that order. It reads only the files written from about that time on, and stops at
// the record.
func TakedownEvidence(dir, id string, gone time.Time) ([]archive.Location, error) {
	adir := ArchivePath(dir)
	files, err := archive.Files(adir)
	if err != nil {
		return nil, err
	}
	start := 0
	for i, name := range files {
		if at, ok := archive.Begun(name); ok && !at.After(gone) {
			start = i // the file being written when the re-check wrote its records
		}
	}
	errFound := errors.New("found")
	for _, name := range files[start:] {
		chains := archive.NewChains()
		responses := map[string]archive.Location{}
		var out []archive.Location
		err := archive.ScanFile(adir, name, func(r archive.Record) error {
			chains.Add(r)
			if r.Type == "response" {
				responses[r.ID] = r.Location
			}
			if r.Type != "metadata" || r.ContentType != TakedownRecordType {
				return nil
			}
			var td struct {
				ID      string    `json:"id"`
				Checked time.Time `json:"checked"`
			}
			if json.Unmarshal(r.Body, &td) != nil || td.ID != id || !td.Checked.Equal(gone) {
				return nil
			}
			for _, h := range chains.Of(r.RefersTo) {
				out = append(out, h.Location)
			}
			if loc, ok := responses[r.RefersTo]; ok {
				out = append(out, loc)
			}
			out = append(out, r.Location)
			return errFound
		})
		if errors.Is(err, errFound) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("document %s: no takedown record of %s in the archive", id, gone.Format(time.RFC3339))
}

// scanVersions reads the whole archive for the records of a document (by id), the responses they
// refer to (a record refers to a response of its own file, written in the same batch; the
// response's URL may be where a redirect led, not the document's), and the redirects before them.
func scanVersions(dir string, art article.Article) ([]state.Version, error) {
	file := ""
	responses := map[string]archive.Location{} // record id → response, in the file being read
	var out []state.Version
	chains := archive.NewChains()
	err := archive.Scan(dir, func(r archive.Record) error {
		chains.Add(r)
		if r.Location.File != file {
			file = r.Location.File
			clear(responses)
		}
		switch {
		case r.Type == "response":
			responses[r.ID] = r.Location
		case r.Type == "metadata" && r.ContentType == DocumentRecordType && r.RefersTo != "":
			var a article.Article
			if json.Unmarshal(r.Body, &a) != nil || a.ID != art.ID {
				return nil
			}
			loc, ok := responses[r.RefersTo]
			if !ok {
				return nil
			}
			body, err := archive.Content(dir, loc)
			if err != nil {
				return err
			}
			v := state.Version{Fetched: a.Fetched.UTC(), SHA256: sha256Hex(body), Response: stateLoc(loc), Meta: stateLoc(r.Location),
				Redirects: hopLocs(chains.Of(r.RefersTo))}
			if n := len(out); n > 0 && out[n-1].SHA256 == v.SHA256 {
				return nil
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

// VersionRecord reads the document as the crawler read it in one version: its metadata record.
func VersionRecord(dir string, v state.Version) (article.Article, error) {
	if v.Meta.File == "" {
		return article.Article{}, fmt.Errorf("version of %s: no record kept", v.Fetched.Format(time.RFC3339))
	}
	r, err := archive.Read(ArchivePath(dir), ArchiveLoc(v.Meta))
	if err != nil {
		return article.Article{}, err
	}
	var a article.Article
	if err := json.Unmarshal(r.Body, &a); err != nil {
		return article.Article{}, fmt.Errorf("archive: record at %s:%d: %w", v.Meta.File, v.Meta.Offset, err)
	}
	return a, nil
}

// ChangedLines are the lines of text that differ between a document's last two versions whose
// texts differ ("- removed", "+ added"), at most limit of them: what a digest says of a silent edit.
func ChangedLines(dir string, art article.Article, wait time.Duration, limit int) ([]string, error) {
	vs, err := Versions(dir, art, wait)
	if err != nil {
		return nil, err
	}
	var texts []string
	for i := len(vs) - 1; i >= 0 && len(texts) < 2; i-- {
		rec, err := VersionRecord(dir, vs[i])
		if err != nil {
			continue
		}
		if len(texts) == 1 && rec.Text == texts[0] {
			continue // a new body with the same text: look further back
		}
		texts = append(texts, rec.Text)
	}
	if len(texts) < 2 {
		return nil, nil
	}
	a, b := strings.Split(texts[1], "\n"), strings.Split(texts[0], "\n")
	var out []string
	m := difflib.NewMatcher(a, b)
	for _, op := range m.GetOpCodes() {
		if op.Tag == 'e' {
			continue
		}
		for _, l := range a[op.I1:op.I2] {
			out = append(out, "- "+l)
		}
		for _, l := range b[op.J1:op.J2] {
			out = append(out, "+ "+l)
		}
	}
	if len(out) > limit {
		out = append(out[:limit], fmt.Sprintf("(%d more changed lines: bantrack show --versions %s)", len(out)-limit, art.ID))
	}
	return out, nil
}
