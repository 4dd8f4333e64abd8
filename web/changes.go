package web

import (
	"context"
	"log/slog"
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
// replaces a newer page with an older one.
type changes struct {
	cal   *seminar.Calendar
	every time.Duration
	log   *slog.Logger

	mu   sync.Mutex // serializes reads of the token
	last atomic.Pointer[reading]
}

// reading is one read of the change token.
type reading struct {
	token  string
	gen    uint64
	at     time.Time // by the monotonic clock, not Options.Now
	writes uint64    // the Calendar's WriteCount before the token was read
}

// fresh reports whether r may be used without reading the token again.
func (c *changes) fresh(r *reading) bool {
	return r != nil && time.Since(r.at) < c.every && r.writes == c.cal.WriteCount()
}

// generation returns the generation of the calendar as of at most one poll
// interval ago, reading the token if the last reading is older or stale.
// When the token cannot be read it keeps the last generation (whatever
// failed will likely fail the page too, and be logged there).
func (c *changes) generation(ctx context.Context) uint64 {
	if r := c.last.Load(); c.fresh(r) {
		return r.gen
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	prev := c.last.Load()
	if c.fresh(prev) {
		return prev.gen // another request read it meanwhile
	}
	// The write count is taken first: a write after it moves it again,
	// so the next request reads the token again.
	at, writes := time.Now(), c.cal.WriteCount()
	token, err := c.cal.ChangeToken(ctx)
	if err != nil {
		c.log.LogAttrs(ctx, slog.LevelWarn, "web: change token not read", slog.Any("error", err))
		if prev == nil {
			return 0
		}
		return prev.gen
	}
	next := &reading{token: token, at: at, writes: writes, gen: 1}
	if prev != nil {
		next.gen = prev.gen
		if prev.token != token {
			next.gen++
		}
	}
	c.last.Store(next)
	return next.gen
}
