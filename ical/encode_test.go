package ical_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
)

func TestEncodeEvent_seed(t *testing.T) {
	e := seedEvent()
	text := encodeAll(t, &ical.EncodeOptions{
		EventURL: func(e *seminar.Event) string { return "https://talks.csail.mit.edu/events/" + e.ID },
	}, e)
	cal := parseICS(t, text)

	assert.Equal(t, "2.0", value(t, calProps(cal), "VERSION"))
	assert.Equal(t, ical.DefaultProdID, value(t, calProps(cal), "PRODID"))
	assert.Equal(t, "GREGORIAN", value(t, calProps(cal), "CALSCALE"))
	assert.Equal(t, "PUBLISH", value(t, calProps(cal), "METHOD"))

	ev := onlyEvent(t, cal)
	p := ev.Properties
	assert.Equal(t, e.UID, value(t, p, "UID"))
	assert.Equal(t, "20170612T120000Z", value(t, p, "DTSTAMP"))
	start := property(t, p, "DTSTART")
	assert.Equal(t, "20170612T160000", start.Value, "4:00 PM as the page says")
	assert.Equal(t, []string{"America/New_York"}, start.ICalParameters["TZID"])
	assert.Equal(t, "20170612T170000", value(t, p, "DTEND"))
	gotStart, err := ev.GetStartAt()
	require.NoError(t, err)
	assert.True(t, gotStart.Equal(e.Start), "golang-ical reads the start as %s", gotStart)
	gotEnd, err := ev.GetEndAt()
	require.NoError(t, err)
	assert.True(t, gotEnd.Equal(e.End), "golang-ical reads the end as %s", gotEnd)
	assert.Equal(t, "20170609T141000Z", value(t, p, "CREATED"))
	assert.Equal(t, "20170609T141000Z", value(t, p, "LAST-MODIFIED"))
	assert.Equal(t, "0", value(t, p, "SEQUENCE"))
	assert.Equal(t, "CONFIRMED", value(t, p, "STATUS"))
	assert.Equal(t, e.Title, value(t, p, "SUMMARY"))
	assert.Equal(t, "32-D507", value(t, p, "LOCATION"))
	assert.Equal(t, "https://talks.csail.mit.edu/events/k3j5x7q2m9", value(t, p, "URL"))
	assert.Equal(t, "PUBLIC", value(t, p, "CLASS"))
	org := property(t, p, "ORGANIZER")
	assert.Equal(t, "mailto:bzhou@csail.mit.edu", org.Value)
	assert.Equal(t, []string{"Bolei Zhou"}, org.ICalParameters["CN"])
	assert.Empty(t, values(p, "ATTENDEE"), "a published event has no ATTENDEE (RFC 5546)")

	view, err := seminar.NewView(e)
	require.NoError(t, err)
	assert.Equal(t, "Speaker: "+view.SpeakerLines[0]+"\n\n"+
		"Location: "+view.Place+"\n\n"+
		"Abstract:\n"+view.AbstractText+"\n\n"+
		"About the speaker:\n"+view.Bio+"\n\n"+
		"arXiv: "+view.LinkGroups[0].URLs[0]+"\n"+
		"arXiv: "+view.LinkGroups[0].URLs[1]+"\n\n"+
		"Host: "+view.HostName+"\n"+
		"Contact: "+view.ContactLine,
		value(t, p, "DESCRIPTION"), "DESCRIPTION is the page's text without the title and times, line breaks as LF")
}

// DESCRIPTION reads as the event page does, in its words and order: the
// page's text without its title, date and time, whatever the event holds.
func TestEncodeEvent_descriptionIsThePage(t *testing.T) {
	cancelled := seedEvent()
	cancelled.Status, cancelled.CancelReason = seminar.StatusCancelled, "The speaker is ill.\r\nWe will reschedule."
	online := seedEvent()
	online.Location = seminar.Location{URL: "https://mit.zoom.us/j/1"}
	online.Host.Affiliation = ""
	online.Links = nil
	for name, e := range map[string]*seminar.Event{
		"seed": seedEvent(), "cancelled": cancelled, "online": online,
		"several speakers, every field": trickyEvents()[0], "cancelled in Tokyo": trickyEvents()[1],
	} {
		t.Run(name, func(t *testing.T) {
			seriesName := func(id string) string { return "Name of " + id }
			view, err := seminar.NewView(e)
			require.NoError(t, err)
			if e.Series != "" {
				view.SeriesName = seriesName(e.Series)
			}
			var page strings.Builder
			require.NoError(t, seminar.WriteView(&page, view, nil))
			var want []string
			for line := range strings.Lines(page.String()) {
				line = strings.TrimSuffix(line, "\n")
				if line != view.Heading && !strings.HasPrefix(line, "Date: ") && !strings.HasPrefix(line, "Time: ") {
					want = append(want, line)
				}
			}
			desc := value(t, onlyEvent(t, parseICS(t, encodeAll(t, &ical.EncodeOptions{SeriesName: seriesName}, e))).Properties, "DESCRIPTION")
			// The page wraps at 72 columns, setting a wrapped line off by
			// blank lines, and DESCRIPTION leaves the wrapping to the
			// client: the words are compared.
			assert.Equal(t, strings.Fields(strings.Join(want, "\n")), strings.Fields(desc), "the words of the page, in its order")
		})
	}
}

// Every line of the stream ends in CRLF, none is longer than 75 octets,
// and no fold splits a UTF-8 sequence.
func TestEncoder_Encode_lines(t *testing.T) {
	text := encodeAll(t, &ical.EncodeOptions{Participants: true, Name: strings.Repeat("Kolloquium für Maschinelles Lernen ", 5)},
		trickyEvents()...)
	require.True(t, strings.HasSuffix(text, "END:VCALENDAR\r\n"))
	lines := strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n")
	for i, l := range lines {
		require.NotContains(t, l, "\n", "bare LF in line %d", i)
		require.NotContains(t, l, "\r", "bare CR in line %d", i)
		assert.LessOrEqual(t, len(l), 75, "line %d: %q", i, l)
		assert.True(t, utf8.ValidString(l), "line %d is not UTF-8 on its own: %q", i, l)
	}
}

// trickyEvents hold what breaks serializers: delimiters, quotes and
// backslashes in every text field and name, line breaks of every system,
// blank lines, non-ASCII, a 5,000-character abstract.
func trickyEvents() []*seminar.Event {
	a := seedEvent()
	a.UID = "tricky-1@example.org"
	a.Title = `Kernels, "features"; and: C:\paths\ — Ünïcödé 東京 🎓`
	a.Type = `Thesis Defense; "final"`
	a.Series = `ML\Theory, Fall`
	a.Speakers = []seminar.Person{
		{Name: `Doe, Jane "JJ"`, Affiliation: `Dept. of C\S; Univ: "X"`, Email: "jane@example.org",
			URL: "https://example.org/~jane?a=1,2;b=3", PhotoURL: "https://example.org/j.jpg",
			Bio: "Line one.\r\n\r\nLine three; with, delimiters\\ and \"quotes\".\r"},
		{Name: "Ólafur Þórsson", Affiliation: "Háskóli Íslands", Bio: "Bio\nwith\nLF"},
		{Name: `Backslash\`},
	}
	a.Host = seminar.Person{Name: `Host: "the"; host\`, Affiliation: "MIT, CSAIL"}
	a.Contact = seminar.Person{Name: `Zhou, Bolei "BZ"`, Email: "bzhou@csail.mit.edu"}
	a.Location = seminar.Location{Room: "32-D507; or G449", Building: `Stata "Gehry" Center`, Address: "32 Vassar St, Cambridge, MA 02139", URL: "https://mit.zoom.us/j/1?pwd=a,b;c"}
	a.RoomDescription = "Take the elevator,\r\nthen left."
	a.Abstract = "First paragraph, with; everything: \\ \" .\r\n\r\n\r\nAfter blank lines.\rOld Mac break.\n" + strings.Repeat("Lorem ipsum dolor sit amet, ünïcödé; ", 135)
	a.Links = []seminar.Link{{Label: "Slides; v2", URL: "https://example.org/s.pdf"}, {URL: "https://example.org/plain"}, {Label: "Slides; v2", URL: "https://example.org/s2.pdf"}}
	a.ResearchAreas = []string{"Machine Learning", "Theory; of Computation"}
	a.ImpactAreas = []string{`Health\Care`}

	b := seedEvent()
	b.UID = "tricky-2@example.org"
	b.Title = "Cancelled talk: 量子コンピュータ"
	b.Status = seminar.StatusCancelled
	b.CancelReason = "Speaker ill;\r\nrescheduled, probably."
	b.Sequence = 3
	b.TimeZone = "Asia/Tokyo"
	b.Public = false
	return []*seminar.Event{a, b}
}

// golang-ical, parsing the export, unescapes every value to exactly what
// the event holds (line breaks as LF).
func TestEncoder_Encode_roundTripGolangICal(t *testing.T) {
	events := trickyEvents()
	cal := parseICS(t, encodeAll(t, nil, events...))
	parsed := cal.Events()
	require.Len(t, parsed, len(events))
	for i, e := range events {
		t.Run(e.UID, func(t *testing.T) {
			p := parsed[i].Properties
			assert.Equal(t, e.UID, value(t, p, "UID"))
			assert.Equal(t, e.Title, value(t, p, "SUMMARY"))
			start, err := parsed[i].GetStartAt()
			require.NoError(t, err)
			assert.True(t, start.Equal(e.Start))
			assert.Equal(t, fmt.Sprint(e.Sequence), value(t, p, "SEQUENCE"))

			for j, s := range e.Speakers {
				assert.Equal(t, personLines(s), values(p, "X-SEMINAR-SPEAKER")[j])
			}
			if !e.Host.IsZero() {
				assert.Equal(t, personLines(e.Host), value(t, p, "X-SEMINAR-HOST"))
			}
			assert.Equal(t, personLines(e.Contact), value(t, p, "X-SEMINAR-CONTACT"))
			assert.Equal(t, lf(e.Abstract), value(t, p, "X-SEMINAR-ABSTRACT"))
			optional := map[string]string{
				"X-SEMINAR-ROOM": e.Location.Room, "X-SEMINAR-BUILDING": e.Location.Building,
				"X-SEMINAR-ADDRESS": e.Location.Address, "X-SEMINAR-STREAM": e.Location.URL,
				"X-SEMINAR-ROOM-DESCRIPTION": lf(e.RoomDescription), "X-SEMINAR-CANCEL-REASON": lf(e.CancelReason),
			}
			for name, want := range optional {
				if want == "" {
					assert.Empty(t, values(p, name), name)
				} else {
					assert.Equal(t, want, value(t, p, name), name)
				}
			}
			var links []string
			for _, l := range e.Links {
				links = append(links, strings.TrimSuffix(l.URL+"\n"+l.Label, "\n"))
			}
			assert.Equal(t, links, values(p, "X-SEMINAR-LINK"))

			var cats []string
			for _, c := range categoryProps(p) {
				cats = append(cats, c.ICalParameters["X-SEMINAR-KIND"][0]+"="+c.Value)
			}
			var want []string
			if e.Type != "" {
				want = append(want, "TYPE="+e.Type)
			}
			if e.Series != "" {
				want = append(want, "SERIES="+e.Series)
			}
			for _, a := range e.ResearchAreas {
				want = append(want, "RESEARCH="+a)
			}
			for _, a := range e.ImpactAreas {
				want = append(want, "IMPACT="+a)
			}
			assert.Equal(t, want, cats, "one CATEGORIES per value, in field order")

			desc := value(t, p, "DESCRIPTION")
			for _, s := range e.Speakers {
				assert.Contains(t, desc, s.Name)
			}
			assert.Contains(t, desc, strings.TrimRight(lf(e.Abstract), "\n "))
		})
	}
	// A double quote cannot be in a parameter value: the CN shows an
	// apostrophe in its place.
	org := property(t, parsed[0].Properties, "ORGANIZER")
	assert.Equal(t, `Zhou, Bolei 'BZ'`, org.ICalParameters["CN"][0])
}

func calProps(cal *ics.Calendar) []ics.IANAProperty {
	var props []ics.IANAProperty
	for _, p := range cal.CalendarProperties {
		props = append(props, ics.IANAProperty(p))
	}
	return props
}

func categoryProps(props []ics.IANAProperty) []ics.IANAProperty {
	var cats []ics.IANAProperty
	for _, p := range props {
		if p.IANAToken == "CATEGORIES" {
			cats = append(cats, p)
		}
	}
	return cats
}

// lf turns CRLF and CR into LF, as TEXT values carry line breaks.
func lf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// personLines is a person as X-SEMINAR-SPEAKER reads after unescaping.
func personLines(p seminar.Person) string {
	v := strings.Join([]string{p.Name, p.Affiliation, p.Email, p.URL, p.PhotoURL}, "\n")
	if p.Bio == "" {
		return strings.TrimRight(v, "\n")
	}
	return v + "\n" + lf(p.Bio)
}

func TestEncoder_Encode_organizer(t *testing.T) {
	tests := []struct {
		name      string
		contact   seminar.Person
		uid       string
		opts      ical.EncodeOptions
		wantValue string
		wantCN    []string
	}{
		{"the contact", seminar.Person{Name: "Bolei Zhou", Email: "bzhou@csail.mit.edu"}, "a@csail.mit.edu",
			ical.EncodeOptions{Organizer: seminar.Person{Name: "Seminars", Email: "seminars@csail.mit.edu"}},
			"mailto:bzhou@csail.mit.edu", []string{"Bolei Zhou"}},
		{"a CN that needs quotes", seminar.Person{Name: "Zhou, Bolei", Email: "bzhou@csail.mit.edu"}, "a@csail.mit.edu",
			ical.EncodeOptions{}, "mailto:bzhou@csail.mit.edu", []string{"Zhou, Bolei"}},
		{"contact without email", seminar.Person{Name: "Bolei Zhou"}, "a@csail.mit.edu",
			ical.EncodeOptions{Organizer: seminar.Person{Name: "Seminars", Email: "seminars@csail.mit.edu"}},
			"mailto:seminars@csail.mit.edu", []string{"Seminars"}},
		{"contact hidden", seminar.Person{Name: "Bolei Zhou", Email: "bzhou@csail.mit.edu"}, "a@csail.mit.edu",
			ical.EncodeOptions{HideContact: true, Organizer: seminar.Person{Email: "seminars@csail.mit.edu"}},
			"mailto:seminars@csail.mit.edu", nil},
		{"no email anywhere", seminar.Person{}, "a@csail.mit.edu", ical.EncodeOptions{},
			"mailto:noreply@csail.mit.edu", nil},
		{"UID without a domain", seminar.Person{}, "imported-123", ical.EncodeOptions{},
			"mailto:noreply@seminar.invalid", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := seedEvent()
			e.Contact, e.UID = tt.contact, tt.uid
			ev := onlyEvent(t, parseICS(t, encodeAll(t, &tt.opts, e)))
			org := property(t, ev.Properties, "ORGANIZER")
			assert.Equal(t, tt.wantValue, org.Value)
			assert.Equal(t, tt.wantCN, org.ICalParameters["CN"])
		})
	}
}

// HideContact keeps every email address of the event out of the feed.
func TestEncoder_Encode_hideContact(t *testing.T) {
	e := trickyEvents()[0]
	text := encodeAll(t, &ical.EncodeOptions{HideContact: true, Participants: true}, e)
	assert.NotContains(t, text, "bzhou@csail.mit.edu")
	assert.NotContains(t, text, "jane@example.org")
	desc := value(t, onlyEvent(t, parseICS(t, text)).Properties, "DESCRIPTION")
	assert.Contains(t, desc, `Contact: Zhou, Bolei "BZ"`, "the contact's name is still shown")

	shown := encodeAll(t, nil, e)
	assert.Contains(t, shown, "bzhou@csail.mit.edu", "by default the contact is shown")
}

func TestEncoder_Encode_cancelled(t *testing.T) {
	e := seedEvent()
	e.Status, e.CancelReason, e.Sequence = seminar.StatusCancelled, "The speaker is ill.", 2

	t.Run("published", func(t *testing.T) {
		p := onlyEvent(t, parseICS(t, encodeAll(t, &ical.EncodeOptions{CancelledPrefix: true}, e))).Properties
		assert.Equal(t, "CANCELLED", value(t, p, "STATUS"))
		assert.Equal(t, "Cancelled: "+e.Title, value(t, p, "SUMMARY"))
		assert.True(t, strings.HasPrefix(value(t, p, "DESCRIPTION"),
			"CANCELLED: this talk will not take place.\nReason: The speaker is ill.\n\nSpeaker: "), "the page's banner")
		assert.Equal(t, "2", value(t, p, "SEQUENCE"))
	})
	t.Run("without prefix", func(t *testing.T) {
		p := onlyEvent(t, parseICS(t, encodeAll(t, nil, e))).Properties
		assert.Equal(t, e.Title, value(t, p, "SUMMARY"))
	})
	t.Run("METHOD:CANCEL", func(t *testing.T) {
		var b bytes.Buffer
		require.NoError(t, ical.EncodeEvent(&b, e, &ical.EncodeOptions{Method: ical.MethodCancel, Now: fixedNow}))
		cal := parseICS(t, b.String())
		assert.Equal(t, "CANCEL", value(t, calProps(cal), "METHOD"))
		p := onlyEvent(t, cal).Properties
		assert.Equal(t, e.UID, value(t, p, "UID"), "the same UID cancels the published event")
		assert.Equal(t, "2", value(t, p, "SEQUENCE"), "the sequence the Calendar raised on cancel")
		assert.Equal(t, "CANCELLED", value(t, p, "STATUS"))
		assert.Len(t, values(p, "ORGANIZER"), 1)
	})
	t.Run("METHOD:CANCEL marks any event cancelled", func(t *testing.T) {
		var b bytes.Buffer
		require.NoError(t, ical.EncodeEvent(&b, seedEvent(), &ical.EncodeOptions{Method: "cancel"}))
		assert.Equal(t, "CANCELLED", value(t, onlyEvent(t, parseICS(t, b.String())).Properties, "STATUS"))
	})
}

// A planned slot still to be announced is tentative until its talk has a
// title and a speaker; cancelling it still says so.
func TestEncoder_Encode_toBeAnnounced(t *testing.T) {
	slot := seedEvent()
	slot.Slot, slot.Title, slot.Speakers = slot.Start, "", nil
	p := onlyEvent(t, parseICS(t, encodeAll(t, nil, slot))).Properties
	assert.Equal(t, "TENTATIVE", value(t, p, "STATUS"))
	assert.True(t, strings.HasPrefix(value(t, p, "DESCRIPTION"), "Speaker: to be announced"))

	filled := seedEvent()
	filled.Slot = filled.Start
	p = onlyEvent(t, parseICS(t, encodeAll(t, nil, filled))).Properties
	assert.Equal(t, "CONFIRMED", value(t, p, "STATUS"), "a slot with a title and a speaker is announced")

	slot.Status = seminar.StatusCancelled
	p = onlyEvent(t, parseICS(t, encodeAll(t, nil, slot))).Properties
	assert.Equal(t, "CANCELLED", value(t, p, "STATUS"))
}

func TestEncoder_Encode_calendarProperties(t *testing.T) {
	text := encodeAll(t, &ical.EncodeOptions{
		Name: "CSAIL Seminars", Description: "Talks at MIT CSAIL; all welcome", RefreshInterval: 90 * time.Minute,
		ProdID: "-//MIT CSAIL//talks//EN",
	}, seedEvent())
	cal := parseICS(t, text)
	p := calProps(cal)
	assert.Equal(t, "-//MIT CSAIL//talks//EN", value(t, p, "PRODID"))
	assert.Equal(t, "CSAIL Seminars", value(t, p, "NAME"))
	assert.Equal(t, "CSAIL Seminars", value(t, p, "X-WR-CALNAME"))
	assert.Equal(t, "Talks at MIT CSAIL; all welcome", value(t, p, "DESCRIPTION"))
	assert.Equal(t, "Talks at MIT CSAIL; all welcome", value(t, p, "X-WR-CALDESC"))
	assert.Contains(t, text, "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H30M\r\n")
	assert.Contains(t, text, "\r\nX-PUBLISHED-TTL:PT1H30M\r\n")

	bare := calProps(parseICS(t, encodeAll(t, nil, seedEvent())))
	for _, name := range []string{"NAME", "X-WR-CALNAME", "DESCRIPTION", "X-WR-CALDESC", "REFRESH-INTERVAL", "X-PUBLISHED-TTL"} {
		assert.Empty(t, values(bare, name), "%s is only written when set", name)
	}
}

func TestEncoder_Encode_participants(t *testing.T) {
	e := trickyEvents()[0]
	ev := onlyEvent(t, parseICS(t, encodeAll(t, &ical.EncodeOptions{Participants: true}, e)))
	var parts []*ics.GeneralComponent
	for _, c := range ev.Components {
		if g, ok := c.(*ics.GeneralComponent); ok && g.Token == "PARTICIPANT" {
			parts = append(parts, g)
		}
	}
	require.Len(t, parts, len(e.Speakers))
	for i, s := range e.Speakers {
		p := parts[i].Properties
		assert.Equal(t, "SPEAKER", value(t, p, "PARTICIPANT-TYPE"))
		assert.Equal(t, s.Name, value(t, p, "SUMMARY"))
		assert.Equal(t, fmt.Sprintf("%s-speaker-%d", e.UID, i+1), value(t, p, "UID"))
		if s.Affiliation != "" {
			assert.Equal(t, s.Affiliation, value(t, p, "DESCRIPTION"))
		}
	}
	assert.Equal(t, "mailto:jane@example.org", value(t, parts[0].Properties, "CALENDAR-ADDRESS"))

	without := onlyEvent(t, parseICS(t, encodeAll(t, nil, e)))
	assert.Empty(t, without.Components, "no PARTICIPANT unless asked for")
}

// A wall time that occurs twice (1:30 AM on the night clocks fall back) is
// read as its first occurrence by RFC 5545 and by ical.js, but as its
// second by libical and python-icalendar: so both occurrences are written
// in UTC, and every other time keeps its TZID.
func TestEncoder_Encode_fallBack(t *testing.T) {
	ny := time.Date(2024, time.November, 3, 6, 0, 0, 0, time.UTC)     // 2:00 EDT becomes 1:00 EST
	lordHowe := time.Date(2024, time.April, 6, 15, 0, 0, 0, time.UTC) // 2:00 +11 becomes 1:30 +10:30
	tests := []struct {
		name, zone string
		at         time.Time
		want       string
	}{
		{"before the fold", "America/New_York", ny.Add(-61 * time.Minute), "20241103T005900"},
		{"first 1:00", "America/New_York", ny.Add(-time.Hour), "20241103T050000Z"},
		{"first 1:30", "America/New_York", ny.Add(-30 * time.Minute), "20241103T053000Z"},
		{"second 1:00", "America/New_York", ny, "20241103T060000Z"},
		{"second 1:59", "America/New_York", ny.Add(59 * time.Minute), "20241103T065900Z"},
		{"after the fold", "America/New_York", ny.Add(time.Hour), "20241103T020000"},
		{"Lord Howe, first 1:45", "Australia/Lord_Howe", lordHowe.Add(-15 * time.Minute), "20240406T144500Z"},
		{"Lord Howe, after", "Australia/Lord_Howe", lordHowe.Add(30 * time.Minute), "20240407T020000"},
		{"spring forward keeps TZID", "America/New_York", time.Date(2024, time.March, 10, 7, 0, 0, 0, time.UTC), "20240310T030000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := seedEvent()
			e.TimeZone, e.Start, e.End = tt.zone, tt.at, tt.at.Add(3*time.Hour)
			ev := onlyEvent(t, parseICS(t, encodeAll(t, nil, e)))
			assert.Equal(t, tt.want, value(t, ev.Properties, "DTSTART"))
			start, err := ev.GetStartAt()
			require.NoError(t, err)
			assert.True(t, start.Equal(tt.at), "golang-ical reads %s", start)
			if strings.HasSuffix(tt.want, "Z") {
				assert.Equal(t, tt.zone, value(t, ev.Properties, "X-SEMINAR-TIMEZONE"), "the zone is still carried")
			} else {
				assert.Empty(t, values(ev.Properties, "X-SEMINAR-TIMEZONE"), "TZID carries the zone")
			}
		})
	}
}

func TestEncoder_Encode_invalid(t *testing.T) {
	tests := []struct {
		name   string
		change func(e *seminar.Event)
		want   string
	}{
		{"no UID", func(e *seminar.Event) { e.UID = "" }, "uid is empty"},
		{"no start", func(e *seminar.Event) { e.Start = time.Time{} }, "start is not set"},
		{"no end", func(e *seminar.Event) { e.End = time.Time{} }, "end is not set"},
		{"end before start", func(e *seminar.Event) { e.End = e.Start.Add(-time.Minute) }, "is not after start"},
		{"empty", func(e *seminar.Event) { e.End = e.Start }, "is not after start"},
		{"unknown zone", func(e *seminar.Event) { e.TimeZone = "Mars/Olympus_Mons" }, "timeZone: unknown time zone"},
		{"Local", func(e *seminar.Event) { e.TimeZone = "Local" }, "timeZone: \"Local\" is not an IANA time zone name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			enc := ical.NewEncoder(&b, &ical.EncodeOptions{Now: fixedNow})
			bad := seedEvent()
			tt.change(bad)
			err := enc.Encode(bad)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.True(t, strings.HasPrefix(err.Error(), "ical: "), err.Error())

			require.NoError(t, enc.Encode(seedEvent()), "the encoder stays usable")
			require.NoError(t, enc.Close())
			assert.Len(t, parseICS(t, b.String()).Events(), 1, "nothing of the bad event was written")
		})
	}
	t.Run("nil", func(t *testing.T) {
		err := ical.NewEncoder(&bytes.Buffer{}, nil).Encode(nil)
		assert.EqualError(t, err, "ical: event is nil")
	})
}

func TestNewEncoder_badMethod(t *testing.T) {
	var b bytes.Buffer
	enc := ical.NewEncoder(&b, &ical.EncodeOptions{Method: "REQUEST"})
	err := enc.Encode(seedEvent())
	assert.ErrorContains(t, err, `ical: method "REQUEST"`)
	assert.ErrorContains(t, enc.Close(), `ical: method "REQUEST"`)
	assert.Empty(t, b.String(), "nothing is written with a bad method")
}

func TestEncoder_Close(t *testing.T) {
	var b bytes.Buffer
	enc := ical.NewEncoder(&b, &ical.EncodeOptions{Name: "Empty", Now: fixedNow})
	require.NoError(t, enc.Close())
	cal := parseICS(t, b.String())
	assert.Empty(t, cal.Events())
	assert.Equal(t, "Empty", value(t, calProps(cal), "NAME"), "an empty feed still has its header")

	require.NoError(t, enc.Close(), "closing twice is harmless")
	assert.Equal(t, 1, strings.Count(b.String(), "END:VCALENDAR"))
	assert.ErrorIs(t, enc.Encode(seedEvent()), ical.ErrClosed)
}

type failingWriter struct{ after int }

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.after <= 0 {
		return 0, errDiskFull
	}
	w.after--
	return len(p), nil
}

func TestEncoder_Encode_writeError(t *testing.T) {
	enc := ical.NewEncoder(&failingWriter{after: 1}, &ical.EncodeOptions{Now: fixedNow})
	var err error
	for i := 0; i < 1000 && err == nil; i++ {
		err = enc.Encode(seedEvent())
	}
	require.ErrorIs(t, err, errDiskFull, "a failed write is reported")
	assert.ErrorContains(t, err, "ical: write: ")
	assert.ErrorIs(t, enc.Encode(seedEvent()), errDiskFull, "and stays reported")
	assert.ErrorIs(t, enc.Close(), errDiskFull)
}

// countingWriter records how much was written, so a test can see that the
// encoder writes as it goes.
type countingWriter struct{ n, writes int }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	w.writes++
	return len(p), nil
}

// A calendar is held until Close, so that its VTIMEZONEs need cover only
// its events, up to 4 MiB; a larger one streams from there on.
func TestEncoder_Encode_streams(t *testing.T) {
	w := &countingWriter{}
	enc := ical.NewEncoder(w, &ical.EncodeOptions{Now: fixedNow})
	e := seedEvent()
	held := 0
	for ; w.n == 0; held++ {
		require.NoError(t, enc.Encode(e))
		require.Less(t, held, 10000, "the encoder must stop holding events back at 4 MiB")
	}
	assert.GreaterOrEqual(t, w.n, 4<<20, "a calendar of under 4 MiB is held back")
	assert.Less(t, w.n, 4<<20+64<<10, "no more than 4 MiB and an event is held back")
	size := w.n / held

	w.n, w.writes = 0, 0
	for range 200 {
		require.NoError(t, enc.Encode(e))
	}
	assert.Greater(t, w.n, 200*size-64<<10, "past 4 MiB, all but the last few events are written before Close")
	assert.Less(t, w.writes, 40, "writes are buffered, not one per line")
	require.NoError(t, enc.Close())
}
