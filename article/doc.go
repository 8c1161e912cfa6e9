// Package article defines Article, the one document type that every bantrack stage speaks:
// the crawler produces it, extract fills its entities, index stores it, digest renders it,
// and the export record is its JSON form.
//
// It imports the standard library only and does no I/O.
package article
