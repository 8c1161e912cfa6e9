package index

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/blevesearch/bleve/v2/numeric"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// docTable holds, for every document of one index snapshot, what filters and
// facets read: its keyword values as small numbers, its publication date and
// whether it is ban-related. Searches read it instead of bleve's doc values,
// which decompress a chunk of a thousand documents to read one and made
// facets and date sorting cost tens of milliseconds on 100,000 documents.
// It is read from the keyword fields' postings and the publication dates'
// doc values once per snapshot (after writes and merges), about 50 bytes a
// document.
type docTable struct {
	snap bleveindex.IndexReader // the snapshot read; compared, never used to read

	n         int      // document numbers are below n
	live      []uint64 // bit set of documents not deleted
	liveCount int
	ban       []uint64 // bit set of ban-related documents
	published []int64  // Unix nanoseconds; noDate when none

	// The values of document d are vals[offs[d]:offs[d+1]], each an index
	// into fields and names.
	offs   []uint32
	vals   []uint32
	fields []uint8 // index into tableFields
	names  []string
	docs   []int32 // how many documents have each value
	byName map[tableKey]uint32
}

type tableKey struct {
	field uint8
	name  string
}

// noDate marks a document without a publication date.
const noDate = math.MinInt64

// tableFields are the keyword fields the table holds.
func tableFields() []string {
	return []string{fieldVendors, fieldAgencies, fieldCountries, fieldSource, fieldActions, fieldLang, fieldTargets}
}

// tableField is the index of field in tableFields, or -1.
func tableField(field string) int {
	for i, f := range tableFields() {
		if f == field {
			return i
		}
	}
	return -1
}

// docNum is the document number of a scorch internal id.
func docNum(id bleveindex.IndexInternalID) (uint64, error) {
	if len(id) != 8 {
		return 0, fmt.Errorf("internal id of %d bytes, want 8", len(id))
	}
	return binary.BigEndian.Uint64(id), nil
}

func setBit(s []uint64, i uint64)        { s[i>>6] |= 1 << (i & 63) }
func hasBit(s []uint64, i uint64) bool   { return s[i>>6]&(1<<(i&63)) != 0 }
func bitWords(n int) int                 { return (n + 63) / 64 }
func (t *docTable) isLive(d uint64) bool { return d < uint64(t.n) && hasBit(t.live, d) }

// values returns the value numbers of document d.
func (t *docTable) values(d uint64) []uint32 { return t.vals[t.offs[d]:t.offs[d+1]] }

// lookup returns the value number of name in field, if any document has it.
func (t *docTable) lookup(field int, name string) (uint32, bool) {
	v, ok := t.byName[tableKey{uint8(field), name}]
	return v, ok
}

// memory is about how many bytes the table holds.
func (t *docTable) memory() int {
	m := 8*(len(t.live)+len(t.ban)+len(t.published)) + 4*(len(t.offs)+len(t.vals)+len(t.docs)) + len(t.fields)
	for _, s := range t.names {
		m += len(s) + 16 + 24 // the string, its header, its map entry
	}
	return m
}

// table returns the docTable of snap, reading it unless it was read last.
func (ix *Index) table(ctx context.Context, snap bleveindex.IndexReader) (*docTable, error) {
	ix.tableMu.Lock()
	defer ix.tableMu.Unlock()
	if ix.tab != nil && ix.tab.snap == snap {
		return ix.tab, nil
	}
	t, err := readTable(ctx, snap)
	if err != nil {
		return nil, fmt.Errorf("read document table: %w", err)
	}
	ix.tab = t
	return t, nil
}

// readTable reads the docTable of snap.
func readTable(ctx context.Context, snap bleveindex.IndexReader) (*docTable, error) {
	t := &docTable{snap: snap, byName: map[tableKey]uint32{}}

	// Live documents, in order: their numbers bound the table.
	var liveDocs []uint64
	all, err := snap.DocIDReaderAll()
	if err != nil {
		return nil, err
	}
	for {
		id, err := all.Next()
		if err != nil {
			all.Close()
			return nil, err
		}
		if id == nil {
			break
		}
		d, err := docNum(id)
		if err != nil {
			all.Close()
			return nil, err
		}
		liveDocs = append(liveDocs, d)
	}
	if err := all.Close(); err != nil {
		return nil, err
	}
	if k := len(liveDocs); k > 0 {
		t.n = int(liveDocs[k-1]) + 1
	}
	t.live = make([]uint64, bitWords(t.n))
	t.ban = make([]uint64, bitWords(t.n))
	for _, d := range liveDocs {
		setBit(t.live, d)
	}
	t.liveCount = len(liveDocs)

	// Keyword values: each term's postings, gathered per document.
	type posting struct{ doc, val uint32 }
	// Room for a handful of values a document, so that appends seldom copy
	// (growing the slice took a third of the time to read the table).
	ps := make([]posting, 0, 8*len(liveDocs))
	counts := make([]uint32, t.n+1)
	for fi, field := range tableFields() {
		err := eachTerm(ctx, snap, field, func(term string, docs []uint64) {
			v := uint32(len(t.names))
			t.names = append(t.names, term)
			t.fields = append(t.fields, uint8(fi))
			t.byName[tableKey{uint8(fi), term}] = v
			t.docs = append(t.docs, int32(len(docs)))
			for _, d := range docs {
				if d < uint64(t.n) {
					ps = append(ps, posting{uint32(d), v})
					counts[d+1]++
				}
			}
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", field, err)
		}
	}
	t.offs = make([]uint32, t.n+1)
	for d := 1; d <= t.n; d++ {
		t.offs[d] = t.offs[d-1] + counts[d]
	}
	t.vals = make([]uint32, len(ps))
	next := append([]uint32(nil), t.offs[:t.n]...)
	for _, p := range ps {
		t.vals[next[p.doc]] = p.val
		next[p.doc]++
	}

	err = eachPosting(ctx, snap, fieldBanRelated, "T", func(d uint64) {
		if d < uint64(t.n) {
			setBit(t.ban, d)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fieldBanRelated, err)
	}

	// Publication dates, from doc values read in document order: each
	// compressed chunk is read once.
	t.published = make([]int64, t.n)
	for i := range t.published {
		t.published[i] = noDate
	}
	dv, err := snap.DocValueReader([]string{fieldPublished})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fieldPublished, err)
	}
	id := make(bleveindex.IndexInternalID, 8)
	for i, d := range liveDocs {
		if i&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		binary.BigEndian.PutUint64(id, d)
		err := dv.VisitDocValues(id, func(_ string, term []byte) {
			pc := numeric.PrefixCoded(term)
			if shift, err := pc.Shift(); err == nil && shift == 0 {
				if v, err := pc.Int64(); err == nil {
					t.published[d] = v
				}
			}
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", fieldPublished, err)
		}
	}
	return t, nil
}

// eachTerm calls fn with every term of field and the documents holding it.
func eachTerm(ctx context.Context, snap bleveindex.IndexReader, field string, fn func(term string, docs []uint64)) error {
	dict, err := snap.FieldDict(field)
	if err != nil {
		return err
	}
	var docs []uint64
	for {
		e, err := dict.Next()
		if err != nil {
			dict.Close()
			return err
		}
		if e == nil {
			break
		}
		docs = docs[:0]
		err = eachPosting(ctx, snap, field, e.Term, func(d uint64) { docs = append(docs, d) })
		if err != nil {
			dict.Close()
			return err
		}
		fn(e.Term, docs)
	}
	return dict.Close()
}

// eachPosting calls fn with the number of every live document holding term
// in field, in order.
func eachPosting(ctx context.Context, snap bleveindex.IndexReader, field, term string, fn func(uint64)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r, err := snap.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return err
	}
	var td *bleveindex.TermFieldDoc
	for {
		td, err = r.Next(td)
		if err != nil {
			r.Close()
			return err
		}
		if td == nil {
			break
		}
		d, err := docNum(td.ID)
		if err != nil {
			r.Close()
			return err
		}
		fn(d)
	}
	return r.Close()
}
