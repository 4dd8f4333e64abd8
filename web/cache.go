package web

import (
	"container/list"
	"context"
	"fmt"
	"sync"
	"time"
)

// cache holds what pages are made of, and the pages themselves, until the
// calendar changes: event reads, month listings and rendered responses,
// each under a key that says what it is and for whom. It keeps at most
// limit bytes, dropping the least recently used first, and makes concurrent
// requests for a value that is missing or stale wait for a single build.
type cache struct {
	mu      sync.Mutex
	entries map[string]*entry
	lru     list.List // of *entry, most recently used first
	bytes   int64
	limit   int64
}

// entry is a value being built (ready is open) or built (ready is closed,
// and val or err is set).
type entry struct {
	key   string
	ready chan struct{}
	val   any
	size  int64
	err   error
	gen   uint64    // the calendar's generation when the build started
	until time.Time // zero, or the Options.Now after which the value is stale
	elem  *list.Element
}

// built is what a build returns: the value, its size in bytes, and, for a
// value that depends on the clock, when it goes stale.
type built struct {
	val   any
	size  int64
	until time.Time
}

func newCache(limit int64) *cache {
	return &cache{entries: make(map[string]*entry), limit: limit}
}

// get returns the value cached under key if it was built at generation gen
// or later and has not expired at now; otherwise it builds it, or waits for
// the build another request started. A failed build is not cached, and its
// error goes to each request that waited for it. build runs with a context
// that the requesting client's going away does not cancel, since other
// requests may wait for it.
func (c *cache) get(ctx context.Context, key string, gen uint64, now time.Time, build func(ctx context.Context) (built, error)) (any, error) {
	c.mu.Lock()
	e := c.entries[key]
	if e != nil {
		select {
		case <-e.ready:
			if e.fresh(gen, now) {
				c.lru.MoveToFront(e.elem)
				c.mu.Unlock()
				return e.val, nil
			}
			c.remove(e)
		default:
			if e.gen >= gen {
				c.mu.Unlock()
				return e.wait(ctx)
			}
			// A build for an older generation is under way: start a
			// newer one beside it; the older one will not be kept.
			delete(c.entries, key)
		}
	}
	e = &entry{key: key, ready: make(chan struct{}), gen: gen}
	c.entries[key] = e
	c.mu.Unlock()
	return c.fill(ctx, e, build)
}

// peek returns the value built under key, if any, whatever its
// generation, and whether it is fresh at generation gen and now, as get
// would serve it. It builds nothing and leaves the order of use as it is:
// a stale value is a hint, such as where an event was before a write.
func (c *cache) peek(key string, gen uint64, now time.Time) (val any, fresh bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[key]
	if e == nil {
		return nil, false
	}
	select {
	case <-e.ready:
		return e.val, e.fresh(gen, now)
	default:
		return nil, false
	}
}

// fresh reports whether the built value of e may be served at generation
// gen and now.
func (e *entry) fresh(gen uint64, now time.Time) bool {
	return e.gen >= gen && (e.until.IsZero() || now.Before(e.until))
}

// fill runs build for e and publishes the outcome. A panic in build is
// turned into an error for the waiting requests before it goes on, so
// that none of them waits forever.
func (c *cache) fill(ctx context.Context, e *entry, build func(ctx context.Context) (built, error)) (any, error) {
	done := false
	defer func() {
		if !done {
			err := fmt.Errorf("web: build %s: panic: %v", e.key, recover())
			c.publish(e, built{}, err)
			panic(err)
		}
	}()
	b, err := build(context.WithoutCancel(ctx))
	done = true
	c.publish(e, b, err)
	return b.val, err
}

func (c *cache) publish(e *entry, b built, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer close(e.ready)
	current := c.entries[e.key] == e
	if err != nil {
		e.err = err
		if current {
			delete(c.entries, e.key)
		}
		return
	}
	e.val, e.size, e.until = b.val, b.size, b.until
	if !current {
		return // replaced by a build for a newer generation
	}
	e.elem = c.lru.PushFront(e)
	c.bytes += e.size
	for c.bytes > c.limit {
		last := c.lru.Back()
		if last == nil || last == e.elem {
			break
		}
		c.remove(last.Value.(*entry))
	}
}

// remove drops a built entry; the caller holds the lock.
func (c *cache) remove(e *entry) {
	c.lru.Remove(e.elem)
	c.bytes -= e.size
	if c.entries[e.key] == e {
		delete(c.entries, e.key)
	}
}

func (e *entry) wait(ctx context.Context) (any, error) {
	select {
	case <-e.ready:
		return e.val, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
