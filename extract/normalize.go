package extract

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// normText is text in the form the matcher works on: NFKC, lower case, traditional Chinese
// characters simplified, full-width forms made half-width, typographic quotes and dashes made ASCII, runs of white space made one space.
// off maps each byte of s to the byte offset in the source of the rune it came from; off has one
// entry more than s, the source's length, so that a span [i, j) of s maps to [off[i], off[j]).
type normText struct {
	s   string
	off []int32
}

// normalize returns the matching form of src with its offset map.
func normalize(src string) normText {
	buf := make([]byte, 0, len(src)+8)
	off := make([]int32, 0, len(src)+9)
	space := false // last byte written was a space
	var tmp [utf8.UTFMax]byte
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
				if !space {
					buf = append(buf, ' ')
					off = append(off, int32(i))
					space = true
				}
			case 'A' <= c && c <= 'Z':
				buf = append(buf, c+'a'-'A')
				off = append(off, int32(i))
				space = false
			default:
				buf = append(buf, c)
				off = append(off, int32(i))
				space = false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(src[i:])
		var out string
		switch {
		case r == utf8.RuneError && size == 1:
			out = "\uFFFD"
		case r >= 0x4E00 && r <= 0x9FFF: // CJK unified ideographs: traditional forms simplified
			if t := simplified(r); t != r {
				out = string(utf8.AppendRune(tmp[:0], t))
			} else {
				out = src[i : i+size]
			}
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			b := byte(r - 0xFEE0)
			if 'A' <= b && b <= 'Z' {
				b += 'a' - 'A'
			}
			tmp[0] = b
			out = string(tmp[:1])
		default:
			out = foldRune(r)
		}
		if out == " " {
			if !space {
				buf = append(buf, ' ')
				off = append(off, int32(i))
				space = true
			}
			i += size
			continue
		}
		for j := 0; j < len(out); j++ {
			buf = append(buf, out[j])
			off = append(off, int32(i))
		}
		space = false
		i += size
	}
	off = append(off, int32(len(src)))
	return normText{s: string(buf), off: off}
}

// foldRune is the normal form of one non-ASCII, non-ideograph rune.
func foldRune(r rune) string {
	switch r {
	case '\u2018', '\u2019', '\u201B', '\u2032', '\u00B4', '\u02BC':
		return "'"
	case '\u201C', '\u201D', '\u201F', '\u2033':
		return `"`
	case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212':
		return "-"
	case '\u00A0', '\u3000', '\u2002', '\u2003', '\u2009', '\u200A', '\u202F', '\u205F':
		return " "
	case '\u200B', '\u200C', '\u200D', '\uFEFF', '\u00AD':
		return ""
	}
	if unicode.IsSpace(r) {
		return " "
	}
	s := norm.NFKC.String(string(r))
	lower := make([]rune, 0, 2)
	for _, x := range s {
		lower = append(lower, unicode.ToLower(x))
	}
	return string(lower)
}

// normalizeAlias is normalize without the offset map, for gazetteer aliases and look-ups.
func normalizeAlias(s string) string {
	n := normalize(s).s
	for len(n) > 0 && n[0] == ' ' {
		n = n[1:]
	}
	for len(n) > 0 && n[len(n)-1] == ' ' {
		n = n[:len(n)-1]
	}
	return n
}

// isWordRune reports whether r belongs to a Latin-script word, so that a match next to it is not
// at a word boundary. Ideographs, kana and hangul never join words with Latin letters.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	if r >= 0x2E80 {
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
