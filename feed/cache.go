package feed

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// feedKey identifies a cached feed body: the feed, whether it is the
// private version, and the window (zero for the default one).
type feedKey struct {
	kind     feedKind
	name     string
	private  bool
	from, to int64
}

// feedBody is a built feed, ready to be served as it is, and what it was
// built from.
type feedBody struct {
	plain, gzipped []byte
	etag, gzipETag string    // quoted, as sent
	modified       time.Time // Last-Modified
	disposition    string    // Content-Disposition
	truncated      bool      // MaxEvents left events out

	// The header values of the responses, made once by headers so that
	// serving the body allocates none: see headerValue.
	plainHeader, gzipHeader         formHeader
	modifiedValue, dispositionValue []string

	gen   uint64    // the generation of the change token before the build listed anything
	built time.Time // the handler's clock when the build started
}

// formHeader is what differs between the responses of the plain and the
// gzipped form of a body.
type formHeader struct {
	content      []byte
	etag, length []string
}

// headers makes the header values of b's responses, once its fields are
// set.
func (b *feedBody) headers() {
	b.plainHeader = formHeader{content: b.plain, etag: headerValue(b.etag), length: headerValue(strconv.Itoa(len(b.plain)))}
	b.gzipHeader = formHeader{content: b.gzipped, etag: headerValue(b.gzipETag), length: headerValue(strconv.Itoa(len(b.gzipped)))}
	b.modifiedValue = headerValue(b.modified.UTC().Format(http.TimeFormat))
	b.dispositionValue = headerValue(b.disposition)
}

// headerValue returns a header value to be put in the header maps of many
// responses, by assigning it to a canonical key rather than by Set. The
// slice is full (its capacity is its length), so that Header.Add on one
// response appends to a copy and leaves the others' alone.
func headerValue(v string) []string { return []string{v} }

// size is the memory the body holds: capacities, since a buffer grown by
// doubling may hold up to twice its length.
func (b *feedBody) size() int64 { return int64(cap(b.plain) + cap(b.gzipped)) }

// feedCache holds built feed bodies, at most limit bytes of them, and makes
// concurrent requests for a body that is missing or stale wait for a single
// build instead of each building it.
type feedCache struct {
	mu      sync.Mutex
	entries map[feedKey]*cacheEntry
	bytes   int64  // sizes of the built bodies held
	tick    uint64 // counts uses, to find the least recently used
	limit   int64
}

// cacheEntry is a body being built (ready is open) or built (ready is
// closed, and body or err is set).
type cacheEntry struct {
	ready chan struct{}
	body  *feedBody
	err   error
	used  uint64
}

func newFeedCache(limit int64) *feedCache {
	return &feedCache{entries: make(map[feedKey]*cacheEntry), limit: limit}
}

// get returns the body cached for key if fresh says it may be served, and
// otherwise builds it, or waits for the build another request started. build
// is given the body it replaces, if any, and a context that the requesting
// client's going away does not cancel: other requests may be waiting for
// the same build. A failed build is not cached, and its error goes to every
// request that waited for it.
func (c *feedCache) get(ctx context.Context, key feedKey, fresh func(*feedBody) bool,
	build func(ctx context.Context, prev *feedBody) (*feedBody, error)) (*feedBody, error) {
	c.mu.Lock()
	e := c.entries[key]
	var prev *feedBody
	if e != nil {
		select {
		case <-e.ready:
			if fresh(e.body) {
				c.tick++
				e.used = c.tick
				c.mu.Unlock()
				return e.body, nil
			}
			prev = e.body
			c.bytes -= prev.size()
		default:
			c.mu.Unlock()
			return e.wait(ctx)
		}
	}
	e = &cacheEntry{ready: make(chan struct{})}
	c.entries[key] = e
	c.mu.Unlock()

	return c.fill(ctx, key, e, prev, build)
}

// fill runs build for e and publishes the outcome. A panic in build is
// turned into an error for the waiting requests before it goes on, so that
// none of them, nor any later request for key, waits forever.
func (c *feedCache) fill(ctx context.Context, key feedKey, e *cacheEntry, prev *feedBody,
	build func(ctx context.Context, prev *feedBody) (*feedBody, error)) (*feedBody, error) {
	done := false
	defer func() {
		if !done {
			err := fmt.Errorf("feed: build: panic: %v", recover())
			c.publish(key, e, nil, err)
			panic(err)
		}
	}()
	body, err := build(context.WithoutCancel(ctx), prev)
	done = true
	c.publish(key, e, body, err)
	return body, err
}

// publish sets the outcome of e's build under the lock, where evict reads
// it, and wakes the requests waiting for it.
func (c *feedCache) publish(key feedKey, e *cacheEntry, body *feedBody, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer close(e.ready)
	if err != nil {
		e.err = err
		if c.entries[key] == e {
			delete(c.entries, key)
		}
		return
	}
	e.body = body
	c.bytes += body.size()
	c.tick++
	e.used = c.tick
	c.evict(e)
}

// evict drops the least recently used built bodies until the cache is within
// its limit, keeping keep even if it alone is larger. Bodies being built are
// not counted yet and never dropped.
func (c *feedCache) evict(keep *cacheEntry) {
	for c.bytes > c.limit {
		var oldest *cacheEntry
		var oldestKey feedKey
		for k, e := range c.entries {
			if e == keep || e.body == nil {
				continue
			}
			if oldest == nil || e.used < oldest.used {
				oldest, oldestKey = e, k
			}
		}
		if oldest == nil {
			return
		}
		c.bytes -= oldest.body.size()
		delete(c.entries, oldestKey)
	}
}

// wait waits for another request's build of e, or for ctx to end.
func (e *cacheEntry) wait(ctx context.Context) (*feedBody, error) {
	select {
	case <-e.ready:
		return e.body, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
