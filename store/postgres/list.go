package postgres

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/internal/sqlstore"
)

// listSQL returns the query text of a shape. Its parameters are the ones
// listArgs returns, in that order.
func listSQL(sh sqlstore.ListShape, selectEvents string) string {
	n := 0
	return sh.SQL(sqlstore.ListDialect{
		Select: selectEvents,
		Start:  "start_at",
		End:    "end_at",
		Public: "public",
		Param:  func() string { n++; return "$" + strconv.Itoa(n) },
		After: func(param func() string) string {
			start, id := param(), param()
			return "(start_at, id) > (" + start + ", " + id + ")"
		},
	})
}

// The instants PostgreSQL's timestamptz holds lie between 4713 BC and
// 294276 AD; query bounds beyond these, which no stored event reaches, are
// clamped to them.
var (
	minBound = time.Date(-4000, time.January, 1, 0, 0, 0, 0, time.UTC)
	maxBound = time.Date(290000, time.January, 1, 0, 0, 0, 0, time.UTC)
)

func bound(t time.Time) time.Time {
	switch {
	case t.Before(minBound):
		return minBound
	case t.After(maxBound):
		return maxBound
	}
	return t
}

// listArgs returns the parameters of q for the SQL of its shape.
func listArgs(q *seminar.ListQuery, sh sqlstore.ListShape) []any {
	var lower time.Time
	if sh&sqlstore.HasFrom != 0 {
		// An event that ends after From starts after From - MaxDuration,
		// a microsecond later at least: the store keeps microseconds.
		lower = bound(q.From.Add(-seminar.MaxDuration + time.Microsecond))
	}
	if sh&sqlstore.HasAfter != 0 && (lower.IsZero() || q.After.Start.After(lower)) {
		lower = bound(q.After.Start)
	}
	args := make([]any, 0, 8)
	if sh&(sqlstore.HasFrom|sqlstore.HasAfter) != 0 {
		args = append(args, lower)
	}
	if sh&sqlstore.HasTo != 0 {
		args = append(args, bound(q.To))
	}
	if sh&sqlstore.HasFrom != 0 {
		args = append(args, bound(q.From))
	}
	if sh&sqlstore.HasAfter != 0 {
		args = append(args, bound(q.After.Start), q.After.ID)
	}
	if sh&sqlstore.HasSeries != 0 {
		args = append(args, q.Series)
	}
	return append(args, q.Limit)
}

// List returns up to q.Limit events matching q, ordered by Start and then
// by ID, with one indexed range query.
func (s *Store) List(ctx context.Context, q seminar.ListQuery) ([]*seminar.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("postgres: list events: %w", err)
	}
	if q.Limit <= 0 {
		return nil, fmt.Errorf("postgres: list events: %w: limit %d is not positive", seminar.ErrInvalid, q.Limit)
	}
	sh := sqlstore.ShapeOf(&q)
	rows, err := s.pool.Query(ctx, s.sql.lists[sh], listArgs(&q, sh)...)
	if err != nil {
		return nil, fmt.Errorf("postgres: list events: %w", dbError(ctx, err))
	}
	defer rows.Close()
	events := make([]*seminar.Event, 0, min(q.Limit, 256))
	row := newEventRow()
	for rows.Next() {
		e, err := row.scan(rows)
		if err != nil {
			return nil, fmt.Errorf("postgres: list events: %w", dbError(ctx, err))
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: list events: %w", dbError(ctx, err))
	}
	return events, nil
}
