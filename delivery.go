package seminar

import (
	"context"
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

// Outbox keeps deliveries. A Store that implements it can send reminders:
// New requires it when Options.Mailer is set. The rules below are checked by
// store/storetest.
//
// All methods must be safe for concurrent use, and ClaimDue and Finish safe
// across processes sharing the store: a claim is a lease held in the store,
// never in memory.
type Outbox interface {
	// AddDeliveries stores the deliveries whose ID is not stored yet and
	// leaves the others as they are, in one atomic step. Of two with the
	// same ID in ds, the first is stored. A nil delivery fails the call with
	// an error matching ErrInvalid, and nothing is stored.
	AddDeliveries(ctx context.Context, ds ...*Delivery) error

	// Deliveries returns the deliveries of an event ordered by DueAt, then
	// ID; none is not an error.
	Deliveries(ctx context.Context, eventID string) ([]*Delivery, error)

	// GetDelivery returns the delivery with the given ID, or an error
	// matching ErrNotFound.
	GetDelivery(ctx context.Context, id string) (*Delivery, error)

	// ClaimDue claims up to limit deliveries that are due at now, ordered
	// by DueAt, then ID: those pending or retry with DueAt <= now, and those
	// sending whose LeaseUntil is before now (a dispatcher died holding
	// them). limit and lease must be positive. A
	// delivery of any kind but KindCancel is never claimed while its event
	// is cancelled or deleted. Each claim sets State to sending, LeaseOwner
	// to owner, LeaseUntil to now+lease, and raises Attempts, and
	// changes no other field, atomically: of several concurrent callers,
	// exactly one claims a given delivery.
	ClaimDue(ctx context.Context, now time.Time, owner string, lease time.Duration, limit int) ([]*Delivery, error)

	// Finish stores the outcome of a claimed delivery: d is the delivery as
	// ClaimDue returned it, with State, DueAt, Recipients, MessageID,
	// LastError, Refused, SentAt and UpdatedAt changed. It writes those
	// fields if the stored delivery is still sending under the same claim
	// (LeaseOwner and LeaseUntil equal to d's). Otherwise it returns an error
	// matching ErrConflict and changes nothing: the lease expired and
	// another dispatcher claimed the delivery. LeaseUntil compares as an
	// instant at the store's precision. It returns an error matching
	// ErrNotFound when no delivery has d.ID. Kind, Lead, Sequence, Attempts,
	// Note and the lease fields keep their stored values.
	Finish(ctx context.Context, d *Delivery) error

	// DropPending marks every pending or retry delivery of the event whose
	// kind is among kinds as dropped, with reason as LastError, and returns
	// how many it dropped; no kinds drops nothing. Only State and
	// LastError change. Deliveries being sent or already final are left
	// alone.
	DropPending(ctx context.Context, eventID string, reason string, kinds ...DeliveryKind) (int, error)
}
