package web

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/memstore"
)

// tokenStore counts the reads of its change token, which it takes from
// the count of those reads made after each release, and holds each read
// until it is released.
type tokenStore struct {
	seminar.Store
	reads   atomic.Int64
	started chan struct{} // a read began
	release chan struct{} // let one read answer
	token   atomic.Int64
	panics  atomic.Bool // a released read panics
}

func (s *tokenStore) ChangeToken(ctx context.Context) (string, error) {
	s.reads.Add(1)
	s.started <- struct{}{}
	<-s.release
	if s.panics.Load() {
		panic("the store is down")
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return time.Unix(s.token.Load(), 0).String(), nil
}

// TestChanges_sharedReads starts a read of the change token, then has many
// requests come while it is under way, and checks that they all wait for
// one more read, not one each, and get the generation it read; and that
// the first request going away does not cancel its read, which they may
// have been waiting for.
func TestChanges_sharedReads(t *testing.T) {
	store := &tokenStore{Store: memstore.New(), started: make(chan struct{}), release: make(chan struct{})}
	cal, err := seminar.New(store, nil)
	require.NoError(t, err)
	c := &changes{cal: cal, every: -1, log: slog.New(slog.DiscardHandler)} // every request reads

	firstCtx, leave := context.WithCancel(context.Background())
	firstGen := make(chan uint64)
	go func() { firstGen <- c.generation(firstCtx) }()
	<-store.started

	const n = 20
	var wg sync.WaitGroup
	gens := make([]uint64, n)
	for i := range n {
		wg.Go(func() { gens[i] = c.generation(context.Background()) })
	}
	for { // every request is waiting
		c.mu.Lock()
		waiting := c.pending != nil && c.pending.waiters == n
		c.mu.Unlock()
		if waiting {
			break
		}
		time.Sleep(time.Millisecond)
	}
	leave()
	store.release <- struct{}{}
	assert.Equal(t, uint64(1), <-firstGen, "the first request's read is done though it went away")

	store.token.Store(1) // a write between the two reads
	<-store.started
	store.release <- struct{}{}
	wg.Wait()
	assert.Equal(t, int64(2), store.reads.Load(), "the requests that came during a read share the next read")
	for i, gen := range gens {
		assert.Equal(t, uint64(2), gen, "request %d gets the generation of the read after it came", i)
	}
}

// TestChanges_sharedReadPanics has the read that waiting requests share
// panic: it runs on a goroutine of its own, where a panic would take the
// process down; the requests get the last generation instead.
func TestChanges_sharedReadPanics(t *testing.T) {
	store := &tokenStore{Store: memstore.New(), started: make(chan struct{}), release: make(chan struct{})}
	cal, err := seminar.New(store, nil)
	require.NoError(t, err)
	c := &changes{cal: cal, every: -1, log: slog.New(slog.DiscardHandler)}

	firstGen := make(chan uint64)
	go func() { firstGen <- c.generation(context.Background()) }()
	<-store.started
	const n = 3
	var wg sync.WaitGroup
	gens := make([]uint64, n)
	for i := range n {
		wg.Go(func() { gens[i] = c.generation(context.Background()) })
	}
	for {
		c.mu.Lock()
		waiting := c.pending != nil && c.pending.waiters == n
		c.mu.Unlock()
		if waiting {
			break
		}
		time.Sleep(time.Millisecond)
	}
	store.release <- struct{}{}
	require.Equal(t, uint64(1), <-firstGen)

	store.panics.Store(true)
	<-store.started
	store.release <- struct{}{}
	wg.Wait()
	assert.Equal(t, []uint64{1, 1, 1}, gens, "the waiting requests keep the last generation")
	c.mu.Lock()
	assert.False(t, c.busy, "reads may begin again")
	c.mu.Unlock()
}
