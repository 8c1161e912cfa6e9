package index

import (
	"context"
	"testing"

	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/internal/corpus"
)

// The benchmarks index generated articles; cmd/bantrack-indexbench measures
// the same at scale, with latency percentiles.

func genArticles(n int, seed uint64) []article.Article {
	g := corpus.New(seed, n)
	out := make([]article.Article, n)
	for i := range out {
		out[i] = g.Article(i)
	}
	return out
}

func BenchmarkPutBatched(b *testing.B) {
	arts := genArticles(2000, 1)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		ix, err := Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := ix.Put(ctx, arts...); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		ix.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(len(arts)*b.N)/b.Elapsed().Seconds(), "docs/s")
}

func BenchmarkPutOneAtATime(b *testing.B) {
	arts := genArticles(200, 2)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		ix, err := Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for _, a := range arts {
			if err := ix.Put(ctx, a); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		ix.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(len(arts)*b.N)/b.Elapsed().Seconds(), "docs/s")
}

func BenchmarkSearch(b *testing.B) {
	ix, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	if err := ix.Put(ctx, genArticles(3000, 3)...); err != nil {
		b.Fatal(err)
	}
	reqs := []struct {
		name string
		req  Request
	}{
		{"term", Request{Query: "huawei"}},
		{"phrase", Request{Query: `"export controls"`}},
		{"chinese", Request{Query: "网络安全审查"}},
		{"filtered", Request{Query: "ban", Vendors: []string{"Huawei"}, BanOnly: true, Facets: true, Highlight: true}},
	}
	for _, r := range reqs {
		b.Run(r.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := ix.Search(ctx, r.req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
