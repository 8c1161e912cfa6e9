package index_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/index"
)

func ExampleIndex_Search() {
	dir, err := os.MkdirTemp("", "bantrack-index")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	ix, err := index.Open(dir)
	if err != nil {
		panic(err)
	}
	defer ix.Close()

	ctx := context.Background()
	err = ix.Put(ctx,
		article.Article{
			ID: "a1", URL: "https://news.example/a1", Source: "newswire", Lang: "en",
			Title:     "China bans US security software",
			Published: time.Date(2026, 1, 14, 0, 0, 0, 0, time.UTC),
			Text:      "Regulators banned software from Fortinet and Palo Alto Networks.",
			Entities:  article.Entities{Vendors: []string{"Fortinet", "Palo Alto Networks"}, Ban: article.Ban{Related: true}},
		},
		article.Article{
			ID: "a2", URL: "https://cac.example/a2", Source: "cac-wxfb", Lang: "zh",
			Title:     "关于对美光公司在华销售产品启动网络安全审查的公告",
			Published: time.Date(2023, 3, 31, 0, 0, 0, 0, time.UTC),
			Text:      "网络安全审查办公室对美光公司在华销售的产品实施网络安全审查。",
			Entities:  article.Entities{Vendors: []string{"Micron Technology"}, Ban: article.Ban{Related: true}},
		},
	)
	if err != nil {
		panic(err)
	}

	for _, q := range []string{"ban", "网络安全审查"} {
		res, err := ix.Search(ctx, index.Request{Query: q, Highlight: true, Facets: true})
		if err != nil {
			panic(err)
		}
		for _, h := range res.Hits {
			fmt.Printf("%s: %s %s\n", q, h.ID, index.ReplaceMarkers(h.Snippet, "[", "]"))
		}
	}
	// Output:
	// ban: a1 Regulators [banned] software from Fortinet and Palo Alto Networks.
	// 网络安全审查: a2 [网络安全审查]办公室对美光公司在华销售的产品实施[网络安全审查]。
}
