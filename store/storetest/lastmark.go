package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

// lastMarkCases check LastMarker.ChangedWithLast: Changed's answer, and the
// last mark, which moves with every write that moves the change token.
var lastMarkCases = []testCase{
	{"AsChanged", testLastMarkAsChanged},
	{"EveryWrite", testLastMarkEveryWrite},
	{"SeriesWrites", testLastMarkSeriesWrites},
	{"InvalidLimit", testLastMarkInvalidLimit},
	{"DoneContext", testLastMarkDoneContext},
}

// changedWithLast calls ChangedWithLast or stops the test.
func changedWithLast(t *testing.T, s seminar.Store, mark int64, limit int) (events []*seminar.Event, next, last int64) {
	t.Helper()
	events, next, last, err := s.(seminar.LastMarker).ChangedWithLast(t.Context(), mark, limit)
	require.NoError(t, err, "a LastMarker must return the changed events from ChangedWithLast")
	return events, next, last
}

// testLastMarkAsChanged: the events and next of ChangedWithLast are those
// of Changed, a batch split by the limit included, and last is the last
// mark.
func testLastMarkAsChanged(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	none, next, last := changedWithLast(t, s, 0, 10)
	assert.Empty(t, none, "a LastMarker must return no events from ChangedWithLast of an empty store")
	assert.Zero(t, next, "a LastMarker must return mark 0 from ChangedWithLast of a store never written")
	assert.Zero(t, last, "a LastMarker must return last mark 0 from ChangedWithLast of a store never written")

	var batch []*seminar.Event
	for i := range 5 {
		batch = append(batch, newEvent(fmt.Sprintf("e%d", i), june, time.Hour))
	}
	mustCreate(t, s, batch...)
	require.NoError(t, s.Delete(t.Context(), "e1"), "a Store must delete a stored event")
	_, end := changed(t, o, 0, 100)
	_, end = changed(t, o, end, 100) // the delete's mark, after the last event's

	var mark int64
	for range 10 {
		want, wantNext := changed(t, o, mark, 2)
		got, next, last := changedWithLast(t, s, mark, 2)
		assert.Equal(t, ids(want), ids(got), "a LastMarker must return from ChangedWithLast the events of Changed (after mark %d)", mark)
		assert.Equal(t, wantNext, next, "a LastMarker must return from ChangedWithLast the next mark of Changed (after mark %d)", mark)
		assert.Equal(t, end, last, "a LastMarker must return from ChangedWithLast the last mark handed out (after mark %d)", mark)
		if len(got) == 0 {
			assert.Equal(t, last, next, "a LastMarker must return the last mark as next when no event is newer")
			return
		}
		mark = next
	}
	t.Error("a LastMarker must come to the end of the changed events, 2 at a time, within 10 calls")
}

// testLastMarkEveryWrite: every committed write raises the last mark, and
// with no other write between, the events since the mark before are the
// written event, as many as the marks between.
func testLastMarkEveryWrite(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	_, _, before := changedWithLast(t, s, 0, 1)
	step := func(what string, write func(), wantIDs []string) {
		t.Helper()
		write()
		events, next, last := changedWithLast(t, s, before, 10)
		assert.Greater(t, last, before, "a LastMarker must raise the last mark after %s", what)
		if len(wantIDs) == 0 {
			assert.Empty(t, events, "a LastMarker must return from ChangedWithLast no events after %s", what)
		} else {
			assert.Equal(t, wantIDs, ids(events), "a LastMarker must return from ChangedWithLast what %s wrote", what)
			assert.Equal(t, int64(len(wantIDs)), max(next, last)-before,
				"a LastMarker must give %s as many marks as events written, and no other write a mark", what)
		}
		before = last
	}
	step("Create", func() { mustCreate(t, s, newEvent("a", june, time.Hour)) }, []string{"a"})
	step("Update", func() {
		a := mustGet(t, s, "a")
		a.Title, a.Version = "Changed", 2
		require.NoError(t, s.Update(t.Context(), a, 1), "a Store must update a stored event")
	}, []string{"a"})
	step("a transaction", func() {
		require.NoError(t, o.Atomic(t.Context(), func(tx seminar.Tx) error {
			e := mustGetIn(t, tx, "a")
			e.Version = 3
			return tx.Update(t.Context(), e, 2)
		}), "an Outbox must commit a transaction whose function returns nil")
	}, []string{"a"})
	step("Delete", func() { require.NoError(t, s.Delete(t.Context(), "a"), "a Store must delete a stored event") }, nil)

	_ = o.Atomic(t.Context(), func(tx seminar.Tx) error {
		require.NoError(t, tx.Create(t.Context(), newEvent("b", june, time.Hour)), "a Tx must create an event")
		return errRefused
	})
	_, _, last := changedWithLast(t, s, before, 10)
	assert.Equal(t, before, last, "a LastMarker must keep the last mark after a transaction that was undone")
	_, err := s.Get(t.Context(), "missing")
	require.ErrorIs(t, err, seminar.ErrNotFound)
	_, _, last = changedWithLast(t, s, before, 10)
	assert.Equal(t, before, last, "a LastMarker must keep the last mark after reads")
}

// testLastMarkSeriesWrites, for a store that also keeps series: the last
// mark stands in for the change token, which series writes move.
func testLastMarkSeriesWrites(t *testing.T, s seminar.Store) {
	if _, ok := s.(seminar.SeriesStore); !ok {
		t.Skip("the store does not implement seminar.SeriesStore")
	}
	ss := asSeriesStore(t, s)
	_, _, before := changedWithLast(t, s, 0, 1)
	mustCreateSeries(t, ss, newSeries("vision"))
	events, _, created := changedWithLast(t, s, before, 10)
	assert.Empty(t, events, "a LastMarker must return no events after a series write")
	assert.Greater(t, created, before, "a LastMarker that keeps series must raise the last mark after SeriesTx.CreateSeries")

	next := newSeries("vision")
	next.Name, next.Version = "Renamed", 2
	require.NoError(t, updateSeries(t, ss, next, 1), "a SeriesTx must update a series given its stored Version")
	_, _, updated := changedWithLast(t, s, created, 10)
	assert.Greater(t, updated, created, "a LastMarker that keeps series must raise the last mark after SeriesTx.UpdateSeries")

	require.NoError(t, inSeriesTx(t, t.Context(), ss, func(_ seminar.Tx, st seminar.SeriesTx) error {
		return st.DeleteSeries(t.Context(), "vision")
	}), "a SeriesTx must delete a stored series")
	_, _, deleted := changedWithLast(t, s, updated, 10)
	assert.Greater(t, deleted, updated, "a LastMarker that keeps series must raise the last mark after SeriesTx.DeleteSeries")
}

func testLastMarkInvalidLimit(t *testing.T, s seminar.Store) {
	for _, limit := range []int{0, -1} {
		_, _, _, err := s.(seminar.LastMarker).ChangedWithLast(t.Context(), 0, limit)
		assert.ErrorIsf(t, err, seminar.ErrInvalid, "a LastMarker must return ErrInvalid from ChangedWithLast with limit %d", limit)
	}
}

func testLastMarkDoneContext(t *testing.T, s seminar.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, _, _, err := s.(seminar.LastMarker).ChangedWithLast(ctx, 0, 10)
	assert.ErrorIs(t, err, context.Canceled, "a LastMarker must return an error wrapping ctx.Err() from ChangedWithLast called with a done context")
}
