package ical_test

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
)

// cutCase is a calendar of talks in one zone, and the VTIMEZONE it must
// get: only the observances its talks need.
type cutCase struct {
	name  string
	zone  string
	talks [][2]string // start and end of each talk, wall times in zone: "2017-06-12 16:00"
	// observances is how many STANDARD and DAYLIGHT components the
	// VTIMEZONE has; openRules are its RRULEs without UNTIL, sorted.
	observances int
	openRules   []string
	// forever says that the VTIMEZONE gives the right offset at every
	// instant after the first talk, not only up to the first change of
	// offset after the last: the zone's current rule is an open RRULE, or
	// the zone has no change left.
	forever bool
}

var (
	usRule     = []string{"FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU"}
	euRule     = []string{"FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"}
	sydneyRule = []string{"FREQ=YEARLY;BYMONTH=10;BYDAY=1SU", "FREQ=YEARLY;BYMONTH=4;BYDAY=1SU"}
)

var cutCases = []cutCase{
	{name: "the seed talk", zone: "America/New_York", talks: [][2]string{{"2017-06-12 16:00", "2017-06-12 17:00"}},
		observances: 2, openRules: usRule, forever: true},
	{name: "talks across spring forward", zone: "America/New_York",
		talks:       [][2]string{{"2027-03-10 12:00", "2027-03-10 13:00"}, {"2027-03-17 12:00", "2027-03-17 13:00"}},
		observances: 2, openRules: usRule, forever: true},
	{name: "talks across spring forward, 2006", zone: "America/New_York",
		talks:       [][2]string{{"2006-03-20 12:00", "2006-03-20 13:00"}, {"2006-04-10 12:00", "2006-04-10 13:00"}},
		observances: 2},
	{name: "a workshop across fall back", zone: "Europe/Berlin", talks: [][2]string{{"2027-10-29 09:00", "2027-11-01 17:00"}},
		observances: 2, openRules: euRule, forever: true},
	// Before 2007 the US rule was the first Sunday in April and the last
	// in October: that rule ended, so its observances get no RRULE.
	{name: "2006, before the US rule change", zone: "America/New_York", talks: [][2]string{{"2006-06-12 16:00", "2006-06-12 17:00"}},
		observances: 2},
	{name: "2006 and 2017", zone: "America/New_York",
		talks:       [][2]string{{"2006-06-12 16:00", "2006-06-12 17:00"}, {"2017-06-12 16:00", "2017-06-12 17:00"}},
		observances: 4, openRules: usRule, forever: true},
	{name: "December 2006, before the first year of the new rule", zone: "America/New_York",
		talks:       [][2]string{{"2006-12-12 16:00", "2006-12-12 17:00"}},
		observances: 3, openRules: usRule, forever: true},
	{name: "London in summer and winter", zone: "Europe/London",
		talks:       [][2]string{{"2025-07-10 14:00", "2025-07-10 15:00"}, {"2025-12-11 14:00", "2025-12-11 15:00"}},
		observances: 2, openRules: euRule, forever: true},
	// The change of March 1990 follows the current EU rule already, but
	// October's does not: the rule as a whole is not yet in force, so no
	// RRULE is open-ended.
	{name: "London in 1990", zone: "Europe/London", talks: [][2]string{{"1990-07-10 14:00", "1990-07-10 15:00"}},
		observances: 2},
	{name: "Kolkata, without daylight-saving time", zone: "Asia/Kolkata", talks: [][2]string{{"2027-02-03 10:30", "2027-02-03 12:00"}},
		observances: 1, forever: true},
	{name: "Sydney, whose summer spans the new year", zone: "Australia/Sydney",
		talks: [][2]string{{"2017-12-20 10:00", "2017-12-20 11:00"}, {"2018-01-10 10:00", "2018-01-10 11:00"},
			{"2018-07-10 10:00", "2018-07-10 11:00"}},
		observances: 2, openRules: sydneyRule, forever: true},
	{name: "Lord Howe Island, half an hour of DST", zone: "Australia/Lord_Howe", talks: [][2]string{{"2027-01-20 09:00", "2027-01-20 10:00"}},
		observances: 2, openRules: sydneyRule, forever: true},
	// Moscow moved to +04:00 for good in 2011, and back to +03:00 in 2014.
	{name: "Moscow, 2011 and 2014", zone: "Europe/Moscow",
		talks:       [][2]string{{"2012-06-01 12:00", "2012-06-01 13:00"}, {"2015-06-01 12:00", "2015-06-01 13:00"}},
		observances: 2, forever: true},
	// Pyongyang moved to +08:30 in 2015 and back to +09:00 in 2018; the
	// offset in force before was set in 1912.
	{name: "Pyongyang, 2015 and 2018", zone: "Asia/Pyongyang",
		talks:       [][2]string{{"2014-06-01 12:00", "2014-06-01 13:00"}, {"2016-06-01 12:00", "2016-06-01 13:00"}},
		observances: 3, forever: true},
	{name: "São Paulo, where DST ended in 2019", zone: "America/Sao_Paulo",
		talks:       [][2]string{{"2018-12-01 12:00", "2018-12-01 13:00"}, {"2027-08-20 15:00", "2027-08-20 16:00"}},
		observances: 2, forever: true},
	// Morocco leaves +01:00 for Ramadan each year on dates no yearly rule
	// gives: each kind of change is an observance with RDATEs.
	{name: "Casablanca, around Ramadan", zone: "Africa/Casablanca",
		talks:       [][2]string{{"2027-01-15 12:00", "2027-01-15 13:00"}, {"2027-12-15 12:00", "2027-12-15 13:00"}},
		observances: 2},
}

// events returns the talks of c as events.
func (c cutCase) events(t testing.TB) []*seminar.Event {
	t.Helper()
	wall := func(s string) time.Time {
		t.Helper()
		w, err := time.Parse("2006-01-02 15:04", s)
		require.NoError(t, err)
		at, err := seminar.WallTime(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), c.zone)
		require.NoError(t, err)
		return at
	}
	var events []*seminar.Event
	for i, talk := range c.talks {
		e := seedEvent()
		e.UID = fmt.Sprintf("talk-%d@seminar.invalid", i)
		e.TimeZone, e.Start, e.End = c.zone, wall(talk[0]), wall(talk[1])
		events = append(events, e)
	}
	return events
}

// span returns the first start and the last end of events.
func span(events []*seminar.Event) (from, to time.Time) {
	from, to = events[0].Start, events[0].End
	for _, e := range events[1:] {
		if e.Start.Before(from) {
			from = e.Start
		}
		if e.End.After(to) {
			to = e.End
		}
	}
	return from, to
}

// TestEncoder_Encode_vtimezoneCut checks the VTIMEZONE of calendars that
// need only some years of their zone: it has only the observances they
// need, and it gives the tz database's offset at every instant from the
// first talk to the first change of offset after the last, and after that
// too where the zone's rule is still in force.
func TestEncoder_Encode_vtimezoneCut(t *testing.T) {
	for i, c := range cutCases {
		t.Run(c.name, func(t *testing.T) {
			events := c.events(t)
			text := encodeAll(t, nil, events...)
			tzs := parseICS(t, text).Timezones()
			require.Len(t, tzs, 1)
			vtz := tzs[0]

			assert.Len(t, vtz.Components, c.observances, "observances:\n%s", vtimezoneText(text))
			assert.Equal(t, c.openRules, openRules(vtz), "rules still in force")

			loc, err := time.LoadLocation(c.zone)
			require.NoError(t, err)
			z := evaluate(t, vtz)
			from, to := span(events)
			assert.False(t, z.onsets[0].at.After(from),
				"the first observance must start by the first talk: clients read a time before it each their own way")
			checked := cutSamples(loc, from, to, c.forever, uint64(i))
			bad := 0
			for _, at := range checked {
				_, want := at.In(loc).Zone()
				if got := z.offset(at); got != want {
					bad++
					if bad <= 5 {
						t.Errorf("at %s: VTIMEZONE gives offset %s, Go %s", at.Format(time.RFC3339), fmtOffset(got), fmtOffset(want))
					}
				}
			}
			assert.Zero(t, bad, "instants of %d the VTIMEZONE gets wrong:\n%s", len(checked), vtimezoneText(text))
			for _, e := range events {
				for _, at := range []time.Time{e.Start, e.End} {
					wall := time.Date(at.In(loc).Year(), at.In(loc).Month(), at.In(loc).Day(), at.In(loc).Hour(), at.In(loc).Minute(), 0, 0, time.UTC)
					assert.Equal(t, at.UTC(), z.instant(wall).UTC(), "%s read through the VTIMEZONE", wall.Format("2006-01-02 15:04"))
				}
			}
		})
	}
}

// In every zone checked, a talk of 2025 gets a VTIMEZONE right from the
// talk on: to the end of the coverage where it has a rule in force or the
// zone no change left, else up to the first change after the talk. Zones
// that follow their current rule in 2025 get it, as the zone's whole
// VTIMEZONE has it. (Santiago's and Gaza's rules, such as "the first
// Sunday on or after April 2", fit no one BYDAY every year, so their runs
// are cut short: their VTIMEZONEs are right but hold more observances.)
func TestEncoder_Encode_vtimezoneCutEveryZone(t *testing.T) {
	ruled := []string{"America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Pacific/Chatham", "Europe/Dublin",
		"Antarctica/Troll", "America/St_Johns", "Australia/Sydney", "Europe/London"}
	for i, zone := range checkedZones {
		t.Run(zone, func(t *testing.T) {
			t.Parallel()
			loc, err := time.LoadLocation(zone)
			require.NoError(t, err)
			whole, _ := vtimezoneOf(t, zone)
			e := seedEvent()
			e.TimeZone, e.Start, e.End = zone, time.Date(2025, time.June, 15, 12, 0, 0, 0, time.UTC), time.Date(2025, time.June, 15, 13, 0, 0, 0, time.UTC)
			tzs := parseICS(t, encodeAll(t, nil, e)).Timezones()
			require.Len(t, tzs, 1)
			open := openRules(tzs[0])
			if slices.Contains(ruled, zone) {
				assert.NotEmpty(t, open, "the rule in force")
				assert.Equal(t, openRules(whole), open, "the rule in force")
			}

			later := 0
			for _, tr := range goTransitions(loc) {
				if tr.After(e.End) {
					later++
				}
			}
			z := evaluate(t, tzs[0])
			bad := 0
			for _, at := range cutSamples(loc, e.Start, e.End, len(open) > 0 || later <= 1, uint64(i)) {
				if _, want := at.In(loc).Zone(); z.offset(at) != want {
					bad++
				}
			}
			assert.Zero(t, bad, "instants the VTIMEZONE gets wrong")
		})
	}
}

// A calendar whose talks span a change of offset gets the observance
// before it and the one after: a STANDARD and a DAYLIGHT with the
// offsets either side.
func TestEncoder_Encode_vtimezoneAcrossChange(t *testing.T) {
	for _, name := range []string{"talks across spring forward", "talks across spring forward, 2006", "a workshop across fall back"} {
		t.Run(name, func(t *testing.T) {
			i := slices.IndexFunc(cutCases, func(c cutCase) bool { return c.name == name })
			require.GreaterOrEqual(t, i, 0)
			c := cutCases[i]
			events := c.events(t)
			loc, err := time.LoadLocation(c.zone)
			require.NoError(t, err)
			from, to := span(events)
			_, before := from.In(loc).Zone()
			_, after := to.In(loc).Zone()
			require.NotEqual(t, before, after, "the talks must span a change")

			tzs := parseICS(t, encodeAll(t, nil, events...)).Timezones()
			require.Len(t, tzs, 1)
			kinds := map[string]int{} // kind: TZOFFSETTO
			for _, sub := range tzs[0].Components {
				switch o := sub.(type) {
				case *ics.Standard:
					kinds["STANDARD"] = parseOffset(t, value(t, o.Properties, "TZOFFSETTO"))
				case *ics.Daylight:
					kinds["DAYLIGHT"] = parseOffset(t, value(t, o.Properties, "TZOFFSETTO"))
				}
			}
			standard, daylight := min(before, after), max(before, after)
			assert.Equal(t, map[string]int{"STANDARD": standard, "DAYLIGHT": daylight}, kinds)
		})
	}
}

// cutSamples returns the instants a VTIMEZONE cut for [from, to] must get
// right: every change of offset after from up to to and the first after
// it, each with the instants around it, and random instants from from to
// to; with forever, every change after to and random instants up to the
// end of the coverage too.
func cutSamples(loc *time.Location, from, to time.Time, forever bool, seed uint64) []time.Time {
	ts := []time.Time{from, to}
	var changes []time.Time
	for _, tr := range goTransitions(loc) {
		switch {
		case !tr.After(from):
		case !tr.After(to), forever, len(changes) == 0 || !changes[len(changes)-1].After(to):
			changes = append(changes, tr)
		}
	}
	for _, tr := range changes {
		for _, d := range []time.Duration{-time.Hour, -time.Second, 0, time.Second, time.Hour} {
			if at := tr.Add(d); !at.Before(from) {
				ts = append(ts, at)
			}
		}
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	random := func(from, to time.Time, n int) {
		for range n {
			ts = append(ts, from.Add(time.Duration(rng.Int64N(int64(to.Sub(from)/time.Second)+1))*time.Second))
		}
	}
	random(from, to, 500)
	if forever {
		random(to, coverEnd, 500)
	}
	return ts
}

// openRules returns the RRULEs without UNTIL of a VTIMEZONE, sorted.
func openRules(vtz *ics.VTimezone) []string {
	var open []string
	for _, sub := range vtz.Components {
		var props []ics.IANAProperty
		switch o := sub.(type) {
		case *ics.Standard:
			props = o.Properties
		case *ics.Daylight:
			props = o.Properties
		}
		for _, r := range values(props, "RRULE") {
			if !strings.Contains(r, "UNTIL=") {
				open = append(open, r)
			}
		}
	}
	slices.Sort(open)
	return open
}

// vtimezoneText returns the VTIMEZONEs of a calendar, for failure messages.
func vtimezoneText(text string) string {
	i, j := strings.Index(text, "BEGIN:VTIMEZONE"), strings.LastIndex(text, "END:VTIMEZONE")
	if i < 0 || j < 0 {
		return "(no VTIMEZONE)"
	}
	return text[i : j+len("END:VTIMEZONE")]
}

// TestEncoder_Encode_vtimezoneCutSpan checks that the span is the whole
// calendar's: a feed's VTIMEZONE covers its first talk and its last, in
// whatever order they come, and each zone its own talks.
func TestEncoder_Encode_vtimezoneCutSpan(t *testing.T) {
	ny2017, ny2006, berlin := seedEvent(), seedEvent(), seedEvent()
	ny2006.UID, ny2006.Start, ny2006.End = "2006@x", ny2017.Start.AddDate(-11, 0, 0), ny2017.End.AddDate(-11, 0, 0)
	berlin.UID, berlin.TimeZone = "berlin@x", "Europe/Berlin"
	text := encodeAll(t, nil, ny2017, berlin, ny2006)

	byTZID := map[string]*ics.VTimezone{}
	for _, tz := range parseICS(t, text).Timezones() {
		byTZID[value(t, tz.Properties, "TZID")] = tz
	}
	require.Len(t, byTZID, 2)
	assert.Len(t, byTZID["America/New_York"].Components, 4, "the 2006 talk, encoded last, counts")
	assert.Equal(t, usRule, openRules(byTZID["America/New_York"]))
	assert.Len(t, byTZID["Europe/Berlin"].Components, 2, "Berlin's VTIMEZONE covers only its talk")
	assert.Less(t, strings.Index(text, "TZID:America/New_York"), strings.Index(text, "DTSTART;TZID=America/New_York"),
		"the VTIMEZONE still comes before the first event in its zone")
	for _, e := range []*seminar.Event{ny2017, berlin, ny2006} {
		z := evaluate(t, byTZID[e.TimeZone])
		loc, err := time.LoadLocation(e.TimeZone)
		require.NoError(t, err)
		l := e.Start.In(loc)
		assert.Equal(t, e.Start.UTC(), z.instant(time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), 0, 0, time.UTC)).UTC(), e.UID)
	}
}

// A calendar larger than the encoder holds back streams, and its
// VTIMEZONEs cover every year, since the events still to come may be in
// any: here a talk of 1950 after hundreds of 2017, and a zone first used
// after the calendar began to stream.
func TestEncoder_Encode_vtimezoneStreamed(t *testing.T) {
	var events []*seminar.Event
	for i := 0; i < 1000; i++ {
		e := seedEvent()
		e.UID = fmt.Sprintf("ny-%d@x", i)
		events = append(events, e)
	}
	old, berlin := seedEvent(), seedEvent()
	old.UID, old.Start, old.End = "1950@x", old.Start.AddDate(-67, 0, 0), old.End.AddDate(-67, 0, 0)
	berlin.UID, berlin.TimeZone, berlin.Start, berlin.End = "berlin@x", "Europe/Berlin", old.Start, old.End
	events = append(events, old, berlin)
	text := encodeAll(t, nil, events...)
	require.Greater(t, len(text), 4<<20, "the calendar must be larger than the encoder holds back")

	byTZID := map[string]*ics.VTimezone{}
	for _, tz := range parseICS(t, text).Timezones() {
		byTZID[value(t, tz.Properties, "TZID")] = tz
	}
	require.Len(t, byTZID, 2)
	for zone, tz := range byTZID {
		loc, err := time.LoadLocation(zone)
		require.NoError(t, err)
		z := evaluate(t, tz)
		bad := 0
		for _, at := range samples(loc, 1) {
			if _, want := at.In(loc).Zone(); z.offset(at) != want {
				bad++
			}
		}
		assert.Zero(t, bad, "%s: a streamed calendar's VTIMEZONE covers every year", zone)
	}
	assert.Less(t, strings.Index(text, "TZID:Europe/Berlin"), strings.Index(text, "DTSTART;TZID=Europe/Berlin"))
}

// TestDecode_vtimezoneCut reads the calendars of cutCases back with Decode,
// their zone renamed so that Decode cannot read it by its IANA name and
// must evaluate the VTIMEZONE: every talk starts and ends at its instant.
func TestDecode_vtimezoneCut(t *testing.T) {
	for _, c := range cutCases {
		t.Run(c.name, func(t *testing.T) {
			events := c.events(t)
			text := encodeAll(t, nil, events...)
			text = regexp.MustCompile(`X-LIC-LOCATION:[^\r]*\r\n`).ReplaceAllString(text, "")
			text = strings.ReplaceAll(text, c.zone, "Zone A")
			res, err := ical.Decode(strings.NewReader(text), nil)
			require.NoError(t, err)
			assert.Empty(t, res.Skipped)
			require.Len(t, res.Occurrences, len(events))
			byUID := map[string]ical.Occurrence{}
			for _, o := range res.Occurrences {
				byUID[o.UID] = o
			}
			for _, e := range events {
				assert.Equal(t, e.Start.UTC(), byUID[e.UID].Start.UTC(), "%s: start", e.UID)
				assert.Equal(t, e.End.UTC(), byUID[e.UID].End.UTC(), "%s: end", e.UID)
			}
		})
	}
}
