package seminar

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// FollowingOptions qualifies UpdateFollowing. The zero value, and nil,
// change the talks only.
type FollowingOptions struct {
	// Version, when not zero, is the Version of the talk id as the caller
	// read it: UpdateFollowing returns an error matching ErrConflict, and
	// changes nothing, if it moved on.
	Version int64
	// Defaults, when not nil, changes the series' defaults in the same
	// atomic step, so that the talks it plans or makes later (PlanSeries,
	// NewTalk) get the change too.
	Defaults func(d *SeriesDefaults)
}

// UpdateFollowing applies change to the talk id and to every later talk of
// its series, "this and the following talks", in one atomic step: a new
// room from November on is one call, and either every talk gets it or none
// does. The later talks are those of the same Series starting at or after
// the talk id; cancelled ones are left as they are, since they will not
// take place (the talk id itself is changed whatever its status).
//
// change is called once for each talk with a copy of it as stored and
// changes it in place; it should set what is to be the same for all
// (e.Location.Room = "32-G449"), or shift what is relative to each
// (e.End = e.End.Add(30 * time.Minute)). Each talk is then validated and
// written as Update writes it: ID, UID, Slot, CreatedAt and CreatedBy keep
// their stored values, Version rises, Sequence rises on a change of time,
// zone, place or status, and its outbox is brought in step in the same
// atomic step (reminders re-timed, an update notice queued to the lists
// already told). A problem is reported at "events[i].<field>", i being the
// talk's place in the result.
//
// It returns the changed talks ordered by Start, the talk id first among
// those that start with it. A talk of the series created by another process
// while UpdateFollowing runs may be left out; it is never half changed.
func (c *Calendar) UpdateFollowing(ctx context.Context, id string, change func(e *Event), opts *FollowingOptions) ([]*Event, error) {
	if change == nil {
		return nil, fmt.Errorf("seminar: update event %q and the following: %w: change is nil", id, ErrInvalid)
	}
	var o FollowingOptions
	if opts != nil {
		o = *opts
	}
	first, err := c.store.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("seminar: update event %q and the following: %w", id, err)
	}
	if first.Series == "" {
		return nil, fmt.Errorf("seminar: update event %q and the following: %w: the event belongs to no series", id, ErrInvalid)
	}
	if o.Defaults != nil {
		if err := c.keepsSeries(); err != nil {
			return nil, fmt.Errorf("seminar: update event %q and the following: %w", id, err)
		}
	}
	later, err := c.following(ctx, first)
	if err != nil {
		return nil, fmt.Errorf("seminar: update event %q and the following: %w", id, err)
	}
	now := c.clock()
	var out []*Event
	err = c.atomic(ctx, func(tx Tx) error {
		cur, err := tx.Get(ctx, id)
		switch {
		case err != nil:
			return err
		case o.Version != 0 && cur.Version != o.Version:
			return fmt.Errorf("%w: it is at version %d, the edit was made on version %d", ErrConflict, cur.Version, o.Version)
		case cur.Series != first.Series || !cur.Start.Equal(first.Start):
			return fmt.Errorf("%w: the talk was moved while its following talks were read; try again", ErrConflict)
		}
		out, err = c.changeFollowing(ctx, tx, cur, later, change, now)
		if err != nil || o.Defaults == nil {
			return err
		}
		return c.changeDefaults(ctx, tx, cur.Series, o.Defaults, now)
	})
	if err != nil {
		return nil, fmt.Errorf("seminar: update event %q and the following: %w", id, err)
	}
	c.changes.Add(1)
	c.log.LogAttrs(ctx, slog.LevelInfo, "update event and the following", slog.String("id", id),
		slog.String("series", first.Series), slog.Int("events", len(out)))
	for _, e := range out {
		c.present(e)
	}
	return out, nil
}

// following returns the IDs of the talks of first's series that start at or
// after it, but first's own, ordered by Start.
func (c *Calendar) following(ctx context.Context, first *Event) ([]string, error) {
	var ids []string
	q := ListQuery{From: first.Start, Filter: Filter{Series: first.Series}, Limit: MaxPageSize}
	for {
		events, err := c.store.List(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, e := range events {
			if e.ID != first.ID && !e.Start.Before(first.Start) {
				ids = append(ids, e.ID)
			}
		}
		if len(events) < q.Limit {
			return ids, nil
		}
		last := events[len(events)-1]
		q.After = &Position{Start: last.Start, ID: last.ID}
	}
}

// changeFollowing applies change to first and to each of the talks later
// that still follows it when tx reads it, and writes them in tx.
func (c *Calendar) changeFollowing(ctx context.Context, tx Tx, first *Event, later []string, change func(*Event), now time.Time) ([]*Event, error) {
	talks := []*Event{first}
	for _, id := range later {
		e, err := tx.Get(ctx, id)
		switch {
		case errors.Is(err, ErrNotFound):
			continue // deleted meanwhile
		case err != nil:
			return nil, err
		case e.Series != first.Series || e.Start.Before(first.Start) || e.Cancelled():
			continue
		}
		talks = append(talks, e)
	}
	v := &validator{}
	nexts := make([]*Event, len(talks))
	for i, cur := range talks {
		next := cur.Clone()
		change(next)
		normalize(next)
		next.Status = next.status()
		if next.Status != StatusCancelled {
			next.CancelReason = ""
		}
		next.Slot = cur.Slot
		if err := c.checkWrite(next); err != nil {
			for _, f := range err.(*ValidationError).Fields {
				v.add(elem("events", i).dot(f.Path), "%s", f.Message)
			}
		}
		nexts[i] = next
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	for i, cur := range talks {
		if _, err := c.rewrite(ctx, tx, cur, nexts[i], elem("events", i), now); err != nil {
			return nil, err
		}
	}
	return nexts, nil
}

// changeDefaults applies change to the defaults of the series id in tx.
func (c *Calendar) changeDefaults(ctx context.Context, tx Tx, id string, change func(*SeriesDefaults), now time.Time) error {
	st, err := seriesTx(tx)
	if err != nil {
		return err
	}
	s, err := st.GetSeries(ctx, id)
	if err != nil {
		return fmt.Errorf("series %q: %w", id, err)
	}
	prev := s.Version
	change(&s.Defaults)
	c.fillDefaults(&s.Defaults)
	v := &validator{}
	c.validateSeries(v, s)
	if err := v.err(); err != nil {
		return err
	}
	s.Version++
	s.UpdatedAt = now
	return st.UpdateSeries(ctx, s, prev)
}
