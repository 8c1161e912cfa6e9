package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/bantrack/bantrack/article"
)

// validID is the form of a document id (16 hex digits, article.NewID); anything else is 404
// without a lookup.
var validID = regexp.MustCompile(`^[0-9a-f]{16}$`)

func (s *Server) document(r *http.Request) (article.Article, error) {
	id := r.PathValue("id")
	if !validID.MatchString(id) {
		return article.Article{}, fmt.Errorf("%w: no document %q: an id is 16 hexadecimal digits", ErrNotFound, id)
	}
	return s.opts.Documents.Document(r.Context(), id)
}

// apiDocument answers /api/documents/{id} with the export record.
func (s *Server) apiDocument(w http.ResponseWriter, r *http.Request) {
	art, err := s.document(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, art)
}

type documentPage struct {
	Title   string
	Doc     article.Article
	Paras   []string
	RawLink string
	// Gone, when set, says the page was taken down: "410 Gone" since GoneSince.
	Gone      string
	GoneSince time.Time
	JSON      string
	Search    string // a search for the document's ban targets or vendors
}

// documentPage shows one document: metadata, entities, dates, ban evidence, versions, text.
func (s *Server) documentPage(w http.ResponseWriter, r *http.Request) {
	art, err := s.document(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := documentPage{Title: art.Title + " - bantrack", Doc: art, JSON: "/api/documents/" + art.ID}
	for p := range strings.SplitSeq(art.Text, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			page.Paras = append(page.Paras, p)
		}
	}
	if s.opts.Raw != nil && art.SHA256 != "" {
		page.RawLink = "/documents/" + art.ID + "/raw"
	}
	if td, ok := s.opts.Raw.(Takedowns); ok {
		if since, status := td.Takedown(r.Context(), art.ID); !since.IsZero() {
			page.Gone, page.GoneSince = fmt.Sprintf("%d %s", status, http.StatusText(status)), since
		}
	}
	s.render(w, r, http.StatusOK, "document", page)
}

// rawDocument serves the archived body of the document's latest version, as an attachment so
// that the browser never renders a page from the open web under this origin.
func (s *Server) rawDocument(w http.ResponseWriter, r *http.Request) {
	if s.opts.Raw == nil {
		s.fail(w, r, fmt.Errorf("%w: this server has no archive to serve raw pages from", ErrNotFound))
		return
	}
	id := r.PathValue("id")
	if !validID.MatchString(id) {
		s.fail(w, r, fmt.Errorf("%w: no document %q", ErrNotFound, id))
		return
	}
	body, ctype, err := s.opts.Raw.Raw(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+id+`.raw"`)
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.WriteHeader(http.StatusOK)
	w.Write(body) //nolint:errcheck // the client went away
}
