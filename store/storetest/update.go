package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

var updateCases = []testCase{
	{"CurrentVersion", testUpdateCurrentVersion},
	{"StaleVersion", testUpdateStaleVersion},
	{"UIDOfAnotherEvent", testUpdateUIDOfAnotherEvent},
	{"NewUID", testUpdateNewUID},
	{"MovesInListing", testUpdateMovesInListing},
}

// edit returns the next version of e, as the Calendar would write it.
func edit(e *seminar.Event, title string) *seminar.Event {
	next := e.Clone()
	next.Title = title
	next.Version = e.Version + 1
	next.UpdatedAt = e.UpdatedAt.Add(time.Minute)
	return next
}

func testUpdateCurrentVersion(t *testing.T, s seminar.Store) {
	v1 := newEvent("a", june, time.Hour)
	mustCreate(t, s, v1, newEvent("b", june, time.Hour))
	v2 := edit(v1, "Second")
	require.NoError(t, s.Update(t.Context(), v2, 1), "a Store must update an event given its stored Version")
	assertSameEvent(t, v2, mustGet(t, s, "a"), "a Store must return from Get the event given to Update")

	v3 := edit(v2, "Third")
	v3.Status = seminar.StatusCancelled
	v3.CancelReason = "Snow"
	v3.Sequence++
	require.NoError(t, s.Update(t.Context(), v3, 2), "a Store must update an event again given its new Version")
	assertSameEvent(t, v3, mustGet(t, s, "a"), "a Store must return from Get the event given to the latest Update")
	assertSameEvent(t, newEvent("b", june, time.Hour), mustGet(t, s, "b"),
		"a Store must change only the event with the ID given to Update")
}

func testUpdateStaleVersion(t *testing.T, s seminar.Store) {
	v1 := newEvent("a", june, time.Hour)
	mustCreate(t, s, v1)
	v2 := edit(v1, "Second")
	require.NoError(t, s.Update(t.Context(), v2, 1), "a Store must update an event given its stored Version")

	for _, prev := range []int64{1, 0, 3, -2} {
		lost := edit(v1, "Lost edit")
		lost.Start = july
		lost.End = july.Add(time.Hour)
		err := s.Update(t.Context(), lost, prev)
		if !assert.ErrorIs(t, err, seminar.ErrConflict,
			"a Store must return ErrConflict from Update when prevVersion (%d) is not the stored Version (2)", prev) {
			break
		}
		if !assertSameEvent(t, v2, mustGet(t, s, "a"), "a Store must change nothing when Update returns ErrConflict") {
			break
		}
	}
	assert.Equal(t, []string{"a"}, listIDs(t, s, seminar.ListQuery{From: june, To: july, Limit: maxLimit}),
		"a Store must list an event where it was when Update returned ErrConflict")
}

func testUpdateUIDOfAnotherEvent(t *testing.T, s seminar.Store) {
	a := newEvent("a", june, time.Hour)
	b := newEvent("b", june.Add(time.Hour), time.Hour)
	mustCreate(t, s, a, b)
	thief := edit(b, "Thief")
	thief.UID = a.UID
	assert.ErrorIs(t, s.Update(t.Context(), thief, b.Version), seminar.ErrExists,
		"a Store must return ErrExists from Update when the event's new UID belongs to another event")
	assertSameEvent(t, a, mustGet(t, s, "a"), "a Store must change nothing when Update returns ErrExists")
	assertSameEvent(t, b, mustGet(t, s, "b"), "a Store must change nothing when Update returns ErrExists")
}

// testUpdateNewUID checks that a UID index follows an Update: the new UID is
// taken and the old one free.
func testUpdateNewUID(t *testing.T, s seminar.Store) {
	a := newEvent("a", june, time.Hour)
	mustCreate(t, s, a)
	renamed := edit(a, "Renamed")
	renamed.UID = "renamed@storetest.invalid"
	require.NoError(t, s.Update(t.Context(), renamed, a.Version), "a Store must let Update change an event's UID")
	assertSameEvent(t, renamed, mustGet(t, s, "a"), "a Store must return the UID given to Update")

	taker := newEvent("b", june, time.Hour)
	taker.UID = renamed.UID
	assert.ErrorIs(t, s.Create(t.Context(), taker), seminar.ErrExists,
		"a Store must return ErrExists from Create for a UID that an Update gave to an event")
	heir := newEvent("c", june, time.Hour)
	heir.UID = a.UID
	assert.NoError(t, s.Create(t.Context(), heir),
		"a Store must let Create use a UID that an Update took away from an event")
}

func testUpdateMovesInListing(t *testing.T, s seminar.Store) {
	a := newEvent("a", june.Add(1*time.Hour), time.Hour)
	b := newEvent("b", june.Add(2*time.Hour), time.Hour)
	c := newEvent("c", june.Add(3*time.Hour), time.Hour)
	mustCreate(t, s, a, b, c)

	later := edit(a, "Later")
	later.Start = june.Add(4 * time.Hour)
	later.End = later.Start.Add(time.Hour)
	require.NoError(t, s.Update(t.Context(), later, a.Version), "a Store must update an event given its stored Version")
	assert.Equal(t, []string{"b", "c", "a"}, listIDs(t, s, everything()),
		"a Store must list an updated event at its new Start")

	moved := edit(later, "Moved to July")
	moved.Start = july.Add(time.Hour)
	moved.End = moved.Start.Add(time.Hour)
	require.NoError(t, s.Update(t.Context(), moved, later.Version), "a Store must update an event given its stored Version")
	assert.Equal(t, []string{"b", "c"}, listIDs(t, s, seminar.ListQuery{From: june, To: july, Limit: maxLimit}),
		"a Store must not list an updated event in the range it was moved out of")
	assert.Equal(t, []string{"a"}, listIDs(t, s, seminar.ListQuery{From: july, Limit: maxLimit}),
		"a Store must list an updated event in the range it was moved into")

	cancelled := edit(moved, "Cancelled")
	cancelled.Status = seminar.StatusCancelled
	require.NoError(t, s.Update(t.Context(), cancelled, moved.Version), "a Store must update an event given its stored Version")
	assert.Empty(t, listIDs(t, s, seminar.ListQuery{From: july, Limit: maxLimit}),
		"a Store must not list an event that an Update cancelled unless IncludeCancelled is set")
}
