package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

// batchCases check seminar.BatchGetter, for the stores that implement it.
var batchCases = []testCase{
	{"Found", testBatchFound},
	{"Missing", testBatchMissing},
	{"Exact", testBatchExact},
	{"Many", testBatchMany},
	{"FollowsWrites", testBatchFollowsWrites},
	{"NoAliasing", testBatchNoAliasing},
	{"DoneContext", testBatchDoneContext},
}

// byKey returns events by the key key gives, failing on an event returned
// twice.
func byKey(t *testing.T, events []*seminar.Event, key func(*seminar.Event) string, rule string) map[string]*seminar.Event {
	t.Helper()
	m := map[string]*seminar.Event{}
	for _, e := range events {
		require.NotNil(t, e, rule)
		_, dup := m[key(e)]
		assert.False(t, dup, "%s: %q came back twice", rule, key(e))
		m[key(e)] = e
	}
	return m
}

func eventID(e *seminar.Event) string  { return e.ID }
func eventUID(e *seminar.Event) string { return e.UID }

func testBatchFound(t *testing.T, s seminar.Store) {
	bg := s.(seminar.BatchGetter)
	full := fullEvent(t, "full")
	a, b := newEvent("a", june, time.Hour), newEvent("b", june.Add(time.Hour), time.Hour)
	mustCreate(t, s, a, full, b)

	got, err := bg.GetMany(t.Context(), []string{"b", "full"})
	require.NoError(t, err, "a BatchGetter must read stored events with GetMany")
	m := byKey(t, got, eventID, "a BatchGetter must return each event once from GetMany")
	assert.Len(t, m, 2, "a BatchGetter must return from GetMany the events asked for, and only those")
	assertSameEvent(t, full, m["full"], "a BatchGetter must return every field of an event from GetMany, as from Get")
	assertSameEvent(t, b, m["b"], "a BatchGetter must return every field of an event from GetMany, as from Get")

	got, err = bg.GetManyByUID(t.Context(), []string{full.UID, a.UID})
	require.NoError(t, err, "a BatchGetter must read stored events with GetManyByUID")
	m = byKey(t, got, eventUID, "a BatchGetter must return each event once from GetManyByUID")
	assert.Len(t, m, 2, "a BatchGetter must return from GetManyByUID the events asked for, and only those")
	assertSameEvent(t, full, m[full.UID], "a BatchGetter must return every field of an event from GetManyByUID, as from GetByUID")
	assertSameEvent(t, a, m[a.UID], "a BatchGetter must return every field of an event from GetManyByUID, as from GetByUID")
}

func testBatchMissing(t *testing.T, s seminar.Store) {
	bg := s.(seminar.BatchGetter)
	for _, keys := range [][]string{nil, {}, {"missing"}} {
		got, err := bg.GetMany(t.Context(), keys)
		require.NoError(t, err, "a BatchGetter must not fail GetMany for IDs not stored, or none")
		assert.Empty(t, got, "a BatchGetter must return no events from GetMany in an empty store")
		got, err = bg.GetManyByUID(t.Context(), keys)
		require.NoError(t, err, "a BatchGetter must not fail GetManyByUID for UIDs not stored, or none")
		assert.Empty(t, got, "a BatchGetter must return no events from GetManyByUID in an empty store")
	}
	a := newEvent("a", june, time.Hour)
	mustCreate(t, s, a)
	got, err := bg.GetMany(t.Context(), []string{"missing", "a", "a", a.UID})
	require.NoError(t, err)
	m := byKey(t, got, eventID, "a BatchGetter must return an event once from GetMany, even when its ID is given twice")
	assert.Equal(t, []string{"a"}, mapKeys(m), "a BatchGetter must leave out of GetMany the IDs not stored, and not match an event by its UID")
	got, err = bg.GetManyByUID(t.Context(), []string{a.UID, "missing", "a", a.UID})
	require.NoError(t, err)
	m = byKey(t, got, eventUID, "a BatchGetter must return an event once from GetManyByUID, even when its UID is given twice")
	assert.Equal(t, []string{a.UID}, mapKeys(m), "a BatchGetter must leave out of GetManyByUID the UIDs not stored, and not match an event by its ID")
}

func mapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func testBatchExact(t *testing.T, s seminar.Store) {
	bg := s.(seminar.BatchGetter)
	lower, upper := newEvent("a", june, time.Hour), newEvent("b", june, time.Hour)
	lower.UID, upper.UID = "talk-é@example.org", "TALK-É@example.org"
	mustCreate(t, s, lower, upper)
	got, err := bg.GetManyByUID(t.Context(), []string{"TALK-É@example.org", "talk-é", "talk-é@example.org "})
	require.NoError(t, err)
	m := byKey(t, got, eventUID, "a BatchGetter must return each event once from GetManyByUID")
	assert.Equal(t, []string{upper.UID}, mapKeys(m), "a BatchGetter must compare UIDs exactly, case included, and match no prefix")
	got, err = bg.GetMany(t.Context(), []string{"A", "b"})
	require.NoError(t, err)
	m = byKey(t, got, eventID, "a BatchGetter must return each event once from GetMany")
	assert.Equal(t, []string{"b"}, mapKeys(m), "a BatchGetter must compare IDs exactly, case included")
}

// testBatchMany asks for more keys than an SQL statement may bind
// parameters (SQLite's default limit is 32,766), most of them stored.
func testBatchMany(t *testing.T, s seminar.Store) {
	bg := s.(seminar.BatchGetter)
	const stored, asked = 1500, 40_000
	events := make([]*seminar.Event, stored)
	for i := range events {
		events[i] = newEvent(fmt.Sprintf("e%05d", i), june.Add(time.Duration(i)*time.Minute), time.Hour)
	}
	mustCreate(t, s, events...)
	ids, uids := make([]string, asked), make([]string, asked)
	for i := range asked {
		ids[i] = fmt.Sprintf("e%05d", i)
		uids[i] = ids[i] + "@storetest.invalid"
	}
	got, err := bg.GetMany(t.Context(), ids)
	require.NoError(t, err, "a BatchGetter must take any number of IDs in GetMany")
	assert.Len(t, byKey(t, got, eventID, "GetMany"), stored, "a BatchGetter must return every stored event asked for from GetMany")
	got, err = bg.GetManyByUID(t.Context(), uids)
	require.NoError(t, err, "a BatchGetter must take any number of UIDs in GetManyByUID")
	assert.Len(t, byKey(t, got, eventUID, "GetManyByUID"), stored, "a BatchGetter must return every stored event asked for from GetManyByUID")
}

func testBatchFollowsWrites(t *testing.T, s seminar.Store) {
	bg := s.(seminar.BatchGetter)
	a, b := newEvent("a", june, time.Hour), newEvent("b", june, time.Hour)
	mustCreate(t, s, a, b)
	next := a.Clone()
	next.UID, next.Title, next.Version = "renamed@storetest.invalid", "Renamed", 2
	require.NoError(t, s.Update(t.Context(), next, 1))
	require.NoError(t, s.Delete(t.Context(), "b"))
	got, err := bg.GetManyByUID(t.Context(), []string{a.UID, next.UID, b.UID})
	require.NoError(t, err)
	m := byKey(t, got, eventUID, "GetManyByUID")
	assert.Equal(t, []string{next.UID}, mapKeys(m), "a BatchGetter must find an event by its new UID only, and no deleted event")
	got, err = bg.GetMany(t.Context(), []string{"a", "b"})
	require.NoError(t, err)
	m = byKey(t, got, eventID, "GetMany")
	if assert.Equal(t, []string{"a"}, mapKeys(m), "a BatchGetter must not return a deleted event from GetMany") {
		assertSameEvent(t, next, m["a"], "a BatchGetter must return the event as last written")
	}
}

func testBatchNoAliasing(t *testing.T, s seminar.Store) {
	bg := s.(seminar.BatchGetter)
	full := fullEvent(t, "full")
	mustCreate(t, s, full)
	ids := []string{"full"}
	got, err := bg.GetMany(t.Context(), ids)
	require.NoError(t, err)
	require.Len(t, got, 1)
	got[0].Title = strings.ToUpper(got[0].Title)
	got[0].Speakers[0].Name = "changed"
	got[0].ResearchAreas[0] = "changed"
	ids[0] = "changed"
	again, err := bg.GetManyByUID(t.Context(), []string{full.UID})
	require.NoError(t, err)
	require.Len(t, again, 1)
	assertSameEvent(t, full, again[0], "a BatchGetter must return events that share no memory with the store")
}

func testBatchDoneContext(t *testing.T, s seminar.Store) {
	bg := s.(seminar.BatchGetter)
	mustCreate(t, s, newEvent("a", june, time.Hour))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := bg.GetMany(ctx, []string{"a"})
	assert.ErrorIs(t, err, context.Canceled, "a BatchGetter must return an error wrapping ctx.Err() from GetMany with a done context")
	_, err = bg.GetManyByUID(ctx, []string{"a@storetest.invalid"})
	assert.ErrorIs(t, err, context.Canceled, "a BatchGetter must return an error wrapping ctx.Err() from GetManyByUID with a done context")
}
