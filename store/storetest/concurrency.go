package storetest

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/seminarkit/seminar"
)

var concurrencyCases = []testCase{
	{"CreateGetList", testConcurrencyCreateGetList},
	{"UpdateSameVersion", testConcurrencyUpdateSameVersion},
	{"CreateSameID", testConcurrencyCreateSameID},
	{"CreateSameUID", testConcurrencyCreateSameUID},
	{"DeleteSameID", testConcurrencyDeleteSameID},
	{"ReadWhileUpdating", testConcurrencyReadWhileUpdating},
}

// race runs f(i) for i in [0, n) in n goroutines released at the same moment,
// and waits for all of them. f must report failures with assert, not require.
func race(n int, f func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			f(i)
		})
	}
	close(start)
	wg.Wait()
}

// testConcurrencyCreateGetList has each goroutine keep its own series, so
// that it knows exactly what a listing of that series must hold while the
// others write.
func testConcurrencyCreateGetList(t *testing.T, s seminar.Store) {
	const workers, perWorker = 10, 12
	race(workers, func(w int) {
		series := fmt.Sprintf("Series %02d", w)
		var mine []*seminar.Event
		for i := 0; i < perWorker; i += 2 {
			batch := []*seminar.Event{
				newEvent(fmt.Sprintf("w%02de%02d", w, i), june.Add(time.Duration(i*workers+w)*time.Minute), time.Hour),
				newEvent(fmt.Sprintf("w%02de%02d", w, i+1), june.Add(time.Duration(i)*time.Hour), time.Hour),
			}
			for _, e := range batch {
				e.Series = series
			}
			if !assert.NoError(t, s.Create(t.Context(), batch...), "a Store must create events from many goroutines at once") {
				return
			}
			mine = append(mine, batch...)
			for _, e := range batch {
				got, err := s.Get(t.Context(), e.ID)
				if assert.NoError(t, err, "a Store must return an event it created while other goroutines write") {
					assert.Equal(t, e.Title, got.Title, "a Store must return the event it created while other goroutines write")
				}
			}
			q := seminar.ListQuery{Filter: seminar.Filter{Series: series}, Limit: maxLimit}
			listed, err := s.List(t.Context(), q)
			if assert.NoError(t, err, "a Store must list events while other goroutines write") {
				assert.Equal(t, expectIDs(mine, q), ids(listed), "a Store must list the events created so far while other goroutines write")
			}
		}
	})
	assert.Len(t, listIDs(t, s, everything()), workers*perWorker,
		"a Store must keep every event created by many goroutines at once")
}

func testConcurrencyUpdateSameVersion(t *testing.T, s seminar.Store) {
	const contenders = 50
	v1 := newEvent("a", june, time.Hour)
	mustCreate(t, s, v1)
	var won, conflicts atomic.Int32
	var winner atomic.Pointer[seminar.Event]
	race(contenders, func(i int) {
		next := edit(v1, fmt.Sprintf("Contender %02d", i))
		err := s.Update(t.Context(), next, v1.Version)
		switch {
		case err == nil:
			won.Add(1)
			winner.Store(next)
		case errors.Is(err, seminar.ErrConflict):
			conflicts.Add(1)
		default:
			assert.NoError(t, err, "a Store must return nil or ErrConflict from Update when others update the same version")
		}
	})
	assert.EqualValues(t, 1, won.Load(),
		"a Store must let exactly one of %d concurrent Updates with the same prevVersion succeed", contenders)
	assert.EqualValues(t, contenders-1, conflicts.Load(),
		"a Store must return ErrConflict to every other one of %d concurrent Updates with the same prevVersion", contenders)
	if w := winner.Load(); w != nil {
		assertSameEvent(t, w, mustGet(t, s, "a"), "a Store must keep the event of the one Update that succeeded")
	}
}

// countOutcomes tallies nil errors and errors matching target.
type countOutcomes struct {
	ok, matched atomic.Int32
}

func (c *countOutcomes) add(t *testing.T, err, target error, rule string) {
	switch {
	case err == nil:
		c.ok.Add(1)
	case errors.Is(err, target):
		c.matched.Add(1)
	default:
		assert.NoError(t, err, rule)
	}
}

func testConcurrencyCreateSameID(t *testing.T, s seminar.Store) {
	const n = 20
	var c countOutcomes
	race(n, func(i int) {
		e := newEvent("a", june, time.Hour)
		e.UID = fmt.Sprintf("a%02d@storetest.invalid", i)
		c.add(t, s.Create(t.Context(), e), seminar.ErrExists, "a Store must return nil or ErrExists from concurrent Creates of one ID")
	})
	assert.EqualValues(t, 1, c.ok.Load(), "a Store must let exactly one of %d concurrent Creates of one ID succeed", n)
	assert.EqualValues(t, n-1, c.matched.Load(), "a Store must return ErrExists to every other one of %d concurrent Creates of one ID", n)
	assert.Equal(t, []string{"a"}, listIDs(t, s, everything()), "a Store must store one event for concurrent Creates of one ID")
}

func testConcurrencyCreateSameUID(t *testing.T, s seminar.Store) {
	const n = 20
	var c countOutcomes
	race(n, func(i int) {
		e := newEvent(fmt.Sprintf("a%02d", i), june, time.Hour)
		e.UID = "shared@storetest.invalid"
		c.add(t, s.Create(t.Context(), e), seminar.ErrExists, "a Store must return nil or ErrExists from concurrent Creates of one UID")
	})
	assert.EqualValues(t, 1, c.ok.Load(), "a Store must let exactly one of %d concurrent Creates of one UID succeed", n)
	assert.EqualValues(t, n-1, c.matched.Load(), "a Store must return ErrExists to every other one of %d concurrent Creates of one UID", n)
	assert.Len(t, listIDs(t, s, everything()), 1, "a Store must store one event for concurrent Creates of one UID")
}

func testConcurrencyDeleteSameID(t *testing.T, s seminar.Store) {
	const n = 20
	mustCreate(t, s, newEvent("a", june, time.Hour), newEvent("b", june, time.Hour))
	var c countOutcomes
	race(n, func(int) {
		c.add(t, s.Delete(t.Context(), "a"), seminar.ErrNotFound, "a Store must return nil or ErrNotFound from concurrent Deletes of one ID")
	})
	assert.EqualValues(t, 1, c.ok.Load(), "a Store must let exactly one of %d concurrent Deletes of one ID succeed", n)
	assert.EqualValues(t, n-1, c.matched.Load(), "a Store must return ErrNotFound to every other one of %d concurrent Deletes of one ID", n)
	assert.Equal(t, []string{"b"}, listIDs(t, s, everything()), "a Store must delete only the event with the ID given to Delete")
}

// testConcurrencyReadWhileUpdating checks that readers see each version whole:
// every version's Title, Start and Version agree.
func testConcurrencyReadWhileUpdating(t *testing.T, s seminar.Store) {
	const versions, readers = 60, 8
	title := func(v int64) string { return fmt.Sprintf("Version %d", v) }
	start := func(v int64) time.Time { return june.Add(time.Duration(v) * time.Hour) }
	cur := newEvent("a", start(1), time.Hour)
	cur.Title = title(1)
	mustCreate(t, s, cur)
	consistent := func(e *seminar.Event) bool {
		return e.Title == title(e.Version) && e.Start.Equal(start(e.Version))
	}
	var done atomic.Bool
	race(readers+1, func(i int) {
		if i == readers {
			defer done.Store(true)
			for v := cur.Version + 1; v <= versions; v++ {
				next := edit(cur, title(v))
				next.Start, next.End = start(v), start(v).Add(time.Hour)
				if !assert.NoError(t, s.Update(t.Context(), next, cur.Version), "a Store must update an event while others read it") {
					return
				}
				cur = next
			}
			return
		}
		for !done.Load() {
			if !readConsistent(t, s, consistent) {
				return
			}
		}
	})
}

// readConsistent gets and lists the one event of s and reports whether both
// calls succeeded and returned a version that consistent accepts.
func readConsistent(t *testing.T, s seminar.Store, consistent func(*seminar.Event) bool) bool {
	e, err := s.Get(t.Context(), "a")
	if !assert.NoError(t, err, "a Store must return an event while it is updated") ||
		!assert.Truef(t, consistent(e), "a Store must return from Get one whole version of an event while it is updated: got Version %d with Title %q", e.Version, e.Title) {
		return false
	}
	listed, err := s.List(t.Context(), everything())
	return assert.NoError(t, err, "a Store must list events while one is updated") &&
		assert.Len(t, listed, 1, "a Store must list an event once while it is updated") &&
		assert.Truef(t, consistent(listed[0]), "a Store must list one whole version of an event while it is updated: got Version %d with Title %q", listed[0].Version, listed[0].Title)
}
