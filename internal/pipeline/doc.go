// Package pipeline is where bantrack's stages meet: it opens the data folder (lock, state store,
// index), runs a crawl (crawler → extract → index → state), and keeps the status snapshot.
// `bantrack crawl`, `run`, `demo` and both bench commands go through it, so the benches measure
// what users run.
//
// The stage packages (crawler, extract, index, digest, archive, web) never import each other; this
// package joins them. It is internal: no other module should build on it.
package pipeline
