package seminar

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// reschedule brings an event's outbox in line with a write: cur is the
// event before (nil for a new one), next after it (nil once deleted).
func (c *Calendar) reschedule(ctx context.Context, cur, next *Event) error {
	if c.outbox == nil {
		return nil
	}
	if next == nil {
		_, err := c.dropPending(ctx, cur.ID, "the event was deleted",
			KindReminder, KindManual, KindUpdate, KindCancel)
		return err
	}
	if cur != nil && cur.Sequence != next.Sequence {
		if _, err := c.dropPending(ctx, next.ID, "superseded by a change of the event",
			KindReminder, KindManual, KindUpdate); err != nil {
			return err
		}
	}
	past, err := c.outbox.Deliveries(ctx, next.ID)
	if err != nil {
		return err
	}
	now := c.clock()
	var add []*Delivery
	switch {
	case next.Cancelled():
		if cur != nil && !cur.Cancelled() && !c.rem.NoCancelNotices {
			add = c.notice(next, KindCancel, past, "", now)
		}
	default:
		add = c.scheduled(next, past, now)
		if cur != nil && !c.rem.NoUpdateNotices {
			if note := describeChange(cur, next); note != "" {
				add = append(add, c.notice(next, KindUpdate, past, note, now)...)
			}
		}
	}
	return c.addDeliveries(ctx, add...)
}

// scheduled returns the reminders of e's schedule not sent yet for any
// version. Reminders already overdue are skipped while a later one is still
// ahead: a talk added two days before it starts gets its one-day reminder,
// not also a late one-week reminder. When all are overdue, the one closest
// to the start goes out at once.
func (c *Calendar) scheduled(e *Event, past []*Delivery, now time.Time) []*Delivery {
	if len(e.Reminders.Lists) == 0 || len(e.Reminders.Schedule) == 0 || !now.Before(e.Start) {
		return nil
	}
	sent := map[time.Duration]bool{}
	for _, d := range past {
		if d.Kind == KindReminder && d.State == StateSent {
			sent[d.Lead] = true
		}
	}
	var ahead []time.Duration
	for _, lead := range e.Reminders.Schedule {
		if e.Start.Add(-lead).After(now) {
			ahead = append(ahead, lead)
		}
	}
	if len(ahead) == 0 {
		ahead = []time.Duration{slices.Min(e.Reminders.Schedule)}
	}
	var out []*Delivery
	for _, lead := range ahead {
		if !sent[lead] {
			out = append(out, c.newDelivery(e, KindReminder, lead, 0, e.Start.Add(-lead)))
		}
	}
	return out
}

// notice returns an update or cancellation notice to every address that
// already got a message about e, or nothing when none was sent.
func (c *Calendar) notice(e *Event, kind DeliveryKind, past []*Delivery, note string, now time.Time) []*Delivery {
	var to []string
	for _, d := range past {
		if d.State != StateSent || d.Kind == KindCancel {
			continue
		}
		for _, addr := range d.Recipients {
			if !slices.Contains(to, addr) {
				to = append(to, addr)
			}
		}
	}
	if len(to) == 0 {
		return nil
	}
	d := c.newDelivery(e, kind, 0, 0, now)
	d.Recipients = to
	d.Note = note
	return []*Delivery{d}
}

// describeChange says, for an update notice, what changed in a way
// subscribers care about: time, place or status; "" if none of those.
func describeChange(before, after *Event) string {
	var parts []string
	for _, what := range significantChange(before, after) {
		switch what {
		case "time":
			b, _ := newView(before)
			a, _ := newView(after)
			if b != nil && a != nil {
				parts = append(parts, fmt.Sprintf("the time is now %s, %s (was %s, %s)", a.Date, a.Time, b.Date, b.Time))
			}
		case "location":
			parts = append(parts, fmt.Sprintf("the place is now %s (was %s)",
				orNone(joinSet(", ", after.Location.Room, after.Location.Building, after.Location.Address, after.Location.URL)),
				orNone(joinSet(", ", before.Location.Room, before.Location.Building, before.Location.Address, before.Location.URL))))
		case "status":
			parts = append(parts, "the talk is on again")
		}
	}
	return strings.Join(parts, "; ")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// addDeliveries stores ds in a transaction of their own.
func (c *Calendar) addDeliveries(ctx context.Context, ds ...*Delivery) error {
	return c.outbox.Atomic(ctx, func(tx Tx) error { return tx.AddDeliveries(ctx, ds...) })
}

// dropPending drops the pending deliveries of the event whose kind is among
// kinds.
func (c *Calendar) dropPending(ctx context.Context, eventID, reason string, kinds ...DeliveryKind) (int, error) {
	var n int
	err := c.outbox.Atomic(ctx, func(tx Tx) error {
		ds, err := tx.Deliveries(ctx, eventID)
		if err != nil {
			return err
		}
		var ids []string
		for _, d := range ds {
			if slices.Contains(kinds, d.Kind) {
				ids = append(ids, d.ID)
			}
		}
		n, err = tx.Drop(ctx, reason, ids...)
		return err
	})
	return n, err
}
