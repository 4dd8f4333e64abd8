package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

var pagingCases = []testCase{
	{"Walk", testPagingWalk},
	{"WalkFiltered", testPagingWalkFiltered},
	{"After", testPagingAfter},
	{"CreateBetweenPages", testPagingCreateBetweenPages},
	{"CreateWhileWalking", testPagingCreateWhileWalking},
}

const pageSize = 7

// pagingEvents returns 60 events, three at each Start, whose IDs are not in
// creation order; some are cancelled and some not public.
func pagingEvents() []*seminar.Event {
	events := make([]*seminar.Event, 60)
	for i := range events {
		e := newEvent(fmt.Sprintf("p%02d", i*37%60), june.Add(time.Duration(i/3)*time.Hour), 30*time.Minute)
		e.Public = i%7 != 0
		if i%5 == 0 {
			e.Status = seminar.StatusCancelled
		}
		events[i] = e
	}
	return events
}

// createShuffled stores events in batches of five, in random order.
func createShuffled(t *testing.T, s seminar.Store, events []*seminar.Event) {
	t.Helper()
	shuffled := slices.Clone(events)
	rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for batch := range slices.Chunk(shuffled, 5) {
		mustCreate(t, s, batch...)
	}
}

// walk lists q page by page, each page starting After the last event of the
// one before, until a page comes back short. It calls between, if not nil,
// after each full page with the position the next page starts after.
func walk(t *testing.T, s seminar.Store, q seminar.ListQuery, between func(after seminar.Position)) []*seminar.Event {
	t.Helper()
	q.Limit = pageSize
	var seen []*seminar.Event
	for range 1000 {
		page := mustList(t, s, q)
		require.LessOrEqual(t, len(page), pageSize, "a Store must list at most Limit events")
		seen = append(seen, page...)
		if len(page) < pageSize {
			return seen
		}
		last := page[len(page)-1]
		q.After = &seminar.Position{Start: last.Start, ID: last.ID}
		if between != nil {
			between(*q.After)
		}
	}
	require.FailNow(t, "a Store must list only events after the position given in After")
	return nil
}

func testPagingWalk(t *testing.T, s seminar.Store) {
	events := pagingEvents()
	createShuffled(t, s, events)
	assert.Equal(t, expectIDs(events, everything()), ids(walk(t, s, everything(), nil)),
		"a Store must list every event exactly once, in order, when a listing is paged with After and Limit")
}

func testPagingWalkFiltered(t *testing.T, s seminar.Store) {
	events := pagingEvents()
	createShuffled(t, s, events)
	q := seminar.ListQuery{From: june.Add(4*time.Hour + 45*time.Minute), To: june.Add(17 * time.Hour), Filter: seminar.Filter{PublicOnly: true}}
	want := expectIDs(events, seminar.ListQuery{From: q.From, To: q.To, Filter: q.Filter, Limit: maxLimit})
	require.Greater(t, len(want), 2*pageSize, "storetest must page over more than two pages")
	assert.Equal(t, want, ids(walk(t, s, q, nil)),
		"a Store must list every matching event exactly once, in order, when a filtered listing is paged")
}

func testPagingAfter(t *testing.T, s seminar.Store) {
	events := pagingEvents()
	createShuffled(t, s, events)
	// p01, p24 and p38 start at 04:00; p15, p29 and p52 at 05:00.
	four := june.Add(4 * time.Hour)
	kolkata := zone(t, "Asia/Kolkata")
	for _, tc := range []struct {
		rule  string
		after seminar.Position
		want  []string
	}{
		{"a Store must list the events after After, ordered by Start and ID",
			seminar.Position{Start: four, ID: "p01"}, []string{"p24", "p38", "p15"}},
		{"a Store must list the events at After.Start whose IDs come after After.ID",
			seminar.Position{Start: four, ID: "p30"}, []string{"p38", "p15", "p29"}},
		{"a Store must list every event at After.Start when After.ID comes before all of their IDs",
			seminar.Position{Start: four, ID: ""}, []string{"p01", "p24", "p38"}},
		{"a Store must skip every event at After.Start when After.ID comes after all of their IDs",
			seminar.Position{Start: four, ID: "zz"}, []string{"p15", "p29", "p52"}},
		{"a Store must list from After when After.Start falls between events",
			seminar.Position{Start: four.Add(30 * time.Minute), ID: "a"}, []string{"p15", "p29", "p52"}},
		{"a Store must compare After.Start as an instant, whatever its zone",
			seminar.Position{Start: four.In(kolkata), ID: "p24"}, []string{"p38", "p15", "p29"}},
	} {
		q := everything()
		q.After = &tc.after
		q.Limit = 3
		require.Equal(t, tc.want, expectIDs(events, q), "storetest disagrees with seminar.ListQuery.Match")
		assert.Equal(t, tc.want, listIDs(t, s, q), "%s (After %s %q)", tc.rule, show(tc.after.Start), tc.after.ID)
	}
}

// testPagingCreateBetweenPages creates, after each page, events on both sides
// of the position the next page starts after, including ties on Start.
func testPagingCreateBetweenPages(t *testing.T, s seminar.Store) {
	events := pagingEvents()
	createShuffled(t, s, events)
	var behind, ahead []string
	n := 0
	seen := walk(t, s, everything(), func(after seminar.Position) {
		n++
		mk := func(prefix string, start time.Time) *seminar.Event {
			return newEvent(fmt.Sprintf("%s%02d", prefix, n), start, time.Hour)
		}
		// Every ID on a page starts with p, n or z: a.. sorts before them
		// all, and z.. with a larger n after.
		before := []*seminar.Event{mk("b", after.Start.Add(-time.Hour)), mk("a", after.Start)}
		later := []*seminar.Event{mk("n", after.Start.Add(90*time.Minute)), mk("z", after.Start)}
		mustCreate(t, s, append(before, later...)...)
		behind = append(behind, ids(before)...)
		ahead = append(ahead, ids(later)...)
	})
	assertOrderedOnce(t, seen, events, "a Store must list each event once, in order, when events are created between pages")
	got := ids(seen)
	for _, id := range behind {
		assert.NotContains(t, got, id, "a Store must not list an event ordered before After")
	}
	for _, id := range ahead {
		assert.Contains(t, got, id, "a Store must list an event ordered after After, even one created after the listing began")
	}
}

// testPagingCreateWhileWalking walks a listing while another goroutine
// creates events all over it.
func testPagingCreateWhileWalking(t *testing.T, s seminar.Store) {
	events := pagingEvents()
	createShuffled(t, s, events)
	done := make(chan struct{})
	var wg sync.WaitGroup
	var createErr error
	wg.Go(func() {
		for i := range 300 {
			select {
			case <-done:
				return
			default:
			}
			start := june.Add(time.Duration(rand.IntN(22*60)) * time.Minute).Truncate(30 * time.Minute)
			if err := s.Create(t.Context(), newEvent(fmt.Sprintf("c%05d", i), start, time.Hour)); err != nil {
				createErr = err
				return
			}
		}
	})
	for range 5 {
		seen := walk(t, s, everything(), nil)
		assertOrderedOnce(t, seen, events, "a Store must list each event once, in order, when a listing is paged while events are created")
	}
	close(done)
	wg.Wait()
	assert.NoError(t, createErr, "a Store must create events while it is listing")
}

// assertOrderedOnce checks that seen is in strictly increasing (Start, ID)
// order, hence without duplicates, and holds every event of existing.
func assertOrderedOnce(t *testing.T, seen, existing []*seminar.Event, rule string) {
	t.Helper()
	for i := 1; i < len(seen); i++ {
		if !assert.Negative(t, seminar.Compare(seen[i-1], seen[i]),
			"%s: %q at %s is listed after %q at %s", rule,
			seen[i].ID, show(seen[i].Start), seen[i-1].ID, show(seen[i-1].Start)) {
			return
		}
	}
	got := ids(seen)
	for _, e := range existing {
		assert.Contains(t, got, e.ID, "%s: an event stored before the listing began is missing", rule)
	}
}
