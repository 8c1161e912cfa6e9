package extract

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// bodyRules find government bodies that the gazetteer cannot list one by one, because they are
// formed from a place or a country and a kind of office: 上海市网信办, 德国联邦内政部, 中国驻法国大使馆,
// Germany's interior ministry, China's embassy in France. They are named in English.
type bodyRules struct {
	countriesZH []string // the Chinese names of countries, longest first
	places      map[string][2]string
	forms       [][2]string
	mins        [][2]string
	byLast      map[rune][]string // the office words of forms, mins and 使馆 by their last character
	ministryE   *regexp.Regexp    // Germany's Interior Ministry, the Dutch economy ministry, France's Ministry of the Interior
	embassyE    *regexp.Regexp    // China's embassy in France, the Embassy of China in Germany
	frAgency    *regexp.Regexp    // AGENCY: Bureau of Industry and Security, Commerce.
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
	var ens []string
	for w := range ministryWordsEN() {
		ens = append(ens, w)
	}
	zh := slices.Clone(countriesZH)
	slices.SortFunc(zh, func(a, b string) int { return len(b) - len(a) })
	capWords := `[A-Z][a-z]+(?: [A-Z][a-z]+)?`
	return &bodyRules{
		countriesZH: zh, places: chinesePlaces(), forms: localForms(), mins: ministryForms(), byLast: officeWordsByLast(),
		ministryE: regexp.MustCompile(`\b(?:the )?(` + capWords + `)(?:'s|’s)? (?:([Ff]ederal) )?(?:((?i:` + alternation(ens) + `)) [Mm]inistry|[Mm]inistry of (?:the )?((?i:` + alternation(ens) + `)))\b`),
		frAgency:  regexp.MustCompile(`AGENCY:[^.:]{0,200}?, (Commerce|Treasury|Defense|State|Justice|Energy|Homeland Security|Agriculture|Labor)\.`),
		embassyE:  regexp.MustCompile(`\b(?:(` + capWords + `)(?:'s|’s)? [Ee]mbassy in (?:the )?(` + capWords + `)|Embassy of (?:the )?(` + capWords + `) in (?:the )?(` + capWords + `))`),
	}
}

// find returns the bodies named in src, in the order of the patterns. Each pattern runs only on
// short stretches around its key words: over whole texts its long alternations are slow.
func (r *bodyRules) find(g *Gazetteer, src string) []body {
	var out []body
	add := func(name string, loc []int) {
		if _, known := g.Resolve(KindAgency, src[loc[0]:loc[1]]); known {
			return // 美国商务部, 中国外交部: the gazetteer's own
		}
		if slices.ContainsFunc(out, func(b body) bool { return b.start == loc[0] && b.end == loc[1] }) {
			return
		}
		out = append(out, body{name: name, start: loc[0], end: loc[1]})
	}
	// each runs re on the stretches around keys and calls fn with offsets in src.
	each := func(re *regexp.Regexp, before, after int, fn func(m []int), keys ...string) {
		for _, st := range stretches(src, keys, before, after) {
			for _, m := range re.FindAllStringSubmatchIndex(src[st.start:st.end], -1) {
				for i := range m {
					if m[i] >= 0 {
						m[i] += st.start
					}
				}
				fn(m)
			}
		}
	}
	has := func(keys ...string) bool {
		return slices.ContainsFunc(keys, func(k string) bool { return strings.Contains(src, k) })
	}
	// Where each office word stands, found in one pass over the characters.
	occ := map[string][]int{}
	if hasCJK(src) {
		for i := 0; i < len(src); {
			c, size := utf8.DecodeRuneInString(src[i:])
			i += size
			for _, w := range r.byLast[c] {
				if strings.HasSuffix(src[:i], w) {
					occ[w] = append(occ[w], i-len(w))
				}
			}
		}
	}
	for _, f := range r.forms {
		for _, p := range occ[f[0]] {
			start, place, ok := r.placeBefore(src[:p])
			if !ok {
				continue
			}
			name := place[0] + " " + place[1] + " " + f[1]
			if strings.HasPrefix(f[1], "-") {
				name = place[0] + " " + f[1][1:]
			}
			add(name, []int{start, p + len(f[0])})
		}
	}
	for _, f := range r.mins {
		for _, p := range occ[f[0]] {
			rest, federal := src[:p], ""
			if strings.HasSuffix(rest, "联邦") {
				rest, federal = strings.TrimSuffix(rest, "联邦"), "Federal "
			}
			c, ok := r.countryBefore(rest)
			if !ok {
				continue
			}
			country, ok := g.Resolve(KindCountry, c)
			if !ok || country == "China" {
				continue
			}
			add(federal+f[1]+" ("+country+")", []int{len(rest) - len(c), p + len(f[0])})
		}
	}
	for _, p := range occ["使馆"] {
		rest := strings.TrimSuffix(src[:p], "大")
		in := "China"
		if strings.HasSuffix(rest, "驻华") {
			rest = strings.TrimSuffix(rest, "驻华")
		} else {
			c, ok := r.countryBefore(rest)
			if !ok || !strings.HasSuffix(rest[:len(rest)-len(c)], "驻") {
				continue
			}
			in, _ = g.Resolve(KindCountry, c)
			rest = strings.TrimSuffix(rest[:len(rest)-len(c)], "驻")
		}
		c, ok := r.countryBefore(rest)
		if !ok {
			continue
		}
		if from, _ := g.Resolve(KindCountry, c); from != in {
			add("Embassy of "+from+" in "+in, []int{len(rest) - len(c), p + len("使馆")})
		}
	}
	// The Federal Register's header names a bureau and its department in one line: "AGENCY: Bureau
	// of Industry and Security, Commerce." is the Department of Commerce too.
	if has("AGENCY:") {
		each(r.frAgency, 0, 260, func(m []int) {
			for _, form := range []string{"Department of ", "Department of the "} {
				if name, ok := g.Resolve(KindAgency, form+src[m[2]:m[3]]); ok {
					out = append(out, body{name: name, start: m[2], end: m[3], known: true})
					break
				}
			}
		}, "AGENCY:")
	}
	if has("inistry") {
		words := ministryWordsEN()
		each(r.ministryE, 64, 64, func(m []int) {
			country, ok := g.Resolve(KindCountry, src[m[2]:m[3]])
			if !ok || country == "China" || country == "United States" {
				return
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
		}, "inistry")
	}
	if has("mbassy") {
		each(r.embassyE, 48, 64, func(m []int) {
			a, b := 2, 4
			if m[2] < 0 {
				a, b = 6, 8
			}
			from, ok1 := g.Resolve(KindCountry, src[m[a]:m[a+1]])
			in, ok2 := g.Resolve(KindCountry, src[m[b]:m[b+1]])
			if ok1 && ok2 && from != in {
				add("Embassy of "+from+" in "+in, m)
			}
		}, "mbassy")
	}
	// "德国联邦内政部 ... 德国内政部长": one ministry; 新疆维吾尔自治区人民政府 inside
	// 新疆维吾尔自治区人民政府公安厅: the longer.
	return slices.DeleteFunc(out, func(b body) bool {
		return slices.ContainsFunc(out, func(o body) bool {
			return o.name == "Federal "+b.name || o.start <= b.start && b.end <= o.end && o.end-o.start > b.end-b.start
		})
	})
}

// stretches returns the stretches of src from before bytes ahead of each occurrence of a key to
// after bytes past it, merged where they overlap, widened to whole words and characters.
func stretches(src string, keys []string, before, after int) []span {
	return stretchesIf(src, keys, before, after, nil)
}

// stretchesIf is stretches of the occurrences that keep, when set, accepts.
func stretchesIf(src string, keys []string, before, after int, keep func(src string, p int) bool) []span {
	var out []span
	for _, k := range keys {
		for from := 0; from < len(src); {
			i := strings.Index(src[from:], k)
			if i < 0 {
				break
			}
			p := from + i
			from = p + len(k)
			if keep != nil && !keep(src, p) {
				continue
			}
			lo, hi := wordStretch(src, p-before, p+len(k)+after)
			out = append(out, span{lo, hi})
		}
	}
	slices.SortFunc(out, func(a, b span) int { return a.start - b.start })
	var merged []span
	for _, s := range out {
		if n := len(merged); n > 0 && s.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// indexes returns the offsets of every occurrence of key in s.
func indexes(s, key string) []int {
	var out []int
	for from := 0; from < len(s); {
		i := strings.Index(s[from:], key)
		if i < 0 {
			break
		}
		out = append(out, from+i)
		from += i + len(key)
	}
	return out
}

// countryBefore returns the Chinese name of a country that rest ends with, the longest.
func (r *bodyRules) countryBefore(rest string) (string, bool) {
	for _, c := range r.countriesZH {
		if strings.HasSuffix(rest, c) {
			return c, true
		}
	}
	return "", false
}

// placeBefore finds the province or city that an office's name starts with, in the text before
// the office's word: 广东省, 深圳市, 杭州市西湖区, 新疆维吾尔自治区人民政府. It returns the offset where
// the place starts and its English name and level.
func (r *bodyRules) placeBefore(rest string) (int, [2]string, bool) {
	rest = strings.TrimSuffix(rest, "人民政府")
	tries := []string{rest}
	// A district or county between the city and the office: 西湖区, 余杭区.
	if strings.HasSuffix(rest, "区") || strings.HasSuffix(rest, "县") {
		d := rest[:len(rest)-len("区")]
		for n := 1; n <= 3 && len(d) >= 3; n++ {
			_, size := utf8.DecodeLastRuneInString(d)
			d = d[:len(d)-size]
			tries = append(tries, d)
		}
	}
	for _, t := range tries {
		for _, level := range []string{"维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市", ""} {
			if !strings.HasSuffix(t, level) {
				continue
			}
			u := t[:len(t)-len(level)]
			for zh, place := range r.places {
				if strings.HasSuffix(u, zh) {
					return len(u) - len(zh), place, true
				}
			}
		}
	}
	return 0, [2]string{}, false
}

// hasCJK reports whether s holds a character of the CJK blocks (a UTF-8 lead byte 0xE2-0xE9 is
// enough of a hint), so that English texts skip the Chinese patterns.
func hasCJK(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0xE3 && c <= 0xE9 {
			return true
		}
	}
	return false
}

// officeWordsByLast groups the office words of the Chinese forms by their last character.
func officeWordsByLast() map[rune][]string {
	out := map[rune][]string{}
	words := []string{"使馆"}
	for _, f := range append(localForms(), ministryForms()...) {
		words = append(words, f[0])
	}
	for _, w := range words {
		last, _ := utf8.DecodeLastRuneInString(w)
		if !slices.Contains(out[last], w) {
			out[last] = append(out[last], w)
		}
	}
	return out
}
