package seminar_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
)

// imported returns the seed talk as an .ics source would describe it.
func imported(t *testing.T, uid string, sequence int, modified time.Time) *seminar.Event {
	e := seedEvent(t)
	e.UID = uid
	e.Sequence = sequence
	e.CreatedAt = time.Date(2017, 6, 1, 9, 0, 0, 0, time.UTC)
	e.UpdatedAt = modified
	return e
}

func TestCalendar_Import(t *testing.T) {
	ctx := context.Background()
	cal, store := newCalendar(t)
	monday := time.Date(2017, 6, 5, 9, 0, 0, 0, time.UTC)

	first, err := cal.Import(ctx, []*seminar.Event{
		imported(t, "a@google.com", 0, monday),
		imported(t, "b@google.com", 2, monday),
	})
	require.NoError(t, err)
	require.Len(t, first.Created, 2)
	a := first.Created[0]
	assert.Equal(t, "a@google.com", a.UID)
	assert.Equal(t, 2, first.Created[1].Sequence, "an imported event keeps its source's SEQUENCE")
	assert.True(t, a.UpdatedAt.Equal(monday), "and its LAST-MODIFIED")
	assert.True(t, a.CreatedAt.Equal(time.Date(2017, 6, 1, 9, 0, 0, 0, time.UTC)), "and its CREATED")

	again, err := cal.Import(ctx, []*seminar.Event{
		imported(t, "a@google.com", 0, monday),
		imported(t, "b@google.com", 2, monday),
	})
	require.NoError(t, err)
	assert.Empty(t, again.Created, "re-importing the same file creates nothing")
	assert.Empty(t, again.Updated, "and changes nothing")
	assert.Equal(t, []string{"a@google.com", "b@google.com"}, again.Unchanged)

	moved := imported(t, "a@google.com", 1, monday)
	moved.Location.Room = "32-G449"
	edited := imported(t, "b@google.com", 2, monday.Add(time.Hour))
	edited.Title = "New title, same sequence, later LAST-MODIFIED"
	stale := imported(t, "a@google.com", 0, monday.Add(48*time.Hour))
	stale.Title = "Older sequence, must lose"
	newer, err := cal.Import(ctx, []*seminar.Event{moved, edited, stale})
	require.NoError(t, err)
	require.Len(t, newer.Updated, 2)
	assert.Empty(t, newer.Created)
	got, err := cal.Get(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, "32-G449", got.Location.Room, "a higher SEQUENCE replaces the stored event")
	assert.Equal(t, a.ID, got.ID, "a replaced event keeps its ID")
	assert.Equal(t, int64(2), got.Version)
	gotB, err := cal.Get(ctx, first.Created[1].ID)
	require.NoError(t, err)
	assert.Equal(t, edited.Title, gotB.Title, "the same SEQUENCE with a later LAST-MODIFIED replaces it")

	older := imported(t, "a@google.com", 0, monday.Add(72*time.Hour))
	res, err := cal.Import(ctx, []*seminar.Event{older})
	require.NoError(t, err)
	assert.Equal(t, []string{"a@google.com"}, res.Unchanged, "a lower SEQUENCE never replaces a newer version")

	all, err := store.List(ctx, seminar.ListQuery{Limit: 10, Filter: seminar.Filter{IncludeCancelled: true}})
	require.NoError(t, err)
	assert.Len(t, all, 2, "imports never duplicate")
}

func TestCalendar_Import_invalidStoresNothing(t *testing.T) {
	ctx := context.Background()
	cal, store := newCalendar(t)
	noUID := seedEvent(t)
	bad := imported(t, "bad@example.org", 0, time.Time{})
	bad.End = bad.Start
	_, err := cal.Import(ctx, []*seminar.Event{imported(t, "ok@example.org", 0, time.Time{}), noUID, bad})
	var ve *seminar.ValidationError
	require.ErrorAs(t, err, &ve)
	_, ok := ve.Field("events[1].uid")
	assert.True(t, ok, "an import without a UID is refused: %v", ve.Fields)
	_, ok = ve.Field("events[2].end")
	assert.True(t, ok, "%v", ve.Fields)
	all, err := store.List(ctx, seminar.ListQuery{Limit: 10})
	require.NoError(t, err)
	assert.Empty(t, all, "an import with an invalid event stores nothing")
}

func TestCalendar_Import_newestInBatchWins(t *testing.T) {
	ctx := context.Background()
	cal, _ := newCalendar(t)
	v1 := imported(t, "x@example.org", 1, time.Time{})
	v3 := imported(t, "x@example.org", 3, time.Time{})
	v3.Title = "Version 3"
	v2 := imported(t, "x@example.org", 2, time.Time{})
	res, err := cal.Import(ctx, []*seminar.Event{v1, v3, v2})
	require.NoError(t, err)
	require.Len(t, res.Created, 1)
	assert.Equal(t, "Version 3", res.Created[0].Title)
}

func TestCalendar_Import_zonesThatAreNotPlaces(t *testing.T) {
	ctx := context.Background()
	cal, _ := newCalendar(t)
	tests := []struct{ zone, stored string }{
		{"EST5EDT", "America/New_York"},
		{"CET", "Europe/Brussels"},
		{"EST", "America/Panama"},
		{"Etc/GMT+5", "Etc/GMT+5"}, // a fixed offset is exact, and stands for no one place
	}
	var events []*seminar.Event
	for _, tt := range tests {
		e := imported(t, tt.zone+"@example.org", 0, time.Time{})
		e.TimeZone = tt.zone
		events = append(events, e)
	}
	res, err := cal.Import(ctx, events)
	require.NoError(t, err, "Create refuses these zones; an import takes them")
	require.Len(t, res.Created, len(tests))
	for i, tt := range tests {
		assert.Equal(t, tt.stored, res.Created[i].TimeZone, "%s is stored as the place it stands for", tt.zone)
		assert.True(t, res.Created[i].Start.Equal(events[i].Start), "the instant is kept")
		assert.Equal(t, tt.zone, events[i].TimeZone, "Import leaves its argument alone")
	}
}

// An .ics file whose TZIDs are legacy names: package ical resolves them
// as the zone database does, and its events must still import.
const legacyZonesICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//example//EN\r\n" +
	"BEGIN:VEVENT\r\nUID:est5edt@example.org\r\nDTSTAMP:20170601T000000Z\r\n" +
	"DTSTART;TZID=EST5EDT:20170612T160000\r\nDTEND;TZID=EST5EDT:20170612T170000\r\n" +
	"SUMMARY:Talk in EST5EDT\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:est@example.org\r\nDTSTAMP:20170601T000000Z\r\n" +
	"DTSTART;TZID=EST:20170612T160000\r\nDTEND;TZID=EST:20170612T170000\r\n" +
	"SUMMARY:Talk in EST\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

func TestCalendar_Import_legacyTZIDs(t *testing.T) {
	ctx := context.Background()
	cal, _ := newCalendar(t)
	res, err := ical.Decode(strings.NewReader(legacyZonesICS), nil)
	require.NoError(t, err)
	require.Empty(t, res.Skipped, "ical keeps events whose TZID is EST or EST5EDT")
	var events []*seminar.Event
	for i := range res.Occurrences {
		events = append(events, res.Occurrences[i].Event())
	}
	got, err := cal.Import(ctx, events)
	require.NoError(t, err)
	require.Len(t, got.Created, 2)
	zones := map[string]string{}
	for _, e := range got.Created {
		zones[e.UID] = e.TimeZone + " " + e.Start.UTC().Format(time.RFC3339)
	}
	assert.Equal(t, map[string]string{
		"est5edt@example.org": "America/New_York 2017-06-12T20:00:00Z",
		"est@example.org":     "America/Panama 2017-06-12T21:00:00Z",
	}, zones, "4 PM in EST5EDT is EDT in June; 4 PM in EST is EST all year")

	var page strings.Builder
	require.NoError(t, seminar.WritePage(&page, got.Created[0], nil))
	assert.Contains(t, page.String(), "Time: 4:00 PM to 5:00 PM (all times are in")
}
