package index

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	porterstemmer "github.com/blevesearch/go-porterstemmer"

	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/internal/corpus"
)

// This file checks phrase search against a brute-force scan of the same
// texts. The scan has its own tokeniser, written from the semantics in
// docs/search.md and not from the analyser: a text is cut into sentences
// (at 。！？ ! ? and line breaks, and at a full stop followed by white space
// or the end, unless the word before it has a full stop inside, as U.S.);
// a sentence is a sequence of units, each a folded, stemmed word or one CJK
// character that knows whether it starts a run of such characters. A
// phrase matches a field when its units stand at consecutive places of one
// sentence and its CJK characters start runs where the document's do (a run
// of the phrase may only begin inside one of the document at the phrase's
// start, and end inside one at its end).

// oUnit is one unit of a sentence.
type oUnit struct {
	s        string
	cjk      bool
	runStart bool
	start    int // byte offsets in the folded text
	end      int
}

func oIsCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || r == 0x30FC || r == 0x3005 || (r >= 0xFF65 && r <= 0xFF9F)
}

func oFoldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0xFF01 && r <= 0xFF5E {
			return r - 0xFEE0
		}
		return r
	}, s)
}

func oAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }

// oSentences cuts text (already width-folded) into sentences of units.
func oSentences(text string) [][]oUnit {
	var out [][]oUnit
	var cur []oUnit
	flush := func() {
		if len(cur) > 0 {
			out = append(out, cur)
		}
		cur = nil
	}
	runeAt := func(i int) rune {
		if i < 0 || i >= len(text) {
			return -1
		}
		r, _ := utf8.DecodeRuneInString(text[i:])
		return r
	}
	runeBefore := func(i int) rune {
		if i <= 0 {
			return -1
		}
		r, _ := utf8.DecodeLastRuneInString(text[:i])
		return r
	}
	wordLike := func(r rune) bool { return r >= 0 && oAlnum(r) && !oIsCJK(r) }
	lastWordEnd, lastWordDot := -1, false
	prevCJK := false
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case oIsCJK(r):
			cur = append(cur, oUnit{s: string(r), cjk: true, runStart: !prevCJK, start: i, end: i + size})
			i += size
			prevCJK = true
			continue
		case oAlnum(r):
			start := i
			var w strings.Builder
			for i < len(text) {
				r, size := utf8.DecodeRuneInString(text[i:])
				ok := false
				switch {
				case oIsCJK(r):
				case oAlnum(r) || r == '_' || unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc):
					ok = true
				case r == '\'' || r == '.' || r == '’':
					ok = wordLike(runeBefore(i)) && wordLike(runeAt(i+size))
				case r == ',':
					b, a := runeBefore(i), runeAt(i+size)
					ok = b >= 0 && a >= 0 && unicode.IsDigit(b) && unicode.IsDigit(a)
				}
				if !ok {
					break
				}
				w.WriteRune(unicode.ToLower(r))
				i += size
			}
			word := w.String()
			lastWordEnd, lastWordDot = i, strings.Contains(word, ".")
			word = strings.TrimSuffix(word, "'s")
			if !strings.HasSuffix(w.String(), "'s") {
				word = strings.TrimSuffix(word, "’s")
			}
			letters := false
			for _, c := range word {
				if c < 128 && unicode.IsLetter(c) || c >= 128 && c != '’' && !unicode.IsDigit(c) {
					letters = true
				}
			}
			if letters {
				word = string(porterstemmer.StemWithoutLowerCasing([]rune(word)))
			}
			if word != "" {
				cur = append(cur, oUnit{s: word, start: start, end: i})
			}
			prevCJK = false
			continue
		}
		switch {
		case r == '\n' || r == '!' || r == '?' || r == '。' || r == '！' || r == '？' || r == '\u2028' || r == '\u2029':
			flush()
		case r == '.':
			next := runeAt(i + 1)
			if (next < 0 || next == ' ' || next == '\t' || next == '\n' || next == '\r' || next == '\f' || next == '\v') && !(lastWordDot && lastWordEnd == i) {
				flush()
			}
		}
		prevCJK = false
		i += size
	}
	flush()
	return out
}

// oDoc is a document as the brute-force scan sees it.
type oDoc struct {
	id        string
	sentences [][]oUnit // of all its fields, none spanning two
	texts     []string  // the folded fields, for sampling
	fieldSent [][][]oUnit
}

func newODoc(a article.Article) *oDoc {
	d := &oDoc{id: a.ID}
	for _, f := range []string{a.Title, a.Summary, a.Text} {
		f = oFoldWidth(f)
		ss := oSentences(f)
		d.texts = append(d.texts, f)
		d.fieldSent = append(d.fieldSent, ss)
		d.sentences = append(d.sentences, ss...)
	}
	return d
}

type oLoc struct{ doc, sent, at int }

// oracle scans documents for phrases.
type oracle struct {
	docs  []*oDoc
	first map[string][]oLoc // unit → where it occurs
}

func newOracle(docs []*oDoc) *oracle {
	o := &oracle{docs: docs, first: map[string][]oLoc{}}
	for di, d := range docs {
		for si, s := range d.sentences {
			for ui, u := range s {
				o.first[u.s] = append(o.first[u.s], oLoc{di, si, ui})
			}
		}
	}
	return o
}

// match returns the ids of the documents holding phrase q.
func (o *oracle) match(q string) []string {
	ss := oSentences(oFoldWidth(q))
	if len(ss) != 1 {
		return nil // no units, or a sentence end inside
	}
	qu := ss[0]
	hit := map[string]bool{}
	for _, l := range o.first[qu[0].s] {
		s := o.docs[l.doc].sentences[l.sent]
		if l.at+len(qu) > len(s) {
			continue
		}
		ok := true
		for j := 1; j < len(qu); j++ {
			u := s[l.at+j]
			if u.s != qu[j].s || qu[j].cjk && u.runStart != qu[j].runStart {
				ok = false
				break
			}
		}
		if ok {
			hit[o.docs[l.doc].id] = true
		}
	}
	out := make([]string, 0, len(hit))
	for id := range hit {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// oracleArticles are the documents of the test: generated articles, the
// labelled articles of the extract tests and the texts of the article
// extraction benchmark.
func oracleArticles(t *testing.T, generated int) []article.Article {
	t.Helper()
	var arts []article.Article
	g := corpus.New(11, generated)
	for i := range generated {
		arts = append(arts, g.Article(i))
	}
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "extract", "*", "*.txt"))
	if len(files) < 40 {
		t.Fatalf("found %d labelled articles; want the extract test sets", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		head, body, _ := strings.Cut(string(b), "\n---\n")
		a := article.Article{ID: "labelled-" + filepath.Base(f), URL: "https://labelled.example/" + filepath.Base(f), Text: body}
		for _, line := range strings.Split(head, "\n") {
			if v, ok := strings.CutPrefix(line, "title: "); ok {
				a.Title = v
			}
			if v, ok := strings.CutPrefix(line, "lang: "); ok {
				a.Lang = v
			}
		}
		arts = append(arts, a)
	}
	f, err := os.Open(filepath.Join("testdata", "article-extraction-benchmark", "ground-truth.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var gt map[string]struct {
		ArticleBody string `json:"articleBody"`
		URL         string `json:"url"`
	}
	if err := json.NewDecoder(zr).Decode(&gt); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(gt))
	for k := range gt {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		arts = append(arts, article.Article{ID: "bench-" + k[:16], URL: gt[k].URL, Text: gt[k].ArticleBody, Lang: "en"})
	}
	return arts
}

// oPhrase is one phrase of the test and why it was chosen.
type oPhrase struct{ kind, q string }

// samplePhrases picks phrases from the documents: spans of 2-5 words and
// 2-8 Chinese characters, spans across a sentence end (as written, and with
// the sentence end taken out), words of one sentence that stand apart, and
// phrases no document holds.
func samplePhrases(docs []*oDoc, n int) []oPhrase {
	rng := rand.New(rand.NewPCG(3, 5))
	var out []oPhrase
	seen := map[string]bool{}
	add := func(kind, q string) {
		if !seen[q] && !strings.ContainsAny(strings.Trim(q, `"`), "\"\\") {
			seen[q] = true
			out = append(out, oPhrase{kind, q})
		}
	}
	quote := func(s string) string { return `"` + s + `"` }
	type sent struct {
		text string
		us   []oUnit
		next []oUnit // the sentence after it in the same field, if any
		nxt  string
	}
	var en, zh []sent
	for _, d := range docs {
		for fi, ss := range d.fieldSent {
			for si, s := range ss {
				st := sent{text: d.texts[fi], us: s}
				if si+1 < len(ss) {
					st.next = ss[si+1]
				}
				words, cjk := 0, 0
				for _, u := range s {
					if u.cjk {
						cjk++
					} else {
						words++
					}
				}
				switch {
				case cjk >= 4:
					zh = append(zh, st)
				case words >= 6 && cjk == 0:
					en = append(en, st)
				}
			}
		}
	}
	per := n / 8
	for k := 0; k < 20*per && len(out) < 2*per; k++ { // English spans of 2-5 words
		s := en[rng.IntN(len(en))]
		l := 2 + rng.IntN(4)
		i := rng.IntN(len(s.us) - l + 1)
		add("en span", quote(s.text[s.us[i].start:s.us[i+l-1].end]))
	}
	for k := 0; k < 20*per && len(out) < 4*per; k++ { // Chinese spans of 2-8 characters in one run
		s := zh[rng.IntN(len(zh))]
		l := 2 + rng.IntN(7)
		i := rng.IntN(len(s.us))
		if i+l > len(s.us) {
			continue
		}
		ok := true
		for j := i; j < i+l; j++ {
			ok = ok && s.us[j].cjk && (j == i || !s.us[j].runStart)
		}
		if !ok {
			continue
		}
		q := s.text[s.us[i].start:s.us[i+l-1].end]
		if k%2 == 0 {
			q = quote(q)
		}
		add("zh span", q)
	}
	for k := 0; k < 40*per && len(out) < 6*per; k++ { // across a sentence end
		all := en
		if k%2 == 1 {
			all = zh
		}
		s := all[rng.IntN(len(all))]
		if len(s.next) == 0 {
			continue
		}
		a, b := 1+rng.IntN(2), 1+rng.IntN(2)
		if a > len(s.us) || b > len(s.next) {
			continue
		}
		left, right := s.us[len(s.us)-a:], s.next[:b]
		if k%4 < 2 {
			add("across, as written", quote(s.text[left[0].start:right[b-1].end]))
			continue
		}
		var parts []string
		for _, u := range append(slices.Clone(left), right...) {
			parts = append(parts, s.text[u.start:u.end])
		}
		sep := " "
		if left[0].cjk && right[0].cjk {
			sep = ""
		}
		add("across, end removed", quote(strings.Join(parts, sep)))
	}
	for k := 0; k < 20*per && len(out) < 7*per; k++ { // words standing apart in one sentence
		s := en[rng.IntN(len(en))]
		i := rng.IntN(len(s.us) - 3)
		j := i + 2 + rng.IntN(len(s.us)-i-2)
		add("apart", quote(s.text[s.us[i].start:s.us[i].end]+" "+s.text[s.us[j].start:s.us[j].end]))
	}
	absent := []string{`"huawei zqxv"`, `"ban 网络安全审查 zzyzx"`, `"审查网络安全"`, `"controls export entity"`, `"list entity"`, `"Micron Palo"`,
		`"网络安全审查办法的"`, `"不可靠实体清单华为"`, `"the the the"`, `"qwertyuiop"`, `"供应链安全审查"`, `"chain supply"`}
	for _, q := range absent {
		add("absent", q)
	}
	for k := 0; len(out) < n && k < 10*n; k++ { // two words of different documents
		a, b := en[rng.IntN(len(en))], en[rng.IntN(len(en))]
		ua, ub := a.us[rng.IntN(len(a.us))], b.us[rng.IntN(len(b.us))]
		add("words of two documents", quote(a.text[ua.start:ua.end]+" "+b.text[ub.start:ub.end]))
	}
	return out
}

// TestPhrasesMatchBruteForce indexes over a thousand documents of real text
// and checks that every sampled phrase finds exactly the documents a
// brute-force scan finds: no false hits, none missed.
func TestPhrasesMatchBruteForce(t *testing.T) {
	arts := oracleArticles(t, 820)
	if len(arts) < 1000 {
		t.Fatalf("%d documents; want at least 1,000", len(arts))
	}
	ix, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	if err := ix.Put(ctx, arts...); err != nil {
		t.Fatal(err)
	}
	docs := make([]*oDoc, len(arts))
	for i, a := range arts {
		docs[i] = newODoc(a)
	}
	o := newOracle(docs)
	phrases := samplePhrases(docs, 400)
	if len(phrases) < 300 {
		t.Fatalf("sampled %d phrases; want at least 300", len(phrases))
	}
	kinds := map[string][2]int{} // phrases, hits
	falseHits, missed, withHits := 0, 0, 0
	for _, p := range phrases {
		want := o.match(p.q)
		res, err := ix.Search(ctx, Request{Query: p.q, Limit: maxLimit})
		if err != nil {
			t.Errorf("search %s: %v", p.q, err)
			continue
		}
		got := sorted(ids(res))
		if int(res.Total) != len(got) {
			t.Errorf("search %s: total %d, %d hits", p.q, res.Total, len(got))
		}
		extra, miss := diff(got, want)
		falseHits += len(extra)
		missed += len(miss)
		if len(extra)+len(miss) > 0 {
			t.Errorf("%s %s: %d hits, brute force %d; false hits %q, missed %q", p.kind, p.q, len(got), len(want), first(extra, 3), first(miss, 3))
		}
		k := kinds[p.kind]
		k[0]++
		k[1] += len(want)
		kinds[p.kind] = k
		if len(want) > 0 {
			withHits++
		}
	}
	var ks []string
	for k, v := range kinds {
		ks = append(ks, fmt.Sprintf("%s %d (%d hits)", k, v[0], v[1]))
	}
	sort.Strings(ks)
	t.Logf("%d documents, %d phrases (%d with hits): %s; %d false hits, %d missed", len(arts), len(phrases), withHits, strings.Join(ks, ", "), falseHits, missed)
	if withHits < 150 {
		t.Errorf("only %d phrases have hits; the sample does not test much", withHits)
	}
}
