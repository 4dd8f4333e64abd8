package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/postgres"
)

// storeOn returns a Store on schema with a pool of its own, as another
// process would have, whose connections are named app.
func storeOn(t *testing.T, schema, app string, configure ...func(*pgxpool.Config)) *postgres.Store {
	t.Helper()
	pool := newPool(t, append([]func(*pgxpool.Config){withRuntimeParam("application_name", app)}, configure...)...)
	s, err := postgres.New(t.Context(), pool, &postgres.Options{Schema: schema})
	require.NoError(t, err)
	return s
}

// waitForLock waits until a connection named app waits for a lock.
func waitForLock(t *testing.T, app string) {
	t.Helper()
	require.Eventually(t, func() bool {
		var waiting int
		require.NoError(t, adminPool(t).QueryRow(t.Context(),
			"SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", app).Scan(&waiting))
		return waiting > 0
	}, 10*time.Second, 5*time.Millisecond, "a call of %s must be waiting for a lock", app)
}

// retitled returns the next version of e with another title.
func retitled(e *seminar.Event, title string) *seminar.Event {
	next := e.Clone()
	next.Title, next.Version = title, e.Version+1
	return next
}

// stored describes what a Store holds of an event and its deliveries, to
// compare before and after a transaction that must leave no trace.
type stored struct {
	event      *seminar.Event
	deliveries []*seminar.Delivery
	token      string
}

func snapshot(t *testing.T, s *postgres.Store, id string) stored {
	t.Helper()
	e, err := s.Get(t.Context(), id)
	require.NoError(t, err)
	ds, err := s.Deliveries(t.Context(), id)
	require.NoError(t, err)
	tok, err := s.ChangeToken(t.Context())
	require.NoError(t, err)
	return stored{event: e, deliveries: ds, token: tok}
}

func TestAtomic_UndoesAllOnError(t *testing.T) {
	s := newStore(t, newPool(t))
	e := sampleEvent(1, time.Hour)
	require.NoError(t, s.Create(t.Context(), e))
	before := snapshot(t, s, e.ID)

	refused := errors.New("the calendar changed its mind")
	err := s.Atomic(t.Context(), func(tx seminar.Tx) error {
		if err := tx.Update(t.Context(), retitled(e, "Written, then undone"), e.Version); err != nil {
			return err
		}
		if err := tx.AddDeliveries(t.Context(), &seminar.Delivery{
			ID: "d", EventID: e.ID, Kind: seminar.KindManual, DueAt: base, State: seminar.StatePending,
		}); err != nil {
			return err
		}
		return refused
	})
	assert.Same(t, refused, err, "Atomic must return fn's error as it is")
	assert.Equal(t, before, snapshot(t, s, e.ID), "Atomic must undo the event write, the deliveries and the marks when fn fails")
}

func TestAtomic_UndoesAllOnPanic(t *testing.T) {
	pool := newPool(t)
	s := newStore(t, pool)
	e := sampleEvent(1, time.Hour)
	require.NoError(t, s.Create(t.Context(), e))
	before := snapshot(t, s, e.ID)

	assert.PanicsWithValue(t, "fn panics", func() {
		_ = s.Atomic(t.Context(), func(tx seminar.Tx) error {
			require.NoError(t, tx.Update(t.Context(), retitled(e, "Written, then undone"), e.Version))
			panic("fn panics")
		})
	}, "Atomic must panic again with fn's panic")
	assert.Equal(t, before, snapshot(t, s, e.ID), "Atomic must undo the event write when fn panics")
	assert.Zero(t, pool.Stat().AcquiredConns(), "Atomic must give the connection of a panicking fn back to the pool")
	assert.NoError(t, s.Update(t.Context(), retitled(e, "Written after"), e.Version),
		"the event must not stay locked by the transaction of a panicking fn")
}

// TestAtomic_GetHoldsTheEvent: two transactions that Get the same event and
// Update it from the version they read run one after the other, the second
// waiting in Get for the first to commit: both succeed, no update is lost.
func TestAtomic_GetHoldsTheEvent(t *testing.T) {
	s := newStore(t, newPool(t))
	e := sampleEvent(1, time.Hour)
	require.NoError(t, s.Create(t.Context(), e))
	second := randomName("seminar-test-second-")
	other := storeOn(t, s.Schema(), second)

	firstHolds, firstGoes := make(chan struct{}), make(chan struct{})
	var (
		wg                    sync.WaitGroup
		firstErr, secondErr   error
		secondRead            *seminar.Event
		closeHolds, closeGoes sync.Once
	)
	defer closeGoes.Do(func() { close(firstGoes) })
	wg.Go(func() {
		defer closeHolds.Do(func() { close(firstHolds) })
		firstErr = s.Atomic(t.Context(), func(tx seminar.Tx) error {
			got, err := tx.Get(t.Context(), e.ID)
			if err != nil {
				return err
			}
			closeHolds.Do(func() { close(firstHolds) })
			<-firstGoes
			return tx.Update(t.Context(), retitled(got, "First"), got.Version)
		})
	})
	<-firstHolds
	wg.Go(func() {
		secondErr = other.Atomic(t.Context(), func(tx seminar.Tx) error {
			got, err := tx.Get(t.Context(), e.ID)
			if err != nil {
				return err
			}
			secondRead = got
			return tx.Update(t.Context(), retitled(got, got.Title+", then second"), got.Version)
		})
	})
	waitForLock(t, second)
	closeGoes.Do(func() { close(firstGoes) })
	wg.Wait()

	require.NoError(t, firstErr)
	require.NoError(t, secondErr, "a transaction that waited in Get for another must update from what it read, without ErrConflict")
	assert.Equal(t, e.Version+1, secondRead.Version, "Get must return the event as the transaction it waited for committed it")
	got, err := s.Get(t.Context(), e.ID)
	require.NoError(t, err)
	assert.Equal(t, "First, then second", got.Title, "no update may be lost")
	assert.Equal(t, e.Version+2, got.Version)
}

// TestAtomic_GetHoldsAMissingEvent: a Get that finds nothing holds the ID
// too: a Create by another caller waits for the transaction, and then
// finds the ID taken.
func TestAtomic_GetHoldsAMissingEvent(t *testing.T) {
	s := newStore(t, newPool(t))
	e := sampleEvent(1, time.Hour)
	second := randomName("seminar-test-second-")
	other := storeOn(t, s.Schema(), second)

	holds, goes := make(chan struct{}), make(chan struct{})
	var (
		wg         sync.WaitGroup
		txErr      error
		closeHolds sync.Once
		closeGoes  sync.Once
	)
	defer closeGoes.Do(func() { close(goes) })
	wg.Go(func() {
		defer closeHolds.Do(func() { close(holds) })
		txErr = s.Atomic(t.Context(), func(tx seminar.Tx) error {
			if _, err := tx.Get(t.Context(), e.ID); !errors.Is(err, seminar.ErrNotFound) {
				return err
			}
			closeHolds.Do(func() { close(holds) })
			<-goes
			return tx.Create(t.Context(), retitled(e, "Created by the transaction"))
		})
	})
	<-holds
	var createErr error
	wg.Go(func() { createErr = other.Create(t.Context(), e) })
	waitForLock(t, second)
	closeGoes.Do(func() { close(goes) })
	wg.Wait()

	require.NoError(t, txErr)
	assert.ErrorIs(t, createErr, seminar.ErrExists, "a Create of an ID a transaction found missing must wait for it, then find the ID taken")
	got, err := s.Get(t.Context(), e.ID)
	require.NoError(t, err)
	assert.Equal(t, "Created by the transaction", got.Title)
}

// TestAtomic_ConnectionTerminated terminates the connection of a
// transaction after fn wrote through it: Atomic fails, and nothing of the
// transaction is stored, whether fn sees the loss or returns nil and the
// commit fails.
func TestAtomic_ConnectionTerminated(t *testing.T) {
	for name, fnReturns := range map[string]func(tx seminar.Tx) error{
		"fn calls the tx again": func(tx seminar.Tx) error {
			_, err := tx.Drop(context.Background(), "too late", "d")
			return err
		},
		"fn returns nil": func(seminar.Tx) error { return nil },
	} {
		t.Run(name, func(t *testing.T) {
			app := randomName("seminar-test-terminated-")
			s := storeOn(t, newSchema(t), app, func(c *pgxpool.Config) { c.MaxConns = 1 })
			e := sampleEvent(1, time.Hour)
			require.NoError(t, s.Create(t.Context(), e))
			before := snapshot(t, s, e.ID)

			err := s.Atomic(t.Context(), func(tx seminar.Tx) error {
				if err := tx.Update(t.Context(), retitled(e, "Lost with the connection"), e.Version); err != nil {
					return err
				}
				if err := tx.AddDeliveries(t.Context(), &seminar.Delivery{
					ID: "d", EventID: e.ID, Kind: seminar.KindManual, DueAt: base, State: seminar.StatePending,
				}); err != nil {
					return err
				}
				require.Equal(t, 1, terminate(t, app), "the test must terminate the transaction's connection")
				return fnReturns(tx)
			})
			require.Error(t, err, "Atomic must fail when its connection was terminated")
			t.Logf("Atomic: %v", err)

			assert.Equal(t, before, snapshot(t, s, e.ID), "a terminated transaction must leave nothing written")
			assert.NoError(t, s.Atomic(t.Context(), func(tx seminar.Tx) error {
				return tx.Update(t.Context(), retitled(e, "Written after"), e.Version)
			}), "Atomic after a terminated one must succeed on a new connection")
		})
	}
}
