package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

// june is the month most cases list: [june, july).
var (
	june = time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC)
	july = june.AddDate(0, 1, 0)
)

// newEvent returns a valid scheduled public event as the Calendar would hand
// it to a Store: ID and UID set, Version 1, times in UTC.
func newEvent(id string, start time.Time, d time.Duration) *seminar.Event {
	created := time.Date(2026, time.January, 5, 10, 0, 0, 0, time.UTC)
	return &seminar.Event{
		ID:        id,
		UID:       id + "@storetest.invalid",
		Title:     "Talk " + id,
		Start:     start,
		End:       start.Add(d),
		TimeZone:  "UTC",
		Public:    true,
		Status:    seminar.StatusScheduled,
		Version:   1,
		CreatedAt: created,
		UpdatedAt: created,
	}
}

// fullEvent returns an event with every field set, non-ASCII text in every
// string a user writes, and times in three zones with odd offsets, so that a
// store that drops, truncates, re-encodes or re-zones anything is caught.
// IDs stay ASCII: the Calendar makes them from [a-z2-7].
func fullEvent(t *testing.T, id string) *seminar.Event {
	t.Helper()
	ny, chatham, kolkata := zone(t, "America/New_York"), zone(t, "Pacific/Chatham"), zone(t, "Asia/Kolkata")
	start := time.Date(2026, time.June, 12, 16, 0, 59, 0, ny) // whole seconds, not minutes
	e := &seminar.Event{
		ID:     id,
		UID:    "exposé-" + id + "@seminaire.exämple.org",
		Title:  "Paysages d'énergie — 深層学習の地形 🧠",
		Type:   "Soutenance de thèse",
		Series: "Séminaire « Théorie »",
		Speakers: []seminar.Person{
			{
				Name:        "Zoë Ñúñez-Ørsted",
				Affiliation: "Universidad de Córdoba",
				Email:       "zoe@cordoba.example",
				URL:         "https://example.org/~zoë",
				PhotoURL:    "https://example.org/zoë.jpg",
				Bio:         "Zoë étudie l'optimisation.\nDeuxième ligne ✓",
			},
			{Name: "李小龍", Affiliation: "北京大学", Email: "li@xn--r8jz45g.jp", Bio: "研究者"},
			{Name: "Ólafur Þórsson"},
		},
		Host:            seminar.Person{Name: "Jürgen Groß", Affiliation: "MIT CSAIL — Théorie"},
		Contact:         seminar.Person{Name: "Søren Kierkegård", Email: "soren@example.dk"},
		Start:           start,
		End:             start.Add(90 * time.Minute).In(chatham),
		TimeZone:        "America/New_York",
		Location:        seminar.Location{Room: "32-D507 « salle »", Building: "Stata Center – Gates", Address: "32 Vassar St, Cambridge, MA 02139, États-Unis", URL: "https://meet.example.org/salle-été"},
		RoomDescription: "Deuxième étage,\r\nà gauche\tdu café ☕",
		Public:          true,
		Abstract:        "Résumé : la descente de gradient stochastique…\n\n第二段落。 \"quotes\", 'apostrophes', back\\slash; semi;colon",
		Links: []seminar.Link{
			{Label: "arXiv ①", URL: "https://arxiv.org/abs/1611.01838"},
			{Label: "Folien (PDF)", URL: "https://example.org/folien-ü.pdf"},
			{Label: "", URL: "https://example.org/recording"},
		},
		ResearchAreas: []string{"Apprentissage automatique", "Théorie de l'optimisation"},
		ImpactAreas:   []string{"Santé", "気候"},
		Reminders: seminar.Reminders{
			Lists:    []string{"seminaires@example.org", "vision@example.org"},
			Subject:  "EXPOSÉ : {{.Title}}",
			Schedule: []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, 97 * time.Minute},
		},
		Status:       seminar.StatusCancelled,
		CancelReason: "L'oratrice est malade — désolée 🙁",
		Sequence:     7,
		Version:      1<<40 + 3,
		CreatedBy:    "José Müller",
		CreatedAt:    time.Date(2026, time.May, 1, 9, 30, 15, 123456000, kolkata),
		UpdatedAt:    time.Date(2026, time.May, 2, 23, 59, 59, 999999000, chatham),
	}
	requireValid(t, e)
	return e
}

// bareEvent returns a valid event with every optional field empty and every
// slice nil.
func bareEvent(id string) *seminar.Event {
	e := newEvent(id, june.Add(10*time.Hour), time.Hour)
	e.Public = false
	return e
}

// zone loads an IANA zone or stops the test.
func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err, "storetest needs the time zone database")
	return loc
}

// requireValid guards the suite itself: a Store is only ever given events
// that pass Validate, so a case built on an invalid one would test nothing a
// user can reach.
func requireValid(t *testing.T, events ...*seminar.Event) {
	t.Helper()
	for _, e := range events {
		require.NoError(t, e.Validate(), "storetest built an invalid event %q", e.ID)
	}
}
