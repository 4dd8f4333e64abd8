package crashtest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite" // the "sqlite" driver, for the lock holder
)

// Each run of faults lasts at least minChaos and makes at least minFaults:
// long enough for reminders to come due, be sent and be followed by
// update and cancellation notices while the faults go on.
const (
	minFaults = 24
	minChaos  = 20 * time.Second
)

// killMode is when a kill comes.
type killMode int

const (
	// killAnytime kills 20 ms to 1.5 s after the start: while the child
	// opens its store, writes or dispatches.
	killAnytime killMode = iota
	// killInDispatch kills 0 to 30 ms into the child's first to fourth
	// DispatchDue: while it reconciles, claims, sends or records.
	killInDispatch
	// killAfterAccept kills as soon as the SMTP server took a message,
	// between the server's reply and the record of the outcome.
	killAfterAccept
	killModes
)

var killModeNames = [killModes]string{"anytime", "in DispatchDue", "after the server took a message"}

// kills counts the kills of a run.
type kills struct {
	byMode [killModes]int
	// targeted are the Message-IDs the server took just before a kill in
	// killAfterAccept.
	targeted map[string]bool
}

func (k *kills) total() int {
	n := 0
	for _, c := range k.byMode {
		n += c
	}
	return n
}

func (k *kills) String() string {
	var parts []string
	for m, c := range k.byMode {
		parts = append(parts, fmt.Sprintf("%d %s", c, killModeNames[m]))
	}
	return strings.Join(parts, ", ")
}

// killRepeatedly starts writing children one after another and kills each
// with SIGKILL at a random moment.
func killRepeatedly(ctx context.Context, t *testing.T, r *run) *kills {
	t.Helper()
	k := &kills{targeted: map[string]bool{}}
	start := time.Now()
	for k.total() < minFaults || time.Since(start) < minChaos {
		c := startChild(ctx, t, r.childConfig(true), r.journal)
		mode := killMode(r.rng.IntN(int(killModes)))
		switch mode {
		case killAnytime:
			select {
			case <-time.After(between(r.rng, 20*time.Millisecond, 1500*time.Millisecond)):
			case <-c.exited:
			}
		case killInDispatch:
			c.waitLine(lineReady, openTimeout)
			for range 1 + r.rng.IntN(4) {
				c.waitLine(lineDispatch, 5*time.Second)
			}
			time.Sleep(between(r.rng, 0, 30*time.Millisecond))
		case killAfterAccept:
			c.waitLine(lineReady, openTimeout)
			if line, ok := c.waitLine(lineAccepted, 3*time.Second); ok {
				k.targeted[strings.TrimPrefix(line, lineAccepted+" ")] = true
			}
		}
		c.kill()
		k.byMode[mode]++
		if t.Failed() {
			break
		}
	}
	return k
}

// holdWriteLock holds the write lock of the SQLite file at path, from a
// connection of its own, for random stretches longer than the children's
// busy timeout: most shorter than the about 3 s for which the Calendar
// tries again to record an outcome, one in eight longer. It returns how many
// times it held the lock.
func holdWriteLock(ctx context.Context, t *testing.T, path string, rng *rand.Rand) int {
	t.Helper()
	u := url.URL{Scheme: "file", Path: path, RawQuery: "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)"}
	db, err := sql.Open("sqlite", u.String())
	require.NoError(t, err)
	defer db.Close()
	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	holds := 0
	for start := time.Now(); holds < minFaults || time.Since(start) < minChaos; holds++ {
		time.Sleep(between(rng, 150*time.Millisecond, 600*time.Millisecond))
		_, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE")
		require.NoError(t, err, "take the write lock")
		hold := between(rng, 300*time.Millisecond, 1000*time.Millisecond)
		if rng.IntN(8) == 0 {
			hold = between(rng, 3200*time.Millisecond, 4*time.Second)
		}
		time.Sleep(hold)
		_, err = conn.ExecContext(ctx, "ROLLBACK")
		require.NoError(t, err, "release the write lock")
	}
	return holds
}

// terminateBackends terminates, at random moments, the PostgreSQL backends
// of the connections whose application_name is app, until it has ended
// some in at least minFaults rounds. It returns the rounds that ended any
// and the backends ended.
func terminateBackends(ctx context.Context, t *testing.T, dbURL, app string, rng *rand.Rand) (rounds, backends int) {
	t.Helper()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	start := time.Now()
	for rounds < minFaults || time.Since(start) < minChaos {
		require.Less(t, time.Since(start), 3*minChaos,
			"the child must hold connections to terminate: %d rounds ended any in %v", rounds, time.Since(start))
		time.Sleep(between(rng, 100*time.Millisecond, 900*time.Millisecond))
		var n int
		err := conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = $1`, app).Scan(&n)
		require.NoError(t, err, "terminate the child's backends")
		if n > 0 {
			rounds++
			backends += n
		}
	}
	return rounds, backends
}
