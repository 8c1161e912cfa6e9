// Package archive keeps every HTTP response bantrack reads as evidence, in WARC 1.1 files (ISO
// 28500): a request and a response record per exchange, each record its own gzip member so that a
// file can be read from any record's offset, files rotated at a size. Records are marshalled by
// github.com/nlnwa/gowarc; this package chooses the files, keeps the offsets and syncs each
// record to disk before its location is returned, so that the state may say a document exists
// only once its response is safe.
//
// It does no crawling and knows nothing of the index: the pipeline hands it exchanges and keeps
// the locations it returns.
package archive
