package archive

import (
	"io"
	"sync"

	"github.com/nlnwa/gowarc/v3"
)

// gowarcMu serialises gowarc's constructors. Each of them (through its default options) calls
// github.com/google/uuid's EnableRandPool, which writes a package variable of that library: two
// records built at once, by two sources saving in parallel, are a data race. The constructors are
// cheap; building, marshalling and reading records run outside the lock.
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

func newFileReader(r io.Reader) (*gowarc.WarcFileReader, error) {
	gowarcMu.Lock()
	defer gowarcMu.Unlock()
	return gowarc.NewWarcFileReaderFromStream(r, 0)
}
