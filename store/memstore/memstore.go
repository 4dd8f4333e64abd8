// Package memstore is the in-memory reference implementation of
// seminar.Store, seminar.Outbox and seminar.SeriesStore: what every other Store is measured
// against, and a store for tests and demos that need no set-up.
//
// Events, deliveries and series live in the process and are gone when it exits. A Store is safe for
// concurrent use by many goroutines; it cannot be shared between processes.
// Its errors wrap the seminar sentinels (ErrNotFound, ErrConflict,
// ErrExists) with no prefix of their own: the Calendar names the operation
// and the event. A method called with a done context returns ctx.Err().
//
// # Cost
//
// Create, Update and Delete take O(n) time for n stored events, to keep an
// index ordered by (Start, ID); a batch given to one Create is merged into it
// in one pass. Get takes O(1). List takes O(log n) plus the events it visits:
// those starting from seminar.MaxDuration before From (no event lasts
// longer, so none starting earlier can overlap the range) until To, or until
// Limit events have matched.
//
// In the outbox, AddDeliveries, GetDelivery and Finish take O(1) time per
// delivery; Deliveries and DropPending O(k log k) and O(k) for the k
// deliveries of the event. ClaimDue looks at every delivery that is not yet
// sent, failed or dropped, keeping the first limit due ones in order:
// O(p log limit) for p such deliveries. Final deliveries cost it nothing,
// so p stays about the number of reminders still ahead.
package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"sync"

	"github.com/seminarkit/seminar"
)

var (
	_ seminar.Store               = (*Store)(nil)
	_ seminar.Outbox              = (*Store)(nil)
	_ seminar.ChangeTracker       = (*Store)(nil)
	_ seminar.LastMarker          = (*Store)(nil)
	_ seminar.BatchGetter         = (*Store)(nil)
	_ seminar.DeliveryBatchGetter = (*Store)(nil)
)

// Store keeps events in memory. Make one with New.
type Store struct {
	mu sync.RWMutex
	// byID and byUID index the stored events; ordered holds the same
	// events sorted by seminar.Compare. Stored events are private copies
	// that are never modified: an Update replaces the pointer.
	byID    map[string]*seminar.Event
	byUID   map[string]string // UID to ID
	ordered []*seminar.Event
	// mark is the last mark handed out, to an event write or a delete;
	// marks holds the mark of each stored event's last write. See Changed.
	mark  int64
	marks map[string]int64

	// The outbox. Stored deliveries are private copies, changed in place
	// under mu by ClaimDue, Finish and Drop: deliveries indexes them by ID,
	// byEvent by event, and open holds those not final, the only ones
	// ClaimDue looks at.
	deliveries map[string]*seminar.Delivery
	byEvent    map[string][]*seminar.Delivery
	open       map[string]*seminar.Delivery

	// series holds the stored series, private copies never modified: an
	// update replaces the pointer.
	series map[string]*seminar.Series
}

// New returns an empty Store.
func New() *Store {
	return &Store{
		byID:       make(map[string]*seminar.Event),
		byUID:      make(map[string]string),
		marks:      make(map[string]int64),
		deliveries: make(map[string]*seminar.Delivery),
		byEvent:    make(map[string][]*seminar.Delivery),
		open:       make(map[string]*seminar.Delivery),
		series:     make(map[string]*seminar.Series),
	}
}

// mergeThreshold is the batch size from which Create merges a sorted batch
// into the index rather than inserting event by event.
const mergeThreshold = 16

// Create stores copies of all events, or none of them if any ID or UID is
// already stored or appears twice among events.
func (s *Store) Create(ctx context.Context, events ...*seminar.Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	batch, err := privateBatch(events)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.create(batch, nil)
}

// privateBatch checks a batch for Create and returns copies of its events.
func privateBatch(events []*seminar.Event) ([]*seminar.Event, error) {
	batch := make([]*seminar.Event, len(events))
	ids := make(map[string]bool, len(events))
	uids := make(map[string]bool, len(events))
	for i, e := range events {
		switch {
		case e == nil:
			return nil, fmt.Errorf("%w: events[%d] is nil", seminar.ErrInvalid, i)
		case ids[e.ID]:
			return nil, fmt.Errorf("%w: ID %q appears twice among the events", seminar.ErrExists, e.ID)
		case uids[e.UID]:
			return nil, fmt.Errorf("%w: UID %q appears twice among the events", seminar.ErrExists, e.UID)
		}
		ids[e.ID], uids[e.UID] = true, true
		batch[i] = e.Clone()
	}
	return batch, nil
}

// create stores batch, private copies; s.mu must be held. When u is not
// nil, it records how to undo the change.
func (s *Store) create(batch []*seminar.Event, u *undo) error {
	for _, e := range batch {
		if _, ok := s.byID[e.ID]; ok {
			return fmt.Errorf("%w: event %q", seminar.ErrExists, e.ID)
		}
		if other, ok := s.byUID[e.UID]; ok {
			return fmt.Errorf("%w: UID %q belongs to event %q", seminar.ErrExists, e.UID, other)
		}
	}
	for _, e := range batch {
		s.byID[e.ID] = e
		s.byUID[e.UID] = e.ID
		s.mark++
		s.marks[e.ID] = s.mark
	}
	s.insert(batch)
	u.add(func() {
		for _, e := range batch {
			delete(s.byID, e.ID)
			delete(s.byUID, e.UID)
			delete(s.marks, e.ID)
			s.remove(e)
		}
	})
	return nil
}

// Get returns a copy of the event with the given ID.
func (s *Store) Get(ctx context.Context, id string) (*seminar.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.get(id)
}

// get returns a copy of the event with the given ID; s.mu must be held.
func (s *Store) get(id string) (*seminar.Event, error) {
	e, ok := s.byID[id]
	if !ok {
		return nil, seminar.ErrNotFound
	}
	return e.Clone(), nil
}

// GetByUID returns a copy of the event whose UID is uid.
func (s *Store) GetByUID(ctx context.Context, uid string) (*seminar.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.byUID[uid]
	if !ok {
		return nil, seminar.ErrNotFound
	}
	return s.byID[id].Clone(), nil
}

// GetMany returns copies of the events whose ID is among ids.
func (s *Store) GetMany(ctx context.Context, ids []string) ([]*seminar.Event, error) {
	return s.getMany(ctx, ids, func(id string) string { return id })
}

// GetManyByUID returns copies of the events whose UID is among uids.
func (s *Store) GetManyByUID(ctx context.Context, uids []string) ([]*seminar.Event, error) {
	return s.getMany(ctx, uids, func(uid string) string { return s.byUID[uid] })
}

// getMany returns copies of the events whose ID id(key) gives for a key
// among keys, each once.
func (s *Store) getMany(ctx context.Context, keys []string, id func(string) string) ([]*seminar.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var events []*seminar.Event
	seen := make(map[string]bool, len(keys))
	for _, k := range keys {
		e, ok := s.byID[id(k)]
		if ok && !seen[e.ID] {
			seen[e.ID] = true
			events = append(events, e.Clone())
		}
	}
	return events, nil
}

// Update replaces the event e.ID by a copy of e if its stored Version is
// prevVersion.
func (s *Store) Update(ctx context.Context, e *seminar.Event, prevVersion int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if e == nil {
		return fmt.Errorf("%w: event is nil", seminar.ErrInvalid)
	}
	next := e.Clone()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.update(next, prevVersion, nil)
}

// update stores next, a private copy, over the event of its ID; s.mu must
// be held.
func (s *Store) update(next *seminar.Event, prevVersion int64, u *undo) error {
	cur, ok := s.byID[next.ID]
	switch {
	case !ok:
		return seminar.ErrNotFound
	case cur.Version != prevVersion:
		return fmt.Errorf("%w: stored version is %d, not %d", seminar.ErrConflict, cur.Version, prevVersion)
	}
	if other, ok := s.byUID[next.UID]; ok && other != next.ID {
		return fmt.Errorf("%w: UID %q belongs to event %q", seminar.ErrExists, next.UID, other)
	}
	s.replace(cur, next)
	prevMark := s.marks[next.ID]
	s.mark++
	s.marks[next.ID] = s.mark
	u.add(func() {
		s.replace(next, cur)
		s.marks[cur.ID] = prevMark
	})
	return nil
}

// replace puts the event next in the place of cur, the stored event of the
// same ID, in every index.
func (s *Store) replace(cur, next *seminar.Event) {
	delete(s.byUID, cur.UID)
	s.byUID[next.UID] = next.ID
	s.byID[next.ID] = next
	if cur.Start.Equal(next.Start) {
		s.ordered[s.index(cur)] = next
		return
	}
	s.remove(cur)
	s.insert([]*seminar.Event{next})
}

// Delete removes the event with the given ID.
func (s *Store) Delete(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.delete(id, nil)
}

// delete removes the event with the given ID; s.mu must be held.
func (s *Store) delete(id string, u *undo) error {
	cur, ok := s.byID[id]
	if !ok {
		return seminar.ErrNotFound
	}
	prevMark := s.marks[id]
	delete(s.byID, id)
	delete(s.byUID, cur.UID)
	delete(s.marks, id)
	s.remove(cur)
	s.mark++
	u.add(func() {
		s.byID[id] = cur
		s.byUID[cur.UID] = id
		s.marks[id] = prevMark
		s.insert([]*seminar.Event{cur})
	})
	return nil
}

// ChangeToken returns the last mark handed out: it rises with every
// committed event write.
func (s *Store) ChangeToken(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return strconv.FormatInt(s.mark, 10), nil
}

// Changed returns copies of up to limit events whose last write has a mark
// above mark, in the order of their marks, and the mark of the last one.
func (s *Store) Changed(ctx context.Context, mark int64, limit int) ([]*seminar.Event, int64, error) {
	events, next, _, err := s.ChangedWithLast(ctx, mark, limit)
	return events, next, err
}

// ChangedWithLast is Changed, and the last mark handed out, under one lock.
func (s *Store) ChangedWithLast(ctx context.Context, mark int64, limit int) (events []*seminar.Event, next, last int64, err error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, 0, err
	}
	if limit <= 0 {
		return nil, 0, 0, fmt.Errorf("%w: limit %d is not positive", seminar.ErrInvalid, limit)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	type changed struct {
		mark int64
		id   string
	}
	var newer []changed
	for id, m := range s.marks {
		if m > mark {
			newer = append(newer, changed{m, id})
		}
	}
	if len(newer) == 0 {
		return nil, s.mark, s.mark, nil
	}
	slices.SortFunc(newer, func(a, b changed) int { return cmp.Compare(a.mark, b.mark) })
	newer = newer[:min(limit, len(newer))]
	out := make([]*seminar.Event, len(newer))
	for i, c := range newer {
		out[i] = s.byID[c.id].Clone()
	}
	return out, newer[len(newer)-1].mark, s.mark, nil
}

// List returns copies of up to q.Limit events matching q, ordered by Start
// and then by ID.
func (s *Store) List(ctx context.Context, q seminar.ListQuery) ([]*seminar.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []*seminar.Event
	for _, e := range s.ordered[s.lowerBound(q):] {
		if len(out) >= q.Limit || (!q.To.IsZero() && !e.Start.Before(q.To)) {
			break
		}
		if q.Match(e) {
			out = append(out, e.Clone())
		}
	}
	return out, nil
}

// lowerBound returns the index of the first event that can match q: none
// before it starts late enough to reach q.From, or comes after q.After.
func (s *Store) lowerBound(q seminar.ListQuery) int {
	lo := 0
	if !q.From.IsZero() {
		earliest := q.From.Add(-seminar.MaxDuration)
		lo = sort.Search(len(s.ordered), func(i int) bool { return s.ordered[i].Start.After(earliest) })
	}
	if q.After != nil {
		after := *q.After
		lo = max(lo, sort.Search(len(s.ordered), func(i int) bool {
			return after.Less(s.ordered[i].Start, s.ordered[i].ID)
		}))
	}
	return lo
}

// index returns the position of the stored event e in s.ordered.
func (s *Store) index(e *seminar.Event) int {
	i, found := slices.BinarySearchFunc(s.ordered, e, seminar.Compare)
	if !found {
		panic(fmt.Sprintf("memstore: event %q is missing from the ordered index", e.ID))
	}
	return i
}

// remove takes the stored event e out of s.ordered.
func (s *Store) remove(e *seminar.Event) {
	i := s.index(e)
	s.ordered = slices.Delete(s.ordered, i, i+1)
}

// insert adds batch to s.ordered, keeping it sorted. A few events are
// inserted one by one; a larger batch is sorted and merged in one pass, so
// loading many events at once does not take quadratic time.
func (s *Store) insert(batch []*seminar.Event) {
	if len(batch) < mergeThreshold {
		for _, e := range batch {
			i, _ := slices.BinarySearchFunc(s.ordered, e, seminar.Compare)
			s.ordered = slices.Insert(s.ordered, i, e)
		}
		return
	}
	slices.SortFunc(batch, seminar.Compare)
	merged := make([]*seminar.Event, 0, len(s.ordered)+len(batch))
	old := s.ordered
	for len(old) > 0 && len(batch) > 0 {
		if seminar.Compare(old[0], batch[0]) < 0 {
			merged, old = append(merged, old[0]), old[1:]
		} else {
			merged, batch = append(merged, batch[0]), batch[1:]
		}
	}
	merged = append(merged, old...)
	s.ordered = append(merged, batch...)
}
