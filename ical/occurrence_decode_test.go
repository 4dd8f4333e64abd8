package ical_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
	"github.com/seminarkit/seminar/store/memstore"
)

// TestOccurrence_Event checks the seminar.Event made of an occurrence from
// a file some other client wrote.
func TestOccurrence_Event(t *testing.T) {
	res := decodeFile(t, "google.ics", nil)
	byKey := map[string]ical.Occurrence{}
	for _, o := range res.Occurrences {
		byKey[o.UID+"/"+o.RecurrenceID] = o
	}

	t.Run("single timed event", func(t *testing.T) {
		o := byKey["4m1b6lq1kq0ao0ijq7r8d2g9v4@google.com/"]
		e := o.Event()
		created := time.Date(2017, 6, 9, 14, 10, 0, 0, time.UTC)
		assert.Equal(t, &seminar.Event{
			UID:       "4m1b6lq1kq0ao0ijq7r8d2g9v4@google.com",
			Title:     "A picture of the energy landscape of deep neural networks",
			Contact:   seminar.Person{Name: "Bolei Zhou", Email: "bzhou@csail.mit.edu"},
			Start:     time.Date(2017, 6, 12, 20, 0, 0, 0, time.UTC),
			End:       time.Date(2017, 6, 12, 21, 0, 0, 0, time.UTC),
			TimeZone:  "UTC",
			Location:  seminar.Location{Room: "32-D507"},
			Public:    true,
			Abstract:  "Stochastic gradient descent (SGD) is the gold standard of optimization in deep learning.\nSpeaker: Pratik Chaudhari, UCLA",
			Status:    seminar.StatusScheduled,
			Sequence:  1,
			CreatedAt: created,
			UpdatedAt: time.Date(2017, 6, 10, 9, 0, 0, 0, time.UTC),
		}, e)
	})
	t.Run("instance of a series", func(t *testing.T) {
		o := byKey[googleSeries+"/20250311T200000Z"]
		e := o.Event()
		assert.Equal(t, googleSeries+"/20250311T200000Z", e.UID, "each instance is its own event")
		assert.Equal(t, seminar.StatusCancelled, e.Status)
		assert.Equal(t, "America/New_York", e.TimeZone)
		assert.Equal(t, "2025-03-11T16:00:00-04:00", e.Start.Format(time.RFC3339))
	})
	t.Run("all-day", func(t *testing.T) {
		o := byKey["0a8f3k2l9d7h6g5f4e3d2c1b0a@google.com/"]
		e := o.Event()
		assert.Equal(t, "UTC", e.TimeZone)
		assert.Equal(t, time.Date(2025, 7, 4, 0, 0, 0, 0, time.UTC), e.Start)
		assert.Equal(t, time.Date(2025, 7, 5, 0, 0, 0, 0, time.UTC), e.End)
	})

	for name, lines := range map[string][]string{
		"floating": {"DTSTART:20250210T150000", "DTEND:20250210T160000"},
		"no title": {"DTSTART:20250210T150000Z", "DTEND:20250210T160000Z", "SUMMARY: "},
	} {
		t.Run(name, func(t *testing.T) {
			res := decodeString(t, wrapVEvents(append(append([]string{"BEGIN:VEVENT", "UID:x@example.org"}, lines...), "END:VEVENT")...), nil)
			require.Len(t, res.Occurrences, 1)
			e := res.Occurrences[0].Event()
			assert.Equal(t, "UTC", e.TimeZone)
			assert.Equal(t, 15, e.Start.Hour(), "a floating wall time is read as UTC")
		})
	}
}

// TestOccurrence_EventFixups checks the changes Event makes so that any
// occurrence is a valid seminar event.
func TestOccurrence_EventFixups(t *testing.T) {
	res := decodeString(t, wrapVEvents(
		"BEGIN:VEVENT", "UID:z@example.org", "DTSTART:20250210T150000Z", "SUMMARY:Cancelled: Reading group",
		"STATUS:CANCELLED", "CLASS:CONFIDENTIAL",
		"ORGANIZER;CN=Calendar:mailto:noreply@example.org",
		"CATEGORIES:Vision\\, Graphics,Robotics",
		"URL:https://example.org/talk",
		"END:VEVENT",
	), nil)
	require.Len(t, res.Occurrences, 1)
	o := res.Occurrences[0]
	assert.Equal(t, o.Start, o.End, "no DTEND, no DURATION: zero length")
	e := o.Event()
	assert.Equal(t, o.Start.Add(time.Second), e.End, "a seminar event must end after it starts")
	assert.Equal(t, "Reading group", e.Title, "the prefix is what the status says")
	assert.Equal(t, seminar.StatusCancelled, e.Status)
	assert.False(t, e.Public, "CLASS:CONFIDENTIAL")
	assert.True(t, e.Contact.IsZero(), "a no-reply ORGANIZER is no contact")
	assert.Equal(t, []string{"Vision", "Graphics", "Robotics"}, e.ResearchAreas, "seminar areas hold no commas")
	assert.Equal(t, []seminar.Link{{URL: "https://example.org/talk"}}, e.Links)
	require.NoError(t, e.Validate())
}

// TestOccurrence_EventImport imports every fixture into a Calendar, twice:
// the events are valid, their UIDs distinct (each instance of a series its
// own event), and the second import changes nothing.
func TestOccurrence_EventImport(t *testing.T) {
	ctx := context.Background()
	cal, err := seminar.New(memstore.New(), nil)
	require.NoError(t, err)
	for _, file := range []string{"google.ics", "outlook.ics", "icloud.ics", "thunderbird.ics", "zimbra.ics", "rfc5545.ics", "broken.ics"} {
		res := decodeFile(t, file, nil)
		var events []*seminar.Event
		for _, o := range res.Occurrences {
			events = append(events, o.Event())
		}
		first, err := cal.Import(ctx, events)
		require.NoError(t, err, file)
		assert.Len(t, first.Created, len(events), "%s: every occurrence is an event of its own", file)
		again, err := cal.Import(ctx, events)
		require.NoError(t, err, file)
		assert.Empty(t, again.Created, file)
		assert.Empty(t, again.Updated, file)
		assert.Len(t, again.Unchanged, len(events), file)
	}
}

// TestOccurrence_EventReimport checks that importing a newer version of a
// file updates the events whose SEQUENCE rose, and only those.
func TestOccurrence_EventReimport(t *testing.T) {
	ctx := context.Background()
	cal, err := seminar.New(memstore.New(), nil)
	require.NoError(t, err)
	data, err := os.ReadFile(filepath.Join("testdata", "import", "google.ics"))
	require.NoError(t, err)
	importAll := func(ics string) *seminar.ImportResult {
		res := decodeString(t, ics, nil)
		var events []*seminar.Event
		for _, o := range res.Occurrences {
			events = append(events, o.Event())
		}
		out, err := cal.Import(ctx, events)
		require.NoError(t, err)
		return out
	}
	first := importAll(string(data))
	require.Len(t, first.Created, 8)

	moved := strings.Replace(string(data), "LOCATION:32-D507\r\nSEQUENCE:1\r\n", "LOCATION:32-G449\r\nSEQUENCE:2\r\n", 1)
	require.NotEqual(t, string(data), moved)
	second := importAll(moved)
	assert.Empty(t, second.Created)
	require.Len(t, second.Updated, 1)
	assert.Equal(t, "4m1b6lq1kq0ao0ijq7r8d2g9v4@google.com", second.Updated[0].UID)
	assert.Equal(t, "32-G449", second.Updated[0].Location.Room)
	assert.Len(t, second.Unchanged, 7)
}
