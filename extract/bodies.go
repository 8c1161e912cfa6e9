package extract

import (
	"regexp"
	"slices"
	"strings"
)

// bodyRules find government bodies that the gazetteer cannot list one by one, because they are
// formed from a place or a country and a kind of office: 上海市网信办, 德国联邦内政部, 中国驻法国大使馆,
// Germany's interior ministry, China's embassy in France. They are named in English.
type bodyRules struct {
	local     *regexp.Regexp // 广东省通信管理局, 深圳市市场监督管理局
	ministry  *regexp.Regexp // 法国内政部, 德国联邦内政部
	embassy   *regexp.Regexp // 中国驻法国大使馆, 美国驻华使馆
	ministryE *regexp.Regexp // Germany's Interior Ministry, the Dutch economy ministry, France's Ministry of the Interior
	embassyE  *regexp.Regexp // China's embassy in France, the Embassy of China in Germany
	frAgency  *regexp.Regexp // AGENCY: Bureau of Industry and Security, Commerce.
}

// body is a government body found by form, with its span in the source.
type body struct {
	name       string
	start, end int
	known      bool // a body the gazetteer knows, named in a form it cannot match
}

// chinesePlaces are provinces, regions and cities, with their English names and the level that
// names their bodies ("Guangdong Provincial ...", "Shanghai Municipal ...").
func chinesePlaces() map[string][2]string {
	out := map[string][2]string{}
	for _, p := range strings.Fields("河北:Hebei 山西:Shanxi 辽宁:Liaoning 吉林:Jilin 黑龙江:Heilongjiang 江苏:Jiangsu " +
		"浙江:Zhejiang 安徽:Anhui 福建:Fujian 江西:Jiangxi 山东:Shandong 河南:Henan 湖北:Hubei 湖南:Hunan 广东:Guangdong " +
		"海南:Hainan 四川:Sichuan 贵州:Guizhou 云南:Yunnan 陕西:Shaanxi 甘肃:Gansu 青海:Qinghai") {
		zh, en, _ := strings.Cut(p, ":")
		out[zh] = [2]string{en, "Provincial"}
	}
	for _, p := range strings.Fields("内蒙古:Inner_Mongolia 广西:Guangxi 西藏:Tibet 宁夏:Ningxia 新疆:Xinjiang") {
		zh, en, _ := strings.Cut(p, ":")
		out[zh] = [2]string{strings.ReplaceAll(en, "_", " "), "Regional"}
	}
	for _, p := range strings.Fields("北京:Beijing 上海:Shanghai 天津:Tianjin 重庆:Chongqing 深圳:Shenzhen 广州:Guangzhou " +
		"杭州:Hangzhou 南京:Nanjing 苏州:Suzhou 成都:Chengdu 武汉:Wuhan 西安:Xi'an 厦门:Xiamen 青岛:Qingdao 宁波:Ningbo " +
		"大连:Dalian 沈阳:Shenyang 长沙:Changsha 郑州:Zhengzhou 合肥:Hefei 福州:Fuzhou 济南:Jinan 东莞:Dongguan 佛山:Foshan " +
		"无锡:Wuxi 珠海:Zhuhai 昆明:Kunming 哈尔滨:Harbin 长春:Changchun 石家庄:Shijiazhuang 太原:Taiyuan 南昌:Nanchang " +
		"南宁:Nanning 贵阳:Guiyang 兰州:Lanzhou 乌鲁木齐:Urumqi 海口:Haikou 拉萨:Lhasa 银川:Yinchuan 西宁:Xining " +
		"呼和浩特:Hohhot 温州:Wenzhou 常州:Changzhou 南通:Nantong 徐州:Xuzhou 烟台:Yantai 泉州:Quanzhou 绍兴:Shaoxing") {
		zh, en, _ := strings.Cut(p, ":")
		out[zh] = [2]string{en, "Municipal"}
	}
	return out
}

// localForms are the offices of provinces and cities, longest first, with their English names;
// a leading "-" means the name takes no level ("Shanghai Customs", not "Shanghai Municipal Customs").
func localForms() [][2]string {
	return [][2]string{
		{"互联网信息办公室", "Cyberspace Administration"}, {"网信办", "Cyberspace Administration"},
		{"市场监督管理局", "Administration for Market Regulation"}, {"市场监管局", "Administration for Market Regulation"},
		{"通信管理局", "Communications Administration"},
		{"国家安全厅", "Department of State Security"}, {"国家安全局", "State Security Bureau"},
		{"公安厅", "Department of Public Security"}, {"公安局", "Public Security Bureau"},
		{"商务厅", "Department of Commerce"}, {"商务局", "Commerce Bureau"},
		{"工业和信息化厅", "Department of Industry and Information Technology"}, {"工信厅", "Department of Industry and Information Technology"},
		{"工业和信息化局", "Bureau of Industry and Information Technology"}, {"工信局", "Bureau of Industry and Information Technology"},
		{"经济和信息化厅", "Department of Economy and Information Technology"}, {"经信厅", "Department of Economy and Information Technology"},
		{"发展和改革委员会", "Development and Reform Commission"}, {"发改委", "Development and Reform Commission"},
		{"大数据管理局", "Big Data Administration"}, {"大数据局", "Big Data Administration"}, {"数据局", "Data Administration"},
		{"人民政府", "People's Government"}, {"税务局", "Tax Bureau"},
		{"高级人民法院", "-Higher People's Court"}, {"中级人民法院", "-Intermediate People's Court"},
		{"人民检察院", "-People's Procuratorate"}, {"海关", "-Customs"},
	}
}

// ministryForms are ministries named after a country in Chinese, with their English names.
func ministryForms() [][2]string {
	return [][2]string{
		{"经济和气候保护部", "Ministry for Economic Affairs and Climate Action"}, {"经济事务部", "Ministry of Economic Affairs"},
		{"经济部", "Ministry of Economic Affairs"}, {"内政部", "Ministry of the Interior"}, {"内务部", "Ministry of Home Affairs"},
		{"外交部", "Ministry of Foreign Affairs"}, {"国防部", "Ministry of Defence"}, {"商务部", "Ministry of Commerce"},
		{"贸易部", "Ministry of Trade"}, {"财政部", "Ministry of Finance"}, {"司法部", "Ministry of Justice"},
		{"数字事务部", "Ministry of Digital Affairs"}, {"数字发展部", "Ministry of Digital Affairs"}, {"数位发展部", "Ministry of Digital Affairs"},
		{"通信部", "Ministry of Communications"}, {"工业部", "Ministry of Industry"}, {"交通部", "Ministry of Transport"},
		{"科学和信息通信技术部", "Ministry of Science and ICT"}, {"安全部", "Ministry of Security"},
	}
}

// ministryWordsEN are the English words that name a ministry's field: "interior ministry".
func ministryWordsEN() map[string]string {
	return map[string]string{
		"interior": "Ministry of the Interior", "foreign": "Ministry of Foreign Affairs", "defence": "Ministry of Defence",
		"defense": "Ministry of Defence", "economy": "Ministry of Economic Affairs", "economic affairs": "Ministry of Economic Affairs",
		"economics": "Ministry of Economic Affairs", "digital affairs": "Ministry of Digital Affairs", "digital": "Ministry of Digital Affairs",
		"finance": "Ministry of Finance", "justice": "Ministry of Justice", "trade": "Ministry of Trade", "industry": "Ministry of Industry",
		"communications": "Ministry of Communications", "transport": "Ministry of Transport", "home affairs": "Ministry of Home Affairs",
	}
}

func alternation(words []string) string {
	words = slices.Clone(words)
	slices.SortFunc(words, func(a, b string) int { return len(b) - len(a) })
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return strings.Join(words, "|")
}

// newBodyRules builds the patterns from the gazetteer's countries (Chinese names and English names
// and adjectives are resolved through it).
func newBodyRules(countriesZH []string) *bodyRules {
	var places []string
	for p := range chinesePlaces() {
		places = append(places, p)
	}
	var forms, mins []string
	for _, f := range localForms() {
		forms = append(forms, f[0])
	}
	for _, f := range ministryForms() {
		mins = append(mins, f[0])
	}
	var ens []string
	for w := range ministryWordsEN() {
		ens = append(ens, w)
	}
	countries := alternation(countriesZH)
	capWords := `[A-Z][a-z]+(?: [A-Z][a-z]+)?`
	return &bodyRules{
		local:     regexp.MustCompile(`(` + alternation(places) + `)(省|市|维吾尔自治区|壮族自治区|回族自治区|自治区)?(?:\p{Han}{1,3}?[区县])?(?:人民政府)?(` + alternation(forms) + `)`),
		ministry:  regexp.MustCompile(`(` + countries + `)(联邦)?(` + alternation(mins) + `)`),
		embassy:   regexp.MustCompile(`(` + countries + `)驻(` + countries + `|华)(?:大)?使馆`),
		ministryE: regexp.MustCompile(`\b(?:the )?(` + capWords + `)(?:'s|’s)? (?:([Ff]ederal) )?(?:((?i:` + alternation(ens) + `)) [Mm]inistry|[Mm]inistry of (?:the )?((?i:` + alternation(ens) + `)))\b`),
		frAgency:  regexp.MustCompile(`AGENCY:[^.:]{0,200}?, (Commerce|Treasury|Defense|State|Justice|Energy|Homeland Security|Agriculture|Labor)\.`),
		embassyE:  regexp.MustCompile(`\b(?:(` + capWords + `)(?:'s|’s)? [Ee]mbassy in (?:the )?(` + capWords + `)|Embassy of (?:the )?(` + capWords + `) in (?:the )?(` + capWords + `))`),
	}
}

// find returns the bodies named in src, in the order of the patterns.
func (r *bodyRules) find(g *Gazetteer, src string) []body {
	var out []body
	add := func(name string, loc []int) {
		if _, known := g.Resolve(KindAgency, src[loc[0]:loc[1]]); known {
			return // 美国商务部, 中国外交部: the gazetteer's own
		}
		out = append(out, body{name: name, start: loc[0], end: loc[1]})
	}
	has := func(keys ...string) bool {
		return slices.ContainsFunc(keys, func(k string) bool { return strings.Contains(src, k) })
	}
	if has("局", "厅", "办", "委", "政府", "法院", "检察院", "海关") {
		places, forms := chinesePlaces(), localForms()
		for _, m := range r.local.FindAllStringSubmatchIndex(src, -1) {
			place := places[src[m[2]:m[3]]]
			form := src[m[6]:m[7]]
			i := slices.IndexFunc(forms, func(f [2]string) bool { return f[0] == form })
			en := forms[i][1]
			if strings.HasPrefix(en, "-") {
				add(place[0]+" "+en[1:], m)
				continue
			}
			add(place[0]+" "+place[1]+" "+en, m)
		}
	}
	if has("部") {
		mins := ministryForms()
		for _, m := range r.ministry.FindAllStringSubmatchIndex(src, -1) {
			country, ok := g.Resolve(KindCountry, src[m[2]:m[3]])
			if !ok || country == "China" {
				continue
			}
			form := src[m[6]:m[7]]
			en := mins[slices.IndexFunc(mins, func(f [2]string) bool { return f[0] == form })][1]
			if m[4] >= 0 {
				en = "Federal " + en
			}
			add(en+" ("+country+")", m)
		}
	}
	if has("使馆") {
		for _, m := range r.embassy.FindAllStringSubmatchIndex(src, -1) {
			from, ok1 := g.Resolve(KindCountry, src[m[2]:m[3]])
			in, ok2 := g.Resolve(KindCountry, src[m[4]:m[5]])
			if src[m[4]:m[5]] == "华" {
				in, ok2 = "China", true
			}
			if ok1 && ok2 && from != in {
				add("Embassy of "+from+" in "+in, m)
			}
		}
	}
	// The Federal Register's header names a bureau and its department in one line: "AGENCY: Bureau
	// of Industry and Security, Commerce." is the Department of Commerce too.
	if has("AGENCY:") {
		for _, m := range r.frAgency.FindAllStringSubmatchIndex(src, -1) {
			for _, form := range []string{"Department of ", "Department of the "} {
				if name, ok := g.Resolve(KindAgency, form+src[m[2]:m[3]]); ok {
					out = append(out, body{name: name, start: m[2], end: m[3], known: true})
					break
				}
			}
		}
	}
	if has("inistry") {
		words := ministryWordsEN()
		for _, m := range r.ministryE.FindAllStringSubmatchIndex(src, -1) {
			country, ok := g.Resolve(KindCountry, src[m[2]:m[3]])
			if !ok || country == "China" || country == "United States" {
				continue
			}
			field := ""
			if m[6] >= 0 {
				field = src[m[6]:m[7]]
			} else {
				field = src[m[8]:m[9]]
			}
			en := words[strings.ToLower(field)]
			if m[4] >= 0 {
				en = "Federal " + en
			}
			// The span starts at the ministry's own words, so that the country is still named.
			add(en+" ("+country+")", []int{m[3], m[1]})
		}
	}
	if has("mbassy") {
		for _, m := range r.embassyE.FindAllStringSubmatchIndex(src, -1) {
			a, b := 2, 4
			if m[2] < 0 {
				a, b = 6, 8
			}
			from, ok1 := g.Resolve(KindCountry, src[m[a]:m[a+1]])
			in, ok2 := g.Resolve(KindCountry, src[m[b]:m[b+1]])
			if ok1 && ok2 && from != in {
				add("Embassy of "+from+" in "+in, m)
			}
		}
	}
	// "德国联邦内政部 ... 德国内政部长": one ministry.
	return slices.DeleteFunc(out, func(b body) bool {
		return slices.ContainsFunc(out, func(o body) bool { return o.name == "Federal "+b.name })
	})
}
