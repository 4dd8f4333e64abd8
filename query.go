package seminar

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Listing limits.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// Query selects events for Calendar.List. A Store never sees it: the
// Calendar turns it into a ListQuery.
type Query struct {
	// From and To select the events that overlap [From, To): an event
	// starting exactly at To is left out, one still running at From is in.
	// A zero From or To leaves that side open.
	From, To time.Time

	Filter

	// Limit is the page size: DefaultPageSize when zero, at most
	// MaxPageSize.
	Limit int
	// Cursor continues a listing where the page that returned it as Next
	// ended. Events created meanwhile before the cursor are not returned;
	// none of the others is skipped or repeated.
	Cursor string
}

// Filter narrows a listing beyond its time range.
type Filter struct {
	// Series, when not empty, selects the events of that series only.
	Series string
	// PublicOnly leaves out events whose Public field is false.
	PublicOnly bool
	// IncludeCancelled lists cancelled events too; by default they are left
	// out.
	IncludeCancelled bool
}

// Page is one page of a listing, ordered by Start and then by ID.
type Page struct {
	Events []*Event
	// Next is the Cursor of the following page; empty on the last one.
	Next string
}

// List returns the events matching q, a page at a time.
func (c *Calendar) List(ctx context.Context, q Query) (*Page, error) {
	page, err := c.list(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("seminar: list events: %w", err)
	}
	return page, nil
}

// list is List for the Calendar's own methods, which name the operation in
// their errors.
func (c *Calendar) list(ctx context.Context, q Query) (*Page, error) {
	v := &validator{}
	limit := q.Limit
	switch {
	case limit == 0:
		limit = DefaultPageSize
	case limit < 0 || limit > MaxPageSize:
		v.add(field("limit"), "is %d; want 1 to %d", limit, MaxPageSize)
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		v.add(field("to"), "must be after from")
	}
	after, err := decodeCursor(q.Cursor)
	if err != nil {
		v.add(field("cursor"), "%v", err)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	events, err := c.store.List(ctx, ListQuery{From: q.From, To: q.To, Filter: q.Filter, After: after, Limit: limit + 1})
	if err != nil {
		return nil, err
	}
	page := &Page{Events: events}
	if len(events) > limit {
		page.Events = events[:limit]
		last := page.Events[limit-1]
		page.Next = encodeCursor(Position{Start: last.Start, ID: last.ID})
	}
	for _, e := range page.Events {
		c.present(e)
	}
	return page, nil
}

// Month returns every event overlapping the given month in the calendar's
// zone (Options.TimeZone) that passes f, in order: the page's "Other events
// happening in June 2017".
func (c *Calendar) Month(ctx context.Context, year int, month time.Month, f Filter) ([]*Event, error) {
	from, to := c.MonthRange(year, month)
	var all []*Event
	q := Query{From: from, To: to, Filter: f, Limit: MaxPageSize}
	for {
		page, err := c.list(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("seminar: month %d-%02d: %w", year, month, err)
		}
		all = append(all, page.Events...)
		if page.Next == "" {
			return all, nil
		}
		q.Cursor = page.Next
	}
}

// MonthRange returns the first instant of the month and of the next one in the
// calendar's zone.
func (c *Calendar) MonthRange(year int, month time.Month) (from, to time.Time) {
	from = time.Date(year, month, 1, 0, 0, 0, 0, c.loc)
	return from, from.AddDate(0, 1, 0)
}

// A cursor is the position of the last event of a page, base64url-encoded as
// "unixnanos:id" so that callers treat it as opaque.
func encodeCursor(p Position) string {
	raw := strconv.FormatInt(p.Start.UnixNano(), 10) + ":" + p.ID
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func decodeCursor(s string) (*Position, error) {
	if s == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("is not a cursor returned by List")
	}
	ns, id, ok := strings.Cut(string(raw), ":")
	n, err := strconv.ParseInt(ns, 10, 64)
	if !ok || err != nil || id == "" {
		return nil, fmt.Errorf("is not a cursor returned by List")
	}
	return &Position{Start: time.Unix(0, n).UTC(), ID: id}, nil
}
