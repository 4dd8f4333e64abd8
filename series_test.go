package seminar_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/memstore"
)

// visionSeries is the series of the issue: "Vision Seminar, Mondays 4 pm,
// 32-D507, to vision-meeting@".
func visionSeries() *seminar.Series {
	return &seminar.Series{
		Name:        "Vision Seminar",
		Description: "Talks on computer vision, Mondays at 4 pm.",
		Contact:     seminar.Person{Name: "Bolei Zhou", Email: "bzhou@csail.mit.edu"},
		Defaults: seminar.SeriesDefaults{
			Type:     "Seminar",
			Host:     seminar.Person{Name: "Bolei Zhou", Affiliation: "MIT CSAIL"},
			Location: seminar.Location{Room: "32-D507", Building: "Stata Center"},
			TimeZone: "America/New_York",
			Duration: time.Hour,
			Public:   true,
			Reminders: seminar.Reminders{
				Lists:    []string{"vision-meeting@csail.mit.edu"},
				Schedule: []time.Duration{7 * 24 * time.Hour, 24 * time.Hour},
			},
		},
	}
}

// validationPaths returns the field paths of err, a *ValidationError, or
// fails the test.
func validationPaths(t *testing.T, err error) []string {
	t.Helper()
	require.ErrorIs(t, err, seminar.ErrInvalid)
	var ve *seminar.ValidationError
	require.ErrorAs(t, err, &ve)
	return paths(ve)
}

func TestSlug(t *testing.T) {
	for name, want := range map[string]string{
		"Vision Seminar":           "vision-seminar",
		"Séminaire d'Algèbre":      "seminaire-d-algebre",
		"  ML  --  Theory (Fall) ": "ml-theory-fall",
		"CSAIL 2017":               "csail-2017",
		"深層学習":                     "",
		"":                         "",
	} {
		assert.Equal(t, want, seminar.Slug(name), "Slug(%q)", name)
	}
}

func TestCalendar_CreateSeries(t *testing.T) {
	ctx := t.Context()
	cal, _ := newCalendar(t)

	s, err := cal.CreateSeries(ctx, visionSeries())
	require.NoError(t, err)
	assert.Equal(t, "vision-seminar", s.ID, "the ID is the slug of the name")
	assert.Equal(t, int64(1), s.Version)
	assert.Equal(t, seedCreated, s.CreatedAt.UTC())
	assert.Nil(t, s.Plan)

	got, err := cal.GetSeries(ctx, "vision-seminar")
	require.NoError(t, err)
	assert.Equal(t, s, got, "GetSeries returns the series as CreateSeries stored it")

	_, err = cal.CreateSeries(ctx, visionSeries())
	assert.ErrorIs(t, err, seminar.ErrExists, "a second series of the same name takes the same ID")

	named := visionSeries()
	named.ID = "vision-2"
	_, err = cal.CreateSeries(ctx, named)
	require.NoError(t, err, "a caller may give its own slug")

	bare, err := cal.CreateSeries(ctx, &seminar.Series{Name: "Theory Colloquium"})
	require.NoError(t, err)
	assert.Equal(t, "America/New_York", bare.Defaults.TimeZone, "an empty zone is the Calendar's")
	assert.Equal(t, seminar.DefaultTalkDuration, bare.Defaults.Duration)

	all, err := cal.ListSeries(ctx)
	require.NoError(t, err)
	var ids []string
	for _, s := range all {
		ids = append(ids, s.ID)
	}
	assert.Equal(t, []string{"theory-colloquium", "vision-2", "vision-seminar"}, ids, "ListSeries orders by ID")
}

func TestCalendar_CreateSeries_invalid(t *testing.T) {
	tests := []struct {
		name string
		edit func(s *seminar.Series)
		want []string
	}{
		{"no name", func(s *seminar.Series) { s.Name = "" }, []string{"id", "name"}},
		{"name with no letter", func(s *seminar.Series) { s.Name = "★ ★" }, []string{"name"}},
		{"id not a slug", func(s *seminar.Series) { s.ID = "Vision Seminar" }, []string{"id"}},
		{"id with a trailing dash", func(s *seminar.Series) { s.ID = "vision-" }, []string{"id"}},
		{"name on two lines", func(s *seminar.Series) { s.ID, s.Name = "vision", "Vision\r\nBcc: x@example.org" }, []string{"name"}},
		{"abbreviated zone", func(s *seminar.Series) { s.Defaults.TimeZone = "EST" }, []string{"defaults.timeZone"}},
		{"unknown zone", func(s *seminar.Series) { s.Defaults.TimeZone = "Mars/Olympus" }, []string{"defaults.timeZone"}},
		{"negative duration", func(s *seminar.Series) { s.Defaults.Duration = -time.Hour }, []string{"defaults.duration"}},
		{"duration too long", func(s *seminar.Series) { s.Defaults.Duration = seminar.MaxDuration + time.Hour }, []string{"defaults.duration"}},
		{"list not an address", func(s *seminar.Series) { s.Defaults.Reminders.Lists = []string{"vision-meeting"} }, []string{"defaults.reminders.lists[0]"}},
		{"bad lead", func(s *seminar.Series) { s.Defaults.Reminders.Schedule = []time.Duration{-time.Hour} }, []string{"defaults.reminders.schedule[0]"}},
		{"bad subject", func(s *seminar.Series) { s.Defaults.Reminders.Subject = "{{.Nope}}" }, []string{"defaults.reminders.subject"}},
		{"room on two lines", func(s *seminar.Series) { s.Defaults.Location.Room = "32\nD507" }, []string{"defaults.location.room"}},
		{"contact email", func(s *seminar.Series) { s.Contact.Email = "Bolei <bzhou@csail.mit.edu>" }, []string{"contact.email"}},
		{"plan without end", func(s *seminar.Series) { s.Plan = &seminar.Plan{Start: seedCreated, Rule: "FREQ=WEEKLY;BYDAY=MO"} }, []string{"plan.rule"}},
		{"plan hourly", func(s *seminar.Series) { s.Plan = &seminar.Plan{Start: seedCreated, Rule: "FREQ=HOURLY;COUNT=3"} }, []string{"plan.rule"}},
		{"plan sets the hour", func(s *seminar.Series) {
			s.Plan = &seminar.Plan{Start: seedCreated, Rule: "FREQ=DAILY;BYHOUR=9;COUNT=3"}
		}, []string{"plan.rule"}},
		{"plan not a rule", func(s *seminar.Series) { s.Plan = &seminar.Plan{Start: seedCreated, Rule: "every monday"} }, []string{"plan.rule"}},
		{"plan too long", func(s *seminar.Series) { s.Plan = &seminar.Plan{Start: seedCreated, Rule: "FREQ=DAILY;COUNT=600"} }, []string{"plan.rule"}},
		{"plan with no start", func(s *seminar.Series) { s.Plan = &seminar.Plan{Rule: "FREQ=DAILY;COUNT=6"} }, []string{"plan.start"}},
		{"plan bad except", func(s *seminar.Series) {
			s.Plan = &seminar.Plan{Start: seedCreated, Rule: "FREQ=DAILY;COUNT=6", Except: []string{"2017-06-10", "10/09/2017"}}
		}, []string{"plan.except[1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cal, _ := newCalendar(t)
			s := visionSeries()
			tt.edit(s)
			_, err := cal.CreateSeries(t.Context(), s)
			assert.ElementsMatch(t, tt.want, validationPaths(t, err), "%v", err)
			all, err := cal.ListSeries(t.Context())
			require.NoError(t, err)
			assert.Empty(t, all, "an invalid series is not stored")
		})
	}
}

func TestCalendar_UpdateSeries(t *testing.T) {
	ctx := t.Context()
	cal, _ := newCalendar(t)
	s, err := cal.CreateSeries(ctx, visionSeries())
	require.NoError(t, err)

	renamed := s.Clone()
	renamed.Name = "Vision and Graphics Seminar"
	renamed.Defaults.Location.Room = "32-G449"
	got, err := cal.UpdateSeries(ctx, renamed)
	require.NoError(t, err)
	assert.Equal(t, "vision-seminar", got.ID, "renaming keeps the ID")
	assert.Equal(t, "Vision and Graphics Seminar", got.Name)
	assert.Equal(t, int64(2), got.Version)
	assert.Equal(t, s.CreatedAt, got.CreatedAt)

	_, err = cal.UpdateSeries(ctx, renamed)
	assert.ErrorIs(t, err, seminar.ErrConflict, "an edit of an old version conflicts")

	missing := visionSeries()
	missing.ID = "missing"
	_, err = cal.UpdateSeries(ctx, missing)
	assert.ErrorIs(t, err, seminar.ErrNotFound)

	planned := got.Clone()
	planned.Plan = &seminar.Plan{Start: seedCreated, Rule: "FREQ=WEEKLY;COUNT=3"}
	_, err = cal.UpdateSeries(ctx, planned)
	assert.Equal(t, []string{"plan"}, validationPaths(t, err), "UpdateSeries does not plan")

	bad := got.Clone()
	bad.Defaults.TimeZone = "CET"
	_, err = cal.UpdateSeries(ctx, bad)
	assert.Equal(t, []string{"defaults.timeZone"}, validationPaths(t, err))

	now, err := cal.GetSeries(ctx, s.ID)
	require.NoError(t, err)
	assert.Equal(t, got, now, "refused updates change nothing")
}

func TestCalendar_DeleteSeries(t *testing.T) {
	ctx := t.Context()
	cal, _ := newCalendar(t)
	s, err := cal.CreateSeries(ctx, visionSeries())
	require.NoError(t, err)
	talk := seedEvent(t)
	talk.Series = s.ID
	talk.Status = seminar.StatusCancelled
	stored, err := cal.Create(ctx, talk)
	require.NoError(t, err)

	err = cal.DeleteSeries(ctx, s.ID)
	require.ErrorIs(t, err, seminar.ErrInvalid, "a series with talks, even cancelled ones, is not deleted")
	assert.Contains(t, err.Error(), "A picture of the energy landscape", "the error names a talk of the series")
	_, err = cal.GetSeries(ctx, s.ID)
	require.NoError(t, err)

	require.NoError(t, cal.Delete(ctx, stored.ID))
	require.NoError(t, cal.DeleteSeries(ctx, s.ID))
	_, err = cal.GetSeries(ctx, s.ID)
	assert.ErrorIs(t, err, seminar.ErrNotFound)
	assert.ErrorIs(t, cal.DeleteSeries(ctx, s.ID), seminar.ErrNotFound)
}

func TestCalendar_NewTalk(t *testing.T) {
	ctx := t.Context()
	cal, _ := newCalendar(t)
	s, err := cal.CreateSeries(ctx, visionSeries())
	require.NoError(t, err)
	talk, err := cal.NewTalk(ctx, s.ID)
	require.NoError(t, err)
	assert.Equal(t, "vision-seminar", talk.Series)
	assert.Equal(t, "32-D507", talk.Location.Room)
	assert.Equal(t, "America/New_York", talk.TimeZone)
	assert.Equal(t, s.Defaults.Reminders, talk.Reminders)
	assert.Equal(t, s.Contact, talk.Contact)
	assert.True(t, talk.Public)
	assert.Empty(t, talk.ID, "the talk is not stored")

	talk.Reminders.Lists[0] = "changed@example.org"
	again, err := cal.GetSeries(ctx, s.ID)
	require.NoError(t, err)
	assert.Equal(t, "vision-meeting@csail.mit.edu", again.Defaults.Reminders.Lists[0], "the talk shares nothing with the series")

	talk.Title = "Scene understanding"
	talk.Start, err = seminar.WallTime(2017, time.October, 2, 16, 0, "America/New_York")
	require.NoError(t, err)
	talk.End = talk.Start.Add(s.Defaults.Duration)
	_, err = cal.Create(ctx, talk)
	require.NoError(t, err, "a talk made by NewTalk is stored by Create once it has a title and a time")

	_, err = cal.NewTalk(ctx, "missing")
	assert.ErrorIs(t, err, seminar.ErrNotFound)
}

func TestCalendar_eventSeriesMustExist(t *testing.T) {
	ctx := t.Context()
	cal, _ := newCalendar(t)
	_, err := cal.CreateSeries(ctx, visionSeries())
	require.NoError(t, err)

	talk := seedEvent(t)
	talk.Series = "Vision Seminar"
	_, err = cal.Create(ctx, talk)
	assert.Equal(t, []string{"series"}, validationPaths(t, err))
	assert.Contains(t, err.Error(), `no series with ID "Vision Seminar"`)

	good := seedEvent(t)
	good.Series = "vision-seminar"
	_, err = cal.CreateMany(ctx, []*seminar.Event{good, talk})
	assert.Equal(t, []string{"events[1].series"}, validationPaths(t, err))

	imported := seedEvent(t)
	imported.UID, imported.Series = "talk-1@example.org", "theory"
	_, err = cal.Import(ctx, []*seminar.Event{imported})
	assert.Equal(t, []string{"events[0].series"}, validationPaths(t, err))

	page, err := cal.List(ctx, seminar.Query{Filter: seminar.Filter{IncludeCancelled: true}})
	require.NoError(t, err)
	assert.Empty(t, page.Events, "no refused event was stored")

	stored, err := cal.Create(ctx, good)
	require.NoError(t, err)
	moved := stored.Clone()
	moved.Series = "theory"
	_, err = cal.Update(ctx, moved)
	assert.Equal(t, []string{"series"}, validationPaths(t, err))
	alone := stored.Clone()
	alone.Series = ""
	_, err = cal.Update(ctx, alone)
	require.NoError(t, err, "a talk may leave its series")
}

// storeWithoutSeries hides memstore's series, as a Store written before
// series were.
type storeWithoutSeries struct {
	seminar.Store
	seminar.Outbox
}

func TestCalendar_storeWithoutSeries(t *testing.T) {
	ctx := t.Context()
	m := memstore.New()
	cal, err := seminar.New(storeWithoutSeries{m, m}, &seminar.Options{Now: fixedClock(seedCreated)})
	require.NoError(t, err)
	talk := seedEvent(t)
	talk.Series = "Vision Seminar"
	stored, err := cal.Create(ctx, talk)
	require.NoError(t, err, "a store that keeps no series keeps Series as free text")
	assert.Equal(t, "Vision Seminar", stored.Series)

	_, err = cal.CreateSeries(ctx, visionSeries())
	assert.ErrorIs(t, err, errors.ErrUnsupported)
	_, err = cal.PlanSeries(ctx, "vision-seminar", seminar.Plan{Start: seedCreated, Rule: "FREQ=WEEKLY;COUNT=2"})
	assert.ErrorIs(t, err, errors.ErrUnsupported)
}

func TestEvent_Validate_slot(t *testing.T) {
	e := seedEvent(t)
	e.Title = ""
	assert.Equal(t, []string{"title"}, validationPaths(t, e.Validate()), "a talk needs a title")
	e.Slot = e.Start
	assert.NoError(t, e.Validate(), "a planned slot is to be announced until it has a title")
	assert.True(t, e.IsTBA())
	e.Title = "A title"
	assert.False(t, e.IsTBA(), "a slot with a title and a speaker is announced")
	e.Speakers = nil
	assert.True(t, e.IsTBA(), "a slot with no speaker is still to be announced")
}
