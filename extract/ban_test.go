package extract

import (
	"slices"
	"testing"
	"time"
)

// TestBanTargetsAndActions covers the failure classes of issue 14 on text written for it: targets
// named in a sentence after the measure, lists joined by "and", 、 and 和, and the words officials use.
func TestBanTargetsAndActions(t *testing.T) {
	pub := time.Date(2025, 7, 9, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		text    string
		related bool
		actions []string
		targets []string
	}{
		{"targets in the next sentence",
			"The Interior Ministry barred federal agencies from buying network gear from two foreign suppliers. Companies whose products are covered include Huawei and ZTE.",
			true, []string{"ban"}, []string{"Huawei", "ZTE"}},
		{"among the firms affected",
			"Regulators added a group of drone and chip makers to the export control list on Tuesday. Among the firms affected are DJI and SMIC, the notice showed.",
			true, []string{"entity-listing"}, []string{"DJI", "SMIC"}},
		{"chinese list with 、 and 和",
			"商务部决定将部分美国企业列入出口管制管控名单。涉及的企业包括洛克希德·马丁、通用动力和雷神导弹与防务公司。",
			true, []string{"entity-listing"}, []string{"Lockheed Martin", "General Dynamics", "Raytheon Missiles & Defense"}},
		{"summons with a named firm",
			"监管部门约谈了华为公司负责人，要求整改相关产品。",
			true, []string{"summons"}, []string{"Huawei"}},
		{"summoned in english",
			"The data regulator summoned TikTok executives over the app's handling of user data.",
			true, []string{"summons"}, []string{"TikTok"}},
		{"summons over content is discipline, not a ban",
			"上海市网信办对某社交平台采取了约谈、警告和责令限期改正等措施，因其热搜榜单多次出现炒作信息。",
			false, nil, nil},
		{"these three companies",
			"Qilan Semiconductor, together with Ostrava Aerospace Technologies and Bayou Robotics Group, shipped controlled parts to a weapons institute. A license is now required for all exports to these three companies.",
			true, []string{"restriction"}, []string{"Qilan Semiconductor", "Ostrava Aerospace Technologies", "Bayou Robotics Group"}},
		{"上述企业",
			"据通报，星河航电公司（Xinghe Avionics）和远帆精密公司（Yuanfan Precision）向美方军工企业提供技术支持。商务部决定将上述企业列入出口管制管控名单。",
			true, []string{"entity-listing"}, []string{"Xinghe Avionics", "Yuanfan Precision"}},
		{"a directive naming no firm, makers pointed to",
			"The ministry ordered agencies to stop installing cameras from makers bound by foreign intelligence laws. The order does not name a company, but officials pointed to Hikvision and Dahua.",
			true, []string{"ban"}, []string{"Hikvision", "Dahua Technology"}},
		{"owner named with 母公司 is no target",
			"内政部宣布禁止公务手机使用微信，微信母公司腾讯对此表示遗憾。",
			true, []string{"ban"}, []string{"WeChat"}},
		{"a ban only referred back to is none",
			"The ban is a blow to Heineken, which had sponsored the tournament for years.",
			false, nil, nil},
		{"links to other stories after the text",
			"市场监管总局依法对英特尔公司开展立案调查。目前，相关调查工作正在进行中。 【打印】 【关闭】 相关链接 关于下架某App的通报 美光产品网络安全审查结论公布",
			true, []string{"investigation"}, []string{"Intel"}},
		{"summons of nobody named is no ban",
			"市网信办对某平台采取了约谈、警告等措施。",
			false, nil, nil},
		{"licence revoked",
			"The communications authority revoked the licence of China Telecom's local unit, citing national security.",
			true, []string{"restriction"}, []string{"China Telecom"}},
		{"apps removed from stores",
			"监管部门责令将抖音从应用商店下架，并停止新用户注册。",
			true, []string{"ban", "restriction"}, []string{"Douyin"}},
		{"operators told to comply are no targets",
			"内政部宣布，已与德国电信和沃达丰两家移动网络运营商达成协议，要求其停止使用华为的关键部件。",
			true, []string{"ban"}, []string{"Huawei"}},
		{"domestic beneficiaries are no targets",
			"The government told state banks to stop using Cisco routers. Local suppliers include Huawei and H3C, which could gain business from the switch.",
			true, []string{"ban"}, []string{"Cisco Systems"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := Analyze("", tc.text, pub).Ban
			if b.Related != tc.related {
				t.Errorf("Analyze(%q).Ban.Related = %v (score %.2f); want %v", tc.text, b.Related, b.Score, tc.related)
			}
			if !tc.related {
				return
			}
			if !slices.Equal(b.Actions, tc.actions) {
				t.Errorf("Analyze(%q).Ban.Actions = %q; want %q", tc.text, b.Actions, tc.actions)
			}
			if !slices.Equal(b.Targets, tc.targets) {
				t.Errorf("Analyze(%q).Ban.Targets = %q; want %q", tc.text, b.Targets, tc.targets)
			}
		})
	}
}

// TestUnknownOrganisations: companies and bodies the gazetteer lacks, named with strong evidence,
// are kept under their name as written, listed in Unknown, and are targets when a measure names them.
func TestUnknownOrganisations(t *testing.T) {
	pub := time.Date(2025, 7, 9, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name                      string
		text                      string
		vendors, agencies, unkown []string
		targets                   []string
	}{
		{"legal suffix and a ministry",
			"The Ministry of Transport and Logistics barred port operators from buying cranes from Qiao Heavy Machinery Co., Ltd. on national security grounds.",
			[]string{"Qiao Heavy Machinery Co., Ltd."}, []string{"Ministry of Transport and Logistics"},
			[]string{"Qiao Heavy Machinery Co., Ltd.", "Ministry of Transport and Logistics"}, []string{"Qiao Heavy Machinery Co., Ltd."}},
		{"list beside a known vendor",
			"Regulators banned surveillance cameras from several suppliers. The firms affected include Hikvision, Brightlens and Orvane.",
			[]string{"Hikvision", "Brightlens", "Orvane"}, nil, []string{"Brightlens", "Orvane"}, []string{"Hikvision", "Brightlens", "Orvane"}},
		{"chinese company",
			"商务部决定将深圳星河无人机科技有限公司列入出口管制管控名单。",
			[]string{"深圳星河无人机科技有限公司"}, []string{"Ministry of Commerce of China"}, []string{"深圳星河无人机科技有限公司"}, []string{"深圳星河无人机科技有限公司"}},
		{"a company spoken of is no name",
			"监管部门对一家科技公司和某技术有限公司开展立案调查，该公司表示配合。",
			nil, nil, nil, nil},
		{"industry words, role words and brackets",
			"Regulators barred Qilan Semiconductor and battery maker Voltaro from state contracts, and listed 星图智联公司（Startu Zhilian）. Velmora, a drone designer, was spared.",
			[]string{"Qilan Semiconductor", "Velmora", "Voltaro", "Startu Zhilian"}, nil,
			[]string{"Qilan Semiconductor", "Velmora", "Voltaro", "Startu Zhilian"}, []string{"Qilan Semiconductor", "Voltaro", "Startu Zhilian"}},
		{"stock tickers",
			"Regulators fined Velmora Systems (NASDAQ: VLMS) and 星河电子（688123.SH） for data breaches.",
			[]string{"Velmora Systems", "星河电子"}, nil, []string{"Velmora Systems", "星河电子"}, nil},
		{"what only a company has",
			"Orvanta's shares fell 8% after the ban, and Kestrel Optics, which makes lenses, said nothing. Shenzhen's drones were spared.",
			[]string{"Orvanta", "Kestrel Optics"}, nil, []string{"Orvanta", "Kestrel Optics"}, nil},
		{"generic words before an industry word are no company",
			"Rules on Unmanned Aircraft Systems and Critical Technologies take effect. Mobile Networks were spared.",
			nil, nil, nil, nil},
		{"a capitalised word alone is no company",
			"Officials from Brightlens attended. The Commission said the review continues.",
			nil, nil, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := Analyze("", tc.text, pub)
			if !slices.Equal(e.Vendors, tc.vendors) || !slices.Equal(e.Agencies, tc.agencies) || !slices.Equal(e.Unknown, tc.unkown) {
				t.Errorf("Analyze(%q): vendors %q agencies %q unknown %q; want %q %q %q", tc.text, e.Vendors, e.Agencies, e.Unknown, tc.vendors, tc.agencies, tc.unkown)
			}
			if !slices.Equal(e.Ban.Targets, tc.targets) {
				t.Errorf("Analyze(%q).Ban.Targets = %q; want %q", tc.text, e.Ban.Targets, tc.targets)
			}
		})
	}
}

// TestBodiesByForm covers government bodies formed from a place or a country and an office, on
// text written for issue 14: provincial and city offices, foreign ministries and embassies named
// in Chinese and English, and the Federal Register's agency line.
func TestBodiesByForm(t *testing.T) {
	tests := []struct {
		text     string
		agencies []string
	}{
		{"浙江省市场监督管理局对一家电商平台立案调查。", []string{"Zhejiang Provincial Administration for Market Regulation"}},
		{"北京市网信办约谈了两家短视频平台。", []string{"Beijing Municipal Cyberspace Administration"}},
		{"杭州市西湖区公安局通报了案件进展。", []string{"Hangzhou Municipal Public Security Bureau"}},
		{"荷兰经济事务部宣布接管该公司；日本外交部表示关切。",
			[]string{"Ministry of Economic Affairs (Netherlands)", "Ministry of Foreign Affairs (Japan)"}},
		{"德国联邦内政部发布指令，德国内政部长随后解释。", []string{"Federal Ministry of the Interior (Germany)"}},
		{"中国驻荷兰大使馆发言人回应；美国驻华大使馆未置评。",
			[]string{"Embassy of China in Netherlands", "Embassy of United States in China"}},
		{"Italy's interior ministry said the order stands, and the Dutch economy ministry agreed.",
			[]string{"Ministry of the Interior (Italy)", "Ministry of Economic Affairs (Netherlands)"}},
		{"China's embassy in Canada called the move discriminatory.", []string{"Embassy of China in Canada"}},
		{"AGENCY: Office of Foreign Assets Control, Treasury. ACTION: Final rule.",
			[]string{"US Department of the Treasury", "Office of Foreign Assets Control"}},
		{"外交部发言人表示，中方坚决反对。", []string{"Ministry of Foreign Affairs of China"}},
	}
	for _, tc := range tests {
		e := Analyze("", tc.text, time.Time{})
		if !slices.Equal(e.Agencies, tc.agencies) {
			t.Errorf("Analyze(%q).Agencies = %q; want %q", tc.text, e.Agencies, tc.agencies)
		}
	}
}

// TestTitleAlone: a headline's small bonus does not make a ban of something else ("bans beer
// sales") an article about a ban.
func TestTitleAlone(t *testing.T) {
	b := Analyze("Football body bans beer sales at Qatar stadiums", "Fans reacted with dismay.", time.Time{}).Ban
	if b.Related {
		t.Errorf("Ban = %+v; want not related", b)
	}
	b = Analyze("Qatar bans Chinese surveillance cameras at stadiums", "Fans reacted with dismay.", time.Time{}).Ban
	if !b.Related {
		t.Errorf("Ban = %+v; want related", b)
	}
}
