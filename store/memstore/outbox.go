package memstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
)

// addDeliveries stores copies of the deliveries whose ID is not stored yet;
// of two with the same ID in ds, the first is stored. s.mu must be held.
func (s *Store) addDeliveries(ds []*seminar.Delivery, u *undo) error {
	batch := make([]*seminar.Delivery, len(ds))
	for i, d := range ds {
		if d == nil {
			return fmt.Errorf("%w: deliveries[%d] is nil", seminar.ErrInvalid, i)
		}
		batch[i] = private(d)
	}
	for _, d := range batch {
		if _, ok := s.deliveries[d.ID]; ok {
			continue
		}
		s.deliveries[d.ID] = d
		s.byEvent[d.EventID] = append(s.byEvent[d.EventID], d)
		if !d.State.Final() {
			s.open[d.ID] = d
		}
		u.add(func() {
			delete(s.deliveries, d.ID)
			delete(s.open, d.ID)
			s.byEvent[d.EventID] = slices.DeleteFunc(s.byEvent[d.EventID], func(x *seminar.Delivery) bool { return x == d })
			if len(s.byEvent[d.EventID]) == 0 {
				delete(s.byEvent, d.EventID)
			}
		})
	}
	return nil
}

// Deliveries returns copies of the deliveries of an event ordered by DueAt,
// then ID.
func (s *Store) Deliveries(ctx context.Context, eventID string) ([]*seminar.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.eventDeliveries(eventID), nil
}

// DeliveriesOf returns copies of the deliveries of the events whose ID is
// among eventIDs, by event ID. It implements seminar.DeliveryBatchGetter.
func (s *Store) DeliveriesOf(ctx context.Context, eventIDs []string) (map[string][]*seminar.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string][]*seminar.Delivery, len(eventIDs))
	for _, id := range eventIDs {
		if _, done := out[id]; !done && len(s.byEvent[id]) > 0 {
			out[id] = s.eventDeliveries(id)
		}
	}
	return out, nil
}

// eventDeliveries returns copies of the deliveries of an event in order;
// s.mu must be held.
func (s *Store) eventDeliveries(eventID string) []*seminar.Delivery {
	stored := s.byEvent[eventID]
	out := make([]*seminar.Delivery, len(stored))
	for i, d := range stored {
		out[i] = d.Clone()
	}
	slices.SortFunc(out, compareDeliveries)
	return out
}

// GetDelivery returns a copy of the delivery with the given ID.
func (s *Store) GetDelivery(ctx context.Context, id string) (*seminar.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	d, ok := s.deliveries[id]
	if !ok {
		return nil, seminar.ErrNotFound
	}
	return d.Clone(), nil
}

// ClaimDue claims up to limit due deliveries for owner, ordered by DueAt
// and then ID, and returns copies of the claims. Limit and lease must be
// positive. The claim and the check of each event's status happen under
// the lock that Update and Delete take, so a delivery is never claimed for
// an event cancelled or deleted before the claim.
func (s *Store) ClaimDue(ctx context.Context, now time.Time, owner string, lease time.Duration, limit int) ([]*seminar.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch {
	case limit <= 0:
		return nil, fmt.Errorf("%w: limit %d is not positive", seminar.ErrInvalid, limit)
	case lease <= 0:
		return nil, fmt.Errorf("%w: lease %s is not positive", seminar.ErrInvalid, lease)
	}
	now = now.Round(0)
	s.mu.Lock()
	defer s.mu.Unlock()
	// due holds the first limit claimable deliveries found so far, in
	// order: a scan that keeps only those costs O(log limit) a delivery
	// where sorting every due one would cost O(log d).
	due := make([]*seminar.Delivery, 0, min(limit, len(s.open)))
	for _, d := range s.open {
		full := len(due) == limit
		if (full && compareDeliveries(d, due[limit-1]) >= 0) || !s.claimable(d, now) {
			continue
		}
		i, _ := slices.BinarySearchFunc(due, d, compareDeliveries)
		if full {
			due = due[:limit-1]
		}
		due = slices.Insert(due, i, d)
	}
	until := now.Add(lease)
	out := make([]*seminar.Delivery, len(due))
	for i, d := range due {
		d.State, d.LeaseOwner, d.LeaseUntil = seminar.StateSending, owner, until
		d.Attempts++
		out[i] = d.Clone()
	}
	return out, nil
}

// claimable reports whether the stored delivery d may be claimed at now.
// A pending or retry delivery is not while its event is cancelled or
// deleted, unless it is a cancellation notice.
// s.mu must be held.
func (s *Store) claimable(d *seminar.Delivery, now time.Time) bool {
	switch d.State {
	case seminar.StatePending, seminar.StateRetry:
		if d.DueAt.After(now) {
			return false
		}
	case seminar.StateSending:
		// A dispatcher died holding it: claim it again whatever the
		// event's state, so that the next one ends it.
		return d.LeaseUntil.Before(now)
	default:
		return false
	}
	if d.Kind == seminar.KindCancel {
		return true
	}
	e, ok := s.byID[d.EventID]
	return ok && !e.Cancelled()
}

// Finish stores the outcome d of a claim if the stored delivery is still
// sending under that claim.
func (s *Store) Finish(ctx context.Context, d *seminar.Delivery) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.finish(d, nil)
}

// finish is Finish with s.mu held.
func (s *Store) finish(d *seminar.Delivery, u *undo) error {
	if d == nil {
		return fmt.Errorf("%w: delivery is nil", seminar.ErrInvalid)
	}
	outcome := private(d)
	cur, ok := s.deliveries[outcome.ID]
	switch {
	case !ok:
		return seminar.ErrNotFound
	case cur.State != seminar.StateSending:
		return fmt.Errorf("%w: the delivery is %s, not sending", seminar.ErrConflict, cur.State)
	case cur.LeaseOwner != outcome.LeaseOwner || !cur.LeaseUntil.Equal(outcome.LeaseUntil):
		return fmt.Errorf("%w: the delivery is claimed by %q until %s", seminar.ErrConflict,
			cur.LeaseOwner, cur.LeaseUntil.UTC().Format(time.RFC3339Nano))
	}
	s.keep(cur, u)
	cur.State, cur.DueAt, cur.Recipients = outcome.State, outcome.DueAt, outcome.Recipients
	cur.MessageID, cur.LastError, cur.Refused = outcome.MessageID, outcome.LastError, outcome.Refused
	cur.SentAt, cur.UpdatedAt = outcome.SentAt, outcome.UpdatedAt
	if cur.State.Final() {
		delete(s.open, cur.ID)
	}
	return nil
}

// drop marks the deliveries among ids that are pending or retry as
// dropped; s.mu must be held.
func (s *Store) drop(reason string, ids []string, u *undo) int {
	n := 0
	for _, id := range ids {
		d, ok := s.deliveries[id]
		if !ok || (d.State != seminar.StatePending && d.State != seminar.StateRetry) {
			continue
		}
		s.keep(d, u)
		d.State, d.LastError = seminar.StateDropped, reason
		delete(s.open, d.ID)
		n++
	}
	return n
}

// keep records in u how to bring the stored delivery d back to what it is
// now.
func (s *Store) keep(d *seminar.Delivery, u *undo) {
	if u == nil {
		return
	}
	saved := *d
	u.add(func() {
		*d = saved
		if !d.State.Final() {
			s.open[d.ID] = d
		}
	})
}

// private returns a copy of d to store: sharing no memory with d, and with
// its times stripped of monotonic clock readings, so that they compare by
// the wall clock, as they would in a store that writes them down.
func private(d *seminar.Delivery) *seminar.Delivery {
	c := d.Clone()
	c.DueAt, c.LeaseUntil = c.DueAt.Round(0), c.LeaseUntil.Round(0)
	c.SentAt, c.UpdatedAt = c.SentAt.Round(0), c.UpdatedAt.Round(0)
	return c
}

// compareDeliveries orders deliveries by DueAt and then by ID.
func compareDeliveries(a, b *seminar.Delivery) int {
	if c := a.DueAt.Compare(b.DueAt); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}
