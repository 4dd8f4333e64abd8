package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

var listCases = []testCase{
	{"Order", testListOrder},
	{"Range", testListRange},
	{"RangeInOtherZones", testListRangeInOtherZones},
	{"Limit", testListLimit},
}

func testListOrder(t *testing.T, s seminar.Store) {
	ny, kolkata := zone(t, "America/New_York"), zone(t, "Asia/Kolkata")
	noon := june.Add(12 * time.Hour)
	// The same instant written in three zones: a store must order by
	// instant, not by wall clock or by the text of a time.
	tieB := newEvent("tieb", noon.In(ny), time.Hour)
	tieA := newEvent("tiea", noon.In(kolkata), 2*time.Hour)
	tieC := newEvent("tiec", noon, 30*time.Minute)
	// Earlier by instant, later by New York wall clock and by its text.
	early := newEvent("early", noon.Add(-time.Hour).In(kolkata), time.Hour)
	late := newEvent("late", noon.Add(time.Hour).In(ny), time.Hour)
	mustCreate(t, s, tieB, late)
	mustCreate(t, s, tieA, early, tieC)
	assert.Equal(t, []string{"early", "tiea", "tieb", "tiec", "late"}, listIDs(t, s, everything()),
		"a Store must list events ordered by Start and then, for equal Starts, by ID")

	all := []*seminar.Event{tieB, late, tieA, early, tieC}
	for i := range 40 {
		e := newEvent(fmt.Sprintf("r%02d", (i*17)%40), june.Add(time.Duration(i%7)*time.Hour), time.Hour)
		all = append(all, e)
		mustCreate(t, s, e)
	}
	assert.Equal(t, expectIDs(all, everything()), listIDs(t, s, everything()),
		"a Store must list events ordered by Start and then, for equal Starts, by ID")
}

// rangeEvents are placed on the edges of the ranges in testListRange, all in
// May and June 2026 except the first and last.
func rangeEvents(t *testing.T) []*seminar.Event {
	ny := zone(t, "America/New_York")
	long := seminar.MaxDuration
	return []*seminar.Event{
		newEvent("april", time.Date(2026, time.April, 10, 12, 0, 0, 0, time.UTC), time.Hour),
		newEvent("longout", june.Add(-long), long),                                     // ends exactly at June
		newEvent("longin", june.Add(-long+time.Second), long),                          // lasts MaxDuration, ends a second into June
		newEvent("endsatfrom", june.Add(-time.Hour), time.Hour),                        // ends exactly at June
		newEvent("endsafter", june.Add(-time.Hour), time.Hour+time.Second),             // ends a second into June
		newEvent("monthend", june.Add(-time.Hour), 2*time.Hour),                        // May 31 23:00 to June 1 01:00
		newEvent("atfrom", june, time.Hour),                                            // starts exactly at June
		newEvent("nylocal", time.Date(2026, time.May, 31, 21, 0, 0, 0, ny), time.Hour), // June 1 01:00 UTC, May 31 in New York
		newEvent("midnight", time.Date(2026, time.June, 10, 23, 30, 0, 0, time.UTC), time.Hour),
		newEvent("mid", time.Date(2026, time.June, 15, 12, 0, 0, 0, time.UTC), time.Hour),
		newEvent("beforeto", july.Add(-time.Second), time.Hour), // starts a second before July
		newEvent("atto", july, time.Hour),                       // starts exactly at July
		newEvent("july", time.Date(2026, time.July, 15, 12, 0, 0, 0, time.UTC), time.Hour),
	}
}

func day(month time.Month, d int) time.Time { return time.Date(2026, month, d, 0, 0, 0, 0, time.UTC) }

func testListRange(t *testing.T, s seminar.Store) {
	events := rangeEvents(t)
	mustCreate(t, s, events...)
	may := june.AddDate(0, -1, 0)
	for _, tc := range []struct {
		rule     string
		from, to time.Time
		want     []string
	}{
		{"a Store must list the events overlapping [From, To): starting before To and ending after From",
			june, july, []string{"longin", "endsafter", "monthend", "atfrom", "nylocal", "midnight", "mid", "beforeto"}},
		{"a Store must list the events overlapping [From, To) for the month before",
			may, june, []string{"longout", "longin", "endsafter", "endsatfrom", "monthend"}},
		{"a Store must list the events overlapping [From, To) for the month after",
			july, july.AddDate(0, 1, 0), []string{"beforeto", "atto", "july"}},
		{"a Store must list the events overlapping [From, To) for April",
			may.AddDate(0, -1, 0), may, []string{"april"}},
		{"a Store must list an event spanning midnight in the day it starts",
			day(time.June, 10), day(time.June, 11), []string{"midnight"}},
		{"a Store must list an event spanning midnight in the day it ends",
			day(time.June, 11), day(time.June, 12), []string{"midnight"}},
		{"a Store must list every event starting before To when From is zero",
			time.Time{}, june, []string{"april", "longout", "longin", "endsafter", "endsatfrom", "monthend"}},
		{"a Store must list every event ending after From when To is zero",
			july, time.Time{}, []string{"beforeto", "atto", "july"}},
		{"a Store must list every event when From and To are zero",
			time.Time{}, time.Time{}, expectIDs(events, everything())},
		{"a Store must list an event lasting MaxDuration that ends one second after From",
			june, june.Add(time.Second), []string{"longin", "endsafter", "monthend", "atfrom"}},
		{"a Store must list events in a range of one second",
			july.Add(-time.Second), july, []string{"beforeto"}},
	} {
		q := seminar.ListQuery{From: tc.from, To: tc.to, Limit: maxLimit}
		require.Equal(t, tc.want, expectIDs(events, q), "storetest disagrees with seminar.ListQuery.Match")
		assert.Equal(t, tc.want, listIDs(t, s, q), "%s (From %s, To %s)", tc.rule, show(tc.from), show(tc.to))
	}
}

// testListRangeInOtherZones asks for June with From and To written in zones
// other than UTC: a store must compare instants.
func testListRangeInOtherZones(t *testing.T, s seminar.Store) {
	events := rangeEvents(t)
	mustCreate(t, s, events...)
	want := []string{"longin", "endsafter", "monthend", "atfrom", "nylocal", "midnight", "mid", "beforeto"}
	for _, zones := range [][2]string{{"Asia/Kolkata", "Pacific/Chatham"}, {"America/New_York", "Asia/Kolkata"}} {
		q := seminar.ListQuery{From: june.In(zone(t, zones[0])), To: july.In(zone(t, zones[1])), Limit: maxLimit}
		assert.Equal(t, want, listIDs(t, s, q),
			"a Store must compare the instants of From and To, whatever their zone (%s, %s)", zones[0], zones[1])
	}
}

func testListLimit(t *testing.T, s seminar.Store) {
	var events []*seminar.Event
	for i := range 20 {
		events = append(events, newEvent(fmt.Sprintf("l%02d", i), june.Add(time.Duration(i/2)*time.Hour), time.Hour))
	}
	shuffled := slices.Clone(events)
	rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	mustCreate(t, s, shuffled...)
	for _, limit := range []int{1, 2, 5, 19, 20, 21, 1000} {
		q := seminar.ListQuery{Limit: limit}
		assert.Equal(t, expectIDs(events, q), listIDs(t, s, q),
			"a Store must list the first Limit events in order, or all when fewer match (Limit %d)", limit)
	}
	q := seminar.ListQuery{From: june.Add(3 * time.Hour), To: june.Add(8 * time.Hour), Limit: 3}
	require.Equal(t, []string{"l06", "l07", "l08"}, expectIDs(events, q), "storetest disagrees with seminar.ListQuery.Match")
	assert.Equal(t, []string{"l06", "l07", "l08"}, listIDs(t, s, q),
		"a Store must apply Limit after the range, listing the first Limit events that overlap it")
}

// show formats a query bound for failure messages.
func show(t time.Time) string {
	if t.IsZero() {
		return "zero"
	}
	return t.UTC().Format(time.RFC3339)
}
