package seminar_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/memstore"
)

// failingStore is a memstore whose transactions fail the Update after the
// first updates ones, as a store that loses its connection part way
// through a transaction does; a negative updates fails none.
type failingStore struct {
	*memstore.Store
	updates atomic.Int32
}

var errDiskFull = errors.New("disk full")

func (s *failingStore) Atomic(ctx context.Context, fn func(tx seminar.Tx) error) error {
	return s.Store.Atomic(ctx, func(tx seminar.Tx) error {
		return fn(failingTx{tx, tx.(seminar.SeriesTx), s})
	})
}

type failingTx struct {
	seminar.Tx
	seminar.SeriesTx
	s *failingStore
}

func (t failingTx) Update(ctx context.Context, e *seminar.Event, prevVersion int64) error {
	if t.s.updates.Add(-1) == -1 {
		return errDiskFull
	}
	return t.Tx.Update(ctx, e, prevVersion)
}

// fill gives a slot a title and a speaker.
func fill(t *testing.T, cal *seminar.Calendar, slot *seminar.Event, title string) *seminar.Event {
	t.Helper()
	e := slot.Clone()
	e.Title = title
	e.Speakers = []seminar.Person{{Name: "Speaker of " + title}}
	got, err := cal.Update(t.Context(), e)
	require.NoError(t, err)
	return got
}

func TestCalendar_UpdateFollowing(t *testing.T) {
	ctx := t.Context()
	cal, store, res := plannedCalendar(t)
	slots := res.Slots // 7 is November 6
	october := fill(t, cal, slots[6], "October talk")
	november := fill(t, cal, slots[7], "November talk")
	_, err := cal.SendReminder(ctx, november.ID, false)
	require.NoError(t, err)
	cancelled, err := cal.Cancel(ctx, slots[9].ID, "Thanksgiving week")
	require.NoError(t, err)
	november = mustGet(t, cal, november.ID)

	changed, err := cal.UpdateFollowing(ctx, november.ID, func(e *seminar.Event) {
		e.Location.Room = "32-G449"
	}, &seminar.FollowingOptions{
		Version:  november.Version,
		Defaults: func(d *seminar.SeriesDefaults) { d.Location.Room = "32-G449" },
	})
	require.NoError(t, err)
	assert.Equal(t, []string{
		"2017-11-06T16:00:00-05:00", "2017-11-13T16:00:00-05:00", "2017-11-27T16:00:00-05:00",
		"2017-12-04T16:00:00-05:00", "2017-12-11T16:00:00-05:00",
	}, starts(changed), "the talk and every later one but the cancelled one change")
	for _, e := range changed {
		assert.Equal(t, "32-G449", e.Location.Room)
		assert.Equal(t, 1, e.Sequence, "a new room raises Sequence")
		assert.Equal(t, mustGet(t, cal, e.ID), e, "each is stored as returned")
	}
	assert.ElementsMatch(t, []string{"manual s0 sent", "reminder s0 dropped", "reminder s0 dropped", "update s1 pending", "reminder s1 pending", "reminder s1 pending"},
		kinds(t, store, november.ID), "the lists told of the talk get an update notice, and its reminders are re-made, as for an Update")
	assert.Empty(t, kinds(t, store, changed[1].ID), "a slot still to be announced gets nothing")

	assert.Equal(t, october, mustGet(t, cal, october.ID), "an earlier talk is left as it was")
	assert.Equal(t, cancelled, mustGet(t, cal, cancelled.ID), "a cancelled later talk is left as it was")
	s, err := cal.GetSeries(ctx, "vision-seminar")
	require.NoError(t, err)
	assert.Equal(t, "32-G449", s.Defaults.Location.Room, "the series' defaults change in the same step")

	longer := *s.Plan
	longer.Rule = "FREQ=WEEKLY;BYDAY=MO;UNTIL=20171219T000000Z"
	more, err := cal.PlanSeries(ctx, s.ID, longer)
	require.NoError(t, err)
	require.Equal(t, 1, more.Added)
	assert.Equal(t, "32-G449", more.Slots[len(more.Slots)-1].Location.Room, "a slot planned later gets the new room")

	_, err = cal.UpdateFollowing(ctx, november.ID, func(e *seminar.Event) {}, &seminar.FollowingOptions{Version: november.Version})
	assert.ErrorIs(t, err, seminar.ErrConflict, "an edit of an old version of the talk conflicts")
}

func TestCalendar_UpdateFollowing_invalid(t *testing.T) {
	ctx := t.Context()
	cal, _, res := plannedCalendar(t)
	_, err := cal.UpdateFollowing(ctx, res.Slots[10].ID, func(e *seminar.Event) {
		e.Location.Room = "32\nG449"
		if e.Start.Day() == 4 {
			e.End = e.Start
		}
	}, nil)
	assert.ElementsMatch(t, []string{"events[0].location.room", "events[1].location.room", "events[1].end", "events[2].location.room"},
		validationPaths(t, err))
	for _, e := range res.Slots {
		assert.Equal(t, int64(1), mustGet(t, cal, e.ID).Version, "an invalid change changes nothing")
	}

	seed := seedEvent(t)
	alone, err := cal.Create(ctx, seed)
	require.NoError(t, err)
	_, err = cal.UpdateFollowing(ctx, alone.ID, func(e *seminar.Event) {}, nil)
	assert.ErrorIs(t, err, seminar.ErrInvalid, "a talk of no series has no following talks")
}

func TestCalendar_UpdateFollowing_isOneStep(t *testing.T) {
	ctx := t.Context()
	store := &failingStore{Store: memstore.New()}
	store.updates.Store(-1)
	cal, _, _ := newReminderCalendar(t, store, nil)
	_, err := cal.CreateSeries(ctx, visionSeries())
	require.NoError(t, err)
	res, err := cal.PlanSeries(ctx, "vision-seminar", fallTerm(t))
	require.NoError(t, err)

	store.updates.Store(3)
	_, err = cal.UpdateFollowing(ctx, res.Slots[7].ID, func(e *seminar.Event) { e.Location.Room = "32-G449" },
		&seminar.FollowingOptions{Defaults: func(d *seminar.SeriesDefaults) { d.Location.Room = "32-G449" }})
	require.ErrorIs(t, err, errDiskFull, "the store failed on the fourth talk")

	for _, e := range res.Slots {
		got := mustGet(t, cal, e.ID)
		assert.Equal(t, "32-D507", got.Location.Room, "a failure part way leaves every talk as it was")
		assert.Equal(t, int64(1), got.Version)
	}
	s, err := cal.GetSeries(ctx, "vision-seminar")
	require.NoError(t, err)
	assert.Equal(t, res.Series, s, "and the series too")
}
