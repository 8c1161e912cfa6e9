package main

import (
	"context"
	"errors"

	"github.com/bantrack/bantrack/extract"
)

func demoGazetteer() *extract.Gazetteer { return extract.Default() }

var errNotYet = errors.New("not built yet")

func runDaemon(ctx context.Context, a *app, args []string) error { return errNotYet }
func runStatus(ctx context.Context, a *app, args []string) error { return errNotYet }
