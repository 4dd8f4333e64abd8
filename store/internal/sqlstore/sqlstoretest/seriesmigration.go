package sqlstoretest

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

// FreeTextEvents is how many events WithFreeTextSeries takes.
const FreeTextEvents = 10

// freeTextSeries are values of events.series from before series were
// kept, with the series ID each must become: names that slug alike, a name
// that is its own slug (and one taken by another's slug), names with no
// letter or digit, accents, and no series at all.
var freeTextSeries = [FreeTextEvents]struct{ Name, ID string }{
	{"Vision Seminar", "vision-seminar"},
	{"vision", "vision"},
	{"Vision", "vision-4"},
	{"VISION", "vision-3"},
	{"vision-2", "vision-2"},
	{"???", "series-2"},
	{"!!!", "series"},
	{"Séminaire d'Algèbre", "seminaire-d-algebre"},
	{"", ""},
	{"Vision", "vision-4"}, // a second talk of the series, created before the first
}

// WithFreeTextSeries gives events[i] the Series freeTextSeries[i].Name, and
// the second talk of "Vision" an earlier CreatedAt than the first's, for
// the series' CreatedAt. It needs FreeTextEvents events.
func WithFreeTextSeries(t *testing.T, events []*seminar.Event) {
	t.Helper()
	require.Len(t, events, FreeTextEvents)
	for i, e := range events {
		e.Series = freeTextSeries[i].Name
	}
	events[9].CreatedAt = events[2].CreatedAt.Add(-time.Hour)
}

// store is what the check reads the migrated database with.
type store interface {
	seminar.Store
	seminar.SeriesStore
}

// CheckSeriesMigrated checks that s, opened on a database that held before
// (made by WithFreeTextSeries) at the schema before series, has made a
// series of each distinct non-empty Series, and kept every event as it was
// but for its Series, now the ID of the series named as it was.
func CheckSeriesMigrated(t *testing.T, s store, before []*seminar.Event) {
	t.Helper()
	ctx := t.Context()
	want := map[string]*seminar.Series{}
	for i, e := range before {
		id := freeTextSeries[i].ID
		got, err := s.Get(ctx, e.ID)
		require.NoError(t, err, "an event must outlive the migration to series")
		after := *e
		after.Series = id
		assertSameInstants(t, &after, got)
		assert.Equal(t, &after, got, "the migration must keep every field of an event but its Series, which becomes the series' ID")
		if id == "" {
			continue
		}
		if w := want[id]; w != nil {
			if e.CreatedAt.Before(w.CreatedAt) {
				w.CreatedAt, w.UpdatedAt = e.CreatedAt, e.CreatedAt
			}
			continue
		}
		want[id] = &seminar.Series{ID: id, Name: e.Series, Version: 1, CreatedAt: e.CreatedAt, UpdatedAt: e.CreatedAt}
	}
	list, err := s.ListSeries(ctx)
	require.NoError(t, err)
	var ids []string
	for _, series := range list {
		ids = append(ids, series.ID)
		w := want[series.ID]
		if !assert.NotNilf(t, w, "the migration made a series %q of no free-text series", series.ID) {
			continue
		}
		assert.Truef(t, w.CreatedAt.Equal(series.CreatedAt) && w.UpdatedAt.Equal(series.UpdatedAt),
			"series %q: created and updated at %s and %s, want %s: when its first talk was created",
			series.ID, series.CreatedAt, series.UpdatedAt, w.CreatedAt)
		series.CreatedAt, series.UpdatedAt = w.CreatedAt, w.UpdatedAt
		assert.Equal(t, w, series, "a migrated series has its free-text name, version 1, and nothing else")
	}
	wantIDs := make([]string, 0, len(want))
	for id := range want {
		wantIDs = append(wantIDs, id)
	}
	slices.Sort(wantIDs)
	assert.Equal(t, wantIDs, ids, "the migration must make one series of each distinct non-empty free-text series, listed by ID")

	vision, err := s.List(ctx, seminar.ListQuery{Filter: seminar.Filter{Series: "vision-4", IncludeCancelled: true}, Limit: 10})
	require.NoError(t, err)
	assert.Len(t, vision, 2, "listing a migrated series by its ID must find its talks")
}

// assertSameInstants checks that got's times are want's instants, and then
// makes them want's, so that the rest compares with Equal.
func assertSameInstants(t *testing.T, want, got *seminar.Event) {
	t.Helper()
	for _, f := range []struct {
		name      string
		want, got *time.Time
	}{
		{"start", &want.Start, &got.Start}, {"end", &want.End, &got.End}, {"slot", &want.Slot, &got.Slot},
		{"created at", &want.CreatedAt, &got.CreatedAt}, {"updated at", &want.UpdatedAt, &got.UpdatedAt},
	} {
		assert.Truef(t, f.want.Equal(*f.got), "event %q: %s %s, want %s", want.ID, f.name, *f.got, *f.want)
		*f.got = *f.want
	}
}
