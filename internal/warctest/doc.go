// Package warctest reads WARC files for bantrack's tests with github.com/CorentinB/warc, a library
// written apart from the one bantrack writes its archive with (github.com/nlnwa/gowarc/v3): what
// it reads back shows that the archive and the evidence packs are WARC that other tools read, not
// only files that bantrack's own reader accepts. Only tests import it.
package warctest
