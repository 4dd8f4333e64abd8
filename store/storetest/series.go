package storetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

// seriesCases check seminar.SeriesStore and seminar.SeriesTx: series kept,
// listed and changed in the transactions that also write their talks.
var seriesCases = []testCase{
	{"RoundTrip", testSeriesRoundTrip},
	{"RoundTripByUpdate", testSeriesRoundTripByUpdate},
	{"RoundTripBare", testSeriesRoundTripBare},
	{"CreateExisting", testSeriesCreateExisting},
	{"GetMissing", testSeriesGetMissing},
	{"UpdateCurrentVersion", testSeriesUpdateCurrentVersion},
	{"UpdateStaleVersion", testSeriesUpdateStaleVersion},
	{"UpdateMissing", testSeriesUpdateMissing},
	{"Delete", testSeriesDelete},
	{"ListOrder", testSeriesListOrder},
	{"WithSlotsCommitTogether", testSeriesWithSlotsCommitTogether},
	{"ErrorUndoesSeriesAndSlots", testSeriesErrorUndoesSeriesAndSlots},
	{"ReadsItsOwnWrites", testSeriesReadsItsOwnWrites},
	{"Aliasing", testSeriesAliasing},
	{"CreateSameIDConcurrently", testSeriesCreateSameIDConcurrently},
	{"UpdateSameVersionConcurrently", testSeriesUpdateSameVersionConcurrently},
	{"DoneContext", testSeriesDoneContext},
	{"WritesTakeMarks", testSeriesWritesTakeMarks},
}

// seriesStore is what the series cases need of a store: SeriesStore to read
// series, and Outbox for the transactions that write them.
type seriesStore interface {
	seminar.SeriesStore
	seminar.Outbox
}

// asSeriesStore returns s as a seriesStore; Run gives the series cases only
// stores that implement seminar.SeriesStore.
func asSeriesStore(t *testing.T, s seminar.Store) seriesStore {
	t.Helper()
	ss, ok := s.(seriesStore)
	require.True(t, ok, "a Store that implements seminar.SeriesStore must implement seminar.Outbox: "+
		"series are written only in its transactions")
	return ss
}

// seriesTx returns tx as a seminar.SeriesTx or fails the test.
func seriesTx(t *testing.T, tx seminar.Tx) (seminar.SeriesTx, error) {
	t.Helper()
	st, ok := tx.(seminar.SeriesTx)
	if !assert.True(t, ok, "a Store that implements seminar.SeriesStore must give Atomic a Tx that implements seminar.SeriesTx") {
		return nil, errors.New("storetest: the Tx does not implement seminar.SeriesTx")
	}
	return st, nil
}

// inSeriesTx runs fn in a transaction of ss with its SeriesTx.
func inSeriesTx(t *testing.T, ctx context.Context, ss seriesStore, fn func(tx seminar.Tx, st seminar.SeriesTx) error) error {
	t.Helper()
	return ss.Atomic(ctx, func(tx seminar.Tx) error {
		st, err := seriesTx(t, tx)
		if err != nil {
			return err
		}
		return fn(tx, st)
	})
}

// mustCreateSeries stores series, each in one transaction, or stops the
// test.
func mustCreateSeries(t *testing.T, ss seriesStore, series ...*seminar.Series) {
	t.Helper()
	for _, s := range series {
		err := inSeriesTx(t, t.Context(), ss, func(_ seminar.Tx, st seminar.SeriesTx) error {
			return st.CreateSeries(t.Context(), s)
		})
		require.NoError(t, err, "a SeriesTx must create a series whose ID is not stored yet")
	}
}

// updateSeries calls SeriesTx.UpdateSeries in a transaction of its own.
func updateSeries(t *testing.T, ss seriesStore, s *seminar.Series, prevVersion int64) error {
	t.Helper()
	return inSeriesTx(t, t.Context(), ss, func(_ seminar.Tx, st seminar.SeriesTx) error {
		return st.UpdateSeries(t.Context(), s, prevVersion)
	})
}

// mustGetSeries returns the stored series with the given ID or stops the
// test.
func mustGetSeries(t *testing.T, ss seriesStore, id string) *seminar.Series {
	t.Helper()
	s, err := ss.GetSeries(t.Context(), id)
	require.NoError(t, err, "a SeriesStore must return a stored series from GetSeries")
	require.NotNil(t, s, "a SeriesStore must return a non-nil series from GetSeries when it returns no error")
	return s
}

// mustListSeries returns every stored series or stops the test.
func mustListSeries(t *testing.T, ss seriesStore) []*seminar.Series {
	t.Helper()
	all, err := ss.ListSeries(t.Context())
	require.NoError(t, err, "a SeriesStore must list its series")
	for _, s := range all {
		require.NotNil(t, s, "a SeriesStore must not list nil series")
	}
	return all
}

// assertNoSeries checks that no series with the given ID is stored.
func assertNoSeries(t *testing.T, ss seriesStore, id, rule string) {
	t.Helper()
	_, err := ss.GetSeries(t.Context(), id)
	assert.ErrorIs(t, err, seminar.ErrNotFound, rule)
}

// seriesIDs returns the IDs of series, in order.
func seriesIDs(series []*seminar.Series) []string {
	out := make([]string, len(series))
	for i, s := range series {
		out[i] = s.ID
	}
	return out
}

// newSeries returns a series as the Calendar would hand it to a store:
// Version 1, the defaults of a weekly seminar, no plan.
func newSeries(id string) *seminar.Series {
	created := time.Date(2026, time.January, 5, 10, 0, 0, 0, time.UTC)
	return &seminar.Series{
		ID:   id,
		Name: "Series " + id,
		Defaults: seminar.SeriesDefaults{
			TimeZone: "UTC",
			Duration: time.Hour,
			Public:   true,
		},
		Version:   1,
		CreatedAt: created,
		UpdatedAt: created,
	}
}

// fullSeries returns a series with every field set, non-ASCII text in every
// string a user writes, and times in zones with odd offsets.
func fullSeries(t *testing.T, id string) *seminar.Series {
	t.Helper()
	ny, chatham, kolkata := zone(t, "America/New_York"), zone(t, "Pacific/Chatham"), zone(t, "Asia/Kolkata")
	return &seminar.Series{
		ID:          id,
		Name:        "Séminaire « Vision » — 視覚 👁",
		Description: "Le lundi à 16 h.\nDeuxième ligne ✓, \"quotes\", back\\slash; semi;colon",
		Contact:     seminar.Person{Name: "Søren Kierkegård", Affiliation: "MIT — CSAIL", Email: "soren@example.dk", URL: "https://example.org/~søren", PhotoURL: "https://example.org/s.jpg", Bio: "Organisateur"},
		Defaults: seminar.SeriesDefaults{
			Type:     "Séminaire",
			Host:     seminar.Person{Name: "Jürgen Groß", Affiliation: "MIT CSAIL — Théorie"},
			Location: seminar.Location{Room: "32-D507 « salle »", Building: "Stata Center – Gates", Address: "32 Vassar St, Cambridge, MA 02139", URL: "https://meet.example.org/salle-été"},
			TimeZone: "America/New_York",
			Duration: 90*time.Minute + 30*time.Second,
			Public:   true,
			Reminders: seminar.Reminders{
				Lists:    []string{"vision-meeting@example.org", "séminaires@example.org"},
				Subject:  "EXPOSÉ : {{.Title}}",
				Schedule: []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, 97 * time.Minute},
			},
		},
		Plan: &seminar.Plan{
			Start:  time.Date(2017, time.September, 11, 16, 0, 0, 0, ny),
			Rule:   "FREQ=WEEKLY;BYDAY=MO;UNTIL=20171212T000000Z",
			Except: []string{"2017-10-09", "2017-11-20"},
		},
		Version:   1<<40 + 3,
		CreatedAt: time.Date(2026, time.May, 1, 9, 30, 15, 123456000, kolkata),
		UpdatedAt: time.Date(2026, time.May, 2, 23, 59, 59, 999999000, chatham),
	}
}

// assertSameSeries checks that got is want as the contract promises to give
// it back: times as the same instants, a nil or empty slice back as nil or
// empty, a nil Plan back as nil, and everything else identical.
func assertSameSeries(t *testing.T, want, got *seminar.Series, rule string) bool {
	t.Helper()
	if !assert.NotNil(t, got, rule) {
		return false
	}
	w, g := want.Clone(), got.Clone()
	ok := true
	times := []struct {
		name      string
		want, got *time.Time
	}{
		{"CreatedAt", &w.CreatedAt, &g.CreatedAt},
		{"UpdatedAt", &w.UpdatedAt, &g.UpdatedAt},
	}
	if (w.Plan == nil) != (g.Plan == nil) {
		return assert.Failf(t, rule, "Plan came back as %+v, want %+v", g.Plan, w.Plan)
	}
	if w.Plan != nil {
		times = append(times, struct {
			name      string
			want, got *time.Time
		}{"Plan.Start", &w.Plan.Start, &g.Plan.Start})
		sameIfEmpty(w.Plan.Except, &g.Plan.Except)
	}
	for _, f := range times {
		ok = assert.Truef(t, f.want.Equal(*f.got), "%s: %s came back as %s, want the instant %s",
			rule, f.name, f.got.UTC().Format(time.RFC3339Nano), f.want.UTC().Format(time.RFC3339Nano)) && ok
		*f.got = *f.want
	}
	sameIfEmpty(w.Defaults.Reminders.Lists, &g.Defaults.Reminders.Lists)
	sameIfEmpty(w.Defaults.Reminders.Schedule, &g.Defaults.Reminders.Schedule)
	return assert.Equal(t, w, g, rule) && ok
}

func testSeriesRoundTrip(t *testing.T, s seminar.Store) {
	ss := asSeriesStore(t, s)
	mustCreateSeries(t, ss, fullSeries(t, "vision"))
	assertSameSeries(t, fullSeries(t, "vision"), mustGetSeries(t, ss, "vision"),
		"a SeriesStore must return from GetSeries every field of the series given to SeriesTx.CreateSeries")
	listed := mustListSeries(t, ss)
	require.Len(t, listed, 1, "a SeriesStore must list the one series it holds")
	assertSameSeries(t, fullSeries(t, "vision"), listed[0],
		"a SeriesStore must return from ListSeries every field of the series given to SeriesTx.CreateSeries")
	err := inSeriesTx(t, t.Context(), ss, func(_ seminar.Tx, st seminar.SeriesTx) error {
		got, err := st.GetSeries(t.Context(), "vision")
		if err != nil {
			return err
		}
		assertSameSeries(t, fullSeries(t, "vision"), got,
			"a SeriesTx must return from GetSeries every field of a stored series")
		return nil
	})
	require.NoError(t, err, "a SeriesTx must return a stored series from GetSeries")
}

func testSeriesRoundTripByUpdate(t *testing.T, s seminar.Store) {
	ss := asSeriesStore(t, s)
	before := newSeries("vision")
	mustCreateSeries(t, ss, before)
	require.NoError(t, updateSeries(t, ss, fullSeries(t, "vision"), before.Version),
		"a SeriesTx must update a series given its stored Version")
	assertSameSeries(t, fullSeries(t, "vision"), mustGetSeries(t, ss, "vision"),
		"a SeriesStore must return from GetSeries every field of the series given to SeriesTx.UpdateSeries")

	bare := newSeries("vision")
	bare.Version = fullSeries(t, "vision").Version + 1
	require.NoError(t, updateSeries(t, ss, bare, fullSeries(t, "vision").Version),
		"a SeriesTx must update a series given its stored Version")
	assertSameSeries(t, bare, mustGetSeries(t, ss, "vision"),
		"a SeriesStore must clear the fields, and the Plan, that SeriesTx.UpdateSeries was given empty")
}

func testSeriesRoundTripBare(t *testing.T, s seminar.Store) {
	ss := asSeriesStore(t, s)
	bare := &seminar.Series{ID: "bare", Name: "Bare", Version: 1}
	mustCreateSeries(t, ss, bare)
	assertSameSeries(t, bare, mustGetSeries(t, ss, "bare"),
		"a SeriesStore must return a series with no Plan, zero times and nil slices as it was given")

	empty := newSeries("empty")
	empty.Plan = &seminar.Plan{Start: june, Rule: "FREQ=DAILY;COUNT=3", Except: []string{}}
	empty.Defaults.Reminders.Lists = []string{}
	empty.Defaults.Reminders.Schedule = []time.Duration{}
	mustCreateSeries(t, ss, empty)
	assertSameSeries(t, empty, mustGetSeries(t, ss, "empty"),
		"a SeriesStore must return a series whose slices are empty with those slices nil or empty")
}

func testSeriesCreateExisting(t *testing.T, s seminar.Store) {
	ss := asSeriesStore(t, s)
	mustCreateSeries(t, ss, newSeries("vision"))
	other := fullSeries(t, "vision")
	err := inSeriesTx(t, t.Context(), ss, func(_ seminar.Tx, st seminar.SeriesTx) error {
		return st.CreateSeries(t.Context(), other)
	})
	assert.ErrorIs(t, err, seminar.ErrExists, "a SeriesTx must return ErrExists from CreateSeries of a stored ID")
	assertSameSeries(t, newSeries("vision"), mustGetSeries(t, ss, "vision"),
		"a SeriesTx must leave the stored series as it was when CreateSeries of its ID fails")
	assert.Len(t, mustListSeries(t, ss), 1, "a SeriesStore must list each series once")
}

func testSeriesGetMissing(t *testing.T, s seminar.Store) {
	ss := asSeriesStore(t, s)
	assertNoSeries(t, ss, "missing", "a SeriesStore must return ErrNotFound from GetSeries for a missing ID in an empty store")
	assert.Empty(t, mustListSeries(t, ss), "a SeriesStore must list no series when it holds none")
	mustCreateSeries(t, ss, newSeries("vision"))
	assertNoSeries(t, ss, "missing", "a SeriesStore must return ErrNotFound from GetSeries for a missing ID")
	assertNoSeries(t, ss, "Vision", "a SeriesStore must compare series IDs exactly")
	err := inSeriesTx(t, t.Context(), ss, func(_ seminar.Tx, st seminar.SeriesTx) error {
		_, err := st.GetSeries(t.Context(), "missing")
		return err
	})
	assert.ErrorIs(t, err, seminar.ErrNotFound, "a SeriesTx must return ErrNotFound from GetSeries for a missing ID")
}

func testSeriesUpdateCurrentVersion(t *testing.T, s seminar.Store) {
	ss := asSeriesStore(t, s)
	mustCreateSeries(t, ss, newSeries("vision"), newSeries("other"))
	next := newSeries("vision")
	next.Name, next.Version = "Vision Seminar (renamed)", 2
	next.Defaults.Location.Room = "32-G449"
	require.NoError(t, updateSeries(t, ss, next, 1), "a SeriesTx must update a series given its stored Version")
	assertSameSeries(t, next, mustGetSeries(t, ss, "vision"), "a SeriesStore must keep what SeriesTx.UpdateSeries wrote")
	assertSameSeries(t, newSeries("other"), mustGetSeries(t, ss, "other"),
		"a SeriesTx must change only the series of the ID given to UpdateSeries")
}

func testSeriesUpdateStaleVersion(t *testing.T, s seminar.Store) {
	ss := asSeriesStore(t, s)
	mustCreateSeries(t, ss, newSeries("vision"))
	first := newSeries("vision")
	first.Name, first.Version = "First", 2
	require.NoError(t, updateSeries(t, ss, first, 1), "a SeriesTx must update a series given its stored Version")
	late := newSeries("vision")
	late.Name, late.Version = "Late", 2
	err := updateSeries(t, ss, late, 1)
	assert.ErrorIs(t, err, seminar.ErrConflict,
		"a SeriesTx must return ErrConflict from UpdateSeries when the stored Version differs from prevVersion")
	assertSameSeries(t, first, mustGetSeries(t, ss, "vision"),
		"a SeriesTx must change nothing when UpdateSeries finds another Version stored")
}

func testSeriesUpdateMissing(t *testing.T, s seminar.Store) {
	ss := asSeriesStore(t, s)
	mustCreateSeries(t, ss, newSeries("vision"))
	err := updateSeries(t, ss, newSeries("missing"), 1)
	assert.ErrorIs(t, err, seminar.ErrNotFound, "a SeriesTx must return ErrNotFound from UpdateSeries for a missing ID")
	assertNoSeries(t, ss, "missing", "a SeriesTx must not create a series on UpdateSeries of a missing ID")
	assert.Equal(t, []string{"vision"}, seriesIDs(mustListSeries(t, ss)),
		"a SeriesTx must not create a series on UpdateSeries of a missing ID")
}

func testSeriesDelete(t *testing.T, s seminar.Store) {
	ss := asSeriesStore(t, s)
	mustCreateSeries(t, ss, newSeries("vision"), newSeries("other"))
	del := func(id string) error {
		return inSeriesTx(t, t.Context(), ss, func(_ seminar.Tx, st seminar.SeriesTx) error {
			return st.DeleteSeries(t.Context(), id)
		})
	}
	require.NoError(t, del("vision"), "a SeriesTx must delete a stored series")
	assertNoSeries(t, ss, "vision", "a SeriesStore must return ErrNotFound from GetSeries for a deleted ID")
	assert.Equal(t, []string{"other"}, seriesIDs(mustListSeries(t, ss)), "a SeriesStore must not list a deleted series")
	assertSameSeries(t, newSeries("other"), mustGetSeries(t, ss, "other"),
		"a SeriesTx must keep the other series when it deletes one")
	assert.ErrorIs(t, del("vision"), seminar.ErrNotFound, "a SeriesTx must return ErrNotFound from DeleteSeries for an ID already deleted")
	assert.ErrorIs(t, del("missing"), seminar.ErrNotFound, "a SeriesTx must return ErrNotFound from DeleteSeries for a missing ID")
	assert.ErrorIs(t, updateSeries(t, ss, newSeries("vision"), 1), seminar.ErrNotFound,
		"a SeriesTx must return ErrNotFound from UpdateSeries for a deleted ID")
	mustCreateSeries(t, ss, fullSeries(t, "vision"))
	assertSameSeries(t, fullSeries(t, "vision"), mustGetSeries(t, ss, "vision"),
		"a SeriesTx must create a series again under the ID of a deleted one")
}

// testSeriesListOrder stores IDs whose byte order differs from the order of
// collations that ignore punctuation or case.
func testSeriesListOrder(t *testing.T, s seminar.Store) {
	ss := asSeriesStore(t, s)
	want := []string{"a", "a-2", "a-b", "a2", "ab", "b", "vision-seminar", "z"}
	for _, i := range []int{6, 2, 7, 0, 4, 1, 5, 3} {
		mustCreateSeries(t, ss, newSeries(want[i]))
	}
	assert.Equal(t, want, seriesIDs(mustListSeries(t, ss)),
		"a SeriesStore must list series ordered by ID, byte by byte as Go compares strings")
}

// slotEvents returns weekly slots of series as PlanSeries makes them: no
// title, Slot equal to Start.
func slotEvents(series string, n int) []*seminar.Event {
	events := make([]*seminar.Event, n)
	for i := range events {
		start := june.Add(time.Duration(i) * 7 * 24 * time.Hour).Add(16 * time.Hour)
		e := newEvent(fmt.Sprintf("%s-slot%d", series, i), start, time.Hour)
		e.Title, e.Series, e.Slot = "", series, start
		events[i] = e
	}
	return events
}

func testSeriesWithSlotsCommitTogether(t *testing.T, s seminar.Store) {
	ss := asSeriesStore(t, s)
	slots := slotEvents("vision", 3)
	err := inSeriesTx(t, t.Context(), ss, func(tx seminar.Tx, st seminar.SeriesTx) error {
		return errors.Join(
			st.CreateSeries(t.Context(), fullSeries(t, "vision")),
			tx.Create(t.Context(), slots...),
			tx.AddDeliveries(t.Context(), newDelivery("vision-slot0.r", slots[0].ID, seminar.KindReminder, claimNow)),
		)
	})
	require.NoError(t, err, "an Outbox must commit a transaction that creates a series and its slots")
	assertSameSeries(t, fullSeries(t, "vision"), mustGetSeries(t, ss, "vision"),
		"a SeriesStore must keep a series created in a committed transaction")
	q := everything()
	q.Series = "vision"
	got := mustList(t, s, q)
	require.Len(t, got, len(slots), "a Store must keep the slots created with their series in a committed transaction")
	for i := range slots {
		assertSameEvent(t, slots[i], got[i], "a Store must keep each slot created with its series, Slot included")
	}
	mustGetDelivery(t, ss, "vision-slot0.r")
}

func testSeriesErrorUndoesSeriesAndSlots(t *testing.T, s seminar.Store) {
	ss := asSeriesStore(t, s)
	mustCreateSeries(t, ss, newSeries("kept"), newSeries("changed"))
	mustCreate(t, s, newEvent("talk", june, time.Hour))
	err := inSeriesTx(t, t.Context(), ss, func(tx seminar.Tx, st seminar.SeriesTx) error {
		ctx := t.Context()
		changed := newSeries("changed")
		changed.Name, changed.Version = "Changed", 2
		talk := newEvent("talk", june, time.Hour)
		talk.Title, talk.Version = "Changed", 2
		if err := errors.Join(
			st.CreateSeries(ctx, fullSeries(t, "vision")),
			tx.Create(ctx, slotEvents("vision", 3)...),
			st.UpdateSeries(ctx, changed, 1),
			st.DeleteSeries(ctx, "kept"),
			tx.Update(ctx, talk, 1),
		); err != nil {
			return err
		}
		return fmt.Errorf("the plan was refused: %w", errRefused)
	})
	assert.ErrorIs(t, err, errRefused, "an Outbox must return from Atomic the error of the function, wrapped or not")
	assertNoSeries(t, ss, "vision", "a SeriesTx must undo CreateSeries of a transaction whose function failed")
	assert.Equal(t, []string{"talk"}, listIDs(t, s, everything()),
		"a Store must undo the slots created with a series in a transaction whose function failed")
	assertSameSeries(t, newSeries("changed"), mustGetSeries(t, ss, "changed"),
		"a SeriesTx must undo UpdateSeries of a transaction whose function failed")
	assertSameSeries(t, newSeries("kept"), mustGetSeries(t, ss, "kept"),
		"a SeriesTx must undo DeleteSeries of a transaction whose function failed")
	assertSameEvent(t, newEvent("talk", june, time.Hour), mustGet(t, s, "talk"),
		"an Outbox must undo an event Update made with series writes in a transaction whose function failed")
	assert.Equal(t, []string{"changed", "kept"}, seriesIDs(mustListSeries(t, ss)),
		"a SeriesStore must list the series as they were before a transaction whose function failed")
}

func testSeriesReadsItsOwnWrites(t *testing.T, s seminar.Store) {
	ss := asSeriesStore(t, s)
	mustCreateSeries(t, ss, newSeries("gone"))
	err := inSeriesTx(t, t.Context(), ss, func(tx seminar.Tx, st seminar.SeriesTx) error {
		ctx := t.Context()
		require.NoError(t, st.CreateSeries(ctx, newSeries("vision")), "a SeriesTx must create a series")
		got, err := st.GetSeries(ctx, "vision")
		require.NoError(t, err, "a SeriesTx must return from GetSeries a series the transaction created")
		assertSameSeries(t, newSeries("vision"), got, "a SeriesTx must return from GetSeries a series as the transaction created it")

		next := fullSeries(t, "vision")
		require.NoError(t, st.UpdateSeries(ctx, next, 1), "a SeriesTx must update a series the transaction created")
		got, err = st.GetSeries(ctx, "vision")
		require.NoError(t, err, "a SeriesTx must return from GetSeries a series the transaction updated")
		assertSameSeries(t, next, got, "a SeriesTx must return from GetSeries a series as the transaction updated it")
		assert.ErrorIs(t, st.UpdateSeries(ctx, newSeries("vision"), 1), seminar.ErrConflict,
			"a SeriesTx must compare prevVersion with the Version the transaction wrote")

		require.NoError(t, st.DeleteSeries(ctx, "gone"), "a SeriesTx must delete a stored series")
		_, err = st.GetSeries(ctx, "gone")
		assert.ErrorIs(t, err, seminar.ErrNotFound, "a SeriesTx must return ErrNotFound from GetSeries of a series the transaction deleted")

		slots := slotEvents("vision", 2)
		require.NoError(t, tx.Create(ctx, slots...), "a Tx must create slots in the transaction that created their series")
		e, err := tx.Get(ctx, slots[1].ID)
		require.NoError(t, err, "a Tx must return from Get a slot the transaction created")
		assertSameEvent(t, slots[1], e, "a Tx must return from Get a slot as the transaction created it, Slot included")
		return nil
	})
	require.NoError(t, err, "an Outbox must commit a transaction whose function returns nil")
	assertSameSeries(t, fullSeries(t, "vision"), mustGetSeries(t, ss, "vision"),
		"a SeriesStore must keep the last write of a committed transaction")
	assertNoSeries(t, ss, "gone", "a SeriesStore must keep a DeleteSeries of a committed transaction")
}

// scribbleSeries changes every part of s that a shallow copy would share.
func scribbleSeries(s *seminar.Series) {
	s.Name = "scribbled"
	s.Defaults.Reminders.Lists[0] = "scribbled@example.org"
	s.Defaults.Reminders.Schedule[0] = time.Minute
	s.Plan.Rule = "FREQ=DAILY;COUNT=1"
	s.Plan.Start = s.Plan.Start.Add(time.Hour)
	s.Plan.Except[0] = "1999-12-31"
}

func testSeriesAliasing(t *testing.T, s seminar.Store) {
	ss := asSeriesStore(t, s)
	given := fullSeries(t, "vision")
	mustCreateSeries(t, ss, given)
	scribbleSeries(given)
	assertSameSeries(t, fullSeries(t, "vision"), mustGetSeries(t, ss, "vision"),
		"a SeriesStore must not keep memory of the series given to CreateSeries: changing it afterwards must not change the stored series")

	scribbleSeries(mustGetSeries(t, ss, "vision"))
	for _, got := range mustListSeries(t, ss) {
		scribbleSeries(got)
	}
	assertSameSeries(t, fullSeries(t, "vision"), mustGetSeries(t, ss, "vision"),
		"a SeriesStore must return from GetSeries and ListSeries series that share no memory with the store")

	next := fullSeries(t, "vision")
	next.Version++
	want := next.Clone()
	require.NoError(t, updateSeries(t, ss, next, fullSeries(t, "vision").Version),
		"a SeriesTx must update a series given its stored Version")
	scribbleSeries(next)
	assertSameSeries(t, want, mustGetSeries(t, ss, "vision"),
		"a SeriesStore must not keep memory of the series given to UpdateSeries")

	err := inSeriesTx(t, t.Context(), ss, func(_ seminar.Tx, st seminar.SeriesTx) error {
		got, err := st.GetSeries(t.Context(), "vision")
		if err != nil {
			return err
		}
		scribbleSeries(got)
		return nil
	})
	require.NoError(t, err, "a SeriesTx must return a stored series from GetSeries")
	assertSameSeries(t, want, mustGetSeries(t, ss, "vision"),
		"a SeriesTx must return from GetSeries a series that shares no memory with the store")
}

func testSeriesCreateSameIDConcurrently(t *testing.T, s seminar.Store) {
	ss := asSeriesStore(t, s)
	var outcomes countOutcomes
	race(8, func(i int) {
		series := newSeries("vision")
		series.Name = fmt.Sprintf("Vision %d", i)
		err := ss.Atomic(t.Context(), func(tx seminar.Tx) error {
			st, ok := tx.(seminar.SeriesTx)
			if !ok {
				return errors.New("storetest: the Tx does not implement seminar.SeriesTx")
			}
			return st.CreateSeries(t.Context(), series)
		})
		outcomes.add(t, err, seminar.ErrExists, "a SeriesTx must create a series once and return ErrExists to the other callers")
	})
	assert.EqualValues(t, 1, outcomes.ok.Load(), "a SeriesTx must let exactly one of concurrent CreateSeries of one ID succeed")
	assert.EqualValues(t, 7, outcomes.matched.Load(), "a SeriesTx must return ErrExists to every other one of concurrent CreateSeries of one ID")
	assert.Len(t, mustListSeries(t, ss), 1, "a SeriesStore must hold one series after concurrent creates of one ID")
}

func testSeriesUpdateSameVersionConcurrently(t *testing.T, s seminar.Store) {
	ss := asSeriesStore(t, s)
	mustCreateSeries(t, ss, newSeries("vision"))
	var outcomes countOutcomes
	race(8, func(i int) {
		next := newSeries("vision")
		next.Name, next.Version = fmt.Sprintf("Vision %d", i), 2
		err := ss.Atomic(t.Context(), func(tx seminar.Tx) error {
			st, ok := tx.(seminar.SeriesTx)
			if !ok {
				return errors.New("storetest: the Tx does not implement seminar.SeriesTx")
			}
			return st.UpdateSeries(t.Context(), next, 1)
		})
		outcomes.add(t, err, seminar.ErrConflict, "a SeriesTx must return ErrConflict to all but one of concurrent updates at one Version")
	})
	assert.EqualValues(t, 1, outcomes.ok.Load(), "a SeriesTx must let exactly one of concurrent UpdateSeries at one Version succeed")
	assert.EqualValues(t, 7, outcomes.matched.Load(), "a SeriesTx must return ErrConflict to every other one of concurrent UpdateSeries at one Version")
	assert.Equal(t, int64(2), mustGetSeries(t, ss, "vision").Version, "a SeriesStore must keep the winning update")
}

func testSeriesDoneContext(t *testing.T, s seminar.Store) {
	ss := asSeriesStore(t, s)
	mustCreateSeries(t, ss, newSeries("vision"))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := ss.GetSeries(ctx, "vision")
	assert.ErrorIs(t, err, context.Canceled, "a SeriesStore must return an error wrapping ctx.Err() from GetSeries called with a done context")
	_, err = ss.ListSeries(ctx)
	assert.ErrorIs(t, err, context.Canceled, "a SeriesStore must return an error wrapping ctx.Err() from ListSeries called with a done context")

	ctx, cancel = context.WithCancel(t.Context())
	err = inSeriesTx(t, ctx, ss, func(tx seminar.Tx, st seminar.SeriesTx) error {
		if err := st.CreateSeries(ctx, newSeries("new")); err != nil {
			return err
		}
		if err := tx.Create(ctx, slotEvents("new", 1)...); err != nil {
			return err
		}
		cancel()
		return st.DeleteSeries(ctx, "vision")
	})
	assert.ErrorIs(t, err, context.Canceled,
		"an Outbox must return an error wrapping ctx.Err() from Atomic when its context is done during a transaction writing series")
	assertNoSeries(t, ss, "new", "an Outbox must undo a series write of a transaction whose context was done before it committed")
	assert.Empty(t, listIDs(t, s, everything()), "an Outbox must undo the slots of a transaction whose context was done before it committed")
	mustGetSeries(t, ss, "vision")
}

// testSeriesWritesTakeMarks: each committed write of a series takes a mark
// of its own, as a Delete does, and Changed returns no event for it: a
// cache that counts the marks since its own knows whether anything but
// the events it was given was written.
func testSeriesWritesTakeMarks(t *testing.T, s seminar.Store) {
	ss := asSeriesStore(t, s)
	mustCreate(t, s, newEvent("a", june, time.Hour))
	_, mark, err := ss.Changed(t.Context(), math.MaxInt64, 1)
	require.NoError(t, err, "an Outbox must return the last mark from Changed")
	step := func(what string, write func() error) {
		t.Helper()
		require.NoError(t, write(), what)
		events, next, err := ss.Changed(t.Context(), mark, 10)
		require.NoError(t, err, "an Outbox must return the changed events from Changed")
		assert.Empty(t, events, "an Outbox must return no event from Changed for a series write (%s)", what)
		assert.Greater(t, next, mark, "a SeriesStore must take a mark for each series write (%s)", what)
		mark = next
	}
	step("a SeriesTx creates a series", func() error {
		return inSeriesTx(t, t.Context(), ss, func(_ seminar.Tx, st seminar.SeriesTx) error {
			return st.CreateSeries(t.Context(), newSeries("vision"))
		})
	})
	next := newSeries("vision")
	next.Name, next.Version = "Vision Seminar (renamed)", 2
	step("a SeriesTx updates a series", func() error { return updateSeries(t, ss, next, 1) })
	step("a SeriesTx deletes a series", func() error {
		return inSeriesTx(t, t.Context(), ss, func(_ seminar.Tx, st seminar.SeriesTx) error {
			return st.DeleteSeries(t.Context(), "vision")
		})
	})
}
