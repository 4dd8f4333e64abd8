package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

// TestStore_ConnectionsTerminated terminates every connection of a Store's
// pool while calls are in flight (held up behind a table lock): those calls
// fail with an error, and later calls succeed on new connections, with no
// new Store or pool.
func TestStore_ConnectionsTerminated(t *testing.T) {
	app := randomName("seminar-test-reconnect-")
	pool := newPool(t, withRuntimeParam("application_name", app), func(c *pgxpool.Config) { c.MaxConns = 4 })
	s := newStore(t, pool)
	e := sampleEvent(1, time.Hour)
	require.NoError(t, s.Create(t.Context(), e))

	// Hold a lock that every call below waits for.
	locker, err := adminPool(t).Begin(t.Context())
	require.NoError(t, err)
	defer locker.Rollback(context.Background())
	_, err = locker.Exec(t.Context(), "LOCK TABLE "+pgx.Identifier{s.Schema(), "events"}.Sanitize()+" IN ACCESS EXCLUSIVE MODE")
	require.NoError(t, err)

	calls := map[string]func(ctx context.Context) error{
		"Get": func(ctx context.Context) error { _, err := s.Get(ctx, e.ID); return err },
		"List": func(ctx context.Context) error {
			_, err := s.List(ctx, seminar.ListQuery{Limit: 10})
			return err
		},
		"Update": func(ctx context.Context) error {
			next := e.Clone()
			next.Title, next.Version = "Renamed", e.Version+1
			return s.Update(ctx, next, e.Version)
		},
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs = map[string]error{}
	)
	for name, call := range calls {
		wg.Go(func() {
			err := call(t.Context())
			mu.Lock()
			defer mu.Unlock()
			errs[name] = err
		})
	}
	require.Eventually(t, func() bool {
		var waiting int
		require.NoError(t, adminPool(t).QueryRow(t.Context(),
			"SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", app).Scan(&waiting))
		return waiting == len(calls)
	}, 10*time.Second, 10*time.Millisecond, "the calls must be waiting for the lock")
	require.Equal(t, len(calls), terminate(t, app), "the test must terminate the connections of the calls in flight")
	wg.Wait()
	for name := range calls {
		assert.Errorf(t, errs[name], "%s in flight when its connection was terminated must fail", name)
	}
	require.NoError(t, locker.Rollback(t.Context()))

	// Every connection the pool had is gone; the pool makes new ones.
	for name, call := range calls {
		assert.NoErrorf(t, call(t.Context()), "%s after the connections were terminated must succeed on a new connection", name)
	}
	got, err := s.Get(t.Context(), e.ID)
	require.NoError(t, err)
	assert.Equal(t, "Renamed", got.Title, "the Update made after the connections were terminated must be stored")
	assert.Equal(t, e.Version+1, got.Version, "the Update in flight when its connection was terminated must not have been stored")
}

// TestStore_IdleConnectionsTerminated terminates connections that sit idle
// in the pool: the call that picks one up may fail, once per such
// connection, and the store works again after that, with no new Store or
// pool.
func TestStore_IdleConnectionsTerminated(t *testing.T) {
	app := randomName("seminar-test-idle-")
	const conns = 3
	pool := newPool(t, withRuntimeParam("application_name", app), func(c *pgxpool.Config) { c.MaxConns = conns })
	s := newStore(t, pool)
	e := sampleEvent(1, time.Hour)
	require.NoError(t, s.Create(t.Context(), e))
	// Fill the pool with idle connections.
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			_, err := s.Get(t.Context(), e.ID)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	require.Positive(t, terminate(t, app))

	var failures int
	for range conns + 1 {
		if _, err := s.Get(t.Context(), e.ID); err != nil {
			failures++
		}
	}
	t.Logf("%d calls failed on connections terminated while idle", failures)
	assert.LessOrEqual(t, failures, conns, "at most one call per dead idle connection may fail")
	for range 20 {
		_, err := s.Get(t.Context(), e.ID)
		assert.NoError(t, err, "once the dead connections are found out, every call must succeed")
	}
}
