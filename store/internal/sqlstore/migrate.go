package sqlstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
)

// ErrNewerSchema means the database was migrated by a newer version of the
// store: its schema version is higher than the last migration this one
// knows. Such a database is refused rather than written with rows the newer
// program may not read. store/sqlite and store/postgres both return it (and
// re-export it as their own ErrNewerSchema), so one errors.Is test matches
// either store. Test with errors.Is.
var ErrNewerSchema = errors.New("database schema is newer than this program knows")

// NewerSchema returns the error, matching ErrNewerSchema, for a database at
// schema version have when the program knows versions up to known.
func NewerSchema(have, known int) error {
	return fmt.Errorf("%w: the database is at schema version %d, this program knows versions up to %d; upgrade the program",
		ErrNewerSchema, have, known)
}

// Migration is one step of a schema: the SQL of file Name, which brings the
// database to Version.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// EmbeddedMigrations returns the directory "migrations" of files, where each
// store embeds its own migrations with //go:embed migrations/*.sql.
func EmbeddedMigrations(files embed.FS) fs.FS {
	sub, err := fs.Sub(files, "migrations")
	if err != nil {
		panic(err) // fs.Sub fails only on an invalid path, and "migrations" is valid
	}
	return sub
}

var migrationName = regexp.MustCompile(`^([0-9]+)_[a-z0-9_]+\.sql$`)

// LoadMigrations reads the .sql files at the root of fsys, named
// NNNN_what.sql, where the number is the schema version the file brings the
// database to. Their versions must run 1, 2, 3, ... without gaps or repeats;
// any other file is an error, so that a misnamed migration is never skipped.
func LoadMigrations(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var ms []Migration
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
		ms = append(ms, Migration{Version: version, Name: entry.Name(), SQL: string(text)})
	}
	slices.SortFunc(ms, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %q: has version %d, want %d (versions run 1, 2, 3, ... without gaps or repeats)",
				m.Name, m.Version, i+1)
		}
	}
	return ms, nil
}

// Schema is a store's side of a migration: where its database keeps the
// schema version, and how it applies one migration.
type Schema interface {
	// Version returns the schema version of the database, 0 for an empty
	// one.
	Version(ctx context.Context) (int, error)
	// Apply runs m and records m.Version as the schema version. latest is
	// the last version the program knows: a store whose Apply takes a lock
	// of its own checks the version again under it, skipping a migration
	// another process applied meanwhile and refusing, with NewerSchema, a
	// database that another process took past latest.
	Apply(ctx context.Context, m Migration, latest int) error
}

// Migrate brings s to the last of ms, applying in order the migrations its
// version lacks. A database past the last of ms is refused with an error
// matching ErrNewerSchema, and left as it is.
func Migrate(ctx context.Context, s Schema, ms []Migration) error {
	current, err := s.Version(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > len(ms) {
		return NewerSchema(current, len(ms))
	}
	for _, m := range ms[current:] {
		if err := s.Apply(ctx, m, len(ms)); err != nil {
			return err
		}
	}
	return nil
}
