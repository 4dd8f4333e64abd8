package ical_test

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar/ical"
)

// TestDecode_Blocks checks that an input read in blocks of any size, from
// one byte up, decodes as it does read whole: lines folded across a
// block's end, CRLF split between two blocks, a byte order mark cut by
// one, and components and calendars spanning several, whether the reader
// tells the input's length or not.
func TestDecode_Blocks(t *testing.T) {
	var feed bytes.Buffer
	encodeBenchCalendar(t, &feed, 4)
	folded := foldAt(foldEvent, "DESCRIPTION", 3, 4, 30, 31, 50)
	inputs := map[string]string{
		"folds LF":            folded,
		"folds CRLF":          strings.ReplaceAll(folded, "\n", "\r\n"),
		"byte order mark":     "\ufeff" + strings.ReplaceAll(folded, "\n", "\r\n"),
		"two calendars, junk": folded + "junk\r\n" + strings.ReplaceAll(foldEvent, "fold@", "other@"),
		"unclosed event":      strings.TrimSuffix(folded, "END:VEVENT\nEND:VCALENDAR\n"),
		"feed of four":        feed.String(),
	}
	for name, text := range inputs {
		want, err := ical.DecodeInBlocksForTest(strings.NewReader(text), nil, len(text)+1)
		require.NoError(t, err, name)
		require.NotEmpty(t, want.Calendars, name)
		whole, err := ical.Decode(strings.NewReader(text), nil)
		require.NoError(t, err, name)
		require.Equal(t, want, whole, "%s: Decode reads it in one block", name)
		readers := map[string]func() io.Reader{
			"sized":   func() io.Reader { return strings.NewReader(text) },
			"unsized": func() io.Reader { return iotest.HalfReader(strings.NewReader(text)) },
		}
		step := max(1, len(text)/300)
		for block := 1; block <= len(text); block += step {
			for kind, r := range readers {
				got, err := ical.DecodeInBlocksForTest(r(), nil, block)
				require.NoError(t, err, "%s, %s, blocks of %d", name, kind, block)
				require.Equal(t, want, got, "%s, %s reader, blocks of %d bytes", name, kind, block)
			}
		}
	}
}

// TestDecode_BlocksTooLarge checks that MaxBytes holds however the input is
// read in blocks.
func TestDecode_BlocksTooLarge(t *testing.T) {
	text := strings.Repeat(foldEvent, 3)
	for _, block := range []int{1, 7, 64, len(text)} {
		_, err := ical.DecodeInBlocksForTest(iotest.HalfReader(strings.NewReader(text)),
			&ical.DecodeOptions{MaxBytes: int64(len(text) - 1)}, block)
		assert.ErrorIs(t, err, ical.ErrTooLarge, "blocks of %d", block)
		_, err = ical.DecodeInBlocksForTest(iotest.HalfReader(strings.NewReader(text)),
			&ical.DecodeOptions{MaxBytes: int64(len(text))}, block)
		assert.NoError(t, err, "blocks of %d", block)
	}
}
