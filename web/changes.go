package web

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seminarkit/seminar"
)

// changes follows the Calendar's change token for every request at once:
// it reads the token at most once per poll interval, or at once after a
// write through the Calendar (its WriteCount moved), and numbers each new
// token it sees with a generation. Cached pages remember the generation they
// were built at and are stale once a later one is seen. Generations, unlike
// tokens, are ordered, so a request still holding an older generation never
// replaces a newer page with an older one. With each new token it reads
// what the Store wrote since the reading before (a delta), by which month
// listings are patched rather than read again. With a Store that is a
// seminar.LastMarker, the last mark stands in for the token, and one read
// gives both.
type changes struct {
	cal   *seminar.Calendar
	every time.Duration
	log   *slog.Logger

	last atomic.Pointer[reading]

	mu sync.Mutex // guards what follows
	// busy is set while a read of the token is under way; one runs at a
	// time. pending is the read that begins after it, which the requests
	// that came meanwhile wait for, all of them sharing it: a read begun
	// before a request came may miss a write of this process made just
	// before it. (That next read is skipped when the reading just made is
	// still fresh: no write of this process since, and younger than the
	// poll interval, which bounds how late other processes' writes show.)
	busy    bool
	pending *round
	// noLastMark is set once the Store is found not to be a
	// seminar.LastMarker: the token is read, and the marks apart. Only
	// read, which runs once at a time, uses it.
	noLastMark bool
}

// round is one read of the token, shared by the requests that wait for it.
type round struct {
	done    chan struct{} // closed when gen is set
	gen     uint64
	waiters int // the requests waiting for it
}

// reading is one read of the change token.
type reading struct {
	token  string
	gen    uint64
	at     time.Time // by the monotonic clock, not Options.Now
	writes uint64    // the Calendar's WriteCount before the token was read
	// mark is the last mark of the Store's writes (seminar.Calendar.Changed)
	// as of a read made after the token's, or -1 when it is not known.
	// What is read after this reading holds every write up to it.
	mark int64
	// delta is what was written since the reading before's mark; nil when
	// either mark is not known.
	delta *delta
}

// delta is what the Store wrote between two marks: the events written, as
// they were read after the later mark. complete is set when every mark in
// between was taken by a write of one of these events: none was deleted
// (nor a series written), so that a listing of the events as of the earlier
// mark, with these put in, is the listing as of the later one.
type delta struct {
	from, to int64
	events   map[string]*seminar.Event
	complete bool
}

// maxDelta is how many changed events a delta holds at most; after more
// writes than that, listings are read again in full.
const maxDelta = 256

// changedBatch is how many changed events one Calendar.Changed call reads.
const changedBatch = 64

// current returns the last reading, or nil before the first.
func (c *changes) current() *reading { return c.last.Load() }

// fresh reports whether r may be used without reading the token again.
func (c *changes) fresh(r *reading) bool {
	return r != nil && time.Since(r.at) < c.every && r.writes == c.cal.WriteCount()
}

// generation returns the generation of the calendar as of at most one poll
// interval ago, reading the token if the last reading is older or stale.
// When no read is under way, the request reads the token itself; else it
// waits for the read that begins after the one under way, with every
// other request that came meanwhile. A read goes on when the request that
// began it goes away, since others may wait for it. When the token cannot
// be read it keeps the last generation (whatever failed will likely fail
// the page too, and be logged there).
func (c *changes) generation(ctx context.Context) uint64 {
	if r := c.last.Load(); c.fresh(r) {
		return r.gen
	}
	c.mu.Lock()
	if !c.busy {
		c.busy = true
		c.mu.Unlock()
		defer c.next(ctx)
		return c.read(context.WithoutCancel(ctx))
	}
	rd := c.pending
	if rd == nil {
		rd = &round{done: make(chan struct{})}
		c.pending = rd
	}
	rd.waiters++
	c.mu.Unlock()
	select {
	case <-rd.done:
		return rd.gen
	case <-ctx.Done():
		if r := c.last.Load(); r != nil {
			return r.gen
		}
		return 0
	}
}

// next runs, once a read is done, the reads that requests came for
// meanwhile, one after the other, beside the request whose read is done.
func (c *changes) next(ctx context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending == nil {
		c.busy = false
		return
	}
	ctx = context.WithoutCancel(ctx)
	go func() {
		for {
			c.mu.Lock()
			rd := c.pending
			c.pending = nil
			if rd == nil {
				c.busy = false
				c.mu.Unlock()
				return
			}
			c.mu.Unlock()
			rd.gen = c.readShared(ctx)
			close(rd.done)
		}
	}()
}

// readShared is read for the requests waiting for a round. It runs on a
// goroutine of its own, outside net/http's recovery of a handler's panic:
// a Store that panics is logged, and the waiting requests keep the last
// generation, rather than the process going down.
func (c *changes) readShared(ctx context.Context) (gen uint64) {
	defer func() {
		if v := recover(); v != nil {
			c.log.LogAttrs(ctx, slog.LevelError, "web: change token not read: the Store panicked", slog.Any("panic", v))
			if r := c.last.Load(); r != nil {
				gen = r.gen
			}
		}
	}()
	return c.read(ctx)
}

// read reads the token, and what was written since the reading before,
// unless a reading fresh enough was made meanwhile. One read runs at a
// time.
func (c *changes) read(ctx context.Context) uint64 {
	prev := c.last.Load()
	if c.fresh(prev) {
		return prev.gen
	}
	// The write count is taken first: a write after it moves it again,
	// so the next request reads the token again.
	at, writes := time.Now(), c.cal.WriteCount()
	if !c.noLastMark {
		next, err := c.readMarks(ctx, prev)
		switch {
		case err == nil:
			next.at, next.writes = at, writes
			c.last.Store(next)
			return next.gen
		case errors.Is(err, errors.ErrUnsupported):
			c.noLastMark = true
		default:
			c.log.LogAttrs(ctx, slog.LevelWarn, "web: change token not read", slog.Any("error", err))
			if prev == nil {
				return 0
			}
			return prev.gen
		}
	}
	token, err := c.cal.ChangeToken(ctx)
	if err != nil {
		c.log.LogAttrs(ctx, slog.LevelWarn, "web: change token not read", slog.Any("error", err))
		if prev == nil {
			return 0
		}
		return prev.gen
	}
	next := &reading{token: token, at: at, writes: writes, gen: 1, mark: -1}
	switch {
	case prev == nil:
		next.mark = c.lastMark(ctx)
	case prev.token == token:
		next.gen, next.mark, next.delta = prev.gen, prev.mark, prev.delta
	default:
		next.gen = prev.gen + 1
		if prev.mark >= 0 {
			next.delta = c.since(ctx, prev.mark)
			if next.delta != nil {
				next.mark = next.delta.to
			}
		} else {
			next.mark = c.lastMark(ctx)
		}
	}
	c.last.Store(next)
	return next.gen
}

// readMarks makes the reading after prev (nil: none) from the Store's
// marks, when it is a seminar.LastMarker: the last mark stands in for the
// token, and the events written since prev's mark come in the same read.
// It returns an error matching errors.ErrUnsupported with any other Store.
func (c *changes) readMarks(ctx context.Context, prev *reading) (*reading, error) {
	from := int64(math.MaxInt64)
	if prev != nil && prev.mark >= 0 {
		from = prev.mark
	}
	events, next, last, err := c.cal.ChangedWithLast(ctx, from, changedBatch)
	if err != nil {
		return nil, err
	}
	to := max(next, last)
	r := &reading{token: markToken(to), gen: 1, mark: to}
	switch {
	case prev == nil:
	case prev.token == r.token:
		r.gen, r.delta = prev.gen, prev.delta
	case from == math.MaxInt64:
		r.gen = prev.gen + 1
	case len(events) == changedBatch: // perhaps more than one batch
		r.gen = prev.gen + 1
		r.delta = c.since(ctx, from)
		r.mark = -1
		if r.delta != nil {
			r.mark = r.delta.to
		}
		r.token = markToken(r.mark)
	default:
		r.gen = prev.gen + 1
		d := &delta{from: from, to: to, events: make(map[string]*seminar.Event, len(events))}
		for _, e := range events {
			d.events[e.ID] = e
		}
		// Every mark in (from, to] was taken by a write returned here
		// only when they number as many (see since).
		d.complete = to >= from && to-from == int64(len(events))
		r.delta = d
	}
	return r, nil
}

// markToken is the token of a reading made from the Store's marks, which
// no token read from the Store equals.
func markToken(mark int64) string { return "mark:" + strconv.FormatInt(mark, 10) }

// lastMark returns the last mark the Store handed out, or -1 when the
// Store has no marks (it is no seminar.Outbox) or they cannot be read.
func (c *changes) lastMark(ctx context.Context) int64 {
	_, last, err := c.cal.Changed(ctx, math.MaxInt64, 1)
	if err != nil {
		if !errors.Is(err, errors.ErrUnsupported) {
			c.log.LogAttrs(ctx, slog.LevelWarn, "web: changed events not read", slog.Any("error", err))
		}
		return -1
	}
	return last
}

// since reads what the Store wrote after mark, up to its last mark, or
// returns nil when it cannot be read. A delta of more than maxDelta events,
// or one across a Store that went back in time (restored from a backup),
// is not complete.
func (c *changes) since(ctx context.Context, mark int64) *delta {
	d := &delta{from: mark, to: mark, events: make(map[string]*seminar.Event)}
	writes := int64(0) // the marks of event writes seen, each counted once
	for {
		events, next, err := c.cal.Changed(ctx, d.to, changedBatch)
		if err != nil {
			if !errors.Is(err, errors.ErrUnsupported) {
				c.log.LogAttrs(ctx, slog.LevelWarn, "web: changed events not read", slog.Any("error", err))
			}
			return nil
		}
		if len(events) == 0 {
			// next is the last mark handed out (below from when the
			// Store went back). Every mark in (from, next] was taken by
			// a write returned here only when they number as many.
			d.complete = next >= d.from && next-d.from == writes
			d.to = next
			return d
		}
		for _, e := range events {
			d.events[e.ID] = e // a later write of the event replaces an earlier
		}
		writes += int64(len(events))
		d.to = next
		if len(d.events) > maxDelta {
			d.complete = false
			d.to = c.lastMark(ctx)
			if d.to < 0 {
				return nil
			}
			d.events = nil
			return d
		}
	}
}
