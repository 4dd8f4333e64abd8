package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

// atomicCases check Outbox.Atomic: the step in which the Calendar writes an
// event together with its outbox.
var atomicCases = []testCase{
	{"Commits", testAtomicCommits},
	{"RefusedOutboxPartUndoesTheEventWrite", testAtomicRefusedOutboxPart},
	{"ErrorUndoesEverything", testAtomicErrorUndoesEverything},
	{"PanicUndoesEverything", testAtomicPanic},
	{"ReadsItsOwnWrites", testAtomicReadsOwnWrites},
	{"GetHoldsTheEvent", testAtomicGetHoldsTheEvent},
	{"NoPartialWriteIsSeen", testAtomicNoPartialWriteIsSeen},
	{"DoneContext", testAtomicDoneContext},
}

// errRefused is what the cases' transactions return to make Atomic undo.
var errRefused = errors.New("storetest: refused by the caller")

func testAtomicCommits(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	mustCreate(t, s, newEvent("a", june, time.Hour), newEvent("gone", june, time.Hour))
	next := mustGet(t, s, "a")
	next.Title, next.Version = "Moved", 2
	err := o.Atomic(t.Context(), func(tx seminar.Tx) error {
		ctx := t.Context()
		return errors.Join(
			tx.Update(ctx, next, 1),
			tx.Create(ctx, newEvent("b", june, time.Hour)),
			tx.Delete(ctx, "gone"),
			tx.AddDeliveries(ctx, newDelivery("a.reminder", "a", seminar.KindReminder, claimNow)),
		)
	})
	require.NoError(t, err, "an Outbox must commit a transaction whose function returns nil")
	assertSameEvent(t, next, mustGet(t, s, "a"), "an Outbox must keep an Update made in a committed transaction")
	mustGet(t, s, "b")
	assertAbsent(t, s, "gone", "an Outbox must keep a Delete made in a committed transaction")
	mustGetDelivery(t, o, "a.reminder")
}

// testAtomicRefusedOutboxPart: the Calendar's write of an event and of its
// deliveries is one step; when the store refuses the deliveries, the event
// must stay at its old Version.
func testAtomicRefusedOutboxPart(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	before := newEvent("a", june, time.Hour)
	mustCreate(t, s, before)
	next := before.Clone()
	next.Start, next.End, next.Version, next.Sequence = june.Add(time.Hour), june.Add(2*time.Hour), 2, 1
	err := o.Atomic(t.Context(), func(tx seminar.Tx) error {
		if err := tx.Update(t.Context(), next, 1); err != nil {
			return err
		}
		return tx.AddDeliveries(t.Context(), newDelivery("a.reminder.s1", "a", seminar.KindReminder, claimNow), nil)
	})
	assert.ErrorIs(t, err, seminar.ErrInvalid,
		"an Outbox must return from Atomic the error of the function, here ErrInvalid from AddDeliveries of a nil delivery")
	assertSameEvent(t, before, mustGet(t, s, "a"),
		"an Outbox must undo an Update made in a transaction whose function failed: the event keeps its old Version")
	assert.Empty(t, mustDeliveries(t, o, "a"), "an Outbox must store no delivery of a transaction whose function failed")
	assertListed(t, s, []string{"a"}, june, "an Outbox must list an event at its old Start after undoing its Update")
}

func testAtomicErrorUndoesEverything(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	mustCreate(t, s, newEvent(liveEvent, june, time.Hour), newEvent("kept", june, time.Hour))
	pending := dueDelivery("pending", 5)
	mustAdd(t, o, pending, dueDelivery("held", 10))
	held := mustClaim(t, o, claimNow, "me", 1)
	require.Len(t, held, 1, "an Outbox must claim a due delivery")
	outcome := held[0].Clone()
	outcome.State, outcome.SentAt, outcome.UpdatedAt = seminar.StateSent, claimNow, claimNow
	beforeEvents := mustList(t, s, everything())

	err := o.Atomic(t.Context(), func(tx seminar.Tx) error {
		ctx := t.Context()
		changed := mustGetIn(t, tx, liveEvent)
		changed.Title, changed.Version = "Changed", 2
		if err := errors.Join(
			tx.Create(ctx, newEvent("new", june, time.Hour)),
			tx.Update(ctx, changed, 1),
			tx.Delete(ctx, "kept"),
			tx.AddDeliveries(ctx, newDelivery("new.reminder", "new", seminar.KindReminder, claimNow)),
			tx.Finish(ctx, outcome),
		); err != nil {
			return err
		}
		if n, err := tx.Drop(ctx, "cancelled", "pending"); err != nil || n != 1 {
			return fmt.Errorf("drop: %d, %w", n, err)
		}
		return fmt.Errorf("the caller changed its mind: %w", errRefused)
	})
	assert.ErrorIs(t, err, errRefused, "an Outbox must return from Atomic the error of the function, wrapped or not")
	assert.Equal(t, ids(beforeEvents), ids(mustList(t, s, everything())),
		"an Outbox must undo every Create and Delete of a transaction whose function failed")
	assertSameEvent(t, beforeEvents[1], mustGet(t, s, liveEvent),
		"an Outbox must undo every Update of a transaction whose function failed")
	_, err = o.GetDelivery(t.Context(), "new.reminder")
	assert.ErrorIs(t, err, seminar.ErrNotFound, "an Outbox must undo AddDeliveries of a transaction whose function failed")
	assertSameDelivery(t, pending, mustGetDelivery(t, o, "pending"),
		"an Outbox must undo Drop of a transaction whose function failed")
	assertSameDelivery(t, held[0], mustGetDelivery(t, o, "held"),
		"an Outbox must undo Finish of a transaction whose function failed: the claim is still held")
	require.NoError(t, o.Finish(t.Context(), outcome),
		"an Outbox must accept Finish of a claim whose Finish in a failed transaction was undone")
}

func testAtomicPanic(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	before := newEvent("a", june, time.Hour)
	mustCreate(t, s, before)
	recovered := func() (r any) {
		defer func() { r = recover() }()
		_ = o.Atomic(t.Context(), func(tx seminar.Tx) error {
			next := before.Clone()
			next.Title, next.Version = "Half-way", 2
			if err := tx.Update(t.Context(), next, 1); err != nil {
				return err
			}
			if err := tx.AddDeliveries(t.Context(), newDelivery("a.reminder", "a", seminar.KindReminder, claimNow)); err != nil {
				return err
			}
			panic("storetest: a panic in the middle of a transaction")
		})
		return nil
	}()
	assert.NotNil(t, recovered, "an Outbox must let a panic in the function of Atomic go on to the caller")
	assertSameEvent(t, before, mustGet(t, s, "a"), "an Outbox must undo the transaction of a function that panicked")
	assert.Empty(t, mustDeliveries(t, o, "a"), "an Outbox must undo the transaction of a function that panicked")

	done := make(chan error, 1)
	go func() {
		done <- o.Atomic(t.Context(), func(tx seminar.Tx) error {
			return tx.AddDeliveries(t.Context(), newDelivery("a.later", "a", seminar.KindReminder, claimNow))
		})
	}()
	select {
	case err := <-done:
		assert.NoError(t, err, "an Outbox must run transactions after one whose function panicked")
	case <-time.After(30 * time.Second):
		t.Fatal("an Outbox must release what a transaction holds when its function panics; the next Atomic is still waiting after 30 s")
	}
}

func testAtomicReadsOwnWrites(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	mustCreate(t, s, newEvent(liveEvent, june, time.Hour))
	mustAdd(t, o, dueDelivery("pending", 5))
	err := o.Atomic(t.Context(), func(tx seminar.Tx) error {
		ctx := t.Context()
		next := mustGetIn(t, tx, liveEvent)
		next.Title, next.Version = "Changed", 2
		require.NoError(t, tx.Update(ctx, next, 1), "a Tx must update a stored event")
		got := mustGetIn(t, tx, liveEvent)
		assert.Equal(t, "Changed", got.Title, "a Tx must return from Get the event as the transaction updated it")
		require.NoError(t, tx.Create(ctx, newEvent("new", june, time.Hour)), "a Tx must create an event")
		mustGetIn(t, tx, "new")
		require.NoError(t, tx.AddDeliveries(ctx, dueDelivery("added", 1)), "a Tx must add a delivery")
		_, err := tx.Drop(ctx, "superseded", "pending")
		require.NoError(t, err, "a Tx must drop a pending delivery")
		ds, err := tx.Deliveries(ctx, liveEvent)
		require.NoError(t, err, "a Tx must return the deliveries of an event")
		states := map[string]seminar.DeliveryState{}
		for _, d := range ds {
			states[d.ID] = d.State
		}
		assert.Equal(t, map[string]seminar.DeliveryState{"pending": seminar.StateDropped, "added": seminar.StatePending}, states,
			"a Tx must return from Deliveries what the transaction added and dropped")
		require.NoError(t, tx.Delete(ctx, "new"), "a Tx must delete an event the transaction created")
		_, err = tx.Get(ctx, "new")
		assert.ErrorIs(t, err, seminar.ErrNotFound, "a Tx must return ErrNotFound from Get of an event the transaction deleted")
		return nil
	})
	require.NoError(t, err, "an Outbox must commit a transaction whose function returns nil")
}

// testAtomicGetHoldsTheEvent runs transactions that each read an event with
// Get and write it back at the Version they read: as Get holds the event
// until the transaction ends, none may find the event moved on.
func testAtomicGetHoldsTheEvent(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	mustCreate(t, s, newEvent("a", june, time.Hour))
	const writers = 8
	race(writers, func(i int) {
		err := o.Atomic(t.Context(), func(tx seminar.Tx) error {
			e, err := tx.Get(t.Context(), "a")
			if err != nil {
				return err
			}
			prev := e.Version
			e.Version++
			e.Abstract += fmt.Sprintf("[%d]", i)
			if err := tx.Update(t.Context(), e, prev); err != nil {
				return err
			}
			return tx.AddDeliveries(t.Context(), newDelivery(fmt.Sprintf("a.v%d", e.Version), "a", seminar.KindUpdate, claimNow))
		})
		assert.NoError(t, err, "an Outbox must hold an event read by Tx.Get until its transaction ends, "+
			"so that an Update at the Version read cannot conflict")
	})
	got := mustGet(t, s, "a")
	assert.Equal(t, int64(1+writers), got.Version, "an Outbox must keep every one of serialized transactions' Updates")
	assert.Len(t, mustDeliveries(t, o, "a"), writers, "an Outbox must keep the deliveries of every committed transaction")
}

// testAtomicNoPartialWriteIsSeen reads an event and its deliveries while
// transactions raise its Version and add a delivery for each Version: a
// reader that sees a Version must see its delivery.
func testAtomicNoPartialWriteIsSeen(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	mustCreate(t, s, newEvent("a", june, time.Hour))
	mustAdd(t, o, newDelivery("a.v1", "a", seminar.KindUpdate, claimNow))
	const writes = 30
	var stop atomic.Bool
	var reads atomic.Int64
	race(3, func(i int) {
		if i == 0 {
			defer stop.Store(true)
			// A store with one connection may let the writer finish
			// before a reader gets a turn: start once one has read.
			for wait := time.Now(); reads.Load() == 0 && time.Since(wait) < 10*time.Second; {
				time.Sleep(time.Millisecond)
			}
			for range writes {
				err := o.Atomic(t.Context(), func(tx seminar.Tx) error {
					e, err := tx.Get(t.Context(), "a")
					if err != nil {
						return err
					}
					prev := e.Version
					e.Version++
					if err := tx.Update(t.Context(), e, prev); err != nil {
						return err
					}
					return tx.AddDeliveries(t.Context(), newDelivery(fmt.Sprintf("a.v%d", e.Version), "a", seminar.KindUpdate, claimNow))
				})
				if !assert.NoError(t, err, "an Outbox must commit transactions while others read") {
					return
				}
			}
			return
		}
		for !stop.Load() {
			e, err := s.Get(t.Context(), "a")
			if !assert.NoError(t, err, "a Store must return a stored event from Get") {
				return
			}
			ds, err := o.Deliveries(t.Context(), "a")
			if !assert.NoError(t, err, "an Outbox must return the deliveries of an event") {
				return
			}
			reads.Add(1)
			have := map[string]bool{}
			for _, d := range ds {
				have[d.ID] = true
			}
			if id := fmt.Sprintf("a.v%d", e.Version); !have[id] {
				assert.Failf(t, "an Outbox must not let a reader see part of a transaction",
					"the event is at Version %d, but its delivery %q is missing", e.Version, id)
				return
			}
		}
	})
	assert.Positive(t, reads.Load(), "the readers must have read while the transactions ran")
	assert.Equal(t, int64(1+writes), mustGet(t, s, "a").Version, "an Outbox must keep every committed transaction")
}

func testAtomicDoneContext(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	mustCreate(t, s, newEvent("a", june, time.Hour))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := o.Atomic(ctx, func(tx seminar.Tx) error {
		return tx.Create(ctx, newEvent("b", june, time.Hour))
	})
	assert.ErrorIs(t, err, context.Canceled, "an Outbox must return an error wrapping ctx.Err() from Atomic called with a done context")
	assertAbsent(t, s, "b", "an Outbox must store nothing in Atomic called with a done context")

	ctx, cancel = context.WithCancel(t.Context())
	err = o.Atomic(ctx, func(tx seminar.Tx) error {
		if err := tx.Create(ctx, newEvent("c", june, time.Hour)); err != nil {
			return err
		}
		cancel()
		return tx.AddDeliveries(ctx, newDelivery("c.reminder", "c", seminar.KindReminder, claimNow))
	})
	assert.ErrorIs(t, err, context.Canceled,
		"an Outbox must return an error wrapping ctx.Err() from Atomic when its context is done during the transaction")
	assertAbsent(t, s, "c", "an Outbox must undo a transaction whose context was done before it committed")
}

// mustGetIn returns the event with the given ID as tx sees it or stops the
// test.
func mustGetIn(t *testing.T, tx seminar.Tx, id string) *seminar.Event {
	t.Helper()
	e, err := tx.Get(t.Context(), id)
	require.NoError(t, err, "a Tx must return a stored event from Get")
	return e
}

// assertListed checks that a listing of the day from start holds the
// events with the given IDs.
func assertListed(t *testing.T, s seminar.Store, want []string, start time.Time, rule string) {
	t.Helper()
	q := everything()
	q.From, q.To = start, start.Add(time.Minute)
	assert.Equal(t, want, listIDs(t, s, q), rule)
}
