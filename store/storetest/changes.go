package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

var changeCases = []testCase{
	{"Writes", testChangesWrites},
	{"ReadsAndRefusedWrites", testChangesReads},
	{"Concurrent", testChangesConcurrent},
	{"DoneContext", testChangesDoneContext},
	{"SeriesWrites", testChangesSeriesWrites},
}

// token reads the store's change token.
func token(t *testing.T, s seminar.Store) string {
	t.Helper()
	tok, err := s.(seminar.ChangeTracker).ChangeToken(t.Context())
	require.NoError(t, err, "a ChangeTracker must return its token")
	return tok
}

func testChangesWrites(t *testing.T, s seminar.Store) {
	seen := map[string]string{token(t, s): "the empty store"}
	step := func(what string) {
		t.Helper()
		tok := token(t, s)
		if earlier, ok := seen[tok]; ok {
			t.Errorf("a ChangeTracker must return a new token after %s; it returned the token of %s again (%q)", what, earlier, tok)
		}
		seen[tok] = what
	}
	a := newEvent("a", june, time.Hour)
	mustCreate(t, s, a)
	step("a Create")
	mustCreate(t, s, newEvent("b", june, time.Hour), newEvent("c", june.Add(time.Hour), time.Hour))
	step("a Create of a batch")
	next := a.Clone()
	next.Title = "Retitled"
	next.Version = 2
	require.NoError(t, s.Update(t.Context(), next, 1), "a Store must update a stored event")
	step("an Update that keeps the start")
	moved := next.Clone()
	moved.Start, moved.End = moved.Start.Add(24*time.Hour), moved.End.Add(24*time.Hour)
	moved.Version = 3
	require.NoError(t, s.Update(t.Context(), moved, 2), "a Store must update a stored event")
	step("an Update that moves the event")
	require.NoError(t, s.Delete(t.Context(), "b"), "a Store must delete a stored event")
	step("a Delete")
}

func testChangesReads(t *testing.T, s seminar.Store) {
	ctx := t.Context()
	a := newEvent("a", june, time.Hour)
	mustCreate(t, s, a)
	before := token(t, s)
	mustGet(t, s, "a")
	mustList(t, s, everything())
	_, err := s.GetByUID(ctx, a.UID)
	require.NoError(t, err, "a Store must find an event by UID")
	assert.Equal(t, before, token(t, s), "a ChangeTracker must not change its token on Get, GetByUID or List: every change costs each cache a rebuild")

	require.ErrorIs(t, s.Create(ctx, newEvent("a", june, time.Hour)), seminar.ErrExists, "a Store must refuse a Create of a stored ID")
	require.NoError(t, s.Create(ctx), "a Store must accept a Create of no events")
	stale := a.Clone()
	stale.Version = 2
	require.ErrorIs(t, s.Update(ctx, stale, 7), seminar.ErrConflict, "a Store must refuse an Update of an older version")
	require.ErrorIs(t, s.Delete(ctx, "missing"), seminar.ErrNotFound, "a Store must refuse a Delete of a missing ID")
	assert.Equal(t, before, token(t, s), "a ChangeTracker must not change its token on a refused write or a Create of no events")
}

func testChangesConcurrent(t *testing.T, s seminar.Store) {
	before := token(t, s)
	const writers = 8
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := newEvent(string(rune('a'+i)), june.Add(time.Duration(i)*time.Hour), time.Hour)
			assert.NoError(t, s.Create(t.Context(), e), "a Store must take concurrent Creates")
			_, err := s.(seminar.ChangeTracker).ChangeToken(t.Context())
			assert.NoError(t, err, "a ChangeTracker must answer while others write")
		}()
	}
	wg.Wait()
	last := token(t, s)
	assert.NotEqual(t, before, last, "a ChangeTracker must return a new token after concurrent Creates")
	require.NoError(t, s.Delete(t.Context(), "a"), "a Store must delete a stored event")
	assert.NotEqual(t, last, token(t, s), "a ChangeTracker must return a new token after the last of concurrent writes")
}

func testChangesDoneContext(t *testing.T, s seminar.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := s.(seminar.ChangeTracker).ChangeToken(ctx)
	assert.ErrorIs(t, err, context.Canceled, "a ChangeTracker must return an error wrapping ctx.Err() for a done context")
}

// testChangesSeriesWrites, for a store that also keeps series: pages and
// feeds show a talk's series by its name, so a series write is a change.
func testChangesSeriesWrites(t *testing.T, s seminar.Store) {
	if _, ok := s.(seminar.SeriesStore); !ok {
		t.Skip("the store does not implement seminar.SeriesStore")
	}
	ss := asSeriesStore(t, s)
	before := token(t, s)
	mustCreateSeries(t, ss, newSeries("vision"))
	created := token(t, s)
	assert.NotEqual(t, before, created, "a ChangeTracker that keeps series must return a new token after SeriesTx.CreateSeries")

	err := inSeriesTx(t, t.Context(), ss, func(_ seminar.Tx, st seminar.SeriesTx) error {
		next := newSeries("vision")
		next.Name, next.Version = "Renamed", 2
		if err := st.UpdateSeries(t.Context(), next, 1); err != nil {
			return err
		}
		return errRefused
	})
	require.ErrorIs(t, err, errRefused)
	assert.Equal(t, created, token(t, s), "a ChangeTracker must keep its token after a transaction that was undone")

	next := newSeries("vision")
	next.Name, next.Version = "Renamed", 2
	require.NoError(t, updateSeries(t, ss, next, 1), "a SeriesTx must update a series given its stored Version")
	updated := token(t, s)
	assert.NotEqual(t, created, updated, "a ChangeTracker that keeps series must return a new token after SeriesTx.UpdateSeries")

	_, err = ss.GetSeries(t.Context(), "vision")
	require.NoError(t, err)
	_, err = ss.ListSeries(t.Context())
	require.NoError(t, err)
	assert.Equal(t, updated, token(t, s), "a ChangeTracker must keep its token after GetSeries and ListSeries")

	err = inSeriesTx(t, t.Context(), ss, func(_ seminar.Tx, st seminar.SeriesTx) error { return st.DeleteSeries(t.Context(), "vision") })
	require.NoError(t, err, "a SeriesTx must delete a stored series")
	assert.NotEqual(t, updated, token(t, s), "a ChangeTracker that keeps series must return a new token after SeriesTx.DeleteSeries")
}
