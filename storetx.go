package seminar

import (
	"context"
	"fmt"
)

// storeTx runs the Calendar's steps directly on a Store without an Outbox:
// each write is atomic on its own, and there are no deliveries.
type storeTx struct {
	s Store
}

func (t storeTx) Get(ctx context.Context, id string) (*Event, error) { return t.s.Get(ctx, id) }
func (t storeTx) Create(ctx context.Context, events ...*Event) error {
	return t.s.Create(ctx, events...)
}
func (t storeTx) Update(ctx context.Context, e *Event, prevVersion int64) error {
	return t.s.Update(ctx, e, prevVersion)
}
func (t storeTx) Delete(ctx context.Context, id string) error { return t.s.Delete(ctx, id) }

func (t storeTx) Deliveries(context.Context, string) ([]*Delivery, error) { return nil, nil }

func (t storeTx) AddDeliveries(context.Context, ...*Delivery) error { return t.noOutbox() }

func (t storeTx) Drop(context.Context, string, ...string) (int, error) { return 0, t.noOutbox() }

func (t storeTx) Finish(context.Context, *Delivery) error { return t.noOutbox() }

func (t storeTx) noOutbox() error {
	return fmt.Errorf("%w: the store (%T) does not implement seminar.Outbox", ErrInvalid, t.s)
}
