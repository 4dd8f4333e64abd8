package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/seminarkit/seminar"
)

// assertSameEvent checks that got is want as the Store contract promises to
// give it back: every time the same instant (its Location may differ), a nil
// or empty slice back as nil or empty, and everything else identical. rule
// names what the store was asked to do, for the failure message.
func assertSameEvent(t *testing.T, want, got *seminar.Event, rule string) bool {
	t.Helper()
	if !assert.NotNil(t, got, rule) {
		return false
	}
	w, g := *want, *got
	ok := true
	for _, f := range []struct {
		name      string
		want, got *time.Time
	}{
		{"Start", &w.Start, &g.Start},
		{"End", &w.End, &g.End},
		{"Slot", &w.Slot, &g.Slot},
		{"CreatedAt", &w.CreatedAt, &g.CreatedAt},
		{"UpdatedAt", &w.UpdatedAt, &g.UpdatedAt},
	} {
		ok = assert.Truef(t, f.want.Equal(*f.got), "%s: %s came back as %s, want the instant %s",
			rule, f.name, f.got.UTC().Format(time.RFC3339Nano), f.want.UTC().Format(time.RFC3339Nano)) && ok
		// Times are checked; the Location they come back in does not
		// matter, so the field comparison below takes want's.
		*f.got = *f.want
	}
	sameIfEmpty(w.Speakers, &g.Speakers)
	sameIfEmpty(w.Links, &g.Links)
	sameIfEmpty(w.ResearchAreas, &g.ResearchAreas)
	sameIfEmpty(w.ImpactAreas, &g.ImpactAreas)
	sameIfEmpty(w.Reminders.Lists, &g.Reminders.Lists)
	sameIfEmpty(w.Reminders.Schedule, &g.Reminders.Schedule)
	return assert.Equal(t, w, g, rule) && ok
}

// sameIfEmpty makes *got the same as want when both are nil or empty: the
// contract lets a nil slice come back empty and the reverse, but never a
// non-empty slice changed.
func sameIfEmpty[S ~[]E, E any](want S, got *S) {
	if len(want) == 0 && len(*got) == 0 {
		*got = want
	}
}

// ids returns the IDs of events, in order.
func ids(events []*seminar.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}

// expectIDs returns the IDs a Store must list for q out of all, computed with
// seminar.ListQuery.Match and seminar.Compare.
func expectIDs(all []*seminar.Event, q seminar.ListQuery) []string {
	var match []*seminar.Event
	for _, e := range all {
		if q.Match(e) {
			match = append(match, e)
		}
	}
	slices.SortFunc(match, seminar.Compare)
	if len(match) > q.Limit {
		match = match[:q.Limit]
	}
	return ids(match)
}
