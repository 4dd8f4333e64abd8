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

// ListQuery is what the Calendar asks a Store for. Every condition must hold
// for an event to be listed.
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

// Filter narrows a listing beyond its time range.
type Filter struct {
	// Series, when not empty, selects the events of that series only.
	Series string
	// PublicOnly leaves out events whose Public field is false.
	PublicOnly bool
	// IncludeCancelled lists cancelled events too; by default they are left
	// out.
	IncludeCancelled bool
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
