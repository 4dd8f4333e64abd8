package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

var createCases = []testCase{
	{"Batch", testCreateBatch},
	{"NoEvents", testCreateNoEvents},
	{"ExistingID", testCreateExistingID},
	{"ExistingIDInBatch", testCreateExistingIDInBatch},
	{"SameIDTwiceInBatch", testCreateSameIDTwiceInBatch},
	{"ExistingUID", testCreateExistingUID},
	{"SameUIDTwiceInBatch", testCreateSameUIDTwiceInBatch},
	{"ReuseAfterDelete", testCreateReuseAfterDelete},
}

func testCreateBatch(t *testing.T, s seminar.Store) {
	a := newEvent("a", june.Add(1*time.Hour), time.Hour)
	b := newEvent("b", june.Add(2*time.Hour), time.Hour)
	c := newEvent("c", june.Add(3*time.Hour), time.Hour)
	mustCreate(t, s, c, a, b)
	for _, e := range []*seminar.Event{a, b, c} {
		assertSameEvent(t, e, mustGet(t, s, e.ID), "a Store must store every event of a batch given to Create")
	}
}

// testCreateNoEvents: the Calendar's CreateMany passes an empty import
// through.
func testCreateNoEvents(t *testing.T, s seminar.Store) {
	assert.NoError(t, s.Create(t.Context()), "a Store must accept a Create of no events")
	assert.Empty(t, listIDs(t, s, everything()), "a Store must store nothing for a Create of no events")
}

// assertRefused checks that Create(batch) fails with ErrExists and leaves the
// store holding exactly what it held before.
func assertRefused(t *testing.T, s seminar.Store, why string, batch ...*seminar.Event) {
	t.Helper()
	requireValid(t, batch...)
	before := mustList(t, s, everything())
	err := s.Create(t.Context(), batch...)
	assert.ErrorIs(t, err, seminar.ErrExists, "a Store must return ErrExists from Create when %s", why)
	after := mustList(t, s, everything())
	assert.Equal(t, ids(before), ids(after), "a Store must store none of the events given to Create when %s", why)
	for i := range min(len(before), len(after)) {
		assertSameEvent(t, before[i], after[i], "a Store must change no stored event when Create fails because "+why)
	}
}

func testCreateExistingID(t *testing.T, s seminar.Store) {
	mustCreate(t, s, newEvent("a", june, time.Hour))
	again := newEvent("a", june.Add(time.Hour), time.Hour)
	again.UID = "other@storetest.invalid"
	again.Title = "Not stored"
	assertRefused(t, s, "an event's ID is already stored", again)
}

func testCreateExistingIDInBatch(t *testing.T, s seminar.Store) {
	mustCreate(t, s, newEvent("b", june, time.Hour))
	again := newEvent("b", june.Add(time.Hour), time.Hour)
	again.UID = "other@storetest.invalid"
	assertRefused(t, s, "one event of a batch has an ID already stored",
		newEvent("a", june.Add(2*time.Hour), time.Hour),
		newEvent("c", june.Add(3*time.Hour), time.Hour),
		again)
}

func testCreateSameIDTwiceInBatch(t *testing.T, s seminar.Store) {
	twin := newEvent("b", june.Add(time.Hour), time.Hour)
	twin.UID = "twin@storetest.invalid"
	assertRefused(t, s, "two events of a batch have the same ID",
		newEvent("a", june, time.Hour),
		newEvent("b", june, time.Hour),
		newEvent("c", june, time.Hour),
		twin)
}

func testCreateExistingUID(t *testing.T, s seminar.Store) {
	mustCreate(t, s, newEvent("a", june, time.Hour))
	thief := newEvent("c", june.Add(time.Hour), time.Hour)
	thief.UID = "a@storetest.invalid"
	assertRefused(t, s, "an event's UID is already stored",
		newEvent("b", june.Add(time.Hour), time.Hour),
		thief)
}

func testCreateSameUIDTwiceInBatch(t *testing.T, s seminar.Store) {
	b := newEvent("b", june, time.Hour)
	c := newEvent("c", june, time.Hour)
	c.UID = b.UID
	assertRefused(t, s, "two events of a batch have the same UID",
		newEvent("a", june, time.Hour), b, c)
}

func testCreateReuseAfterDelete(t *testing.T, s seminar.Store) {
	mustCreate(t, s, newEvent("a", june, time.Hour))
	require.NoError(t, s.Delete(t.Context(), "a"), "a Store must delete a stored event")
	again := newEvent("a", july, time.Hour)
	again.Title = "Second life"
	require.NoError(t, s.Create(t.Context(), again),
		"a Store must let Create reuse the ID and UID of a deleted event")
	assertSameEvent(t, again, mustGet(t, s, "a"), "a Store must return the event created in place of a deleted one")
	assert.Equal(t, []string{"a"}, listIDs(t, s, everything()),
		"a Store must list an event created in place of a deleted one once, at its new time")
}
