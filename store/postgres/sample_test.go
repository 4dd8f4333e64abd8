package postgres_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/internal/sqlstore/sqlstoretest"
)

// base is the start of the first sample event.
var base = time.Date(2017, time.June, 1, 16, 0, 0, 0, time.UTC)

// sampleSeries are the IDs of the series of the sample events, made by
// Calendar.CreateSeries from the names "Theory", "Systems" and "AI".
var sampleSeries = []string{"theory", "systems", "ai"}

// sampleEvent returns event number i of a calendar with a talk every
// spacing from base, with every field set, as the Calendar would store it.
func sampleEvent(i int, spacing time.Duration) *seminar.Event {
	start := base.Add(time.Duration(i) * spacing)
	id := fmt.Sprintf("ev%07d", i)
	created := time.Date(2017, 1, 2, 3, 4, 5, 123456000, time.UTC)
	return &seminar.Event{
		ID:     id,
		UID:    id + "@csail.mit.edu",
		Title:  fmt.Sprintf("Talk %d: Über die Zählbarkeit — 可数性について", i),
		Type:   "Seminar",
		Series: sampleSeries[i%len(sampleSeries)],
		Speakers: []seminar.Person{
			{Name: "Zoë Ångström", Affiliation: "ETH Zürich", Email: "zoe@example.org",
				URL: "https://example.org/zoe", PhotoURL: "https://example.org/zoe.jpg", Bio: "Works on \"graphs\".\nAnd more."},
			{Name: "李明", Affiliation: "清华大学"},
		},
		Host:            seminar.Person{Name: "Host Name", Affiliation: "MIT CSAIL"},
		Contact:         seminar.Person{Name: "Contact Name", Email: "contact@example.org"},
		Start:           start,
		End:             start.Add(time.Hour),
		TimeZone:        "America/New_York",
		Location:        seminar.Location{Room: "32-D507", Building: "Stata Center", Address: "32 Vassar St, Cambridge, MA 02139", URL: "https://example.org/stream"},
		RoomDescription: "Fifth floor, Gates tower.",
		Public:          i%4 != 0,
		Abstract:        strings.Repeat("We study the countability of things, with care. ", 10),
		Links:           []seminar.Link{{Label: "arXiv", URL: "https://arxiv.org/abs/1706.00001"}, {Label: "slides", URL: "https://example.org/slides.pdf"}},
		ResearchAreas:   []string{"Algorithms", "Complexity"},
		ImpactAreas:     []string{"Health"},
		Reminders: seminar.Reminders{
			Lists:    []string{"theory@example.org", "seminars@example.org"},
			Subject:  seminar.DefaultSubject,
			Schedule: []time.Duration{7 * 24 * time.Hour, 24 * time.Hour},
		},
		Status:    seminar.StatusScheduled,
		Sequence:  i % 3,
		Version:   1,
		CreatedBy: "alice@example.org",
		CreatedAt: created,
		UpdatedAt: created.Add(time.Duration(i) * time.Microsecond),
	}
}

// createSampleSeries stores the series of the sample events through cal,
// but those it holds already, for a Calendar to write the sample events.
func createSampleSeries(tb testing.TB, cal *seminar.Calendar) {
	tb.Helper()
	sqlstoretest.CreateSeries(tb, cal, "Theory", "Systems", "AI")
}

// sampleEvents returns events first to first+n-1.
func sampleEvents(first, n int, spacing time.Duration) []*seminar.Event {
	events := make([]*seminar.Event, n)
	for i := range events {
		events[i] = sampleEvent(first+i, spacing)
	}
	return events
}

// assertSameEvent checks that got holds what want holds: the same instants
// (in any location) and equal everything else.
func assertSameEvent(t testing.TB, want, got *seminar.Event, msg string) {
	t.Helper()
	if !assert.NotNil(t, got, msg) {
		return
	}
	w, g := *want, *got
	for _, p := range []struct {
		name string
		w, g *time.Time
	}{{"start", &w.Start, &g.Start}, {"end", &w.End, &g.End}, {"created at", &w.CreatedAt, &g.CreatedAt}, {"updated at", &w.UpdatedAt, &g.UpdatedAt}} {
		assert.Truef(t, p.w.Equal(*p.g), "%s: %s: want %s, got %s", msg, p.name, *p.w, *p.g)
		*p.w, *p.g = time.Time{}, time.Time{}
	}
	assert.Equal(t, w, g, msg)
}
