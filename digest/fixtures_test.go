package digest

import (
	"time"

	"github.com/bantrack/bantrack/article"
)

var shanghai = time.FixedZone("CST", 8*3600)

// fixedNow is the digest time of every test.
func fixedNow() time.Time { return time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC) }

func testArticles() []article.Article {
	return []article.Article{
		{
			ID: "48bec8020ce4adc0", URL: "https://www.cac.gov.cn/2023-05/21/c_1686348043518073.htm",
			Source: "cac-wxfb", Lang: "zh",
			Title:     "美光公司在华销售的产品未通过网络安全审查",
			Published: time.Date(2023, 5, 21, 10, 30, 0, 0, shanghai),
			Entities: article.Entities{
				Vendors:  []string{"Micron Technology"},
				Agencies: []string{"Cyberspace Administration of China"},
				Ban: article.Ban{Related: true, Score: 0.95, Actions: []string{"review", "ban"},
					Targets:  []string{"Micron Technology"},
					Evidence: []string{"国内关键信息基础设施的运营者应停止采购美光公司产品。"}},
			},
		},
		{
			ID: "a1b2c3d4e5f60718", URL: "https://news.example.com/2026/01/14/china-bans-us-security-software",
			Source: "example-news", Lang: "en",
			Title:     "China tells firms to stop using cybersecurity software from US and Israeli vendors",
			Published: time.Date(2026, 1, 14, 9, 0, 0, 0, time.UTC),
			Entities: article.Entities{
				Vendors:  []string{"VMware", "Palo Alto Networks", "Fortinet", "Check Point", "Neusoft"},
				Agencies: []string{"Cyberspace Administration of China"},
				Ban: article.Ban{Related: true, Score: 0.9, Actions: []string{"ban"},
					Targets:  []string{"VMware", "Palo Alto Networks", "Fortinet", "Check Point"},
					Evidence: []string{"Chinese authorities have told domestic companies to stop using cybersecurity software made by about a dozen firms from the US and Israel."}},
			},
		},
		{
			ID: "0f1e2d3c4b5a6978", URL: "https://www.bis.gov/press-release/fortinet-advisory",
			Source: "bis-press", Lang: "en",
			Title:     "Commerce reviews Fortinet appliances in federal networks",
			Published: time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC),
			Entities: article.Entities{
				Vendors:  []string{"Fortinet"},
				Agencies: []string{"Bureau of Industry and Security"},
				Ban: article.Ban{Related: true, Score: 0.7, Actions: []string{"review"},
					Targets:  []string{"Fortinet"},
					Evidence: []string{"The Bureau opened a review of   Fortinet appliances\nused in federal networks."}},
			},
		},
		{
			ID: "77aa88bb99cc0011", URL: "https://www.miit.gov.cn/notice/2026/0201.html",
			Source: "miit", Lang: "zh",
			Title:     "工业和信息化部关于加强网络产品安全漏洞管理的通知",
			Published: time.Date(2026, 2, 1, 0, 0, 0, 0, shanghai),
			Status:    article.StatusPartial,
			Entities: article.Entities{
				Agencies: []string{"Ministry of Industry and Information Technology"},
				Ban:      article.Ban{Related: true, Score: 0.6, Actions: []string{"restriction"}},
			},
		},
	}
}

func testOptions() Options {
	return Options{
		From:         "bantrack <alerts@example.org>",
		To:           []string{"analyst@example.org", "second@example.org"},
		WatchVendors: []string{"fortinet"},
		Now:          fixedNow,
	}
}
