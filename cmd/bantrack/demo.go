package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/bantrack/bantrack"
	"github.com/bantrack/bantrack/config"
	"github.com/bantrack/bantrack/extract"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/internal/fixture"
	"github.com/bantrack/bantrack/internal/pipeline"
)

// demoSearches are the searches the demo prints.
var demoSearches = []index.Request{
	{Query: "fortinet", Limit: 3, Highlight: true},
	{Query: "网络安全审查", Limit: 3, Highlight: true},
	{BanOnly: true, Sort: "date", Limit: 5, Facets: true},
}

func runDemo(ctx context.Context, a *app, args []string) error {
	fset := a.flagSet("demo")
	keep := fset.Bool("keep", false, "keep the temporary data folder and print its path")
	if _, err := parseInterspersed(fset, args, false); err != nil {
		return err
	}
	if a.logLevel == "" {
		// The demo's output is the point and logs would drown it; the walled article's 401 shows in
		// the summary as "partial 1". --log-level brings the logs back.
		a.logLevel = "error"
		if err := a.setupLogging(); err != nil {
			return err
		}
	}
	sites, err := fs.Sub(bantrack.Fixtures(), "sites")
	if err != nil {
		return err
	}
	srv, err := fixture.Start(sites)
	if err != nil {
		return err
	}
	defer srv.Close()
	raw, err := fs.ReadFile(bantrack.Fixtures(), "demo-feeds.yaml")
	if err != nil {
		return err
	}
	cfg, err := config.Parse("testdata/demo-feeds.yaml", srv.Render(raw))
	if err != nil {
		return &configError{err}
	}

	dir := a.dataDir
	if dir != "" {
		if err := checkDemoFolder(dir); err != nil {
			return err
		}
	}
	if dir == "" {
		if dir, err = os.MkdirTemp("", "bantrack-demo-"); err != nil {
			return err
		}
		if !*keep {
			defer os.RemoveAll(dir)
		}
		a.dataDir = dir
	}
	st, err := a.openStore()
	if err != nil {
		return err
	}
	defer st.Close()

	fmt.Fprintf(a.stdout, "== crawling %d fixture sources served on loopback (%s)\n", len(cfg.Sources), srv.Origin(srv.Sites()[0]))
	sums := a.pipeline(cfg, st).Crawl(ctx, cfg.Sources)
	printSummaries(a.stdout, sums)
	crawlErr := summariesError(sums)
	if crawlErr != nil {
		fmt.Fprintf(a.stdout, "(some sources failed: %v)\n", crawlErr)
	}
	ix, release, err := st.UseIndex(ctx)
	if err != nil {
		return err
	}
	defer release()
	g := extract.Default()
	for _, req := range demoSearches {
		title := fmt.Sprintf("bantrack search %q", req.Query)
		if req.Query == "" {
			title = "bantrack search --ban --sort date --facets"
		}
		fmt.Fprintf(a.stdout, "\n== %s\n", title)
		req.Expand = pipeline.ExpandQuery(g, req.Query)
		res, err := ix.Search(ctx, req)
		if err != nil {
			return fmt.Errorf("demo search %q: %w", req.Query, err)
		}
		writeSearchText(a.stdout, res, req, req.Facets, isTerminal(a.stdout))
	}
	if err := demoDigest(ctx, a, cfg, st); err != nil {
		return err
	}
	if *keep {
		fmt.Fprintf(a.stdout, "\ndata kept in %s: try bantrack --data %s search micron\n", dir, dir)
	}
	return crawlErr
}

// demoMarker marks a data folder the demo filled, so that a second demo may reuse it.
const demoMarker = "DEMO-DATA"

// checkDemoFolder refuses a data folder that holds anything but an earlier demo's data: the demo
// writes fictional fixture documents, which must never mix with real ones. It marks the folder.
func checkDemoFolder(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	if len(entries) > 0 {
		if _, err := os.Stat(filepath.Join(dir, demoMarker)); err != nil {
			return usageErrorf("demo --data %s: the folder holds other data, and the demo writes fictional documents; "+
				"give an empty or new folder, or leave out --data to use a temporary one", dir)
		}
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, demoMarker), []byte("bantrack demo: fictional fixture documents\n"), 0o644)
}
