package digest

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"net/http"
	netmail "net/mail"
	"slices"
	"strings"
	texttemplate "text/template"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wneessen/go-mail"

	"github.com/bantrack/bantrack/article"
)

//go:embed templates
var templateFS embed.FS

// Options say who the digest is from and for, and what the reader watches.
type Options struct {
	From          string   // RFC 5322 address, e.g. "bantrack <alerts@example.org>"
	To            []string // at least one address
	WatchVendors  []string // canonical English vendor names put first and marked
	WatchAgencies []string // canonical English agency names put first and marked
	// Now gives the Date header and the digest's date; time.Now when nil.
	Now func() time.Time
	// Hostname is the right-hand side of the Message-ID; the From address's domain when empty.
	Hostname string
	// Changes marks documents whose text changed after publication (a silent edit found by a
	// re-check): id → the changed lines ("- old", "+ new"). Such an item says so, with the lines.
	Changes map[string]Change
	// Takedowns marks documents whose page a re-check found taken down (404 or 410): id → when
	// and what it answered. Such an item says so.
	Takedowns map[string]Takedown
}

// Takedown is a published document whose page was taken down.
type Takedown struct {
	At     time.Time
	Status int // 404 or 410
}

// Change is a silent edit of a document already published.
type Change struct {
	At    time.Time
	Lines []string // "- removed line", "+ added line", at most a few
}

// Message is a composed digest: the go-mail message plus what went into it.
type Message struct {
	Msg     *mail.Msg
	Subject string
	// IDs are the article IDs the digest contains, in the order they appear;
	// the caller records exactly these in its ledger once the message is delivered or written.
	IDs  []string
	Text string // the text/plain part
	HTML string // the text/html part
}

// WriteTo writes the message as RFC 5322 bytes (CRLF line ends), as sent or saved as .eml.
func (m *Message) WriteTo(w io.Writer) (int64, error) {
	n, err := m.Msg.WriteTo(w)
	if err != nil {
		return n, fmt.Errorf("digest: write message: %w", err)
	}
	return n, nil
}

// maxEvidence caps the evidence sentence shown for an item, in runes.
const maxEvidence = 400

// maxSubjectNames is how many names the subject lists before "and N more".
const maxSubjectNames = 3

// Compose renders arts (the ban-related articles not sent yet, chosen by the caller) into a digest
// message with a text/plain and a text/html part. An empty arts gives a "no new notices" message,
// for callers configured to send one anyway.
func Compose(arts []article.Article, opts Options) (*Message, error) {
	from, err := netmail.ParseAddress(opts.From)
	if err != nil {
		return nil, fmt.Errorf("digest: from address %q: %w", opts.From, err)
	}
	if len(opts.To) == 0 {
		return nil, errors.New("digest: no recipients")
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	at := now()

	v := buildView(arts, opts, at)

	tmpl, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	var text, html bytes.Buffer
	if err := tmpl.text.Execute(&text, v); err != nil {
		return nil, fmt.Errorf("digest: render text part: %w", err)
	}
	if err := tmpl.html.Execute(&html, v); err != nil {
		return nil, fmt.Errorf("digest: render html part: %w", err)
	}

	m := mail.NewMsg(mail.WithNoDefaultUserAgent())
	m.FromMailAddress(from)
	if err := m.To(opts.To...); err != nil {
		return nil, fmt.Errorf("digest: to addresses %q: %w", opts.To, err)
	}
	m.Subject(v.Subject)
	m.SetDateWithValue(at)
	host := opts.Hostname
	if host == "" {
		host = domainOf(from.Address)
	}
	id, err := messageID(at, host)
	if err != nil {
		return nil, err
	}
	m.SetMessageIDWithValue(id)
	m.SetUserAgent("bantrack")
	m.SetGenHeader(mail.Header("Auto-Submitted"), "auto-generated")
	m.SetGenHeader(mail.HeaderXAutoResponseSuppress, "All")
	// Text first, HTML last: in multipart/alternative the last part is the preferred one.
	m.SetBodyString(mail.TypeTextPlain, text.String())
	m.AddAlternativeString(mail.TypeTextHTML, html.String())

	return &Message{Msg: m, Subject: v.Subject, IDs: v.IDs, Text: text.String(), HTML: html.String()}, nil
}

type templates struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

func parseTemplates() (templates, error) {
	funcs := map[string]any{"join": strings.Join}
	t, err := texttemplate.New("digest.txt").Funcs(funcs).ParseFS(templateFS, "templates/digest.txt")
	if err != nil {
		return templates{}, fmt.Errorf("digest: parse text template: %w", err)
	}
	h, err := htmltemplate.New("digest.html").Funcs(funcs).ParseFS(templateFS, "templates/digest.html")
	if err != nil {
		return templates{}, fmt.Errorf("digest: parse html template: %w", err)
	}
	return templates{text: t, html: h}, nil
}

// messageID returns a unique Message-ID value (without angle brackets).
func messageID(at time.Time, host string) (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("digest: message id: %w", err)
	}
	return fmt.Sprintf("bantrack.%s.%s@%s", at.UTC().Format("20060102T150405Z"), hex.EncodeToString(b[:]), host), nil
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 && i+1 < len(addr) {
		return addr[i+1:]
	}
	return "bantrack.localdomain"
}

// view is what the templates render.
type view struct {
	Subject string
	Heading string // "3 new ban-related notices"
	Date    string // the digest's date
	Count   int
	Watched bool // some item is on the watchlist: explain the mark
	Groups  []group
	IDs     []string
}

// group is the items aimed at one vendor (or, without targets, issued by one agency).
type group struct {
	Name    string
	Kind    string // "vendor", "agency" or "" for items with neither
	Watched bool
	Items   []item
	newest  time.Time
}

type item struct {
	ID        string
	Title     string
	URL       string
	Source    string
	Published string // YYYY-MM-DD, or "date unknown"
	Gloss     string // English gloss of a Chinese item: agencies, action, targets
	Agencies  []string
	Targets   []string
	Actions   []string
	Evidence  string
	Watched   bool
	Partial   bool     // only the listing's title and summary were available
	Changed   string   // "changed after publication: DATE", for a silent edit
	Lines     []string // the changed lines
	TakenDown string   // "taken down after publication: DATE (the page answers 410 Gone)"
	published time.Time
}

func buildView(arts []article.Article, opts Options, at time.Time) view {
	watchV := nameSet(opts.WatchVendors)
	watchA := nameSet(opts.WatchAgencies)

	// How often each target (or agency, for items without targets) occurs: an item with several
	// targets goes into the group of its most frequent one, so related notices stay together.
	freq := map[string]int{}
	for _, a := range arts {
		for _, n := range groupCandidates(a) {
			freq[n]++
		}
	}

	byName := map[string]*group{}
	var groups []*group
	for _, a := range arts {
		name, kind := primaryGroup(a, freq, watchV, watchA)
		g := byName[name]
		if g == nil {
			g = &group{Name: name, Kind: kind}
			switch kind {
			case "vendor":
				g.Watched = watchV[strings.ToLower(name)]
			case "agency":
				g.Watched = watchA[strings.ToLower(name)]
			}
			byName[name] = g
			groups = append(groups, g)
		}
		it := newItem(a, watchV, watchA)
		if c, ok := opts.Changes[a.ID]; ok {
			it.Changed = "changed after publication: " + c.At.UTC().Format("2006-01-02 15:04 UTC")
			it.Lines = c.Lines
		}
		if td, ok := opts.Takedowns[a.ID]; ok {
			it.TakenDown = fmt.Sprintf("taken down after publication: %s (the page answers %d %s)",
				td.At.UTC().Format("2006-01-02 15:04 UTC"), td.Status, http.StatusText(td.Status))
		}
		if it.Watched {
			g.Watched = true
		}
		if it.published.After(g.newest) {
			g.newest = it.published
		}
		g.Items = append(g.Items, it)
	}
	for _, g := range groups {
		slices.SortStableFunc(g.Items, func(x, y item) int {
			if c := y.published.Compare(x.published); c != 0 {
				return c
			}
			return cmp.Compare(x.Title, y.Title)
		})
	}
	slices.SortStableFunc(groups, func(x, y *group) int {
		if x.Watched != y.Watched {
			if x.Watched {
				return -1
			}
			return 1
		}
		if (x.Kind == "") != (y.Kind == "") { // the unattributed group goes last
			if x.Kind == "" {
				return 1
			}
			return -1
		}
		if c := y.newest.Compare(x.newest); c != 0 {
			return c
		}
		return cmp.Compare(x.Name, y.Name)
	})

	v := view{Count: len(arts), Date: at.Format("2006-01-02")}
	for _, g := range groups {
		v.Groups = append(v.Groups, *g)
		if g.Watched {
			v.Watched = true
		}
		for _, it := range g.Items {
			v.IDs = append(v.IDs, it.ID)
		}
	}
	v.Heading = countPhrase(len(arts))
	v.Subject = subject(v.Groups)
	return v
}

func newItem(a article.Article, watchV, watchA map[string]bool) item {
	it := item{
		ID:        a.ID,
		Title:     strings.TrimSpace(a.Title),
		URL:       a.URL,
		Source:    a.Source,
		Published: "date unknown",
		Agencies:  a.Agencies,
		Targets:   a.Ban.Targets,
		Actions:   a.Ban.Actions,
		Partial:   a.Status == article.StatusPartial,
		published: a.Published,
	}
	if it.Title == "" {
		it.Title = a.URL
	}
	if !a.Published.IsZero() {
		it.Published = a.Published.Format("2006-01-02")
	}
	for _, e := range a.Ban.Evidence {
		if e = strings.Join(strings.Fields(e), " "); e != "" {
			it.Evidence = truncate(e, maxEvidence)
			break
		}
	}
	if a.Lang == "zh" || hasHan(it.Title) {
		it.Gloss = gloss(a)
	}
	for _, n := range append(slices.Clone(a.Ban.Targets), a.Vendors...) {
		if watchV[strings.ToLower(n)] {
			it.Watched = true
		}
	}
	for _, n := range a.Agencies {
		if watchA[strings.ToLower(n)] {
			it.Watched = true
		}
	}
	return it
}

// gloss is the English reading of a Chinese item built from its canonical names:
// "Cyberspace Administration of China: review — Micron Technology".
func gloss(a article.Article) string {
	var b strings.Builder
	b.WriteString(strings.Join(a.Agencies, ", "))
	if len(a.Ban.Actions) > 0 {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(strings.Join(a.Ban.Actions, ", "))
	}
	names := a.Ban.Targets
	if len(names) == 0 {
		names = a.Vendors
	}
	if len(names) > 0 {
		if b.Len() > 0 {
			b.WriteString(" — ")
		}
		b.WriteString(strings.Join(names, ", "))
	}
	return b.String()
}

// groupCandidates are the names an article may be grouped under: its targets, else its agencies.
func groupCandidates(a article.Article) []string {
	if len(a.Ban.Targets) > 0 {
		return a.Ban.Targets
	}
	return a.Agencies
}

// primaryGroup picks an article's group: a watched candidate first, else the candidate most
// frequent in this digest, ties going to the one the article names first.
func primaryGroup(a article.Article, freq map[string]int, watchV, watchA map[string]bool) (name, kind string) {
	cands := groupCandidates(a)
	if len(cands) == 0 {
		return "Other notices", ""
	}
	kind = "vendor"
	watch := watchV
	if len(a.Ban.Targets) == 0 {
		kind = "agency"
		watch = watchA
	}
	best := ""
	for _, c := range cands {
		switch {
		case best == "":
			best = c
		case watch[strings.ToLower(c)] != watch[strings.ToLower(best)]:
			if watch[strings.ToLower(c)] {
				best = c
			}
		case freq[c] > freq[best]:
			best = c
		}
	}
	return best, kind
}

// subject is "bantrack: 3 new notices — Fortinet, Micron Technology": the count, then the vendor
// groups' names in the digest's order (watched first, then newest), then the other targets; without
// targets the agencies the same way; without either, the single item's title.
func subject(groups []group) string {
	var items []item
	for _, g := range groups {
		items = append(items, g.Items...)
	}
	if len(items) == 0 {
		return "bantrack: no new notices"
	}
	n := len(items)
	head := fmt.Sprintf("bantrack: %d new notice", n)
	if n != 1 {
		head += "s"
	}
	var vendorHeads, agencyHeads, targets, agencies []string
	for _, g := range groups {
		switch g.Kind {
		case "vendor":
			vendorHeads = append(vendorHeads, g.Name)
		case "agency":
			agencyHeads = append(agencyHeads, g.Name)
		}
	}
	for _, it := range items {
		targets = append(targets, it.Targets...)
		agencies = append(agencies, it.Agencies...)
	}
	names := distinct(append(vendorHeads, targets...))
	if len(names) == 0 {
		names = distinct(append(agencyHeads, agencies...))
	}
	if len(names) == 0 {
		if n == 1 && items[0].Title != items[0].URL {
			return head + " — " + truncate(strings.Join(strings.Fields(items[0].Title), " "), 80)
		}
		return head
	}
	tail := ""
	if len(names) > maxSubjectNames {
		tail = fmt.Sprintf(" and %d more", len(names)-maxSubjectNames)
		names = names[:maxSubjectNames]
	}
	return head + " — " + strings.Join(names, ", ") + tail
}

// distinct returns names without repeats, in order of first occurrence.
func distinct(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

func countPhrase(n int) string {
	switch n {
	case 0:
		return "No new ban-related notices"
	case 1:
		return "1 new ban-related notice"
	}
	return fmt.Sprintf("%d new ban-related notices", n)
}

func nameSet(names []string) map[string]bool {
	s := make(map[string]bool, len(names))
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" {
			s[strings.ToLower(n)] = true
		}
	}
	return s
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// truncate cuts s to at most n runes, marking a cut with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
