package deploytest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/internal/deploytest"
	"github.com/seminarkit/seminar/store/postgres"
	"github.com/seminarkit/seminar/store/sqlite"
)

// The writer and the worker each open the database, as two processes do.

func TestSQLite(t *testing.T) {
	deploytest.Run(t, func(t *testing.T) (seminar.Store, seminar.Store) {
		path := filepath.Join(t.TempDir(), "talks.db")
		return openSQLite(t, path), openSQLite(t, path)
	})
}

func openSQLite(t *testing.T, path string) seminar.Store {
	s, err := sqlite.Open(t.Context(), path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func TestPostgres(t *testing.T) {
	url := os.Getenv("SEMINAR_POSTGRES_URL")
	if url == "" {
		t.Skip("SEMINAR_POSTGRES_URL is not set: set it to a PostgreSQL database (CI does) to run the PostgreSQL case")
	}
	n := 0
	deploytest.Run(t, func(t *testing.T) (seminar.Store, seminar.Store) {
		n++
		schema := fmt.Sprintf("deploytest_%d_%d", time.Now().UnixNano(), n)
		t.Cleanup(func() {
			conn, err := pgx.Connect(context.Background(), url)
			if err == nil {
				_, _ = conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
				conn.Close(context.Background())
			}
		})
		open := func() seminar.Store {
			s, err := postgres.Open(t.Context(), url, &postgres.Options{Schema: schema})
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			return s
		}
		return open(), open()
	})
}
