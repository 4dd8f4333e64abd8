package seminar_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/memstore"
)

// fallTerm is the plan of the issue: Mondays at 4 pm in New York from
// September 11, 2017 until December 11, but October 9.
func fallTerm(t *testing.T) seminar.Plan {
	t.Helper()
	start, err := seminar.WallTime(2017, time.September, 11, 16, 0, "America/New_York")
	require.NoError(t, err)
	return seminar.Plan{Start: start, Rule: "FREQ=WEEKLY;BYDAY=MO;UNTIL=20171212T000000Z", Except: []string{"2017-10-09"}}
}

// plannedCalendar returns a Calendar that sends reminders, with the Vision
// Seminar planned for the fall term.
func plannedCalendar(t *testing.T) (*seminar.Calendar, *flakyOutbox, *seminar.PlanResult) {
	t.Helper()
	store := &flakyOutbox{Store: memstore.New()}
	cal, _, _ := newReminderCalendar(t, store, nil)
	_, err := cal.CreateSeries(t.Context(), visionSeries())
	require.NoError(t, err)
	res, err := cal.PlanSeries(t.Context(), "vision-seminar", fallTerm(t))
	require.NoError(t, err)
	return cal, store, res
}

func starts(events []*seminar.Event) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.Start.Format(time.RFC3339))
	}
	return out
}

func TestCalendar_PlanSeries_fallTerm(t *testing.T) {
	cal, store, res := plannedCalendar(t)
	assert.Equal(t, []string{
		"2017-09-11T16:00:00-04:00", "2017-09-18T16:00:00-04:00", "2017-09-25T16:00:00-04:00",
		"2017-10-02T16:00:00-04:00", "2017-10-16T16:00:00-04:00", "2017-10-23T16:00:00-04:00",
		"2017-10-30T16:00:00-04:00", "2017-11-06T16:00:00-05:00", "2017-11-13T16:00:00-05:00",
		"2017-11-20T16:00:00-05:00", "2017-11-27T16:00:00-05:00", "2017-12-04T16:00:00-05:00",
		"2017-12-11T16:00:00-05:00",
	}, starts(res.Slots), "13 Mondays at 4 pm New York time, across the change from EDT to EST, but October 9")
	assert.Equal(t, 13, res.Added)
	assert.Empty(t, res.Outside)
	assert.Equal(t, int64(2), res.Series.Version, "the plan is stored on the series")
	require.NotNil(t, res.Series.Plan)
	assert.Equal(t, fallTerm(t).Rule, res.Series.Plan.Rule)

	for _, e := range res.Slots {
		assert.True(t, e.IsTBA(), "a planned slot is to be announced")
		assert.Equal(t, "vision-seminar", e.Series)
		assert.True(t, e.Slot.Equal(e.Start), "a slot's Slot is its planned start")
		assert.Equal(t, seminar.SlotID("vision-seminar", e.Start), e.ID)
		assert.Equal(t, time.Hour, e.End.Sub(e.Start))
		assert.Equal(t, "32-D507", e.Location.Room)
		assert.Equal(t, "America/New_York", e.TimeZone)
		assert.Equal(t, []string{"vision-meeting@csail.mit.edu"}, e.Reminders.Lists)
		assert.Empty(t, kinds(t, store, e.ID), "a slot to be announced gets no reminder")
	}

	page, err := cal.List(t.Context(), seminar.Query{Filter: seminar.Filter{Series: "vision-seminar"}})
	require.NoError(t, err)
	assert.Equal(t, starts(res.Slots), starts(page.Events), "the slots are listed with their series")
}

func TestCalendar_PlanSeries_again(t *testing.T) {
	cal, store, first := plannedCalendar(t)
	token, err := cal.ChangeToken(t.Context())
	require.NoError(t, err)
	marks, _, err := store.Changed(t.Context(), 0, 1000)
	require.NoError(t, err)

	again, err := cal.PlanSeries(t.Context(), "vision-seminar", fallTerm(t))
	require.NoError(t, err)
	assert.Zero(t, again.Added, "planning again with the same plan adds nothing")
	assert.Equal(t, starts(first.Slots), starts(again.Slots))
	assert.Equal(t, first.Series.Version, again.Series.Version, "planning again writes nothing, not even the series")
	after, err := cal.ChangeToken(t.Context())
	require.NoError(t, err)
	assert.Equal(t, token, after, "planning again writes no event")
	marksAfter, _, err := store.Changed(t.Context(), 0, 1000)
	require.NoError(t, err)
	assert.Len(t, marksAfter, len(marks))
}

func TestCalendar_PlanSeries_extendAndShorten(t *testing.T) {
	ctx := t.Context()
	cal, _, first := plannedCalendar(t)
	filled := first.Slots[0].Clone()
	filled.Title = "Scene understanding"
	filled.Speakers = []seminar.Person{{Name: "Antonio Torralba", Affiliation: "MIT"}}
	filled, err := cal.Update(ctx, filled)
	require.NoError(t, err)

	s, err := cal.GetSeries(ctx, "vision-seminar")
	require.NoError(t, err)
	renamed := s.Clone()
	renamed.Name, renamed.Plan = "Vision Seminar (Fall)", nil
	renamed, err = cal.UpdateSeries(ctx, renamed)
	require.NoError(t, err, "an update with no Plan keeps the stored one")
	assert.Equal(t, s.Plan, renamed.Plan)
	renamed.Name = "Vision Seminar"
	s, err = cal.UpdateSeries(ctx, renamed)
	require.NoError(t, err, "an update with the stored Plan keeps it")

	longer := *s.Plan
	longer.Rule = "FREQ=WEEKLY;BYDAY=MO;UNTIL=20171226T000000Z"
	res, err := cal.PlanSeries(ctx, s.ID, longer)
	require.NoError(t, err)
	assert.Equal(t, 2, res.Added, "a later UNTIL adds only the new Mondays")
	require.Len(t, res.Slots, 15)
	assert.Equal(t, "2017-12-25T16:00:00-05:00", res.Slots[14].Start.Format(time.RFC3339))
	assert.Equal(t, filled, res.Slots[0], "a filled slot is left as it is")
	assert.Equal(t, s.Version+1, res.Series.Version)

	shorter := longer
	shorter.Rule = "FREQ=WEEKLY;BYDAY=MO;COUNT=5"
	res, err = cal.PlanSeries(ctx, s.ID, shorter)
	require.NoError(t, err)
	assert.Zero(t, res.Added)
	assert.Equal(t, []string{"2017-09-11T16:00:00-04:00", "2017-09-18T16:00:00-04:00", "2017-09-25T16:00:00-04:00", "2017-10-02T16:00:00-04:00"},
		starts(res.Slots), "COUNT counts the excepted Monday")
	assert.Len(t, res.Outside, 11, "a shorter rule reports the slots beyond it")
	page, err := cal.List(ctx, seminar.Query{Filter: seminar.Filter{Series: "vision-seminar"}})
	require.NoError(t, err)
	assert.Len(t, page.Events, 15, "and deletes none")
}

func TestCalendar_PlanSeries_fillMoveDelete(t *testing.T) {
	ctx := t.Context()
	cal, store, res := plannedCalendar(t)
	slot := res.Slots[1]

	moved := slot.Clone()
	moved.Start, moved.End = slot.Start.Add(24*time.Hour), slot.End.Add(24*time.Hour)
	moved.Slot = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)
	moved, err := cal.Update(ctx, moved)
	require.NoError(t, err)
	assert.True(t, moved.Slot.Equal(slot.Slot), "a moved slot keeps its Slot, whatever the caller passes")
	for _, other := range res.Slots[2:] {
		got := mustGet(t, cal, other.ID)
		assert.Equal(t, int64(1), got.Version, "moving one slot touches only it")
	}

	require.NoError(t, cal.Delete(ctx, res.Slots[2].ID))
	s, err := cal.GetSeries(ctx, "vision-seminar")
	require.NoError(t, err)
	assert.Equal(t, []string{"2017-09-25", "2017-10-09"}, s.Plan.Except, "deleting a slot excepts its date")

	again, err := cal.PlanSeries(ctx, s.ID, *s.Plan)
	require.NoError(t, err)
	assert.Zero(t, again.Added, "planning again neither resurrects the deleted slot nor duplicates the moved one")
	assert.Len(t, again.Slots, 12)
	assert.Contains(t, starts(again.Slots), "2017-09-19T16:00:00-04:00", "the moved slot is listed at its new time")

	cancelled, err := cal.Cancel(ctx, res.Slots[3].ID, "the room is taken")
	require.NoError(t, err)
	assert.Empty(t, kinds(t, store, cancelled.ID), "cancelling a slot nobody was told of sends nothing")
}

func TestCalendar_PlanSeries_reminders(t *testing.T) {
	ctx := t.Context()
	cal, store, res := plannedCalendar(t)
	slot := res.Slots[0]

	titled := slot.Clone()
	titled.Title = "Scene understanding"
	titled, err := cal.Update(ctx, titled)
	require.NoError(t, err)
	assert.True(t, titled.IsTBA())
	assert.Empty(t, kinds(t, store, slot.ID), "a slot with a title but no speaker is still to be announced")
	_, err = cal.SendReminder(ctx, slot.ID, true)
	assert.ErrorIs(t, err, seminar.ErrInvalid, "not even a forced reminder goes out for a slot to be announced")

	filled := titled.Clone()
	filled.Speakers = []seminar.Person{{Name: "Antonio Torralba", Affiliation: "MIT"}}
	filled, err = cal.Update(ctx, filled)
	require.NoError(t, err)
	assert.False(t, filled.IsTBA())
	assert.Equal(t, []string{"reminder s0 pending", "reminder s0 pending"}, kinds(t, store, slot.ID),
		"a filled slot gets its reminders, and no update notice, since nobody was told")

	emptied := filled.Clone()
	emptied.Speakers = nil
	_, err = cal.Update(ctx, emptied)
	require.NoError(t, err)
	assert.Equal(t, []string{"reminder s0 dropped", "reminder s0 dropped"}, kinds(t, store, slot.ID),
		"a slot whose speaker is removed is to be announced again, and its reminders are dropped")
}

func TestCalendar_PlanSeries_invalid(t *testing.T) {
	ctx := t.Context()
	cal, _ := newCalendar(t)
	_, err := cal.CreateSeries(ctx, visionSeries())
	require.NoError(t, err)

	_, err = cal.PlanSeries(ctx, "missing", fallTerm(t))
	assert.ErrorIs(t, err, seminar.ErrNotFound)

	tooMany := fallTerm(t)
	tooMany.Rule = "FREQ=DAILY;UNTIL=20200101T000000Z"
	_, err = cal.PlanSeries(ctx, "vision-seminar", tooMany)
	assert.Equal(t, []string{"plan.rule"}, validationPaths(t, err), "more than %d slots are refused", seminar.MaxPlanSlots)

	// 2:30 am does not exist in New York on March 11, 2018.
	night, err := seminar.WallTime(2018, time.March, 9, 2, 30, "America/New_York")
	require.NoError(t, err)
	_, err = cal.PlanSeries(ctx, "vision-seminar", seminar.Plan{Start: night, Rule: "FREQ=DAILY;COUNT=5"})
	assert.Equal(t, []string{"plan.start"}, validationPaths(t, err))
	assert.Contains(t, err.Error(), "02:30 does not exist on 2018-03-11 in America/New_York")

	page, err := cal.List(ctx, seminar.Query{Filter: seminar.Filter{IncludeCancelled: true}})
	require.NoError(t, err)
	assert.Empty(t, page.Events, "a refused plan stores nothing")
	s, err := cal.GetSeries(ctx, "vision-seminar")
	require.NoError(t, err)
	assert.Nil(t, s.Plan)
}

func TestCalendar_PlanSeries_emptyDefaults(t *testing.T) {
	ctx := t.Context()
	store := memstore.New()
	// A series as a store's migration makes it from a free-text series:
	// a name and nothing else.
	err := store.Atomic(ctx, func(tx seminar.Tx) error {
		return tx.(seminar.SeriesTx).CreateSeries(ctx, &seminar.Series{ID: "theory", Name: "Theory", Version: 1})
	})
	require.NoError(t, err)
	cal, err := seminar.New(store, &seminar.Options{TimeZone: "America/New_York"})
	require.NoError(t, err)
	_, err = cal.PlanSeries(ctx, "theory", fallTerm(t))
	assert.ElementsMatch(t, []string{"defaults.timeZone", "defaults.duration"}, validationPaths(t, err))

	s, err := cal.GetSeries(ctx, "theory")
	require.NoError(t, err)
	s, err = cal.UpdateSeries(ctx, s)
	require.NoError(t, err, "UpdateSeries fills the Calendar's zone and the default length")
	assert.Equal(t, "America/New_York", s.Defaults.TimeZone)
	res, err := cal.PlanSeries(ctx, "theory", fallTerm(t))
	require.NoError(t, err)
	assert.Len(t, res.Slots, 13)
}

func TestCalendar_PlanSeries_ruleEdges(t *testing.T) {
	ctx := t.Context()
	cal, _ := newCalendar(t)
	_, err := cal.CreateSeries(ctx, visionSeries())
	require.NoError(t, err)
	sunday, err := seminar.WallTime(2017, time.September, 10, 16, 0, "America/New_York")
	require.NoError(t, err)

	res, err := cal.PlanSeries(ctx, "vision-seminar", seminar.Plan{Start: sunday, Rule: "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3"})
	require.NoError(t, err)
	assert.Equal(t, []string{"2017-09-10T16:00:00-04:00", "2017-09-11T16:00:00-04:00", "2017-09-18T16:00:00-04:00"},
		starts(res.Slots), "the start is the first slot even off the rule, and COUNT counts it (RFC 5545)")
	assert.Equal(t, "FREQ=WEEKLY;BYDAY=MO;COUNT=3", res.Series.Plan.Rule, "the stored rule has no RRULE: prefix")

	// 1:30 am happens twice in New York on November 5, 2017: the first.
	night, err := seminar.WallTime(2017, time.November, 4, 1, 30, "America/New_York")
	require.NoError(t, err)
	_, err = cal.CreateSeries(ctx, &seminar.Series{Name: "Night Owls", Defaults: seminar.SeriesDefaults{TimeZone: "America/New_York"}})
	require.NoError(t, err)
	res, err = cal.PlanSeries(ctx, "night-owls", seminar.Plan{Start: night, Rule: "FREQ=DAILY;UNTIL=20171106"})
	require.NoError(t, err)
	assert.Equal(t, []string{"2017-11-04T01:30:00-04:00", "2017-11-05T01:30:00-04:00", "2017-11-06T01:30:00-05:00"},
		starts(res.Slots), "a repeated wall time is its first occurrence, and a date UNTIL includes its day")
}

func TestWritePage_tba(t *testing.T) {
	_, _, res := plannedCalendar(t)
	var b bytes.Buffer
	require.NoError(t, seminar.WritePage(&b, res.Slots[0], nil))
	assert.Contains(t, b.String(), "To be announced\n\nSpeaker: to be announced\n\nDate: Monday, September 11, 2017\n")
	view, err := seminar.NewView(res.Slots[0])
	require.NoError(t, err)
	assert.Equal(t, seminar.ToBeAnnounced, view.Heading)
	assert.Equal(t, seminar.ToBeAnnounced, view.ShortTitle)
}
