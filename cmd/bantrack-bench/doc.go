// Command bantrack-bench measures bantrack's crawl pipeline end to end at scale. It serves a
// generated web on loopback (news RSS feeds, news sitemaps, Chinese and US regulators'
// paginated listings; English and Chinese articles of real lengths with page chrome, a fifth
// of them about bans), crawls it with politeness off through the same stages as `bantrack
// crawl` (crawler, extract, index, state) into a temporary data folder, then crawls the
// unchanged site again, and prints the figures:
//
//	go run ./cmd/bantrack-bench -docs 20000
//	go run ./cmd/bantrack-bench -docs 5000 -json -cpuprofile cpu.out
//
// It is a measuring tool only: nothing it builds is kept unless -dir is given.
//
// It owns its generated site (gen.go, site.go) and the measuring loop (bench.go), which mirrors
// cmd/bantrack's crawl pipeline; it must not be imported, must not touch the network beyond
// loopback, and must not become a second pipeline that cmd/bantrack depends on.
package main
