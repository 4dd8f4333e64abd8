package ical_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
)

// weeklyUID is the UID of the recurring event of google-weekly.ics, a
// Google Calendar export of a weekly seminar: 13 Mondays at 4 pm from
// September 8 to December 8, 2025, less October 13 (EXDATE), October 20
// moved to 5 pm with a speaker (an override), and a lunch on its own.
const weeklyUID = "5r7u2k9d3f6h1j4l8n0p2s5v7x@google.com"

func TestDecode_Calendars(t *testing.T) {
	res := decodeFile(t, "google-weekly.ics", nil)
	assert.Equal(t, []ical.Calendar{{
		Name:        "CSAIL Vision Seminar",
		Description: "Talks on computer vision at MIT CSAIL, Mondays at 4 pm. Announcements go to vision-meeting@csail.mit.edu.",
		TimeZone:    "America/New_York",
		Line:        1,
	}}, res.Calendars)

	two := "BEGIN:VCALENDAR\r\nNAME:First\r\nDESCRIPTION:<p>An <b>HTML</b> description</p>\r\n" +
		"BEGIN:VEVENT\r\nUID:a@example.org\r\nDTSTART:20250107T210000Z\r\nSUMMARY:A\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n" +
		"BEGIN:VCALENDAR\r\nX-WR-CALNAME:Second\r\nNAME:Not this one\r\n" +
		"BEGIN:VEVENT\r\nUID:b@example.org\r\nDTSTART:20250108T210000Z\r\nSUMMARY:B\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n" +
		"BEGIN:VEVENT\r\nUID:c@example.org\r\nDTSTART:20250109T210000Z\r\nSUMMARY:C\r\nEND:VEVENT\r\n"
	res = decodeString(t, two, nil)
	require.Len(t, res.Calendars, 3, "a VEVENT outside every VCALENDAR makes one of its own")
	assert.Equal(t, ical.Calendar{Name: "First", Description: "An HTML description", Line: 1}, res.Calendars[0],
		"RFC 7986's NAME and DESCRIPTION, when there is no X-WR-CALNAME or X-WR-CALDESC")
	assert.Equal(t, "Second", res.Calendars[1].Name, "X-WR-CALNAME before NAME: Google and Outlook read it")
	assert.Equal(t, ical.Calendar{Line: 19}, res.Calendars[2])
	calendarOf := map[string]int{}
	for _, o := range res.Occurrences {
		calendarOf[o.UID] = o.Calendar
	}
	assert.Equal(t, map[string]int{"a@example.org": 0, "b@example.org": 1, "c@example.org": 2}, calendarOf)
}

func TestDecode_Masters(t *testing.T) {
	res := decodeFile(t, "google-weekly.ics", nil)
	require.Len(t, res.Masters, 1, "the lunch does not recur")
	m := res.Masters[0]
	assert.Equal(t, weeklyUID, m.UID)
	assert.Equal(t, "Vision Seminar", m.Title, "the master's SUMMARY, not an override's")
	assert.Equal(t, "2025-09-08T16:00:00-04:00", m.Start.Format(time.RFC3339), "its DTSTART")
	assert.Equal(t, time.Hour, m.End.Sub(m.Start))
	assert.Equal(t, "America/New_York", m.TimeZone)
	assert.Empty(t, m.RecurrenceID)
	assert.Equal(t, "32-D507", m.Location)

	res = decodeFile(t, "google-weekly.ics", &ical.DecodeOptions{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	assert.Empty(t, res.Masters, "a recurring event with no occurrence in the window is not listed")
}

// TestDecode_LongAllDay checks that an all-day event longer than
// seminar.MaxDuration is kept (a calendar holds terms and breaks), and
// that its seminar event ends MaxDuration after its start.
func TestDecode_LongAllDay(t *testing.T) {
	res := decodeString(t, wrapVEvents(
		"BEGIN:VEVENT", "UID:term@example.org", "SUMMARY:Summer term", "DTSTART;VALUE=DATE:20250602",
		"DTEND;VALUE=DATE:20250902", "END:VEVENT",
		"BEGIN:VEVENT", "UID:break@example.org", "SUMMARY:Winter break", "DTSTART;VALUE=DATE:20251218",
		"DTEND;VALUE=DATE:20260108", "END:VEVENT",
		"BEGIN:VEVENT", "UID:timed@example.org", "SUMMARY:Forty days", "DTSTART:20250101T090000Z",
		"DTEND:20250210T090000Z", "END:VEVENT",
	), nil)
	byUID := map[string]ical.Occurrence{}
	for _, o := range res.Occurrences {
		byUID[o.UID] = o
	}
	require.Len(t, byUID, 2, "the all-day events are kept; a timed event longer than seminar's limit is not")

	term := byUID["term@example.org"]
	assert.Equal(t, time.Date(2025, 9, 2, 0, 0, 0, 0, time.UTC), term.End, "the occurrence is as the file says")
	e := term.Event()
	assert.Equal(t, term.Start.Add(seminar.MaxDuration), e.End, "the seminar event ends after seminar's limit")
	require.NoError(t, e.Validate())

	winter := byUID["break@example.org"]
	assert.Equal(t, 21*24*time.Hour, winter.Event().End.Sub(winter.Event().Start), "a 21-day break is within the limit")

	var reasons []string
	for _, s := range res.Skipped {
		reasons = append(reasons, s.UID+": "+s.Reason)
	}
	assert.Equal(t, []string{
		"term@example.org: the all-day event lasts 92 days, longer than seminar's limit of 31 for an event; it is kept, " +
			"and as a seminar event (Occurrence.Event) it ends after its first 31 days",
		"timed@example.org: the event lasts 960h0m0s, longer than seminar's limit of 744h0m0s; it is left out",
	}, reasons)
}
