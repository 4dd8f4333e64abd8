package web

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/seminarkit/seminar"
)

// The events pages are made of, read through the cache. Every value here
// is shared by concurrent requests and must never be modified.

// clockMaxAge is how long a listing that starts at the clock's now (the
// upcoming talks) is served before it is listed again: a talk that ended
// leaves it within this time.
const clockMaxAge = time.Minute

// event returns the event id, any visibility, as of generation gen.
func (h *Handler) event(ctx context.Context, gen uint64, id string) (*seminar.Event, error) {
	v, err := h.cache.get(ctx, "e:"+id, gen, h.now(), func(ctx context.Context) (built, error) {
		e, err := h.cal.Get(ctx, id)
		if err != nil {
			return built{}, err
		}
		return built{val: e, size: eventSize(e)}, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*seminar.Event), nil
}

// eventInMonth returns the event id and the listing of the month it starts
// in, as of generation gen. The listing holds the event itself: after a
// write, when an older read of the event says which month that is (an
// edit seldom moves a talk to another month), the event is taken from the
// listing rather than read once more.
func (h *Handler) eventInMonth(ctx context.Context, gen uint64, id string) (*seminar.Event, *listing, error) {
	now := h.now()
	old, fresh := h.cache.peek("e:"+id, gen, now)
	if prev, ok := old.(*seminar.Event); ok && !fresh {
		m := monthOf(prev.Start.In(h.loc))
		l, err := h.month(ctx, gen, m)
		if err != nil {
			return nil, nil, err
		}
		for _, e := range l.events {
			if e.ID == id && monthOf(e.Start.In(h.loc)) == m {
				_, err := h.cache.get(ctx, "e:"+id, gen, now, func(context.Context) (built, error) {
					return built{val: e, size: eventSize(e)}, nil
				})
				return e, l, err
			}
		}
	}
	e, err := h.event(ctx, gen, id)
	if err != nil {
		return nil, nil, err
	}
	l, err := h.month(ctx, gen, monthOf(e.Start.In(h.loc)))
	if err != nil {
		return nil, nil, err
	}
	return e, l, nil
}

// seriesByID returns the calendar's series by ID, as of generation gen
// (series writes move the change token too); none when the Store keeps no
// series. After a change, the series read before are kept when the Store's
// marks show that only events were written since (see delta).
func (h *Handler) seriesByID(ctx context.Context, gen uint64) (map[string]*seminar.Series, error) {
	now := h.now()
	old, _ := h.cache.peek("S", gen, now)
	v, err := h.cache.get(ctx, "S", gen, now, func(ctx context.Context) (built, error) {
		r := h.changes.current()
		if prev, ok := old.(*seriesSet); ok && r != nil && prev.mark >= 0 && r.mark >= 0 {
			if d := r.delta; prev.mark == r.mark || d != nil && d.complete && d.from == prev.mark {
				return built{val: &seriesSet{byID: prev.byID, mark: r.mark}, size: prev.size}, nil
			}
		}
		set := &seriesSet{mark: -1, size: 64}
		if r != nil {
			set.mark = r.mark // read before the series
		}
		all, err := h.cal.ListSeries(ctx)
		if errors.Is(err, errors.ErrUnsupported) {
			all, err = nil, nil
		}
		if err != nil {
			return built{}, err
		}
		set.byID = make(map[string]*seminar.Series, len(all))
		for _, s := range all {
			set.byID[s.ID] = s
			set.size += int64(256 + len(s.ID) + len(s.Name) + len(s.Description))
		}
		return built{val: set, size: set.size}, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*seriesSet).byID, nil
}

// seriesSet is the calendar's series by ID, as of a mark of the Store's
// writes (-1: not known).
type seriesSet struct {
	byID map[string]*seminar.Series
	mark int64
	size int64
}

// month returns every event of a month in the calendar's zone, any
// visibility, cancelled ones too. After a write, the listing built before
// it is patched with the events written since, when the Store's marks say
// that those are all that changed (see delta): one indexed read of the
// changed events rather than a read of the whole month.
func (h *Handler) month(ctx context.Context, gen uint64, m month) (*listing, error) {
	key, now := "m:"+m.String(), h.now()
	old, _ := h.cache.peek(key, gen, now)
	v, err := h.cache.get(ctx, key, gen, now, func(ctx context.Context) (built, error) {
		r := h.changes.current()
		if prev, ok := old.(*listing); ok && r != nil {
			if l := h.patchMonth(prev, r, m); l != nil {
				return built{val: l, size: listSize(l.events)}, nil
			}
		}
		events, err := h.cal.Month(ctx, m.year, m.month, seminar.Filter{IncludeCancelled: true})
		if err != nil {
			return built{}, err
		}
		l := newListing(events, false)
		l.mark = -1
		if r != nil {
			l.mark = r.mark // read before the month: the listing holds every write up to it
		}
		return built{val: l, size: listSize(events)}, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*listing), nil
}

// patchMonth returns the listing of month m as of the reading r, made from
// prev, the month's listing as of an earlier mark, or nil when the writes
// since are not known to be only the events of r's delta.
func (h *Handler) patchMonth(prev *listing, r *reading, m month) *listing {
	switch {
	case prev.mark < 0 || r.mark < 0:
		return nil
	case prev.mark == r.mark:
		return prev
	}
	d := r.delta
	if d == nil || !d.complete || d.from != prev.mark {
		return nil
	}
	from, to := h.cal.MonthRange(m.year, m.month)
	q := seminar.ListQuery{From: from, To: to, Filter: seminar.Filter{IncludeCancelled: true}}
	events := make([]*seminar.Event, 0, len(prev.events)+len(d.events))
	for _, e := range prev.events {
		if _, written := d.events[e.ID]; !written {
			events = append(events, e)
		}
	}
	for _, e := range d.events {
		if q.Match(e) {
			events = append(events, e)
		}
	}
	slices.SortFunc(events, seminar.Compare)
	l := newListing(events, false)
	l.mark = d.to
	h.patched.Add(1)
	return l
}

// listing is events in order of start: all of a month, or the first of a
// range and whether more were left out.
type listing struct {
	events    []*seminar.Event
	truncated bool
	// public is set when every event is public, so that a page need not
	// check them one by one on each request.
	public bool
	// mark is the Store's mark (seminar.Calendar.Changed) that a month's
	// listing holds every write up to, or -1 when it is not known.
	mark int64
}

func newListing(events []*seminar.Event, truncated bool) *listing {
	l := &listing{events: events, truncated: truncated, public: true, mark: -1}
	for _, e := range events {
		if !e.Public {
			l.public = false
			break
		}
	}
	return l
}

// listKey names a bounded listing: the events overlapping [from, to) (to
// zero: open) of a series (empty: all), public ones only or all, at most
// limit of them.
type listKey struct {
	from, to   time.Time
	series     string
	publicOnly bool
	limit      int
}

func (k listKey) String() string {
	to := int64(0)
	if !k.to.IsZero() {
		to = k.to.Unix()
	}
	return fmt.Sprintf("l:%d:%d:%t:%d:%s", k.from.Unix(), to, k.publicOnly, k.limit, k.series)
}

// list returns a bounded listing. A listing that starts at the clock
// (upcoming) is kept for clockMaxAge at most; its key rounds the start
// down to the minute so that requests share it.
func (h *Handler) list(ctx context.Context, gen uint64, k listKey, clock bool) (*listing, error) {
	now := h.now()
	var until time.Time
	if clock {
		until = now.Add(clockMaxAge)
	}
	v, err := h.cache.get(ctx, k.String(), gen, now, func(ctx context.Context) (built, error) {
		page, err := h.cal.List(ctx, seminar.Query{
			From: k.from, To: k.to, Limit: k.limit,
			Filter: seminar.Filter{Series: k.series, PublicOnly: k.publicOnly, IncludeCancelled: true},
		})
		if err != nil {
			return built{}, err
		}
		l := newListing(page.Events, page.Next != "")
		return built{val: l, size: listSize(l.events), until: until}, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*listing), nil
}

// visibleList returns the listing k as the request may see it, and its
// class. An anonymous request gets the listing of public events, so that
// the events a limit keeps are the public ones; an authorized one is
// checked event by event on the listing of all.
func (h *Handler) visibleList(ctx context.Context, v viewer, gen uint64, k listKey, clock bool) (*listing, string, error) {
	if h.authorize != nil {
		k.publicOnly = false
		all, err := h.list(ctx, gen, k, clock)
		if err != nil {
			return nil, "", err
		}
		shown, cls := v.visible(all)
		if cls != "" {
			return &listing{events: shown, truncated: all.truncated, mark: -1}, cls, nil
		}
	}
	k.publicOnly = true
	pub, err := h.list(ctx, gen, k, clock)
	if err != nil {
		return nil, "", err
	}
	// The Store was asked for public events; the page checks each anyway.
	if !pub.public {
		return newListing(publicOnly(pub.events), pub.truncated), "", nil
	}
	return pub, "", nil
}

func publicOnly(list []*seminar.Event) []*seminar.Event {
	out := make([]*seminar.Event, 0, len(list))
	for _, e := range list {
		if e.Public {
			out = append(out, e)
		}
	}
	return out
}

// eventSize guesses the memory an event holds.
func eventSize(e *seminar.Event) int64 {
	n := 512 + len(e.Title) + len(e.Abstract) + len(e.RoomDescription) + len(e.CancelReason)
	for _, p := range e.Speakers {
		n += 96 + len(p.Name) + len(p.Affiliation) + len(p.Bio) + len(p.URL) + len(p.PhotoURL) + len(p.Email)
	}
	for _, l := range e.Links {
		n += 32 + len(l.Label) + len(l.URL)
	}
	return int64(n)
}

func listSize(events []*seminar.Event) int64 {
	n := int64(64 + 8*len(events))
	for _, e := range events {
		n += eventSize(e)
	}
	return n
}

// month is a calendar month.
type month struct {
	year  int
	month time.Month
}

func monthOf(t time.Time) month { return month{t.Year(), t.Month()} }

func (m month) String() string {
	return fmt.Sprintf("%04d-%02d", m.year, int(m.month))
}

func (m month) add(n int) month {
	t := time.Date(m.year, m.month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	return monthOf(t)
}

// parseMonth reads "2017-06".
func parseMonth(s string) (month, bool) {
	if len(s) != 7 || s[4] != '-' {
		return month{}, false
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[5:])
	if err1 != nil || err2 != nil || m < 1 || m > 12 || y < seminar.MinYear || y > seminar.MaxYear {
		return month{}, false
	}
	return month{y, time.Month(m)}, true
}
