package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/seminarkit/seminar"
)

var filterCases = []testCase{
	{"Cancelled", testFilterCancelled},
	{"Series", testFilterSeries},
	{"PublicOnly", testFilterPublicOnly},
	{"Combinations", testFilterCombinations},
}

// filterSeries are the series of filterEvents, keyed by the word their IDs
// carry. They differ in case only, or one is a prefix of another, or they are
// not ASCII, so that a store comparing loosely is caught.
var filterSeries = []struct{ key, name string }{
	{"none", ""},
	{"theory", "Theory"},
	{"lower", "theory"},
	{"lunch", "Theory Lunch"},
	{"accent", "Séminaire"},
}

// filterEvents returns an event, one hour after the one before, for every
// series, public or not, and status: "sched" (scheduled), "blank" (the zero
// Status, which reads as scheduled) and "cancel". IDs read
// series-visibility-status, such as "theory-pub-cancel".
func filterEvents() []*seminar.Event {
	var events []*seminar.Event
	for _, series := range filterSeries {
		for _, public := range []bool{true, false} {
			for _, status := range []struct {
				key    string
				status seminar.Status
			}{{"sched", seminar.StatusScheduled}, {"blank", ""}, {"cancel", seminar.StatusCancelled}} {
				visibility := "pub"
				if !public {
					visibility = "priv"
				}
				e := newEvent(series.key+"-"+visibility+"-"+status.key, june.Add(time.Duration(len(events))*time.Hour), time.Hour)
				e.Series = series.name
				e.Public = public
				e.Status = status.status
				if status.status == seminar.StatusCancelled {
					e.CancelReason = "Cancelled"
				}
				events = append(events, e)
			}
		}
	}
	return events
}

func testFilterCancelled(t *testing.T, s seminar.Store) {
	mustCreate(t, s, filterEvents()...)
	q := seminar.ListQuery{Filter: seminar.Filter{Series: "Theory"}, Limit: maxLimit}
	assert.Equal(t, []string{"theory-pub-sched", "theory-pub-blank", "theory-priv-sched", "theory-priv-blank"}, listIDs(t, s, q),
		"a Store must leave cancelled events out unless IncludeCancelled is set, and list events with an empty Status")
	q.IncludeCancelled = true
	assert.Equal(t, []string{"theory-pub-sched", "theory-pub-blank", "theory-pub-cancel", "theory-priv-sched", "theory-priv-blank", "theory-priv-cancel"}, listIDs(t, s, q),
		"a Store must list cancelled events when IncludeCancelled is set")
}

func testFilterSeries(t *testing.T, s seminar.Store) {
	mustCreate(t, s, filterEvents()...)
	for _, tc := range []struct {
		series string
		want   []string
	}{
		{"Theory", []string{"theory-pub-sched", "theory-pub-blank", "theory-priv-sched", "theory-priv-blank"}},
		{"theory", []string{"lower-pub-sched", "lower-pub-blank", "lower-priv-sched", "lower-priv-blank"}},
		{"Theory Lunch", []string{"lunch-pub-sched", "lunch-pub-blank", "lunch-priv-sched", "lunch-priv-blank"}},
		{"Séminaire", []string{"accent-pub-sched", "accent-pub-blank", "accent-priv-sched", "accent-priv-blank"}},
		{"Seminaire", []string{}},
		{"Theo", []string{}},
	} {
		q := seminar.ListQuery{Filter: seminar.Filter{Series: tc.series}, Limit: maxLimit}
		assert.Equal(t, tc.want, listIDs(t, s, q),
			"a Store must list only the events whose Series equals Filter.Series exactly, case and accents included (Series %q)", tc.series)
	}
	assert.Len(t, listIDs(t, s, seminar.ListQuery{Limit: maxLimit}), 20,
		"a Store must list the events of every series, and of none, when Filter.Series is empty")
}

func testFilterPublicOnly(t *testing.T, s seminar.Store) {
	mustCreate(t, s, filterEvents()...)
	q := seminar.ListQuery{Filter: seminar.Filter{Series: "Séminaire", PublicOnly: true, IncludeCancelled: true}, Limit: maxLimit}
	assert.Equal(t, []string{"accent-pub-sched", "accent-pub-blank", "accent-pub-cancel"}, listIDs(t, s, q),
		"a Store must leave out events that are not Public when PublicOnly is set")
	q.PublicOnly = false
	assert.Len(t, listIDs(t, s, q), 6, "a Store must list events that are not Public when PublicOnly is not set")
}

func testFilterCombinations(t *testing.T, s seminar.Store) {
	events := filterEvents()
	mustCreate(t, s, events...)
	ranges := []struct{ from, to time.Time }{
		{},
		{june.Add(7*time.Hour + time.Minute), june.Add(22 * time.Hour)},
		{june.Add(12 * time.Hour), time.Time{}},
	}
	for _, r := range ranges {
		for _, series := range []string{"", "Theory", "theory", "Theory Lunch", "Séminaire", "Missing"} {
			for _, publicOnly := range []bool{false, true} {
				for _, cancelled := range []bool{false, true} {
					q := seminar.ListQuery{From: r.from, To: r.to, Limit: maxLimit, Filter: seminar.Filter{
						Series: series, PublicOnly: publicOnly, IncludeCancelled: cancelled,
					}}
					assert.Equal(t, expectIDs(events, q), listIDs(t, s, q),
						"a Store must list exactly the events for which ListQuery.Match is true "+
							"(From %s, To %s, Series %q, PublicOnly %t, IncludeCancelled %t)",
						show(r.from), show(r.to), series, publicOnly, cancelled)
				}
			}
		}
	}
}
