// Package config loads and validates feeds.yaml, the file that lists the sources bantrack crawls,
// their politeness settings and the email digest.
//
// Decoding is strict: unknown keys, wrong types and invalid values are all reported at once,
// each as "file:line: field: problem" (see Error), so that a broken file can be repaired in
// one pass. Defaults are applied in three layers: the built-in defaults (DefaultSource,
// DefaultDigest), then the file's defaults section, then each source's own fields; a field set
// explicitly, even to false or 0, always wins over the layer beneath it.
//
// The package does no network I/O and does not read the environment: the SMTP password is only
// named here (SMTP.PasswordEnv) and looked up by the caller. Apart from the file given to Load it
// reads nothing but the time zone database. It must not import crawler, extract, index, digest
// or state.
package config
