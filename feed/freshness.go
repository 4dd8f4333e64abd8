package feed

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// changes is what a request knows of the calendar's writes: the generation
// of the Calendar's change token it was served at, taken once per request
// before the cache is consulted, so that a body built for the request
// records the generation it was built at.
type changes struct {
	gen uint64
	// unknown is set when the token could not be read: cached bodies are
	// then served until MaxAge, rather than failing every poll while the
	// store is briefly unreachable.
	unknown bool
}

// tokenPoller follows the Calendar's change token for every request at
// once: it reads the token at most once per Options.Poll, or at once after
// a write through the Calendar (its WriteCount moved), and numbers each new
// token it sees with a generation. Cached bodies remember the generation
// they were built at and are stale once a later one is seen. Generations,
// unlike tokens, are ordered, so a request still holding an older reading
// takes a body built at a newer one as fresh instead of building it again.
type tokenPoller struct {
	mu   sync.Mutex // serializes reads of the token, so generations follow their order
	last atomic.Pointer[tokenReading]
}

// tokenReading is one read of the change token.
type tokenReading struct {
	token  string
	gen    uint64
	at     time.Time // the handler's clock before the token was read
	writes uint64    // the Calendar's WriteCount before the token was read
}

// current reports whether r may be used without reading the token again.
func (h *Handler) current(r *tokenReading) bool {
	return r != nil && h.poll > 0 && h.now().Sub(r.at) < h.poll && r.writes == h.cal.WriteCount()
}

// changes returns the generation of the Calendar's writes as of at most
// Options.Poll ago, reading the change token when the last reading is
// older or a write went through the Calendar since. With a Store that
// implements seminar.ChangeTracker the token follows the writes of every
// process sharing the Store; otherwise it counts the writes made through
// this Calendar only, and MaxAge bounds how long other processes' writes
// wait.
func (h *Handler) changes(ctx context.Context) changes {
	if r := h.tokens.last.Load(); h.current(r) {
		return changes{gen: r.gen}
	}
	h.tokens.mu.Lock()
	defer h.tokens.mu.Unlock()
	prev := h.tokens.last.Load()
	if h.current(prev) {
		return changes{gen: prev.gen} // another request read it meanwhile
	}
	// The clock and the write count are taken first: a write after them
	// moves the count again, so the next request reads the token again.
	at, writes := h.now(), h.cal.WriteCount()
	token, err := h.cal.ChangeToken(ctx)
	if err != nil {
		h.log.LogAttrs(ctx, slog.LevelWarn, "change token not read; serving cached feeds until MaxAge", slog.Any("error", err))
		return changes{unknown: true}
	}
	next := &tokenReading{token: token, at: at, writes: writes, gen: 1}
	if prev != nil {
		next.gen = prev.gen
		if prev.token != token {
			next.gen++
		}
	}
	h.tokens.last.Store(next)
	return changes{gen: next.gen}
}

// fresh reports whether a cached body may be served as it is: no write was
// seen since it was built, as far as c tells, and it is younger than MaxAge.
func (h *Handler) fresh(b *feedBody, c changes) bool {
	return (c.unknown || b.gen >= c.gen) && h.now().Sub(b.built) < h.maxAge
}
