package extract

import (
	"cmp"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/bantrack/bantrack/article"
)

// trigger is a set of phrases that name a ban action.
type trigger struct {
	action  string
	strong  bool // the phrase alone says a measure was taken; weak ones need an actor
	phrases []string
}

// triggerTable lists the ban-action phrases, English and Chinese. Latin phrases match whole words.
func triggerTable() []trigger {
	return []trigger{
		{article.ActionBan, true, []string{
			"ban", "bans", "banned", "banning", "barred", "barring", "bar the use", "prohibit", "prohibits",
			"prohibited", "prohibiting", "prohibition", "stop using", "stopped using", "stop buying",
			"stop purchasing", "stop procuring", "cease using", "phase out", "phased out", "phasing out",
			"bars", "bar", "blacklist", "blacklisted", "rip and replace", "rip-and-replace",
			"excluded from procurement", "excluded from public procurement", "excluded from government procurement",
			"removed from app stores", "removed from the app store", "removed from app store", "pulled from app stores",
			"下架", "排除在采购", "不得参与采购",
			"禁止", "禁用", "停止使用", "不得使用", "停止采购", "不得采购", "禁令", "禁售", "弃用", "全面替换",
			"不得采用", "停止购买", "清退",
			// Directives in the words officials use: "told departments to stop installing", "must not connect".
			"stop installing", "stopped installing", "stop deploying", "stopped deploying", "stop fitting",
			"must not connect", "must not be connected", "must not install", "must not be installed", "must not use",
			"must not be used", "must not buy", "must not procure", "may no longer use", "no longer be used",
			"remove and replace", "removing and replacing", "停止部署", "停止安装", "不得接入", "不得安装", "不得部署", "拆除"}},
		{article.ActionRestriction, true, []string{
			"export controls", "export control", "export restrictions", "export curbs", "licence requirement",
			"license requirement", "license requirements", "license is required", "licence is required",
			"license is now required", "licence is now required", "license will be required", "licence will be required",
			"licenses are required", "licences are required", "need a licence", "need a license", "require a licence",
			"require a license", "requires a license", "requires a licence", "出口管制", "限制使用", "限制采购", "限制出口",
			"revoked the licence", "revoked the license", "revoked its licence", "revoked its license", "revoke the licence",
			"revoke the license", "licence revoked", "license revoked", "revoked the licences", "revoked the licenses",
			"revoking the licence", "revoking the license", "吊销", "撤销许可", "停止新用户注册", "暂停新用户注册"}},
		{article.ActionRestriction, false, []string{
			"restrict", "restricts", "restricted", "restricting", "restriction", "restrictions", "curb",
			"curbs", "curbed", "curbing", "限制", "管控措施", "管制措施"}},
		{article.ActionBan, false, []string{"移除", "remove", "removed", "removing", "ground"}},
		{article.ActionReview, true, []string{
			"cybersecurity review", "cyber security review", "network security review", "national security review",
			"security review", "cfius review", "网络安全审查", "安全审查"}},
		{article.ActionReview, false, []string{"审查", "scrutiny"}},
		{article.ActionInvestigation, true, []string{
			"antitrust investigation", "anti-monopoly investigation", "anti-dumping investigation",
			"anti-trust investigation", "antitrust probe", "anti-monopoly probe", "anti-dumping probe",
			"立案调查", "反垄断调查", "反倾销调查", "反补贴调查", "涉嫌违反"}},
		{article.ActionInvestigation, false, []string{
			"launched an investigation", "opened an investigation", "launched a probe", "opened a probe",
			"investigation into", "probe into", "investigating", "展开调查", "开展调查", "进行调查", "调查"}},
		{article.ActionEntityListing, true, []string{
			"entity list", "unreliable entity list", "military end-user list", "military end user list",
			"covered list", "sdn list", "uflpa entity list", "export control list", "added to the list", "added to a list", "specially designated nationals", "1260h list", "chinese military companies",
			"实体清单", "不可靠实体清单", "出口管制管控名单", "管控名单", "关注名单"}},
		{article.ActionSanction, true, []string{
			"sanction", "sanctions", "sanctioned", "sanctioning", "countermeasure", "countermeasures",
			"制裁", "反制措施", "反制"}},
		{article.ActionSummons, true, []string{
			"summoned", "summons", "summon", "called in executives", "约谈", "被约谈"}},
		{article.ActionLifted, true, []string{
			"lifted the ban", "lift the ban", "lifting the ban", "lifted its ban", "lifted a ban", "lifts the ban",
			"lifted restrictions", "lift restrictions", "lifted sanctions", "lift sanctions", "eased restrictions",
			"removed from the entity list", "removed from the unreliable entity list", "removed from the list",
			"解除禁令", "解除限制", "解除制裁", "解除", "移出", "取消限制", "恢复采购"}},
		// Phrases that contain a trigger word but name no measure; being longer, they hide it.
		{"", false, []string{"限制性条件", "restricted stock", "restricted shares", "without restriction", "without restrictions"}},
	}
}

// Cue kinds: context words around a trigger.
const (
	cueActor     = iota // who takes measures: authorities, regulators, 有关部门
	cueObject           // what measures fall on: software, products, 产品
	cueNegation         // denied, not, 否认
	cueFuture           // tense: will, plans, 将 (for dates without a year)
	cueReference        // refers back to a measure: "the notice", "the list", 名单
	cueList             // introduces the firms a measure covers: "include", "among the firms", 包括, 涉及
	cueDate             // words that dates are written with: month names, "last", 月; date rules run only where these or digits are
	cuePast             // tense: had, previously, 此前 (for dates without a year)
)

type cue struct {
	kind    int
	phrases []string
}

func cueTable() []cue {
	return []cue{
		{cueActor, []string{
			"authorities", "authority", "government", "governments", "regulator", "regulators", "beijing",
			"washington", "officials", "ministry", "lawmakers", "congress", "white house", "commission",
			"state council", "administration", "agency", "agencies", "state-owned enterprises",
			"监管部门", "有关部门", "主管部门", "相关部门", "政府", "当局", "官方", "中方", "美方", "国务院", "监管机构"}},
		{cueObject, []string{
			"software", "products", "product", "equipment", "chips", "chip", "hardware", "gear", "devices",
			"technology", "technologies", "services", "firms", "companies", "vendors", "suppliers",
			"antivirus", "cybersecurity", "memory", "semiconductors", "routers", "cameras", "apps",
			"drones", "aircraft", "handsets", "smartphones", "phones", "components", "modules", "platforms", "applications",
			"无人机", "手机", "部件", "组件", "两用物项", "物项", "技术", "dual-use", "items", "app", "user data", "personal data", "个人信息", "数据安全",
			"软件", "产品", "设备", "芯片", "企业", "厂商", "供应商", "公司", "服务", "网络安全", "系统"}},
		{cueNegation, []string{
			"denied that", "denied it", "denied any", "denied reports", "denies that", "deny that", "not banned", "no ban", "did not ban", "has not banned", "not been banned",
			"no plans to", "rejected reports", "rumour", "rumor", "否认", "并未", "不实", "谣言", "没有禁止"}},
		{cueFuture, []string{
			"will", "would", "plans to", "planned", "preparing", "upcoming", "expected to", "scheduled", "due to", "next",
			// The present tense of a schedule: "the rules come into force on Monday".
			"take effect", "takes effect", "come into force", "comes into force", "come into effect", "comes into effect",
			"go into effect", "goes into effect", "kicks off", "kick off", "is due", "are due", "is set to", "are set to",
			"deadline", "expires", "expire", "have until", "has until", "no later than",
			"将", "拟", "计划", "预计", "即将", "将于"}},
		{cueReference, []string{
			"the notice", "the list", "the order", "the directive", "the instruction", "the measure", "the measures",
			"the ban", "the decision", "the guidance", "the rule", "affected vendors", "affected companies",
			"affected firms", "named in", "on the list", "targeted", "该通知", "通知", "名单", "清单", "该公告", "涉及"}},
		{cueList, []string{
			"include", "includes", "including", "included", "among the firms", "among the companies", "among them",
			"among those", "names", "named", "listed", "covers", "covered", "affected", "such as", "are:",
			// A measure that names no company while others say whom it is aimed at.
			"singled out", "pointed to", "points to", "point to", "aimed at", "seen as targeting", "widely seen as",
			"包括", "涉及", "名单如下", "分别是", "被约谈", "矛头指向", "主要针对", "针对的是"}},
		{cueDate, []string{
			"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
			"november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
			"last", "this", "earlier", "later", "yesterday", "today", "recent", "ago",
			"年", "月", "日", "上月", "上个月", "本月", "这个月", "下月", "下个月", "去年", "今年", "明年", "前年",
			"昨天", "昨日", "今天", "日前", "近日"}},
		{cuePast, []string{"had", "previously", "已于", "此前", "曾于", "曾经", "早前"}},
	}
}

// Thresholds and weights of ban scoring.
const (
	relatedThreshold = 0.6
	maxEvidence      = 3
)

// sentenceFacts is what one sentence holds for ban scoring.
type sentenceFacts struct {
	span
	title       bool
	actions     []string
	strong      bool
	trigger     bool
	agency      bool
	actor       bool
	country     bool
	object      bool
	negation    bool
	future      bool
	dated       bool // holds a digit or a date word
	refers      bool
	lists       bool // introduces a list of firms
	anaphor     bool // refers back to the firms of the sentence before
	triggers    int  // trigger phrases in the sentence
	refTriggers int  // of which "the ban", "this restriction": a measure referred back to
	vendors     []vendorMention
	unknown     []string // vendors the gazetteer lacks, named with strong evidence
	score       float64
}

type vendorMention struct {
	name string
	m    mention
}

func (f *sentenceFacts) computeScore() {
	if !f.trigger {
		return
	}
	s := 0.2
	if f.strong {
		s = 0.45
	}
	switch {
	case f.agency || f.actor:
		s += 0.25
	case f.country:
		s += 0.15
	}
	// "The ban is a headache for X": a measure only referred back to, with nobody taking it,
	// states no measure.
	if f.refTriggers == f.triggers && !(f.agency || f.actor || f.country) {
		s = math.Min(s, 0.2)
	}
	inherent, noObject := false, false
	for _, a := range f.actions {
		if a == article.ActionEntityListing || a == article.ActionSanction || a == article.ActionLifted {
			inherent = true
		}
	}
	switch {
	case len(f.vendors) > 0 || len(f.unknown) > 0:
		s += 0.25
	case f.object:
		s += 0.15
	case inherent:
		s += 0.05
	default:
		noObject = true // a ban of something else: "bans beer sales"
	}
	if !f.strong && !(f.agency || f.actor) {
		s = math.Min(s, relatedThreshold-0.05)
	}
	if f.title {
		s += 0.05
	}
	if noObject {
		s = math.Min(s, relatedThreshold-0.05)
	}
	if f.negation {
		s *= 0.4
	}
	f.score = math.Min(s, 0.99)
}

// banFrom scores the sentences and builds the Ban record.
func banFrom(facts []sentenceFacts, nt normText, src string) article.Ban {
	var b article.Ban
	best := 0.0
	var ev []int
	for i := range facts {
		f := &facts[i]
		f.computeScore()
		if f.score > best {
			best = f.score
		}
		if f.score >= relatedThreshold {
			ev = append(ev, i)
		}
	}
	score := best
	if len(ev) > 1 {
		score += 0.03 * float64(len(ev)-1)
	}
	b.Score = math.Round(math.Min(score, 0.99)*100) / 100
	if best < relatedThreshold {
		return b
	}
	// A summons (约谈, "summoned") with a warning or an order to correct is how regulators
	// discipline a platform over its content; it makes an article about a ban beside a measure of
	// another kind, or when it is about a firm's products, apps or data.
	if !slices.ContainsFunc(ev, func(i int) bool {
		return facts[i].object || slices.ContainsFunc(facts[i].actions, func(a string) bool { return a != article.ActionSummons })
	}) {
		b.Score = math.Min(b.Score, relatedThreshold-0.05)
		return b
	}
	b.Related = true
	// Targets: vendors in any evidence sentence, or in a sentence that refers back to the measure,
	// that are not named as owners or beneficiaries.
	actions := map[string]bool{}
	for i, f := range facts {
		evidence := slices.Contains(ev, i)
		// The measure in one sentence, the firms in the next two: "Companies whose products are
		// covered include A, B and C", "被约谈的企业包括A和B".
		// In a document about a measure, a sentence that lists two or more vendors after a list word
		// ("Four groups are covered: ... Huawei ... ZTE") names its targets wherever it stands.
		follows := f.lists && !f.negation && (slices.Contains(ev, i-1) || slices.Contains(ev, i-2) || slices.Contains(ev, i-3) || len(f.vendors) >= 2)
		if !evidence && !follows && !(f.refers && !f.negation) {
			continue
		}
		for _, a := range f.actions {
			if evidence {
				actions[a] = true
			}
		}
		for _, v := range f.vendors {
			if isOwnerMention(nt, v.m) || isBeneficiary(nt, f.span, v.m) {
				continue
			}
			if !slices.Contains(b.Targets, v.name) {
				b.Targets = append(b.Targets, v.name)
			}
		}
		for _, name := range f.unknown {
			if !slices.Contains(b.Targets, name) {
				b.Targets = append(b.Targets, name)
			}
		}
		// "A, together with B and C, helped ... A licence is now required for these three
		// companies": a measure without firms of its own that refers back takes those of the
		// sentence before it (or the one before that).
		if evidence && f.anaphor && len(f.vendors) == 0 && len(f.unknown) == 0 {
			for j := i - 1; j >= max(0, i-2); j-- {
				p := facts[j]
				if len(p.vendors) == 0 && len(p.unknown) == 0 {
					continue
				}
				for _, v := range p.vendors {
					if !isOwnerMention(nt, v.m) && !isBeneficiary(nt, p.span, v.m) && !slices.Contains(b.Targets, v.name) {
						b.Targets = append(b.Targets, v.name)
					}
				}
				for _, name := range p.unknown {
					if !slices.Contains(b.Targets, name) {
						b.Targets = append(b.Targets, name)
					}
				}
				break
			}
		}
	}
	for _, a := range []string{article.ActionBan, article.ActionRestriction, article.ActionReview,
		article.ActionInvestigation, article.ActionEntityListing, article.ActionSanction, article.ActionSummons, article.ActionLifted} {
		if actions[a] {
			b.Actions = append(b.Actions, a)
		}
	}
	// Evidence: for each action found, strongest first, its best sentence, so the sentence that
	// says "stop buying" is not crowded out by three that say "review"; then the best of the rest;
	// shown in text order.
	byScore := slices.Clone(ev)
	slices.SortStableFunc(byScore, func(a, c int) int { return cmp.Compare(facts[c].score, facts[a].score) })
	var top []int
	for _, a := range []string{article.ActionBan, article.ActionEntityListing, article.ActionSanction,
		article.ActionRestriction, article.ActionSummons, article.ActionLifted, article.ActionInvestigation, article.ActionReview} {
		for _, i := range byScore {
			if len(top) < maxEvidence && slices.Contains(facts[i].actions, a) && !slices.Contains(top, i) {
				top = append(top, i)
				break
			}
		}
	}
	for _, i := range byScore {
		if len(top) < maxEvidence && !slices.Contains(top, i) {
			top = append(top, i)
		}
	}
	slices.Sort(top)
	for _, i := range top {
		b.Evidence = append(b.Evidence, strings.TrimSpace(src[facts[i].start:facts[i].end]))
	}
	return b
}

// isOwnerMention reports whether a vendor is named only as the owner of another: "Broadcom-owned
// VMware", "owned by Broadcom", "博通旗下".
func isOwnerMention(nt normText, m mention) bool {
	after := nt.s[m.end:]
	for _, s := range []string{"-owned", " owned", "-backed", "-controlled", "'s subsidiary", "'s unit", "'s parent", " subsidiary", "旗下", "子公司", "控股的", " deal", " acquisition", " merger", "收购案",
		", the owner of", ", owner of", ", the parent of", ", the parent company of"} {
		if strings.HasPrefix(after, s) {
			return true
		}
	}
	before := nt.s[:m.start]
	for _, s := range []string{"owned by ", "a unit of ", "subsidiary of ", "parent company ", "parent ", "acquired by ", "part of ",
		"母公司", "owner ", "'s owner ",
		"acquisition of ", "acquire ", "acquiring ", "purchase of ", "收购"} {
		if strings.HasSuffix(before, s) {
			return true
		}
	}
	return false
}

// isBeneficiary reports whether a vendor is named as the domestic alternative that gains from a
// measure rather than its target: "in favour of Huawei", "domestic rivals such as Qi An Xin".
func isBeneficiary(nt normText, sent span, m mention) bool {
	lo := sentStartNorm(nt, sent)
	before := nt.s[lo:m.start]
	if len(before) > 80 {
		before = before[len(before)-80:]
	}
	for _, s := range []string{"in favour of", "in favor of", "alternatives such as", "alternatives from", "alternatives like",
		"domestic rivals", "domestic vendors", "domestic suppliers", "domestic firms", "domestic alternatives",
		"local rivals", "local vendors", "local suppliers", "replaced with", "replace them with", "switch to", "switched to",
		"suppliers such as", "suppliers including", "parts from", "chips from", "'s own ", "its own ", "homegrown", "home-grown",
		"domestic champions", "would benefit", "stand to gain", "国产", "替代", "本土厂商", "转而"} {
		if strings.Contains(before, s) {
			return true
		}
	}
	// Network operators told to comply are not the measure's targets: "operators such as A",
	// "A、B和C三家移动网络运营商".
	for _, s := range []string{"operators such as", "operators including", "carriers such as", "carriers including", "operators like"} {
		if strings.Contains(before, s) {
			return true
		}
	}
	// Up to the clause's end: "德国电信、沃达丰和西班牙电信三家移动网络运营商".
	near := nt.s[m.end:min(len(nt.s), m.end+90)]
	if i := strings.IndexAny(near, ",;.，。；"); i >= 0 {
		near = near[:i]
	}
	if i := strings.Index(near, "，"); i >= 0 {
		near = near[:i]
	}
	for _, s := range []string{"运营商", "mobile operators", "network operators", "telecom operators", "carriers"} {
		if strings.Contains(near, s) {
			return true
		}
	}
	// "... include A and B, which could gain business": what follows says they gain.
	hi := min(len(nt.s), m.end+120)
	if i, ok := slices.BinarySearch(nt.off, int32(sent.end)); ok || i < len(nt.off) {
		hi = min(hi, i)
	}
	after := nt.s[m.end:max(m.end, hi)]
	for _, s := range []string{"could gain", "would gain", "stand to gain", "stands to gain", "could benefit", "would benefit",
		"stand to benefit", "受益", "获益"} {
		if strings.Contains(after, s) {
			return true
		}
	}
	return false
}

// sentStartNorm maps a source sentence start to its normalised offset.
func sentStartNorm(nt normText, sent span) int {
	i, _ := slices.BinarySearch(nt.off, int32(sent.start))
	return min(i, len(nt.s))
}

// anaphorRE finds the words with which a sentence refers back to the firms just named: "these
// three companies", "both firms", "the four entities".
func anaphorRE() *regexp.Regexp {
	n := `(?:two|three|four|five|six|seven|eight|nine|ten|\d+)`
	return regexp.MustCompile(`\b(?:(?:these|those|all)(?: ` + n + `)?|both|the ` + n + `) (?:companies|firms|entities)\b`)
}

// refersToFirms reports whether a sentence, in its normalised (lower-case) form, refers back to
// the firms just named.
func refersToFirms(re *regexp.Regexp, sent string) bool {
	for _, w := range []string{"上述企业", "上述公司", "上述实体", "上述单位", "这些企业", "这些公司", "这些实体", "以上企业",
		"以上实体", "两家企业", "两家公司", "三家企业", "三家公司", "四家企业", "四家公司", "这两家", "该两家"} {
		if strings.Contains(sent, w) {
			return true
		}
	}
	if !strings.Contains(sent, "compan") && !strings.Contains(sent, "firm") && !strings.Contains(sent, "entit") {
		return false
	}
	return re.MatchString(sent)
}
