package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"regexp"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrNewerSchema means the schema was migrated by a newer version of this
// package: its version is higher than the last migration this one knows.
// Such a schema is refused rather than written with rows the newer program
// may not read. Test with errors.Is.
var ErrNewerSchema = errors.New("database schema is newer than this program knows")

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrations returns the schema's migrations, named NNNN_what.sql: the
// number is the schema version the file brings the database to.
func migrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic(err) // the embedded directory exists; fs.Sub cannot fail
	}
	return sub
}

// migration is one step of the schema.
type migration struct {
	version int
	name    string
	sql     string
}

var migrationName = regexp.MustCompile(`^([0-9]+)_[a-z0-9_]+\.sql$`)

// loadMigrations reads the .sql files at the root of fsys. Their versions
// must run 1, 2, 3, ... without gaps or repeats.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, entry := range entries {
		m := migrationName.FindStringSubmatch(entry.Name())
		if m == nil || entry.IsDir() {
			return nil, fmt.Errorf("migration %q: name does not match NNNN_name.sql", entry.Name())
		}
		version, err := strconv.Atoi(m[1])
		if err != nil {
			return nil, fmt.Errorf("migration %q: %w", entry.Name(), err)
		}
		text, err := fs.ReadFile(fsys, entry.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: version, name: entry.Name(), sql: string(text)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %q: has version %d, want %d (versions run 1, 2, 3, ... without gaps or repeats)",
				m.name, m.version, i+1)
		}
	}
	return ms, nil
}

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
	ms, err := loadMigrations(fsys)
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
		var current int
		if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&current); err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		if current > len(ms) {
			return fmt.Errorf("%w: the schema is at version %d, this program knows versions up to %d; upgrade the program",
				ErrNewerSchema, current, len(ms))
		}
		for _, m := range ms[current:] {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name); err != nil {
				return fmt.Errorf("migration %s: record it: %w", m.name, err)
			}
			log.LogAttrs(ctx, slog.LevelInfo, "schema migrated", slog.String("schema", schema),
				slog.Int("version", m.version), slog.String("migration", m.name))
		}
		return nil
	})
}
