package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

var roundTripCases = []testCase{
	{"AllFields", testRoundTripAllFields},
	{"AllFieldsFromList", testRoundTripAllFieldsFromList},
	{"AllFieldsByUpdate", testRoundTripAllFieldsByUpdate},
	{"NilSlices", testRoundTripNilSlices},
	{"EmptySlices", testRoundTripEmptySlices},
	{"DistantTimes", testRoundTripDistantTimes},
	{"Slot", testRoundTripSlot},
}

func testRoundTripAllFields(t *testing.T, s seminar.Store) {
	mustCreate(t, s, fullEvent(t, "full"))
	assertSameEvent(t, fullEvent(t, "full"), mustGet(t, s, "full"),
		"a Store must return from Get every field of the event given to Create")
}

func testRoundTripAllFieldsFromList(t *testing.T, s seminar.Store) {
	mustCreate(t, s, fullEvent(t, "full"))
	got := mustList(t, s, everything())
	require.Len(t, got, 1, "a Store must list the one event it holds")
	assertSameEvent(t, fullEvent(t, "full"), got[0],
		"a Store must return from List every field of the event given to Create")
}

func testRoundTripAllFieldsByUpdate(t *testing.T, s seminar.Store) {
	before := bareEvent("full")
	before.UID = fullEvent(t, "full").UID
	mustCreate(t, s, before)
	require.NoError(t, s.Update(t.Context(), fullEvent(t, "full"), before.Version),
		"a Store must update an event given its stored Version")
	assertSameEvent(t, fullEvent(t, "full"), mustGet(t, s, "full"),
		"a Store must return from Get every field of the event given to Update")
}

func testRoundTripNilSlices(t *testing.T, s seminar.Store) {
	mustCreate(t, s, bareEvent("bare"))
	assertSameEvent(t, bareEvent("bare"), mustGet(t, s, "bare"),
		"a Store must return an event whose slices are nil with those slices nil or empty")
}

func testRoundTripEmptySlices(t *testing.T, s seminar.Store) {
	empty := func() *seminar.Event {
		e := bareEvent("empty")
		e.Speakers = []seminar.Person{}
		e.Links = []seminar.Link{}
		e.ResearchAreas = []string{}
		e.ImpactAreas = []string{}
		e.Reminders.Lists = []string{}
		e.Reminders.Schedule = []time.Duration{}
		return e
	}
	mustCreate(t, s, empty())
	assertSameEvent(t, empty(), mustGet(t, s, "empty"),
		"a Store must return an event whose slices are empty with those slices nil or empty")
}

// testRoundTripDistantTimes keeps times past 2038, where 32-bit Unix seconds
// end, and a listing that reaches them.
func testRoundTripDistantTimes(t *testing.T, s seminar.Store) {
	late := newEvent("late", time.Date(2040, time.February, 29, 23, 30, 0, 0, time.UTC), 2*time.Hour)
	late.CreatedAt = time.Date(2039, time.December, 31, 23, 59, 59, 1000, time.UTC)
	late.UpdatedAt = late.CreatedAt
	mustCreate(t, s, late)
	assertSameEvent(t, late, mustGet(t, s, "late"),
		"a Store must keep times after the year 2038")
	q := everything()
	q.From = time.Date(2040, time.March, 1, 0, 0, 0, 0, time.UTC)
	assert.Equal(t, []string{"late"}, listIDs(t, s, q),
		"a Store must list events after the year 2038 by their times")
}

// testRoundTripSlot keeps Slot, the start a talk was planned at, as the same
// instant through Create, Update, Get and List, for a slot moved to another
// time and zone; and a zero Slot, that of any talk not planned, stays zero.
func testRoundTripSlot(t *testing.T, s seminar.Store) {
	ny := zone(t, "America/New_York")
	planned := time.Date(2017, time.November, 6, 16, 0, 0, 0, ny)
	slot := newEvent("slot", planned.UTC(), time.Hour)
	slot.Series, slot.Slot = "vision-seminar", planned
	moved := slot.Clone()
	moved.Start, moved.End = planned.Add(26*time.Hour).In(zone(t, "Asia/Kolkata")), planned.Add(27*time.Hour)
	moved.Version = 2
	plain := newEvent("plain", june, time.Hour)
	mustCreate(t, s, slot, plain)

	assertSameEvent(t, slot, mustGet(t, s, "slot"), "a Store must return from Get the Slot given to Create as the same instant")
	assertSameEvent(t, plain, mustGet(t, s, "plain"), "a Store must return a zero Slot as zero")
	require.NoError(t, s.Update(t.Context(), moved, 1), "a Store must update an event given its stored Version")
	assertSameEvent(t, moved, mustGet(t, s, "slot"),
		"a Store must keep Slot as the same instant when a slot is moved to another time")
	for _, e := range mustList(t, s, everything()) {
		want := plain
		if e.ID == "slot" {
			want = moved
		}
		assertSameEvent(t, want, e, "a Store must return from List every event's Slot as the same instant, a zero one as zero")
	}
}
