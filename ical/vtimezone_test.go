package ical_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/teambition/rrule-go"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
)

// The zones whose VTIMEZONE is checked instant by instant: the usual
// northern and southern rules, 30- and 45-minute offsets and DST steps,
// date-line jumps, abolished DST, a negative DST, a two-hour DST, and
// Morocco's irregular Ramadan changes.
var checkedZones = []string{
	"America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Pacific/Chatham",
	"Pacific/Kiritimati", "Asia/Kolkata", "America/Sao_Paulo", "Europe/Moscow",
	"Africa/Casablanca", "Pacific/Apia", "Europe/Dublin", "Antarctica/Troll",
	"America/St_Johns", "Asia/Tehran", "America/Santiago", "Australia/Sydney",
	"Europe/London", "Africa/Monrovia", "Etc/GMT-14", "Asia/Gaza",
}

// coverage is every instant an event may have, with a year to spare at
// each end: a calendar with events at both ends gets a VTIMEZONE of every
// change of offset.
var (
	coverStart = time.Date(seminar.MinYear-1, time.January, 1, 0, 0, 0, 0, time.UTC)
	coverEnd   = time.Date(seminar.MaxYear+1, time.December, 31, 0, 0, 0, 0, time.UTC)
)

// vtimezoneOf encodes, in zone, a calendar of two events at the ends of the
// coverage, and returns the calendar's only VTIMEZONE as golang-ical parses
// it.
func vtimezoneOf(t *testing.T, zone string) (*ics.VTimezone, string) {
	t.Helper()
	first, last := seedEvent(), seedEvent()
	first.TimeZone, first.Start, first.End = zone, coverStart, coverStart.Add(time.Hour)
	last.UID, last.TimeZone, last.Start, last.End = "last@x", zone, coverEnd.Add(-time.Hour), coverEnd
	text := encodeAll(t, nil, first, last)
	tzs := parseICS(t, text).Timezones()
	require.Len(t, tzs, 1)
	assert.Equal(t, zone, value(t, tzs[0].Properties, "TZID"))
	return tzs[0], text
}

// onset is one change of offset as a VTIMEZONE describes it.
type onset struct {
	at       time.Time // instant
	local    time.Time // wall clock before the change, as a UTC time
	from, to int
}

// zoneEval evaluates a VTIMEZONE on its own: the DTSTART, RDATEs and RRULE
// of each observance, the rules expanded by rrule-go.
type zoneEval struct{ onsets []onset }

func evaluate(t *testing.T, vtz *ics.VTimezone) zoneEval {
	t.Helper()
	var z zoneEval
	require.NotEmpty(t, vtz.Components, "a VTIMEZONE needs at least one observance")
	for _, sub := range vtz.Components {
		var props []ics.IANAProperty
		switch o := sub.(type) {
		case *ics.Standard:
			props = o.Properties
		case *ics.Daylight:
			props = o.Properties
		default:
			t.Fatalf("unexpected component %T in VTIMEZONE", sub)
		}
		from := parseOffset(t, value(t, props, "TZOFFSETFROM"))
		to := parseOffset(t, value(t, props, "TZOFFSETTO"))
		start := parseLocal(t, value(t, props, "DTSTART"))
		locals := []time.Time{start}
		for _, rd := range values(props, "RDATE") {
			for _, v := range strings.Split(rd, ",") {
				locals = append(locals, parseLocal(t, v))
			}
		}
		for _, rule := range values(props, "RRULE") {
			opt, err := rrule.StrToROption(rule)
			require.NoError(t, err, rule)
			opt.Dtstart = start
			if !opt.Until.IsZero() {
				// UNTIL is an instant; the rule's instances are wall
				// times in TZOFFSETFROM.
				opt.Until = opt.Until.Add(time.Duration(from) * time.Second)
			}
			r, err := rrule.NewRRule(*opt)
			require.NoError(t, err, rule)
			locals = append(locals, r.Between(start, coverEnd.AddDate(1, 0, 0), true)...)
		}
		for _, l := range locals {
			z.onsets = append(z.onsets, onset{at: l.Add(-time.Duration(from) * time.Second), local: l, from: from, to: to})
		}
	}
	slices.SortFunc(z.onsets, func(a, b onset) int { return a.at.Compare(b.at) })
	z.onsets = slices.CompactFunc(z.onsets, func(a, b onset) bool { return a.at.Equal(b.at) && a.to == b.to })
	return z
}

// offset returns the UTC offset the VTIMEZONE gives at instant t.
func (z zoneEval) offset(t time.Time) int {
	i, _ := slices.BinarySearchFunc(z.onsets, t, func(o onset, t time.Time) int {
		if o.at.After(t) {
			return 1
		}
		return -1
	})
	if i == 0 {
		return z.onsets[0].from
	}
	return z.onsets[i-1].to
}

// instant reads a wall clock time as a client reads DTSTART;TZID=...: with
// the observance in force at that local time, so a time that occurs twice
// is its first occurrence (RFC 5545 3.3.5).
func (z zoneEval) instant(wall time.Time) time.Time {
	off := z.onsets[0].from
	for _, o := range z.onsets {
		if o.local.After(wall) {
			break
		}
		off = o.to
	}
	return wall.Add(-time.Duration(off) * time.Second)
}

func parseOffset(t *testing.T, s string) int {
	t.Helper()
	require.Regexp(t, `^[+-]\d{4}(\d{2})?$`, s)
	h, _ := strconv.Atoi(s[1:3])
	m, _ := strconv.Atoi(s[3:5])
	sec := 0
	if len(s) == 7 {
		sec, _ = strconv.Atoi(s[5:7])
	}
	off := h*3600 + m*60 + sec
	if s[0] == '-' {
		off = -off
	}
	return off
}

func parseLocal(t *testing.T, s string) time.Time {
	t.Helper()
	l, err := time.Parse("20060102T150405", s)
	require.NoError(t, err, "a VTIMEZONE time is a local DATE-TIME: %q", s)
	return l
}

// goTransitions finds every change of offset in loc by probing it every 12
// hours and narrowing each change down to the second: independent of the
// ZoneBounds walk the encoder uses.
func goTransitions(loc *time.Location) []time.Time {
	var found []time.Time
	_, prev := coverStart.In(loc).Zone()
	for t := coverStart; t.Before(coverEnd); {
		next := t.Add(12 * time.Hour)
		_, off := next.In(loc).Zone()
		if off != prev {
			lo, hi := t, next
			for hi.Sub(lo) > time.Second {
				mid := lo.Add(hi.Sub(lo) / 2)
				if _, o := mid.In(loc).Zone(); o == prev {
					lo = mid
				} else {
					hi = mid
				}
			}
			found = append(found, hi)
		}
		prev, t = off, next
	}
	return found
}

// samples returns instants to check: around every transition, and random
// ones over the whole coverage with a denser draw in 1970 to 2100.
func samples(loc *time.Location, seed uint64) []time.Time {
	var ts []time.Time
	for _, tr := range goTransitions(loc) {
		for _, d := range []time.Duration{-25 * time.Hour, -time.Hour, -30 * time.Minute, -time.Second, 0, time.Second, 30 * time.Minute, time.Hour, 25 * time.Hour} {
			ts = append(ts, tr.Add(d))
		}
	}
	rng := rand.New(rand.NewPCG(seed, 42))
	span := func(from, to time.Time, n int) {
		for range n {
			ts = append(ts, from.Add(time.Duration(rng.Int64N(int64(to.Sub(from)/time.Second)))*time.Second))
		}
	}
	span(coverStart.AddDate(1, 0, 0), coverEnd.AddDate(-1, 0, 0), 2000)
	span(time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), 3000)
	return ts
}

func TestEncoder_Encode_vtimezoneOffsets(t *testing.T) {
	for i, zone := range checkedZones {
		t.Run(zone, func(t *testing.T) {
			t.Parallel()
			loc, err := time.LoadLocation(zone)
			require.NoError(t, err)
			vtz, _ := vtimezoneOf(t, zone)
			z := evaluate(t, vtz)
			bad := 0
			for _, at := range samples(loc, uint64(i)) {
				_, want := at.In(loc).Zone()
				if got := z.offset(at); got != want {
					bad++
					if bad <= 5 {
						t.Errorf("at %s: VTIMEZONE gives offset %s, Go %s", at.Format(time.RFC3339), fmtOffset(got), fmtOffset(want))
					}
				}
				wall := time.Date(at.In(loc).Year(), at.In(loc).Month(), at.In(loc).Day(), at.In(loc).Hour(), at.In(loc).Minute(), at.In(loc).Second(), 0, time.UTC)
				read := z.instant(wall)
				if !read.Equal(at) && !(read.Before(at) && sameWall(read.In(loc), at.In(loc))) {
					bad++
					if bad <= 5 {
						t.Errorf("local time %s: VTIMEZONE reads it as %s, want %s (or an earlier instant with the same wall clock)",
							wall.Format("2006-01-02T15:04:05"), read.Format(time.RFC3339), at.Format(time.RFC3339))
					}
				}
			}
			assert.Zero(t, bad, "instants the VTIMEZONE gets wrong")
		})
	}
}

func sameWall(a, b time.Time) bool {
	return a.Format("20060102T150405") == b.Format("20060102T150405")
}

func fmtOffset(s int) string { return fmt.Sprintf("%+d:%02d:%02d", s/3600, abs(s)/60%60, abs(s)%60) }

func abs(n int) int { return max(n, -n) }

// Observances are what every client reads, so their shape matters as much
// as the offsets: the rules in force today are open-ended RRULEs with the
// weekday rule a client expects, zones without changes have one STANDARD,
// and the whole component stays small.
func TestEncoder_Encode_vtimezoneShape(t *testing.T) {
	tests := []struct {
		zone      string
		openRules []string // RRULEs without UNTIL, sorted
		maxBytes  int
	}{
		{"America/New_York", []string{"FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU"}, 4096},
		{"Europe/Berlin", []string{"FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"}, 4096},
		{"Australia/Lord_Howe", []string{"FREQ=YEARLY;BYMONTH=10;BYDAY=1SU", "FREQ=YEARLY;BYMONTH=4;BYDAY=1SU"}, 4096},
		{"America/Sao_Paulo", nil, 8192},  // DST abolished in 2019
		{"Asia/Kolkata", nil, 2048},       // last change in 1945
		{"Pacific/Kiritimati", nil, 2048}, // last change in 1994
		{"Africa/Casablanca", nil, 16384}, // Ramadan changes until 2087, one observance per kind
		{"Etc/GMT-14", nil, 512},          // never changes
		{"Pacific/Apia", nil, 4096},       // DST abolished in 2021
		{"Europe/Moscow", nil, 8192},      // permanent standard time since 2014
		{"Pacific/Chatham", []string{"FREQ=YEARLY;BYMONTH=4;BYDAY=1SU", "FREQ=YEARLY;BYMONTH=9;BYDAY=-1SU"}, 4096},
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			vtz, text := vtimezoneOf(t, tt.zone)
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
			assert.Equal(t, tt.openRules, open, "rules still in force")
			size := strings.Index(text, "END:VTIMEZONE") - strings.Index(text, "BEGIN:VTIMEZONE")
			assert.LessOrEqual(t, size, tt.maxBytes, "VTIMEZONE size")
			if tt.zone == "Etc/GMT-14" {
				assert.Len(t, vtz.Components, 1)
				assert.IsType(t, &ics.Standard{}, vtz.Components[0])
			}
		})
	}
}

// A VTIMEZONE is written once per zone, before the first event using it,
// and UTC events have none.
func TestEncoder_Encode_vtimezoneOnce(t *testing.T) {
	ny, berlin, utc := seedEvent(), seedEvent(), seedEvent()
	berlin.UID, berlin.TimeZone = "b@x", "Europe/Berlin"
	utc.UID, utc.TimeZone = "u@x", "UTC"
	text := encodeAll(t, nil, utc, ny, berlin, ny, utc, berlin)

	assert.Equal(t, 2, strings.Count(text, "BEGIN:VTIMEZONE"))
	assert.Equal(t, 1, strings.Count(text, "TZID:America/New_York\r\n"))
	assert.Equal(t, 1, strings.Count(text, "TZID:Europe/Berlin\r\n"))
	firstUse := func(tzid string) int { return strings.Index(text, "DTSTART;TZID="+tzid) }
	assert.Less(t, strings.Index(text, "TZID:America/New_York"), firstUse("America/New_York"))
	assert.Less(t, strings.Index(text, "TZID:Europe/Berlin"), firstUse("Europe/Berlin"))
	assert.Greater(t, strings.Index(text, "TZID:Europe/Berlin"), firstUse("America/New_York"),
		"a zone's VTIMEZONE comes when it is first needed, not up front")
	assert.Contains(t, text, "DTSTART:20170612T200000Z\r\n", "UTC events are written in UTC")
	assert.NotContains(t, text, "TZID=UTC")
}

// A shared ZoneCache gives every encoder the same VTIMEZONE text.
func TestZoneCache(t *testing.T) {
	cache := &ical.ZoneCache{}
	first := encodeAll(t, &ical.EncodeOptions{Zones: cache}, seedEvent())
	second := encodeAll(t, &ical.EncodeOptions{Zones: cache}, seedEvent())
	alone := encodeAll(t, nil, seedEvent())
	assert.Equal(t, alone, first)
	assert.Equal(t, alone, second)
}
