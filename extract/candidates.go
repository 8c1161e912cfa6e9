package extract

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// candRules find names of organisations by pattern, on the source text (capitals matter).
type candRules struct {
	suffix    *regexp.Regexp // Acme Widgets Inc., Foo Corp
	owned     *regexp.Regexp // X-owned Y
	including *regexp.Regexp // including A, B and C
	item      *regexp.Regexp // one capitalised name
	zh        *regexp.Regexp // 某某科技有限公司
	agencyOf  *regexp.Regexp // Ministry of Economic Affairs, Office of Management and Budget
	agency    *regexp.Regexp // Data Protection Authority, Supreme Court
	said      *regexp.Regexp // "Acme said", "the company said" beside a name
	head      *regexp.Regexp // Qilin Semiconductor, Nanhu Robotics Group: a name ending in an industry word
	role      *regexp.Regexp // chipmaker Nexperia, the Singapore-based company PowerAir, electronics makers A and B
	zhEnglish *regexp.Regexp // 星图智联公司（Startu Zhilian）: the English name in brackets
	appos     *regexp.Regexp // AB InBev, Budweiser's owner; PowerAir, a Singapore distributor
	zhLatin   *regexp.Regexp // 旗下拥有Calvin Klein、Tommy Hilfiger等服装品牌
	ticker    *regexp.Regexp // Velmora Systems (NASDAQ: VLM), Qilin Chips (688123.SH)
	owns      *regexp.Regexp // Velmora's shares, Velmora's chief executive, Velmora's cameras
	makes     *regexp.Regexp // Velmora, which makes
	zhTicker  *regexp.Regexp // 星河电子（688123.SH）, 星河电子（股票代码：688123）
	// heads and roles are the key words of head, appos and role, found as whole words in one pass.
	heads, roles []string
	wordKeys     map[string]bool
}

// candidate is an organisation name the gazetteer lacks, where it was found and how sure the
// pattern is that it names an organisation.
type candidate struct {
	name   string
	sent   int    // index of its sentence
	kind   string // KindVendor or KindAgency
	strong bool   // a legal suffix, 公司/集团, a list beside known vendors, a government body's form
}

// industryHeads are the words a company's name often ends with; a capitalised name ending in one
// (and holding a word of its own besides generic ones) is taken for a company.
const industryHeads = `Semiconductors?|Technologies|Technology|Aerospace|Robotics|Electronics|Microelectronics|Microsystems|` +
	`Networks|Telecom|Telecommunications|Software|Systems|Group|Holdings|Scientech|Instruments|Optoelectronics|` +
	`Biotech|Pharmaceuticals?|Motors|Automotive|Airlines|Aviation|Dynamics|Industries|Energy|Materials|Photonics|Devices`

// ownedWords are what only a company has: "Velmora's shares".
const ownedWords = `shares|stock|chief executive|CEO|products|devices|smartphones|handsets|cameras|routers|drones|chips`

// roleWords say what a company does, right before its name: "chipmaker Nexperia", "sponsor Budweiser".
const roleWords = `maker|makers|chipmaker|chipmakers|carmaker|carmakers|automaker|automakers|manufacturer|manufacturers|` +
	`producer|producers|supplier|suppliers|conglomerate|sponsor|sponsors|startup|start-up|retailer|retailers|` +
	`distributor|distributors|company|firm|developer|vendor|provider|brand|brands|subsidiary|affiliate|designer|designers|giant|operator|operators`

const capName = `(?:[A-Z][\p{L}\d&.'-]*|\d+[A-Za-z]+)(?: (?:[A-Z][\p{L}\d&.'-]*|\d+[A-Za-z]*|&|of|de))*`

func newCandRules() *candRules {
	heads := strings.Split(strings.ReplaceAll(industryHeads, "s?", ""), "|")
	heads = append(heads, "Semiconductors", "Pharmaceuticals")
	roles := append(strings.Split(roleWords, "|"), "owner", "parent")
	keys := map[string]bool{}
	for _, k := range append(append(slices.Clone(heads), roles...), append(suffixKeys(), bodyKeys()...)...) {
		if strings.Trim(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") == "" {
			keys[k] = true
		}
	}
	return &candRules{
		heads: heads, roles: roles, wordKeys: keys,
		suffix:    regexp.MustCompile(`\b(` + capName + `),? (?:Inc\.?|Incorporated|Corp\.?|Corporation|Ltd\.?|Limited|LLC|GmbH|AG|plc|PLC|S\.A\.|N\.V\.|Co\.,? Ltd\.?|Co\.|Pte\.? Ltd\.?|Sdn\.? Bhd\.?|S\.p\.A\.|B\.V\.|K\.K\.)(?:\W|$)`),
		head:      regexp.MustCompile(`\b(` + capName + ` (?:` + industryHeads + `))\b( [A-Z])?`),
		appos:     regexp.MustCompile(`\b(` + capName + `), (?:the |a |an |its )?(?:[\w-]+ ){0,2}?(?:[A-Z][\w-]*'s )?(?:owner|parent company|parent|` + roleWords + `)\b('s)?`),
		zhLatin:   regexp.MustCompile(`((?:[A-Z][\w&'.-]*(?: [A-Z][\w&'.-]*)*)(?:、(?:[A-Z][\w&'.-]*(?: [A-Z][\w&'.-]*)*))+)(?:等|和)\p{Han}{0,6}(?:品牌|公司|企业|厂商|集团)`),
		role:      regexp.MustCompile(`\b(?:` + roleWords + `) ((?:` + capName + `)(?:(?:, | and |, and )(?:` + capName + `))*)`),
		owns:      regexp.MustCompile(`\b(` + capName + `)(?:'s|’s) (?:[\w-]+ ){0,2}?(?:` + ownedWords + `)\b`),
		makes:     regexp.MustCompile(`\b(` + capName + `), (?:which|that) (?:makes|produces|manufactures|sells|supplies|develops|designs|builds|operates)\b`),
		ticker:    regexp.MustCompile(`\b(` + capName + `) \((?:(?:NASDAQ|Nasdaq|NYSE|Nyse|HKEX|SSE|SZSE|TSE|TWSE|KRX|LSE|ASX|SGX|TYO|HKG|SHA|SHE)\s*:\s*[A-Z0-9.]{1,10}|\d{4,6}\.(?:HK|SS|SH|SZ|T|KS|TW|TWO))\)`),
		zhTicker:  regexp.MustCompile(`(\p{Han}{2,16}?)[（(](?:\d{6}\.(?:SH|SZ|SS|HK)|\d{4,5}\.HK|(?:股票代码|证券代码|股票代碼)[：:]?\s*\d{4,6})[）)]`),
		zhEnglish: regexp.MustCompile(`\p{Han}{2,16}(?:公司|集团|企业)[（(]([A-Z][A-Za-z0-9&.,' -]{1,60}?)[）)]`),
		owned:     regexp.MustCompile(`\b(` + capName + `)-(?:owned|backed|controlled) (` + capName + `)`),
		including: regexp.MustCompile(`\b(?:including|includes|include|such as|together with|along with) ((?:` + capName + `)(?:(?:, | and |, and )(?:` + capName + `))*)`),
		item:      regexp.MustCompile(capName),
		zh:        regexp.MustCompile(`(\p{Han}{2,20}?(?:股份有限公司|有限责任公司|有限公司|集团有限公司|科技公司|集团))`),
		agencyOf:  regexp.MustCompile(`\b((?:Ministry|Department|Office) of (?:the )?` + capName + `(?: (?:and|for) ` + capName + `)*)\b`),
		agency:    regexp.MustCompile(`\b(` + capName + ` (?:Authority|Commission|Court|Ministry|Regulator|Tribunal|Inspectorate))\b`),
	}
}

// find returns organisation names that g does not know, each once, in the order of the patterns.
// The patterns run only on the sentences that hold their key words.
func (r *candRules) find(g *Gazetteer, src string, sents []span) []candidate {
	type match struct {
		m    []string
		sent int
	}
	matches := func(re *regexp.Regexp, keys ...string) []match {
		var out []match
		for i, s := range sents {
			text := src[s.start:s.end]
			for _, k := range keys {
				if strings.Contains(text, k) {
					for _, m := range re.FindAllStringSubmatch(text, -1) {
						out = append(out, match{m, i})
					}
					break
				}
			}
		}
		return out
	}
	// near is matches run only on the stretches of a sentence around its key words, for the
	// patterns whose capitalised runs are slow over whole sentences.
	found := wordsAt(src, r.wordKeys) // the offsets of each key word, found once
	cjk := hasCJK(src)
	near := func(re *regexp.Regexp, before, after int, keep func(text string, p int) bool, keys ...string) []match {
		// Every occurrence of a key in the whole text, its stretch kept inside its sentence.
		type win struct{ sent, lo, hi int }
		var wins []win
		for _, k := range keys {
			at, ok := found[k]
			if !ok && !r.wordKeys[k] {
				at = indexes(src, k)
				found[k] = at
			}
			for _, p := range at {
				i := sort.Search(len(sents), func(i int) bool { return sents[i].end > p })
				if i == len(sents) || sents[i].start > p {
					continue
				}
				st := sents[i]
				if keep != nil && !keep(src[st.start:st.end], p-st.start) {
					continue
				}
				lo, hi := wordStretch(src, max(st.start, p-before), min(st.end, p+len(k)+after))
				wins = append(wins, win{i, max(lo, st.start), min(hi, st.end)})
			}
		}
		slices.SortFunc(wins, func(a, b win) int { return a.lo - b.lo })
		var out []match
		for j := 0; j < len(wins); {
			w := wins[j]
			for j++; j < len(wins) && wins[j].sent == w.sent && wins[j].lo <= w.hi; j++ {
				w.hi = max(w.hi, wins[j].hi)
			}
			for _, m := range re.FindAllStringSubmatch(src[w.lo:w.hi], -1) {
				out = append(out, match{m, w.sent})
			}
		}
		return out
	}
	// nearCJK is near for the patterns of Chinese text, which English texts skip.
	nearCJK := func(re *regexp.Regexp, before, after int, keep func(text string, p int) bool, keys ...string) []match {
		if !cjk {
			return nil
		}
		return near(re, before, after, keep, keys...)
	}
	// heading reports, once per sentence, whether it is a heading in title case.
	headings := make([]int8, len(sents))
	heading := func(i int) bool {
		if headings[i] == 0 {
			headings[i] = 2
			if titleCase(src[sents[i].start:sents[i].end]) {
				headings[i] = 1
			}
		}
		return headings[i] == 1
	}
	var out []candidate
	consider := func(name string, sent int, kind string, strong bool) {
		name = strings.TrimSpace(strings.TrimRight(name, ",;:"))
		name = trimLeadingStopwords(name)
		if strings.HasSuffix(name, ".") && !hasLegalSuffix(name) {
			name = strings.TrimSuffix(name, ".")
		}
		if len([]rune(name)) < 2 || g.knows(name) {
			return
		}
		if i := slices.IndexFunc(out, func(c candidate) bool { return c.name == name }); i >= 0 {
			out[i].strong = out[i].strong || strong
			return
		}
		out = append(out, candidate{name: name, sent: sent, kind: kind, strong: strong})
	}
	for _, m := range near(r.suffix, 90, 14, nil, suffixKeys()...) {
		consider(strings.TrimSuffix(m.m[0][:len(m.m[0])-trailingNonWord(m.m[0])], ","), m.sent, KindVendor, true)
	}
	for _, m := range matches(r.owned, "-owned", "-backed", "-controlled") {
		consider(m.m[1], m.sent, KindVendor, false)
		consider(m.m[2], m.sent, KindVendor, false)
	}
	for _, m := range matches(r.including, "includ", "such as") {
		items := r.item.FindAllString(m.m[1], -1)
		// A list beside a vendor the gazetteer knows is a list of companies.
		beside := slices.ContainsFunc(items, func(it string) bool {
			_, ok := g.Resolve(KindVendor, trimLeadingStopwords(it))
			return ok
		})
		for _, it := range items {
			consider(it, m.sent, KindVendor, beside)
		}
	}
	for _, m := range nearCJK(r.zh, 66, 24, nil, "公司", "集团") {
		name := trimZHLead(m.m[1][issuerStart(m.m[1]):])
		if isZHQuantified(name) {
			continue // 一家科技公司, 该集团: a company spoken of, not named
		}
		consider(name, m.sent, KindVendor, true)
	}
	for _, m := range near(r.head, 100, 6, capitalBefore, r.heads...) {
		// Not part of a longer name ("Taiwan Semiconductor Manufacturing"), nor a heading in
		// title case ("Contracting for Certain Telecommunications").
		if m.m[2] != "" || heading(m.sent) {
			continue
		}
		if name := trimLeadingStopwords(afterQualifier(m.m[1])); distinctive(name) {
			consider(name, m.sent, KindVendor, true)
		}
	}
	for _, m := range near(r.appos, 64, 24, commaBefore, r.roles...) {
		// Not "Smith, the company's chief executive", "The Sunnyvale, California-based company",
		// "since May 2019, meaning suppliers".
		if m.m[2] != "" || strings.HasPrefix(m.m[1], "The ") || heading(m.sent) ||
			strings.Contains(m.m[0], "meaning") || !plainName(m.m[1]) {
			continue
		}
		if it := trimLeadingStopwords(afterQualifier(m.m[1])); !isCommonCapital(it) && !strings.Contains(it, " of ") {
			consider(it, m.sent, KindVendor, true)
		}
	}
	for _, m := range nearCJK(r.zhLatin, 150, 40, nil, "、") {
		for _, it := range strings.Split(m.m[1], "、") {
			consider(it, m.sent, KindVendor, true)
		}
	}
	for _, m := range near(r.role, 24, 80, capitalAfter, r.roles...) {
		if heading(m.sent) {
			continue
		}
		for _, it := range r.item.FindAllString(m.m[1], -1) {
			it = trimLeadingStopwords(afterQualifier(it))
			consider(it, m.sent, KindVendor, plainName(it))
		}
	}
	// What only a company has: shares, a chief executive, products it makes.
	owned := append(near(r.owns, 110, 40, ownedAfter, "'s ", "’s "), near(r.makes, 110, 24, nil, ", which ", ", that ")...)
	for _, m := range owned {
		if name := trimLeadingStopwords(afterQualifier(m.m[1])); plainName(name) && !isPlace(name) {
			consider(name, m.sent, KindVendor, true)
		}
	}
	// A stock ticker marks a listed company: "Velmora Systems (NASDAQ: VLM)", 星河电子（688123.SH）.
	for _, m := range near(r.ticker, 120, 24, nil, "(NASDAQ", "(Nasdaq", "(NYSE", "(Nyse", "(HKEX", "(SSE", "(SZSE", "(TSE", "(TWSE",
		"(KRX", "(LSE", "(ASX", "(SGX", "(TYO", "(HKG", "(SHA", "(SHE", ".HK)", ".SS)", ".SH)", ".SZ)", ".T)", ".KS)", ".TW)", ".TWO)") {
		if name := trimLeadingStopwords(afterQualifier(m.m[1])); plainName(name) {
			consider(name, m.sent, KindVendor, true)
		}
	}
	for _, m := range nearCJK(r.zhTicker, 60, 40, nil, ".SH", ".SZ", ".SS", ".HK", "代码", "代碼") {
		if name := trimZHLead(m.m[1][issuerStart(m.m[1]):]); !isZHQuantified(name) {
			consider(name, m.sent, KindVendor, true)
		}
	}
	for _, m := range nearCJK(r.zhEnglish, 60, 90, bracketAfter, "公司", "集团", "企业") {
		consider(strings.TrimSpace(m.m[1]), m.sent, KindVendor, true)
	}
	bodies := near(r.agencyOf, 4, 120, nil, "Ministry", "Department", "Office")
	bodies = append(bodies, near(r.agency, 100, 16, nil, bodyKeys()...)...)
	for _, m := range bodies {
		// A body's name has a word besides its form ("the Commission" is a reference back) and
		// is not a headline run of capitals.
		name := trimLeadingStopwords(m.m[1])
		if n := len(strings.Fields(name)); n < 2 || n > 7 || strings.Contains(name, "'s ") || strings.Contains(name, "’s ") {
			continue
		}
		consider(name, m.sent, KindAgency, true)
	}
	// A name that another holds at its start is the same organisation named more fully:
	// "Norvik Networks" and "Norvik Networks Ltd".
	for i := 0; i < len(out); i++ {
		longer := slices.IndexFunc(out, func(c candidate) bool {
			return c.kind == out[i].kind && strings.HasPrefix(c.name, out[i].name+" ")
		})
		if longer >= 0 {
			out[longer].strong = out[longer].strong || out[i].strong
			out = slices.Delete(out, i, i+1)
			i--
		}
	}
	return out
}

// zhLeads are words that stand before a company's name in a sentence: 同时要求X公司, 因X公司, 对X公司.
var zhLeads = []string{"包括", "涉及", "同时要求", "要求", "责令", "对于", "对", "因", "向", "与", "及", "将", "把", "被", "由", "据", "从", "在", "称", "表示"}

// trimZHLead cuts a Chinese company name after the last lead word in it, while a name of at least
// four characters is left.
func trimZHLead(name string) string {
	for {
		cut := false
		for _, w := range zhLeads {
			if i := strings.Index(name, w); i >= 0 && utf8.RuneCountInString(name[i+len(w):]) >= 6 {
				name, cut = name[i+len(w):], true
			}
		}
		if !cut {
			return name
		}
	}
}

// trailingNonWord counts the bytes of a match's last character when it is not part of the name.
func trailingNonWord(s string) int {
	if s == "" {
		return 0
	}
	c := s[len(s)-1]
	if c == '.' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
		return 0
	}
	return 1
}

// trimLeadingStopwords drops sentence words that precede a name: "The", "While Acme".
func trimLeadingStopwords(name string) string {
	for {
		first, rest, ok := strings.Cut(name, " ")
		if !ok {
			return name
		}
		switch first {
		case "The", "A", "An", "And", "But", "In", "On", "At", "By", "For", "While", "Its", "Their", "His", "Her",
			"Of", "As", "From", "With", "To", "After", "Before", "When", "If", "Both", "Rival", "State", "US", "U.S.":
			name = rest
		default:
			return name
		}
	}
}

// knows reports whether name is, contains or is contained in something the gazetteer knows, or is
// a common word that only looks like a name.
func (g *Gazetteer) knows(name string) bool {
	for _, kind := range []string{KindVendor, KindAgency, KindCountry} {
		if _, ok := g.Resolve(kind, name); ok {
			return true
		}
	}
	nt := normalize(name)
	for _, m := range g.scan(nt, name) {
		if m.pat.group == groupEntity || m.pat.group == groupCountry && m.end-m.start == len(nt.s) {
			return true
		}
	}
	switch strings.ToLower(name) {
	case "reuters", "the", "china", "chinese", "western", "european", "one", "some", "many", "several":
		return true
	}
	return false
}

// hasLegalSuffix reports whether name ends with an abbreviated legal form whose dot belongs to it.
func hasLegalSuffix(name string) bool {
	for _, s := range []string{" Inc.", " Corp.", " Ltd.", " Co.", " S.A.", " N.V.", " L.L.C."} {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// isGeneric reports whether a capitalised word does not by itself name a company: "Advanced
// Technologies", "Chinese Semiconductor", "Critical Systems".
func isGeneric(w string) bool {
	switch w {
	case "Unmanned", "Aircraft", "Weapons", "Surveillance", "Communications", "Telecommunications", "Video", "Network",
		"Computing", "Cloud", "Data", "Mobile", "Wireless", "Satellite", "Space", "Nuclear", "Manufacturing", "Equipment",
		"Infrastructure", "Control", "Power", "Electric", "Battery", "Solar", "Health", "Medical", "Internet", "Online",
		"Social", "Media", "Gaming", "Smart", "Autonomous", "Electronic", "Chip", "Chips", "Connected", "Vehicle",
		"Vehicles", "Strategic", "Sensitive", "Dual-Use", "Controlled", "Restricted", "Trusted", "Secure", "Open":
		return true
	case "Information", "Advanced", "Critical", "Emerging", "Key", "New", "National", "Digital", "Military", "Defense", "Defence", "Export", "Security", "Cyber", "Artificial", "Intelligence", "Foreign", "Global", "Commerce", "American", "Chinese", "European", "Western", "Russian", "Japanese", "Korean", "Taiwanese", "Semiconductor", "Semiconductors", "Technology", "Technologies", "Electronics", "Software", "Systems", "Group", "Holdings", "Energy", "Materials", "Devices", "Telecom", "Networks", "Industries", "Aerospace", "Aviation", "Robotics", "Quantum", "Clean", "Green", "Financial", "State", "Federal", "Public", "Emerging Technology", "Office", "Department", "Ministry", "Bureau", "Agency", "Law", "Regulations", "Rule", "List", "Entity", "The", "Its", "Our", "Their", "This", "These", "Those", "Other", "All", "Some", "Many", "Several", "Two", "Three", "Four", "Five", "Top", "Leading", "Domestic", "Local", "Government", "Act", "Core", "Operational", "Industrial", "Consumer":
		return true
	}
	return false
}

// distinctive reports whether a name ending in an industry word holds a word of its own besides
// generic ones, and more than the industry word: "SJ Semiconductor", not "Chinese Semiconductor".
func distinctive(name string) bool {
	words := strings.Fields(name)
	if len(words) < 2 {
		return false
	}
	for _, w := range words[:len(words)-1] {
		if !isGeneric(w) && !isCommonCapital(w) && w != "of" && w != "&" && w != "de" {
			return true
		}
	}
	return false
}

// isCommonCapital reports whether a capitalised word is a weekday, a month or a generic word
// rather than a name.
func isCommonCapital(w string) bool {
	if isGeneric(w) {
		return true
	}
	switch strings.ToLower(w) {
	case "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
		"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
		"november", "december", "i", "we", "he", "she", "it", "they":
		return true
	}
	return false
}

// isZHQuantified reports whether a Chinese company phrase counts, points or only gives a form
// rather than names: 一家科技公司, 两家集团, 该公司, 某集团, 技术有限公司.
func isZHQuantified(name string) bool {
	r := []rune(name)
	if len(r) < 2 {
		return true
	}
	if strings.ContainsRune("该这那某本其每各此上述", r[0]) {
		return true
	}
	// A form without a name: 技术有限公司, 网络科技公司.
	stem := name
	for _, suf := range []string{"股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "科技公司", "集团", "公司"} {
		stem = strings.TrimSuffix(stem, suf)
	}
	switch stem {
	case "", "技术", "科技", "信息技术", "信息科技", "网络科技", "网络技术", "信息", "网络", "电子", "智能", "数字", "软件":
		return true
	}
	return strings.ContainsRune("一二三四五六七八九十两几多数", r[0]) && strings.ContainsRune("家个些类批", r[1])
}

// afterQualifier cuts a name after its last qualifying word: "Qingdao-owned Bluefin Robotics" is
// Bluefin Robotics.
func afterQualifier(name string) string {
	words := strings.Fields(name)
	for i := len(words) - 1; i >= 0; i-- {
		for _, q := range []string{"-owned", "-backed", "-controlled", "-based", "-listed", "-made", "-linked"} {
			if strings.HasSuffix(words[i], q) {
				return strings.Join(words[i+1:], " ")
			}
		}
	}
	return name
}

// titleCase reports whether a sentence is a heading in title case: most of its longer words
// start with a capital.
func titleCase(sent string) bool {
	words, caps := 0, 0
	for _, w := range strings.Fields(sent) {
		if len(w) < 4 {
			continue
		}
		words++
		if r, _ := utf8.DecodeRuneInString(w); 'A' <= r && r <= 'Z' {
			caps++
		}
	}
	return words >= 4 && caps*10 >= words*7
}

// plainName reports whether a name holds no date word or number: "May 2019" is none.
func plainName(name string) bool {
	for _, w := range strings.Fields(name) {
		if isCommonCapital(w) || strings.Trim(w, "0123456789") == "" {
			return false
		}
	}
	return true
}

// capitalAfter says whether the word at p is followed by a capitalised word ("maker CATL",
// "makers Hisense and Vivo"), where a role word can introduce a name.
func capitalAfter(text string, p int) bool {
	for p < len(text) && isWordByte(text[p]) || p < len(text) && text[p] == '-' {
		p++
	}
	return p+1 < len(text) && text[p] == ' ' && 'A' <= text[p+1] && text[p+1] <= 'Z'
}

// bracketAfter says whether 公司/集团 at p is followed by a bracket: 星图智联公司（Startu Zhilian）.
func bracketAfter(text string, p int) bool {
	_, size := utf8.DecodeRuneInString(text[p:])
	q := p + 2*size // 公司 and 集团 are two characters
	return strings.HasPrefix(text[q:], "（") || strings.HasPrefix(text[q:], "(") ||
		strings.HasPrefix(text[p+size:], "（") || strings.HasPrefix(text[p+size:], "(")
}

// capitalBefore says whether the word at p follows a capitalised word: "Qilin Semiconductor".
func capitalBefore(text string, p int) bool {
	if p < 2 || text[p-1] != ' ' {
		return false
	}
	q := p - 1
	for q > 0 && text[q-1] != ' ' {
		q--
	}
	return 'A' <= text[q] && text[q] <= 'Z' || '0' <= text[q] && text[q] <= '9'
}

// commaBefore says whether a capitalised word and a comma stand at most four words before the
// word at p: "AB InBev, Budweiser's owner", "PowerAir, a Singapore distributor".
func commaBefore(text string, p int) bool {
	lo := max(0, p-48)
	i := strings.LastIndex(text[lo:p], ", ")
	if i < 0 || strings.Count(text[lo+i+2:p], " ") > 4 {
		return false
	}
	q := lo + i
	for q > 0 && text[q-1] != ' ' {
		q--
	}
	return 'A' <= text[q] && text[q] <= 'Z'
}

// isPlace reports whether a capitalised name is a city or region rather than a company:
// "Shenzhen's drones", "Europe's chips".
func isPlace(name string) bool {
	switch name {
	case "Beijing", "Shanghai", "Tianjin", "Chongqing", "Shenzhen", "Guangzhou", "Hangzhou", "Nanjing", "Suzhou", "Chengdu",
		"Wuhan", "Xi'an", "Xiamen", "Qingdao", "Hefei", "Harbin", "Dalian", "Fujian", "Jiangsu", "Zhejiang", "Sichuan":
		return true
	case "Washington", "London", "Brussels", "Moscow", "Tokyo", "Seoul", "Berlin", "Paris", "Taipei", "Hsinchu", "Delhi",
		"New Delhi", "Europe", "Asia", "Africa", "America", "Silicon Valley", "California", "Texas", "New York", "Idaho",
		"Hong Kong", "Macau", "Xinjiang", "Tibet", "Guangdong", "Pentagon", "Kremlin", "Congress", "Parliament",
		"Government", "Ministry", "Department", "Agency", "Commission", "Company", "Group", "Firm":
		return true
	}
	return false
}

// ownedAfter says whether the possessive at p follows a capitalised word and comes shortly before
// something only a company has: "Velmora's shares", "Velmora's security cameras".
func ownedAfter(text string, p int) bool {
	q := p
	for q > 0 && text[q-1] != ' ' {
		q--
	}
	if q == p || !('A' <= text[q] && text[q] <= 'Z') {
		return false
	}
	after := text[p:min(len(text), p+48)]
	for _, w := range strings.Split(ownedWords, "|") {
		if strings.Contains(after, w) {
			return true
		}
	}
	return false
}

// wordsAt returns the offsets of the words of src (runs of ASCII letters and hyphens) that are
// in set, in one pass: cheaper than looking for each of dozens of words in turn.
func wordsAt(src string, set map[string]bool) map[string][]int {
	out := map[string][]int{}
	isLetter := func(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-' }
	for i := 0; i < len(src); {
		if !isLetter(src[i]) {
			i++
			continue
		}
		j := i
		for j < len(src) && isLetter(src[j]) {
			j++
		}
		if w := src[i:j]; set[w] {
			out[w] = append(out[w], i)
		}
		i = j
	}
	return out
}

// suffixKeys are the legal forms that end a company's name.
func suffixKeys() []string {
	return []string{"Inc", "Incorporated", "Corp", "Corporation", "Ltd", "Limited", "LLC", "GmbH", "AG", "plc", "PLC", "Co",
		"Pte", "Sdn", "S.A.", "N.V.", "S.p.A.", "B.V.", "K.K."}
}

// bodyKeys are the words that end a government body's name.
func bodyKeys() []string {
	return []string{"Ministry", "Authority", "Commission", "Court", "Regulator", "Tribunal", "Inspectorate"}
}
