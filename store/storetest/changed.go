package storetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

// changedCases check Outbox.Changed, the marks a reconciler follows.
var changedCases = []testCase{
	{"Order", testChangedOrder},
	{"LimitSplitsABatch", testChangedLimitSplitsABatch},
	{"Transactions", testChangedTransactions},
	{"ConcurrentWriters", testChangedConcurrentWriters},
	{"InvalidLimit", testChangedInvalidLimit},
	{"DoneContext", testChangedDoneContext},
}

// changed calls Changed or stops the test.
func changed(t *testing.T, o seminar.Outbox, mark int64, limit int) ([]*seminar.Event, int64) {
	t.Helper()
	events, next, err := o.Changed(t.Context(), mark, limit)
	require.NoError(t, err, "an Outbox must return the changed events from Changed")
	return events, next
}

func testChangedOrder(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	none, start := changed(t, o, 0, 10)
	assert.Empty(t, none, "an Outbox must return no events from Changed of an empty store")
	assert.Zero(t, start, "an Outbox must return mark 0 from Changed of a store never written")

	mustCreate(t, s, newEvent("a", june, time.Hour), newEvent("b", june, time.Hour))
	mustCreate(t, s, newEvent("c", june, time.Hour))
	a := mustGet(t, s, "a")
	a.Title, a.Version = "Changed", 2
	require.NoError(t, s.Update(t.Context(), a, 1), "a Store must update a stored event")
	require.NoError(t, s.Delete(t.Context(), "b"), "a Store must delete a stored event")

	got, mark := changed(t, o, 0, 10)
	assert.Equal(t, []string{"c", "a"}, ids(got),
		"an Outbox must return from Changed each stored event once, in the order of its last write, and no deleted one")
	if assert.Len(t, got, 2) {
		assertSameEvent(t, a, got[1], "an Outbox must return from Changed the events as they are stored")
	}
	assert.Positive(t, mark, "an Outbox must return a positive mark once events were written")

	again, same := changed(t, o, mark, 10)
	assert.Empty(t, again, "an Outbox must return nothing from Changed after the last mark it returned")
	assert.GreaterOrEqual(t, same, mark, "an Outbox must return from Changed at least the mark it was given when the store did not go back in time")

	require.NoError(t, s.Delete(t.Context(), "c"), "a Store must delete a stored event")
	afterDelete, deleteMark := changed(t, o, same, 10)
	assert.Empty(t, afterDelete, "an Outbox must not return deleted events from Changed")
	assert.Greater(t, deleteMark, same, "an Outbox must give a Delete a mark of its own")

	mustCreate(t, s, newEvent("d", june, time.Hour))
	later, _ := changed(t, o, deleteMark, 10)
	assert.Equal(t, []string{"d"}, ids(later), "an Outbox must return from Changed the writes after the mark it is given")
}

// testChangedLimitSplitsABatch: each event of a batch takes its own mark, so
// that a caller reading with a small limit misses none of them.
func testChangedLimitSplitsABatch(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	var batch []*seminar.Event
	for i := range 10 {
		batch = append(batch, newEvent(fmt.Sprintf("e%02d", i), june, time.Hour))
	}
	mustCreate(t, s, batch...)
	seen := map[string]int{}
	var mark int64
	for range 20 {
		got, next := changed(t, o, mark, 3)
		if len(got) == 0 {
			break
		}
		assert.LessOrEqual(t, len(got), 3, "an Outbox must return at most limit events from Changed")
		assert.Greater(t, next, mark, "an Outbox must return a higher mark from Changed when it returns events")
		for _, e := range got {
			seen[e.ID]++
		}
		mark = next
	}
	want := map[string]int{}
	for _, e := range batch {
		want[e.ID] = 1
	}
	assert.Equal(t, want, seen,
		"an Outbox must give each event of a batch its own mark, so that Changed read 3 at a time returns each once")
}

func testChangedTransactions(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	mustCreate(t, s, newEvent("a", june, time.Hour), newEvent("b", june, time.Hour))
	_, mark := changed(t, o, 0, 10)

	_ = o.Atomic(t.Context(), func(tx seminar.Tx) error {
		e := mustGetIn(t, tx, "a")
		e.Version = 2
		require.NoError(t, tx.Update(t.Context(), e, 1), "a Tx must update a stored event")
		return errRefused
	})
	got, same := changed(t, o, mark, 10)
	assert.Empty(t, got, "an Outbox must give no mark to the writes of a transaction it undid")
	assert.Equal(t, mark, same, "an Outbox must give no mark to the writes of a transaction it undid")

	require.NoError(t, o.Atomic(t.Context(), func(tx seminar.Tx) error {
		e := mustGetIn(t, tx, "b")
		e.Version = 2
		return tx.Update(t.Context(), e, 1)
	}), "an Outbox must commit a transaction whose function returns nil")
	got, _ = changed(t, o, mark, 10)
	assert.Equal(t, []string{"b"}, ids(got), "an Outbox must give marks to the writes of a committed transaction")
}

// testChangedConcurrentWriters follows Changed while writers update events
// at once: when they are done, the follower must have seen every event at
// its last Version. A mark handed out before an earlier one commits would
// let the follower pass it by.
func testChangedConcurrentWriters(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	const writers, rounds = 4, 15
	for w := range writers {
		mustCreate(t, s, newEvent(fmt.Sprintf("w%d", w), june, time.Hour))
	}
	_, mark := changed(t, o, 0, 100)
	last := map[string]int64{}
	follow := func() {
		for {
			got, next, err := o.Changed(t.Context(), mark, 2)
			if !assert.NoError(t, err, "an Outbox must return the changed events from Changed") || len(got) == 0 {
				return
			}
			for _, e := range got {
				last[e.ID] = e.Version
			}
			mark = next
		}
	}
	var stop atomic.Bool
	race(writers+1, func(i int) {
		if i == writers {
			for !stop.Load() {
				follow()
			}
			return
		}
		defer func() {
			if i == 0 {
				stop.Store(true)
			}
		}()
		id := fmt.Sprintf("w%d", i)
		for range rounds {
			e, err := s.Get(t.Context(), id)
			if !assert.NoError(t, err) {
				return
			}
			prev := e.Version
			e.Version++
			if !assert.NoError(t, s.Update(t.Context(), e, prev), "a Store must update an event no one else writes") {
				return
			}
		}
	})
	follow()
	for w := range writers {
		id := fmt.Sprintf("w%d", w)
		assert.Equalf(t, mustGet(t, s, id).Version, last[id],
			"an Outbox must hand out marks in the order writes commit, so that a caller following Changed sees every last write (event %s)", id)
	}
}

func testChangedInvalidLimit(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	for _, limit := range []int{0, -1} {
		_, _, err := o.Changed(t.Context(), 0, limit)
		assert.ErrorIsf(t, err, seminar.ErrInvalid, "an Outbox must return ErrInvalid from Changed with limit %d", limit)
	}
}

func testChangedDoneContext(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, _, err := o.Changed(ctx, 0, 10)
	assert.ErrorIs(t, err, context.Canceled, "an Outbox must return an error wrapping ctx.Err() from Changed called with a done context")
}
