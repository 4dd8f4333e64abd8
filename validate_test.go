package seminar_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

func TestEvent_Validate_seedIsValid(t *testing.T) {
	assert.NoError(t, seedEvent(t).Validate())
}

func TestEvent_Validate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(e *seminar.Event)
		paths []string // every path that must be reported
	}{
		{"title required", func(e *seminar.Event) { e.Title = "" }, []string{"title"}},
		{"title blank", func(e *seminar.Event) { e.Title = "   " }, []string{"title"}},
		{"title with line break", func(e *seminar.Event) { e.Title = "Talk\r\nBcc: victim@example.org" }, []string{"title"}},
		{"title with NUL", func(e *seminar.Event) { e.Title = "Talk\x00" }, []string{"title"}},
		{"title too long", func(e *seminar.Event) { e.Title = strings.Repeat("x", seminar.MaxLineLen+1) }, []string{"title"}},
		{"title not UTF-8", func(e *seminar.Event) { e.Title = "caf\xe9" }, []string{"title"}},
		{"start and end required", func(e *seminar.Event) { e.Start, e.End = time.Time{}, time.Time{} }, []string{"start", "end"}},
		{"year 2300", func(e *seminar.Event) { e.Start = e.Start.AddDate(283, 0, 0); e.End = e.Start.Add(time.Hour) }, []string{"start", "end"}},
		{"year 1800", func(e *seminar.Event) { e.Start = e.Start.AddDate(-217, 0, 0); e.End = e.Start.Add(time.Hour) }, []string{"start", "end"}},
		{"end before start", func(e *seminar.Event) { e.End = e.Start.Add(-time.Minute) }, []string{"end"}},
		{"end equal to start", func(e *seminar.Event) { e.End = e.Start }, []string{"end"}},
		{"too long a talk", func(e *seminar.Event) { e.End = e.Start.Add(seminar.MaxDuration + time.Second) }, []string{"end"}},
		{"zone required", func(e *seminar.Event) { e.TimeZone = "" }, []string{"timeZone"}},
		{"zone unknown", func(e *seminar.Event) { e.TimeZone = "Mars/Olympus_Mons" }, []string{"timeZone"}},
		{"zone Local", func(e *seminar.Event) { e.TimeZone = "Local" }, []string{"timeZone"}},
		{"speaker email with a name", func(e *seminar.Event) { e.Speakers[0].Email = "Pratik <p@ucla.edu>" }, []string{"speakers[0].email"}},
		{"speaker email two addresses", func(e *seminar.Event) { e.Speakers[0].Email = "a@ucla.edu, b@ucla.edu" }, []string{"speakers[0].email"}},
		{"speaker email not ASCII", func(e *seminar.Event) { e.Speakers[0].Email = "josé@ucla.edu" }, []string{"speakers[0].email"}},
		{"speaker email not an address", func(e *seminar.Event) { e.Speakers[0].Email = "pratik" }, []string{"speakers[0].email"}},
		{"speaker name required", func(e *seminar.Event) { e.Speakers = append(e.Speakers, seminar.Person{Affiliation: "MIT"}) }, []string{"speakers[1].name"}},
		{"speaker URL relative", func(e *seminar.Event) { e.Speakers[0].URL = "/people/pratik" }, []string{"speakers[0].url"}},
		{"speaker photo javascript", func(e *seminar.Event) { e.Speakers[0].PhotoURL = "javascript:alert(1)" }, []string{"speakers[0].photoUrl"}},
		{"speaker bio with escape", func(e *seminar.Event) { e.Speakers[0].Bio = "Bio \x1b[31m" }, []string{"speakers[0].bio"}},
		{"host without a name", func(e *seminar.Event) { e.Host = seminar.Person{Affiliation: "MIT CSAIL"} }, []string{"host.name"}},
		{"contact email", func(e *seminar.Event) { e.Contact.Email = "bzhou@" }, []string{"contact.email"}},
		{"location URL scheme", func(e *seminar.Event) { e.Location.URL = "ftp://example.org/stream" }, []string{"location.url"}},
		{"location room line break", func(e *seminar.Event) { e.Location.Room = "32\nD507" }, []string{"location.room"}},
		{"link URL required", func(e *seminar.Event) { e.Links = []seminar.Link{{Label: "slides"}} }, []string{"links[0].url"}},
		{"link URL without host", func(e *seminar.Event) { e.Links[1].URL = "https:///abs" }, []string{"links[1].url"}},
		{"research area with comma", func(e *seminar.Event) { e.ResearchAreas = []string{"AI, ML"} }, []string{"researchAreas[0]"}},
		{"impact area empty", func(e *seminar.Event) { e.ImpactAreas = []string{""} }, []string{"impactAreas[0]"}},
		{"reminder list not an address", func(e *seminar.Event) { e.Reminders.Lists = append(e.Reminders.Lists, "seminars") }, []string{"reminders.lists[2]"}},
		{"reminder subject with line break", func(e *seminar.Event) { e.Reminders.Subject = "TALK\nBcc: x@y.z" }, []string{"reminders.subject"}},
		{"reminder subject bad template", func(e *seminar.Event) { e.Reminders.Subject = "TALK: {{.Title" }, []string{"reminders.subject"}},
		{"reminder schedule negative", func(e *seminar.Event) { e.Reminders.Schedule = []time.Duration{-time.Hour} }, []string{"reminders.schedule[0]"}},
		{"reminder schedule repeated", func(e *seminar.Event) { e.Reminders.Schedule = []time.Duration{time.Hour, time.Hour} }, []string{"reminders.schedule[1]"}},
		{"status unknown", func(e *seminar.Event) { e.Status = "postponed" }, []string{"status"}},
		{"cancel reason on a scheduled event", func(e *seminar.Event) { e.CancelReason = "ill" }, []string{"cancelReason"}},
		{"abstract too long", func(e *seminar.Event) { e.Abstract = strings.Repeat("a", seminar.MaxTextLen+1) }, []string{"abstract"}},
		{"too many speakers", func(e *seminar.Event) {
			e.Speakers = make([]seminar.Person, seminar.MaxListLen+1)
			for i := range e.Speakers {
				e.Speakers[i].Name = "S"
			}
		}, []string{"speakers"}},
		{"whole event too large", func(e *seminar.Event) {
			e.Abstract = strings.Repeat("a", seminar.MaxTextLen)
			for i := range 10 {
				e.Speakers = append(e.Speakers, seminar.Person{Name: "S", Bio: strings.Repeat("b", seminar.MaxTextLen-i)})
			}
		}, []string{"event"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := seedEvent(t)
			tt.edit(e)
			err := e.Validate()
			require.Error(t, err)
			assert.ErrorIs(t, err, seminar.ErrInvalid)
			var ve *seminar.ValidationError
			require.True(t, errors.As(err, &ve), "Validate must return a *ValidationError")
			for _, p := range tt.paths {
				f, ok := ve.Field(p)
				if assert.True(t, ok, "want a problem at %q, got %v", p, ve.Fields) {
					assert.NotEmpty(t, f.Message)
					assert.Contains(t, err.Error(), p+": ", "the message names the field")
				}
			}
			assert.Len(t, ve.Fields, len(tt.paths), "only the broken fields are reported: %v", ve.Fields)
		})
	}
}

func TestEvent_Validate_reportsEveryProblem(t *testing.T) {
	e := &seminar.Event{
		Title:    "Bad\ntitle",
		Start:    time.Date(2017, 6, 12, 20, 0, 0, 0, time.UTC),
		End:      time.Date(2017, 6, 12, 19, 0, 0, 0, time.UTC),
		TimeZone: "Nowhere/City",
		Speakers: []seminar.Person{{Name: "A", Email: "not-an-email"}},
	}
	var ve *seminar.ValidationError
	require.ErrorAs(t, e.Validate(), &ve)
	var paths []string
	for _, f := range ve.Fields {
		paths = append(paths, f.Path)
	}
	assert.ElementsMatch(t, []string{"title", "end", "timeZone", "speakers[0].email"}, paths)
}

func TestValidate_reminderLeadsAreWholeMinutes(t *testing.T) {
	e := seedEvent(t)
	e.Reminders.Schedule = []time.Duration{90 * time.Second, time.Hour}
	var verr *seminar.ValidationError
	require.ErrorAs(t, e.Validate(), &verr, "a lead of 90 s would share its delivery ID with a lead of 60 s")
	assert.Equal(t, "reminders.schedule[0]", verr.Fields[0].Path)
	assert.Contains(t, verr.Fields[0].Message, "whole minutes")
}
