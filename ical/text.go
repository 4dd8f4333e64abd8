package ical

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// maxLineOctets is the longest a content line may be, CRLF excluded
// (RFC 5545 3.1). A continuation line's leading space counts towards it.
const maxLineOctets = 75

// appendText appends s as an RFC 5545 3.3.11 TEXT value. CRLF and a lone CR
// become LF first, so text pasted from any system reads the same; other
// control characters are dropped, as TEXT cannot carry them (tab stays: it
// is WSP, which TEXT allows). Then backslash, semicolon, comma and newline
// are escaped. Invalid UTF-8 becomes U+FFFD, since an iCalendar stream is
// UTF-8 and one bad byte makes strict parsers refuse the whole file.
func appendText(dst []byte, s string) []byte { return escapeText(dst, s, `\n`) }

// appendLine is appendText for a value that must stay on one line: a line
// break becomes a space.
func appendLine(dst []byte, s string) []byte { return escapeText(dst, s, " ") }

func escapeText(dst []byte, s string, newline string) []byte {
	for i := 0; i < len(s); {
		// Copy the run of bytes that need nothing in one append: most
		// text is mostly plain ASCII.
		run := i
		for run < len(s) && textPlain[s[run]] {
			run++
		}
		dst = append(dst, s[i:run]...)
		if i = run; i == len(s) {
			break
		}
		switch c := s[i]; c {
		case '\\', ';', ',':
			dst = append(dst, '\\', c)
		case '\r':
			dst = append(dst, newline...)
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		case '\n':
			dst = append(dst, newline...)
		default:
			if c >= utf8.RuneSelf {
				dst, i = appendRune(dst, s, i)
				continue
			}
			// other C0 controls and DEL are dropped
		}
		i++
	}
	return dst
}

// textPlain marks the bytes a TEXT value holds as they are: printable
// ASCII other than the escaped three, and tab.
var textPlain = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	t['\t'] = true
	t['\\'], t[';'], t[','] = false, false, false
	return t
}()

// appendRune appends the non-ASCII rune starting at s[i] and returns the
// index past it: C1 control characters are dropped and invalid UTF-8 becomes
// U+FFFD.
func appendRune(dst []byte, s string, i int) ([]byte, int) {
	r, size := utf8.DecodeRuneInString(s[i:])
	switch {
	case r == utf8.RuneError && size <= 1:
		return utf8.AppendRune(dst, utf8.RuneError), i + 1
	case r >= 0x80 && r <= 0x9f:
		return dst, i + size
	}
	return append(dst, s[i:i+size]...), i + size
}

// appendParam appends s as a parameter value (RFC 5545 3.2). A value holding
// ',' ';' or ':' is put in double quotes.
//
// Three characters have no portable reading, so each is written as a
// character that looks the same and reads the same everywhere:
//   - a double quote cannot appear in a parameter value at all; it becomes
//     an apostrophe. RFC 6868 would write it as ^', but python-icalendar
//     and vobject do not decode that and show the caret;
//   - a backslash is literal in a parameter value, but golang-ical and
//     ical.js read it as the start of an escape (golang-ical drops it, and
//     before a closing quote fails the whole file); it becomes U+FF3C
//     FULLWIDTH REVERSE SOLIDUS;
//   - a caret before n, ', " or another caret would be decoded by RFC 6868
//     readers (ical.js, libical) and not by others; it becomes U+FF3E
//     FULLWIDTH CIRCUMFLEX ACCENT.
//
// Parameter values are one line: a line break becomes a space. Other
// control characters are dropped and invalid UTF-8 becomes U+FFFD, as in
// appendText.
func appendParam(dst []byte, s string) []byte {
	quote := needsQuotes(s)
	if quote {
		dst = append(dst, '"')
	}
	// A caret is written once the next written character is known: before
	// n, N, ' or ^ an RFC 6868 reader would decode it, so it becomes its
	// lookalike. Characters dropped in between do not count.
	caret := false
	flush := func(next byte) {
		if caret {
			if strings.IndexByte(`nN'^`, next) >= 0 {
				dst = append(dst, "\uFF3E"...)
			} else {
				dst = append(dst, '^')
			}
			caret = false
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '^':
			flush('^')
			caret = true
		case c == '"':
			flush('\'')
			dst = append(dst, '\'')
		case c == '\\':
			flush(0)
			dst = append(dst, "\uFF3C"...)
		case c == '\r' || c == '\n':
			flush(' ')
			dst = append(dst, ' ')
			if c == '\r' && i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		case c == '\t' || (c >= 0x20 && c < 0x7f):
			flush(c)
			dst = append(dst, c)
		case c >= utf8.RuneSelf:
			if r, _ := utf8.DecodeRuneInString(s[i:]); r < 0x80 || r > 0x9f { // appendRune drops C1 controls
				flush(c)
			}
			dst, i = appendRune(dst, s, i)
			continue
		}
		i++
	}
	flush(0)
	if quote {
		dst = append(dst, '"')
	}
	return dst
}

func needsQuotes(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', ';', ':':
			return true
		}
	}
	return false
}

// appendURI appends a URI or other value that takes no TEXT escaping
// (CAL-ADDRESS, URI, TZID names): only control characters are dropped, so
// that no value can end its line early, and invalid UTF-8 becomes U+FFFD.
func appendURI(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			dst = append(dst, c)
		case c >= utf8.RuneSelf:
			dst, i = appendRune(dst, s, i)
			continue
		}
		i++
	}
	return dst
}

// appendFolded appends the content line to dst, folded so that no line is
// longer than 75 octets (RFC 5545 3.1), followed by CRLF.
func appendFolded(dst, line []byte) []byte {
	limit := maxLineOctets
	for len(line) > limit {
		cut := foldPoint(line, limit)
		dst = append(dst, line[:cut]...)
		dst = append(dst, '\r', '\n', ' ')
		line = line[cut:]
		limit = maxLineOctets - 1 // the leading space counts
	}
	dst = append(dst, line...)
	return append(dst, '\r', '\n')
}

// foldWindow is how far back from the longest possible line foldPoint
// looks for a good place to fold.
const foldWindow = 16

// foldPoint returns where to fold a line longer than limit. RFC 5545 allows
// a fold anywhere, but some readers decode or unescape each physical line
// on its own, trim spaces at line ends, or strip all the white space that
// starts a continuation. So a fold never splits a UTF-8 sequence, and where
// it can it avoids white space on either side and a backslash before it,
// which would split an escape.
func foldPoint(line []byte, limit int) int {
	for cut := limit; cut > limit-foldWindow; cut-- {
		if utf8.RuneStart(line[cut]) && !awkwardFold(line[cut-1], line[cut]) {
			return cut
		}
	}
	for cut := limit; cut > limit-utf8.UTFMax; cut-- {
		if utf8.RuneStart(line[cut]) {
			return cut
		}
	}
	return limit // not UTF-8 at all; the line must still end
}

func awkwardFold(before, after byte) bool {
	return before == ' ' || before == '\t' || before == '\\' || after == ' ' || after == '\t'
}

// appendUTC appends t as a DATE-TIME in UTC form: 20170612T200000Z.
func appendUTC(dst []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(dst, "20060102T150405Z")
}

// appendLocal appends the wall clock reading of t as a DATE-TIME without a
// zone (the form used with TZID and inside VTIMEZONE): 20170612T160000.
func appendLocal(dst []byte, t time.Time) []byte {
	return t.AppendFormat(dst, "20060102T150405")
}

// appendDuration appends d, rounded down to whole seconds, as an RFC 5545
// 3.3.6 DURATION: PT1H, P1D, P1DT12H30M. Only positive durations are
// written; anything under a second is PT0S.
func appendDuration(dst []byte, d time.Duration) []byte {
	secs := max(int64(d/time.Second), 0)
	dst = append(dst, 'P')
	if days := secs / 86400; days > 0 {
		dst = append(strconv.AppendInt(dst, days, 10), 'D')
		if secs %= 86400; secs == 0 {
			return dst
		}
	}
	dst = append(dst, 'T')
	h, m, s := secs/3600, secs/60%60, secs%60
	if h > 0 {
		dst = append(strconv.AppendInt(dst, h, 10), 'H')
	}
	if m > 0 {
		dst = append(strconv.AppendInt(dst, m, 10), 'M')
	}
	if s > 0 || (h == 0 && m == 0) {
		dst = append(strconv.AppendInt(dst, s, 10), 'S')
	}
	return dst
}

// appendOffset appends a UTC offset in seconds as RFC 5545 3.3.14 UTC-OFFSET:
// +0530, -0300, or +053328 when the offset has seconds (local mean times).
func appendOffset(dst []byte, secs int) []byte {
	sign := byte('+')
	if secs < 0 {
		sign = '-'
		secs = -secs
	}
	dst = append(dst, sign)
	dst = append2(dst, secs/3600)
	dst = append2(dst, secs/60%60)
	if s := secs % 60; s != 0 {
		dst = append2(dst, s)
	}
	return dst
}

func append2(dst []byte, n int) []byte {
	return append(dst, byte('0'+n/10%10), byte('0'+n%10))
}
