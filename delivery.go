package seminar

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// DeliveryKind says why a message is sent.
type DeliveryKind string

// The kinds of delivery.
const (
	// KindReminder is a scheduled reminder, Lead before the start.
	KindReminder DeliveryKind = "reminder"
	// KindManual is a reminder sent on demand ("Send Reminder").
	KindManual DeliveryKind = "manual"
	// KindUpdate tells lists that already got a reminder that the time or
	// place changed.
	KindUpdate DeliveryKind = "update"
	// KindCancel tells lists that already got a reminder that the talk is
	// cancelled.
	KindCancel DeliveryKind = "cancel"
)

// DeliveryState is where a delivery is in its life.
type DeliveryState string

// The states of a delivery. pending and retry are due for sending at DueAt;
// sending is claimed by a dispatcher until LeaseUntil; sent, failed and
// dropped are final.
const (
	StatePending DeliveryState = "pending"
	StateSending DeliveryState = "sending"
	StateRetry   DeliveryState = "retry"
	StateSent    DeliveryState = "sent"
	StateFailed  DeliveryState = "failed"
	StateDropped DeliveryState = "dropped"
)

// Final reports whether a delivery in state s will never be sent again.
func (s DeliveryState) Final() bool {
	return s == StateSent || s == StateFailed || s == StateDropped
}

// Delivery is one message to send for one event: a row of the outbox.
//
// Its ID is derived from (event, kind, lead, Sequence), so that scheduling
// the same reminder twice stores it once, and its MessageID from its ID, so
// that a message sent again after a crash carries the same Message-ID and
// receivers collapse the duplicate.
type Delivery struct {
	ID       string
	EventID  string
	Kind     DeliveryKind
	Lead     time.Duration // for KindReminder: how long before the start
	Sequence int           // the event's Sequence the delivery was made for
	// DueAt is when the delivery should go out (or be tried again).
	DueAt time.Time
	State DeliveryState
	// Recipients are the addresses still to be reached; a partial send
	// leaves here the ones a server refused for now.
	Recipients []string
	// Attempts counts the claims of this delivery.
	Attempts int
	// LeaseOwner and LeaseUntil hold a claim: until LeaseUntil, no other
	// dispatcher may claim the delivery.
	LeaseOwner string
	LeaseUntil time.Time
	MessageID  string
	// LastError says why the last attempt failed, or why the delivery was
	// dropped; Refused lists recipients refused for good.
	LastError string
	Refused   []string
	// Note is text the message shows, such as what an update changed.
	Note      string
	SentAt    time.Time
	UpdatedAt time.Time
}

// Clone returns a deep copy of d.
func (d *Delivery) Clone() *Delivery {
	if d == nil {
		return nil
	}
	c := *d
	c.Recipients = slices.Clone(d.Recipients)
	c.Refused = slices.Clone(d.Refused)
	return &c
}

// deliveryID derives the outbox key of a delivery.
func deliveryID(eventID string, kind DeliveryKind, lead time.Duration, sequence, resend int) string {
	id := eventID + "." + string(kind)
	if kind == KindReminder {
		id += "-" + strconv.FormatInt(int64(lead/time.Minute), 10) + "m"
	}
	id += ".s" + strconv.Itoa(sequence)
	if resend > 0 {
		id += ".r" + strconv.Itoa(resend)
	}
	return id
}

// Deliveries returns the messages sent, being sent or to be sent about the
// event, ordered by DueAt: its reminders, notices and manual sends, with the
// state and last error of each, such as a reminder a server refused for
// good. It needs a Store that implements Outbox.
func (c *Calendar) Deliveries(ctx context.Context, eventID string) ([]*Delivery, error) {
	outbox, ok := c.store.(Outbox)
	if !ok {
		return nil, fmt.Errorf("seminar: deliveries of %q: %w: the store (%T) does not implement seminar.Outbox", eventID, ErrInvalid, c.store)
	}
	ds, err := outbox.Deliveries(ctx, eventID)
	if err != nil {
		return nil, fmt.Errorf("seminar: deliveries of %q: %w", eventID, err)
	}
	return ds, nil
}
