package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/seminarkit/seminar"
)

// Atomic runs fn in one SQLite transaction, which holds the write lock of
// the database from its start (BEGIN IMMEDIATE): it waits for a writer of
// another connection or process up to Options.BusyTimeout, then fails, and
// fn is not called. What fn did through tx is committed if fn returns nil
// and rolled back if it returns an error or panics; the panic goes on.
// fn's error is returned as it is.
//
// Holding the write lock, the transaction sees no write but its own until
// it ends: an event that tx.Get read stays as read. Readers of other
// connections go on, and see what it did only once it commits.
func (s *Store) Atomic(ctx context.Context, fn func(tx seminar.Tx) error) error {
	return s.atomic(ctx, "transaction", func(h handle) error { return fn(tx{h}) })
}

// atomic runs fn on a handle holding a transaction, and commits it if fn
// returns nil. Errors of its own it reports as those of op.
func (s *Store) atomic(ctx context.Context, op string, fn func(h handle) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlite: %s: %w", op, err)
	}
	t, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: %s: begin: %w", op, dbError(ctx, err))
	}
	committed := false
	defer func() {
		if !committed {
			// Also on a panic, or a runtime.Goexit, in fn. The error that
			// made us stop is the one to report.
			_ = t.Rollback()
		}
	}()
	if err := fn(handle{s: s, tx: t}); err != nil {
		return err
	}
	// database/sql rolls the transaction back once ctx is done; say why
	// the commit fails rather than that the transaction is over.
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlite: %s: %w", op, err)
	}
	committed = true
	if err := t.Commit(); err != nil {
		return fmt.Errorf("sqlite: %s: commit: %w", op, dbError(ctx, err))
	}
	return nil
}

// handle runs the statements the store prepared: on the pool, each in a
// transaction of its own, or, when tx is set, in that transaction. The
// Store's methods and the Tx's share its methods, and so their SQL.
type handle struct {
	s  *Store
	tx *sql.Tx
}

// pool returns the handle of s that runs statements on the pool.
func (s *Store) pool() handle { return handle{s: s} }

// stmt returns st ready to run on h.
func (h handle) stmt(ctx context.Context, st *sql.Stmt) *sql.Stmt {
	if h.tx == nil {
		return st
	}
	return h.tx.StmtContext(ctx, st)
}

// exec runs st on h with args and returns how many rows it changed.
func (h handle) exec(ctx context.Context, st *sql.Stmt, args ...any) (int64, error) {
	res, err := h.stmt(ctx, st).ExecContext(ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// tx is the seminar.Tx that Atomic passes to fn: a handle holding the
// transaction.
type tx struct{ h handle }

var _ seminar.Tx = tx{}

func (t tx) Get(ctx context.Context, id string) (*seminar.Event, error) {
	return t.h.getOne(ctx, t.h.s.get, "get event", id)
}

func (t tx) Create(ctx context.Context, events ...*seminar.Event) error {
	return t.h.create(ctx, events)
}

func (t tx) Update(ctx context.Context, e *seminar.Event, prevVersion int64) error {
	return t.h.update(ctx, e, prevVersion)
}

func (t tx) Delete(ctx context.Context, id string) error { return t.h.delete(ctx, id) }

func (t tx) Deliveries(ctx context.Context, eventID string) ([]*seminar.Delivery, error) {
	return t.h.deliveries(ctx, eventID)
}

func (t tx) AddDeliveries(ctx context.Context, ds ...*seminar.Delivery) error {
	return t.h.addDeliveries(ctx, ds)
}

func (t tx) Drop(ctx context.Context, reason string, ids ...string) (int, error) {
	return t.h.drop(ctx, reason, ids)
}

func (t tx) Finish(ctx context.Context, d *seminar.Delivery) error { return t.h.finish(ctx, d) }

func (t tx) GetSeries(ctx context.Context, id string) (*seminar.Series, error) {
	return t.h.getSeries(ctx, id)
}

func (t tx) CreateSeries(ctx context.Context, s *seminar.Series) error {
	return t.h.createSeries(ctx, s)
}

func (t tx) UpdateSeries(ctx context.Context, s *seminar.Series, prevVersion int64) error {
	return t.h.updateSeries(ctx, s, prevVersion)
}

func (t tx) DeleteSeries(ctx context.Context, id string) error { return t.h.deleteSeries(ctx, id) }
