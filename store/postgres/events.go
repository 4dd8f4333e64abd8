package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/seminarkit/seminar"
)

// Create stores all events in one transaction, or none of them. It returns
// an error matching seminar.ErrExists when an event's ID or UID is taken,
// by a stored event or by another of events: the unique indexes find both,
// and the failed statement rolls the whole transaction back.
//
// One event is one INSERT; a batch is one COPY. Either takes the marks
// first, one per event in the order of events (see Changed), and holds them
// until it commits: other writes wait for a batch to be copied.
func (s *Store) Create(ctx context.Context, events ...*seminar.Event) error {
	return s.db().create(ctx, events)
}

func (d db) create(ctx context.Context, events []*seminar.Event) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: create events: %w", err)
	}
	if len(events) == 0 {
		return nil
	}
	for i, e := range events {
		if e == nil {
			return fmt.Errorf("postgres: create event %d: %w: event is nil", i, seminar.ErrInvalid)
		}
	}
	if len(events) == 1 {
		e := events[0]
		if _, err := d.q.Exec(ctx, d.sql.insert, eventArgs(make([]any, 0, len(columns)), e)...); err != nil {
			return fmt.Errorf("postgres: create event %q: %w", e.ID, dbError(ctx, err))
		}
		return nil
	}
	err := d.atomically(ctx, func(q querier) error {
		var last int64
		if err := q.QueryRow(ctx, d.sql.takeMarks, len(events)).Scan(&last); err != nil {
			return err
		}
		src := &eventSource{events: events, i: -1, firstMark: last - int64(len(events)) + 1}
		_, err := q.CopyFrom(ctx, d.sql.events, d.sql.copyColumns, src)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: create %d events: %w", len(events), dbError(ctx, err))
	}
	return nil
}

// eventSource feeds events to COPY, encoding each row just before it is
// sent into one reused slice, so that a large batch is never held encoded.
// The events take consecutive marks from firstMark.
type eventSource struct {
	events    []*seminar.Event
	i         int
	firstMark int64
	row       []any
}

func (src *eventSource) Next() bool {
	src.i++
	return src.i < len(src.events)
}

func (src *eventSource) Values() ([]any, error) {
	src.row = append(eventArgs(src.row[:0], src.events[src.i]), src.firstMark+int64(src.i))
	return src.row, nil
}

func (src *eventSource) Err() error { return nil }

// Get returns the event with the given ID, or an error matching
// seminar.ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (*seminar.Event, error) {
	return s.db().getOne(ctx, s.sql.get, "get event", id)
}

// GetByUID returns the event whose UID is uid, or an error matching
// seminar.ErrNotFound.
func (s *Store) GetByUID(ctx context.Context, uid string) (*seminar.Event, error) {
	return s.db().getOne(ctx, s.sql.getByUID, "get event by uid", uid)
}

// GetMany returns the stored events whose ID is among ids, in any order;
// IDs not stored are left out. It is one query, whatever the number of
// IDs. It implements seminar.BatchGetter.
func (s *Store) GetMany(ctx context.Context, ids []string) ([]*seminar.Event, error) {
	return s.db().getMany(ctx, s.sql.getMany, "get events", ids)
}

// GetManyByUID returns the stored events whose UID is among uids, in any
// order; UIDs not stored are left out. It is one query, whatever the
// number of UIDs. It implements seminar.BatchGetter.
func (s *Store) GetManyByUID(ctx context.Context, uids []string) ([]*seminar.Event, error) {
	return s.db().getMany(ctx, s.sql.getManyByUID, "get events by uid", uids)
}

// getMany runs a query selecting the events whose key is in the array it
// is given.
func (d db) getMany(ctx context.Context, query, op string, keys []string) ([]*seminar.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", op, err)
	}
	if len(keys) == 0 {
		return nil, nil
	}
	rows, err := d.q.Query(ctx, query, keys)
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", op, dbError(ctx, err))
	}
	defer rows.Close()
	events := make([]*seminar.Event, 0, len(keys))
	row := newEventRow()
	for rows.Next() {
		e, err := row.scan(rows)
		if err != nil {
			return nil, fmt.Errorf("postgres: %s: %w", op, dbError(ctx, err))
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", op, dbError(ctx, err))
	}
	return events, nil
}

// getOne runs a query selecting at most one event by key.
func (d db) getOne(ctx context.Context, query, op, key string) (*seminar.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("postgres: %s %q: %w", op, key, err)
	}
	rows, err := d.q.Query(ctx, query, key)
	if err != nil {
		return nil, fmt.Errorf("postgres: %s %q: %w", op, key, dbError(ctx, err))
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("postgres: %s %q: %w", op, key, dbError(ctx, err))
		}
		return nil, fmt.Errorf("postgres: %s %q: %w", op, key, seminar.ErrNotFound)
	}
	e, err := newEventRow().scan(rows)
	if err != nil {
		return nil, fmt.Errorf("postgres: %s %q: %w", op, key, dbError(ctx, err))
	}
	return e, nil
}

// Update replaces the event e.ID by e if its stored Version is prevVersion,
// giving it a new mark, in one statement (see updateSQL). It returns an
// error matching seminar.ErrNotFound when there is no such event,
// seminar.ErrConflict when the Version differs, and seminar.ErrExists when
// e.UID belongs to another event.
func (s *Store) Update(ctx context.Context, e *seminar.Event, prevVersion int64) error {
	return s.db().update(ctx, e, prevVersion)
}

func (d db) update(ctx context.Context, e *seminar.Event, prevVersion int64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: update event: %w", err)
	}
	if e == nil {
		return fmt.Errorf("postgres: update event: %w: event is nil", seminar.ErrInvalid)
	}
	args := eventArgs(make([]any, 0, len(columns)+2), e)
	tag, err := d.q.Exec(ctx, d.sql.update, append(args[1:], e.ID, prevVersion)...)
	if err != nil {
		return fmt.Errorf("postgres: update event %q: %w", e.ID, dbError(ctx, err))
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	return fmt.Errorf("postgres: update event %q: %w", e.ID, d.refused(ctx, d.sql.version, e.ID, prevVersion))
}

// refused returns why an update at prevVersion of the row id changed
// nothing, reading its version with the query version: an error matching
// seminar.ErrNotFound or seminar.ErrConflict. Nothing changed, so the
// reason can be read in a statement of its own: if the row is deleted or
// updated in between, the answer is still one that was true while the
// update ran.
func (d db) refused(ctx context.Context, version, id string, prevVersion int64) error {
	var stored int64
	err := d.q.QueryRow(ctx, version, id).Scan(&stored)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return seminar.ErrNotFound
	case err != nil:
		return dbError(ctx, err)
	}
	return fmt.Errorf("%w: it is at version %d, not %d", seminar.ErrConflict, stored, prevVersion)
}

// Delete removes the event with the given ID, raising the marks, or returns
// an error matching seminar.ErrNotFound. Its deliveries stay: a
// cancellation notice may still be due.
func (s *Store) Delete(ctx context.Context, id string) error {
	return s.db().remove(ctx, id)
}

func (d db) remove(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: delete event %q: %w", id, err)
	}
	tag, err := d.q.Exec(ctx, d.sql.remove, id)
	if err != nil {
		return fmt.Errorf("postgres: delete event %q: %w", id, dbError(ctx, err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: delete event %q: %w", id, seminar.ErrNotFound)
	}
	return nil
}
