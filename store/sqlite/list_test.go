package sqlite_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// varied returns n events with awkward times: shared starts (so that ID
// breaks ties), durations up to MaxDuration, starts and ends on the hour
// (so that bounds land exactly on them), and every filter value.
func varied(rng *rand.Rand, n int) []*seminar.Event {
	events := make([]*seminar.Event, n)
	for i := range events {
		e := sampleEvent(i, 0)
		e.Start = base.Add(time.Duration(rng.IntN(24*90)) * time.Hour)
		switch rng.IntN(4) {
		case 0:
			e.End = e.Start.Add(seminar.MaxDuration)
		case 1:
			e.End = e.Start.Add(time.Duration(1+rng.IntN(24*31)) * time.Hour)
		default:
			e.End = e.Start.Add(time.Duration(1+rng.IntN(3)) * time.Hour)
		}
		e.Series = []string{"", "Theory", "Systems"}[rng.IntN(3)]
		e.Public = rng.IntN(2) == 0
		if rng.IntN(5) == 0 {
			e.Status = seminar.StatusCancelled
		}
		events[i] = e
	}
	return events
}

// randomQuery returns a query with each bound and filter set or not.
func randomQuery(rng *rand.Rand, events []*seminar.Event) seminar.ListQuery {
	at := func() time.Time {
		if rng.IntN(2) == 0 {
			e := events[rng.IntN(len(events))]
			return []time.Time{e.Start, e.End}[rng.IntN(2)] // exactly on an event's bound
		}
		return base.Add(time.Duration(rng.IntN(24*100)-24*5) * time.Hour)
	}
	var q seminar.ListQuery
	if rng.IntN(4) > 0 {
		q.From = at()
	}
	if rng.IntN(4) > 0 {
		q.To = at()
		if !q.From.IsZero() && q.To.Before(q.From) {
			q.From, q.To = q.To, q.From
		}
	}
	if rng.IntN(3) == 0 {
		q.Series = []string{"Theory", "Systems", "Nonexistent"}[rng.IntN(3)]
	}
	q.PublicOnly = rng.IntN(2) == 0
	q.IncludeCancelled = rng.IntN(2) == 0
	if rng.IntN(2) == 0 {
		e := events[rng.IntN(len(events))]
		q.After = &seminar.Position{Start: e.Start, ID: e.ID}
		if rng.IntN(3) == 0 {
			q.After.ID = e.ID[:len(e.ID)-1] // between IDs
		}
	}
	q.Limit = []int{1, 5, 50, 1000}[rng.IntN(4)]
	return q
}

// expected is what a listing must return: the events q.Match selects, in
// (Start, ID) order, at most q.Limit of them.
func expected(events []*seminar.Event, q seminar.ListQuery) []string {
	ids := []string{}
	sorted := slices.Clone(events)
	slices.SortFunc(sorted, seminar.Compare)
	for _, e := range sorted {
		if len(ids) < q.Limit && q.Match(e) {
			ids = append(ids, e.ID)
		}
	}
	return ids
}

func ids(events []*seminar.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}

func describe(q seminar.ListQuery) string {
	after := "nil"
	if q.After != nil {
		after = fmt.Sprintf("{%s %s}", q.After.Start.Format(time.RFC3339), q.After.ID)
	}
	return fmt.Sprintf("from=%s to=%s series=%q public=%v cancelled=%v after=%s limit=%d",
		q.From.Format(time.RFC3339), q.To.Format(time.RFC3339), q.Series, q.PublicOnly, q.IncludeCancelled, after, q.Limit)
}

func TestStore_List_SelectsWhatMatchSelects(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	events := varied(rng, 400)
	for kind, s := range stores(t) {
		t.Run(kind, func(t *testing.T) {
			require.NoError(t, s.Create(t.Context(), events...))
			for range 500 {
				q := randomQuery(rng, events)
				got, err := s.List(t.Context(), q)
				require.NoError(t, err)
				if !assert.Equal(t, expected(events, q), ids(got), describe(q)) {
					return
				}
			}
		})
	}
}

func TestStore_List_PagesCoverEverythingOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	events := varied(rng, 300)
	s, _ := openFile(t)
	require.NoError(t, s.Create(t.Context(), events...))
	q := seminar.ListQuery{From: base.Add(10 * 24 * time.Hour), To: base.Add(60 * 24 * time.Hour), Limit: 7}
	want := expected(events, seminar.ListQuery{From: q.From, To: q.To, Limit: len(events)})
	var got []string
	for {
		page, err := s.List(t.Context(), q)
		require.NoError(t, err)
		got = append(got, ids(page)...)
		if len(page) < q.Limit {
			break
		}
		last := page[len(page)-1]
		q.After = &seminar.Position{Start: last.Start, ID: last.ID}
	}
	assert.Equal(t, want, got, "following After page by page must list every event once, in order")
}

func TestStore_List_InvalidLimit(t *testing.T) {
	s, _ := openFile(t)
	_, err := s.List(t.Context(), seminar.ListQuery{})
	assert.ErrorIs(t, err, seminar.ErrInvalid)
}

// TestStore_List_UsesStartIndex checks the plan SQLite makes for the month
// query of a calendar: a search of the (start_ns, id) index bounded on both
// sides, in index order, so that the cost follows the month and not the
// table; a series has an index of its own.
func TestStore_List_UsesStartIndex(t *testing.T) {
	s, _ := openFile(t)
	require.NoError(t, s.Create(t.Context(), sampleEvents(0, 2000, 6*time.Hour)...))
	june := time.Date(2017, time.June, 1, 0, 0, 0, 0, time.UTC)
	for name, c := range map[string]struct {
		q      seminar.ListQuery
		search string
	}{
		"month": {seminar.ListQuery{From: june, To: june.AddDate(0, 1, 0), Limit: 51},
			"SEARCH events USING INDEX events_start (start_ns>? AND start_ns<?)"},
		"month, public, next page": {seminar.ListQuery{From: june, To: june.AddDate(0, 1, 0), Limit: 51,
			Filter: seminar.Filter{PublicOnly: true},
			After:  &seminar.Position{Start: june.AddDate(0, 0, 10), ID: "ev0000040"}},
			"SEARCH events USING INDEX events_start (start_ns>? AND start_ns<?)"},
		"from now on": {seminar.ListQuery{From: june, Limit: 51},
			"SEARCH events USING INDEX events_start (start_ns>?)"},
		"month of a series": {seminar.ListQuery{From: june, To: june.AddDate(0, 1, 0), Limit: 51, Filter: seminar.Filter{Series: "ai"}},
			"SEARCH events USING INDEX events_series (series=? AND start_ns>? AND start_ns<?)"},
	} {
		t.Run(name, func(t *testing.T) {
			q := c.q
			query, args := sqlite.ListSQL(q)
			rows, err := sqlite.DB(s).QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+query, args...)
			require.NoError(t, err)
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, notUsed int
				var detail string
				require.NoError(t, rows.Scan(&id, &parent, &notUsed, &detail))
				plan = append(plan, detail)
			}
			require.NoError(t, rows.Err())
			text := strings.Join(plan, "\n")
			assert.Contains(t, text, c.search, "plan:\n%s", text)
			assert.NotContains(t, text, "SCAN events", "a month listing must not scan the table; plan:\n%s", text)
			assert.NotContains(t, text, "TEMP B-TREE", "a listing must come in index order, not be sorted; plan:\n%s", text)
		})
	}
}
