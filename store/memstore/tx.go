package memstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/seminarkit/seminar"
)

// Atomic calls fn with a transaction that holds the store's lock until fn
// returns: no other caller sees the store part way. If fn returns an error
// or panics, every change made through the transaction is undone, in
// reverse order, before the lock is released.
func (s *Store) Atomic(ctx context.Context, fn func(tx seminar.Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := &tx{s: s, undo: &undo{}}
	mark := s.mark
	committed := false
	defer func() {
		t.done = true
		if !committed {
			t.undo.run()
			s.mark = mark
		}
	}()
	if err := fn(t); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	committed = true
	return nil
}

// errTxDone is returned by a transaction's methods once fn has returned.
var errTxDone = errors.New("memstore: the transaction has ended")

// tx is a transaction of Atomic: the store's methods, called with its lock
// held and recording how to undo each change.
type tx struct {
	s    *Store
	undo *undo
	done bool
}

var _ seminar.Tx = (*tx)(nil)

func (t *tx) check(ctx context.Context) error {
	if t.done {
		return errTxDone
	}
	return ctx.Err()
}

func (t *tx) Get(ctx context.Context, id string) (*seminar.Event, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.s.get(id)
}

func (t *tx) Create(ctx context.Context, events ...*seminar.Event) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	batch, err := privateBatch(events)
	if err != nil {
		return err
	}
	return t.s.create(batch, t.undo)
}

func (t *tx) Update(ctx context.Context, e *seminar.Event, prevVersion int64) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	if e == nil {
		return fmt.Errorf("%w: event is nil", seminar.ErrInvalid)
	}
	return t.s.update(e.Clone(), prevVersion, t.undo)
}

func (t *tx) Delete(ctx context.Context, id string) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	return t.s.delete(id, t.undo)
}

func (t *tx) Deliveries(ctx context.Context, eventID string) ([]*seminar.Delivery, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.s.eventDeliveries(eventID), nil
}

func (t *tx) AddDeliveries(ctx context.Context, ds ...*seminar.Delivery) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	return t.s.addDeliveries(ds, t.undo)
}

func (t *tx) Drop(ctx context.Context, reason string, ids ...string) (int, error) {
	if err := t.check(ctx); err != nil {
		return 0, err
	}
	return t.s.drop(reason, ids, t.undo), nil
}

func (t *tx) Finish(ctx context.Context, d *seminar.Delivery) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	return t.s.finish(d, t.undo)
}

// undo is a log of how to reverse the changes of a transaction.
type undo struct {
	steps []func()
}

// add records a step; on a nil log, as outside transactions, it does
// nothing.
func (u *undo) add(step func()) {
	if u != nil {
		u.steps = append(u.steps, step)
	}
}

// run reverses the recorded changes, the last first.
func (u *undo) run() {
	for i := len(u.steps) - 1; i >= 0; i-- {
		u.steps[i]()
	}
}
