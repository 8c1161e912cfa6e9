// Package corpus generates synthetic bantrack articles for benchmarks: English
// news and Chinese regulators' notices of real lengths, with vendors, agencies
// and countries named in both languages and ban events in some of them. It is
// deterministic for a seed. It must not be used for anything but tests and
// benchmarks, and does no I/O.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/bantrack/bantrack/article"
)

// entity is a canonical name with how the two languages write it.
type entity struct{ name, en, zh string }

func vendors() []entity {
	return []entity{
		{"Micron Technology", "Micron", "美光"}, {"Huawei", "Huawei", "华为"}, {"ZTE", "ZTE", "中兴"},
		{"Fortinet", "Fortinet", "飞塔"}, {"Palo Alto Networks", "Palo Alto Networks", "派拓网络"},
		{"VMware", "VMware", "威睿"}, {"Broadcom", "Broadcom", "博通"}, {"Check Point Software Technologies", "Check Point", "捷邦"},
		{"Nvidia", "Nvidia", "英伟达"}, {"Intel", "Intel", "英特尔"}, {"Apple", "Apple", "苹果公司"},
		{"Qualcomm", "Qualcomm", "高通"}, {"DJI", "DJI", "大疆"}, {"Hikvision", "Hikvision", "海康威视"},
		{"Dahua Technology", "Dahua", "大华股份"}, {"SMIC", "SMIC", "中芯国际"}, {"ByteDance", "ByteDance", "字节跳动"},
		{"TikTok", "TikTok", "抖音国际版"}, {"Lockheed Martin", "Lockheed Martin", "洛克希德·马丁"},
		{"Raytheon", "Raytheon", "雷神公司"}, {"Skydio", "Skydio", "斯凯迪奥"}, {"PVH Group", "PVH", "PVH集团"},
		{"Illumina", "Illumina", "因美纳"}, {"Mandiant", "Mandiant", "麦迪安"}, {"CrowdStrike", "CrowdStrike", "众击"},
		{"Cisco", "Cisco", "思科"}, {"Microsoft", "Microsoft", "微软"}, {"Amazon Web Services", "Amazon Web Services", "亚马逊云科技"},
		{"Kaspersky", "Kaspersky", "卡巴斯基"}, {"360 Security Technology", "Qihoo 360", "奇安信"},
		{"Neusoft", "Neusoft", "东软"}, {"Inspur", "Inspur", "浪潮"}, {"Yangtze Memory Technologies", "YMTC", "长江存储"},
		{"Sugon", "Sugon", "中科曙光"}, {"China Mobile", "China Mobile", "中国移动"}, {"China Telecom", "China Telecom", "中国电信"},
		{"Lenovo", "Lenovo", "联想"}, {"Xiaomi", "Xiaomi", "小米"}, {"Texas Instruments", "Texas Instruments", "德州仪器"},
		{"Analog Devices", "Analog Devices", "亚德诺"},
	}
}

func agencies() []entity {
	return []entity{
		{"Cyberspace Administration of China", "Cyberspace Administration of China", "国家互联网信息办公室"},
		{"Ministry of Industry and Information Technology", "Ministry of Industry and Information Technology", "工业和信息化部"},
		{"Ministry of Commerce of China", "Ministry of Commerce", "商务部"},
		{"State Administration for Market Regulation", "State Administration for Market Regulation", "国家市场监督管理总局"},
		{"Bureau of Industry and Security", "Bureau of Industry and Security", "美国商务部工业与安全局"},
		{"Federal Communications Commission", "Federal Communications Commission", "美国联邦通信委员会"},
		{"Office of Foreign Assets Control", "Office of Foreign Assets Control", "美国财政部外国资产控制办公室"},
		{"Department of Defense", "Pentagon", "美国国防部"},
		{"Cybersecurity Review Office", "Cybersecurity Review Office", "网络安全审查办公室"},
	}
}

func countries() []entity {
	return []entity{
		{"China", "China", "中国"}, {"United States", "United States", "美国"}, {"Israel", "Israel", "以色列"},
		{"Netherlands", "Netherlands", "荷兰"}, {"Japan", "Japan", "日本"}, {"Taiwan", "Taiwan", "台湾"},
		{"South Korea", "South Korea", "韩国"}, {"Germany", "Germany", "德国"}, {"Russia", "Russia", "俄罗斯"},
	}
}

// English vocabulary of news about technology, trade and regulation, most
// frequent first.
const enWords = `the of to and a in that said for on is it with as was by its from at
be have has are an will which would not this their government company companies
market security said percent year new more than but also after china chinese
us u.s. officials people reuters data software network products chips trade
technology week last federal rules export controls national could about been
were they other over into government's ministry regulators firms foreign domestic
review investigation sales revenue quarter analysts shares billion million customers
supply chain equipment semiconductor memory cloud services infrastructure critical
risk risks cybersecurity information systems operators procurement state-owned
agencies department commerce administration statement notice measures policy
policies sanctions tariffs entity list listing restrictions restricted banned ban
approval approvals license licenses applications suppliers manufacturers industry
industries investors earnings forecast outlook growth decline demand prices costs
according told spokesperson comment request declined respond immediately email
friday monday tuesday wednesday thursday month months years earlier later since
while amid tensions between washington beijing relations countries allies partners
announced announcement published issued released document regulation regulations
law laws article articles provisions compliance enforcement penalty penalties fine
fines court ruling appeal lawmakers congress senate bill legislation hearing
military defense intelligence surveillance cameras drones telecom telecommunications
5g networks routers servers firewalls endpoints vulnerabilities breach hackers attack
attacks espionage privacy personal users platform platforms app apps store stores
devices phones smartphones laptops computers processors accelerators artificial
intelligence ai models training research development engineers employees workers
factory factories plant plants production capacity inventory shipments exports imports
sources familiar matter private discussions plans plan expected expects expected
spokesman executive chief officer ceo president minister premier leader visit meeting`

// Chinese vocabulary of regulators' notices and news, most frequent first.
const zhWords = `的 和 在 对 为 是 有 关于 公告 国家 安全 网络安全 审查 产品 企业 公司 依法 根据 规定
办法 管理 信息 数据 关键 基础设施 供应链 风险 维护 保障 实施 开展 工作 发布 部门 有关 相关
中华人民共和国 法律 法规 条例 决定 通知 要求 进行 采购 运营者 服务 技术 市场 监督 调查 处罚
出口 管制 清单 不可靠实体 外国 实体 措施 禁止 限制 交易 投资 进口 境内 境外 个人信息 保护
认证 标准 合规 评估 申报 审批 许可 期限 自 起 施行 日 月 年 本 公布 之日 以下 简称 第 条
依据 国家安全法 网络安全法 数据安全法 反外国制裁法 对外贸易法 出口管制法 会同 联合 共同
研究 认为 存在 严重 问题 隐患 造成 影响 重大 损害 利益 主权 发展 稳定 秩序 健康 推动 促进
高质量 数字 经济 平台 互联网 应用程序 用户 权益 算法 推荐 内容 生态 治理 专项 行动 检查
芯片 半导体 存储器 集成电路 设备 软件 网络 云计算 人工智能 通信 电信 无人机 军工 国防 台湾
地区 军售 违反 一个中国 原则 严重损害 坚决 反对 回应 记者 提问 发言人 表示 指出 强调 称
中方 美方 有关方面 立即 停止 错误 做法 采取 必要 反制 正当 权益 维护 坚定 捍卫 主权 领土`

// enSentences are the shapes of English sentences; {V}, {A}, {C} and {W}
// stand for a vendor, an agency, a country and a few vocabulary words.
func enSentences() []string {
	return []string{
		"{A} said on {D} that it had {W} {V} {W}.",
		"The {W} named {V} and {V2} among {W} that {W}.",
		"{V} shares fell {N} percent after {C} {W} {W}.",
		"Officials in {C} told {W} that {W} {W} {W}, according to a notice seen by reporters.",
		"{V} did not immediately respond to a request for comment.",
		"The measure follows {W} by {A} against {V} over {W} {W}.",
		"Analysts said the {W} could cost {V} about ${N} million in annual {W}.",
		"{C} has {W} {W} {W} {W} since {Y}, when {A} first {W} {V}.",
		"A spokesperson for {A} declined to comment on {W} {W}.",
		"{W} {W} {W} {W} {W} {W} {W} {W} {W} {W} {W} {W}.",
		"{W} {W} {W} {W} {W} {W} {W} {W}, {W} {W} {W} {W} {W}.",
	}
}

// enEvents are sentences of ban news, used in ban-related documents only.
func enEvents() []string {
	return []string{
		"{A} added {V} to the entity list, citing national security concerns and {W} {W}.",
		"The export controls cover {W} {W} sold to {C}, the notice said.",
		"{V} said its supply chain was {W} {W} by the {W}.",
		"Regulators banned the use of {V} products in {W} {W}.",
	}
}

func zhEvents() []string {
	return []string{
		"根据《{W}》《{W}》，{A}决定对{V}在华销售的产品实施网络安全审查。",
		"将{V}、{V2}列入不可靠实体清单，禁止其从事与中国有关的进出口活动。",
		"{A}宣布对{V}采取反制措施。",
	}
}

func zhSentences() []string {
	return []string{
		"{A}于{D}发布{W}{W}，对{V}{W}{W}{W}。",
		"为保障{W}{W}安全，防范{W}{W}造成{W}风险，维护{W}安全。",
		"{A}有关负责人表示，{V}的{W}{W}存在{W}{W}，{C}方面{W}{W}。",
		"{W}{W}{W}{W}{W}{W}{W}{W}{W}{W}。",
		"{W}{W}{W}，{W}{W}{W}{W}{W}{W}{W}{W}。",
		"本{W}自{D}起施行。",
	}
}

// Generator makes articles. It is not safe for concurrent use.
type Generator struct {
	rng      *rand.Rand
	enVocab  []string
	zhVocab  []string
	enZipf   *rand.Zipf
	zhZipf   *rand.Zipf
	vendors  []entity
	agen     []entity
	ctry     []entity
	start    time.Time
	step     time.Duration // publication time between two articles
	cur      []string      // the current document's topic vocabulary
	vendZipf *rand.Zipf
}

// span is the time a corpus covers.
const span = 5 * 365 * 24 * time.Hour

// New returns a generator for seed, for a corpus of about docs articles.
// Articles come in order of publication, a few days' jitter aside, as a
// crawler finds them, spread over five years from 2021.
func New(seed uint64, docs int) *Generator {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	g := &Generator{rng: rng, vendors: vendors(), agen: agencies(), ctry: countries(),
		start: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), step: span / time.Duration(max(1, docs))}
	g.enVocab = append(strings.Fields(enWords), tail(rng, 30000, latinSyllables())...)
	zh := strings.Fields(zhWords)
	g.zhVocab = append(zh, tail(rng, 20000, hanChars(zh))...)
	g.vendZipf = rand.NewZipf(rng, 1.1, 3, uint64(len(g.vendors)-1))
	g.enZipf = rand.NewZipf(rng, 1.07, 2, uint64(len(g.enVocab)-1))
	g.zhZipf = rand.NewZipf(rng, 1.07, 2, uint64(len(g.zhVocab)-1))
	return g
}

func latinSyllables() []string {
	return strings.Fields("ka to ri ne sa mo lu pe vi dan ter gor mil sen bra cor wel ham ton ville berg ford stan ley rex ion ant ova")
}

// hanChars are the distinct characters of words, for rare Chinese words.
func hanChars(words []string) []string {
	seen := map[rune]bool{}
	var out []string
	for _, w := range words {
		for _, r := range w {
			if !seen[r] {
				seen[r] = true
				out = append(out, string(r))
			}
		}
	}
	return out
}

// tail makes n rare words of two to four syllables: names, places, jargon.
func tail(rng *rand.Rand, n int, syl []string) []string {
	out := make([]string, n)
	for i := range out {
		k := 2 + rng.IntN(3)
		var b strings.Builder
		for range k {
			b.WriteString(syl[rng.IntN(len(syl))])
		}
		out[i] = b.String()
	}
	return out
}

// Stats sums what a generator made.
type Stats struct {
	Docs      int
	TextBytes int64 // bytes of title, summary and text
}

// Article returns the i-th article. Chinese ones are about 40 % of all.
func (g *Generator) Article(i int) article.Article {
	zh := g.rng.IntN(10) < 4
	jitter := time.Duration(g.rng.Int64N(int64(72*time.Hour))) - 36*time.Hour
	pub := g.start.Add(time.Duration(i)*g.step + jitter).Truncate(time.Minute)
	nv := 1 + g.rng.IntN(4)
	vs := g.pickVendors(nv)
	as := pick(g.rng, g.agen, 1+g.rng.IntN(2))
	cs := pick(g.rng, g.ctry, 1+g.rng.IntN(3))
	banRelated := g.rng.IntN(10) < 3

	var a article.Article
	if zh {
		g.cur = g.topic(g.zhVocab, g.zhZipf)
	} else {
		g.cur = g.topic(g.enVocab, g.enZipf)
	}
	if zh {
		a.Source = []string{"cac-wxfb", "miit", "mofcom", "samr"}[g.rng.IntN(4)]
		a.Lang = "zh"
		a.URL = fmt.Sprintf("https://%s.example.gov.cn/%s/c_%d.htm", a.Source, pub.Format("2006-01/02"), i)
		a.Title = fmt.Sprintf("关于对%s%s的公告", vs[0].zh, g.zhPhrase(3))
		var ev []string
		if banRelated {
			ev = zhEvents()
		}
		a.Text = g.text(zhSentences(), ev, 600+g.rng.IntN(2400), true, vs, as, cs, pub)
	} else {
		a.Source = []string{"newswire", "reuters", "federal-register"}[g.rng.IntN(3)]
		a.Lang = "en"
		a.URL = fmt.Sprintf("https://%s.example.com/%s/story-%d", a.Source, pub.Format("2006/01/02"), i)
		a.Title = fmt.Sprintf("%s %s %s", vs[0].en, g.enPhrase(4), cs[0].en)
		var ev []string
		if banRelated {
			ev = enEvents()
		}
		a.Text = g.text(enSentences(), ev, 2500+g.rng.IntN(3500), false, vs, as, cs, pub)
	}
	a.ID = article.NewID(a.URL)
	a.Published = pub
	a.Fetched = pub.Add(time.Duration(1+g.rng.IntN(48)) * time.Hour)
	a.Status = article.StatusOK
	for _, v := range vs {
		a.Vendors = append(a.Vendors, v.name)
	}
	for _, x := range as {
		a.Agencies = append(a.Agencies, x.name)
	}
	for _, x := range cs {
		a.Countries = append(a.Countries, x.name)
	}
	a.Dates = []article.DateMention{{Text: pub.Format("2006-01-02"), Date: pub.Format("2006-01-02"), Precision: article.PrecisionDay}}
	if banRelated {
		actions := []string{article.ActionBan, article.ActionRestriction, article.ActionReview, article.ActionInvestigation,
			article.ActionEntityListing, article.ActionSanction, article.ActionLifted}
		a.Ban = article.Ban{Related: true, Score: 0.5 + g.rng.Float64()/2,
			Actions:  []string{actions[g.rng.IntN(len(actions))]},
			Targets:  a.Vendors[:1+g.rng.IntN(len(a.Vendors))],
			Evidence: []string{firstSentence(a.Text)}}
	}
	return a
}

func firstSentence(s string) string {
	if i := strings.IndexAny(s, ".。"); i > 0 {
		return s[:i+1]
	}
	return s
}

// pickVendors draws n distinct vendors, the first ones of the list far more
// often than the last, as a few companies dominate the news.
func (g *Generator) pickVendors(n int) []entity {
	var out []entity
	seen := map[int]bool{}
	for len(out) < n {
		i := int(g.vendZipf.Uint64())
		if !seen[i] {
			seen[i] = true
			out = append(out, g.vendors[i])
		}
	}
	return out
}

func pick(rng *rand.Rand, from []entity, n int) []entity {
	idx := rng.Perm(len(from))[:n]
	out := make([]entity, n)
	for i, j := range idx {
		out[i] = from[j]
	}
	return out
}

// functionWords is how many of the most frequent words any document uses;
// other words come from the document's own topic vocabulary, so that content
// words occur in some documents only, as in real news.
const functionWords = 40

// topicWords is the size of a document's topic vocabulary.
const topicWords = 150

// topic draws a document's vocabulary from the language's distribution.
func (g *Generator) topic(vocab []string, z *rand.Zipf) []string {
	out := make([]string, topicWords)
	for i := range out {
		out[i] = vocab[z.Uint64()]
	}
	return out
}

// word draws a word: a function word, or one of the topic's.
func (g *Generator) word(vocab, topic []string) string {
	if g.rng.IntN(10) < 4 {
		return vocab[g.rng.IntN(functionWords)]
	}
	// Earlier topic words are likelier, which keeps a Zipf-like shape.
	i := int(float64(len(topic)) * g.rng.Float64() * g.rng.Float64())
	return topic[i]
}

func (g *Generator) enPhrase(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = g.word(g.enVocab, g.cur)
	}
	return strings.Join(w, " ")
}

func (g *Generator) zhPhrase(n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(g.word(g.zhVocab, g.cur))
	}
	return b.String()
}

// text fills sentence shapes until about n bytes, paragraphs of a few
// sentences each.
func (g *Generator) text(shapes, events []string, n int, zh bool, vs, as, cs []entity, pub time.Time) string {
	var b strings.Builder
	sentences := 0
	for b.Len() < n {
		s := shapes[g.rng.IntN(len(shapes))]
		if len(events) > 0 && g.rng.IntN(12) == 0 {
			s = events[g.rng.IntN(len(events))]
		}
		s = g.fill(s, zh, vs, as, cs, pub)
		if !zh && len(s) > 0 {
			s = strings.ToUpper(s[:1]) + s[1:]
		}
		b.WriteString(s)
		sentences++
		switch {
		case sentences%5 == 0:
			b.WriteString("\n\n")
		case !zh:
			b.WriteByte(' ')
		}
	}
	return strings.TrimSpace(b.String())
}

// fill replaces the placeholders of a sentence shape.
func (g *Generator) fill(shape string, zh bool, vs, as, cs []entity, pub time.Time) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(shape, '{')
		j := strings.IndexByte(shape, '}')
		if i < 0 || j < i {
			b.WriteString(shape)
			return b.String()
		}
		b.WriteString(shape[:i])
		switch shape[i+1 : j] {
		case "V", "V2":
			b.WriteString(g.name(vs, zh))
		case "A":
			b.WriteString(g.name(as, zh))
		case "C":
			b.WriteString(g.name(cs, zh))
		case "N":
			b.WriteString(strconv.Itoa(1 + g.rng.IntN(900)))
		case "Y":
			b.WriteString(strconv.Itoa(2015 + g.rng.IntN(10)))
		case "D":
			b.WriteString(g.date(pub, zh))
		case "W":
			if zh {
				b.WriteString(g.zhPhrase(1))
			} else {
				b.WriteString(g.enPhrase(1))
			}
		}
		shape = shape[j+1:]
	}
}

func (g *Generator) name(es []entity, zh bool) string {
	e := es[g.rng.IntN(len(es))]
	if zh {
		return e.zh
	}
	return e.en
}

func (g *Generator) date(pub time.Time, zh bool) string {
	d := pub.AddDate(0, 0, -g.rng.IntN(30))
	if zh {
		return fmt.Sprintf("%d年%d月%d日", d.Year(), d.Month(), d.Day())
	}
	return d.Format("January 2, 2006")
}

// TextBytes is the raw size of what an article's text fields hold.
func TextBytes(a article.Article) int64 {
	return int64(len(a.Title) + len(a.Summary) + len(a.Text))
}
