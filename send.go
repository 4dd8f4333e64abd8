package seminar

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Preview is a reminder exactly as SendReminder would send it.
type Preview struct {
	Message *Message
	// Raw is the RFC 5322 message, as the Mailer will transmit it. Only
	// the Date header and the calendar's DTSTAMP differ from a later send.
	Raw      []byte
	Envelope Envelope
	// Recipients counts the addresses the message goes to.
	Recipients int
}

// PreviewReminder returns the reminder SendReminder would send for the event
// now, through the same rendering and composing code, without sending or
// storing anything. Once the reminder was sent, it shows the resend that a
// forced SendReminder would make, with its new Message-ID. It needs a
// Composer (Options.Composer or Options.Mailer), not an SMTP server.
func (c *Calendar) PreviewReminder(ctx context.Context, id string) (*Preview, error) {
	if c.composer == nil {
		return nil, fmt.Errorf("seminar: preview reminder of %q: %w (set Options.Composer to preview without sending)", id, ErrNoMailer)
	}
	e, err := c.get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("seminar: preview reminder of %q: %w", id, err)
	}
	now := c.clock()
	if err := sendable(e); err != nil {
		return nil, fmt.Errorf("seminar: preview reminder of %q: %w", id, err)
	}
	var ds []*Delivery
	if c.outbox != nil {
		if ds, err = c.outbox.Deliveries(ctx, id); err != nil {
			return nil, fmt.Errorf("seminar: preview reminder of %q: %w", id, err)
		}
	}
	resend, _, err := nextManual(e, ds)
	if err != nil {
		return nil, fmt.Errorf("seminar: preview reminder of %q: %w", id, err)
	}
	d := c.newDelivery(e, KindManual, 0, resend, now)
	d.Recipients = e.Reminders.Lists
	p, err := c.compose(ctx, e, d)
	if err != nil {
		return nil, fmt.Errorf("seminar: preview reminder of %q: %w", id, err)
	}
	return p, nil
}

// SendReminder sends the event's reminder now, to all its lists in one
// message: the "Send Reminder" button. A reminder is sent once per version
// (Sequence) of the event: a second call returns an error matching
// ErrAlreadySent unless force is set, and a forced resend is a new message
// with a new Message-ID. A reminder that failed for good does not count as
// sent. A planned slot still to be announced (Event.IsTBA) is refused with
// an error matching ErrInvalid, forced or not. A talk that has started is refused too, with an error matching
// ErrStarted, unless force is set; if such a forced send fails
// for now, DispatchDue drops it rather than retry it.
//
// It returns the delivery as recorded. A temporary failure leaves the
// delivery to be retried by DispatchDue and is returned as an error matching
// ErrTemporary; a permanent one marks it failed.
func (c *Calendar) SendReminder(ctx context.Context, id string, force bool) (*Delivery, error) {
	if c.mailer == nil {
		return nil, fmt.Errorf("seminar: send reminder of %q: %w", id, ErrNoMailer)
	}
	now := c.clock()
	e, d, err := c.claimManual(ctx, id, force, now)
	if err != nil {
		return nil, fmt.Errorf("seminar: send reminder of %q: %w", id, err)
	}
	d, err = c.attempt(ctx, e, d, now)
	if err != nil {
		return d, fmt.Errorf("seminar: send reminder of %q: %w", id, err)
	}
	return d, nil
}

func sendable(e *Event) error {
	if e.Cancelled() {
		return ErrCancelled
	}
	if len(e.Reminders.Lists) == 0 {
		return fmt.Errorf("%w: the event has no reminder lists", ErrInvalid)
	}
	if e.IsTBA() {
		return fmt.Errorf("%w: %s", ErrInvalid, reasonTBA)
	}
	return nil
}

// nextManual finds, among the deliveries ds of the event, the first unused
// resend number of its manual reminder at its current Sequence, and the
// latest earlier one that was sent or is on its way (nil if all earlier
// ones failed or were dropped).
func nextManual(e *Event, ds []*Delivery) (int, *Delivery, error) {
	byID := map[string]*Delivery{}
	for _, d := range ds {
		byID[d.ID] = d
	}
	var live *Delivery
	for resend := 0; resend < maxResends; resend++ {
		d, ok := byID[deliveryID(e.ID, KindManual, 0, e.Sequence, resend)]
		switch {
		case !ok:
			return resend, live, nil
		case d.State != StateFailed && d.State != StateDropped:
			live = d
		}
	}
	return 0, nil, fmt.Errorf("%w: more than %d manual sends of one version", ErrInvalid, maxResends)
}

const maxResends = 100

// claimManual stores, in one step with the read of the event it is for, a
// manual delivery already claimed by this Calendar, so that a crash during
// the send leaves it to DispatchDue once the lease expires: it is then sent
// again with the same Message-ID. Two concurrent calls are one after the
// other: the second finds the first's delivery.
func (c *Calendar) claimManual(ctx context.Context, id string, force bool, now time.Time) (*Event, *Delivery, error) {
	var ev *Event
	var d *Delivery
	err := c.outbox.Atomic(ctx, func(tx Tx) error {
		var err error
		if ev, err = tx.Get(ctx, id); err != nil {
			return err
		}
		if err := sendable(ev); err != nil {
			return err
		}
		if !now.Before(ev.Start) && !force {
			return fmt.Errorf("%w (at %s); force to send the reminder anyway",
				ErrStarted, ev.Start.In(ev.location()).Format("Monday, January 2, 2006, 3:04 PM MST"))
		}
		ds, err := tx.Deliveries(ctx, id)
		if err != nil {
			return err
		}
		resend, live, err := nextManual(ev, ds)
		if err != nil {
			return err
		}
		if live != nil && !force {
			return fmt.Errorf("%w (for sequence %d, %s); force to send it again", ErrAlreadySent, ev.Sequence, live.State)
		}
		d = c.newDelivery(ev, KindManual, 0, resend, now)
		d.Recipients = slices.Clone(ev.Reminders.Lists)
		d.State = StateSending
		d.Attempts = 1
		d.LeaseOwner = c.owner
		d.LeaseUntil = now.Add(c.rem.Lease)
		return tx.AddDeliveries(ctx, d)
	})
	if err != nil {
		return nil, nil, err
	}
	return c.present(ev), d, nil
}

// newDelivery returns a pending delivery of e with its derived IDs.
func (c *Calendar) newDelivery(e *Event, kind DeliveryKind, lead time.Duration, resend int, due time.Time) *Delivery {
	id := deliveryID(e.ID, kind, lead, e.Sequence, resend)
	return &Delivery{
		ID: id, EventID: e.ID, Kind: kind, Lead: lead, Sequence: e.Sequence,
		DueAt: due, State: StatePending, MessageID: id + "@" + c.domain, UpdatedAt: due,
	}
}

// compose renders and composes the message of d: the one code path of
// preview and send.
func (c *Calendar) compose(ctx context.Context, e *Event, d *Delivery) (*Preview, error) {
	msg, err := c.render(ctx, e, d)
	if err != nil {
		return nil, err
	}
	raw, err := c.composer.Compose(msg)
	if err != nil {
		return nil, err
	}
	env := Envelope{From: c.from.Address, To: slices.Clone(d.Recipients)}
	return &Preview{Message: msg, Raw: raw, Envelope: env, Recipients: len(env.To)}, nil
}

// CanSend reports whether SendReminder can send: the Calendar was made with
// a Mailer. A Calendar without one leaves sending to a worker that has one.
func (c *Calendar) CanSend() bool { return c.mailer != nil }

// CanPreview reports whether PreviewReminder can compose: the Calendar was
// made with a Composer or a Mailer.
func (c *Calendar) CanPreview() bool { return c.composer != nil }
