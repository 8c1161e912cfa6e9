package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/bantrack/bantrack/extract"
)

// runNames prints what each name resolves to in the gazetteer (the built-in list plus the file
// named by "gazetteer:" in feeds.yaml, when there is one): canonical name, kind, aliases, parent,
// and what is under it. A name that nothing resolves to is reported with close known names, and
// the command exits 1.
func runNames(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet("names")
	fs.Usage = func() {
		fmt.Fprintln(a.stderr, "usage: bantrack names QUERY...\n\nprints what each name (any alias, any language) resolves to: canonical name, kind, aliases, parent.\nexits 1 when a name is unknown.")
	}
	rest, err := parseInterspersed(fs, args, false)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		fs.Usage()
		return usageErrorf("names: give a name to look up, e.g. bantrack names 华为")
	}
	g, err := a.gazetteer()
	if err != nil {
		return err
	}
	var unknown []string
	for i, q := range rest {
		if i > 0 {
			fmt.Fprintln(a.stdout)
		}
		found := false
		for _, kind := range []string{extract.KindVendor, extract.KindAgency, extract.KindCountry} {
			e, ok := g.Entity(kind, q)
			if !ok {
				continue
			}
			found = true
			fmt.Fprintf(a.stdout, "%s\n  kind:    %s\n  aliases: %s\n", e.Name, e.Kind, strings.Join(e.Aliases, ", "))
			if e.Parent != "" {
				fmt.Fprintf(a.stdout, "  parent:  %s\n", e.Parent)
			}
			if fam, ok := g.Family(kind, e.Name); ok && len(fam) > 1 {
				fmt.Fprintf(a.stdout, "  under it: %s\n", strings.Join(fam[1:], ", "))
			}
			if e.Country != "" {
				fmt.Fprintf(a.stdout, "  country: %s\n", e.Country)
			}
		}
		if !found {
			unknown = append(unknown, q)
			fmt.Fprintf(a.stdout, "%s\n  not in the gazetteer: extract keeps such a name only as an unknown organisation\n", q)
			var sim []string
			for _, kind := range []string{extract.KindVendor, extract.KindAgency, extract.KindCountry} {
				for _, s := range g.Suggest(kind, q, 3) {
					sim = append(sim, kind+": "+s)
				}
			}
			if len(sim) > 0 {
				fmt.Fprintf(a.stdout, "  close known names: %s\n", strings.Join(sim, "; "))
			}
			fmt.Fprintln(a.stdout, "  to add it, list it in the file named by gazetteer: in feeds.yaml (see docs/extraction.md)")
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("names: not in the gazetteer: %s", strings.Join(unknown, ", "))
	}
	return nil
}

// gazetteer returns the built-in gazetteer extended by the file that feeds.yaml names with
// "gazetteer:". Without a feeds file (none given and no ./feeds.yaml) it is the built-in list.
func (a *app) gazetteer() (*extract.Gazetteer, error) {
	path := a.configFile()
	if a.configPath == "" && a.getenv("BANTRACK_CONFIG") == "" {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return extract.Default(), nil
		}
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return nil, err
	}
	if cfg.Gazetteer == "" {
		return extract.Default(), nil
	}
	g, err := extract.LoadGazetteer(cfg.Gazetteer)
	if err != nil {
		return nil, &configError{err}
	}
	return g, nil
}
