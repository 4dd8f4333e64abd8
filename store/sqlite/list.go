package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
)

// listShape says which conditions a list query has. Each shape is one SQL
// text, prepared once per Store.
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

// maxDurationNS is seminar.MaxDuration in nanoseconds. No event starts
// more than that before it ends (Store implementations may rely on it), so
// an event that ends after From starts after From - MaxDuration: a lower
// bound on start_ns that lets a range query walk the (start_ns, id) index
// from near From instead of from the beginning of time.
const maxDurationNS = int64(seminar.MaxDuration / time.Nanosecond)

// sql returns the query text of the shape. Its parameters are the ones
// listArgs returns, in that order.
//
// The lower bound on start_ns is one parameter, the larger of From -
// MaxDuration and After.Start: SQLite starts an index range at one lower
// bound and, not knowing the parameters, might pick the looser of two.
func (sh listShape) sql() string {
	var conds []string
	if sh&(hasFrom|hasAfter) != 0 {
		conds = append(conds, "start_ns >= ?")
	}
	if sh&hasTo != 0 {
		conds = append(conds, "start_ns < ?")
	}
	if sh&hasFrom != 0 {
		conds = append(conds, "end_ns > ?")
	}
	if sh&hasAfter != 0 {
		conds = append(conds, "(start_ns > ? OR (start_ns = ? AND id > ?))")
	}
	if sh&hasSeries != 0 {
		conds = append(conds, "series = ?")
	}
	if sh&publicOnly != 0 {
		conds = append(conds, "public = 1")
	}
	if sh&excludeCancelled != 0 {
		conds = append(conds, "status <> '"+string(seminar.StatusCancelled)+"'")
	}
	var b strings.Builder
	b.WriteString(selectSQL)
	if len(conds) > 0 {
		b.WriteString(" WHERE ")
		b.WriteString(strings.Join(conds, " AND "))
	}
	b.WriteString(" ORDER BY start_ns, id LIMIT ?")
	return b.String()
}

// listArgs returns the parameters of q for the SQL of its shape.
func listArgs(q *seminar.ListQuery, sh listShape) []any {
	var from, after int64
	lower := int64(zeroNS)
	if sh&hasFrom != 0 {
		from = boundNS(q.From)
		// An event that ends after From starts after From - MaxDuration,
		// at From - MaxDuration + 1ns or later.
		lower = max(from, minTimeNS+maxDurationNS) - maxDurationNS + 1
	}
	if sh&hasAfter != 0 {
		after = boundNS(q.After.Start)
		lower = max(lower, after)
	}
	args := make([]any, 0, 9)
	if sh&(hasFrom|hasAfter) != 0 {
		args = append(args, lower)
	}
	if sh&hasTo != 0 {
		args = append(args, boundNS(q.To))
	}
	if sh&hasFrom != 0 {
		args = append(args, from)
	}
	if sh&hasAfter != 0 {
		args = append(args, after, after, q.After.ID)
	}
	if sh&hasSeries != 0 {
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
	sh := shapeOf(&q)
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
		e, err := scanEvent(rows)
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
func (s *Store) listStmt(ctx context.Context, sh listShape) (*sql.Stmt, error) {
	if stmt := s.lists[sh].Load(); stmt != nil {
		return stmt, nil
	}
	s.listMu.Lock()
	defer s.listMu.Unlock()
	if stmt := s.lists[sh].Load(); stmt != nil {
		return stmt, nil
	}
	stmt, err := s.db.PrepareContext(ctx, sh.sql())
	if err != nil {
		return nil, err
	}
	s.lists[sh].Store(stmt)
	return stmt, nil
}
