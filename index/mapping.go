package index

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
)

// MappingVersion is the version of the mapping this package builds. It is
// stored in the index; an index built under another version must be rebuilt
// with Reindex (bantrack reindex).
//
//  1. first mapping: text with term vectors, a doc-values field per facet.
//  2. word pairs in the text analyser, no term vectors, one coded facets field.
//  3. no facets field: searches count facets from the keyword fields.
//  4. one analyser in a single pass (textAnalyzer) for the text fields.
//  5. ban_score and fetched as keywords (see ranges.go).
//  6. exact phrases: term vectors (positions) on the text fields, stop words
//     kept, a position skipped at each sentence end, no word-pair codes.
const MappingVersion = 6

// Field names of the index. Query strings may name them: `vendors:Fortinet`,
// `title:ban`, `lang:zh`.
const (
	fieldText       = "text" // title, summary and text joined; the default search field
	fieldTitle      = "title"
	fieldURL        = "url" // the URL and the alternative URLs
	fieldSource     = "source"
	fieldLang       = "lang"
	fieldStatus     = "status"
	fieldVendors    = "vendors"
	fieldAgencies   = "agencies"
	fieldCountries  = "countries"
	fieldTargets    = "targets"
	fieldActions    = "actions"
	fieldBanRelated = "ban_related"
	fieldBanScore   = "ban_score"
	fieldPublished  = "published"
	fieldFetched    = "fetched"
	fieldJSON       = "json" // the whole article, stored and not indexed
)

// newMapping builds the explicit mapping: nothing is indexed that is not
// listed here.
func newMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = textAnalyzer
		f.Store = false
		f.IncludeTermVectors = true // positions, for phrases (phrases.go)
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false // searches read the postings, see docTable
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldText, text())
	doc.AddFieldMappingsAt(fieldTitle, text())
	doc.AddFieldMappingsAt(fieldURL, kw())
	doc.AddFieldMappingsAt(fieldStatus, kw())
	for _, name := range []string{fieldSource, fieldLang, fieldVendors, fieldAgencies, fieldCountries, fieldTargets, fieldActions} {
		doc.AddFieldMappingsAt(name, kw())
	}
	related := bleve.NewBooleanFieldMapping()
	related.Store = false
	related.IncludeInAll = false
	related.DocValues = false
	doc.AddFieldMappingsAt(fieldBanRelated, related)
	doc.AddFieldMappingsAt(fieldBanScore, kw()) // two decimals, see ranges.go
	published := bleve.NewDateTimeFieldMapping()
	published.Store = false
	published.IncludeInAll = false
	published.DocValues = true // the document table reads them
	doc.AddFieldMappingsAt(fieldPublished, published)
	doc.AddFieldMappingsAt(fieldFetched, kw()) // its UTC day, see ranges.go
	stored := bleve.NewTextFieldMapping()
	stored.Index = false
	stored.Store = true
	stored.IncludeInAll = false
	stored.IncludeTermVectors = false
	stored.DocValues = false
	doc.AddFieldMappingsAt(fieldJSON, stored)

	// No composite _all field: the default search field is text.
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())

	im.DefaultMapping = doc
	im.DefaultAnalyzer = textAnalyzer
	im.DefaultField = fieldText
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	if err := im.Validate(); err != nil {
		return nil, err
	}
	return im, nil
}
