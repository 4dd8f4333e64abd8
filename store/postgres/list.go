package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
)

// listShape says which conditions a list query has. Each shape is one SQL
// text, which pgx prepares once per connection.
type listShape uint8

const (
	hasTo listShape = 1 << iota
	hasFrom
	hasSeries
	publicOnly
	excludeCancelled
	hasAfter

	listShapes = 1 << iota
)

func shapeOf(q *seminar.ListQuery) listShape {
	var sh listShape
	if !q.To.IsZero() {
		sh |= hasTo
	}
	if !q.From.IsZero() {
		sh |= hasFrom
	}
	if q.Series != "" {
		sh |= hasSeries
	}
	if q.PublicOnly {
		sh |= publicOnly
	}
	if !q.IncludeCancelled {
		sh |= excludeCancelled
	}
	if q.After != nil {
		sh |= hasAfter
	}
	return sh
}

// sql returns the query text of the shape. Its parameters are the ones
// listArgs returns, in that order.
//
// No event lasts longer than seminar.MaxDuration (Store implementations may
// rely on it), so an event that ends after From starts after From -
// MaxDuration: a lower bound on start_at that lets a range query walk the
// (start_at, id) index from near From instead of from the beginning of
// time. It is one parameter, the later of that bound and After.Start, so
// that the planner has one index condition to start from.
func (sh listShape) sql(selectEvents string) string {
	var conds []string
	n := 0
	param := func() string { n++; return "$" + strconv.Itoa(n) }
	if sh&(hasFrom|hasAfter) != 0 {
		conds = append(conds, "start_at >= "+param())
	}
	if sh&hasTo != 0 {
		conds = append(conds, "start_at < "+param())
	}
	if sh&hasFrom != 0 {
		conds = append(conds, "end_at > "+param())
	}
	if sh&hasAfter != 0 {
		start, id := param(), param()
		conds = append(conds, "(start_at, id) > ("+start+", "+id+")")
	}
	if sh&hasSeries != 0 {
		conds = append(conds, "series = "+param())
	}
	if sh&publicOnly != 0 {
		conds = append(conds, "public")
	}
	if sh&excludeCancelled != 0 {
		conds = append(conds, "status <> '"+string(seminar.StatusCancelled)+"'")
	}
	var b strings.Builder
	b.WriteString(selectEvents)
	if len(conds) > 0 {
		b.WriteString(" WHERE ")
		b.WriteString(strings.Join(conds, " AND "))
	}
	b.WriteString(" ORDER BY start_at, id LIMIT " + param())
	return b.String()
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
func listArgs(q *seminar.ListQuery, sh listShape) []any {
	var lower time.Time
	if sh&hasFrom != 0 {
		// An event that ends after From starts after From - MaxDuration,
		// a microsecond later at least: the store keeps microseconds.
		lower = bound(q.From.Add(-seminar.MaxDuration + time.Microsecond))
	}
	if sh&hasAfter != 0 && (lower.IsZero() || q.After.Start.After(lower)) {
		lower = bound(q.After.Start)
	}
	args := make([]any, 0, 8)
	if sh&(hasFrom|hasAfter) != 0 {
		args = append(args, lower)
	}
	if sh&hasTo != 0 {
		args = append(args, bound(q.To))
	}
	if sh&hasFrom != 0 {
		args = append(args, bound(q.From))
	}
	if sh&hasAfter != 0 {
		args = append(args, bound(q.After.Start), q.After.ID)
	}
	if sh&hasSeries != 0 {
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
	sh := shapeOf(&q)
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
