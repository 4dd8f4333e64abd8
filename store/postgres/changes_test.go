package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/postgres"
)

func eventIDs(events []*seminar.Event) []string {
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	return ids
}

// TestChanged_BatchTakesConsecutiveMarks: the events of a batch Create take
// one mark each, in the order of the batch.
func TestChanged_BatchTakesConsecutiveMarks(t *testing.T) {
	s := newStore(t, newPool(t))
	events, last, err := s.Changed(t.Context(), 0, 10)
	require.NoError(t, err)
	require.Empty(t, events)
	require.Zero(t, last, "an empty store must answer Changed with mark 0")

	batch := sampleEvents(0, 5, time.Hour)
	batch[0], batch[4] = batch[4], batch[0]
	require.NoError(t, s.Create(t.Context(), batch...))
	events, last, err = s.Changed(t.Context(), 0, 2)
	require.NoError(t, err)
	assert.Equal(t, eventIDs(batch[:2]), eventIDs(events), "Changed must return a batch in its order")
	assert.Equal(t, int64(2), last, "the events of a batch must take consecutive marks")
	events, last, err = s.Changed(t.Context(), last, 10)
	require.NoError(t, err)
	assert.Equal(t, eventIDs(batch[2:]), eventIDs(events))
	assert.Equal(t, int64(5), last)

	require.NoError(t, s.Delete(t.Context(), batch[1].ID))
	events, last, err = s.Changed(t.Context(), last, 10)
	require.NoError(t, err)
	assert.Empty(t, events, "Changed must not return deleted events")
	assert.Equal(t, int64(6), last, "a Delete must take a mark")
}

// TestChanged_ConcurrentWriters has writers on four pools, as four
// processes, create, update and delete events, alone and in transactions,
// while a reader follows them with Changed: the marks the reader gets only
// rise, and once the writers are done, the reader has seen the last write
// of every event. A mark that became visible before a lower one committed
// would let the reader pass over the lower one for good.
func TestChanged_ConcurrentWriters(t *testing.T) {
	schema := newSchema(t)
	const (
		pools      = 4
		writers    = 8
		writes     = 60
		seedEvents = 40
	)
	stores := make([]*postgres.Store, pools)
	for i := range stores {
		stores[i] = storeOn(t, schema, randomName("seminar-test-writer-"))
	}
	require.NoError(t, stores[0].Create(t.Context(), sampleEvents(0, seedEvents, time.Hour)...))

	var (
		wg   sync.WaitGroup
		done atomic.Bool
	)
	for w := range writers {
		wg.Go(func() {
			write := &writer{s: stores[w%pools], rand: rand.New(rand.NewPCG(uint64(w), 1)), next: 1000 * (w + 1)}
			for range writes {
				if err := write.one(t.Context(), seedEvents); err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
			}
		})
	}

	seen := map[string]int64{} // the last version the reader got of each event
	var mark int64
	read := func() int {
		events, last, err := stores[0].Changed(t.Context(), mark, 7)
		require.NoError(t, err)
		if len(events) > 0 {
			require.Greaterf(t, last, mark, "Changed must return a mark above the one it was given along with events")
		} else {
			require.GreaterOrEqualf(t, last, mark, "with nothing newer, Changed must return the last mark taken, not a lower one")
		}
		for _, e := range events {
			seen[e.ID] = e.Version
		}
		mark = last
		return len(events)
	}
	reads := 0
	go func() {
		wg.Wait()
		done.Store(true)
	}()
	for !done.Load() {
		read()
		reads++
	}
	for read() > 0 {
	}

	final, err := stores[0].List(t.Context(), seminar.ListQuery{Filter: seminar.Filter{IncludeCancelled: true}, Limit: 1 << 20})
	require.NoError(t, err)
	t.Logf("%d events after %d writes; the reader polled %d times while they ran, up to mark %d", len(final), writers*writes, reads, mark)
	require.Greater(t, reads, 10, "the reader must have polled while the writers wrote")
	for _, e := range final {
		assert.Equalf(t, e.Version, seen[e.ID], "the reader must have seen the last write of %s", e.ID)
	}
}

// writer makes random writes of the kinds a Calendar makes.
type writer struct {
	s    *postgres.Store
	rand *rand.Rand
	next int // the number of the next event it creates
	mine []*seminar.Event
}

func (w *writer) one(ctx context.Context, seedEvents int) error {
	switch w.rand.IntN(6) {
	case 0:
		e := sampleEvent(w.next, time.Hour)
		w.next++
		w.mine = append(w.mine, e)
		return w.s.Create(ctx, e)
	case 1:
		batch := sampleEvents(w.next, 3, time.Hour)
		w.next += 3
		w.mine = append(w.mine, batch...)
		return w.s.Create(ctx, batch...)
	case 2:
		if len(w.mine) == 0 {
			return nil
		}
		i := w.rand.IntN(len(w.mine))
		id := w.mine[i].ID
		w.mine = append(w.mine[:i], w.mine[i+1:]...)
		return w.s.Delete(ctx, id)
	case 3:
		// An update in a transaction, as the Calendar makes with the
		// deliveries that go with it.
		id := fmt.Sprintf("ev%07d", w.rand.IntN(seedEvents))
		return w.s.Atomic(ctx, func(tx seminar.Tx) error {
			e, err := tx.Get(ctx, id)
			if err != nil {
				return err
			}
			if err := tx.Update(ctx, retitled(e, "Updated in a transaction"), e.Version); err != nil {
				return err
			}
			return tx.AddDeliveries(ctx, &seminar.Delivery{
				ID: fmt.Sprintf("%s.v%d", id, e.Version+1), EventID: id, Kind: seminar.KindUpdate, DueAt: base,
				State: seminar.StatePending,
			})
		})
	default:
		// A plain update, tried again from the stored version while
		// others win.
		id := fmt.Sprintf("ev%07d", w.rand.IntN(seedEvents))
		for {
			e, err := w.s.Get(ctx, id)
			if err != nil {
				return err
			}
			err = w.s.Update(ctx, retitled(e, "Updated"), e.Version)
			if !errors.Is(err, seminar.ErrConflict) {
				return err
			}
		}
	}
}

// TestChangeToken_AnotherProcess: a write through another Store, on a pool
// of its own as another process has, changes the token; a refused one does
// not.
func TestChangeToken_AnotherProcess(t *testing.T) {
	s := newStore(t, newPool(t))
	other := storeOn(t, s.Schema(), randomName("seminar-test-other-"))
	token := func() string {
		t.Helper()
		tok, err := s.ChangeToken(t.Context())
		require.NoError(t, err)
		return tok
	}
	seen := map[string]string{token(): "the empty store"}
	step := func(what string) {
		t.Helper()
		tok := token()
		if earlier, ok := seen[tok]; ok {
			t.Errorf("ChangeToken must return a new token after %s by another process; it returned the token of %s again", what, earlier)
		}
		seen[tok] = what
	}
	e := sampleEvent(1, time.Hour)
	require.NoError(t, other.Create(t.Context(), e))
	step("a Create")
	require.NoError(t, other.Atomic(t.Context(), func(tx seminar.Tx) error {
		return tx.Update(t.Context(), retitled(e, "Retitled"), e.Version)
	}))
	step("an Update in a transaction")
	before := token()
	require.ErrorIs(t, other.Update(t.Context(), retitled(e, "Stale"), e.Version), seminar.ErrConflict)
	require.ErrorIs(t, other.Delete(t.Context(), "missing"), seminar.ErrNotFound)
	assert.Equal(t, before, token(), "ChangeToken must not change on refused writes")
	require.NoError(t, other.Delete(t.Context(), e.ID))
	step("a Delete")
}
