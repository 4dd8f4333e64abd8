package seminar

import (
	"context"
	"errors"
	"fmt"
)

// Changed returns up to limit events whose last write took a mark above
// mark, in the order of their marks, and the mark of the last one; with
// none newer, it returns no events and the last mark the Store handed out,
// which is below mark only if the Store went back in time (restored from a
// backup, say). It follows Outbox.Changed, whose rules say what a mark is:
// every Create, Update and Delete of an event, by any process, takes one of
// its own, higher than every mark committed before it, and deleted events
// are not returned. A cache of what is derived from the events may use it
// to read only what was written since the mark it was built at. The events
// are presented as Get presents them, in their own zones.
//
// It needs a Store that implements Outbox; with any other it returns an
// error matching errors.ErrUnsupported. limit must be positive.
func (c *Calendar) Changed(ctx context.Context, mark int64, limit int) ([]*Event, int64, error) {
	if c.outbox == nil {
		return nil, 0, fmt.Errorf("seminar: changed events: the store (%T) does not implement seminar.Outbox: %w", c.store, errors.ErrUnsupported)
	}
	if limit <= 0 {
		return nil, 0, fmt.Errorf("seminar: changed events: %w: limit %d is not positive", ErrInvalid, limit)
	}
	events, next, err := c.outbox.Changed(ctx, mark, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("seminar: changed events: %w", err)
	}
	for _, e := range events {
		c.present(e)
	}
	return events, next, nil
}

// ChangedWithLast is Changed that also returns last, the last mark the
// Store handed out, read no later than the events and in the same round
// trip: every write that takes a mark (an event's Create, Update or Delete,
// a series' write) raises it, so a cache may follow it instead of
// ChangeToken, and read what was written since its mark in the same call.
// With fewer than limit events, each write with a mark in (mark, last] is
// among them unless it was a delete, a series write, or an event written
// again since; when there are as many events as marks in (mark,
// max(next, last)], there was none of those.
//
// It needs a Store that implements LastMarker; with any other it returns an
// error matching errors.ErrUnsupported. limit must be positive.
func (c *Calendar) ChangedWithLast(ctx context.Context, mark int64, limit int) (events []*Event, next, last int64, err error) {
	lm, ok := c.store.(LastMarker)
	if !ok {
		return nil, 0, 0, fmt.Errorf("seminar: changed events: the store (%T) does not implement seminar.LastMarker: %w", c.store, errors.ErrUnsupported)
	}
	if limit <= 0 {
		return nil, 0, 0, fmt.Errorf("seminar: changed events: %w: limit %d is not positive", ErrInvalid, limit)
	}
	events, next, last, err = lm.ChangedWithLast(ctx, mark, limit)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("seminar: changed events: %w", err)
	}
	for _, e := range events {
		c.present(e)
	}
	return events, next, last, nil
}
