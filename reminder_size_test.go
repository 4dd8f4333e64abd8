package seminar_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
	"github.com/seminarkit/seminar/mail"
	"github.com/seminarkit/seminar/store/memstore"
)

// The seed talk's reminder, composed by mail and with the calendar ical
// writes, stays small: its VTIMEZONE holds only New York's current rule, an
// RRULE'd pair, where it held the zone's history back to 1898 (14
// observances, 2.2 KB, in each of the message's two copies of the
// calendar). The message was 26 KB with it.
func TestCalendar_PreviewReminder_seedSize(t *testing.T) {
	clk := &clock{now: seedCreated}
	cal, err := seminar.New(memstore.New(), &seminar.Options{
		Domain: "csail.mit.edu", Now: clk.Now, Composer: mail.Composer{},
		ICS: &ical.Attacher{}, From: "CSAIL Seminars <seminars@csail.mit.edu>",
	})
	require.NoError(t, err)
	talk, err := cal.Create(t.Context(), seedEvent(t))
	require.NoError(t, err)
	p, err := cal.PreviewReminder(t.Context(), talk.ID)
	require.NoError(t, err)
	require.NotNil(t, p.Message.Calendar)

	ics := string(p.Message.Calendar.Data)
	start, end := strings.Index(ics, "BEGIN:VTIMEZONE"), strings.Index(ics, "END:VTIMEZONE")
	require.True(t, start >= 0 && end > start, "the calendar has a VTIMEZONE:\n%s", ics)
	vtimezone := ics[start:end]
	assert.Equal(t, 2, strings.Count(vtimezone, "BEGIN:STANDARD")+strings.Count(vtimezone, "BEGIN:DAYLIGHT"),
		"the VTIMEZONE holds New York's current rule only:\n%s", vtimezone)
	assert.Less(t, len(vtimezone), 512, "VTIMEZONE bytes")
	assert.Less(t, len(ics), 6<<10, "calendar bytes")
	assert.Less(t, len(p.Raw), 24<<10, "message bytes")
	t.Logf("the seed reminder: %d bytes, its calendar %d (VTIMEZONE %d), attached twice", len(p.Raw), len(ics), len(vtimezone))
}
