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
//
// One read runs at a time, so that generations follow the order of the
// reads. A request that waited for another's read uses it if that read
// began after the request arrived, since it then saw every write made
// before: concurrent requests share reads even with a negative Poll, and
// a failing Store is asked once, not once per waiting request.
type tokenPoller struct {
	mu      sync.Mutex    // held by the one read of the token
	started atomic.Uint64 // how many reads began
	last    atomic.Pointer[tokenReading]
}

// tokenReading is one read of the change token.
type tokenReading struct {
	token  string
	gen    uint64
	n      uint64    // the read's number: started, once it began
	at     time.Time // the handler's clock before the token was read
	writes uint64    // the Calendar's WriteCount before the token was read
	failed bool      // the read failed; token and gen are the last known
}

func (r *tokenReading) changes() changes { return changes{gen: r.gen, unknown: r.failed} }

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
		return r.changes()
	}
	arrived := h.tokens.started.Load()
	h.tokens.mu.Lock()
	defer h.tokens.mu.Unlock()
	prev := h.tokens.last.Load()
	if h.current(prev) || prev != nil && prev.n > arrived {
		return prev.changes() // read meanwhile, after this request arrived
	}
	next := &tokenReading{n: h.tokens.started.Add(1)}
	// The clock and the write count are taken first: a write after them
	// moves the count again, so the next request reads the token again.
	next.at, next.writes = h.now(), h.cal.WriteCount()
	// Other requests may wait for this read: their client is not this one.
	token, err := h.cal.ChangeToken(context.WithoutCancel(ctx))
	if prev != nil {
		next.token, next.gen = prev.token, prev.gen
	}
	switch {
	case err != nil:
		h.log.LogAttrs(ctx, slog.LevelWarn, "change token not read; serving cached feeds until MaxAge", slog.Any("error", err))
		next.failed = true
	case prev == nil || prev.token != token:
		next.token = token
		next.gen++
	}
	h.tokens.last.Store(next)
	return next.changes()
}

// fresh reports whether a cached body may be served as it is: no write was
// seen since it was built, as far as c tells, and it is younger than MaxAge.
func (h *Handler) fresh(b *feedBody, c changes) bool {
	return (c.unknown || b.gen >= c.gen) && h.now().Sub(b.built) < h.maxAge
}
