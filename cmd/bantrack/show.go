package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/bantrack/bantrack/article"
)

func runShow(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet("show")
	asJSON := fs.Bool("json", false, "print the export record as JSON")
	raw := fs.Bool("raw", false, "write the archived page of the latest version to stdout, byte for byte")
	versions := fs.Bool("versions", false, "list the archived versions with a diff of the text between each two")
	rest, err := parseInterspersed(fs, args, false)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageErrorf("show takes one ID or URL, e.g. bantrack show 3f2a9c0d1e4b5a67")
	}
	ix, err := a.openIndex(ctx)
	if err != nil {
		return err
	}
	defer ix.Close()
	art, err := lookup(ctx, ix, rest[0])
	if err != nil {
		return err
	}
	switch {
	case *raw:
		return a.writeRaw(art)
	case *versions:
		return a.writeVersions(art)
	}
	if *asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(art)
	}
	writeArticle(a.stdout, art)
	return nil
}

// markUnknown appends " (unknown)" to the names the gazetteer does not know.
func markUnknown(names, unknown []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n
		if slices.Contains(unknown, n) {
			out[i] += " (unknown)"
		}
	}
	return out
}

func writeArticle(w io.Writer, art article.Article) {
	fmt.Fprintf(w, "%s\n", art.Title)
	fmt.Fprintf(w, "id:        %s\n", art.ID)
	fmt.Fprintf(w, "url:       %s\n", art.URL)
	for _, u := range art.AltURLs {
		fmt.Fprintf(w, "also at:   %s\n", u)
	}
	fmt.Fprintf(w, "source:    %s (%s)\n", art.Source, art.Lang)
	if !art.Published.IsZero() {
		fmt.Fprintf(w, "published: %s\n", art.Published.Format(time.RFC3339))
	}
	if !art.Fetched.IsZero() {
		fmt.Fprintf(w, "fetched:   %s\n", art.Fetched.Format(time.RFC3339))
	}
	fmt.Fprintf(w, "status:    %s\n", art.Status)
	fmt.Fprintf(w, "vendors:   %s\n", strings.Join(markUnknown(art.Vendors, art.Unknown), ", "))
	fmt.Fprintf(w, "agencies:  %s\n", strings.Join(markUnknown(art.Agencies, art.Unknown), ", "))
	fmt.Fprintf(w, "countries: %s\n", strings.Join(art.Countries, ", "))
	if len(art.DocNumbers) > 0 {
		fmt.Fprintf(w, "doc no.:   %s\n", strings.Join(art.DocNumbers, ", "))
	}
	if len(art.Candidates) > 0 {
		fmt.Fprintf(w, "unknown organisations (add to the gazetteer?): %s\n", strings.Join(art.Candidates, ", "))
	}
	if len(art.Unknown) > 0 {
		fmt.Fprintln(w, "           (unknown): not in the gazetteer, kept as written; bantrack names NAME says more")
	}
	if len(art.Dates) > 0 {
		fmt.Fprintln(w, "dates:")
		for _, d := range art.Dates {
			fmt.Fprintf(w, "  %-10s %-5s %s\n", d.Date, d.Precision, d.Text)
		}
	}
	b := art.Ban
	if b.Related {
		fmt.Fprintf(w, "ban:       yes (score %.2f) actions: %s; targets: %s\n", b.Score, strings.Join(b.Actions, ", "), strings.Join(b.Targets, ", "))
	} else {
		fmt.Fprintf(w, "ban:       no (score %.2f)\n", b.Score)
	}
	for _, e := range b.Evidence {
		fmt.Fprintf(w, "  evidence: %s\n", e)
	}
	fmt.Fprintf(w, "\n%s\n", art.Text)
}

func runExport(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet("export")
	format := fs.String("format", "jsonl", "jsonl or csv")
	since := fs.String("since", "", "only documents published on or after DATE")
	rest, err := parseInterspersed(fs, args, false)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErrorf("export takes no arguments (got %q)", rest)
	}
	from, err := parseDate("since", *since)
	if err != nil {
		return err
	}
	var write func(article.Article) error
	var flush func() error
	switch *format {
	case "jsonl":
		enc := json.NewEncoder(a.stdout)
		enc.SetEscapeHTML(false)
		write = func(art article.Article) error { return enc.Encode(art) }
		flush = func() error { return nil }
	case "csv":
		cw := csv.NewWriter(a.stdout)
		if err := cw.Write(csvHeader); err != nil {
			return err
		}
		write = func(art article.Article) error { return cw.Write(csvRecord(art)) }
		flush = func() error { cw.Flush(); return cw.Error() }
	default:
		return usageErrorf("--format %q: want jsonl or csv", *format)
	}
	ix, err := a.openIndex(ctx)
	if err != nil {
		return err
	}
	defer ix.Close()
	err = ix.All(ctx, func(art article.Article) error {
		if !from.IsZero() && art.Published.Before(from) {
			return nil
		}
		return write(art)
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return flush()
}

var csvHeader = []string{"id", "url", "source", "lang", "title", "published", "fetched", "vendors", "agencies",
	"countries", "ban_related", "ban_score", "ban_actions", "ban_targets", "ban_evidence", "doc_numbers", "status", "text"}

func csvRecord(art article.Article) []string {
	return []string{art.ID, art.URL, art.Source, art.Lang, art.Title, formatTime(art.Published), formatTime(art.Fetched),
		strings.Join(art.Vendors, "; "), strings.Join(art.Agencies, "; "), strings.Join(art.Countries, "; "),
		fmt.Sprint(art.Ban.Related), fmt.Sprintf("%.2f", art.Ban.Score), strings.Join(art.Ban.Actions, "; "),
		strings.Join(art.Ban.Targets, "; "), strings.Join(art.Ban.Evidence, " | "), strings.Join(art.DocNumbers, "; "),
		string(art.Status), art.Text}
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}
