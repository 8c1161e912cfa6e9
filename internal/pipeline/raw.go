package pipeline

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/bantrack/bantrack/archive"
	"github.com/bantrack/bantrack/web"
)

// ArchivedPages is web.Raw over a data folder: the archived body of a document's latest version,
// found through Docs and the state's record of its versions.
type ArchivedPages struct {
	Dir  string
	Docs *Reader
}

var (
	_ web.Raw       = (*ArchivedPages)(nil)
	_ web.Takedowns = (*ArchivedPages)(nil)
)

// Takedown says when re-checks first found the document's page taken down, and the status.
func (p *ArchivedPages) Takedown(_ context.Context, id string) (time.Time, int) {
	return Takedown(p.Dir, id, ReaderWait)
}

// Raw returns the latest version's body as it was received, and a content type guessed from it
// (the server sends it as an attachment whatever the type).
func (p *ArchivedPages) Raw(ctx context.Context, id string) ([]byte, string, error) {
	art, err := p.Docs.Document(ctx, id)
	if err != nil {
		return nil, "", err
	}
	vs, err := Versions(p.Dir, art, ReaderWait)
	if errors.Is(err, ErrNotArchived) {
		return nil, "", fmt.Errorf("%w: %s was indexed from its listing only, or before bantrack kept an archive", web.ErrNotFound, id)
	}
	if err != nil {
		return nil, "", fmt.Errorf("%w: versions of %s: %w", web.ErrUnavailable, id, err)
	}
	v := vs[len(vs)-1]
	if v.Dropped {
		return nil, "", fmt.Errorf("%w: the raw page of %s (fetched %s) was dropped by the archive's retention; its text is kept",
			web.ErrNotFound, id, v.Fetched.Format(time.RFC3339))
	}
	body, err := archive.Body(ArchivePath(p.Dir), ArchiveLoc(v.Response))
	if err != nil {
		return nil, "", fmt.Errorf("%w: raw page of %s: %w", web.ErrUnavailable, id, err)
	}
	ctype := http.DetectContentType(body)
	if !utf8.Valid(body) {
		// A GBK or Big5 page: the sniffer's utf-8 would be wrong, and the page names its own charset.
		ctype = "application/octet-stream"
	}
	return body, ctype, nil
}
