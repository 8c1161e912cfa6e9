package archive

import (
	"io"
	"sync"

	gowarc "github.com/nlnwa/gowarc/v3"
)

// gowarcMu serialises the gowarc constructors that build an option set. Building one calls
// github.com/google/uuid's EnableRandPool, which writes a package variable of that module without
// synchronisation, so two record builders or readers made at once (two sources saving, two web
// requests reading raw pages) are a data race inside the libraries. The lock guards their global,
// which is why it is one too; it is held only while a builder or reader is made.
var gowarcMu sync.Mutex

func newRecordBuilder(t gowarc.RecordType, opts ...gowarc.WarcRecordOption) gowarc.WarcRecordBuilder {
	gowarcMu.Lock()
	defer gowarcMu.Unlock()
	return gowarc.NewRecordBuilder(t, opts...)
}

func newUnmarshaler() gowarc.Unmarshaler {
	gowarcMu.Lock()
	defer gowarcMu.Unlock()
	return gowarc.NewUnmarshaler()
}

func newFileReader(r io.Reader, offset int64) (*gowarc.WarcFileReader, error) {
	gowarcMu.Lock()
	defer gowarcMu.Unlock()
	return gowarc.NewWarcFileReaderFromStream(r, offset)
}
