package storetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

// maxLimit is the Limit of listings meant to return every matching event.
const maxLimit = 100000

// everything is the query for every stored event, cancelled ones included.
func everything() seminar.ListQuery {
	return seminar.ListQuery{Filter: seminar.Filter{IncludeCancelled: true}, Limit: maxLimit}
}

// mustCreate stores events in one call to Create or stops the test: the
// cases that call it need the events stored to check anything else.
func mustCreate(t *testing.T, s seminar.Store, events ...*seminar.Event) {
	t.Helper()
	requireValid(t, events...)
	require.NoError(t, s.Create(t.Context(), events...),
		"a Store must create events whose IDs and UIDs are not stored yet")
}

// mustGet returns the stored event with the given ID or stops the test.
func mustGet(t *testing.T, s seminar.Store, id string) *seminar.Event {
	t.Helper()
	e, err := s.Get(t.Context(), id)
	require.NoError(t, err, "a Store must return a stored event from Get")
	require.NotNil(t, e, "a Store must return a non-nil event from Get when it returns no error")
	return e
}

// mustList returns the events listed for q or stops the test.
func mustList(t *testing.T, s seminar.Store, q seminar.ListQuery) []*seminar.Event {
	t.Helper()
	events, err := s.List(t.Context(), q)
	require.NoError(t, err, "a Store must list events for a valid query")
	for _, e := range events {
		require.NotNil(t, e, "a Store must not list nil events")
	}
	return events
}

// listIDs returns the IDs of the events listed for q, in order.
func listIDs(t *testing.T, s seminar.Store, q seminar.ListQuery) []string {
	t.Helper()
	return ids(mustList(t, s, q))
}

// assertAbsent checks that no event with the given ID is stored. rule says why
// it must not be.
func assertAbsent(t *testing.T, s seminar.Store, id, rule string) {
	t.Helper()
	_, err := s.Get(t.Context(), id)
	assert.ErrorIs(t, err, seminar.ErrNotFound, rule)
}
