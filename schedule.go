package seminar

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// outboxPlan is what the outbox of one event needs so that it agrees with
// the event's state: deliveries to drop, each with its reason, and
// deliveries to add.
type outboxPlan struct {
	drops []planDrop
	add   []*Delivery
}

type planDrop struct {
	id, reason string
}

func (p *outboxPlan) empty() bool { return len(p.drops) == 0 && len(p.add) == 0 }

// apply carries out the plan in tx.
func (p *outboxPlan) apply(ctx context.Context, tx Tx) error {
	byReason := map[string][]string{}
	var reasons []string
	for _, d := range p.drops {
		if _, ok := byReason[d.reason]; !ok {
			reasons = append(reasons, d.reason)
		}
		byReason[d.reason] = append(byReason[d.reason], d.id)
	}
	for _, reason := range reasons {
		if _, err := tx.Drop(ctx, reason, byReason[reason]...); err != nil {
			return err
		}
	}
	if len(p.add) == 0 {
		return nil
	}
	return tx.AddDeliveries(ctx, p.add...)
}

// schedule brings the outbox of an event in line with a write made in tx:
// prev is the event before (nil for a new one), e after it (nil once
// deleted). A Calendar on a store without an outbox schedules nothing.
func (c *Calendar) schedule(ctx context.Context, tx Tx, id string, prev, e *Event, now time.Time) error {
	if c.outbox == nil {
		return nil
	}
	var ds []*Delivery
	if prev != nil {
		var err error
		if ds, err = tx.Deliveries(ctx, id); err != nil {
			return err
		}
	}
	p := c.plan(prev, e, ds, now)
	return p.apply(ctx, tx)
}

// plan works out what the deliveries ds of an event must become for the
// event's state e (nil once deleted). prev is the event before the write
// that led here, or nil when that is not known (a new event, or a
// reconciliation); it only words the update notice.
//
// The rules, the same for every write and for Reconcile:
//   - A pending delivery is dropped when the event is deleted; when it is
//     cancelled, unless the delivery is its cancellation notice; when it was
//     made for an older Sequence, a cancellation notice of a talk that is on
//     again included; and a reminder whose lead left the schedule.
//   - A talk ahead gets the reminders of its schedule not sent yet, unless
//     it is a slot still to be announced (Event.IsTBA): nobody is told of
//     a talk with no title or speaker. Once both are filled in, the write
//     that fills them schedules its reminders; lists were told nothing, so
//     they get no update notice for it.
//   - A pending reminder of a slot that is to be announced again (its
//     speaker removed, say) is dropped.
//   - Lists told something about an older Sequence of a talk that is on get
//     one update notice for the current Sequence.
//   - Lists told something about a talk since its last cancellation notice
//     get a cancellation notice when it is cancelled.
func (c *Calendar) plan(prev, e *Event, ds []*Delivery, now time.Time) outboxPlan {
	var p outboxPlan
	have := make(map[string]bool, len(ds))
	for _, d := range ds {
		have[d.ID] = true
		if d.State != StatePending && d.State != StateRetry {
			continue
		}
		if reason := superseded(e, d); reason != "" {
			p.drops = append(p.drops, planDrop{d.ID, reason})
		}
	}
	if e == nil {
		return p
	}
	add := func(d *Delivery) {
		if d != nil && !have[d.ID] {
			p.add = append(p.add, d)
			have[d.ID] = true
		}
	}
	told, lastTold := told(ds, e)
	if e.Cancelled() {
		if !c.rem.NoCancelNotices && len(told) > 0 && lastTold > lastCancel(ds) {
			add(c.notice(e, KindCancel, told, "", now))
		}
		return p
	}
	for _, d := range c.scheduled(e, ds, now) {
		add(d)
	}
	changed := prev == nil || prev.Sequence != e.Sequence
	if !c.rem.NoUpdateNotices && changed && len(told) > 0 && firstTold(ds) < e.Sequence {
		note := genericChange
		if prev != nil {
			if n := c.style.describeChange(prev, e); n != "" {
				note = n
			}
		}
		add(c.notice(e, KindUpdate, told, note, now))
	}
	return p
}

// genericChange is the note of an update notice when what changed is not
// known, as when Reconcile repairs an outbox.
const genericChange = "the time, place or status of the talk changed; the details below are current"

// superseded says why the pending delivery d must not go out for the
// event's state e (nil once deleted), or "".
func superseded(e *Event, d *Delivery) string {
	switch {
	case e == nil:
		return "the event was deleted"
	case d.Kind == KindCancel:
		if !e.Cancelled() && d.Sequence < e.Sequence {
			return "the talk is on again"
		}
	case e.Cancelled():
		return "the event is cancelled"
	case d.Sequence < e.Sequence:
		return "superseded by a change of the event"
	case d.Kind == KindReminder && e.IsTBA():
		return reasonTBA
	case d.Kind == KindReminder && !slices.Contains(e.Reminders.Schedule, d.Lead):
		return "no longer in the event's schedule"
	case len(d.Recipients) == 0 && len(e.Reminders.Lists) == 0:
		return "the event has no reminder lists"
	}
	return ""
}

// reasonTBA is why a reminder of a slot to be announced is dropped.
const reasonTBA = "the talk is to be announced: it has no title or speaker yet"

// told returns the addresses that got, or are being sent, a message about
// the event other than a cancellation notice, and the highest Sequence such
// a message was made for (-1 for none). A delivery being sent for the
// first time has no recipients yet: it goes to the event's lists.
func told(ds []*Delivery, e *Event) ([]string, int) {
	var to []string
	last := -1
	for _, d := range ds {
		if (d.State != StateSent && d.State != StateSending) || d.Kind == KindCancel {
			continue
		}
		last = max(last, d.Sequence)
		rcpt := d.Recipients
		if len(rcpt) == 0 && d.State == StateSending {
			rcpt = e.Reminders.Lists
		}
		for _, addr := range rcpt {
			if !slices.Contains(to, addr) {
				to = append(to, addr)
			}
		}
	}
	return to, last
}

// firstTold returns the lowest Sequence that a message other than a
// cancellation notice was sent, or is being sent, for.
func firstTold(ds []*Delivery) int {
	first := -1
	for _, d := range ds {
		if (d.State == StateSent || d.State == StateSending) && d.Kind != KindCancel && (first < 0 || d.Sequence < first) {
			first = d.Sequence
		}
	}
	return first
}

// lastCancel returns the highest Sequence a cancellation notice was made
// for that went out or still may (-1 for none).
func lastCancel(ds []*Delivery) int {
	last := -1
	for _, d := range ds {
		if d.Kind == KindCancel && d.State != StateDropped && d.State != StateFailed {
			last = max(last, d.Sequence)
		}
	}
	return last
}

// scheduled returns the reminders of e's schedule not sent yet for any
// version. Reminders already overdue are skipped while a later one is still
// ahead: a talk added two days before it starts gets its one-day reminder,
// not also a late one-week reminder. When all are overdue, the one closest
// to the start goes out at once.
func (c *Calendar) scheduled(e *Event, past []*Delivery, now time.Time) []*Delivery {
	if len(e.Reminders.Lists) == 0 || len(e.Reminders.Schedule) == 0 || !now.Before(e.Start) || e.IsTBA() {
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

// notice returns an update or cancellation notice of e to the addresses to.
func (c *Calendar) notice(e *Event, kind DeliveryKind, to []string, note string, now time.Time) *Delivery {
	d := c.newDelivery(e, kind, 0, 0, now)
	d.Recipients = slices.Clone(to)
	d.Note = note
	return d
}

// describeChange says, for an update notice, what changed in a way
// subscribers care about, with dates and times in style s: time, place or
// status; "" if none of those.
func (s Style) describeChange(before, after *Event) string {
	var parts []string
	for _, what := range significantChange(before, after) {
		switch what {
		case "time":
			b, _ := s.view(before)
			a, _ := s.view(after)
			if b == nil || a == nil {
				continue
			}
			now, was := a.Date+", "+a.Time, b.Date+", "+b.Time
			if before.TimeZone != after.TimeZone {
				now, was = now+" "+a.ZoneName, was+" "+b.ZoneName
			}
			parts = append(parts, fmt.Sprintf("the time is now %s (was %s)", now, was))
		case "location":
			parts = append(parts, describePlace(before.Location, after.Location))
		case "status":
			parts = append(parts, "the talk is on again")
		}
	}
	return strings.Join(parts, "; ")
}

// describePlace says how the place of a talk changed, naming no empty
// place.
func describePlace(before, after Location) string {
	was := joinSet(", ", before.Room, before.Building, before.Address, before.URL)
	now := joinSet(", ", after.Room, after.Building, after.Address, after.URL)
	switch {
	case was == "":
		return "the place is now " + now
	case now == "":
		return "the place is no longer given (was " + was + ")"
	}
	return fmt.Sprintf("the place is now %s (was %s)", now, was)
}
