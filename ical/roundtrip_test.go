package ical_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
)

// richEvents are events with every field the format carries set, in
// several zones, with text that needs every kind of escaping.
func richEvents(t *testing.T) []*seminar.Event {
	t.Helper()
	at := func(year int, month time.Month, day, hour, minute int, tz string) time.Time {
		t.Helper()
		w, err := seminar.WallTime(year, month, day, hour, minute, tz)
		require.NoError(t, err)
		return w
	}
	created := time.Date(2017, time.June, 9, 14, 10, 0, 0, time.UTC)
	rich := &seminar.Event{
		UID:   "rich-1@csail.mit.edu",
		Title: `Über die Energielandschaft — 深層学習; a, b: "quoted" \ back`,
		Type:  "Thesis Defense", Series: "Vision; Seminar, Fall",
		Speakers: []seminar.Person{
			{Name: "Pratik Chaudhari", Affiliation: "UCLA", Email: "pratik@cs.ucla.edu", URL: "https://pratikac.github.io/",
				PhotoURL: "https://example.org/p.jpg", Bio: "PhD candidate at UCLA.\r\nWorks on optimization; deep nets, too."},
			{Name: `Zhou, "Bolei"; Ph.D.`, Affiliation: "MIT CSAIL: Vision", Email: "bzhou@csail.mit.edu", Bio: "Zweite Zeile:\nÜberraschung ☃"},
			{Name: "Ана Иванова", Affiliation: "МГУ"},
		},
		Host:     seminar.Person{Name: "Bolei Zhou", Affiliation: "MIT CSAIL", URL: "https://people.csail.mit.edu/bzhou/"},
		Contact:  seminar.Person{Name: "Bolei Zhou", Email: "bzhou@csail.mit.edu"},
		Start:    at(2017, time.June, 12, 16, 0, "America/New_York"),
		End:      at(2017, time.June, 12, 17, 0, "America/New_York"),
		TimeZone: "America/New_York",
		Location: seminar.Location{Room: "32-D507", Building: "Stata Center, Building 32", Address: "32 Vassar St; Cambridge, MA 02139",
			URL: "https://mit.zoom.us/j/123?pwd=a,b;c"},
		RoomDescription: "Take the elevator to the 5th floor.\nTurn left; then right.",
		Public:          true,
		Abstract:        "Stochastic gradient descent (SGD) is the gold standard.\r\n\r\nSecond paragraph, with commas; semicolons: colons \\ and a tab\there.",
		Links: []seminar.Link{
			{Label: "arXiv", URL: "https://arxiv.org/abs/1611.01838"},
			{Label: "arXiv", URL: "https://arxiv.org/abs/1704.04932"},
			{URL: "https://example.org/slides?a=1,2;b=3"},
		},
		ResearchAreas: []string{"Machine Learning", "Computer Vision"},
		ImpactAreas:   []string{"Health; Care", "Energy"},
		Status:        seminar.StatusScheduled,
		Sequence:      3,
		CreatedAt:     created,
		UpdatedAt:     created.Add(48 * time.Hour),
	}
	cancelled := &seminar.Event{
		UID: "cancelled-2@csail.mit.edu", Title: "Kolloquium: Gitter und Graphen", Type: "Kolloquium",
		Speakers: []seminar.Person{{Name: "Jürgen Müller", Affiliation: "TU Berlin", Bio: "Erste Zeile\nZweite Zeile"}},
		Start:    at(2025, time.October, 26, 1, 30, "Europe/Berlin"), End: at(2025, time.October, 26, 3, 30, "Europe/Berlin"),
		TimeZone: "Europe/Berlin", Location: seminar.Location{URL: "https://meet.example.org/kolloquium"},
		Status: seminar.StatusCancelled, CancelReason: "Der Sprecher ist krank.\nNeuer Termin folgt.",
		Sequence: 5, CreatedAt: created, UpdatedAt: created.Add(time.Hour),
	}
	kolkata := &seminar.Event{
		UID: "kolkata-3@csail.mit.edu", Title: "Talk in Kolkata", Start: at(2025, time.January, 15, 17, 30, "Asia/Kolkata"),
		End: at(2025, time.January, 15, 18, 30, "Asia/Kolkata"), TimeZone: "Asia/Kolkata", Public: true,
		Status: seminar.StatusScheduled, CreatedAt: created, UpdatedAt: created,
	}
	utc := &seminar.Event{
		UID: "utc-4@csail.mit.edu", Title: "Talk in UTC", Start: time.Date(2025, 2, 1, 9, 0, 0, 0, time.UTC),
		End: time.Date(2025, 2, 1, 10, 0, 0, 0, time.UTC), TimeZone: "UTC", Status: seminar.StatusScheduled,
		Contact: seminar.Person{Name: "Front desk"}, CreatedAt: created, UpdatedAt: created,
	}
	chatham := &seminar.Event{
		UID: "chatham-5@csail.mit.edu", Title: "Talk at +13:45", Start: at(2025, time.December, 1, 9, 0, "Pacific/Chatham"),
		End: at(2025, time.December, 1, 10, 0, "Pacific/Chatham"), TimeZone: "Pacific/Chatham", Status: seminar.StatusScheduled,
		Host: seminar.Person{Name: "Kiri"}, CreatedAt: created, UpdatedAt: created,
	}
	// 01:30 EST, the second 01:30 of the night clocks fall back: our
	// encoder writes its DTSTART in UTC (RFC 5545 reads a repeated wall
	// time as its first occurrence), and its DTEND with the TZID.
	fold := &seminar.Event{
		UID: "fold-6@csail.mit.edu", Title: "Talk in the second 1:30 AM", Start: time.Date(2025, 11, 2, 6, 30, 0, 0, time.UTC),
		End: time.Date(2025, 11, 2, 8, 0, 0, 0, time.UTC), TimeZone: "America/New_York", Status: seminar.StatusScheduled,
		CreatedAt: created, UpdatedAt: created,
	}
	return []*seminar.Event{rich, cancelled, kolkata, utc, chatham, fold}
}

// carried returns e with only the fields iCalendar carries, as Decode
// gives them back: instants in UTC, line breaks as LF.
func carried(e *seminar.Event, hideEmails bool) seminar.Event {
	c := *e.Clone()
	c.ID, c.Version, c.CreatedBy, c.Reminders = "", 0, "", seminar.Reminders{}
	c.Start, c.End, c.CreatedAt, c.UpdatedAt = c.Start.UTC(), c.End.UTC(), c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	lf := func(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }
	person := func(p seminar.Person) seminar.Person {
		p.Bio = lf(p.Bio)
		if hideEmails {
			p.Email = ""
		}
		return p
	}
	for i := range c.Speakers {
		c.Speakers[i] = person(c.Speakers[i])
	}
	c.Host, c.Contact = person(c.Host), person(c.Contact)
	c.Abstract, c.RoomDescription, c.CancelReason = lf(c.Abstract), lf(c.RoomDescription), lf(c.CancelReason)
	return c
}

// TestDecode_RoundTrip exports events with our Encoder and decodes them:
// every field the format carries comes back equal, under each option that
// changes what is written. golang-ical, the first oracle, must parse the
// same bytes and read the same values.
func TestDecode_RoundTrip(t *testing.T) {
	tests := []struct {
		name string
		opts ical.EncodeOptions
	}{
		{"default", ical.EncodeOptions{}},
		{"prefix, participants and URL", ical.EncodeOptions{CancelledPrefix: true, Participants: true,
			EventURL: func(e *seminar.Event) string { return "https://seminars.example.org/" + e.UID }}},
		{"hidden contacts", ical.EncodeOptions{HideContact: true, Organizer: seminar.Person{Name: "Seminars", Email: "seminars@example.org"}}},
		{"custom PRODID", ical.EncodeOptions{ProdID: "-//CSAIL//Talks//EN", Name: "Talks", RefreshInterval: time.Hour}},
	}
	events := richEvents(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			enc := ical.NewEncoder(&buf, &tt.opts)
			for _, e := range events {
				require.NoError(t, enc.Encode(e))
			}
			require.NoError(t, enc.Close())

			res, err := ical.Decode(bytes.NewReader(buf.Bytes()), nil)
			require.NoError(t, err)
			assert.Empty(t, res.Skipped)
			require.Len(t, res.Occurrences, len(events))
			byUID := map[string]ical.Occurrence{}
			for _, o := range res.Occurrences {
				byUID[o.UID] = o
			}
			for _, want := range events {
				o, ok := byUID[want.UID]
				require.True(t, ok, want.UID)
				got := o.Event()
				require.NoError(t, got.Validate())
				assert.Equal(t, carried(want, tt.opts.HideContact), carried(got, false), want.UID)
			}

			cal, err := ics.ParseCalendar(bytes.NewReader(buf.Bytes()))
			require.NoError(t, err, "golang-ical must accept our output")
			require.Len(t, cal.Events(), len(events))
			for _, ev := range cal.Events() {
				o := byUID[ev.Id()]
				assertSameAsGolangICal(t, ev, o)
			}
		})
	}
}

// assertSameAsGolangICal compares what golang-ical read from a VEVENT with
// what Decode read.
func assertSameAsGolangICal(t *testing.T, ev *ics.VEvent, o ical.Occurrence) {
	t.Helper()
	value := func(p ics.ComponentProperty) string {
		if prop := ev.GetProperty(p); prop != nil {
			return prop.Value
		}
		return ""
	}
	assert.Equal(t, value(ics.ComponentPropertyDescription), o.Description, "DESCRIPTION of %s", o.UID)
	assert.Equal(t, value(ics.ComponentPropertyLocation), o.Location, "LOCATION of %s", o.UID)
	assert.Equal(t, value(ics.ComponentPropertyStatus), o.Status, "STATUS of %s", o.UID)
	summary := value(ics.ComponentPropertySummary)
	assert.Equal(t, summary, o.Title, "SUMMARY of %s", o.UID)
	start, err := ev.GetStartAt()
	require.NoError(t, err)
	end, err := ev.GetEndAt()
	require.NoError(t, err)
	assert.True(t, start.Equal(o.Start), "DTSTART of %s: golang-ical %s, Decode %s", o.UID, start, o.Start)
	assert.True(t, end.Equal(o.End), "DTEND of %s: golang-ical %s, Decode %s", o.UID, end, o.End)
	var categories []string
	for _, p := range ev.GetProperties(ics.ComponentPropertyCategories) {
		categories = append(categories, p.Value)
	}
	assert.Equal(t, categories, o.Categories, "CATEGORIES of %s", o.UID)
	abstract := ""
	for _, p := range ev.Properties {
		if p.IANAToken == "X-SEMINAR-ABSTRACT" {
			abstract = p.Value
		}
	}
	assert.Equal(t, abstract, o.Event().Abstract, "X-SEMINAR-ABSTRACT of %s", o.UID)
}

// TestDecode_RoundTripSeed exports the seed talk of testdata/csail-event.txt
// and imports it again.
func TestDecode_RoundTripSeed(t *testing.T) {
	start, err := seminar.WallTime(2017, time.June, 12, 16, 0, "America/New_York")
	require.NoError(t, err)
	seed := &seminar.Event{
		UID: "seed@csail.mit.edu", Title: "A picture of the energy landscape of deep neural networks",
		Speakers: []seminar.Person{{Name: "Pratik Chaudhari", Affiliation: "UCLA"}},
		Start:    start, End: start.Add(time.Hour), TimeZone: "America/New_York", Public: true,
		Location: seminar.Location{Room: "32-D507"},
		Host:     seminar.Person{Name: "Bolei Zhou", Affiliation: "MIT CSAIL"},
		Contact:  seminar.Person{Name: "Bolei Zhou", Email: "bzhou@csail.mit.edu"},
		Links:    []seminar.Link{{Label: "arXiv", URL: "https://arxiv.org/abs/1611.01838"}},
		Status:   seminar.StatusScheduled, CreatedAt: time.Date(2017, 6, 9, 14, 10, 0, 0, time.UTC),
		UpdatedAt: time.Date(2017, 6, 9, 14, 10, 0, 0, time.UTC),
	}
	var buf bytes.Buffer
	require.NoError(t, ical.EncodeEvent(&buf, seed, nil))
	res, err := ical.Decode(&buf, nil)
	require.NoError(t, err)
	require.Len(t, res.Occurrences, 1)
	o := res.Occurrences[0]
	assert.Equal(t, "2017-06-12T16:00:00-04:00", o.Start.Format(time.RFC3339))
	assert.Equal(t, "America/New_York", o.TimeZone)
	assert.Equal(t, carried(seed, false), carried(o.Event(), false))
}
