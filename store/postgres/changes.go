package postgres

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/seminarkit/seminar"
)

var _ seminar.LastMarker = (*Store)(nil)

// Changed returns up to limit events whose mark is above mark, ordered by
// mark, and the mark of the last one; with none, the last mark taken.
//
// Marks come from the one row of the table marks: a write takes the next
// ones with an UPDATE of that row, in its own transaction, and so holds the
// row's lock until it commits or rolls back. Of two transactions that write
// events, the second takes its marks only once the first has ended, so
// marks commit in the order they are taken: a snapshot that holds a mark
// holds every lower one that committed, and no lower one can commit later.
// That is what lets a caller resume from the last mark it got.
//
// Changed reads the last mark taken first, then the events, in two
// statements sent together: every mark up to the first answer has
// committed, so the events' later snapshot holds them all. With no event
// above mark, that answer is returned, and no write at or below it can
// still appear.
func (s *Store) Changed(ctx context.Context, mark int64, limit int) ([]*seminar.Event, int64, error) {
	events, next, _, err := s.ChangedWithLast(ctx, mark, limit)
	return events, next, err
}

// ChangedWithLast is Changed, and the last mark taken, which Changed reads
// first anyway: one round trip.
func (s *Store) ChangedWithLast(ctx context.Context, mark int64, limit int) (events []*seminar.Event, next, last int64, err error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, 0, fmt.Errorf("postgres: changed events: %w", err)
	}
	if limit <= 0 {
		return nil, 0, 0, fmt.Errorf("postgres: changed events: %w: limit %d is not positive", seminar.ErrInvalid, limit)
	}
	b := &pgx.Batch{}
	b.Queue(s.sql.lastMark)
	b.Queue(s.sql.changed, mark, limit)
	results := s.pool.SendBatch(ctx, b)
	events, next, last, err = readChanged(results, limit)
	if cerr := results.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, 0, 0, fmt.Errorf("postgres: changed events after mark %d: %w", mark, dbError(ctx, err))
	}
	return events, next, last, nil
}

// readChanged reads the answers to the batch of Changed: the events, the
// mark of the last one (last when there is none), and the last mark taken.
func readChanged(results pgx.BatchResults, limit int) (events []*seminar.Event, next, last int64, err error) {
	if err := results.QueryRow().Scan(&last); err != nil {
		return nil, 0, 0, err
	}
	rows, err := results.Query()
	if err != nil {
		return nil, 0, 0, err
	}
	defer rows.Close()
	events = make([]*seminar.Event, 0, min(limit, 256))
	row := newEventRow()
	var m int64
	row.dest = append(row.dest, &m)
	next = last
	for rows.Next() {
		e, err := row.scan(rows)
		if err != nil {
			return nil, 0, 0, err
		}
		events = append(events, e)
		next = m
	}
	return events, next, last, rows.Err()
}

// ChangeToken returns the last mark taken, which every committed Create,
// Update and Delete raises, and every write of a series, through any Store
// on the schema: see Changed. It reads one row.
func (s *Store) ChangeToken(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("postgres: change token: %w", err)
	}
	var last int64
	if err := s.pool.QueryRow(ctx, s.sql.lastMark).Scan(&last); err != nil {
		return "", fmt.Errorf("postgres: change token: %w", dbError(ctx, err))
	}
	return strconv.FormatInt(last, 10), nil
}
