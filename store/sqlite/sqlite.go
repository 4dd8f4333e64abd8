// Package sqlite is the embedded default seminar.Store, and its
// seminar.Outbox: one SQLite database file, or an in-memory database,
// through modernc.org/sqlite (pure Go, no cgo).
//
// # Usage
//
// Open a file (it is created if missing) and hand the store to the Calendar:
//
//	store, err := sqlite.Open(ctx, "talks.db", nil)
//	if err != nil {
//		return err
//	}
//	defer store.Close()
//	cal, err := seminar.New(store, &seminar.Options{Domain: "csail.mit.edu"})
//
// Open(":memory:", nil) gives a database that lives as long as the Store, for
// tests and demos.
//
// # Concurrency
//
// A Store is safe for concurrent use by many goroutines, and several
// processes may open the same file at once (not over a network file system:
// SQLite's locks need a local one). The database runs in WAL mode, so readers
// never wait for the writer; writers take the write lock when their
// transaction begins (BEGIN IMMEDIATE) and wait for it up to
// Options.BusyTimeout, so two writers never deadlock on a lock upgrade.
//
// Dispatchers in several processes may share the outbox of one file:
// ClaimDue is one UPDATE ... RETURNING statement, so SQLite's single writer
// makes each claim atomic, and the lease it writes is in the file, not in
// any process.
//
// # Transactions
//
// Atomic runs its function in one transaction that holds the write lock
// from its start, so every other writer, of this process or another, waits
// for it to end, and readers see none of its writes until it commits. A
// Tx's Get therefore needs no lock of its own: nothing can change the event
// it read before the transaction ends. A transaction that cannot take the
// lock within Options.BusyTimeout fails (SQLITE_BUSY) before its function
// is called. Keep the functions short: while one runs, the file has no
// other writer.
//
// # Series
//
// The Store is a seminar.SeriesStore, and its Tx a seminar.SeriesTx:
// series are rows of the table series, written only in a transaction of
// Atomic, together with their talks. As for events, the transaction's
// write lock holds every series it read. An event's Series is kept as
// given, with no foreign key to series: the Calendar checks it.
//
// # Marks
//
// Each event that Create or Update writes takes the next mark, in the
// transaction that writes it, and each Delete takes one by a trigger; a
// batch Create of n events takes n consecutive marks. Changed walks an
// index of the marks, and ChangeToken is the last mark taken, read from
// one row and the end of that index, so both follow the writes of every
// process sharing the file. A write of a series takes a mark by a trigger
// too, as a Delete does, since the pages and feeds of its talks show its
// name: ChangeToken moves, and Changed returns no event for it. A write
// of events made with SQL outside this package takes no mark (but a
// delete), and is missed by Changed and perhaps by ChangeToken.
//
// The mark costs a write one more index entry, which Update makes up for:
// when an edit keeps the UID, series and start, it rewrites only the
// entry of the mark, where SQLite would rewrite those of the three
// columns too. A Create of one event and an Update are each one
// statement, outside Atomic; a batch Create is one transaction.
//
// # Schema
//
// Open creates the schema in a new file and migrates a file made by an older
// version of this package, each migration in its own transaction; the
// schema version is kept in PRAGMA user_version. A file whose schema is newer
// than this package knows is refused with an error matching ErrNewerSchema,
// rather than risk writing rows an old program does not understand.
//
// Events are rows of the table events, one column per scalar field and JSON
// arrays for the lists, and the mark of their last write; instants are
// INTEGER nanoseconds since the Unix epoch in UTC, which limits them to the
// years 1678 to 2261. Migrating a file made before marks numbers its events
// 1 to n in the order of their UpdatedAt, so that Changed from 0 returns
// them too. Event.Slot is the column slot_ns, NULL for the zero time.
//
// Migrating a file made before series makes a series of each distinct
// non-empty Series its events held as free text, named by it, and gives
// those events the series' ID: the seminar.Slug of the name. Of names that
// slug alike, one that is its own slug keeps it and the others, in byte
// order, take the first free of slug-2, slug-3, ... ("vision" stays
// "vision", "VISION" becomes "vision-2" and "Vision" "vision-3"); a name
// with no letter or digit slugs to "series"; a slug longer than
// seminar.MaxSeriesIDLen is cut. The series is created, and last updated,
// when its first talk was created; its defaults are empty.
//
// Deliveries are rows of the table deliveries, encoded as events are, with
// no foreign key to events: the cancellation notice of a deleted event
// must still go out. Partial indexes hold only the deliveries
// waiting or being sent, so a claim costs the same however many sent ones
// the table keeps.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/internal/sqlstore"
	"modernc.org/sqlite"
)

var _ seminar.Store = (*Store)(nil)

const defaultBusyTimeout = 5 * time.Second

// Memory is the path that Open takes for an in-memory database.
const Memory = ":memory:"

// Options configures a Store. The zero value, and a nil *Options, mean the
// defaults written on each field.
type Options struct {
	// BusyTimeout is how long a write waits for the write lock held by
	// another connection or process before it fails. Default 5s.
	BusyTimeout time.Duration
	// MaxOpenConns caps the connections to a database file; reads run in
	// parallel on up to that many. Default: the larger of 4 and
	// GOMAXPROCS. An in-memory database always has exactly one.
	MaxOpenConns int
}

// Store is a seminar.Store kept in SQLite. Make one with Open; it is safe
// for concurrent use.
type Store struct {
	db *sql.DB

	get, getByUID, insert, insertNext, update, updateValues, version, remove *sql.Stmt

	// The statements of GetMany and GetManyByUID: see events.go.
	getMany, getManyByUID *sql.Stmt

	// The outbox's statements.
	getDelivery, eventDeliveries, eventsDeliveries, addDelivery, claimDue, finish, deliveryLease, drop *sql.Stmt

	// The statements of marks: see changes.go.
	changed, lastMark, lastMarkAbove *sql.Stmt

	// The statements of series: see series.go.
	getSeries, listSeries, insertSeries, updateSeries, seriesVersion, removeSeries *sql.Stmt

	// lists caches one prepared statement per shape of list query (which
	// bounds and filters it has), made on first use.
	listMu sync.Mutex
	lists  [sqlstore.ListShapes]atomic.Pointer[sql.Stmt]
}

// Open opens the SQLite database at path, creating the file if it does not
// exist, and brings its schema up to date. Path is a file path, not a URI;
// Memory (":memory:") opens an empty in-memory database instead. The
// migrations run under ctx, as postgres.Open's do.
func Open(ctx context.Context, path string, opts *Options) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	switch {
	case path == "":
		return nil, fmt.Errorf("sqlite: open: %w: path is empty", seminar.ErrInvalid)
	case o.BusyTimeout < 0:
		return nil, fmt.Errorf("sqlite: open: %w: busy timeout %s is negative", seminar.ErrInvalid, o.BusyTimeout)
	case o.MaxOpenConns < 0:
		return nil, fmt.Errorf("sqlite: open: %w: max open conns %d is negative", seminar.ErrInvalid, o.MaxOpenConns)
	}
	if o.BusyTimeout == 0 {
		o.BusyTimeout = defaultBusyTimeout
	}
	if o.MaxOpenConns == 0 {
		o.MaxOpenConns = max(4, runtime.GOMAXPROCS(0))
	}
	dsn, err := dsnFor(path, o.BusyTimeout)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	connector, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	db := sql.OpenDB(connector)
	if path == Memory {
		// An in-memory database lives inside its connection, so the pool
		// must hold exactly one and never let it go. One connection is
		// also the simplest correct way to share it: SQLite runs one
		// writer at a time anyway, there is no I/O for readers to
		// overlap, and the alternative, a named shared-cache database,
		// has table-level locks that SQLite reports as SQLITE_LOCKED
		// instead of waiting out busy_timeout.
		o.MaxOpenConns = 1
	}
	db.SetMaxOpenConns(o.MaxOpenConns)
	// Keep every connection: opening one runs the PRAGMAs again and
	// forgets its prepared statements.
	db.SetMaxIdleConns(o.MaxOpenConns)
	s, err := newStore(ctx, db)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return s, nil
}

// dsnFor returns the modernc.org/sqlite data source name for path. The
// PRAGMAs go in the DSN so that every connection the pool opens gets them,
// busy_timeout first so that switching to WAL waits for other processes
// too; _txlock=immediate makes every transaction BEGIN IMMEDIATE.
func dsnFor(path string, busy time.Duration) (string, error) {
	params := url.Values{}
	params.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", max(1, busy.Milliseconds())))
	params.Add("_pragma", "journal_mode(WAL)")
	params.Add("_pragma", "synchronous(NORMAL)")
	params.Add("_pragma", "foreign_keys(1)")
	params.Set("_txlock", "immediate")
	if path == Memory {
		return Memory + "?" + params.Encode(), nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	// A file: URI, with the path escaped, so that a '?', '#' or '%' in a
	// file name is taken literally.
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive letter: file:/C:/...
	}
	return "file:" + (&url.URL{Path: p}).EscapedPath() + "?" + params.Encode(), nil
}

func newStore(ctx context.Context, db *sql.DB) (*Store, error) {
	if err := db.PingContext(ctx); err != nil {
		return nil, err
	}
	if err := migrate(ctx, db, migrations()); err != nil {
		return nil, err
	}
	s := &Store{db: db}
	for _, p := range s.statements() {
		stmt, err := db.PrepareContext(ctx, p.query)
		if err != nil {
			s.closeStmts()
			return nil, fmt.Errorf("prepare %q: %w", p.query, err)
		}
		*p.stmt = stmt
	}
	return s, nil
}

// Close closes the database. Calls made after Close fail.
func (s *Store) Close() error {
	err := s.closeStmts()
	if cerr := s.db.Close(); cerr != nil {
		err = errors.Join(err, cerr)
	}
	if err != nil {
		return fmt.Errorf("sqlite: close: %w", err)
	}
	return nil
}

// statements lists the statements newStore prepares: where each goes, and
// its SQL.
func (s *Store) statements() []struct {
	stmt  **sql.Stmt
	query string
} {
	return []struct {
		stmt  **sql.Stmt
		query string
	}{
		{&s.get, selectSQL + " WHERE id = ?"},
		{&s.getByUID, selectSQL + " WHERE uid = ?"},
		{&s.getMany, selectSQL + " WHERE id IN (SELECT CAST(unhex(value) AS TEXT) FROM json_each(?))"},
		{&s.getManyByUID, selectSQL + " WHERE uid IN (SELECT CAST(unhex(value) AS TEXT) FROM json_each(?))"},
		{&s.insert, insertSQL},
		{&s.insertNext, insertNextSQL},
		{&s.update, updateSQL},
		{&s.updateValues, updateValuesSQL},
		{&s.version, "SELECT version FROM events WHERE id = ?"},
		{&s.remove, "DELETE FROM events WHERE id = ?"},
		{&s.getDelivery, selectDeliverySQL + " WHERE id = ?"},
		{&s.eventDeliveries, selectDeliverySQL + " WHERE event_id = ? ORDER BY due_ns, id"},
		{&s.eventsDeliveries, selectDeliverySQL +
			" WHERE event_id IN (SELECT CAST(unhex(value) AS TEXT) FROM json_each(?)) ORDER BY event_id, due_ns, id"},
		{&s.addDelivery, addDeliverySQL},
		{&s.claimDue, claimSQL},
		{&s.finish, finishSQL},
		{&s.deliveryLease, "SELECT state, lease_owner, lease_until_ns FROM deliveries WHERE id = ?"},
		{&s.drop, dropSQL},
		{&s.changed, changedSQL},
		{&s.lastMark, lastMarkSQL},
		{&s.lastMarkAbove, lastMarkAboveSQL},
		{&s.getSeries, selectSeriesSQL + " WHERE id = ?"},
		{&s.listSeries, selectSeriesSQL + " ORDER BY id"},
		{&s.insertSeries, insertSeriesSQL},
		{&s.updateSeries, updateSeriesSQL},
		{&s.seriesVersion, "SELECT version FROM series WHERE id = ?"},
		{&s.removeSeries, "DELETE FROM series WHERE id = ?"},
	}
}

func (s *Store) closeStmts() error {
	var errs []error
	for _, p := range s.statements() {
		if *p.stmt != nil {
			errs = append(errs, (*p.stmt).Close())
		}
	}
	s.listMu.Lock()
	defer s.listMu.Unlock()
	for i := range s.lists {
		if stmt := s.lists[i].Swap(nil); stmt != nil {
			errs = append(errs, stmt.Close())
		}
	}
	return errors.Join(errs...)
}
