package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"strconv"

	"github.com/seminarkit/seminar/store/internal/sqlstore"
)

// ErrNewerSchema means the database was written by a newer version of this
// package: its schema version is higher than the last migration this one
// knows. Such a file is refused rather than written with rows the newer
// program may not read. It is sqlstore.ErrNewerSchema, the sentinel
// store/postgres returns too. Test with errors.Is.
var ErrNewerSchema = sqlstore.ErrNewerSchema

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrations returns the schema's migrations, named NNNN_what.sql: the
// number is the schema version the file brings the database to.
func migrations() fs.FS { return sqlstore.EmbeddedMigrations(migrationFiles) }

// migrate brings the schema of db to the last of the migrations in fsys, one
// transaction per migration. Several processes may migrate the same file at
// once: each transaction takes the write lock first (BEGIN IMMEDIATE) and
// then reads the version, so a migration that another process applied
// meanwhile is skipped.
func migrate(ctx context.Context, db *sql.DB, fsys fs.FS) error {
	ms, err := sqlstore.LoadMigrations(fsys, sqlstore.SeriesSlugs())
	if err != nil {
		return err
	}
	return sqlstore.Migrate(ctx, schema{db}, ms)
}

// schema keeps the schema version of a database in PRAGMA user_version.
type schema struct{ db *sql.DB }

func (s schema) Version(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// Apply runs one migration in its own transaction, unless the database has
// already reached its version.
func (s schema) Apply(ctx context.Context, m sqlstore.Migration, latest int) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: %w", m.Name, err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback() // the error that made us stop is the one to report
		}
	}()
	var current int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("migration %s: read schema version: %w", m.Name, err)
	}
	switch {
	case current > latest:
		return sqlstore.NewerSchema(current, latest)
	case current >= m.Version:
		return tx.Rollback() // another process got here first
	}
	if err := m.Run(ctx, migrationTx{tx}); err != nil {
		return fmt.Errorf("migration %s: %w", m.Name, err)
	}
	// PRAGMA takes no parameters; the version is an integer we made.
	if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(m.Version)); err != nil {
		return fmt.Errorf("migration %s: set schema version: %w", m.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: commit: %w", m.Name, err)
	}
	return nil
}

// migrationTx runs a migration's SQL and Go steps in its transaction.
type migrationTx struct{ tx *sql.Tx }

func (m migrationTx) Exec(ctx context.Context, query string, args ...any) error {
	_, err := m.tx.ExecContext(ctx, query, args...)
	return err
}

func (m migrationTx) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	rows, err := m.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return migrationRows{rows}, nil
}

// migrationRows are the rows of a query of a migration, closed as sqlstore
// closes them.
type migrationRows struct{ *sql.Rows }

// Close closes the rows. Its error is dropped: an error reading them is
// Err's, which the migration checks.
func (r migrationRows) Close() { _ = r.Rows.Close() }
