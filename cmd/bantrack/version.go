package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

func runVersion(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet("version")
	if _, err := parseInterspersed(fs, args, false); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "bantrack %s\n", version)
	if bi, ok := debug.ReadBuildInfo(); ok {
		fmt.Fprintf(a.stdout, "go:      %s\n", bi.GoVersion)
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision", "vcs.time", "vcs.modified", "GOOS", "GOARCH":
				fmt.Fprintf(a.stdout, "%-8s %s\n", s.Key+":", s.Value)
			}
		}
	}
	return nil
}
