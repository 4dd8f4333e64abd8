// Package postgres is a seminar.Store and seminar.Outbox kept in PostgreSQL,
// through pgx v5 and its pool: the store for several instances of a service
// sharing one database.
//
// # Usage
//
// Open connects with a connection string and owns the pool it makes:
//
//	store, err := postgres.Open(ctx, "postgres://app@db.example.org/talks", nil)
//	if err != nil {
//		return err
//	}
//	defer store.Close()
//	cal, err := seminar.New(store, &seminar.Options{Domain: "csail.mit.edu"})
//
// New takes a *pgxpool.Pool the program already has (and leaves it open on
// Close). The server must be PostgreSQL 12 or later.
//
// # Schema
//
// Everything lives in one PostgreSQL schema, Options.Schema ("seminar" by
// default), so two calendars can share a database in two schemas. New
// creates the schema if it is missing and applies the package's embedded
// migrations in one transaction, under a transaction-level advisory lock
// keyed by the schema name: instances starting together wait for each other
// and the schema is migrated once. The applied versions are rows of the
// table schema_migrations. A schema migrated by a newer version of this
// package is refused with an error matching ErrNewerSchema, naming both
// versions, rather than risk writing rows the newer program does not read.
//
// Instants are timestamptz, which PostgreSQL keeps as microseconds in UTC:
// nothing depends on the TimeZone of the server or of a session, and times
// come back to the microsecond; Event.Slot is the column slot_at, NULL for
// the zero time. IDs, UIDs and series use the "C" collation, so they
// compare and order byte by byte, as Go strings do.
//
// Migrating a schema made before series makes a series of each distinct
// non-empty Series its events held as free text, named by it, and gives
// those events the series' ID: the seminar.Slug of the name. Of names that
// slug alike, one that is its own slug keeps it and the others, in byte
// order, take the first free of slug-2, slug-3, ... ("vision" stays
// "vision", "VISION" becomes "vision-2" and "Vision" "vision-3"); a name
// with no letter or digit slugs to "series"; a slug longer than
// seminar.MaxSeriesIDLen is cut. The series is created, and last updated,
// when its first talk was created; its defaults are empty. store/sqlite migrates
// alike.
//
// # Several instances
//
// Every rule that must hold across processes is kept by the database, never
// by a lock in memory:
//
//   - Update checks the Version in its UPDATE statement (WHERE id = $1 AND
//     version = $2), so of two concurrent edits one wins and the other gets
//     seminar.ErrConflict.
//   - Unique violations (SQLSTATE 23505) on the ID or UID become
//     seminar.ErrExists.
//   - ClaimDue claims with one UPDATE over a SELECT ... FOR UPDATE SKIP
//     LOCKED: concurrent dispatchers each take different deliveries without
//     waiting for each other. The lease is a column; Finish writes only
//     while the same claim (owner and lease) still holds.
//   - Atomic runs its function in one PostgreSQL transaction. Tx.Get reads
//     with SELECT ... FOR UPDATE, so that what the Calendar decides from an
//     event still holds when it commits: a second transaction reading the
//     same event waits for the first, then reads what it wrote. Tx.GetSeries
//     does the same for a series. See Store.Atomic for the order in which a
//     transaction must take its locks.
//   - Every write of events takes marks from a one-row table, holding its
//     lock until it commits, so marks commit in order: Changed can be
//     followed from any mark without missing a write, and ChangeToken is
//     the last mark taken, whichever process took it. A write of a series
//     takes a mark too, since the pages and feeds of its talks show its
//     name: ChangeToken moves, and Changed returns no event for it.
//
// A claim lives in the database, not in the connection that made it, so it
// survives the loss of the dispatcher's connection. If a claim committed but
// its answer was lost, the deliveries stay leased to a dispatcher that does
// not know of them until the lease ends, and are then claimed again: sent
// once. If the answer to Finish is lost, calling Finish again while the
// lease holds records the outcome, or returns seminar.ErrConflict with the
// outcome already stored. No delivery is claimed by two dispatchers while a
// lease holds.
//
// PostgreSQL text holds neither NUL bytes nor invalid UTF-8. Events reach a
// Store validated, without either; a delivery's LastError and Note, which
// may quote a mail server's reply, are stored with such bytes replaced by
// U+FFFD, so that recording the outcome of a send never fails on the
// server's wording.
//
// # Connections
//
// A call whose connection is lost (the server restarts, an administrator
// terminates the backend) returns an error; pgxpool replaces the connection
// and later calls succeed. A connection that died while idle in the pool is
// found out by the call that uses it, unless pgxpool pinged it first (it
// pings connections idle for more than a second by default), so after a
// server restart a call or two may fail: retry as after any other transient
// error.
//
// # Bulk import
//
// Create writes a batch of events with COPY in one transaction: all or
// nothing. seminar.Calendar.CreateMany and Calendar.Import end up there.
// The batch takes its marks before the COPY, so other writes of events wait
// for it to commit.
package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/seminarkit/seminar"
)

var (
	_ seminar.Store               = (*Store)(nil)
	_ seminar.Outbox              = (*Store)(nil)
	_ seminar.ChangeTracker       = (*Store)(nil)
	_ seminar.DeliveryBatchGetter = (*Store)(nil)
)

// DefaultSchema is the schema a Store uses when Options.Schema is empty.
const DefaultSchema = "seminar"

// maxIdentifierLen is PostgreSQL's NAMEDATALEN - 1: longer names are
// silently truncated, so two long schema names could meet.
const maxIdentifierLen = 63

// Options configures a Store. The zero value, and a nil *Options, mean the
// defaults written on each field.
type Options struct {
	// Schema is the PostgreSQL schema that holds the tables, created if
	// missing. It is a quoted identifier: any text of 1 to 63 bytes, case
	// and all. Default "seminar".
	Schema string
	// Logger receives a record for each migration applied. Default:
	// discard.
	Logger *slog.Logger
}

// Store is a seminar.Store and seminar.Outbox in one PostgreSQL schema.
// Make one with New or Open; it is safe for concurrent use, and several
// Stores in several processes may share the schema.
type Store struct {
	pool   *pgxpool.Pool
	owned  bool // Close closes the pool
	schema string
	sql    *statements
}

// New returns a Store on pool, keeping its tables in opts.Schema, which it
// creates or migrates first. Close leaves the pool open.
func New(ctx context.Context, pool *pgxpool.Pool, opts *Options) (*Store, error) {
	if pool == nil {
		return nil, fmt.Errorf("postgres: new store: %w: pool is nil", seminar.ErrInvalid)
	}
	return newStore(ctx, pool, false, opts)
}

// Open connects to the database at url (a postgres:// URL or a key=value
// connection string, as pgxpool.ParseConfig reads them) and returns a Store
// that owns the pool: Close closes it.
func Open(ctx context.Context, url string, opts *Options) (*Store, error) {
	config, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w: %w", seminar.ErrInvalid, err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, config)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	s, err := newStore(ctx, pool, true, opts)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

func newStore(ctx context.Context, pool *pgxpool.Pool, owned bool, opts *Options) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Schema == "" {
		o.Schema = DefaultSchema
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if err := checkSchemaName(o.Schema); err != nil {
		return nil, fmt.Errorf("postgres: new store: %w", err)
	}
	if err := migrate(ctx, pool, o.Schema, migrations(), o.Logger); err != nil {
		return nil, fmt.Errorf("postgres: new store in schema %q: %w", o.Schema, dbError(ctx, err))
	}
	return &Store{pool: pool, owned: owned, schema: o.Schema, sql: newStatements(o.Schema)}, nil
}

func checkSchemaName(name string) error {
	switch {
	case len(name) > maxIdentifierLen:
		return fmt.Errorf("%w: schema name %q is longer than %d bytes", seminar.ErrInvalid, name, maxIdentifierLen)
	case strings.IndexByte(name, 0) >= 0:
		return fmt.Errorf("%w: schema name %q contains a NUL byte", seminar.ErrInvalid, name)
	}
	return nil
}

// Pool returns the pool the Store runs on.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Schema returns the name of the schema that holds the Store's tables.
func (s *Store) Schema() string { return s.schema }

// Close closes the pool if Open made it; a Store made by New leaves its pool
// to its owner. Calls made after Close fail.
func (s *Store) Close() error {
	if s.owned {
		s.pool.Close()
	}
	return nil
}

// db returns where the Store's calls run: its pool, each call in a
// transaction of its own.
func (s *Store) db() db { return db{q: s.pool, sql: s.sql} }

// table returns the quoted, schema-qualified name of a table.
func table(schema, name string) string {
	return pgx.Identifier{schema, name}.Sanitize()
}
