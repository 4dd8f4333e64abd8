package postgres_test

import (
	"context"
	"crypto/rand"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/postgres"
)

// urlEnv names the variable that points the tests at a database.
const urlEnv = "SEMINAR_POSTGRES_URL"

// dbURL returns the database the tests run against. Without one they skip,
// saying how to run them, except in CI, where skipping would hide that the
// store was never tested.
func dbURL(t testing.TB) string {
	t.Helper()
	url := os.Getenv(urlEnv)
	if url == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is unset, and CI must run the PostgreSQL tests: .ci/run starts PostgreSQL and sets it", urlEnv)
		}
		t.Skipf("%s is unset, so the PostgreSQL tests do not run; run them with a database the tests may create schemas in, such as\n"+
			"\t%s='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' go test ./store/postgres/", urlEnv, urlEnv)
	}
	return url
}

var admin struct {
	once sync.Once
	pool *pgxpool.Pool
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if admin.pool != nil {
		dropBenchSchema()
		admin.pool.Close()
	}
	os.Exit(code)
}

// adminPool returns a pool the tests use to look at and clean up the
// database, apart from the pools of the stores under test.
func adminPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	url := dbURL(t)
	admin.once.Do(func() {
		admin.pool, admin.err = pgxpool.New(context.Background(), url)
	})
	require.NoError(t, admin.err, "connect to %s", urlEnv)
	return admin.pool
}

// newPool returns a pool on the test database, configured by configure,
// closed when the test ends.
func newPool(t testing.TB, configure ...func(*pgxpool.Config)) *pgxpool.Pool {
	t.Helper()
	config, err := pgxpool.ParseConfig(dbURL(t))
	require.NoError(t, err, "parse %s", urlEnv)
	for _, f := range configure {
		f(config)
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), config)
	require.NoError(t, err, "connect to %s", urlEnv)
	t.Cleanup(pool.Close)
	return pool
}

// withRuntimeParam sets a session parameter on every connection of a pool.
func withRuntimeParam(name, value string) func(*pgxpool.Config) {
	return func(c *pgxpool.Config) { c.ConnConfig.RuntimeParams[name] = value }
}

// randomName returns prefix followed by 12 random characters.
func randomName(prefix string) string {
	return prefix + rand.Text()[:12]
}

// newSchema returns the name of a schema no other test uses, dropped when
// the test ends. The name needs quoting (a space, a double quote, capitals),
// so a statement that forgets to quote it fails.
func newSchema(t testing.TB) string {
	t.Helper()
	name := randomName(`Test "Q" `)
	pool := adminPool(t)
	t.Cleanup(func() {
		_, err := pool.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE")
		if err != nil {
			t.Errorf("drop schema %q: %v", name, err)
		}
	})
	return name
}

// newStore returns a Store in a new schema on pool.
func newStore(t testing.TB, pool *pgxpool.Pool) *postgres.Store {
	t.Helper()
	s, err := postgres.New(t.Context(), pool, &postgres.Options{Schema: newSchema(t)})
	require.NoError(t, err, "postgres.New in a new schema")
	return s
}

// addDeliveries stores ds in a transaction of their own.
func addDeliveries(ctx context.Context, s *postgres.Store, ds ...*seminar.Delivery) error {
	return s.Atomic(ctx, func(tx seminar.Tx) error { return tx.AddDeliveries(ctx, ds...) })
}
