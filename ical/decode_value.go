package ical

import (
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// unescapeText reads an RFC 5545 3.3.11 TEXT value: \n and \N are line
// breaks, \\ \; \, are the characters themselves. Other backslash pairs are
// not TEXT but some writers emit them (Outlook's \: for instance): the
// character after the backslash is kept, which is what they meant.
func unescapeText(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.IndexByte(s, '\\')
		if i < 0 || i+1 == len(s) {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		switch c := s[i+1]; c {
		case 'n', 'N':
			b.WriteByte('\n')
		default:
			b.WriteByte(c)
		}
		s = s[i+2:]
	}
}

// splitTextList splits a TEXT list value (CATEGORIES) at its unescaped
// commas and unescapes each item.
func splitTextList(s string) []string {
	var items []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ',':
			items = append(items, unescapeText(s[start:i]))
			start = i + 1
		}
	}
	return append(items, unescapeText(s[start:]))
}

// splitTextLines reads a TEXT value as strings.SplitN(unescapeText(s),
// "\n", len(parts)) does, into parts (those past the last part found are
// ""), with each part that holds no escape a part of s, not a copy.
func splitTextLines(s string, parts []string) {
	start, k := 0, 0
	for i := 0; i < len(s) && k < len(parts)-1; i++ {
		if s[i] != '\\' {
			continue
		}
		if i+1 < len(s) && (s[i+1] == 'n' || s[i+1] == 'N') {
			parts[k] = unescapeText(s[start:i])
			k++
			start = i + 2
		}
		i++
	}
	parts[k] = unescapeText(s[start:])
}

// singleLine makes s fit a one-line field: invalid UTF-8 becomes U+FFFD,
// line breaks, tabs and other control characters become spaces (a title
// split over lines reads as one line in every calendar), and surrounding
// space goes.
func singleLine(s string) string {
	if plainASCII(s, false) {
		return strings.TrimSpace(s)
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// multiLine makes s fit a text field: invalid UTF-8 becomes U+FFFD, CRLF
// and CR become LF, and control characters other than LF and tab go.
func multiLine(s string) string {
	if plainASCII(s, true) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n' || r == '\t':
			return r
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

// plainASCII reports whether s is printable ASCII, with tabs and line
// feeds when breaks is set: text that singleLine (breaks false) or
// multiLine (breaks true) gives back as it is. It looks at eight bytes at
// a time, and at each byte only in the words holding one that is not
// printable ASCII.
func plainASCII(s string, breaks bool) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		// A high bit marks a byte of 0x80 or more, one below 0x20, or a
		// DEL (0x7f, which w+0x01 per byte carries into the high bit).
		// Adding 0x60 to a byte below 0x80 sets its high bit exactly when
		// it is 0x20 or more.
		low := ^(w&^highs + 0x60*ones) & highs
		if (w|low|(w&^highs+ones))&highs == 0 {
			continue
		}
		for _, c := range []byte(s[i : i+8]) {
			if !printable(c, breaks) {
				return false
			}
		}
	}
	for ; i < len(s); i++ {
		if !printable(s[i], breaks) {
			return false
		}
	}
	return true
}

func printable(c byte, breaks bool) bool {
	return c >= 0x20 && c < 0x7f || breaks && (c == '\n' || c == '\t')
}

// truncateUTF8 cuts s to at most n bytes without splitting a character, and
// reports whether it cut.
func truncateUTF8(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], true
}

// timeValue is a DATE or DATE-TIME value as written: a wall clock reading
// and what it is relative to.
type timeValue struct {
	// wall is the reading, as a time in UTC whose fields are the written
	// ones; a DATE is at midnight.
	wall time.Time
	date bool
	// zone is nil for a floating time or a DATE, and utcZone for a
	// reading ending in Z.
	zone *tzone
}

// instant returns the moment the value names: wall itself for a floating
// time or a date.
func (v timeValue) instant() time.Time {
	if v.zone == nil {
		return v.wall
	}
	return v.zone.resolve(v.wall)
}

var errBadDate = errors.New("is not a date (YYYYMMDD)")

// parseDate reads a DATE: YYYYMMDD.
func parseDate(s string) (time.Time, error) {
	if len(s) != 8 {
		return time.Time{}, errBadDate
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[4:6])
	d, ok3 := digits(s[6:8])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, time.Month(m)) {
		return time.Time{}, errBadDate
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), nil
}

// parseDateTime reads a DATE-TIME, YYYYMMDDTHHMMSS with an optional Z, and
// reports whether it had the Z. A leap second (60) is read as 59, as Go
// cannot hold it and no calendar needs it.
func parseDateTime(s string) (time.Time, bool, error) {
	utc := strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "z")
	if utc {
		s = s[:len(s)-1]
	}
	if len(s) != 15 || (s[8] != 'T' && s[8] != 't') {
		return time.Time{}, false, errors.New("is not a date-time (YYYYMMDDTHHMMSS)")
	}
	day, err := parseDate(s[:8])
	if err != nil {
		return time.Time{}, false, err
	}
	h, ok1 := digits(s[9:11])
	m, ok2 := digits(s[11:13])
	sec, ok3 := digits(s[13:15])
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || sec > 60 {
		return time.Time{}, false, errors.New("is not a date-time (YYYYMMDDTHHMMSS)")
	}
	sec = min(sec, 59)
	return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second), utc, nil
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysInMonth(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// nominal is an RFC 5545 3.3.6 DURATION: weeks and days are nominal (a day
// is a calendar day, 23 or 25 hours across a clock change), the rest exact.
type nominal struct {
	days  int
	exact time.Duration
}

// maxDurationDays bounds a DURATION so that adding it cannot overflow
// time.Duration: no event lasts a hundred years.
const maxDurationDays = 36600

// parseDuration reads a DURATION: [+|-]P(nW | nD[T...] | T[nH][nM][nS]).
func parseDuration(s string) (nominal, bool, error) {
	bad := errors.New("is not a duration (such as PT1H30M or P1D)")
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	if len(s) < 2 || (s[0] != 'P' && s[0] != 'p') {
		return nominal{}, false, bad
	}
	var d nominal
	inTime, seen := false, false
	n, haveN := 0, false
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			n = n*10 + int(c-'0')
			if n > maxDurationDays*86400 {
				return nominal{}, false, bad
			}
			haveN = true
			continue
		case c == 'T' || c == 't':
			if inTime || haveN {
				return nominal{}, false, bad
			}
			inTime = true
			continue
		}
		if !haveN {
			return nominal{}, false, bad
		}
		switch {
		case !inTime && (c == 'W' || c == 'w'):
			d.days += 7 * n
		case !inTime && (c == 'D' || c == 'd'):
			d.days += n
		case inTime && (c == 'H' || c == 'h'):
			d.exact += time.Duration(n) * time.Hour
		case inTime && (c == 'M' || c == 'm'):
			d.exact += time.Duration(n) * time.Minute
		case inTime && (c == 'S' || c == 's'):
			d.exact += time.Duration(n) * time.Second
		default:
			return nominal{}, false, bad
		}
		n, haveN, seen = 0, false, true
	}
	if haveN || !seen || d.days > maxDurationDays || d.exact > maxDurationDays*24*time.Hour {
		return nominal{}, false, bad
	}
	return d, neg, nil
}

// parseUTCOffset reads a UTC-OFFSET (+HHMM, -HHMM or with seconds) as
// seconds east of UTC.
func parseUTCOffset(s string) (int, error) {
	bad := errors.New("is not a UTC offset (such as -0500)")
	if len(s) != 5 && len(s) != 7 {
		return 0, bad
	}
	sign := 1
	switch s[0] {
	case '-':
		sign = -1
	case '+':
	default:
		return 0, bad
	}
	h, ok1 := digits(s[1:3])
	m, ok2 := digits(s[3:5])
	sec, ok3 := 0, true
	if len(s) == 7 {
		sec, ok3 = digits(s[5:7])
	}
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || sec > 59 {
		return 0, bad
	}
	return sign * (h*3600 + m*60 + sec), nil
}
