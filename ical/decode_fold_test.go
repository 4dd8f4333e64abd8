package ical_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar/ical"
)

// foldEvent is a calendar whose lines are folded below in every way: its
// DESCRIPTION holds escapes and characters of two, three and four bytes,
// and its ORGANIZER a quoted parameter value holding ':' ';' and ','.
const foldEvent = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\nBEGIN:VEVENT\nUID:fold@example.com\n" +
	"DTSTART;TZID=Europe/Berlin:20250107T160000\nDTEND;TZID=Europe/Berlin:20250107T170000\n" +
	"SUMMARY:Caf\u00e9 \\, \u20ac talk\\; part 1\n" +
	"DESCRIPTION:Line one\\nZ\u00fcrich \u20ac \U0001F600 a\\,b\\;c\\\\d\\Ne\n" +
	"ORGANIZER;CN=\"Doe, Jane: ; x\":mailto:jane@example.org\n" +
	"LOCATION:Room 1\nEND:VEVENT\nEND:VCALENDAR\n"

// foldAt folds the line starting with prefix at each byte offset of cuts
// (from the line's start), as a writer that cuts inside a character does.
func foldAt(cal, prefix string, cuts ...int) string {
	i := strings.Index(cal, "\n"+prefix) + 1
	end := i + strings.IndexByte(cal[i:], '\n')
	line := cal[i:end]
	var b strings.Builder
	last := 0
	for _, c := range cuts {
		b.WriteString(line[last:c])
		b.WriteString("\n ")
		last = c
	}
	b.WriteString(line[last:])
	return cal[:i] + b.String() + cal[end:]
}

// TestDecode_Folds checks that a line folded at any byte, inside a
// character or an escape or not, with CRLF or LF line ends, and read from
// any kind of reader, decodes as the unfolded line does.
func TestDecode_Folds(t *testing.T) {
	want, err := ical.Decode(strings.NewReader(foldEvent), nil)
	require.NoError(t, err)
	require.Len(t, want.Occurrences, 1)
	o := want.Occurrences[0]
	assert.Equal(t, "Line one\nZ\u00fcrich \u20ac \U0001F600 a,b;c\\d\ne", o.Description)
	assert.Equal(t, "Caf\u00e9 , \u20ac talk; part 1", o.Title)
	assert.Equal(t, "Doe, Jane: ; x", o.Organizer.Name)
	assert.Equal(t, "jane@example.org", o.Organizer.Email)

	crlf := func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
	for _, prefix := range []string{"DESCRIPTION", "SUMMARY", "ORGANIZER", "DTSTART"} {
		i := strings.Index(foldEvent, "\n"+prefix) + 1
		n := strings.IndexByte(foldEvent[i:], '\n')
		for cut := 1; cut < n; cut++ {
			for _, cal := range []string{foldAt(foldEvent, prefix, cut), foldAt(foldEvent, prefix, 1, cut)} {
				if cut == 1 && strings.Count(cal, "\n ") == 2 {
					continue
				}
				for _, text := range []string{cal, crlf(cal)} {
					got, err := ical.Decode(strings.NewReader(text), nil)
					require.NoError(t, err)
					require.Equal(t, want.Occurrences, got.Occurrences, "%s folded at %d:\n%s", prefix, cut, text)
				}
			}
		}
	}
}

// TestDecode_Readers checks that every kind of reader gives the same
// result, and that MaxBytes holds for each.
func TestDecode_Readers(t *testing.T) {
	text := strings.ReplaceAll(foldAt(foldEvent, "DESCRIPTION", 30, 31, 50), "\n", "\r\n")
	want, err := ical.Decode(strings.NewReader(text), nil)
	require.NoError(t, err)
	require.Len(t, want.Occurrences, 1)
	path := filepath.Join(t.TempDir(), "cal.ics")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	readers := map[string]func() io.Reader{
		"strings.Reader": func() io.Reader { return strings.NewReader(text) },
		"bytes.Reader":   func() io.Reader { return bytes.NewReader([]byte(text)) },
		"bytes.Buffer":   func() io.Reader { return bytes.NewBufferString(text) },
		"one byte":       func() io.Reader { return iotest.OneByteReader(strings.NewReader(text)) },
		"half":           func() io.Reader { return iotest.HalfReader(strings.NewReader(text)) },
		"file": func() io.Reader {
			f, err := os.Open(path)
			require.NoError(t, err)
			t.Cleanup(func() { f.Close() })
			return f
		},
	}
	for name, r := range readers {
		got, err := ical.Decode(r(), nil)
		require.NoError(t, err, name)
		assert.Equal(t, want.Occurrences, got.Occurrences, name)
		for _, max := range []int64{int64(len(text)) - 1, 10} {
			_, err = ical.Decode(r(), &ical.DecodeOptions{MaxBytes: max})
			assert.ErrorIs(t, err, ical.ErrTooLarge, "%s, MaxBytes %d", name, max)
		}
		_, err = ical.Decode(r(), &ical.DecodeOptions{MaxBytes: int64(len(text))})
		assert.NoError(t, err, "%s, MaxBytes just enough", name)
	}
	_, err = ical.Decode(iotest.TimeoutReader(strings.NewReader(text)), nil)
	assert.True(t, errors.Is(err, iotest.ErrTimeout), "a read error is returned: %v", err)
}
