package seminar

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// ImportResult says what Import did with each event it was given.
type ImportResult struct {
	// Created and Updated hold the stored events, in the order given.
	Created, Updated []*Event
	// Unchanged holds the UIDs of events whose stored version was as new
	// as the imported one, or newer.
	Unchanged []string
}

// Import brings events from another calendar (an .ics file, say) into this
// one, matching them by UID so that importing the same file twice, or a
// newer version of it, never duplicates an event.
//
// For each event: a UID not stored yet is created; a stored UID is replaced
// when the imported event is newer, meaning a higher Sequence, or the same
// Sequence and a later UpdatedAt (the source's LAST-MODIFIED); otherwise it
// is left alone. Among events of the same UID in one call, the newest wins.
// Imported events keep their Sequence, and their CreatedAt and UpdatedAt
// when set, so that the next import compares against the source's own
// clock. A replaced event keeps its ID, CreatedAt and CreatedBy.
//
// Every event is validated first, and each must have a UID: if any is
// invalid, Import stores nothing. When the Store keeps series, an event's
// Series must be the ID of a stored series (a problem at
// "events[i].series" otherwise): map a source's series names to IDs
// before the import, creating the series that are missing. A replaced
// event keeps its Slot. Unlike Create, Import takes a zone that
// names no place, since a calendar file that says TZID:EST still states
// exact instants: a legacy name such as "EST5EDT" or "CET" is stored as the
// place the zone database makes it an alias of ("America/New_York",
// "Europe/Brussels"), and a fixed offset such as "Etc/GMT+5", which package
// ical gives a time with an offset and no known place, is kept. The new events are stored in one atomic
// step; each replacement is its own atomic step, so a failure part way
// leaves the earlier replacements in place, and a second Import finishes
// the work.
func (c *Calendar) Import(ctx context.Context, events []*Event) (*ImportResult, error) {
	newest, index, err := c.newestByUID(events)
	if err != nil {
		return nil, fmt.Errorf("seminar: import events: %w", err)
	}
	now := c.clock()
	res := &ImportResult{}
	var create []*Event
	var createdFrom []int // the index in events of each of create
	for i, in := range newest {
		cur, err := c.store.GetByUID(ctx, in.UID)
		switch {
		case errors.Is(err, ErrNotFound):
			create = append(create, c.prepareImported(in, now))
			createdFrom = append(createdFrom, index[i])
		case err != nil:
			return res, fmt.Errorf("seminar: import event %q: %w", in.UID, err)
		case !newer(in, cur):
			res.Unchanged = append(res.Unchanged, in.UID)
		default:
			updated, err := c.replace(ctx, cur, in, elem("events", index[i]), now)
			if err != nil {
				return res, err
			}
			res.Updated = append(res.Updated, updated)
		}
	}
	at := func(i int) path { return elem("events", createdFrom[i]) }
	if err := c.createScheduled(ctx, create, at, now); err != nil {
		return res, fmt.Errorf("seminar: import events: %w", err)
	}
	for _, e := range create {
		res.Created = append(res.Created, c.present(e))
	}
	c.log.LogAttrs(ctx, slog.LevelInfo, "events imported", slog.Int("created", len(res.Created)),
		slog.Int("updated", len(res.Updated)), slog.Int("unchanged", len(res.Unchanged)))
	return res, nil
}

// newestByUID validates events and keeps, for each UID, the newest one, in
// the order the UIDs first appear, with the index in events of each.
func (c *Calendar) newestByUID(events []*Event) ([]*Event, []int, error) {
	v := &validator{}
	var order []*Event
	var from []int
	index := map[string]int{}
	for i, e := range events {
		if e == nil {
			v.add(elem("events", i), "is nil")
			continue
		}
		if place := placeZone(e.TimeZone); place != e.TimeZone {
			e = e.Clone()
			e.TimeZone = place
		}
		err := e.Validate()
		if err == nil {
			err = c.checkReminders(e)
		}
		if err != nil {
			for _, f := range err.(*ValidationError).Fields {
				v.add(elem("events", i).dot(f.Path), "%s", f.Message)
			}
			continue
		}
		if e.UID == "" {
			v.add(elem("events", i).dot("uid"), "is required to import an event")
			continue
		}
		j, seen := index[e.UID]
		switch {
		case !seen:
			index[e.UID] = len(order)
			order = append(order, e)
			from = append(from, i)
		case newer(e, order[j]):
			order[j], from[j] = e, i
		}
	}
	return order, from, v.err()
}

// newer reports whether a is a later version of the same event than b, by
// the rule of RFC 5546: the higher SEQUENCE wins, then the later
// modification.
func newer(a, b *Event) bool {
	if a.Sequence != b.Sequence {
		return a.Sequence > b.Sequence
	}
	return a.UpdatedAt.After(b.UpdatedAt)
}

func (c *Calendar) prepareImported(in *Event, now time.Time) *Event {
	e := in.Clone()
	e.ID = newID()
	normalize(e)
	e.Status = e.status()
	e.Version = 1
	if e.CreatedAt.IsZero() {
		e.CreatedAt = now
	}
	if e.UpdatedAt.IsZero() {
		e.UpdatedAt = now
	}
	e.CreatedAt = e.CreatedAt.UTC().Truncate(time.Microsecond)
	e.UpdatedAt = e.UpdatedAt.UTC().Truncate(time.Microsecond)
	return e
}

// replace stores the imported in over cur, and reschedules its outbox, in
// one atomic step. A Series the import changes must name a stored series,
// as a problem at at.series.
func (c *Calendar) replace(ctx context.Context, cur, in *Event, at path, now time.Time) (*Event, error) {
	next := c.prepareImported(in, now)
	next.ID = cur.ID
	next.CreatedAt = cur.CreatedAt
	next.CreatedBy = cur.CreatedBy
	next.Slot = cur.Slot
	next.Version = cur.Version + 1
	err := c.atomic(ctx, func(tx Tx) error {
		if next.Series != cur.Series {
			v := &validator{}
			if err := c.checkSeries(ctx, tx, v, at.dot("series"), next.Series); err != nil {
				return err
			}
			if err := v.err(); err != nil {
				return err
			}
		}
		if err := tx.Update(ctx, next, cur.Version); err != nil {
			return err
		}
		return c.schedule(ctx, tx, cur.ID, cur, next, now)
	})
	if err != nil {
		return nil, fmt.Errorf("seminar: import event %q: %w", in.UID, err)
	}
	c.changes.Add(1)
	return c.present(next), nil
}
