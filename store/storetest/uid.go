package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

var uidCases = []testCase{
	{"Found", testUIDFound},
	{"Missing", testUIDMissing},
	{"Exact", testUIDExact},
	{"FollowsUpdate", testUIDFollowsUpdate},
	{"AfterDelete", testUIDAfterDelete},
	{"NoAliasing", testUIDNoAliasing},
}

func mustGetByUID(t *testing.T, s seminar.Store, uid string) *seminar.Event {
	t.Helper()
	e, err := s.GetByUID(t.Context(), uid)
	require.NoError(t, err, "a Store must return the event with UID %q from GetByUID", uid)
	return e
}

func testUIDFound(t *testing.T, s seminar.Store) {
	full := fullEvent(t, "full")
	mustCreate(t, s, newEvent("a", june, time.Hour), full)
	assertSameEvent(t, full, mustGetByUID(t, s, full.UID),
		"a Store must return every field of an event from GetByUID, as from Get")
}

func testUIDMissing(t *testing.T, s seminar.Store) {
	_, err := s.GetByUID(t.Context(), "missing@storetest.invalid")
	assert.ErrorIs(t, err, seminar.ErrNotFound, "a Store must return ErrNotFound from GetByUID for a UID no event has, in an empty store")
	mustCreate(t, s, newEvent("a", june, time.Hour))
	_, err = s.GetByUID(t.Context(), "a")
	assert.ErrorIs(t, err, seminar.ErrNotFound, "a Store must not find an event by its ID through GetByUID")
}

func testUIDExact(t *testing.T, s seminar.Store) {
	lower, upper := newEvent("a", june, time.Hour), newEvent("b", june, time.Hour)
	lower.UID, upper.UID = "talk-é@example.org", "TALK-É@example.org"
	mustCreate(t, s, lower, upper)
	assert.Equal(t, "a", mustGetByUID(t, s, lower.UID).ID, "a Store must compare UIDs exactly, case included")
	assert.Equal(t, "b", mustGetByUID(t, s, upper.UID).ID, "a Store must compare UIDs exactly, case included")
	_, err := s.GetByUID(t.Context(), "talk-é")
	assert.ErrorIs(t, err, seminar.ErrNotFound, "a Store must not match a prefix of a UID")
}

func testUIDFollowsUpdate(t *testing.T, s seminar.Store) {
	e := newEvent("a", june, time.Hour)
	mustCreate(t, s, e)
	next := e.Clone()
	next.UID = "renamed@storetest.invalid"
	next.Version = 2
	require.NoError(t, s.Update(t.Context(), next, 1))
	assert.Equal(t, int64(2), mustGetByUID(t, s, next.UID).Version, "a Store must find an event by the UID an Update gave it")
	_, err := s.GetByUID(t.Context(), e.UID)
	assert.ErrorIs(t, err, seminar.ErrNotFound, "a Store must forget the UID an Update replaced")
}

func testUIDAfterDelete(t *testing.T, s seminar.Store) {
	e := newEvent("a", june, time.Hour)
	mustCreate(t, s, e)
	require.NoError(t, s.Delete(t.Context(), "a"))
	_, err := s.GetByUID(t.Context(), e.UID)
	assert.ErrorIs(t, err, seminar.ErrNotFound, "a Store must return ErrNotFound from GetByUID for a deleted event")
}

func testUIDNoAliasing(t *testing.T, s seminar.Store) {
	full := fullEvent(t, "full")
	mustCreate(t, s, full)
	got := mustGetByUID(t, s, full.UID)
	got.Title = "changed"
	got.Speakers[0].Name = "changed"
	assertSameEvent(t, full, mustGetByUID(t, s, full.UID),
		"a Store must not let a caller change stored events through what GetByUID returned")
}
