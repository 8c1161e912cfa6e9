package main

import (
	"github.com/bantrack/bantrack/extract"
)

func demoGazetteer() *extract.Gazetteer { return extract.Default() }
