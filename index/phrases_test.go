package index

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/bantrack/bantrack/article"
)

// TestPhraseExamples holds the false hits of issue 12 and what a phrase
// should find instead, with the highlight of what matched.
func TestPhraseExamples(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs := []article.Article{
		{ID: "apart-zh", URL: "https://x.example/1", Lang: "zh", Text: "根据网络安全法，有关部门发布数据安全审查办法。"},
		{ID: "apart-en", URL: "https://x.example/2", Lang: "en", Text: "There was no ban. Huawei executives met regulators."},
		{ID: "fields", URL: "https://x.example/3", Lang: "en", Title: "Regulators discuss a ban", Text: "Huawei said nothing."},
		{ID: "together", URL: "https://x.example/4", Lang: "en", Title: "审查", Text: "开展网络安全审查。The bans on Huawei stayed; a BAN ON HUAWEI gear followed."},
		{ID: "stop", URL: "https://x.example/5", Lang: "en", Text: "A ban of Huawei was discussed, then a ban Huawei rule."},
	}
	if err := ix.Put(context.Background(), docs...); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q       string
		want    []string
		snippet string // of the first hit, markers as « »
	}{
		{`"网络安全审查"`, []string{"together"}, "开展«网络安全审查»。The bans on Huawei stayed; a BAN ON HUAWEI gear followed."},
		{`网络安全审查`, []string{"together"}, ""},
		{`"ban huawei"`, []string{"stop"}, ""},
		{`"ban on huawei"`, []string{"together"}, "开展网络安全审查。The «bans on Huawei» stayed; a «BAN ON HUAWEI» gear followed."},
		{`"bans on Huawei"`, []string{"together"}, ""},
		{`"ban of huawei"`, []string{"stop"}, ""},
		{`"ban. Huawei"`, nil, ""},
		{`"安全法有关"`, nil, ""},
		{`"查开"`, nil, ""}, // title and text are apart
		{`"security review"`, nil, ""},
		{`审`, []string{"apart-zh", "together"}, "开展网络安全«审»查。The bans on Huawei stayed; a BAN ON HUAWEI gear followed."},
		{`"据安全审"`, []string{"apart-zh"}, "根据网络安全法,有关部门发布数«据安全审»查办法。"},
		{`"Huawei 开"`, nil, ""},
	} {
		res, err := ix.Search(context.Background(), Request{Query: tc.q, Highlight: true})
		if err != nil {
			t.Fatalf("search %s: %v", tc.q, err)
		}
		if got := sorted(ids(res)); !slices.Equal(got, sorted(tc.want)) {
			t.Errorf("search %s = %v; want %v", tc.q, got, tc.want)
		}
		if tc.snippet != "" && len(res.Hits) > 0 {
			if got := ReplaceMarkers(res.Hits[0].Snippet, "«", "»"); got != tc.snippet {
				t.Errorf("search %s snippet = %q; want %q", tc.q, got, tc.snippet)
			}
		}
	}
}
