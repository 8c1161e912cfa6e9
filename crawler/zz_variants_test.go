package crawler

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/markusmobius/go-trafilatura"
)

func TestZZVariants(t *testing.T) {
	if *evalDir == "" {
		t.Skip()
	}
	truthData, _ := os.ReadFile(filepath.Join(*evalDir, "ground-truth.json"))
	var truth map[string]struct{ URL string }
	json.Unmarshal(truthData, &truth)
	files, _ := filepath.Glob(filepath.Join(*evalDir, "html", "*.html.gz"))
	variants := map[string]func(u *url.URL) trafilatura.Options{
		"fallback": func(u *url.URL) trafilatura.Options {
			return trafilatura.Options{OriginalURL: u, EnableFallback: true}
		},
		"fallback-nocomments": func(u *url.URL) trafilatura.Options {
			return trafilatura.Options{OriginalURL: u, EnableFallback: true, ExcludeComments: true}
		},
		"fallback-precision": func(u *url.URL) trafilatura.Options {
			return trafilatura.Options{OriginalURL: u, EnableFallback: true, Focus: trafilatura.FavorPrecision}
		},
		"plain": func(u *url.URL) trafilatura.Options {
			return trafilatura.Options{OriginalURL: u}
		},
	}
	for name, mk := range variants {
		for _, clean := range []bool{false, true} {
			pred := map[string]map[string]string{}
			for _, f := range files {
				id := strings.TrimSuffix(filepath.Base(f), ".html.gz")
				raw, _ := readGzip(f)
				u, _ := url.Parse(truth[id].URL)
				s, _ := toUTF8(raw, "")
				res, err := trafilatura.Extract(bytes.NewReader([]byte(s)), mk(u))
				txt := ""
				if err == nil {
					txt = res.ContentText
					if clean {
						txt = cleanText(txt)
					}
				}
				pred[id] = map[string]string{"articleBody": txt}
			}
			out, _ := json.Marshal(pred)
			n := "/tmp/var-" + name
			if clean {
				n += "-clean"
			}
			os.WriteFile(n+".json", out, 0o644)
		}
	}
}
