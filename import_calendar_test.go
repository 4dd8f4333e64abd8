package seminar_test

import (
	"context"
	"fmt"
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
	"github.com/seminarkit/seminar/store/sqlite"
)

// weeklyUID is the UID of the recurring event of google-weekly.ics, a
// Google Calendar export of a weekly seminar: 13 Mondays at 4 pm from
// September 8 to December 8, 2025, less October 13 (EXDATE), October 20
// moved to 5 pm with a speaker (an override), and a lunch on its own.
const weeklyUID = "5r7u2k9d3f6h1j4l8n0p2s5v7x@google.com"

// weeklyICS returns google-weekly.ics.
func weeklyICS(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("ical", "testdata", "import", "google-weekly.ics"))
	require.NoError(t, err)
	return string(data)
}

// edit returns ics with each pair of old and new strings replaced, once
// each, failing the test if one is not there.
func edit(t *testing.T, ics string, oldNew ...string) string {
	t.Helper()
	for i := 0; i < len(oldNew); i += 2 {
		require.Contains(t, ics, oldNew[i])
		ics = strings.Replace(ics, oldNew[i], oldNew[i+1], 1)
	}
	return ics
}

// importICS decodes ics and imports it into cal.
func importICS(t *testing.T, cal *seminar.Calendar, ics string, opts *ical.ImportOptions) *seminar.ImportResult {
	t.Helper()
	res, err := ical.Decode(strings.NewReader(ics), nil)
	require.NoError(t, err)
	out, err := cal.ImportCalendar(t.Context(), res.CalendarImport(opts))
	require.NoError(t, err)
	return out
}

// importClock is the clock of the calendars importing google-weekly.ics:
// the day of its export.
var importClock = time.Date(2025, 10, 1, 12, 0, 0, 0, time.UTC)

// forEachStore runs test with a Calendar on memstore, one on a memstore
// that an import reads one event at a time (no seminar.BatchGetter), and
// one on SQLite.
func forEachStore(t *testing.T, test func(t *testing.T, cal *seminar.Calendar)) {
	opts := func() *seminar.Options {
		return &seminar.Options{Domain: "csail.mit.edu", TimeZone: "America/New_York", Now: fixedClock(importClock)}
	}
	t.Run("memstore", func(t *testing.T) {
		cal, err := seminar.New(memstore.New(), opts())
		require.NoError(t, err)
		test(t, cal)
	})
	t.Run("memstore-unbatched", func(t *testing.T) {
		cal, err := seminar.New(newUnbatched(), opts())
		require.NoError(t, err)
		test(t, cal)
	})
	t.Run("sqlite", func(t *testing.T) {
		store, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "import.db"), nil)
		require.NoError(t, err)
		t.Cleanup(func() { store.Close() })
		cal, err := seminar.New(store, opts())
		require.NoError(t, err)
		test(t, cal)
	})
}

// unbatched is a memstore.Store without its seminar.BatchGetter: a
// Calendar on it reads the events an import matches one at a time, with
// Get and GetByUID.
type unbatched struct {
	seminar.Store
	seminar.Outbox
	seminar.SeriesStore
	seminar.ChangeTracker
}

func newUnbatched() unbatched {
	s := memstore.New()
	return unbatched{s, s, s, s}
}

// allEvents lists every event of cal, cancelled ones too.
func allEvents(t *testing.T, cal *seminar.Calendar) []*seminar.Event {
	t.Helper()
	page, err := cal.List(t.Context(), seminar.Query{Filter: seminar.Filter{IncludeCancelled: true}, Limit: 100})
	require.NoError(t, err)
	return page.Events
}

// uidsOf returns the UIDs of events.
func uidsOf(events []*seminar.Event) []string {
	var uids []string
	for _, e := range events {
		uids = append(uids, e.UID)
	}
	return uids
}

// TestCalendar_ImportCalendar_googleWeeklyTwice is the test:
// importing a Google export of a weekly series twice gives one series
// whose talks are updated, not doubled.
func TestCalendar_ImportCalendar_googleWeeklyTwice(t *testing.T) {
	forEachStore(t, func(t *testing.T, cal *seminar.Calendar) {
		ctx := t.Context()
		v1 := weeklyICS(t)
		first := importICS(t, cal, v1, nil)
		require.Len(t, first.SeriesCreated, 1)
		s := first.SeriesCreated[0]
		assert.Equal(t, "vision-seminar", s.ID)
		assert.Equal(t, "Vision Seminar", s.Name, "the recurring event's SUMMARY")
		assert.Equal(t, seminar.SeriesDefaults{Location: seminar.Location{Room: "32-D507"}, TimeZone: "America/New_York",
			Duration: time.Hour, Public: true}, s.Defaults, "the recurring event's room, zone and length")
		require.Len(t, first.Created, 14)
		for _, e := range first.Created {
			if e.Slot.IsZero() {
				assert.Equal(t, "Vision lunch", e.Title)
				assert.Empty(t, e.Series)
				continue
			}
			assert.Equal(t, "vision-seminar", e.Series)
			assert.Equal(t, seminar.SlotID("vision-seminar", e.Slot), e.ID, "an instance is stored as its slot")
		}
		moved := eventByUID(t, cal, weeklyUID+"/20251020T200000Z")
		assert.Equal(t, "Vision Seminar: Antonio Torralba", moved.Title)
		assert.Equal(t, "2025-10-20T17:00:00-04:00", moved.Start.Format(time.RFC3339), "the override's time")
		assert.Equal(t, "2025-10-20T20:00:00Z", moved.Slot.UTC().Format(time.RFC3339), "the slot is where the series put it")
		assert.Equal(t, "Speaker: Antonio Torralba (MIT)\nNote: an hour later than usual, in the Kiva room.\n\n"+
			"Paper: Learning to see by looking at noise (https://arxiv.org/abs/2106.09685)", moved.Abstract,
			"Google's HTML description is text, its link kept")

		again := importICS(t, cal, v1, nil)
		assert.Empty(t, again.Created, "importing the same file again adds nothing")
		assert.Empty(t, again.Updated, "and changes nothing")
		assert.Empty(t, again.SeriesCreated)
		assert.Len(t, again.Unchanged, 14)

		v2 := edit(t, v1,
			"LAST-MODIFIED:20250925T151500Z\r\nLOCATION:32-G449 (Kiva)\r\nSEQUENCE:1\r\nSTATUS:CONFIRMED\r\nSUMMARY:Vision Seminar: Antonio Torralba\r\n",
			"LAST-MODIFIED:20251002T090000Z\r\nLOCATION:32-G449 (Kiva)\r\nSEQUENCE:1\r\nSTATUS:CONFIRMED\r\nSUMMARY:Vision Seminar: Antonio Torralba on seeing\r\n",
			"END:VCALENDAR\r\n",
			"BEGIN:VEVENT\r\nDTSTART;TZID=America/New_York:20251103T160000\r\nDTEND;TZID=America/New_York:20251103T170000\r\n"+
				"DTSTAMP:20251002T120000Z\r\nUID:"+weeklyUID+"\r\nRECURRENCE-ID;TZID=America/New_York:20251103T160000\r\n"+
				"LAST-MODIFIED:20251002T091000Z\r\nLOCATION:32-D507\r\nSEQUENCE:0\r\nSUMMARY:Vision Seminar: Phillip Isola\r\n"+
				"END:VEVENT\r\nEND:VCALENDAR\r\n")
		third := importICS(t, cal, v2, nil)
		assert.Empty(t, third.Created, "a newer version of the file adds nothing")
		assert.ElementsMatch(t, []string{weeklyUID + "/20251020T200000Z", weeklyUID + "/20251103T210000Z"}, uidsOf(third.Updated),
			"it updates the instance whose SUMMARY changed, and the one now overridden")
		assert.Len(t, third.Unchanged, 12)
		for _, e := range third.Updated {
			assert.Equal(t, int64(2), e.Version, "%s: an update raises the Version", e.UID)
		}
		assert.Equal(t, "Vision Seminar: Antonio Torralba on seeing", eventByUID(t, cal, weeklyUID+"/20251020T200000Z").Title)
		assert.Equal(t, "Vision Seminar: Phillip Isola", eventByUID(t, cal, weeklyUID+"/20251103T210000Z").Title)

		assert.Empty(t, importICS(t, cal, v2, nil).Updated, "importing the newer file again changes nothing")
		series, err := cal.ListSeries(ctx)
		require.NoError(t, err)
		assert.Len(t, series, 1, "one series")
		assert.Len(t, allEvents(t, cal), 14, "and its talks, not doubled")
	})
}

func eventByUID(t *testing.T, cal *seminar.Calendar, uid string) *seminar.Event {
	t.Helper()
	for _, e := range allEvents(t, cal) {
		if e.UID == uid {
			return e
		}
	}
	require.Failf(t, "no event", "no event of UID %s", uid)
	return nil
}

func TestCalendar_ImportCalendar_seriesFromCalendarName(t *testing.T) {
	forEachStore(t, func(t *testing.T, cal *seminar.Calendar) {
		opts := &ical.ImportOptions{SeriesFromCalendarName: true}
		first := importICS(t, cal, weeklyICS(t), opts)
		require.Len(t, first.SeriesCreated, 1)
		s := first.SeriesCreated[0]
		assert.Equal(t, "csail-vision-seminar", s.ID)
		assert.Equal(t, "CSAIL Vision Seminar", s.Name)
		assert.Equal(t, "Talks on computer vision at MIT CSAIL, Mondays at 4 pm. Announcements go to vision-meeting@csail.mit.edu.", s.Description)
		require.Len(t, first.Created, 14)
		for _, e := range first.Created {
			assert.Equal(t, "csail-vision-seminar", e.Series, "%s: every event of the calendar is in its series", e.Title)
		}
		again := importICS(t, cal, weeklyICS(t), opts)
		assert.Empty(t, again.Created)
		assert.Empty(t, again.Updated)
	})
}

// TestCalendar_ImportCalendar_slots checks the events matched by their
// slot rather than their UID.
func TestCalendar_ImportCalendar_slots(t *testing.T) {
	t.Run("a planned slot takes the imported talk", func(t *testing.T) {
		forEachStore(t, func(t *testing.T, cal *seminar.Calendar) {
			ctx := t.Context()
			_, err := cal.CreateSeries(ctx, &seminar.Series{Name: "Vision Seminar",
				Defaults: seminar.SeriesDefaults{TimeZone: "America/New_York", Location: seminar.Location{Room: "32-D507"}}})
			require.NoError(t, err)
			start, err := seminar.WallTime(2025, time.September, 8, 16, 0, "America/New_York")
			require.NoError(t, err)
			plan, err := cal.PlanSeries(ctx, "vision-seminar", seminar.Plan{Start: start, Rule: "FREQ=WEEKLY;COUNT=3"})
			require.NoError(t, err)
			require.Len(t, plan.Slots, 3)

			res := importICS(t, cal, weeklyICS(t), nil)
			assert.Empty(t, res.SeriesCreated, "the series is stored")
			assert.Len(t, res.Created, 11)
			require.Len(t, res.Updated, 3, "the three planned slots are the first three instances")
			for i, e := range res.Updated {
				assert.Equal(t, plan.Slots[i].ID, e.ID)
				assert.Equal(t, "Vision Seminar", e.Title)
				assert.True(t, strings.HasPrefix(e.UID, weeklyUID+"/"), "the slot takes the instance's UID: %s", e.UID)
			}
			assert.Len(t, allEvents(t, cal), 14)
			again := importICS(t, cal, weeklyICS(t), nil)
			assert.Empty(t, again.Created)
			assert.Empty(t, again.Updated)
		})
	})

	t.Run("a series split in two by its source", func(t *testing.T) {
		forEachStore(t, func(t *testing.T, cal *seminar.Calendar) {
			v1 := weeklyICS(t)
			importICS(t, cal, v1, nil)
			// Google Calendar, told that the seminar meets in 32-G882 from
			// November 3 on, "this and following events", ends the series
			// before that day and starts a new one with a UID of its own.
			newUID := "5r7u2k9d3f6h1j4l8n0p2s5v7x_R20251103T210000@google.com"
			split := edit(t, v1,
				"UNTIL=20251209T045959Z", "UNTIL=20251103T045959Z",
				"END:VCALENDAR\r\n",
				"BEGIN:VEVENT\r\nDTSTART;TZID=America/New_York:20251103T160000\r\nDTEND;TZID=America/New_York:20251103T170000\r\n"+
					"RRULE:FREQ=WEEKLY;WKST=SU;UNTIL=20251209T045959Z;BYDAY=MO\r\nDTSTAMP:20251002T120000Z\r\nUID:"+newUID+"\r\n"+
					"CREATED:20251002T100000Z\r\nLAST-MODIFIED:20251002T100000Z\r\nLOCATION:32-G882\r\nSEQUENCE:0\r\n"+
					"STATUS:CONFIRMED\r\nSUMMARY:Vision Seminar\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
			res := importICS(t, cal, split, nil)
			assert.Empty(t, res.Created, "the new series' instances are the slots the old one's were")
			require.Len(t, res.Updated, 6, "November 3 to December 8")
			for _, e := range res.Updated {
				assert.Equal(t, "32-G882", e.Location.Room)
				assert.Equal(t, newUID+"/"+e.Slot.UTC().Format("20060102T150405Z"), e.UID)
			}
			assert.Len(t, allEvents(t, cal), 14, "not doubled")
			again := importICS(t, cal, split, nil)
			assert.Empty(t, again.Created)
			assert.Empty(t, again.Updated)
		})
	})

	t.Run("two recurring events at the same time in one series", func(t *testing.T) {
		forEachStore(t, func(t *testing.T, cal *seminar.Calendar) {
			session := func(uid, room string) string {
				return "BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTART;TZID=America/New_York:20250908T160000\r\n" +
					"DTEND;TZID=America/New_York:20250908T170000\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n" +
					"SUMMARY:Theory Seminar\r\nLOCATION:" + room + "\r\nEND:VEVENT\r\n"
			}
			ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" +
				session("a@example.org", "Room A") + session("b@example.org", "Room B") + "END:VCALENDAR\r\n"
			res := importICS(t, cal, ics, nil)
			assert.Len(t, res.Created, 6, "each session's instances, though they share their slots")
			for range 2 {
				again := importICS(t, cal, ics, nil)
				assert.Empty(t, again.Created)
				assert.Empty(t, again.Updated, "neither session takes the other's slot")
			}
			rooms := map[string]int{}
			for _, e := range allEvents(t, cal) {
				rooms[e.Location.Room]++
			}
			assert.Equal(t, map[string]int{"Room A": 3, "Room B": 3}, rooms)
		})
	})
}

// TestCalendar_ImportCalendar_keepsWhatIsOurs checks what a replaced
// event keeps of the stored one.
func TestCalendar_ImportCalendar_keepsWhatIsOurs(t *testing.T) {
	ctx := context.Background()
	cal, err := seminar.New(memstore.New(), &seminar.Options{TimeZone: "America/New_York", Now: fixedClock(importClock)})
	require.NoError(t, err)
	v1 := weeklyICS(t)
	importICS(t, cal, v1, nil)
	_, err = cal.CreateSeries(ctx, &seminar.Series{Name: "Special Lectures"})
	require.NoError(t, err)

	talk := eventByUID(t, cal, weeklyUID+"/20250915T200000Z")
	talk.Reminders = seminar.Reminders{Lists: []string{"vision-meeting@csail.mit.edu"}, Schedule: []time.Duration{24 * time.Hour}}
	_, err = cal.Update(ctx, talk)
	require.NoError(t, err)
	other := eventByUID(t, cal, weeklyUID+"/20250922T200000Z")
	other.Series = "special-lectures"
	_, err = cal.Update(ctx, other)
	require.NoError(t, err)

	assert.Empty(t, importICS(t, cal, v1, nil).Updated, "the local edits are newer than the file")

	longer := edit(t, v1, "UNTIL=20251209T045959Z", "UNTIL=20251216T045959Z")
	res := importICS(t, cal, longer, nil)
	require.Len(t, res.Created, 1, "a week more")
	assert.Equal(t, "vision-seminar", res.Created[0].Series, "a new instance is in the series, not where one talk was moved")
	assert.Equal(t, seminar.SlotID("vision-seminar", res.Created[0].Slot), res.Created[0].ID)

	renamed := edit(t, longer, "LAST-MODIFIED:20250820T090000Z", "LAST-MODIFIED:20251003T090000Z",
		"SUMMARY:Vision Seminar\r\n", "SUMMARY:Vision Seminar (Fall 2025)\r\n")
	res = importICS(t, cal, renamed, nil)
	assert.Len(t, res.Updated, 13, "every instance but the overridden one takes the new title")
	assert.Empty(t, res.SeriesCreated, "a renamed recurring event stays in its series")
	talk = eventByUID(t, cal, weeklyUID+"/20250915T200000Z")
	assert.Equal(t, "Vision Seminar (Fall 2025)", talk.Title)
	assert.Equal(t, "vision-seminar", talk.Series)
	assert.Equal(t, []string{"vision-meeting@csail.mit.edu"}, talk.Reminders.Lists, "a calendar file has no mailing lists: the talk keeps its own")
	assert.Equal(t, "special-lectures", eventByUID(t, cal, weeklyUID+"/20250922T200000Z").Series, "a talk moved to another series stays there")

	res = importICS(t, cal, edit(t, renamed, "UNTIL=20251216T045959Z", "UNTIL=20251223T045959Z"), nil)
	require.Len(t, res.Created, 1, "another week")
	assert.Empty(t, res.SeriesCreated)
	assert.Equal(t, "vision-seminar", res.Created[0].Series, "a new instance of the renamed event joins the series its siblings are in")
	assert.Equal(t, seminar.SlotID("vision-seminar", res.Created[0].Slot), res.Created[0].ID)
}

func TestCalendar_ImportCalendar_invalid(t *testing.T) {
	ctx := context.Background()
	cal, store := newCalendar(t)
	talk := func(series string) *seminar.Event {
		e := imported(t, "talk@example.org", 0, time.Time{})
		e.Series = series
		return e
	}
	tests := []struct {
		name  string
		in    *seminar.CalendarImport
		paths []string
	}{
		{"a series with a bad name", &seminar.CalendarImport{
			Series: []*seminar.Series{{ID: "a", Name: "Line\nbreak"}}, Events: []*seminar.Event{talk("a")}}, []string{"series[0].name"}},
		{"a series with a plan", &seminar.CalendarImport{
			Series: []*seminar.Series{{Name: "Planned", Plan: &seminar.Plan{Rule: "FREQ=WEEKLY;COUNT=2"}}}}, []string{"series[0].plan"}},
		{"an event of a series neither stored nor given", &seminar.CalendarImport{
			Events: []*seminar.Event{talk("nowhere")}}, []string{"events[0].series"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cal.ImportCalendar(ctx, tt.in)
			assert.Equal(t, tt.paths, validationPaths(t, err))
			all, err := store.List(ctx, seminar.ListQuery{Limit: 10})
			require.NoError(t, err)
			assert.Empty(t, all, "an invalid import stores nothing")
			series, err := store.ListSeries(ctx)
			require.NoError(t, err)
			assert.Empty(t, series)
		})
	}

	res, err := cal.ImportCalendar(ctx, &seminar.CalendarImport{
		Series: []*seminar.Series{{Name: "Offsets", Defaults: seminar.SeriesDefaults{TimeZone: "Etc/GMT+5", Duration: 40 * 24 * time.Hour}}},
		Events: []*seminar.Event{talk("offsets")},
	})
	require.NoError(t, err)
	require.Len(t, res.SeriesCreated, 1)
	assert.Equal(t, "America/New_York", res.SeriesCreated[0].Defaults.TimeZone, "a zone that names no place gives way to the Calendar's")
	assert.Equal(t, seminar.DefaultTalkDuration, res.SeriesCreated[0].Defaults.Duration, "and a length over the limit to the default")
}

func TestCalendar_ImportCalendar_longAllDay(t *testing.T) {
	cal, _ := newCalendar(t)
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:term@example.org\r\n" +
		"DTSTART;VALUE=DATE:20250602\r\nDTEND;VALUE=DATE:20250902\r\nSUMMARY:Summer term\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	res := importICS(t, cal, ics, nil)
	require.Len(t, res.Created, 1, "a term, longer than a talk may be, is imported")
	e := res.Created[0]
	assert.Equal(t, "Summer term", e.Title)
	assert.Equal(t, seminar.MaxDuration, e.End.Sub(e.Start), "as long as an event may be")
}

func TestCalendar_ImportCalendar_storeWithoutSeries(t *testing.T) {
	m := memstore.New()
	cal, err := seminar.New(storeWithoutSeries{m, m}, nil)
	require.NoError(t, err)
	res := importICS(t, cal, weeklyICS(t), nil)
	assert.Len(t, res.Created, 14)
	assert.Empty(t, res.SeriesCreated, "a store that keeps no series gets none")
	assert.Equal(t, "vision-seminar", eventByUID(t, cal, weeklyUID+"/20251020T200000Z").Series, "Series is free text there")
}

// TestCalendar_ImportCalendar_batchedAsUnbatched checks that an import
// reading the store in batches (seminar.BatchGetter) does what one reading
// it one event at a time does: the same results, the same stored events
// (the same slot IDs; other IDs are random) and the same outbox, over
// imports that create, replace by UID and by slot, leave alone and split
// a series.
func TestCalendar_ImportCalendar_batchedAsUnbatched(t *testing.T) {
	type outcome struct {
		results []string
		events  []*seminar.Event
	}
	run := func(t *testing.T, store seminar.Store) outcome {
		ctx := t.Context()
		cal, err := seminar.New(store, &seminar.Options{Domain: "csail.mit.edu", TimeZone: "America/New_York", Now: fixedClock(importClock)})
		require.NoError(t, err)
		_, err = cal.CreateSeries(ctx, &seminar.Series{Name: "Vision Seminar",
			Defaults: seminar.SeriesDefaults{TimeZone: "America/New_York"}})
		require.NoError(t, err)
		start, err := seminar.WallTime(2025, time.September, 8, 16, 0, "America/New_York")
		require.NoError(t, err)
		_, err = cal.PlanSeries(ctx, "vision-seminar", seminar.Plan{Start: start, Rule: "FREQ=WEEKLY;COUNT=3"})
		require.NoError(t, err)
		v1 := weeklyICS(t)
		split := edit(t, v1, "UNTIL=20251209T045959Z", "UNTIL=20251103T045959Z",
			"END:VCALENDAR\r\n",
			"BEGIN:VEVENT\r\nDTSTART;TZID=America/New_York:20251103T160000\r\nDTEND;TZID=America/New_York:20251103T170000\r\n"+
				"RRULE:FREQ=WEEKLY;WKST=SU;UNTIL=20251209T045959Z;BYDAY=MO\r\nDTSTAMP:20251002T120000Z\r\nUID:new@google.com\r\n"+
				"CREATED:20251002T100000Z\r\nLAST-MODIFIED:20251002T100000Z\r\nLOCATION:32-G882\r\nSEQUENCE:0\r\n"+
				"STATUS:CONFIRMED\r\nSUMMARY:Vision Seminar\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
		var out outcome
		for _, ics := range []string{v1, v1, split, split, v1} {
			res := importICS(t, cal, ics, nil)
			out.results = append(out.results, strings.Join(uidsOf(res.Created), " ")+"|"+
				strings.Join(uidsOf(res.Updated), " ")+"|"+strings.Join(res.Unchanged, " "))
		}
		for _, e := range allEvents(t, cal) {
			ds, err := cal.Deliveries(ctx, e.ID)
			require.NoError(t, err)
			e = e.Clone()
			if e.ID != seminar.SlotID(e.Series, e.Slot) {
				e.ID = ""
			}
			e.Title += fmt.Sprintf(" (%d deliveries)", len(ds))
			out.events = append(out.events, e)
		}
		return out
	}
	batched := run(t, memstore.New())
	unbatched := run(t, newUnbatched())
	assert.Equal(t, unbatched.results, batched.results)
	assert.Equal(t, unbatched.events, batched.events)
	assert.Len(t, batched.events, 14)
}
