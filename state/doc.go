// Package state keeps what bantrack remembers between runs, in one bbolt file in the data folder:
// HTTP validators per URL (for conditional GET), each source's health, the documents already seen,
// and the digest ledger of what was sent. It also owns the data folder's lock.
//
// It knows nothing about HTTP, extraction, the index or email: callers hand it plain values.
package state
