package seminar

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// reconcileState is where a Calendar's Reconcile got to: the mark of the
// last event write it looked at.
type reconcileState struct {
	mu   sync.Mutex
	mark int64
}

// reconcileBatch is how many changed events Reconcile reads at a time.
const reconcileBatch = 200

// Reconcile finds events whose deliveries disagree with their state and
// repairs them, by the rules every write follows: it schedules missing
// reminders, drops reminders made for an older version or for a cancelled
// talk, and queues the update or cancellation notice due to lists already
// told. Every write already keeps the outbox in step, in the same atomic
// step; Reconcile repairs what was written otherwise: events stored by an
// older version of this package or by another tool, or a database restored
// from a backup.
//
// The first call looks at every event; each later call only at the events
// written since the call before, by any process, so that a call when
// nothing changed costs one indexed read (it follows Outbox.Changed). When
// the store went back in time, as after a restore, Reconcile looks at every
// event again. Repairs are idempotent: several Calendars may reconcile at
// once. DispatchDue calls Reconcile before it claims anything, so a worker
// that dispatches every minute reconciles at start and every minute.
//
// It returns how many events it repaired, each also logged at level Warn
// with what was changed. It needs a Store that implements Outbox.
func (c *Calendar) Reconcile(ctx context.Context) (int, error) {
	if c.outbox == nil {
		return 0, fmt.Errorf("seminar: reconcile: %w: the store (%T) does not implement seminar.Outbox", ErrInvalid, c.store)
	}
	c.reconcile.mu.Lock()
	defer c.reconcile.mu.Unlock()
	repaired := 0
	for {
		events, next, err := c.outbox.Changed(ctx, c.reconcile.mark, reconcileBatch)
		if err != nil {
			return repaired, fmt.Errorf("seminar: reconcile: %w", err)
		}
		if len(events) == 0 {
			if next >= c.reconcile.mark {
				return repaired, nil
			}
			c.log.LogAttrs(ctx, slog.LevelWarn, "the store went back in time; reconciling every event",
				slog.Int64("mark", c.reconcile.mark), slog.Int64("store mark", next))
			c.reconcile.mark = 0
			continue
		}
		now := c.clock()
		outboxes, err := c.deliveriesOf(ctx, events)
		if err != nil {
			return repaired, fmt.Errorf("seminar: reconcile: %w", err)
		}
		for _, e := range events {
			ok, err := c.reconcileEvent(ctx, e, outboxes, now)
			if err != nil {
				return repaired, fmt.Errorf("seminar: reconcile event %q: %w", e.ID, err)
			}
			if ok {
				repaired++
			}
		}
		c.reconcile.mark = next
	}
}

// errMovedOn ends a repair whose event was written meanwhile: that write
// scheduled its own outbox, and took a later mark.
var errMovedOn = errors.New("the event was written meanwhile")

// deliveriesOf reads the deliveries of events in one call when the Outbox
// is a DeliveryBatchGetter, and returns them by event ID; nil, when it is
// not, leaves reconcileEvent to read each event's.
func (c *Calendar) deliveriesOf(ctx context.Context, events []*Event) (map[string][]*Delivery, error) {
	bg, ok := c.outbox.(DeliveryBatchGetter)
	if !ok {
		return nil, nil
	}
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	return bg.DeliveriesOf(ctx, ids)
}

// reconcileEvent repairs the outbox of the event e, as Changed returned it,
// and reports whether it changed anything. outboxes holds the deliveries of
// e, when deliveriesOf read them. The plan is made first outside a
// transaction, so that the common case, nothing to do, takes no read of its
// own; a repair makes it again inside one, on the event as it is then.
func (c *Calendar) reconcileEvent(ctx context.Context, e *Event, outboxes map[string][]*Delivery, now time.Time) (bool, error) {
	ds := outboxes[e.ID]
	if outboxes == nil {
		var err error
		if ds, err = c.outbox.Deliveries(ctx, e.ID); err != nil {
			return false, err
		}
	}
	if p := c.plan(nil, e, ds, now); p.empty() {
		return false, nil
	}
	var p outboxPlan
	err := c.outbox.Atomic(ctx, func(tx Tx) error {
		cur, err := tx.Get(ctx, e.ID)
		switch {
		case errors.Is(err, ErrNotFound):
			return errMovedOn
		case err != nil:
			return err
		case cur.Version != e.Version:
			return errMovedOn
		}
		ds, err := tx.Deliveries(ctx, e.ID)
		if err != nil {
			return err
		}
		p = c.plan(nil, cur, ds, now)
		return p.apply(ctx, tx)
	})
	if errors.Is(err, errMovedOn) || (err == nil && p.empty()) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var added, dropped []string
	for _, d := range p.add {
		added = append(added, d.ID)
	}
	for _, d := range p.drops {
		dropped = append(dropped, d.id+" ("+d.reason+")")
	}
	c.log.LogAttrs(ctx, slog.LevelWarn, "outbox repaired", slog.String("id", e.ID),
		slog.Any("added", added), slog.Any("dropped", dropped))
	return true, nil
}
