package sqlite

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/seminarkit/seminar"
)

// Create stores all events in one transaction, or none of them. It returns
// an error matching seminar.ErrExists when an event's ID or UID is taken,
// by a stored event or by another of events. Each event takes the next
// mark, in the order of events.
func (s *Store) Create(ctx context.Context, events ...*seminar.Event) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlite: create events: %w", err)
	}
	switch len(events) {
	case 0:
		return nil
	case 1:
		// One statement is atomic by itself.
		return s.pool().create(ctx, events)
	}
	return s.atomic(ctx, "create events", func(h handle) error { return h.create(ctx, events) })
}

// create inserts events, in h's transaction when there are several. One
// event takes the next mark in the statement that inserts it. A batch reads
// the last mark once, which costs less than once per event, and takes the
// marks after it in its order: no other writer can take one while the
// transaction holds the write lock.
func (h handle) create(ctx context.Context, events []*seminar.Event) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlite: create events: %w", err)
	}
	for i, e := range events {
		if e == nil {
			return fmt.Errorf("sqlite: create event %d: %w: event is nil", i, seminar.ErrInvalid)
		}
	}
	insert, mark := h.s.insertNext, int64(-1)
	if len(events) > 1 {
		if err := h.stmt(ctx, h.s.lastMark).QueryRowContext(ctx).Scan(&mark); err != nil {
			return fmt.Errorf("sqlite: create events: %w", dbError(ctx, err))
		}
		insert = h.s.insert
	}
	insert = h.stmt(ctx, insert)
	// Each row is encoded just before it is written, into one reused
	// slice, so that a large batch never holds all its rows encoded.
	args := make([]any, 0, len(columns)+1)
	for _, e := range events {
		var err error
		if args, err = appendEventArgs(args[:0], e); err != nil {
			return fmt.Errorf("sqlite: create event %q: %w", e.ID, err)
		}
		if mark >= 0 {
			mark++
			args = append(args, mark)
		}
		if _, err := insert.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("sqlite: create event %q: %w", e.ID, dbError(ctx, err))
		}
	}
	return nil
}

// Get returns the event with the given ID, or an error matching
// seminar.ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (*seminar.Event, error) {
	return s.pool().getOne(ctx, s.get, "get event", id)
}

// GetByUID returns the event whose UID is uid, or an error matching
// seminar.ErrNotFound.
func (s *Store) GetByUID(ctx context.Context, uid string) (*seminar.Event, error) {
	return s.pool().getOne(ctx, s.getByUID, "get event by uid", uid)
}

// GetMany returns the stored events whose ID is among ids, in any order;
// IDs not stored are left out. It is one query, whatever the number of
// IDs. It implements seminar.BatchGetter.
func (s *Store) GetMany(ctx context.Context, ids []string) ([]*seminar.Event, error) {
	return s.pool().getMany(ctx, s.getMany, "get events", ids)
}

// GetManyByUID returns the stored events whose UID is among uids, in any
// order; UIDs not stored are left out. It is one query, whatever the
// number of UIDs. It implements seminar.BatchGetter.
func (s *Store) GetManyByUID(ctx context.Context, uids []string) ([]*seminar.Event, error) {
	return s.pool().getMany(ctx, s.getManyByUID, "get events by uid", uids)
}

// hexList writes keys as a JSON array of hexadecimal strings, which carries
// any key, UTF-8 or not, as it is; the batch queries read it with
// json_each and unhex.
func hexList(keys []string) string {
	n := 2 + len(keys)*3
	for _, k := range keys {
		n += 2 * len(k)
	}
	list := make([]byte, 0, n)
	list = append(list, '[')
	for i, k := range keys {
		if i > 0 {
			list = append(list, ',')
		}
		list = append(list, '"')
		list = hex.AppendEncode(list, []byte(k))
		list = append(list, '"')
	}
	return string(append(list, ']'))
}

// getMany runs many, a query selecting the events whose key is among
// those of a JSON array of hexadecimal strings (which carries any key,
// UTF-8 or not, as it is).
func (h handle) getMany(ctx context.Context, many *sql.Stmt, op string, keys []string) ([]*seminar.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", op, err)
	}
	if len(keys) == 0 {
		return nil, nil
	}
	rows, err := h.stmt(ctx, many).QueryContext(ctx, hexList(keys))
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", op, dbError(ctx, err))
	}
	defer rows.Close()
	events := make([]*seminar.Event, 0, len(keys))
	for rows.Next() {
		e, err := scanEvent(rows, nil)
		if err != nil {
			return nil, fmt.Errorf("sqlite: %s: %w", op, dbError(ctx, err))
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", op, dbError(ctx, err))
	}
	return events, nil
}

// getOne runs a query selecting at most one event by key.
func (h handle) getOne(ctx context.Context, stmt *sql.Stmt, op, key string) (*seminar.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: %s %q: %w", op, key, err)
	}
	rows, err := h.stmt(ctx, stmt).QueryContext(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s %q: %w", op, key, dbError(ctx, err))
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlite: %s %q: %w", op, key, dbError(ctx, err))
		}
		return nil, fmt.Errorf("sqlite: %s %q: %w", op, key, seminar.ErrNotFound)
	}
	e, err := scanEvent(rows, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s %q: %w", op, key, dbError(ctx, err))
	}
	return e, nil
}

// Update replaces the event e.ID by e if its stored Version is prevVersion,
// and gives it the next mark. It returns an error matching
// seminar.ErrNotFound when there is no such event, seminar.ErrConflict
// when the Version differs, and seminar.ErrExists when e.UID belongs to
// another event.
func (s *Store) Update(ctx context.Context, e *seminar.Event, prevVersion int64) error {
	return s.pool().update(ctx, e, prevVersion)
}

func (h handle) update(ctx context.Context, e *seminar.Event, prevVersion int64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlite: update event: %w", err)
	}
	if e == nil {
		return fmt.Errorf("sqlite: update event: %w: event is nil", seminar.ErrInvalid)
	}
	args, err := appendEventArgs(make([]any, 0, len(columns)+2), e)
	if err != nil {
		return fmt.Errorf("sqlite: update event %q: %w", e.ID, err)
	}
	// Most edits leave the indexed columns as they are: try that first.
	n, err := h.exec(ctx, h.s.updateValues, updateValuesArgs(make([]any, 0, len(columns)+2), args, prevVersion)...)
	if err == nil && n == 0 {
		n, err = h.exec(ctx, h.s.update, append(args[1:], e.ID, prevVersion)...)
	}
	if err != nil {
		return fmt.Errorf("sqlite: update event %q: %w", e.ID, dbError(ctx, err))
	}
	if n == 1 {
		return nil
	}
	return fmt.Errorf("sqlite: update event %q: %w", e.ID, h.refused(ctx, h.s.version, e.ID, prevVersion))
}

// refused returns why an update at prevVersion of the row id changed
// nothing, reading its version with the statement version: an error
// matching seminar.ErrNotFound or seminar.ErrConflict. Nothing changed,
// so outside a transaction the reason can be read apart from the update:
// if the row is deleted or updated in between, the answer is still one
// that was true when the update ran.
func (h handle) refused(ctx context.Context, version *sql.Stmt, id string, prevVersion int64) error {
	var stored int64
	err := h.stmt(ctx, version).QueryRowContext(ctx, id).Scan(&stored)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return seminar.ErrNotFound
	case err != nil:
		return dbError(ctx, err)
	}
	return fmt.Errorf("%w: it is at version %d, not %d", seminar.ErrConflict, stored, prevVersion)
}

// Delete removes the event with the given ID, or returns an error matching
// seminar.ErrNotFound. A trigger makes it take a mark.
func (s *Store) Delete(ctx context.Context, id string) error {
	return s.pool().delete(ctx, id)
}

func (h handle) delete(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlite: delete event %q: %w", id, err)
	}
	res, err := h.stmt(ctx, h.s.remove).ExecContext(ctx, id)
	if err != nil {
		return fmt.Errorf("sqlite: delete event %q: %w", id, dbError(ctx, err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: delete event %q: %w", id, dbError(ctx, err))
	}
	if n == 0 {
		return fmt.Errorf("sqlite: delete event %q: %w", id, seminar.ErrNotFound)
	}
	return nil
}
