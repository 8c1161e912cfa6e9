package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bantrack/bantrack/config"
	"github.com/bantrack/bantrack/crawler"
)

func runFeeds(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 || args[0] != "check" {
		return usageErrorf("usage: bantrack feeds check [NAME]...")
	}
	fs := a.flagSet("feeds check")
	limit := fs.Int("limit", 10, "items to print per source")
	names, err := parseInterspersed(fs, args[1:], false)
	if err != nil {
		return err
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	srcs, err := selectSources(cfg, names)
	if err != nil {
		return err
	}
	cr := crawler.New(crawler.Options{UserAgent: cfg.UserAgent, Logger: a.log})
	var errs []error
	for _, src := range srcs {
		if err := checkSource(ctx, a, cr, src, *limit); err != nil {
			errs = append(errs, fmt.Errorf("source %s: %w", src.Name, err))
		}
	}
	return sourcesError(errs, len(srcs))
}

// checkSource prints what one source's listing yields, and what the article rules read from its
// first item.
func checkSource(ctx context.Context, a *app, cr *crawler.Crawler, src config.Source, limit int) error {
	w := a.stdout
	fmt.Fprintf(w, "== %s (%s) %s\n", src.Name, src.Kind, src.URL)
	items, err := cr.List(ctx, src)
	if err != nil {
		fmt.Fprintf(w, "   PROBLEM: %v\n\n", err)
		return err
	}
	fmt.Fprintf(w, "   %d items\n", len(items))
	if len(items) == 0 {
		fmt.Fprintf(w, "   PROBLEM: the listing has no items: check list.item and list.link\n\n")
		return errors.New("the listing has no items: check list.item and list.link")
	}
	var undated, untitled int
	for i, it := range items {
		if it.Published.IsZero() {
			undated++
		}
		if strings.TrimSpace(it.Title) == "" {
			untitled++
		}
		if i < limit {
			date := "(no date)"
			if !it.Published.IsZero() {
				date = it.Published.Format("2006-01-02 15:04")
			}
			fmt.Fprintf(w, "   %2d. %s  %s\n       %s\n", i+1, date, it.Title, it.URL)
		}
	}
	if undated > 0 {
		fmt.Fprintf(w, "   note: %d items without a date (check list.date and list.date_format)\n", undated)
	}
	if untitled > 0 {
		fmt.Fprintf(w, "   note: %d items without a title (check list.title)\n", untitled)
	}
	if !src.FetchArticles {
		fmt.Fprintln(w)
		return nil
	}
	page, err := cr.Page(ctx, src, items[0].URL)
	if err != nil {
		fmt.Fprintf(w, "   first article: PROBLEM: %v\n\n", err)
		return nil // the listing works; article pages may be walled (indexed as partial)
	}
	date := "(no date)"
	if !page.Published.IsZero() {
		date = page.Published.Format("2006-01-02 15:04 -0700")
	}
	text := []rune(strings.Join(strings.Fields(page.Text), " "))
	if len(text) > 200 {
		text = append(text[:200], '…')
	}
	fmt.Fprintf(w, "   first article: title %q\n                  date  %s\n                  text  %d chars: %s\n\n",
		page.Title, date, len([]rune(page.Text)), string(text))
	if strings.TrimSpace(page.Text) == "" {
		return errors.New("the first article's text is empty: check article.content")
	}
	return nil
}
