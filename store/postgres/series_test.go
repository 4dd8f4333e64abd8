package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/internal/sqlstore/sqlstoretest"
	"github.com/seminarkit/seminar/store/postgres"
)

// contention is two transactions on one schema: first, on s, runs hold,
// and waits; second, on a Store of its own named app (another process),
// runs contend, which must wait for a lock first holds; first then goes on
// with then and commits, and second with what it waited for.
type contention struct {
	s, other *postgres.Store
	app      string
}

func newContention(t *testing.T) contention {
	t.Helper()
	s := newStore(t, newPool(t))
	app := randomName("seminar-test-second-")
	return contention{s: s, other: storeOn(t, s.Schema(), app), app: app}
}

// run returns the errors of first and of second.
func (c contention) run(t *testing.T, hold, then func(ctx context.Context, tx seminar.Tx) error, contend func(ctx context.Context) error) (firstErr, secondErr error) {
	t.Helper()
	ctx := t.Context()
	holds, goes := make(chan struct{}), make(chan struct{})
	var (
		wg                    sync.WaitGroup
		closeHolds, closeGoes sync.Once
	)
	defer closeGoes.Do(func() { close(goes) })
	wg.Go(func() {
		defer closeHolds.Do(func() { close(holds) })
		firstErr = c.s.Atomic(ctx, func(tx seminar.Tx) error {
			if err := hold(ctx, tx); err != nil {
				return err
			}
			closeHolds.Do(func() { close(holds) })
			<-goes
			return then(ctx, tx)
		})
	})
	<-holds
	wg.Go(func() { secondErr = contend(ctx) })
	waitForLock(t, c.app)
	closeGoes.Do(func() { close(goes) })
	wg.Wait()
	return firstErr, secondErr
}

func seriesOf(id, name string, version int64) *seminar.Series {
	return &seminar.Series{ID: id, Name: name, Version: version, CreatedAt: base, UpdatedAt: base}
}

func createSeries(t *testing.T, s *postgres.Store, ss ...*seminar.Series) {
	t.Helper()
	require.NoError(t, s.Atomic(t.Context(), func(tx seminar.Tx) error {
		for _, one := range ss {
			if err := tx.(seminar.SeriesTx).CreateSeries(t.Context(), one); err != nil {
				return err
			}
		}
		return nil
	}))
}

// TestAtomic_GetSeriesHoldsTheSeries: two transactions that GetSeries the
// same series and update it from the version they read run one after the
// other, the second waiting in GetSeries: both succeed, no update is lost.
func TestAtomic_GetSeriesHoldsTheSeries(t *testing.T) {
	c := newContention(t)
	createSeries(t, c.s, seriesOf("vision", "Vision", 1))
	rename := func(ctx context.Context, tx seminar.Tx, suffix string) error {
		st := tx.(seminar.SeriesTx)
		got, err := st.GetSeries(ctx, "vision")
		if err != nil {
			return err
		}
		return st.UpdateSeries(ctx, seriesOf("vision", got.Name+suffix, got.Version+1), got.Version)
	}
	var firstRead *seminar.Series
	firstErr, secondErr := c.run(t,
		func(ctx context.Context, tx seminar.Tx) (err error) {
			firstRead, err = tx.(seminar.SeriesTx).GetSeries(ctx, "vision")
			return err
		},
		func(ctx context.Context, tx seminar.Tx) error {
			return tx.(seminar.SeriesTx).UpdateSeries(ctx, seriesOf("vision", "First", 2), firstRead.Version)
		},
		func(ctx context.Context) error {
			return c.other.Atomic(ctx, func(tx seminar.Tx) error { return rename(ctx, tx, ", then second") })
		})
	require.NoError(t, firstErr)
	require.NoError(t, secondErr, "a transaction that waited in GetSeries for another must update from what it read, without ErrConflict")
	got, err := c.s.GetSeries(t.Context(), "vision")
	require.NoError(t, err)
	assert.Equal(t, "First, then second", got.Name, "no update of a series may be lost")
	assert.Equal(t, int64(3), got.Version)
}

// TestAtomic_GetSeriesHoldsAMissingID: a GetSeries that finds nothing holds
// the ID: a CreateSeries by another transaction waits for it, and then
// finds the ID taken.
func TestAtomic_GetSeriesHoldsAMissingID(t *testing.T) {
	c := newContention(t)
	firstErr, secondErr := c.run(t,
		func(ctx context.Context, tx seminar.Tx) error {
			if _, err := tx.(seminar.SeriesTx).GetSeries(ctx, "vision"); !errors.Is(err, seminar.ErrNotFound) {
				return err
			}
			return nil
		},
		func(ctx context.Context, tx seminar.Tx) error {
			return tx.(seminar.SeriesTx).CreateSeries(ctx, seriesOf("vision", "Created by the transaction", 1))
		},
		func(ctx context.Context) error {
			return c.other.Atomic(ctx, func(tx seminar.Tx) error {
				return tx.(seminar.SeriesTx).CreateSeries(ctx, seriesOf("vision", "Vision", 1))
			})
		})
	require.NoError(t, firstErr)
	assert.ErrorIs(t, secondErr, seminar.ErrExists, "a CreateSeries of an ID a transaction found missing must wait for it, then find the ID taken")
	got, err := c.s.GetSeries(t.Context(), "vision")
	require.NoError(t, err)
	assert.Equal(t, "Created by the transaction", got.Name)
}

// TestAtomic_SeriesThenEvents: a transaction that locks a series and then
// one of its talks, and writes both, and one that writes the talk alone,
// run one after the other without a deadlock, in whichever order their
// locks fall: the order series, events, then the marks of a write.
func TestAtomic_SeriesThenEvents(t *testing.T) {
	c := newContention(t)
	e := sampleEvent(1, time.Hour)
	e.Series = "vision"
	createSeries(t, c.s, seriesOf("vision", "Vision", 1))
	require.NoError(t, c.s.Create(t.Context(), e))
	var held *seminar.Event
	firstErr, secondErr := c.run(t,
		func(ctx context.Context, tx seminar.Tx) (err error) {
			if _, err := tx.(seminar.SeriesTx).GetSeries(ctx, "vision"); err != nil {
				return err
			}
			held, err = tx.Get(ctx, e.ID)
			return err
		},
		func(ctx context.Context, tx seminar.Tx) error {
			if err := tx.(seminar.SeriesTx).UpdateSeries(ctx, seriesOf("vision", "Vision Seminar", 2), 1); err != nil {
				return err
			}
			return tx.Update(ctx, retitled(held, "Planned"), held.Version)
		},
		func(ctx context.Context) error {
			return c.other.Atomic(ctx, func(tx seminar.Tx) error {
				got, err := tx.Get(ctx, e.ID)
				if err != nil {
					return err
				}
				return tx.Update(ctx, retitled(got, got.Title+", then edited"), got.Version)
			})
		})
	require.NoError(t, firstErr)
	require.NoError(t, secondErr)
	got, err := c.s.Get(t.Context(), e.ID)
	require.NoError(t, err)
	assert.Equal(t, "Planned, then edited", got.Title)
}

func TestStore_SeriesWritesChangeToken(t *testing.T) {
	sqlstoretest.CheckSeriesWritesChangeToken(t, newStore(t, newPool(t)))
}

// TestStore_SlotColumn: a planned talk's Slot is stored as a timestamptz,
// and any other talk's zero Slot as NULL.
func TestStore_SlotColumn(t *testing.T) {
	ctx := t.Context()
	s := newStore(t, newPool(t))
	planned, plain := sampleEvent(1, time.Hour), sampleEvent(2, time.Hour)
	planned.Slot = planned.Start.Add(-26 * time.Hour)
	require.NoError(t, s.Create(ctx, planned, plain))
	slot := func(id string) *time.Time {
		var at *time.Time
		require.NoError(t, s.Pool().QueryRow(ctx, "SELECT slot_at FROM "+pgx.Identifier{s.Schema(), "events"}.Sanitize()+" WHERE id = $1", id).Scan(&at))
		return at
	}
	if at := slot(planned.ID); assert.NotNil(t, at, "a slot must be stored") {
		assert.True(t, planned.Slot.Equal(*at), "a slot must be stored as its instant")
	}
	assert.Nil(t, slot(plain.ID), "the zero Slot of a talk not planned must be stored as NULL")
}
