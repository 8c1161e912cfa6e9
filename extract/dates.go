package extract

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bantrack/bantrack/article"
)

// dateRules are the date patterns, matched on normalised text (lower case, half-width digits) in
// this order; a match overlapping an earlier one is dropped, so longer forms win.
type dateRules struct {
	rules []dateRule
	// lists are the rules' distinct need lists (rules that share one share its occurrences), and
	// words finds every word of every list in one pass: words' pattern i is the word of needs[i].
	lists []needList
	words *automaton
	needs []needWord
}

// needList is one need list and the keep of the first rule that has it.
type needList struct {
	words []string
	keep  func(s string, p int) bool
}

// needWord is the word at index word of lists[list].
type needWord struct{ list, word int }

type dateRule struct {
	// The rule runs only on a short stretch around each occurrence of a need word (Latin words
	// where a word starts): reach[0] bytes before it and reach[1] after, widened to whole words.
	// The regular expressions start with alternations that give Go's engine no literal to skip
	// ahead with, so running them over whole texts is slow.
	need  []string
	reach [2]int
	// keep, when set, says whether an occurrence of a need word at p is worth running on.
	keep func(s string, p int) bool
	list int // the index of need in dateRules.lists
	// can, when set, says whether re can match in a stretch s at all: a cheap test run first, that
	// may say true where re finds nothing but never false where it finds something. It checks a
	// part of what re needs: a month name and a number for "may 2, 2025", a month name right
	// after "in" for "in may" (not "may" the verb, not "market").
	can   func(s string) bool
	re    *regexp.Regexp
	group int // the group that holds the date as written: 1, or the one named d
	conv  func(m []string, ctx dateContext) (date string, precision string, ok bool)
}

// dateContext is what resolving a date may need beyond the match itself.
type dateContext struct {
	pub time.Time // zero when unknown: relative dates are then dropped
	// tense says whether the sentence speaks of the future (1: "will", "将", "takes effect") or the
	// past (-1: "had", "此前") before the date; asked only by the rules that need it.
	tense func() int
}

func (c dateContext) future() bool { return c.tense != nil && c.tense() > 0 }
func (c dateContext) past() bool   { return c.tense != nil && c.tense() < 0 }

const monthRE = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`

func newDateRules() *dateRules {
	r := &dateRules{}
	var need []string
	var reach [2]int
	var keep func(s string, p int) bool
	var can func(s string) bool // for the next rule added only
	add := func(expr string, conv func(m []string, ctx dateContext) (string, string, bool)) {
		re := regexp.MustCompile(expr)
		group := max(1, re.SubexpIndex("d"))
		r.rules = append(r.rules, dateRule{need: need, reach: reach, keep: keep, can: can, re: re, group: group, conv: conv})
		can = nil
	}
	digitsThen := func(seps ...string) []string {
		var out []string
		for _, sep := range seps {
			for d := '0'; d <= '9'; d++ {
				out = append(out, string(d)+sep)
			}
		}
		return out
	}
	months := []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
	// Absolute, day precision.
	need, reach = digitsThen("-"), [2]int{4, 8}
	add(`(?:^|[^\d])((\d{4})-(\d{1,2})-(\d{1,2}))(?:[^\d]|$)`, func(m []string, _ dateContext) (string, string, bool) {
		return ymd(m[2], m[3], m[4])
	})
	need, reach, can = digitsThen("/", "."), [2]int{4, 8}, yearThenSeparator
	add(`(?:^|[^\d])((\d{4})[/.](\d{1,2})[/.](\d{1,2}))(?:[^\d.]|\.\D|\.$|$)`, func(m []string, _ dateContext) (string, string, bool) {
		return ymd(m[2], m[3], m[4])
	})
	need, reach = []string{"年"}, [2]int{8, 16}
	can = func(s string) bool { return digitAfter(s, []string{"年"}) && digitAfter(s, []string{"月"}) }
	add(`((\d{4}) ?年 ?(\d{1,2}) ?月 ?(\d{1,2}) ?[日号])`, func(m []string, _ dateContext) (string, string, bool) {
		return ymd(m[2], m[3], m[4])
	})
	need, reach, can = months, [2]int{16, 28}, func(s string) bool { return monthThenNumber(s, 1, 2, nil) }
	add(`\b(`+monthRE+`\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4}))\b`, func(m []string, _ dateContext) (string, string, bool) {
		return ymd(m[4], monthNum(m[2]), m[3])
	})
	need, reach, can = months, [2]int{16, 28}, func(s string) bool { return monthThenNumber(s, 4, 4, dayBefore) }
	add(`\b((\d{1,2})(?:st|nd|rd|th)? (?:of )?`+monthRE+`\.?,? (\d{4}))\b`, func(m []string, _ dateContext) (string, string, bool) {
		return ymd(m[4], monthNum(m[3]), m[2])
	})
	// Absolute, month precision.
	need, reach, can = []string{"年"}, [2]int{8, 16}, func(s string) bool { return digitAfter(s, []string{"年"}) }
	add(`((\d{4}) ?年 ?(\d{1,2}) ?月)`, func(m []string, _ dateContext) (string, string, bool) {
		return ym(m[2], m[3])
	})
	need, reach, can = months, [2]int{16, 28}, func(s string) bool { return monthThenNumber(s, 4, 4, nil) }
	add(`\b(`+monthRE+`\.?,? (\d{4}))\b`, func(m []string, _ dateContext) (string, string, bool) {
		return ym(m[3], monthNum(m[2]))
	})
	// Relative to the publication date, Chinese: 今年4月, 去年10月, 4月21日, 4月.
	relYears := []string{"今年", "去年", "明年", "前年"}
	need, reach, can = []string{"年"}, [2]int{6, 16}, func(s string) bool { return digitAfter(s, relYears) }
	add(`((`+strings.Join(relYears, "|")+`)(\d{1,2}) ?月(?: ?(\d{1,2}) ?[日号])?)`, func(m []string, ctx dateContext) (string, string, bool) {
		if ctx.pub.IsZero() {
			return "", "", false
		}
		y := ctx.pub.Year() + map[string]int{"今年": 0, "去年": -1, "明年": 1, "前年": -2}[m[2]]
		if m[4] != "" {
			return ymd(strconv.Itoa(y), m[3], m[4])
		}
		return ym(strconv.Itoa(y), m[3])
	})
	need, reach, can = []string{"月"}, [2]int{8, 12}, dayMonth
	add(`(?:^|[^\d年.-])((\d{1,2}) ?月(?: ?(\d{1,2}) ?[日号])?)`, func(m []string, ctx dateContext) (string, string, bool) {
		mon, _ := strconv.Atoi(m[2])
		day, _ := strconv.Atoi(m[3])
		y, ok := yearFor(ctx, mon, day)
		if !ok {
			return "", "", false
		}
		if m[3] != "" {
			return ymd(strconv.Itoa(y), m[2], m[3])
		}
		return ym(strconv.Itoa(y), m[2])
	})
	// A day without its month, the way Chinese reports date events after the dateline: 17日,
	// 当地时间22日, and the Taiwanese 今（31）日. Not a span of days (30日内) or an ordinal (第5日).
	// Only a 日 right after a digit or a bracket: most are in dates the rules above took.
	need, reach = []string{"日"}, [2]int{12, 8}
	keep = func(s string, p int) bool {
		if p > 0 && s[p-1] == ' ' {
			p--
		}
		if p > 0 && s[p-1] == ')' {
			return true
		}
		q := p
		for q > 0 && s[q-1] >= '0' && s[q-1] <= '9' {
			q--
		}
		// Not the day of 4月10日 or 2025-02-04日, which the rules above read.
		return q < p && !strings.HasSuffix(s[:q], "月") && !strings.HasSuffix(s[:q], "月 ") && (q == 0 || s[q-1] != '-')
	}
	add(`((?:今|昨) ?\( ?(\d{1,2}) ?\) ?日)`, func(m []string, ctx dateContext) (string, string, bool) {
		return dayOnly(ctx, m[2])
	})
	add(`(?:^|[^\d月.\-/:年第起满至到])((\d{1,2}) ?日)(内|以内|之内|前后)?`, func(m []string, ctx dateContext) (string, string, bool) {
		if m[3] != "" {
			return "", "", false
		}
		return dayOnly(ctx, m[2])
	})
	keep = nil
	// The publication day itself: 自公布之日起施行, "effective immediately".
	need, reach = []string{"之日起", "即日起", "immediate"}, [2]int{12, 24}
	add(`(自(?:公布|发布|發布|印发|公告|发文|签发)之日起|自即日起|effective immediately|with immediate effect|takes? effect immediately|immediately effective)`, func(m []string, ctx dateContext) (string, string, bool) {
		return relative(ctx, "today")
	})
	// Years of the Republic of China (Taiwan): 民國114年1月31日, 114-01-31.
	need, reach = []string{"民国", "民國"}, [2]int{0, 32}
	add(`((?:民国|民國) ?(\d{2,3}) ?年(?: ?(\d{1,2}) ?月(?: ?(\d{1,2}) ?日)?)?)`, func(m []string, _ dateContext) (string, string, bool) {
		y, _ := strconv.Atoi(m[2])
		switch {
		case m[4] != "":
			return ymd(strconv.Itoa(y+1911), m[3], m[4])
		case m[3] != "":
			return ym(strconv.Itoa(y+1911), m[3])
		}
		return yyyy(strconv.Itoa(y + 1911))
	})
	need, reach = []string{"日期", "時間", "时间"}, [2]int{0, 40}
	can = func(s string) bool { return strings.Contains(s, "-") }
	add(`(?:^|[^\d-])((1\d\d)-(\d{1,2})-(\d{1,2}))(?:[^\d-]|$)`, func(m []string, _ dateContext) (string, string, bool) {
		y, _ := strconv.Atoi(m[2])
		return ymd(strconv.Itoa(y+1911), m[3], m[4])
	})
	// Relative, English: "last April", "in April", "on April 3".
	lastNext := []string{"last", "next", "this"}
	need, reach, can = months, [2]int{16, 28}, func(s string) bool { return monthAfter(s, lastNext) }
	add(`\b((`+strings.Join(lastNext, "|")+`) `+monthRE+`)\b`, func(m []string, ctx dateContext) (string, string, bool) {
		if ctx.pub.IsZero() {
			return "", "", false
		}
		mon, _ := strconv.Atoi(monthNum(m[3]))
		y := ctx.pub.Year()
		switch m[2] {
		case "last":
			if mon >= int(ctx.pub.Month()) {
				y--
			}
		case "next":
			if mon <= int(ctx.pub.Month()) {
				y++
			}
		}
		return ym(strconv.Itoa(y), strconv.Itoa(mon))
	})
	need, reach, can = months, [2]int{16, 28}, func(s string) bool { return monthThenNumber(s, 1, 2, nil) }
	// "on April 3", and without a preposition "a notice dated Sept. 20" (but May only after one:
	// may is a verb too), not a dateline ("LONDON, Nov 24 (Wire) -").
	add(`\b((?:on|by|since|until|from|before|after) )?(?P<d>`+monthRE+`\.? (\d{1,2})(?:st|nd|rd|th)?)\b( \(|,? \d|)`, func(m []string, ctx dateContext) (string, string, bool) {
		if m[5] != "" || m[1] == "" && m[3] == "may" {
			return "", "", false
		}
		mon, _ := strconv.Atoi(monthNum(m[3]))
		day, _ := strconv.Atoi(m[4])
		y, ok := yearFor(ctx, mon, day)
		if !ok {
			return "", "", false
		}
		return ymd(strconv.Itoa(y), strconv.Itoa(mon), m[4])
	})
	inMonth := []string{"in", "for", "since", "by", "from", "until", "during", "before", "after", "through", "early", "late",
		"mid", "mid-", "end of", "start of", "beginning of", "end-"}
	need, reach, can = months, [2]int{16, 28}, func(s string) bool { return monthAfter(s, inMonth) }
	add(`\b(?:`+strings.Join(inMonth, "|")+`) (`+monthRE+`)\b`, func(m []string, ctx dateContext) (string, string, bool) {
		mon, _ := strconv.Atoi(monthNum(m[2]))
		y, ok := yearFor(ctx, mon, 0)
		if !ok {
			return "", "", false
		}
		return ym(strconv.Itoa(y), strconv.Itoa(mon))
	})
	// Relative periods.
	need, reach = []string{"last", "this", "next", "earlier", "later", "ago", "yesterday", "today"}, [2]int{12, 12}
	can = func(s string) bool {
		return containsAny(s, []string{"last month", "last year", "this month", "this year", "next month", "next year",
			"a year ago", "yesterday", "today"})
	}
	add(`\b((?:last|this|next) (?:month|year)|earlier this (?:month|year)|later this (?:month|year)|a year ago|yesterday|today)\b`, func(m []string, ctx dateContext) (string, string, bool) {
		return relative(ctx, strings.TrimPrefix(strings.TrimPrefix(m[1], "earlier "), "later "))
	})
	need, reach = []string{"recent", "week"}, [2]int{12, 12}
	add(`\b(in recent days|in recent weeks|earlier this week|this week|last week)\b`, func(m []string, ctx dateContext) (string, string, bool) {
		return recent(ctx)
	})
	need, reach = []string{"月", "年", "昨", "今天", "日前", "近日"}, [2]int{6, 6}
	can = func(s string) bool {
		return containsAny(s, []string{"上月", "上个月", "本月", "这个月", "下月", "下个月", "去年", "今年", "明年", "前年",
			"昨天", "昨日", "今天", "日前", "近日"})
	}
	add(`(上个?月|本月|这个月|下个?月|去年|今年|明年|前年|昨天|昨日|今天|日前|近日)`, func(m []string, ctx dateContext) (string, string, bool) {
		switch m[1] {
		case "上月", "上个月":
			return relative(ctx, "last month")
		case "本月", "这个月":
			return relative(ctx, "this month")
		case "下月", "下个月":
			return relative(ctx, "next month")
		case "去年":
			return relative(ctx, "last year")
		case "今年":
			return relative(ctx, "this year")
		case "明年":
			return relative(ctx, "next year")
		case "前年":
			return relative(ctx, "year before last")
		case "昨天", "昨日":
			return relative(ctx, "yesterday")
		case "今天":
			return relative(ctx, "today")
		}
		return recent(ctx)
	})
	// Weekdays, the way wire stories date events: "said on Sunday", "next Monday", 周二, 星期二.
	need, reach = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}, [2]int{12, 12}
	add(`\b((?:(last|next|this|on|late|early) )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b`, func(m []string, ctx dateContext) (string, string, bool) {
		return weekday(ctx, m[2], weekdayNum(m[3]))
	})
	need, reach = []string{"周", "星期", "礼拜"}, [2]int{6, 6}
	add(`((上|下|本|这)?(?:周|星期|礼拜)([一二三四五六日天]))`, func(m []string, ctx dateContext) (string, string, bool) {
		dir := map[string]string{"上": "last", "下": "next", "本": "this", "这": "this"}[m[2]]
		return weekday(ctx, dir, map[string]int{"日": 0, "天": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}[m[3]])
	})
	need, reach = []string{"上周", "上星期", "本周", "这周", "次日", "翌日", "当天", "当日", "同日"}, [2]int{6, 6}
	add(`(上周|上星期|本周|这周)`, func(m []string, ctx dateContext) (string, string, bool) {
		return recent(ctx)
	})
	// 次日, "the next day": the day after the day-precision date before it (resolved in find).
	add(`(次日|翌日)`, func(m []string, ctx dateContext) (string, string, bool) {
		return "", nextDay, true
	})
	// 当天, 同日, "the same day": the day of the day-precision date before it.
	add(`(当天|当日|同日)(?:[^起]|$)`, func(m []string, ctx dateContext) (string, string, bool) {
		return "", sameDay, true
	})
	need, reach = []string{"day"}, [2]int{16, 8}
	add(`\b(the same day|that day|the next day|the following day|a day later)\b`, func(m []string, ctx dateContext) (string, string, bool) {
		if m[1] == "the same day" || m[1] == "that day" {
			return "", sameDay, true
		}
		return "", nextDay, true
	})
	// Absolute, year precision: 2023年 (not 2023年第1号), "in 2023".
	need, reach, can = []string{"年"}, [2]int{8, 6}, yearEnds
	add(`((\d{4}) ?年)(?:[^第度\d ]|$)`, func(m []string, _ dateContext) (string, string, bool) {
		return yyyy(m[2])
	})
	inYear := []string{"in", "since", "by", "during", "until", "from", "of", "early", "late", "mid", "mid-", "before", "after",
		"through", "fiscal", "end of", "start of", "beginning of"}
	need, reach, can = []string{" 19", " 20"}, [2]int{16, 6}, func(s string) bool { return yearAfter(s, inYear) }
	add(`\b(?:`+strings.Join(inYear, "|")+`) ((\d{4}))\b`, func(m []string, _ dateContext) (string, string, bool) {
		return yyyy(m[2])
	})
	r.indexNeeds()
	return r
}

// indexNeeds fills lists, words and needs from the rules' need lists, and each rule's list.
func (r *dateRules) indexNeeds() {
	index := map[*string]int{}
	var words []string
	for i := range r.rules {
		rule := &r.rules[i]
		l, ok := index[&rule.need[0]]
		if !ok {
			l = len(r.lists)
			index[&rule.need[0]] = l
			r.lists = append(r.lists, needList{words: rule.need, keep: rule.keep})
			for w, word := range rule.need {
				words = append(words, word)
				r.needs = append(r.needs, needWord{list: l, word: w})
			}
		}
		rule.list = l
	}
	r.words = newAutomaton(words)
}

// find returns the dates in nt, each once, in text order. tense reports whether the sentence
// around a normalised offset speaks of the future (1) or the past (-1) before it, or neither (0).
func (r *dateRules) find(nt normText, src string, pub time.Time, tense func(pos int) int) []article.DateMention {
	var all []foundDate
	run := func(rule dateRule, lo, hi int) {
		if rule.can != nil && !rule.can(nt.s[lo:hi]) {
			return
		}
		for _, loc := range rule.re.FindAllStringSubmatchIndex(nt.s[lo:hi], -1) {
			for i := range loc {
				if loc[i] >= 0 {
					loc[i] += lo
				}
			}
			all = addDate(all, rule, loc, nt, src, pub, tense)
		}
	}
	anchors := r.anchors(nt.s)
	for _, rule := range r.rules {
		for _, a := range anchors[rule.list] {
			lo, hi := wordStretch(nt.s, a.start-rule.reach[0], a.end+rule.reach[1])
			run(rule, lo, hi)
		}
	}
	slices.SortFunc(all, func(a, b foundDate) int { return a.start - b.start })
	var out []article.DateMention
	seen := map[string]bool{}
	lastDay := ""
	for _, f := range all {
		if f.dm.Precision == nextDay || f.dm.Precision == sameDay {
			t, err := time.Parse("2006-01-02", lastDay)
			if err != nil {
				continue
			}
			if f.dm.Precision == nextDay {
				t = t.AddDate(0, 0, 1)
			}
			f.dm.Date, f.dm.Precision = t.Format("2006-01-02"), article.PrecisionDay
		}
		if f.dm.Precision == article.PrecisionDay {
			lastDay = f.dm.Date
		}
		k := f.dm.Date + "|" + f.dm.Precision
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, f.dm)
	}
	return out
}

// anchors returns the places to run each need list's rules at: for each list, word by word, the
// occurrences of the word in s that do not overlap an earlier one of the same word, a Latin word
// only where a word starts, and only those the list's keep keeps.
func (r *dateRules) anchors(s string) [][]span {
	type occurrence struct{ need, start int }
	var occ []occurrence
	r.words.find(s, func(h hit) { occ = append(occ, occurrence{h.id, h.start}) })
	// The automaton reports by end; a word's occurrences are then in order of start.
	slices.SortStableFunc(occ, func(a, b occurrence) int { return a.need - b.need })
	out := make([][]span, len(r.lists))
	from := 0
	for i, o := range occ {
		if i == 0 || occ[i-1].need != o.need {
			from = 0
		}
		if o.start < from {
			continue
		}
		n := r.needs[o.need]
		list := r.lists[n.list]
		word := list.words[n.word]
		from = o.start + len(word)
		latin := 'a' <= word[0] && word[0] <= 'z'
		if latin && o.start > 0 && isWordByte(s[o.start-1]) {
			continue // "mar" in "market": the rules want a word that starts here
		}
		if list.keep != nil && !list.keep(s, o.start) {
			continue
		}
		out[n.list] = append(out[n.list], span{o.start, o.start + len(word)})
	}
	return out
}

// nextDay and sameDay mark a 次日 or 当天 until find resolves it against the date before it.
const (
	nextDay = "next-day"
	sameDay = "same-day"
)

type foundDate struct {
	rule       *regexp.Regexp
	start, end int
	dm         article.DateMention
}

// addDate converts one match and appends it, unless it overlaps a date found by an earlier rule.
func addDate(all []foundDate, rule dateRule, loc []int, nt normText, src string, pub time.Time, tense func(pos int) int) []foundDate {
	s, e := loc[2*rule.group], loc[2*rule.group+1] // the date as written
	if s < 0 {
		return all
	}
	for i, f := range all {
		if s < f.end && f.start < e {
			// The same rule, run on another stretch, may see more of a date that a stretch's
			// end cut off ("3月" of "3月13日"): the longer match replaces the shorter.
			if f.rule == rule.re && s <= f.start && e >= f.end && e-s > f.end-f.start {
				all = slices.Delete(all, i, i+1)
				return addDate(all, rule, loc, nt, src, pub, tense)
			}
			return all
		}
	}
	m := make([]string, len(loc)/2)
	for i := range m {
		if loc[2*i] >= 0 {
			m[i] = nt.s[loc[2*i]:loc[2*i+1]]
		}
	}
	ctx := dateContext{pub: pub}
	if !pub.IsZero() && tense != nil {
		t, done := 0, false
		ctx.tense = func() int {
			if !done {
				t, done = tense(s), true
			}
			return t
		}
	}
	d, p, ok := rule.conv(m, ctx)
	if !ok {
		return all
	}
	text := strings.TrimSpace(src[nt.off[s]:nt.off[e]])
	return append(all, foundDate{rule.re, s, e, article.DateMention{Text: text, Date: d, Precision: p}})
}

func ymd(y, m, d string) (string, string, bool) {
	yi, _ := strconv.Atoi(y)
	mi, _ := strconv.Atoi(m)
	di, _ := strconv.Atoi(d)
	if yi < 1900 || yi > 2100 || mi < 1 || mi > 12 || di < 1 {
		return "", "", false
	}
	t := time.Date(yi, time.Month(mi), di, 0, 0, 0, 0, time.UTC)
	if t.Day() != di {
		return "", "", false
	}
	return t.Format("2006-01-02"), article.PrecisionDay, true
}

func ym(y, m string) (string, string, bool) {
	yi, _ := strconv.Atoi(y)
	mi, _ := strconv.Atoi(m)
	if yi < 1900 || yi > 2100 || mi < 1 || mi > 12 {
		return "", "", false
	}
	return fmt.Sprintf("%04d-%02d", yi, mi), article.PrecisionMonth, true
}

func yyyy(y string) (string, string, bool) {
	yi, _ := strconv.Atoi(y)
	if yi < 1900 || yi > 2100 {
		return "", "", false
	}
	return fmt.Sprintf("%04d", yi), article.PrecisionYear, true
}

// monthNum maps an English month name or abbreviation to its number, as a string.
func monthNum(name string) string {
	name = strings.TrimSuffix(name, ".")
	for i, m := range []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"} {
		if strings.HasPrefix(name, m) {
			return strconv.Itoa(i + 1)
		}
	}
	return "0"
}

// yearFor gives a month (and day, when day > 0) named without a year its year: in a sentence
// about the future the earliest such date not before publication, in one about the past the
// latest not after it. Otherwise the date is taken as coming when it lies at most three months
// after publication ("kicks off on May 13" in an April story, "on January 5" in a December one),
// and as past when not ("revoked its licence in January" in a September story).
func yearFor(ctx dateContext, month, day int) (int, bool) {
	if ctx.pub.IsZero() || month < 1 || month > 12 || day < 0 || day > 31 {
		return 0, false
	}
	p := ctx.pub
	// Days from publication; a month alone stands for its middle day and the publication's own
	// month is never after it.
	at := func(y int) int {
		d, pd := day, p.Day()
		if day == 0 {
			d, pd = 15, 15
		}
		t := time.Date(y, time.Month(month), d, 0, 0, 0, 0, time.UTC)
		return int(t.Sub(time.Date(p.Year(), p.Month(), pd, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	}
	y := p.Year()
	switch {
	case ctx.future():
		if at(y) < 0 {
			y++
		}
	case ctx.past():
		if at(y) > 0 {
			y--
		}
	case at(y+1) > 0 && at(y+1) <= 92:
		y++
	case at(y) > 92:
		y--
	}
	return y, true
}

// dayOnly dates a day written without its month (17日, 当地时间22日, 今（31）日): in the month of
// publication, or the month before when the day lies after the publication's day (unless the
// sentence speaks of the future).
func dayOnly(ctx dateContext, day string) (string, string, bool) {
	d, _ := strconv.Atoi(day)
	if ctx.pub.IsZero() || d < 1 || d > 31 {
		return "", "", false
	}
	first := time.Date(ctx.pub.Year(), ctx.pub.Month(), 1, 0, 0, 0, 0, time.UTC)
	if d > ctx.pub.Day() && !ctx.future() {
		first = first.AddDate(0, -1, 0)
	}
	return ymd(strconv.Itoa(first.Year()), strconv.Itoa(int(first.Month())), day)
}

// weekdayNum maps an English weekday name to time.Weekday, -1 when it is none.
func weekdayNum(name string) int {
	for i, d := range []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"} {
		if name == d {
			return i
		}
	}
	return -1
}

// weekday resolves a weekday named without a date against the publication's local day: the
// latest such day on or before it ("said on Sunday"), or, for "next" and in a sentence about the
// future, the earliest on or after it. "last Monday" is the one before the publication's week day.
func weekday(ctx dateContext, dir string, wd int) (string, string, bool) {
	if ctx.pub.IsZero() || wd < 0 || wd > 6 {
		return "", "", false
	}
	p := ctx.pub
	day := time.Date(p.Year(), p.Month(), p.Day(), 0, 0, 0, 0, time.UTC)
	back := (int(p.Weekday()) - wd + 7) % 7
	switch {
	case dir == "next" || (ctx.future() && dir != "last"):
		fwd := (wd - int(p.Weekday()) + 7) % 7
		if dir == "next" && fwd == 0 {
			fwd = 7
		}
		day = day.AddDate(0, 0, fwd)
	case dir == "last" && back == 0:
		day = day.AddDate(0, 0, -7)
	default:
		day = day.AddDate(0, 0, -back)
	}
	return day.Format("2006-01-02"), article.PrecisionDay, true
}

// relative resolves a period named relative to publication.
func relative(ctx dateContext, what string) (string, string, bool) {
	if ctx.pub.IsZero() {
		return "", "", false
	}
	p := ctx.pub
	firstOfMonth := time.Date(p.Year(), p.Month(), 1, 0, 0, 0, 0, time.UTC)
	switch what {
	case "last month":
		return firstOfMonth.AddDate(0, -1, 0).Format("2006-01"), article.PrecisionMonth, true
	case "this month":
		return firstOfMonth.Format("2006-01"), article.PrecisionMonth, true
	case "next month":
		return firstOfMonth.AddDate(0, 1, 0).Format("2006-01"), article.PrecisionMonth, true
	case "last year", "a year ago":
		return strconv.Itoa(p.Year() - 1), article.PrecisionYear, true
	case "this year":
		return strconv.Itoa(p.Year()), article.PrecisionYear, true
	case "next year":
		return strconv.Itoa(p.Year() + 1), article.PrecisionYear, true
	case "year before last":
		return strconv.Itoa(p.Year() - 2), article.PrecisionYear, true
	case "yesterday":
		return p.AddDate(0, 0, -1).Format("2006-01-02"), article.PrecisionDay, true
	case "today":
		return p.Format("2006-01-02"), article.PrecisionDay, true
	}
	return "", "", false
}

// recent resolves "in recent days", "日前" and the like to the month of publication, when the
// publication is far enough into its month for the recent days to lie in it.
func recent(ctx dateContext) (string, string, bool) {
	if ctx.pub.IsZero() || ctx.pub.Day() <= 7 {
		return "", "", false
	}
	return ctx.pub.Format("2006-01"), article.PrecisionMonth, true
}

// monthThenNumber reports whether s holds a month name (as monthRE reads it) as a whole word,
// followed by an optional ".", an optional "," and a space and a number of lo to hi digits (the
// day or the year of the rules of dates with numbers), and with what before says before it when
// before is not nil.
func monthThenNumber(s string, lo, hi int, before func(s string) bool) bool {
	return monthWord(s, func(i, j int) bool {
		t := strings.TrimPrefix(strings.TrimPrefix(s[j:], "."), ",")
		if t == "" || t[0] != ' ' {
			return false
		}
		n := digitsAt(t, 1)
		return lo <= n && n <= hi && (before == nil || before(s[:i]))
	})
}

// dayBefore reports whether s ends with a day number, maybe with st, nd, rd or th, maybe with
// "of", and a space: what comes before the month in "25 March 2022" and "1st of June 2017".
func dayBefore(s string) bool {
	s, ok := strings.CutSuffix(s, " ")
	if !ok {
		return false
	}
	if strings.HasSuffix(s, " of") {
		return true
	}
	for _, suffix := range []string{"st", "nd", "rd", "th"} {
		s = strings.TrimSuffix(s, suffix)
	}
	return s != "" && '0' <= s[len(s)-1] && s[len(s)-1] <= '9'
}

// monthAfter reports whether s holds a month name as a whole word right after one of words and a
// space.
func monthAfter(s string, words []string) bool {
	return monthWord(s, func(i, _ int) bool { return endsWithWord(s[:i], words) })
}

// monthWord reports whether ok holds for a month name written in s as a whole word, s[i:j].
func monthWord(s string, ok func(i, j int) bool) bool {
	for i := 0; i < len(s); {
		if !isWordByte(s[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && isWordByte(s[j]) {
			j++
		}
		if isMonthName(s[i:j]) && ok(i, j) {
			return true
		}
		i = j
	}
	return false
}

// isMonthName reports whether w is one of the month names and abbreviations monthRE reads.
func isMonthName(w string) bool {
	switch w {
	case "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june", "jul", "july",
		"aug", "august", "sep", "sept", "sepember", "september", "oct", "october", "nov", "november", "dec", "december":
		return true
	}
	return false
}

// yearAfter reports whether s holds a four-digit number as a whole word right after one of words
// and a space.
func yearAfter(s string, words []string) bool {
	for i := 0; i+4 <= len(s); i++ {
		if (i == 0 || !isWordByte(s[i-1])) && (i+4 == len(s) || !isWordByte(s[i+4])) &&
			isDigits(s[i:i+4]) && endsWithWord(s[:i], words) {
			return true
		}
	}
	return false
}

// digitsAt returns the number of digits in a row at s[i:].
func digitsAt(s string, i int) int {
	n := 0
	for i+n < len(s) && '0' <= s[i+n] && s[i+n] <= '9' {
		n++
	}
	return n
}

// yearThenSeparator reports whether s holds four digits followed by "/" or "." and a digit, as
// in 2025/3/7 and 2025.03.07.
func yearThenSeparator(s string) bool {
	for i := 0; i+6 <= len(s); i++ {
		if isDigits(s[i:i+4]) && (s[i+4] == '/' || s[i+4] == '.') && '0' <= s[i+5] && s[i+5] <= '9' {
			return true
		}
	}
	return false
}

// digitAfter reports whether s holds one of words followed by a digit, or by a space and a digit.
func digitAfter(s string, words []string) bool {
	for _, w := range words {
		for from := 0; ; {
			i := strings.Index(s[from:], w)
			if i < 0 {
				break
			}
			from += i + len(w)
			if t := strings.TrimPrefix(s[from:], " "); digitsAt(t, 0) > 0 {
				return true
			}
		}
	}
	return false
}

// dayMonth reports whether s holds 月 after one or two digits (and maybe a space) that start s or
// follow a character other than a digit, 年, "." or "-": a month without its year, as in 4月21日.
func dayMonth(s string) bool {
	for from := 0; ; {
		i := strings.Index(s[from:], "月")
		if i < 0 {
			return false
		}
		q := from + i
		from = q + len("月")
		if q > 0 && s[q-1] == ' ' {
			q--
		}
		p := q
		for p > 0 && '0' <= s[p-1] && s[p-1] <= '9' {
			p--
		}
		if n := q - p; n >= 1 && n <= 2 && !strings.HasSuffix(s[:p], "年") && !strings.HasSuffix(s[:p], ".") && !strings.HasSuffix(s[:p], "-") {
			return true
		}
	}
}

// yearEnds reports whether s holds 年 followed by nothing or by a character other than 第, 度, a
// digit or a space: 2023年 as a year, not 2023年第1号, 2024年度 or 2023年5月.
func yearEnds(s string) bool {
	for from := 0; ; {
		i := strings.Index(s[from:], "年")
		if i < 0 {
			return false
		}
		from += i + len("年")
		t := s[from:]
		if t == "" || !strings.HasPrefix(t, "第") && !strings.HasPrefix(t, "度") && t[0] != ' ' && !('0' <= t[0] && t[0] <= '9') {
			return true
		}
	}
}

// containsAny reports whether s holds one of words.
func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// endsWithWord reports whether s ends with one of words and a space.
func endsWithWord(s string, words []string) bool {
	if !strings.HasSuffix(s, " ") {
		return false
	}
	s = s[:len(s)-1]
	for _, w := range words {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	return false
}

// wordStretch clamps [lo, hi) to s and widens it to whole words (by at most 24 bytes each way) and
// whole characters, so that \b and (?:^|\D) at its ends mean what they mean in s.
func wordStretch(s string, lo, hi int) (int, int) {
	lo, hi = max(0, lo), min(len(s), hi)
	for n := 0; lo > 0 && n < 24 && (isWordByte(s[lo-1]) || !utf8.RuneStart(s[lo])); n++ {
		lo--
	}
	for lo > 0 && !utf8.RuneStart(s[lo]) {
		lo--
	}
	for n := 0; hi < len(s) && n < 24 && (isWordByte(s[hi]) || !utf8.RuneStart(s[hi])); n++ {
		hi++
	}
	for hi < len(s) && !utf8.RuneStart(s[hi]) {
		hi++
	}
	return lo, hi
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
