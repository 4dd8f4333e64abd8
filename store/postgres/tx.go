package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/seminarkit/seminar"
)

var _ seminar.Tx = (*tx)(nil)

// querier is what the statements of a Store run on: its pool, or the
// transaction of an Atomic call.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
	Begin(ctx context.Context) (pgx.Tx, error)
}

// db runs the statements of a Store's calls on a querier. The Store's
// methods and those of the Tx of Atomic share it, so that a call does the
// same alone and in a transaction.
type db struct {
	q   querier
	sql *statements
	// inTx is set when q is the transaction of an Atomic call: a call of
	// several statements then runs in it rather than in one of its own.
	inTx bool
}

// atomically calls fn with a transaction: a new one, committed if fn
// returns nil, or the one of Atomic.
func (d db) atomically(ctx context.Context, fn func(q querier) error) error {
	if d.inTx {
		return fn(d.q)
	}
	return pgx.BeginFunc(ctx, d.q, func(t pgx.Tx) error { return fn(t) })
}

// Atomic calls fn with a transaction, a pgx transaction on one connection
// of the pool at PostgreSQL's default isolation, READ COMMITTED: what
// fn relies on is held by row locks instead (Tx.Get locks the event it
// reads). It commits if fn returns nil and rolls back if fn returns an error
// or panics (and then panics again). fn's error is returned as it is.
//
// Atomic never retries, neither fn nor the commit: a call of the Tx whose
// connection is lost fails, the server rolls the transaction back, and fn
// is expected to return that error. An error from the commit itself, the
// only step after which a retry could store fn's writes twice, leaves it
// unknown whether the transaction committed; the caller decides, knowing
// what fn does (the Calendar's writes carry versions, so a repeated Update
// fails with seminar.ErrConflict rather than writing twice).
//
// Writing an event or a series takes the marks (see Changed) until the
// transaction ends, so transactions that write commit one at a time from
// their first write on. Keep fn short, and take the locks in one order:
//
//  1. the series, with Tx.GetSeries (a series not found holds its ID);
//  2. then the events, with Tx.Get;
//  3. then write: Create, Update, Delete, CreateSeries, UpdateSeries,
//     DeleteSeries. A Tx.Get that finds no event holds the marks too, as
//     a write does.
//
// Transactions that keep this order never wait for each other in a cycle.
// One that writes, or misses in Tx.Get, and then waits for an event or a
// series that another transaction holds while it waits for the marks,
// deadlocks with it, and PostgreSQL ends one of them with an error (SQLSTATE
// 40P01); so does one that locks an event and then a series another holds
// while it waits for that event.
func (s *Store) Atomic(ctx context.Context, fn func(tx seminar.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: begin transaction: %w", err)
	}
	ptx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: begin transaction: %w", dbError(ctx, err))
	}
	committing := false
	defer func() {
		if !committing {
			// A rollback that fails closes the connection, which rolls the
			// transaction back too.
			_ = ptx.Rollback(ctx)
		}
	}()
	if err := fn(&tx{db: db{q: ptx, sql: s.sql, inTx: true}}); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: commit transaction: %w", err)
	}
	committing = true
	if err := ptx.Commit(ctx); err != nil {
		if errors.Is(err, pgx.ErrTxCommitRollback) {
			err = fmt.Errorf("%w: a statement of the transaction had failed", err)
		}
		return fmt.Errorf("postgres: commit transaction: %w", dbError(ctx, err))
	}
	return nil
}

// tx is the seminar.Tx of Atomic: the Store's statements on one pgx
// transaction.
type tx struct {
	db db
}

// Get returns the event with the given ID, locked until the transaction
// ends. When there is no such event it locks the marks instead, which every
// Create takes: no other transaction creates the event meanwhile.
func (t *tx) Get(ctx context.Context, id string) (*seminar.Event, error) {
	e, err := t.db.getOne(ctx, t.db.sql.getForUpdate, "get event", id)
	if !errors.Is(err, seminar.ErrNotFound) {
		return e, err
	}
	if _, err := t.db.q.Exec(ctx, t.db.sql.lockMarks); err != nil {
		return nil, fmt.Errorf("postgres: get event %q: %w", id, dbError(ctx, err))
	}
	// Another transaction may have created it before the lock was taken.
	return t.db.getOne(ctx, t.db.sql.getForUpdate, "get event", id)
}

func (t *tx) Create(ctx context.Context, events ...*seminar.Event) error {
	return t.db.create(ctx, events)
}

func (t *tx) Update(ctx context.Context, e *seminar.Event, prevVersion int64) error {
	return t.db.update(ctx, e, prevVersion)
}

func (t *tx) Delete(ctx context.Context, id string) error {
	return t.db.remove(ctx, id)
}

func (t *tx) Deliveries(ctx context.Context, eventID string) ([]*seminar.Delivery, error) {
	return t.db.deliveries(ctx, eventID)
}

func (t *tx) AddDeliveries(ctx context.Context, ds ...*seminar.Delivery) error {
	return t.db.addDeliveries(ctx, ds)
}

func (t *tx) Drop(ctx context.Context, reason string, ids ...string) (int, error) {
	return t.db.drop(ctx, reason, ids)
}

func (t *tx) Finish(ctx context.Context, d *seminar.Delivery) error {
	return t.db.finish(ctx, d)
}
