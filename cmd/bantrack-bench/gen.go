package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bantrack/bantrack/extract"
)

// name is one gazetteer entity as an English and a Chinese text would write it.
type name struct{ en, zh string }

// names are the vendors and agencies the generated articles talk about, taken from the
// gazetteer so that extract finds them.
type names struct {
	vendors    []name
	agenciesUS []name
	agenciesCN []name
	countries  []name
	en, zh     *vocabulary
}

func loadNames(g *extract.Gazetteer) names {
	conv := func(es []extract.Entity) []name {
		out := make([]name, 0, len(es))
		for _, e := range es {
			n := name{en: e.Name, zh: e.Name}
			for _, a := range e.Aliases {
				if hasHan(a) {
					n.zh = a
					break
				}
			}
			out = append(out, n)
		}
		return out
	}
	ns := names{en: enVocabulary(), zh: zhVocabulary()}
	ns.vendors = conv(g.Entities(extract.KindVendor))
	for _, e := range g.Entities(extract.KindAgency) {
		switch e.Country {
		case "United States":
			ns.agenciesUS = append(ns.agenciesUS, conv([]extract.Entity{e})...)
		case "China":
			ns.agenciesCN = append(ns.agenciesCN, conv([]extract.Entity{e})...)
		}
	}
	ns.countries = conv(g.Entities(extract.KindCountry))
	return ns
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// doc is what a listing needs to know of one generated article; its body is made on demand.
type doc struct {
	n         int // number of the document in the site, 0 first
	zh        bool
	ban       bool
	published time.Time
	vendors   []name
	agency    name
	country   name
	title     string
	summary   string
}

// rng returns the random stream number stream of document n: the same for a seed every time.
func rng(seed uint64, n int, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, uint64(n)<<4|stream))
}

// published is document n's date: the newest is siteLastModified's morning, each older one is
// 37 minutes older.
func published(n int) time.Time {
	return siteLastModified().Add(-time.Hour - time.Duration(n)*37*time.Minute)
}

func (ns names) vocabulary(zh bool) *vocabulary {
	if zh {
		return ns.zh
	}
	return ns.en
}

func (ns names) doc(seed uint64, n int, zh bool) doc {
	r := rng(seed, n, 1)
	d := doc{n: n, zh: zh, ban: r.IntN(5) == 0, published: published(n)}
	for _, i := range r.Perm(len(ns.vendors))[:1+r.IntN(3)] {
		d.vendors = append(d.vendors, ns.vendors[i])
	}
	if zh {
		d.agency = ns.agenciesCN[r.IntN(len(ns.agenciesCN))]
	} else {
		d.agency = ns.agenciesUS[r.IntN(len(ns.agenciesUS))]
	}
	d.country = ns.countries[r.IntN(len(ns.countries))]
	v := ns.vocabulary(zh)
	if d.ban {
		d.title = v.fill(r, pick(r, v.banTitles), d)
	} else {
		d.title = v.fill(r, pick(r, v.titles), d)
	}
	if zh {
		d.summary = fmt.Sprintf("%s有关%s的最新情况。", d.agency.zh, d.vendors[0].zh)
	} else {
		d.summary = fmt.Sprintf("What %s's latest move means for %s and its customers.", d.agency.en, d.vendors[0].en)
	}
	return d
}

// text is the article's main text: paragraphs of 600 to 1,200 English words or 800 to 2,000
// Chinese characters, a third of the sentences of a ban-related document about the ban.
func (ns names) text(seed uint64, d doc) []string {
	r := rng(seed, d.n, 2)
	v := ns.vocabulary(d.zh)
	var paras []string
	var b strings.Builder
	size, target := 0, 600+r.IntN(601)
	if d.zh {
		target = 800 + r.IntN(1201)
	}
	for sentences := 1; size < target; sentences++ {
		var s string
		if d.ban && r.IntN(3) == 0 {
			s = v.fill(r, pick(r, v.banSentences), d)
		} else {
			s = v.fill(r, pick(r, v.sentences), d)
		}
		if d.zh {
			size += utf8.RuneCountInString(s)
		} else {
			size += strings.Count(s, " ") + 1
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
		}
		b.WriteString(s)
		if sentences%(3+r.IntN(3)) == 0 {
			paras = append(paras, b.String())
			b.Reset()
		}
	}
	if b.Len() > 0 {
		paras = append(paras, b.String())
	}
	return paras
}

func pick[T any](r *rand.Rand, from []T) T { return from[r.IntN(len(from))] }

// vocabulary is what one language's articles are made of: words for the slots and the shapes of
// titles and sentences, with and without a ban.
type vocabulary struct {
	zh                                          bool
	subjects, verbs, objects, adjectives, times []string
	titles, banTitles, sentences, banSentences  []string
}

// fill replaces the slots of a sentence shape: {V} {V2} vendors, {A} the agency, {C} a country,
// {D} a date, {N} a number, {O} an object, {S} a subject, {J} an adjective, {T} a time,
// {X} a verb of saying.
func (v *vocabulary) fill(r *rand.Rand, shape string, d doc) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(shape, '{')
		if i < 0 {
			b.WriteString(shape)
			break
		}
		j := strings.IndexByte(shape[i:], '}')
		b.WriteString(shape[:i])
		b.WriteString(v.slot(r, shape[i+1:i+j], d))
		shape = shape[i+j+1:]
	}
	return b.String()
}

func (v *vocabulary) slot(r *rand.Rand, key string, d doc) string {
	lang := func(n name) string {
		if v.zh {
			return n.zh
		}
		return n.en
	}
	switch key {
	case "V":
		return lang(d.vendors[0])
	case "V2":
		return lang(d.vendors[r.IntN(len(d.vendors))])
	case "A":
		return lang(d.agency)
	case "C":
		return lang(d.country)
	case "D":
		t := d.published.AddDate(0, 0, -r.IntN(20))
		if v.zh {
			return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
		}
		return t.Format("January 2, 2006")
	case "N":
		return fmt.Sprint(2 + r.IntN(480))
	case "O":
		return pick(r, v.objects)
	case "S":
		return pick(r, v.subjects)
	case "J":
		return pick(r, v.adjectives)
	case "T":
		return pick(r, v.times)
	case "X":
		return pick(r, v.verbs)
	}
	return key
}

func enVocabulary() *vocabulary {
	return &vocabulary{
		subjects: []string{"Analysts", "Company executives", "Industry groups", "Investors", "People familiar with the matter",
			"Suppliers", "Two former employees", "Customers", "Trade lawyers", "Procurement managers", "Economists"},
		verbs: []string{"said", "expected", "warned", "noted", "estimated", "told reporters", "argued", "wrote in a note"},
		objects: []string{"quarterly revenue", "data centre spending", "chip supply", "cloud contracts", "software licence sales",
			"network equipment orders", "the procurement pipeline", "customer demand", "its product roadmap", "operating margins",
			"the domestic market", "overseas shipments", "memory prices", "research spending", "enterprise renewals",
			"the installed base", "support contracts", "hiring plans", "component inventories", "partner programmes"},
		adjectives: []string{"strong", "weaker", "steady", "modest", "uneven", "higher", "lower", "resilient", "flat", "volatile"},
		times: []string{"in the third quarter", "this year", "since 2021", "over the next two years", "last month",
			"in the first half", "through the end of the year", "for the fiscal year"},
		titles: []string{
			"{V} reports {J} {O} as demand in {C} shifts",
			"{V} and {V2} step up competition for {O}",
			"{S} see {J} {O} at {V} {T}",
			"{V} shares move after update on {O}",
		},
		banTitles: []string{
			"{A} bans {V} equipment from federal networks",
			"{A} adds {V} to Entity List over security concerns",
			"{A} opens investigation into {V} products",
			"US restricts purchases of {V} hardware by government agencies",
		},
		sentences: []string{
			"{V} said on {D} that {O} rose {N} percent {T}, ahead of what {S} had forecast.",
			"{S} {X} that {O} would remain {J} {T}, though much depends on {O}.",
			"Shares of {V} closed {J} after the company reported {O} of ${N} million.",
			"{V} competes with {V2} for {O} and has expanded {O} {T}.",
			"{S} in {C} {X} that {O} was {J} {T}, citing {O} as the main factor.",
			"The figures come as {V} prepares new products for customers in {C}, where {O} has been {J}.",
			"A spokesperson for {V} declined to comment beyond the company's statement on {D}.",
			"{S} {X} the outlook for {O} was {J}, with {O} expected to improve {T}.",
			"The company now counts {N} large customers in {C}, up from a year earlier, and said {O} was {J}.",
			"{V2} did not respond to a request for comment on {O}.",
			"In a call with investors, the chief executive of {V} said {O} and {O} would drive growth {T}.",
		},
		banSentences: []string{
			"{A} said on {D} it would ban {V} equipment from federal networks, citing national security risks.",
			"The {A} added {V} to the Entity List, restricting exports of American technology to the company.",
			"Under the order, government agencies must remove {V} products within {N} days.",
			"{A} opened an investigation into {V} over concerns about data security.",
			"{V} said it was reviewing the decision and would comply with applicable laws.",
		},
	}
}

func zhVocabulary() *vocabulary {
	return &vocabulary{
		zh:       true,
		subjects: []string{"业内人士", "分析人士", "相关企业负责人", "行业协会", "多位受访专家", "市场机构", "投资者"},
		verbs:    []string{"表示", "指出", "认为", "预计", "强调"},
		objects: []string{"营业收入", "数据中心投资", "芯片供应", "云计算业务", "软件许可收入", "网络设备订单", "采购需求",
			"产品路线图", "利润率", "国内市场份额", "海外出货量", "存储价格", "研发投入", "政企客户续约", "零部件库存"},
		adjectives: []string{"稳步增长", "小幅回落", "保持平稳", "明显改善", "波动加大", "持续走强"},
		times:      []string{"今年以来", "第三季度", "上半年", "未来两年", "上个月", "本财年"},
		titles: []string{
			"{V}{T}{O}{J}",
			"{A}召开{O}工作座谈会",
			"关于做好{O}有关工作的通知",
			"{V}与{V2}在{O}领域开展合作",
		},
		banTitles: []string{
			"关于对{V}在华销售产品启动网络安全审查的公告",
			"{A}关于将{V}列入不可靠实体清单的公告",
			"关于禁止关键信息基础设施运营者采购{V}产品的通知",
		},
		sentences: []string{
			"{V}于{D}发布公告称，{T}{O}同比增长{N}%，{O}{J}。",
			"{S}{X}，{O}{T}{J}，{O}有望进一步提升。",
			"{V}与{V2}在{O}领域展开合作，共同推进{O}。",
			"据{C}媒体报道，{V}计划{T}扩大{O}规模，预计投入{N}亿元。",
			"{S}{X}，{O}仍面临一定压力，需要持续关注{O}的变化。",
			"{A}有关负责人在{D}举行的座谈会上介绍了{O}的总体情况。",
			"会议要求，各地要加强{O}统筹，做好{O}相关工作。",
		},
		banSentences: []string{
			"{A}于{D}发布公告，决定对{V}在华销售的产品实施网络安全审查。",
			"{A}决定将{V}列入不可靠实体清单，禁止其从事与中国有关的进出口活动。",
			"根据有关规定，关键信息基础设施运营者应停止采购{V}产品。",
			"{A}有关负责人表示，此举旨在防范产品问题隐患造成网络安全风险，维护国家安全。",
		},
	}
}
