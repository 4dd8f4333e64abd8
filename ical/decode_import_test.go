package ical_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
)

func TestResult_CalendarImport(t *testing.T) {
	res := decodeFile(t, "google-weekly.ics", nil)

	t.Run("each recurring event a series", func(t *testing.T) {
		in := res.CalendarImport(nil)
		require.Len(t, in.Series, 1)
		assert.Equal(t, &seminar.Series{
			ID:   "vision-seminar",
			Name: "Vision Seminar",
			Description: "Vision Seminar, Mondays 4–5 pm in 32-D507 (Stata Center).\n\n" +
				"Mailing list: vision-meeting (https://lists.csail.mit.edu/mailman/listinfo/vision-meeting)\n" +
				"Join by video: https://meet.google.com/vis-semi-nar\n\nSpeakers are announced a week ahead.",
			Contact: seminar.Person{Name: "CSAIL Vision Seminar",
				Email: "c_8f2b1e0d9a7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a@group.calendar.google.com"},
			Defaults: seminar.SeriesDefaults{
				Location: seminar.Location{Room: "32-D507"},
				TimeZone: "America/New_York",
				Duration: time.Hour,
				Public:   true,
			},
		}, in.Series[0])
		require.Len(t, in.Events, 14)
		var slots []string
		for _, e := range in.Events {
			if e.UID == "0v3c8m1q6t9w2y5b7e0g3i6k8m@google.com" {
				assert.Empty(t, e.Series, "an event that does not recur is in no series")
				assert.True(t, e.Slot.IsZero())
				continue
			}
			assert.Equal(t, "vision-seminar", e.Series)
			assert.Equal(t, weeklyUID+"/"+e.Slot.Format("20060102T150405Z"), e.UID,
				"an instance's UID is the recurring event's and its RECURRENCE-ID")
			slots = append(slots, e.Slot.In(time.UTC).Format("Jan 2 15:04"))
		}
		assert.Equal(t, []string{"Sep 8 20:00", "Sep 15 20:00", "Sep 22 20:00", "Sep 29 20:00", "Oct 6 20:00",
			"Oct 20 20:00", "Oct 27 20:00", "Nov 3 21:00", "Nov 10 21:00", "Nov 17 21:00", "Nov 24 21:00",
			"Dec 1 21:00", "Dec 8 21:00"}, slots,
			"each slot is the instance's RECURRENCE-ID: October 20's is 4 pm, where the series put it, though it moved to 5")
	})

	t.Run("the calendar's name as the series", func(t *testing.T) {
		in := res.CalendarImport(&ical.ImportOptions{SeriesFromCalendarName: true})
		require.Len(t, in.Series, 1)
		assert.Equal(t, &seminar.Series{
			ID:          "csail-vision-seminar",
			Name:        "CSAIL Vision Seminar",
			Description: "Talks on computer vision at MIT CSAIL, Mondays at 4 pm. Announcements go to vision-meeting@csail.mit.edu.",
			Defaults:    seminar.SeriesDefaults{TimeZone: "America/New_York"},
		}, in.Series[0])
		require.Len(t, in.Events, 14)
		withSlot := 0
		for _, e := range in.Events {
			assert.Equal(t, "csail-vision-seminar", e.Series, "%s: every event of the calendar", e.UID)
			if !e.Slot.IsZero() {
				withSlot++
			}
		}
		assert.Equal(t, 13, withSlot, "the instances of the recurring event are slots")
	})
}

func TestResult_CalendarImport_seriesIDs(t *testing.T) {
	long := strings.Repeat("Seminar ", 30)
	tests := []struct{ name, summary, id string }{
		{"a name", "Théorie des Nombres", "theorie-des-nombres"},
		{"a long name is cut between words", long, strings.TrimSuffix(strings.Repeat("seminar-", 12), "-")},
		{"a name with no ASCII letter", "深層学習セミナー", "series-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := decodeString(t, wrapVEvents("BEGIN:VEVENT", "UID:s@example.org", "SUMMARY:"+tt.summary,
				"DTSTART:20250107T210000Z", "RRULE:FREQ=WEEKLY;COUNT=2", "END:VEVENT"), nil)
			in := res.CalendarImport(nil)
			require.Len(t, in.Series, 1)
			id := in.Series[0].ID
			assert.True(t, strings.HasPrefix(id, tt.id), "%q", id)
			assert.LessOrEqual(t, len(id), seminar.MaxSeriesIDLen)
			assert.Equal(t, id, seminar.Slug(id), "an ID is a slug")
			assert.Equal(t, id, decodeString(t, wrapVEvents("BEGIN:VEVENT", "UID:other@example.org", "SUMMARY:"+tt.summary,
				"DTSTART:20260107T210000Z", "RRULE:FREQ=DAILY;COUNT=2", "END:VEVENT"), nil).CalendarImport(nil).Series[0].ID,
				"the same name is the same series")
		})
	}
}

func TestResult_CalendarImport_ours(t *testing.T) {
	res := decodeString(t, wrapVEvents("BEGIN:VEVENT", "UID:ours@example.org", "SUMMARY:Talk",
		"DTSTART:20250107T210000Z", "CATEGORIES;X-SEMINAR-KIND=SERIES:Theory Seminar", "END:VEVENT"), nil)
	in := res.CalendarImport(nil)
	require.Len(t, in.Events, 1)
	assert.Equal(t, "theory-seminar", in.Events[0].Series)
	assert.Equal(t, []*seminar.Series{{ID: "theory-seminar", Name: "Theory Seminar"}}, in.Series,
		"the series an event of our encoder names")
}
