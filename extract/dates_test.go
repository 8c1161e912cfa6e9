package extract

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
)

// language lists the strings a regular expression built of literals, character classes, groups,
// alternations and "?" matches in full; ok is false for any other expression.
func language(re *syntax.Regexp) (out []string, ok bool) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return []string{""}, true
	case syntax.OpLiteral:
		return []string{string(re.Rune)}, true
	case syntax.OpCharClass:
		for i := 0; i < len(re.Rune); i += 2 {
			if re.Rune[i+1]-re.Rune[i] > 100 {
				return nil, false
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				out = append(out, string(r))
			}
		}
		return out, true
	case syntax.OpCapture:
		return language(re.Sub[0])
	case syntax.OpQuest:
		sub, ok := language(re.Sub[0])
		return append([]string{""}, sub...), ok
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			l, ok := language(sub)
			if !ok {
				return nil, false
			}
			out = append(out, l...)
		}
		return out, true
	case syntax.OpConcat:
		out = []string{""}
		for _, sub := range re.Sub {
			l, ok := language(sub)
			if !ok {
				return nil, false
			}
			var next []string
			for _, a := range out {
				for _, b := range l {
					next = append(next, a+b)
				}
			}
			out = next
		}
		return out, true
	}
	return nil, false
}

func TestMonthNames(t *testing.T) {
	re, err := syntax.Parse(monthRE, syntax.Perl)
	if err != nil {
		t.Fatal(err)
	}
	names, ok := language(re)
	if !ok || len(names) < 24 {
		t.Fatalf("monthRE reads %d names: %q", len(names), names)
	}
	for _, w := range names {
		if !isMonthName(w) {
			t.Errorf("isMonthName(%q) = false; monthRE reads it", w)
		}
	}
	for _, w := range []string{"ma", "marc", "mayor", "market", "junior", "sepa", "septembers", "novel", "dece", "Jan", ""} {
		if isMonthName(w) {
			t.Errorf("isMonthName(%q) = true; monthRE does not read it", w)
		}
	}
}

// guardStretches are strings to check the rules' can tests on: windows of every labelled text,
// normalised, from each word start, and strings of date-like pieces put together at random.
func guardStretches(t *testing.T) []string {
	t.Helper()
	var out []string
	files := labelledFiles(t)
	held, err := filepath.Glob(filepath.Join("..", "testdata", "extract", "heldout", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range append(files, held...) {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		s := normalize(string(b)).s
		for i := range len(s) {
			if i > 0 && (isWordByte(s[i-1]) || !isWordByte(s[i])) {
				continue
			}
			for _, n := range []int{12, 40} {
				lo, hi := wordStretch(s, i, i+n)
				out = append(out, s[lo:hi])
			}
		}
	}
	pieces := strings.Fields(`2023 2025 1999 114 0 1 3 9 12 21 31 05 20250 - / . , ( ) 年 月 日 号 今年 去年 明年 前年
		上月 上个月 本月 这个月 下月 下个月 昨天 昨日 今天 日前 近日 民国 日期 第 度 内 jan jan. january feb. march mar may
		june jul aug. sept. sep september sepember oct nov. dec december market mayor junior marc st nd th of on in by for
		since until from before after through during early late mid mid- end end- start beginning fiscal last next this
		earlier later the same day that following year month week ago yesterday today monday sunday 周二 星期三 次日 当天
		21 june 3rd of march 12 dec., 2024`)
	pieces = append(pieces, "4 may 2025", "1st of sept. 2025", "9th november, 1999", "in 2024", "mid- 2020",
		"2025/3/7", "2025.03.07", "20251.2.3", "今年4月", "去年 10", "前年1", "114-01-31", "1-2-3", "时间114-1")
	rng := rand.New(rand.NewPCG(14, 17))
	for range 20000 {
		var b strings.Builder
		for j := range 2 + rng.IntN(8) {
			if j > 0 {
				b.WriteString([]string{"", " ", " ", ", ", ". "}[rng.IntN(5)])
			}
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		out = append(out, b.String())
	}
	return out
}

// TestDateGuards checks that a rule's can test never turns down a stretch its regular expression
// matches in: the test only saves time, the output must not change.
func TestDateGuards(t *testing.T) {
	stretches := guardStretches(t)
	for i, rule := range newDateRules().rules {
		if rule.can == nil {
			continue
		}
		// Every string an expression of literals matches, alone and in a sentence.
		own := stretches
		if tree, err := syntax.Parse(rule.re.String(), syntax.Perl); err != nil {
			t.Fatal(err)
		} else if words, ok := language(tree); ok {
			for _, w := range words {
				own = append(own, w, "它说"+w+"起, she said "+w+".")
			}
		}
		matched, turned := 0, 0
		for _, s := range own {
			ok := rule.can(s)
			if rule.re.MatchString(s) {
				matched++
				if !ok {
					t.Errorf("rule %d (%s): can(%q) = false, but it matches", i, rule.re, s)
				}
			} else if !ok {
				turned++
			}
		}
		// The stretches must try the test both ways.
		if matched < 20 || turned < 20 {
			t.Errorf("rule %d (%s): %d stretches match and %d are turned down; want 20 or more of each", i, rule.re, matched, turned)
		}
	}
}

// TestDateRuleWords checks that the word lists the can tests share with the rules are in the
// rules' regular expressions as written.
func TestDateRuleWords(t *testing.T) {
	var exprs []string
	for _, rule := range newDateRules().rules {
		exprs = append(exprs, rule.re.String())
	}
	for _, want := range []string{
		`\b((last|next|this) ` + monthRE + `)\b`,
		`\b(?:in|for|since|by|from|until|during|before|after|through|early|late|mid|mid-|end of|start of|beginning of|end-) (` + monthRE + `)\b`,
		`\b(?:in|since|by|during|until|from|of|early|late|mid|mid-|before|after|through|fiscal|end of|start of|beginning of) ((\d{4}))\b`,
	} {
		regexp.MustCompile(want)
		if !slices.Contains(exprs, want) {
			t.Errorf("no date rule reads %s", want)
		}
	}
}

// anchorsByIndex is what anchors returns, found the simple way: each list's words one by one with
// strings.Index.
func anchorsByIndex(r *dateRules, s string) [][]span {
	out := make([][]span, len(r.lists))
	for l, list := range r.lists {
		for _, word := range list.words {
			latin := 'a' <= word[0] && word[0] <= 'z'
			for from := 0; from < len(s); {
				i := strings.Index(s[from:], word)
				if i < 0 {
					break
				}
				p := from + i
				from = p + len(word)
				if latin && p > 0 && isWordByte(s[p-1]) || list.keep != nil && !list.keep(s, p) {
					continue
				}
				out[l] = append(out[l], span{p, p + len(word)})
			}
		}
	}
	return out
}

func TestDateAnchors(t *testing.T) {
	r := newDateRules()
	texts := guardStretches(t)
	for _, file := range labelledFiles(t) {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, normalize(string(b)).s)
	}
	found := 0
	for _, s := range texts {
		got, want := r.anchors(s), anchorsByIndex(r, s)
		for l := range want {
			found += len(want[l])
			if !slices.Equal(got[l], want[l]) {
				t.Fatalf("anchors(%q) for %q = %v; want %v", s, r.lists[l].words, got[l], want[l])
			}
		}
	}
	if found < 10000 {
		t.Errorf("%d anchors found; want many more to test on", found)
	}
}
