package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/internal/sqlstore"
)

// maxDurationNS is seminar.MaxDuration in nanoseconds. No event starts
// more than that before it ends (Store implementations may rely on it), so
// an event that ends after From starts after From - MaxDuration: a lower
// bound on start_ns that lets a range query walk the (start_ns, id) index
// from near From instead of from the beginning of time.
const maxDurationNS = int64(seminar.MaxDuration / time.Nanosecond)

// listSQL returns the query text of a shape. Its parameters are the ones
// listArgs returns, in that order. SQLite starts an index range at one
// lower bound and, not knowing the parameters, might pick the looser of
// two: hence sqlstore's single lower bound.
func listSQL(sh sqlstore.ListShape) string {
	return sh.SQL(sqlstore.ListDialect{
		Select: selectSQL,
		Start:  "start_ns",
		End:    "end_ns",
		Public: "public = 1",
		Param:  func() string { return "?" },
		After: func(param func() string) string {
			return "(start_ns > " + param() + " OR (start_ns = " + param() + " AND id > " + param() + "))"
		},
	})
}

// listArgs returns the parameters of q for the SQL of its shape.
func listArgs(q *seminar.ListQuery, sh sqlstore.ListShape) []any {
	var from, after int64
	lower := int64(zeroNS)
	if sh&sqlstore.HasFrom != 0 {
		from = boundNS(q.From)
		// An event that ends after From starts after From - MaxDuration,
		// at From - MaxDuration + 1ns or later.
		lower = max(from, minTimeNS+maxDurationNS) - maxDurationNS + 1
	}
	if sh&sqlstore.HasAfter != 0 {
		after = boundNS(q.After.Start)
		lower = max(lower, after)
	}
	args := make([]any, 0, 9)
	if sh&(sqlstore.HasFrom|sqlstore.HasAfter) != 0 {
		args = append(args, lower)
	}
	if sh&sqlstore.HasTo != 0 {
		args = append(args, boundNS(q.To))
	}
	if sh&sqlstore.HasFrom != 0 {
		args = append(args, from)
	}
	if sh&sqlstore.HasAfter != 0 {
		args = append(args, after, after, q.After.ID)
	}
	if sh&sqlstore.HasSeries != 0 {
		args = append(args, q.Series)
	}
	return append(args, q.Limit)
}

// minTimeNS is the smallest stored instant other than the zero time.
const minTimeNS = zeroNS + 1

// List returns up to q.Limit events matching q, ordered by Start and then
// by ID. It reads them with one indexed range query; see the package
// documentation.
func (s *Store) List(ctx context.Context, q seminar.ListQuery) ([]*seminar.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list events: %w", err)
	}
	if q.Limit <= 0 {
		return nil, fmt.Errorf("sqlite: list events: %w: limit %d is not positive", seminar.ErrInvalid, q.Limit)
	}
	sh := sqlstore.ShapeOf(&q)
	stmt, err := s.listStmt(ctx, sh)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list events: %w", dbError(ctx, err))
	}
	rows, err := stmt.QueryContext(ctx, listArgs(&q, sh)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list events: %w", dbError(ctx, err))
	}
	defer rows.Close()
	events := make([]*seminar.Event, 0, min(q.Limit, 256))
	for rows.Next() {
		e, err := scanEvent(rows, nil)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list events: %w", dbError(ctx, err))
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list events: %w", dbError(ctx, err))
	}
	return events, nil
}

// listStmt returns the prepared statement of a shape, preparing it on first
// use.
func (s *Store) listStmt(ctx context.Context, sh sqlstore.ListShape) (*sql.Stmt, error) {
	if stmt := s.lists[sh].Load(); stmt != nil {
		return stmt, nil
	}
	s.listMu.Lock()
	defer s.listMu.Unlock()
	if stmt := s.lists[sh].Load(); stmt != nil {
		return stmt, nil
	}
	stmt, err := s.db.PrepareContext(ctx, listSQL(sh))
	if err != nil {
		return nil, err
	}
	s.lists[sh].Store(stmt)
	return stmt, nil
}
