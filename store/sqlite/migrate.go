package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
)

// ErrNewerSchema means the database was written by a newer version of this
// package: its schema version is higher than the last migration this one
// knows. Such a file is refused rather than written with rows the newer
// program may not read. Test with errors.Is.
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

// migrate brings the schema of db to the last of the migrations in fsys, one
// transaction per migration. Several processes may migrate the same file at
// once: each transaction takes the write lock first (BEGIN IMMEDIATE) and
// then reads the version, so a migration that another process applied
// meanwhile is skipped.
func migrate(ctx context.Context, db *sql.DB, fsys fs.FS) error {
	ms, err := loadMigrations(fsys)
	if err != nil {
		return err
	}
	var current int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > len(ms) {
		return newerSchema(current, len(ms))
	}
	for _, m := range ms[current:] {
		if err := apply(ctx, db, m, len(ms)); err != nil {
			return err
		}
	}
	return nil
}

func newerSchema(have, known int) error {
	return fmt.Errorf("%w: the database is at schema version %d, this program knows versions up to %d; upgrade the program",
		ErrNewerSchema, have, known)
}

// apply runs one migration in its own transaction, unless the database has
// already reached its version.
func apply(ctx context.Context, db *sql.DB, m migration, latest int) (err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback() // the error that made us stop is the one to report
		}
	}()
	var current int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("migration %s: read schema version: %w", m.name, err)
	}
	switch {
	case current > latest:
		return newerSchema(current, latest)
	case current >= m.version:
		return tx.Rollback() // another process got here first
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	// PRAGMA takes no parameters; the version is an integer we made.
	if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(m.version)); err != nil {
		return fmt.Errorf("migration %s: set schema version: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: commit: %w", m.name, err)
	}
	return nil
}
