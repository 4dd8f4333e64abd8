package sqlite

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/seminarkit/seminar"
)

var (
	_ seminar.ChangeTracker = (*Store)(nil)
	_ seminar.LastMarker    = (*Store)(nil)
)

// changedSQL selects the events with a mark above ?1 in the order of their
// marks, up to ?2, each with its mark after its columns.
var changedSQL = "SELECT " + strings.Join(columns[:], ", ") + ", mark FROM events WHERE mark > ? ORDER BY mark LIMIT ?"

// lastMarkAboveSQL selects the last mark taken and whether an event has a
// mark above ?, both from one snapshot.
var lastMarkAboveSQL = "SELECT (" + lastMarkSQL + "), EXISTS (SELECT 1 FROM events WHERE mark > ?)"

// Changed returns up to limit events whose last write took a mark above
// mark, in the order of their marks, and the mark of the last one; with
// none, it returns the last mark taken. It walks the index of marks: one
// statement when nothing is newer, two when something is.
func (s *Store) Changed(ctx context.Context, mark int64, limit int) ([]*seminar.Event, int64, error) {
	events, next, _, err := s.ChangedWithLast(ctx, mark, limit)
	return events, next, err
}

// ChangedWithLast is Changed, and the last mark taken, which Changed reads
// anyway, before the events.
func (s *Store) ChangedWithLast(ctx context.Context, mark int64, limit int) (events []*seminar.Event, next, last int64, err error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, 0, fmt.Errorf("sqlite: changed events: %w", err)
	}
	if limit <= 0 {
		return nil, 0, 0, fmt.Errorf("sqlite: changed events: %w: limit %d is not positive", seminar.ErrInvalid, limit)
	}
	// The last mark and whether any event lies above mark are read in one
	// statement, from one snapshot: with no event above mark in it, no
	// write that the caller will not ask for again lies below the last
	// mark. The events are read after, perhaps from a later snapshot; with
	// none left above mark then (deleted meanwhile), the last mark holds
	// as well.
	var newer bool
	if err := s.lastMarkAbove.QueryRowContext(ctx, mark).Scan(&last, &newer); err != nil {
		return nil, 0, 0, fmt.Errorf("sqlite: changed events: %w", dbError(ctx, err))
	}
	if !newer {
		return nil, last, last, nil
	}
	rows, err := s.changed.QueryContext(ctx, mark, limit)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("sqlite: changed events: %w", dbError(ctx, err))
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEvent(rows, &next) // next: the mark of the last event read
		if err != nil {
			return nil, 0, 0, fmt.Errorf("sqlite: changed events: %w", dbError(ctx, err))
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, 0, fmt.Errorf("sqlite: changed events: %w", dbError(ctx, err))
	}
	if len(events) == 0 {
		return nil, last, last, nil
	}
	return events, next, last, nil
}

// ChangeToken returns the last mark taken, in decimal: every committed
// Create, Update or Delete, and every write of a series, in any process,
// raises it, and reads and refused writes leave it. It reads one row and the last entry of an
// index.
func (s *Store) ChangeToken(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("sqlite: change token: %w", err)
	}
	last, err := s.lastMarkTaken(ctx)
	if err != nil {
		return "", fmt.Errorf("sqlite: change token: %w", err)
	}
	return strconv.FormatInt(last, 10), nil
}

func (s *Store) lastMarkTaken(ctx context.Context) (int64, error) {
	var last int64
	if err := s.lastMark.QueryRowContext(ctx).Scan(&last); err != nil {
		return 0, dbError(ctx, err)
	}
	return last, nil
}
