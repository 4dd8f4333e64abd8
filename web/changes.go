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
// it reads the token at most once per poll interval and numbers each new
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
	token string
	gen   uint64
	at    time.Time // by the monotonic clock, not Options.Now
	stale bool      // a write through the Handler made it stale
}

// generation returns the generation of the calendar as of at most one poll
// interval ago, reading the token if the last reading is older or stale.
// When the token cannot be read it keeps the last generation (whatever
// failed will likely fail the page too, and be logged there).
func (c *changes) generation(ctx context.Context) uint64 {
	if r := c.last.Load(); r != nil && !r.stale && time.Since(r.at) < c.every {
		return r.gen
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	prev := c.last.Load()
	if prev != nil && !prev.stale && time.Since(prev.at) < c.every {
		return prev.gen // another request read it meanwhile
	}
	at := time.Now()
	token, err := c.cal.ChangeToken(ctx)
	if err != nil {
		c.log.LogAttrs(ctx, slog.LevelWarn, "web: change token not read", slog.Any("error", err))
		if prev == nil {
			return 0
		}
		return prev.gen
	}
	next := &reading{token: token, at: at, gen: 1}
	if prev != nil {
		next.gen = prev.gen
		if prev.token != token {
			next.gen++
		}
	}
	c.last.Store(next)
	return next.gen
}

// wrote marks the last reading stale after a write through the Handler, so
// that the next request, such as the one the write redirects to, reads the
// token again and sees the write.
func (c *changes) wrote() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r := c.last.Load(); r != nil {
		stale := *r
		stale.stale = true
		c.last.Store(&stale)
	}
}
