package crashtest

import (
	"context"
	"crypto/rand"
	"fmt"
	mathrand "math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar/internal/smtptest"
	"github.com/seminarkit/seminar/store/postgres"
	"github.com/seminarkit/seminar/store/sqlite"
)

// testTimeout bounds each test, children included: they are killed when
// it runs out.
const testTimeout = 150 * time.Second

// TestCalendar_killedOnSQLite kills writing and dispatching children with
// SIGKILL at least minFaults times, for at least minChaos, restarting one
// each time, and checks the outbox once a last child recovered it.
func TestCalendar_killedOnSQLite(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	testKilled(ctx, t, newRun(t, sqliteStore(ctx, t)))
}

// TestCalendar_killedOnPostgreSQL is TestCalendar_killedOnSQLite on
// PostgreSQL.
func TestCalendar_killedOnPostgreSQL(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	testKilled(ctx, t, newRun(t, postgresStore(ctx, t, "")))
}

// testKilled kills writing children at random moments, then lets one
// recover the outbox, and checks it.
func testKilled(ctx context.Context, t *testing.T, r *run) {
	k := killRepeatedly(ctx, t, r)
	r.recoverAndCheck(ctx, fmt.Sprintf("%d kills (%v)", k.total(), k), k.targeted)
}

// TestCalendar_onBusySQLite keeps one child writing and dispatching while
// the test holds the file's write lock, at least minFaults times, for
// longer than the child's busy timeout, so that its calls fail with
// SQLITE_BUSY; the child must go on, and the outbox must check out once a
// last child recovered it.
func TestCalendar_onBusySQLite(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	r := newRun(t, sqliteStore(ctx, t))
	c := r.startWriter(ctx)
	holds := holdWriteLock(ctx, t, r.base.DB, r.rng)
	c.stop(opTimeout + 5*time.Second)
	errs, _ := r.journal.errorCount()
	require.Positive(t, errs, "holding the write lock longer than the busy timeout must make some of the child's calls fail")
	r.recoverAndCheck(ctx, fmt.Sprintf("the write lock held %d times", holds), nil)
}

// TestCalendar_onTerminatedPostgreSQL keeps one child writing and
// dispatching while the test terminates its PostgreSQL backends, in at
// least minFaults rounds; the child must go on, and the outbox must check
// out once a last child recovered it.
func TestCalendar_onTerminatedPostgreSQL(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	app := "seminar-crashtest-" + strings.ToLower(rand.Text()[:10])
	r := newRun(t, postgresStore(ctx, t, app))
	c := r.startWriter(ctx)
	rounds, backends := terminateBackends(ctx, t, postgresURL(t), app, r.rng)
	c.stop(opTimeout + 5*time.Second)
	errs, _ := r.journal.errorCount()
	require.Positive(t, errs, "terminating the child's backends must make some of its calls fail")
	r.recoverAndCheck(ctx, fmt.Sprintf("%d backends terminated in %d rounds", backends, rounds), nil)
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// run is one test's world: a store, an SMTP server that keeps every
// message, and what the children printed.
type run struct {
	t *testing.T
	// base says which store the children open.
	base    childConfig
	store   outboxStore // the parent's own handle on it
	smtp    *smtptest.Server
	journal *journal
	rng     *mathrand.Rand
}

// target is a store for a run: how children open it, and the parent's
// handle on it.
type target struct {
	base  childConfig
	store outboxStore
}

func newRun(t *testing.T, tg target) *run {
	return &run{
		t:       t,
		base:    tg.base,
		store:   tg.store,
		smtp:    smtptest.Start(t, &smtptest.Options{TLS: smtptest.Plaintext}),
		journal: newJournal(),
		rng:     mathrand.New(mathrand.NewPCG(mathrand.Uint64(), mathrand.Uint64())),
	}
}

// childConfig returns the configuration of a new child.
func (r *run) childConfig(write bool) childConfig {
	c := r.base
	c.SMTP = r.smtp.Addr
	c.Write = write
	c.Seed = r.rng.Uint64()
	return c
}

// startWriter starts a writing child and waits until its store is open.
func (r *run) startWriter(ctx context.Context) *child {
	c := startChild(ctx, r.t, r.childConfig(true), r.journal)
	_, ok := c.waitLine(lineReady, openTimeout)
	require.True(r.t, ok, "a child must open its store")
	return c
}

// sqliteStore makes a database file for a test, migrated by the parent.
func sqliteStore(ctx context.Context, t *testing.T) target {
	path := filepath.Join(t.TempDir(), "seminar.db")
	st, err := sqlite.Open(ctx, path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	return target{base: childConfig{Store: "sqlite", DB: path}, store: st}
}

// postgresStore makes a schema for a test, migrated by the parent and
// dropped when the test ends. Children connect with application_name set
// to app, when it is not empty.
func postgresStore(ctx context.Context, t *testing.T, app string) target {
	dbURL := postgresURL(t)
	schema := "crashtest_" + strings.ToLower(rand.Text()[:12])
	st, err := postgres.Open(ctx, dbURL, &postgres.Options{Schema: schema})
	require.NoError(t, err)
	t.Cleanup(func() {
		_, err := st.Pool().Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		_ = st.Close()
	})
	childURL := dbURL
	if app != "" {
		u, err := url.Parse(dbURL)
		require.NoError(t, err, "SEMINAR_POSTGRES_URL must be a postgres:// URL for these tests")
		q := u.Query()
		q.Set("application_name", app)
		u.RawQuery = q.Encode()
		childURL = u.String()
	}
	return target{base: childConfig{Store: "postgres", DB: childURL, Schema: schema}, store: st}
}

// postgresURL returns the database of the PostgreSQL tests. Without one
// they skip, saying how to run them, except in CI, where skipping would
// hide that they never ran.
func postgresURL(t *testing.T) string {
	t.Helper()
	const env = "SEMINAR_POSTGRES_URL"
	u := os.Getenv(env)
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is unset, and CI must run the PostgreSQL crash tests: .ci/run starts PostgreSQL and sets it", env)
		}
		t.Skipf("%s is unset, so the PostgreSQL crash tests do not run; run them with a database they may create schemas in, such as\n"+
			"\t%s='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' go test ./internal/crashtest/", env, env)
	}
	return u
}
