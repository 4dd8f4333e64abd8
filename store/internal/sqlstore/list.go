package sqlstore

import (
	"strings"

	"github.com/seminarkit/seminar"
)

// ListShape says which conditions a list query has. Each shape is one SQL
// text, which a store prepares once.
type ListShape uint8

// The conditions of a ListShape.
const (
	HasTo ListShape = 1 << iota
	HasFrom
	HasSeries
	PublicOnly
	ExcludeCancelled
	HasAfter

	// ListShapes is the number of shapes: an array of ListShapes entries
	// holds one prepared statement for each.
	ListShapes = 1 << iota
)

// ShapeOf returns the shape of q.
func ShapeOf(q *seminar.ListQuery) ListShape {
	var sh ListShape
	if !q.To.IsZero() {
		sh |= HasTo
	}
	if !q.From.IsZero() {
		sh |= HasFrom
	}
	if q.Series != "" {
		sh |= HasSeries
	}
	if q.PublicOnly {
		sh |= PublicOnly
	}
	if !q.IncludeCancelled {
		sh |= ExcludeCancelled
	}
	if q.After != nil {
		sh |= HasAfter
	}
	return sh
}

// ListDialect is how one SQL store writes the conditions of a listing.
type ListDialect struct {
	// Select is the query up to its WHERE: SELECT <columns> FROM events.
	Select string
	// Start and End are the columns of the event's instants.
	Start, End string
	// Public is the condition that an event is public.
	Public string
	// Param returns the placeholder of the next parameter; it is called
	// in the order the parameters are passed.
	Param func() string
	// After returns the condition that an event comes after the position
	// (start, id), taking its own placeholders with param.
	After func(param func() string) string
}

// SQL returns the query text of the shape in dialect d. Its parameters, in
// order: the lower bound on Start (with From or After: the later of
// From - seminar.MaxDuration and After.Start, one parameter so that the
// planner has one index condition to start an index range at), To, From,
// the After position as d.After takes it, Series, and Limit.
//
// No event lasts longer than seminar.MaxDuration, so an event that ends
// after From starts after From - MaxDuration: the lower bound lets a range
// query walk the (start, id) index from near From instead of from the
// beginning of time.
func (sh ListShape) SQL(d ListDialect) string {
	var conds []string
	if sh&(HasFrom|HasAfter) != 0 {
		conds = append(conds, d.Start+" >= "+d.Param())
	}
	if sh&HasTo != 0 {
		conds = append(conds, d.Start+" < "+d.Param())
	}
	if sh&HasFrom != 0 {
		conds = append(conds, d.End+" > "+d.Param())
	}
	if sh&HasAfter != 0 {
		conds = append(conds, d.After(d.Param))
	}
	if sh&HasSeries != 0 {
		conds = append(conds, "series = "+d.Param())
	}
	if sh&PublicOnly != 0 {
		conds = append(conds, d.Public)
	}
	if sh&ExcludeCancelled != 0 {
		conds = append(conds, "status <> '"+string(seminar.StatusCancelled)+"'")
	}
	var b strings.Builder
	b.WriteString(d.Select)
	if len(conds) > 0 {
		b.WriteString(" WHERE ")
		b.WriteString(strings.Join(conds, " AND "))
	}
	b.WriteString(" ORDER BY " + d.Start + ", id LIMIT " + d.Param())
	return b.String()
}
