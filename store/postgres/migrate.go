package postgres

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/seminarkit/seminar/store/internal/sqlstore"
)

// ErrNewerSchema means the schema was migrated by a newer version of this
// package: its version is higher than the last migration this one knows.
// Such a schema is refused rather than written with rows the newer program
// may not read. It is sqlstore.ErrNewerSchema, the sentinel store/sqlite
// returns too. Test with errors.Is.
var ErrNewerSchema = sqlstore.ErrNewerSchema

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrations returns the schema's migrations, named NNNN_what.sql: the
// number is the schema version the file brings the database to.
func migrations() fs.FS { return sqlstore.EmbeddedMigrations(migrationFiles) }

// migrateLockKey returns the advisory lock key of migrations of a schema.
// Stores of different schemas migrate independently; a collision of two
// keys only makes them wait for each other.
func migrateLockKey(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("github.com/seminarkit/seminar/store/postgres migrate\x00"))
	h.Write([]byte(schema))
	return int64(h.Sum64())
}

// migrate brings schema to the last of the migrations in fsys, all in one
// transaction that first takes an advisory lock keyed by the schema: of
// several processes starting at once, one migrates while the others wait,
// and they then find the schema up to date.
func migrate(ctx context.Context, pool *pgxpool.Pool, schema string, fsys fs.FS, log *slog.Logger) error {
	ms, err := sqlstore.LoadMigrations(fsys, sqlstore.SeriesSlugs())
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrateLockKey(schema)); err != nil {
			return fmt.Errorf("take the migration lock: %w", err)
		}
		quoted := pgx.Identifier{schema}.Sanitize()
		// The migrations name their tables without a schema; search_path
		// puts them in ours for this transaction only.
		if _, err := tx.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+quoted+";\n"+
			"SET LOCAL search_path TO "+quoted+";\n"+
			`CREATE TABLE IF NOT EXISTS schema_migrations (
				version    integer     NOT NULL PRIMARY KEY,
				name       text        NOT NULL,
				applied_at timestamptz NOT NULL DEFAULT now()
			)`); err != nil {
			return fmt.Errorf("create schema: %w", err)
		}
		return sqlstore.Migrate(ctx, migrationTx{tx: tx, schema: schema, log: log}, ms)
	})
}

// migrationTx keeps the versions applied to a schema as rows of its table
// schema_migrations, within the one transaction that holds the migration
// lock: no other process can move the version meanwhile.
type migrationTx struct {
	tx     pgx.Tx
	schema string
	log    *slog.Logger
}

func (m migrationTx) Version(ctx context.Context) (int, error) {
	var current int
	err := m.tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&current)
	return current, err
}

func (m migrationTx) Apply(ctx context.Context, mig sqlstore.Migration, _ int) error {
	if err := mig.Run(ctx, migrationSQL{m.tx}); err != nil {
		return fmt.Errorf("migration %s: %w", mig.Name, err)
	}
	if _, err := m.tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", mig.Version, mig.Name); err != nil {
		return fmt.Errorf("migration %s: record it: %w", mig.Name, err)
	}
	m.log.LogAttrs(ctx, slog.LevelInfo, "schema migrated", slog.String("schema", m.schema),
		slog.Int("version", mig.Version), slog.String("migration", mig.Name))
	return nil
}

// migrationSQL runs a migration's SQL and Go steps in its transaction.
type migrationSQL struct{ tx pgx.Tx }

func (m migrationSQL) Exec(ctx context.Context, sql string, args ...any) error {
	_, err := m.tx.Exec(ctx, sql, args...)
	return err
}

func (m migrationSQL) Query(ctx context.Context, sql string, args ...any) (sqlstore.Rows, error) {
	return m.tx.Query(ctx, sql, args...)
}
