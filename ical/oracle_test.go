package ical_test

import (
	"bytes"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar/ical"
)

// TestGolangICal_isAnOracleNotTheEncoder records, as measurements, why
// golang-ical reads our output in the tests but does not write it
// (docs/DESIGN.md): each assertion is a defect of its default output that
// our Encoder must not have, shown side by side with what ours writes for
// the same event. If a golang-ical upgrade fixes one, this test says so,
// and the record in docs/DESIGN.md should change with it.
func TestGolangICal_isAnOracleNotTheEncoder(t *testing.T) {
	e := seedEvent()
	e.Contact.Name = "Doe, Jane"
	e.Abstract = "line one\r\nline two\rline three"

	c := ics.NewCalendar()
	ev := c.AddEvent(e.UID)
	ev.SetStartAt(e.Start)
	ev.SetOrganizer("mailto:"+e.Contact.Email, ics.WithCN(e.Contact.Name))
	ev.SetDescription(e.Abstract)
	theirs := c.Serialize()

	var b bytes.Buffer
	require.NoError(t, ical.EncodeEvent(&b, e, nil))
	ours := b.String()

	t.Run("line endings", func(t *testing.T) {
		assert.NotContains(t, theirs, "\r\n", "golang-ical ends lines in LF by default; RFC 5545 wants CRLF")
		assert.Equal(t, strings.Count(ours, "\n"), strings.Count(ours, "\r\n"), "ours ends every line in CRLF")
	})
	t.Run("parameter values", func(t *testing.T) {
		assert.Contains(t, theirs, `CN=Doe\, Jane`, "golang-ical backslash-escapes a comma in a parameter, which ical.js mis-reads and vobject refuses")
		assert.Contains(t, ours, `CN="Doe, Jane"`, "ours quotes it, as RFC 5545 3.2 says")
	})
	t.Run("control characters in text", func(t *testing.T) {
		desc := theirs[strings.Index(theirs, "DESCRIPTION:"):]
		desc = desc[:strings.Index(desc, "END:VEVENT")]
		assert.Contains(t, desc, "\r", "golang-ical writes a bare CR inside a TEXT value")
		assert.Contains(t, ours, `line one\nline two\nline three`, "ours turns CR and CRLF into an escaped line break")
	})
	t.Run("times", func(t *testing.T) {
		assert.Contains(t, theirs, "DTSTART:"+e.Start.UTC().Format("20060102T150405Z"), "SetStartAt writes UTC only")
		assert.NotContains(t, theirs, "VTIMEZONE", "golang-ical generates no VTIMEZONE")
		assert.Contains(t, ours, "DTSTART;TZID=America/New_York:20170612T160000", "ours writes the talk's wall time in its zone")
		assert.Contains(t, ours, "BEGIN:VTIMEZONE", "with the zone's definition")
	})
}
