package article

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"
)

// Status says how complete a document is.
type Status string

const (
	// StatusOK means the article page was fetched and its main text extracted.
	StatusOK Status = "ok"
	// StatusPartial means the article page could not be had (401/403, an anti-bot wall, 404)
	// and only the listing's or feed's title and summary were indexed.
	StatusPartial Status = "partial"
)

// Precision of a date mention.
const (
	PrecisionDay   = "day"
	PrecisionMonth = "month"
	PrecisionYear  = "year"
)

// Ban actions, the only values Ban.Actions holds.
const (
	ActionBan           = "ban"
	ActionRestriction   = "restriction"
	ActionReview        = "review"
	ActionInvestigation = "investigation"
	ActionEntityListing = "entity-listing"
	ActionSanction      = "sanction"
	ActionLifted        = "lifted"
	ActionSummons       = "summons" // a regulator summons or interviews a company: 约谈
)

// Article is one document: a news story or a regulator's notice, with what was extracted from it.
// Its JSON form is the export record of the contracts.
type Article struct {
	ID      string   `json:"id"`
	URL     string   `json:"url"`
	AltURLs []string `json:"alt_urls,omitempty"` // other URLs the same text was found under
	Source  string   `json:"source"`
	Lang    string   `json:"lang"`

	Title     string    `json:"title"`
	Summary   string    `json:"summary,omitempty"` // the listing's or feed's summary, when it had one
	Published time.Time `json:"published,omitzero"`
	Fetched   time.Time `json:"fetched,omitzero"`
	Text      string    `json:"text"`

	// SHA256 is the hex SHA-256 of the article page's body as fetched (before charset decoding),
	// the body kept in the archive; empty for a partial document whose page was never had.
	SHA256 string `json:"sha256,omitempty"`
	// Versions lists each distinct body seen for this URL, oldest first.
	Versions []Version `json:"versions,omitempty"`
	// Changed is when a re-check first found the text changed after the document was indexed.
	Changed time.Time `json:"changed,omitzero"`

	Entities

	Status Status `json:"status"`
}

// Entities is what extract finds in an article's title and text.
type Entities struct {
	Vendors    []string      `json:"vendors"`
	Agencies   []string      `json:"agencies"`
	Countries  []string      `json:"countries"`
	Dates      []DateMention `json:"dates"`
	Ban        Ban           `json:"ban"`
	DocNumbers []string      `json:"doc_numbers"`
	// Candidates are organisation names found by pattern that the gazetteer does not know.
	Candidates []string `json:"candidates,omitempty"`
	// Unknown are the names in Vendors and Agencies that the gazetteer does not know: organisations
	// named with strong evidence (a legal suffix, 公司/集团, a list beside known vendors, a
	// government body's form such as "Ministry of ..."), kept under their name as written.
	Unknown []string `json:"unknown,omitempty"`
}

// Version is one distinct body fetched for a document's URL.
type Version struct {
	Fetched time.Time `json:"fetched"`
	SHA256  string    `json:"sha256"`
}

// DateMention is a date written in the text, resolved to ISO form.
type DateMention struct {
	Text      string `json:"text"`      // as written: "2023年5月21日", "last month"
	Date      string `json:"date"`      // ISO: 2023-05-21, 2023-05 or 2023 by precision
	Precision string `json:"precision"` // day, month or year
}

// Ban says whether and how a document is about a government banning, restricting or reviewing vendors.
type Ban struct {
	Related  bool     `json:"related"`
	Score    float64  `json:"score"`
	Actions  []string `json:"actions"`
	Targets  []string `json:"targets"` // the vendors the measure is aimed at, a subset of Vendors
	Evidence []string `json:"evidence"`
}

// NewID returns the stable document id for a canonical URL: the first 16 hex digits of its SHA-256.
func NewID(canonicalURL string) string {
	sum := sha256.Sum256([]byte(canonicalURL))
	return hex.EncodeToString(sum[:8])
}

// MarshalJSON writes the export record, with empty lists as [] rather than null.
func (a Article) MarshalJSON() ([]byte, error) {
	type plain Article // no methods, so no recursion
	p := plain(a)
	p.Entities = p.Entities.filled()
	if p.Status == "" {
		p.Status = StatusOK
	}
	return json.Marshal(p)
}

func (e Entities) filled() Entities {
	e.Vendors = orEmpty(e.Vendors)
	e.Agencies = orEmpty(e.Agencies)
	e.Countries = orEmpty(e.Countries)
	e.DocNumbers = orEmpty(e.DocNumbers)
	if e.Dates == nil {
		e.Dates = []DateMention{}
	}
	e.Ban.Actions = orEmpty(e.Ban.Actions)
	e.Ban.Targets = orEmpty(e.Ban.Targets)
	e.Ban.Evidence = orEmpty(e.Ban.Evidence)
	return e
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// AddURLs records other URLs the same document was found under, skipping its own URL and
// those already known, in the order given.
func (a *Article) AddURLs(urls ...string) {
	for _, u := range urls {
		if u == "" || u == a.URL || slices.Contains(a.AltURLs, u) {
			continue
		}
		a.AltURLs = append(a.AltURLs, u)
	}
}
