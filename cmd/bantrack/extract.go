package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/bantrack/bantrack/article"
	"github.com/bantrack/bantrack/config"
	"github.com/bantrack/bantrack/crawler"
	"github.com/bantrack/bantrack/extract"
)

// maxExtractBody caps a page read by `bantrack extract`.
const maxExtractBody = 20 << 20

func runExtract(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet("extract")
	lang := fs.String("lang", "auto", "en, zh or auto")
	published := fs.String("published", "", "publication DATE to use when the page gives none (resolves relative dates)")
	rest, err := parseInterspersed(fs, args, false)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return usageErrorf("extract needs at least one FILE or URL, e.g. bantrack extract page.html")
	}
	if *lang != "auto" && *lang != "en" && *lang != "zh" {
		return usageErrorf("--lang %q: want en, zh or auto", *lang)
	}
	pub, err := parseDate("published", *published)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(a.stdout)
	enc.SetEscapeHTML(false)
	cr := crawler.New(crawler.Options{UserAgent: config.DefaultUserAgent, Logger: a.log})
	failed := 0
	for _, in := range rest {
		art, err := extractOne(ctx, cr, in, *lang, pub)
		if err != nil {
			// One bad input does not stop the others; its line says what went wrong.
			failed++
			a.log.Error("extract failed", "input", in, "error", err)
			if err := enc.Encode(map[string]string{"input": in, "error": err.Error()}); err != nil {
				return err
			}
			continue
		}
		if err := enc.Encode(art); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d inputs could not be read", failed, len(rest))
	}
	return nil
}

func extractOne(ctx context.Context, cr *crawler.Crawler, in, lang string, published time.Time) (article.Article, error) {
	var (
		page    crawler.Page
		pageURL string
		err     error
	)
	if strings.HasPrefix(in, "http://") || strings.HasPrefix(in, "https://") {
		pageURL = in
		src := config.DefaultSource()
		src.Name, src.URL, src.Robots = "extract", in, false
		page, err = cr.Page(ctx, src, in)
	} else {
		abs, _ := filepath.Abs(in)
		pageURL = "file://" + filepath.ToSlash(abs)
		var body []byte
		if body, err = readPageFile(in); err == nil {
			page, err = crawler.ParsePage(body, pageURL, config.ArticleRules{}, time.UTC)
		}
	}
	if err != nil {
		return article.Article{}, err
	}
	art := article.Article{ID: article.NewID(pageURL), URL: pageURL, Source: "extract", Title: page.Title,
		Published: page.Published, Fetched: time.Now().UTC(), Text: page.Text, Status: article.StatusOK}
	if art.Published.IsZero() {
		art.Published = published
	}
	art.Lang = lang
	if lang == "auto" {
		art.Lang = guessLang(art.Title + " " + art.Text)
	}
	art.Entities = extract.Analyze(art.Title, art.Text, art.Published)
	return art, nil
}

func readPageFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		defer zr.Close()
		if b, err = io.ReadAll(io.LimitReader(zr, maxExtractBody+1)); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	if len(b) > maxExtractBody {
		return nil, fmt.Errorf("%s: larger than %d MiB", path, maxExtractBody>>20)
	}
	return b, nil
}

// guessLang says zh when a fifth or more of the letters are Han characters, else en.
func guessLang(s string) string {
	var han, letters int
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			han++
			letters++
		} else if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters > 0 && han*5 >= letters {
		return "zh"
	}
	return "en"
}
