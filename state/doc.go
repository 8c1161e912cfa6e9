// Package state keeps what bantrack remembers between runs, in one bbolt file in the data folder:
// HTTP validators per URL (for conditional GET), each source's health, the documents already seen,
// and the digest ledger of what was sent. It also owns the data folder's lock, the schema version
// of the store with its migrations, and atomic replacement of small files (WriteFile).
//
// A writer holds the bbolt file for as long as it has it open (bbolt takes an exclusive flock), so
// readers that must not wait use OpenReadOnly with a short timeout and fall back to something else.
//
// It knows nothing about HTTP, extraction, the index or email: callers hand it plain values.
package state
