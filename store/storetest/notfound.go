package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

var notFoundCases = []testCase{
	{"Get", testNotFoundGet},
	{"Update", testNotFoundUpdate},
	{"Delete", testNotFoundDelete},
	{"AfterDelete", testNotFoundAfterDelete},
}

func testNotFoundGet(t *testing.T, s seminar.Store) {
	assertAbsent(t, s, "missing", "a Store must return ErrNotFound from Get for a missing ID in an empty store")
	mustCreate(t, s, newEvent("a", june, time.Hour))
	assertAbsent(t, s, "missing", "a Store must return ErrNotFound from Get for a missing ID")
}

func testNotFoundUpdate(t *testing.T, s seminar.Store) {
	mustCreate(t, s, newEvent("a", june, time.Hour))
	err := s.Update(t.Context(), newEvent("missing", june, time.Hour), 1)
	assert.ErrorIs(t, err, seminar.ErrNotFound, "a Store must return ErrNotFound from Update for a missing ID")
	assertAbsent(t, s, "missing", "a Store must not create an event on Update of a missing ID")
	assert.Equal(t, []string{"a"}, listIDs(t, s, everything()),
		"a Store must not create an event on Update of a missing ID")
}

func testNotFoundDelete(t *testing.T, s seminar.Store) {
	mustCreate(t, s, newEvent("a", june, time.Hour))
	assert.ErrorIs(t, s.Delete(t.Context(), "missing"), seminar.ErrNotFound,
		"a Store must return ErrNotFound from Delete for a missing ID")
	assert.Equal(t, []string{"a"}, listIDs(t, s, everything()),
		"a Store must delete nothing on Delete of a missing ID")
}

func testNotFoundAfterDelete(t *testing.T, s seminar.Store) {
	a := newEvent("a", june, time.Hour)
	b := newEvent("b", june, time.Hour)
	mustCreate(t, s, a, b)
	require.NoError(t, s.Delete(t.Context(), "a"), "a Store must delete a stored event")
	assertAbsent(t, s, "a", "a Store must return ErrNotFound from Get for a deleted ID")
	assertSameEvent(t, b, mustGet(t, s, "b"), "a Store must keep the other events when it deletes one")
	assert.Equal(t, []string{"b"}, listIDs(t, s, everything()), "a Store must not list a deleted event")
	assert.ErrorIs(t, s.Delete(t.Context(), "a"), seminar.ErrNotFound,
		"a Store must return ErrNotFound from Delete for an ID already deleted")
	assert.ErrorIs(t, s.Update(t.Context(), a, a.Version), seminar.ErrNotFound,
		"a Store must return ErrNotFound from Update for a deleted ID")
	assertAbsent(t, s, "a", "a Store must not bring a deleted event back on Update")
}
