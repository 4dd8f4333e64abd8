package seminar

import (
	"context"
	"time"
)

// Store keeps events. The Calendar does all validation, ID assignment and
// versioning before it calls a Store, so an implementation only has to keep
// what it is given, answer queries, and make each call atomic.
//
// All methods must be safe for concurrent use by several goroutines, and, for
// stores shared between processes, by several processes. The package
// store/storetest checks every rule written here; run it against any new
// implementation.
//
// Times must come back as the same instants to at least microsecond
// precision; their time.Location does not matter (the Calendar moves them to
// the event's zone). A nil or empty slice may come back as nil or empty, but a
// non-empty slice must come back with the same elements in the same order.
// Strings compare exactly (Series "Vision" is not "vision"), and IDs order as
// Go strings do, byte by byte: SQL stores need a binary collation. Returned
// events must not share memory with the store or with arguments. A method
// called with a done context returns an error wrapping ctx.Err().
type Store interface {
	// Create stores all events or none. It returns an error matching
	// ErrExists, and stores nothing, when an event's ID or UID is already
	// stored or appears twice among events. Create with no events stores
	// nothing and returns nil.
	Create(ctx context.Context, events ...*Event) error

	// Get returns the event with the given ID, or an error matching
	// ErrNotFound.
	Get(ctx context.Context, id string) (*Event, error)

	// GetByUID returns the event whose UID is uid, or an error matching
	// ErrNotFound. UIDs compare exactly, like IDs.
	GetByUID(ctx context.Context, uid string) (*Event, error)

	// Update replaces the stored event with e.ID by e if, and only if, the
	// stored event's Version equals prevVersion; the check and the write are
	// one atomic step. It returns an error matching ErrNotFound when no event
	// has e.ID and one matching ErrConflict when the Version differs, and
	// then changes nothing. It returns ErrExists if e.UID belongs to another
	// event.
	Update(ctx context.Context, e *Event, prevVersion int64) error

	// Delete removes the event with the given ID, or returns an error
	// matching ErrNotFound.
	Delete(ctx context.Context, id string) error

	// List returns up to q.Limit events matching q, ordered by Start and then
	// by ID.
	List(ctx context.Context, q ListQuery) ([]*Event, error)
}

// Outbox keeps deliveries, the rows of the reminder outbox, and lets the
// Calendar change events and their deliveries in one atomic step. Every
// Calendar on a Store that implements it schedules reminders, with or
// without a Mailer. The rules below are checked by store/storetest.
//
// All methods must be safe for concurrent use, and safe across processes
// sharing the store: a claim is a lease held in the store, never in memory.
type Outbox interface {
	// Atomic calls fn with a transaction and commits what fn did through it
	// if fn returns nil, or undoes all of it if fn returns an error or
	// panics, or if the commit fails: an event write and the outbox changes
	// that go with it are stored together or not at all, and no other
	// caller sees one without the other. Atomic returns fn's error as it is
	// (errors.Is must see through it), or the store's error if the
	// transaction could not begin or commit. tx must not be used after fn
	// returns, nor by another goroutine; fn must not call the Store or
	// Outbox methods, only tx's. A done context ends the transaction with an
	// error wrapping ctx.Err().
	Atomic(ctx context.Context, fn func(tx Tx) error) error

	// Deliveries returns the deliveries of an event ordered by DueAt, then
	// ID; none is not an error.
	Deliveries(ctx context.Context, eventID string) ([]*Delivery, error)

	// GetDelivery returns the delivery with the given ID, or an error
	// matching ErrNotFound.
	GetDelivery(ctx context.Context, id string) (*Delivery, error)

	// ClaimDue claims up to limit deliveries that are due at now, ordered
	// by DueAt, then ID: those pending or retry with DueAt <= now, and those
	// sending whose LeaseUntil is before now (a dispatcher died holding
	// them). limit and lease must be positive. A pending or retry delivery
	// of any kind but KindCancel is never claimed while its event is
	// cancelled or deleted; one left sending past its lease is claimed
	// whatever its event's state, so that the dispatcher ends it. Each claim
	// sets State to sending, LeaseOwner to owner, LeaseUntil to now+lease,
	// and raises Attempts, and changes no other field, atomically: of
	// several concurrent callers, exactly one claims a given delivery.
	ClaimDue(ctx context.Context, now time.Time, owner string, lease time.Duration, limit int) ([]*Delivery, error)

	// Finish stores the outcome of a claimed delivery, as Tx.Finish does,
	// in a step of its own.
	Finish(ctx context.Context, d *Delivery) error

	// Changed returns up to limit events whose last write has a mark above
	// mark, ordered by that mark, and the mark of the last event returned.
	// Marks are positive integers the store hands out as writes commit:
	// each event that a Create or Update writes, directly or in a
	// transaction, takes a mark of its own, and so does each Delete, and,
	// in a store that keeps series (SeriesStore), each write of a series,
	// each higher than every mark already committed, so that a caller who
	// passes back the mark it got sees every later write, once. Deleted
	// events are not returned, nor anything for a series write. With
	// nothing newer it returns no events and the highest mark taken,
	// which is below mark only if the store went back in time (restored
	// from a backup, say); 0 stands for before the first write.
	// limit must be positive.
	Changed(ctx context.Context, mark int64, limit int) ([]*Event, int64, error)
}

// Tx is a transaction of an Outbox, given to the function Outbox.Atomic
// calls. Its event methods keep the contracts of the Store methods of the
// same names, and its delivery methods those written here; each sees what
// the transaction did before it. Get holds the event it reads (even one not
// found) against writes by other transactions until this one ends, so that
// what the Calendar decides from it still holds when it commits. A method
// that fails may leave the transaction unusable: fn then returns an error,
// and Atomic undoes the transaction.
type Tx interface {
	Get(ctx context.Context, id string) (*Event, error)
	Create(ctx context.Context, events ...*Event) error
	Update(ctx context.Context, e *Event, prevVersion int64) error
	Delete(ctx context.Context, id string) error

	// Deliveries returns the deliveries of an event, as Outbox.Deliveries
	// does.
	Deliveries(ctx context.Context, eventID string) ([]*Delivery, error)

	// AddDeliveries stores the deliveries whose ID is not stored yet and
	// leaves the others as they are. Of two with the same ID in ds, the
	// first is stored. A nil delivery fails the call with an error matching
	// ErrInvalid.
	AddDeliveries(ctx context.Context, ds ...*Delivery) error

	// Drop marks each delivery among ids that is pending or retry as
	// dropped, with reason as LastError, and returns how many it dropped.
	// Only State and LastError change. IDs not stored, and deliveries being
	// sent or already final, are left alone.
	Drop(ctx context.Context, reason string, ids ...string) (int, error)

	// Finish stores the outcome of a claimed delivery: d is the delivery as
	// ClaimDue returned it, with State, DueAt, Recipients, MessageID,
	// LastError, Refused, SentAt and UpdatedAt changed. It writes those
	// fields if the stored delivery is still sending under the same claim
	// (LeaseOwner and LeaseUntil equal to d's). Otherwise it returns an
	// error matching ErrConflict and changes nothing: the lease expired and
	// another dispatcher claimed the delivery. LeaseUntil compares as an
	// instant at the store's precision. It returns an error matching
	// ErrNotFound when no delivery has d.ID. Kind, Lead, Sequence,
	// Attempts, Note and the lease fields keep their stored values.
	Finish(ctx context.Context, d *Delivery) error
}

// ChangeTracker is an optional capability of a Store: a token that tells a
// cache of anything derived from the events, such as a feed body, whether
// it is stale. Calendar.ChangeToken uses it when the Store implements it.
//
// ChangeToken must return a different token once any Create, Update or
// Delete has committed since the last call, directly or in a transaction,
// or, in a store that keeps series (SeriesStore), any write of a series
// (pages and feeds show a talk's series by its name), whoever made it: this process,
// another process sharing the store, or another tool writing through the
// store's own code. It may return a new token with no write in between (a
// restart, say), which costs a cache one rebuild; it must never return an
// old token after a write, which would leave a cache stale. Reads and
// refused writes do not change it. It must be cheap, one indexed row at
// most: a feed asks for it on every poll. It must be safe for concurrent
// use; a done context returns an error wrapping ctx.Err().
type ChangeTracker interface {
	ChangeToken(ctx context.Context) (string, error)
}

// LastMarker is an optional capability of an Outbox: the events written
// since a mark and the last mark handed out, in one read, so that a cache
// that follows the marks learns whether anything changed, and what, in one
// round trip rather than a ChangeToken and then Changed.
// Calendar.ChangedWithLast uses it.
//
// ChangedWithLast returns what Outbox.Changed(ctx, mark, limit) returns,
// events and next, and last, the last mark handed out as of a moment no
// later than the read of the events: each write that took a mark up to
// last is among the events unless it was a delete or the event was written
// again, or limit events came first. last counts every write that changes
// ChangeToken (a store that implements LastMarker must implement
// ChangeTracker): each Create, Update and Delete of an event and, in a
// store that keeps series, each write of a series takes a mark. So last
// differs once any such write has committed since the last call, and may
// stand in for the token. It must be safe for concurrent use; a done
// context returns an error wrapping ctx.Err().
type LastMarker interface {
	ChangedWithLast(ctx context.Context, mark int64, limit int) (events []*Event, next, last int64, err error)
}

// ListQuery is what the Calendar asks a Store's List for, and only that:
// callers of the library list with Query, whose cursor the Calendar decodes
// into After and whose page size it resolves into Limit (asking for one
// event more than the page, to learn whether another page follows). Every
// condition must hold for an event to be listed.
type ListQuery struct {
	// From and To select the events that overlap [From, To): Start < To and
	// End > From. A zero From or To leaves that side open. Stores may rely
	// on End - Start <= MaxDuration to bound an index scan on Start.
	From, To time.Time

	Filter

	// After, when not nil, selects only events ordered after it: Start later
	// than After.Start, or equal Start and ID greater than After.ID.
	After *Position

	// Limit is the maximum number of events to return; always positive.
	Limit int
}

// Position is a place in the (Start, ID) order of a listing.
type Position struct {
	Start time.Time
	ID    string
}

// Match reports whether e satisfies every condition of q except Limit. Stores
// that filter in memory use it; SQL stores must select the same events.
func (q *ListQuery) Match(e *Event) bool {
	if !q.From.IsZero() && !e.End.After(q.From) {
		return false
	}
	if !q.To.IsZero() && !e.Start.Before(q.To) {
		return false
	}
	if q.Series != "" && e.Series != q.Series {
		return false
	}
	if q.PublicOnly && !e.Public {
		return false
	}
	if !q.IncludeCancelled && e.Cancelled() {
		return false
	}
	return q.After == nil || q.After.Less(e.Start, e.ID)
}

// Less reports whether p comes before the event position (start, id).
func (p Position) Less(start time.Time, id string) bool {
	if !p.Start.Equal(start) {
		return p.Start.Before(start)
	}
	return p.ID < id
}

// Compare orders events by Start and then by ID, the order of every listing.
func Compare(a, b *Event) int {
	if c := a.Start.Compare(b.Start); c != 0 {
		return c
	}
	switch {
	case a.ID < b.ID:
		return -1
	case a.ID > b.ID:
		return 1
	}
	return 0
}

// BatchGetter is an optional capability of a Store: reading many events in
// one call rather than one call per event. ImportCalendar uses it to match
// the events of an import with those stored, and DispatchDue to read the
// events of a claimed batch; with a Store that does not implement it, they
// call Get and GetByUID once per event.
//
// GetMany returns the stored events whose ID is among ids, and
// GetManyByUID those whose UID is among uids, each event once, in any
// order. Keys that no event has are left out, which is not an error; a key
// given twice is read once; no keys is no events. The rules of Store's
// methods hold: keys compare exactly, returned events share no memory with
// the store or the arguments, and a done context returns an error wrapping
// ctx.Err(). Each call reads one consistent state of the store, as one
// query does. store/storetest checks these rules when a Store implements
// BatchGetter.
type BatchGetter interface {
	GetMany(ctx context.Context, ids []string) ([]*Event, error)
	GetManyByUID(ctx context.Context, uids []string) ([]*Event, error)
}

// DeliveryBatchGetter is an optional capability of an Outbox: reading the
// deliveries of many events in one call rather than one Deliveries call per
// event. Reconcile uses it to look at the outbox of a batch of changed
// events at once; with an Outbox that does not implement it, it calls
// Deliveries once per event.
//
// DeliveriesOf returns the deliveries of the events whose ID is among
// eventIDs, by event ID, each event's in the order Deliveries gives them
// (by DueAt, then by ID). An event with no deliveries is left out, which
// is not an error; an ID given twice is read once; no IDs is an empty
// result. The rules of Outbox's methods hold: IDs compare exactly,
// returned deliveries share no memory with the store or the arguments,
// and a done context returns an error wrapping ctx.Err(). Each call reads
// one consistent state of the store, as one query does. store/storetest
// checks these rules when an Outbox implements DeliveryBatchGetter.
type DeliveryBatchGetter interface {
	DeliveriesOf(ctx context.Context, eventIDs []string) (map[string][]*Delivery, error)
}
