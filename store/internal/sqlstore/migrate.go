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
	"strings"
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

// Migration is one version of a schema: the SQL of file Name, which brings
// the database to Version, and the Go steps that SQL names (see Step).
type Migration struct {
	Version int
	Name    string
	SQL     string

	// steps are the Go steps the SQL names, by name; nil when it names
	// none.
	steps map[string]Step
}

// Step is a part of a migration written in Go, for what SQL cannot do
// (making a series' ID with seminar.Slug, say). A migration's SQL runs it
// where a line of its own says "-- step: name": after the SQL above that
// line and before the SQL below, in the migration's transaction.
type Step struct {
	Name string
	Run  func(ctx context.Context, tx MigrationTx) error
}

// MigrationTx is the transaction a migration runs in, as a store's Schema
// hands it to Migration.Run.
type MigrationTx interface {
	// Exec runs sql: statements without args, or one statement whose
	// parameters are $1, $2, ... (PostgreSQL's placeholders, which
	// modernc.org/sqlite takes too).
	Exec(ctx context.Context, sql string, args ...any) error
	// Query runs a query, with parameters as Exec's.
	Query(ctx context.Context, sql string, args ...any) (Rows, error)
}

// Rows is the result of a query, as both drivers give it: Next moves to
// the next row, or returns false at the end or on an error, which Err then
// returns; Close frees the rows.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// stepLine is a line of a migration that runs a Step.
var stepLine = regexp.MustCompile(`(?m)^-- step: ([a-z0-9_]+)[ \t]*\r?$`)

// Run runs m in tx: its SQL, and each Go step where the SQL names it.
func (m Migration) Run(ctx context.Context, tx MigrationTx) error {
	at := 0
	for _, loc := range stepLine.FindAllStringSubmatchIndex(m.SQL, -1) {
		if err := execPart(ctx, tx, m.SQL[at:loc[0]]); err != nil {
			return err
		}
		step, ok := m.steps[m.SQL[loc[2]:loc[3]]]
		if !ok {
			return fmt.Errorf("step %s: not loaded with the migration", m.SQL[loc[2]:loc[3]])
		}
		if err := step.Run(ctx, tx); err != nil {
			return fmt.Errorf("step %s: %w", step.Name, err)
		}
		at = loc[1]
	}
	return execPart(ctx, tx, m.SQL[at:])
}

// execPart runs a part of a migration's SQL, unless it is blank.
func execPart(ctx context.Context, tx MigrationTx, sql string) error {
	if strings.TrimSpace(sql) == "" {
		return nil
	}
	return tx.Exec(ctx, sql)
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
// Every step a file names must be among steps, so that a Go step is never
// skipped either; steps no file names are left unused.
func LoadMigrations(fsys fs.FS, steps ...Step) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	byName := make(map[string]Step, len(steps))
	for _, st := range steps {
		byName[st.Name] = st
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
		mig := Migration{Version: version, Name: entry.Name(), SQL: string(text)}
		if mig.steps, err = namedSteps(mig, byName); err != nil {
			return nil, err
		}
		ms = append(ms, mig)
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

// namedSteps returns the steps that m's SQL names, from those given.
func namedSteps(m Migration, steps map[string]Step) (map[string]Step, error) {
	var named map[string]Step
	for _, match := range stepLine.FindAllStringSubmatch(m.SQL, -1) {
		st, ok := steps[match[1]]
		if !ok || st.Run == nil {
			return nil, fmt.Errorf("migration %q: names step %q, which the store does not have", m.Name, match[1])
		}
		if named == nil {
			named = map[string]Step{}
		}
		named[st.Name] = st
	}
	return named, nil
}

// Schema is a store's side of a migration: where its database keeps the
// schema version, and how it applies one migration.
type Schema interface {
	// Version returns the schema version of the database, 0 for an empty
	// one.
	Version(ctx context.Context) (int, error)
	// Apply runs m, with m.Run, and records m.Version as the schema
	// version. latest is
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
