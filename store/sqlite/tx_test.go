package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var errChangedMind = errors.New("the caller changed its mind")

func TestStore_Atomic_ErrorRollsBackTheEventWrite(t *testing.T) {
	for kind, s := range stores(t) {
		t.Run(kind, func(t *testing.T) {
			ctx := t.Context()
			before := sampleEvent(1, time.Hour)
			require.NoError(t, s.Create(ctx, before))
			token := changeToken(t, s)

			err := s.Atomic(ctx, func(tx seminar.Tx) error {
				next := before.Clone()
				next.Title, next.Version = "Moved", 2
				if err := tx.Update(ctx, next, 1); err != nil {
					return err
				}
				if err := tx.AddDeliveries(ctx, dueDelivery("r1", before.ID, 0)); err != nil {
					return err
				}
				return errChangedMind
			})
			assert.Same(t, errChangedMind, err, "Atomic must return fn's error as it is")
			got, err := s.Get(ctx, before.ID)
			require.NoError(t, err)
			assertSameEvent(t, before, got)
			ds, err := s.Deliveries(ctx, before.ID)
			require.NoError(t, err)
			assert.Empty(t, ds, "a rolled back transaction must add no delivery")
			assert.Equal(t, token, changeToken(t, s), "a rolled back transaction must not change the token")
		})
	}
}

func TestStore_Atomic_PanicRollsBackAndPanicsOn(t *testing.T) {
	for kind, s := range stores(t) {
		t.Run(kind, func(t *testing.T) {
			ctx := t.Context()
			before := sampleEvent(1, time.Hour)
			require.NoError(t, s.Create(ctx, before))
			assert.PanicsWithValue(t, "boom", func() {
				_ = s.Atomic(ctx, func(tx seminar.Tx) error {
					next := before.Clone()
					next.Version = 2
					if err := tx.Update(ctx, next, 1); err != nil {
						return err
					}
					panic("boom")
				})
			})
			got, err := s.Get(ctx, before.ID)
			require.NoError(t, err)
			assert.Equal(t, int64(1), got.Version, "a transaction whose fn panicked must be rolled back")
			// The in-memory database has one connection: had the panic
			// kept it, this would wait forever.
			assert.NoError(t, s.Atomic(ctx, func(tx seminar.Tx) error { return tx.Delete(ctx, before.ID) }))
		})
	}
}

// TestStore_Atomic_GetThenUpdateLosesNothing has writers in two handles on
// one file, as two processes, each read an event with tx.Get and write it
// back at the version read, adding a token: the second waits for the first
// to commit, so no update conflicts and none is lost.
func TestStore_Atomic_GetThenUpdateLosesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "talks.db")
	var handles []*sqlite.Store
	for range 2 {
		s, err := sqlite.Open(context.Background(), path, nil)
		require.NoError(t, err)
		t.Cleanup(func() { assert.NoError(t, s.Close()) })
		handles = append(handles, s)
	}
	require.NoError(t, handles[0].Create(t.Context(), sharedEvent()))

	const writers, rounds = 6, 10
	var (
		mu     sync.Mutex
		tokens []string
		wg     sync.WaitGroup
	)
	for w := range writers {
		wg.Go(func() {
			s := handles[w%2]
			for i := range rounds {
				token := fmt.Sprintf("w%d/%d", w, i)
				err := s.Atomic(t.Context(), func(tx seminar.Tx) error {
					e, err := tx.Get(t.Context(), sharedID)
					if err != nil {
						return err
					}
					time.Sleep(time.Millisecond) // room for another writer to get in, if it could
					e.ResearchAreas = append(e.ResearchAreas, token)
					e.Version++
					return tx.Update(t.Context(), e, e.Version-1)
				})
				if !assert.NoError(t, err, "an update at the version tx.Get read must not conflict") {
					return
				}
				mu.Lock()
				tokens = append(tokens, token)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Len(t, tokens, writers*rounds)
	checkShared(t, handles[1], tokens)
}

// TestStore_Atomic_Busy: a transaction that cannot take the write lock
// within the busy timeout fails, without calling fn, and leaves nothing
// behind; so do the plain writes.
func TestStore_Atomic_Busy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "talks.db")
	const timeout = 100 * time.Millisecond
	s, err := sqlite.Open(context.Background(), path, &sqlite.Options{BusyTimeout: timeout})
	require.NoError(t, err)
	defer s.Close()
	ctx := t.Context()
	e := sampleEvent(1, time.Hour)
	require.NoError(t, s.Create(ctx, e))
	token := changeToken(t, s)

	// Another process holds the write lock.
	other, err := sql.Open("sqlite", sqlite.DSN(path))
	require.NoError(t, err)
	defer other.Close()
	lock, err := other.Conn(ctx)
	require.NoError(t, err)
	defer lock.Close()
	_, err = lock.ExecContext(ctx, "BEGIN IMMEDIATE")
	require.NoError(t, err)

	next := e.Clone()
	next.Version = 2
	called := false
	for name, write := range map[string]func() error{
		"Atomic": func() error {
			return s.Atomic(ctx, func(tx seminar.Tx) error {
				called = true
				if err := tx.Update(ctx, next, 1); err != nil {
					return err
				}
				return tx.AddDeliveries(ctx, dueDelivery("r1", e.ID, 0))
			})
		},
		"Create": func() error { return s.Create(ctx, sampleEvent(2, time.Hour)) },
		"Update": func() error { return s.Update(ctx, next, 1) },
		"Delete": func() error { return s.Delete(ctx, e.ID) },
	} {
		start := time.Now()
		err := write()
		assert.ErrorContainsf(t, err, "SQLITE_BUSY", "%s must fail once the busy timeout is over", name)
		assert.Lessf(t, time.Since(start), 20*timeout, "%s must give up after the busy timeout", name)
	}
	assert.False(t, called, "Atomic must not call fn without the write lock")

	_, err = lock.ExecContext(ctx, "ROLLBACK")
	require.NoError(t, err)
	got, err := s.Get(ctx, e.ID)
	require.NoError(t, err)
	assertSameEvent(t, e, got)
	_, err = s.Get(ctx, sampleEvent(2, time.Hour).ID)
	assert.ErrorIs(t, err, seminar.ErrNotFound)
	ds, err := s.Deliveries(ctx, e.ID)
	require.NoError(t, err)
	assert.Empty(t, ds)
	assert.Equal(t, token, changeToken(t, s), "writes that failed must not change the token")
	require.NoError(t, s.Update(ctx, next, 1), "the store must write again once the lock is free")
}

func TestStore_Atomic_TxIsDoneAfterFn(t *testing.T) {
	s, _ := openFile(t)
	ctx := t.Context()
	var kept seminar.Tx
	require.NoError(t, s.Atomic(ctx, func(tx seminar.Tx) error {
		kept = tx
		return nil
	}))
	err := kept.Create(ctx, sampleEvent(1, time.Hour))
	assert.Error(t, err, "a Tx used after fn returned must fail")
	_, err = s.Get(ctx, sampleEvent(1, time.Hour).ID)
	assert.ErrorIs(t, err, seminar.ErrNotFound, "a Tx used after fn returned must write nothing")
}
