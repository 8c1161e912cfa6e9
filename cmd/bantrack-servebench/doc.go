// Command bantrack-servebench loads the web server as a team would: it builds an index of
// generated English and Chinese articles (internal/corpus), serves it with the real handler of
// `bantrack serve` on loopback, and runs many clients at once, each running a number of
// searches (the JSON API, and the HTML page one time in five). It prints the latency (p50, p99,
// max), the throughput and the errors, beside the same searches run in-process without HTTP in
// the same run, as a baseline.
//
//	go run ./cmd/bantrack-servebench -docs 20000 -clients 200 -searches 50
//
// -dir keeps the index (and -reuse serves the one an earlier run left there).
package main
