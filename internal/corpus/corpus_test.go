package corpus

import (
	"reflect"
	"slices"
	"testing"
	"unicode/utf8"
)

func TestArticle(t *testing.T) {
	g := New(7, 200)
	langs := map[string]int{}
	for i := range 200 {
		a := g.Article(i)
		langs[a.Lang]++
		if a.ID == "" || a.Title == "" || a.Published.IsZero() || len(a.Vendors) == 0 {
			t.Fatalf("article %d lacks fields: %+v", i, a)
		}
		if !utf8.ValidString(a.Text) {
			t.Fatalf("article %d text is not UTF-8", i)
		}
		if min, max := 600, 7000; len(a.Text) < min || len(a.Text) > max {
			t.Errorf("article %d text is %d bytes; want %d to %d", i, len(a.Text), min, max)
		}
		for _, tg := range a.Ban.Targets {
			if !slices.Contains(a.Vendors, tg) {
				t.Errorf("article %d target %q not among vendors %v", i, tg, a.Vendors)
			}
		}
	}
	if langs["en"] < 80 || langs["zh"] < 50 {
		t.Errorf("languages = %v; want a mix of en and zh", langs)
	}
	if a, b := New(3, 10).Article(0), New(3, 10).Article(0); !reflect.DeepEqual(a, b) {
		t.Error("two generators with one seed made different articles")
	}
}
