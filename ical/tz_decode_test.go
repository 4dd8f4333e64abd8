package ical_test

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
)

// decodeAt decodes one VEVENT whose DTSTART is wall in the zone tzid
// (with the given VTIMEZONE, if any) and returns its occurrence.
func decodeAt(t *testing.T, vtimezone, tzid, wall string) ical.Occurrence {
	t.Helper()
	var lines []string
	if vtimezone != "" {
		lines = append(lines, strings.Split(strings.TrimSpace(vtimezone), "\n")...)
	}
	lines = append(lines, "BEGIN:VEVENT", "UID:tz@example.org", "SUMMARY:tz",
		fmt.Sprintf("DTSTART;TZID=%q:%s", tzid, wall), "END:VEVENT")
	res := decodeString(t, wrapVEvents(lines...), nil)
	require.Len(t, res.Occurrences, 1, "%s %s: %v", tzid, wall, res.Skipped)
	return res.Occurrences[0]
}

// TestDecode_TZIDResolution checks each way a TZID is read, in order.
func TestDecode_TZIDResolution(t *testing.T) {
	tests := []struct {
		name, tzid, vtimezone, wall string
		want, tz                    string
	}{
		{"IANA name without VTIMEZONE", "Australia/Sydney", "", "20250115T090000", "2025-01-15T09:00:00+11:00", "Australia/Sydney"},
		{"libical prefix", "/softwarestudio.org/Olson_20011030_5/America/New_York", "", "20250715T090000", "2025-07-15T09:00:00-04:00", "America/New_York"},
		{"Windows name", "AUS Eastern Standard Time", "", "20250715T090000", "2025-07-15T09:00:00+10:00", "Australia/Sydney"},
		{"Windows name, any case", "eastern standard time", "", "20250715T090000", "2025-07-15T09:00:00-04:00", "America/New_York"},
		{"display name", "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "", "20250715T090000", "2025-07-15T09:00:00+02:00", "Europe/Berlin"},
		{"old display name", "(GMT-05.00) Eastern Time (US & Canada)", "", "20250115T090000", "2025-01-15T09:00:00-05:00", "America/New_York"},
		{"unknown display name, whole hours", "(UTC+03:00) Somewhere New", "", "20250115T090000", "2025-01-15T09:00:00+03:00", "Etc/GMT-3"},
		{"display name reworded", "(UTC-05:00) Eastern Time (US and Canada)", "", "20250715T090000", "2025-07-15T09:00:00-04:00", "America/New_York"},
		{"display name escaped as HTML", "(UTC-05:00) Eastern Time (US &amp; Canada)", "", "20250715T090000", "2025-07-15T09:00:00-04:00", "America/New_York"},
		{"Windows XP display name", "(GMT-08:00) Pacific Time (US & Canada); Tijuana", "", "20250715T090000", "2025-07-15T09:00:00-07:00", "America/Los_Angeles"},
		{"Exchange 2003 display name", "(GMT+01.00) Sarajevo/Warsaw/Zagreb", "", "20250715T090000", "2025-07-15T09:00:00+02:00", "Europe/Warsaw"},
		{"old display name of London", "(GMT) Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London", "", "20250715T090000", "2025-07-15T09:00:00+01:00", "Europe/London"},
		{"display name with a space and an hour", "(GMT -5) Eastern Time (US & Canada)", "", "20250715T090000", "2025-07-15T09:00:00-04:00", "America/New_York"},
		{"display name stating the summer offset", "(UTC-04:00) Eastern Time (US & Canada)", "", "20250115T090000", "2025-01-15T09:00:00-05:00", "America/New_York"},
		{"display name as close to two zones is its offset", "(GMT+02:00) Athens, Beirut, Istanbul, Minsk", "", "20250715T090000", "2025-07-15T09:00:00+02:00", "Etc/GMT-2"},
		{"display name whose VTIMEZONE is a lone STANDARD keeps daylight saving", "(UTC-05:00) Eastern Time (US & Canada)", `
BEGIN:VTIMEZONE
TZID:(UTC-05:00) Eastern Time (US & Canada)
BEGIN:STANDARD
DTSTART:16010101T000000
TZOFFSETFROM:-0500
TZOFFSETTO:-0500
END:STANDARD
END:VTIMEZONE`, "20250715T090000", "2025-07-15T09:00:00-04:00", "America/New_York"},
		{"Windows name whose VTIMEZONE has no rule keeps daylight saving", "W. Europe Standard Time", `
BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16011028T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010325T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE`, "20250715T090000", "2025-07-15T09:00:00+02:00", "Europe/Berlin"},
		{"a lone STANDARD at an offset the named zone never keeps is the file's", "(UTC-05:00) Eastern Time (US & Canada)", `
BEGIN:VTIMEZONE
TZID:(UTC-05:00) Eastern Time (US & Canada)
BEGIN:STANDARD
DTSTART:16010101T000000
TZOFFSETFROM:+0100
TZOFFSETTO:+0100
END:STANDARD
END:VTIMEZONE`, "20250715T090000", "2025-07-15T09:00:00+01:00", "Etc/GMT-1"},
		{"UTC by name", "UTC", "", "20250115T090000", "2025-01-15T09:00:00Z", ""},
		{"VTIMEZONE of a custom name", "Our Office", `
BEGIN:VTIMEZONE
TZID:Our Office
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+1100
TZOFFSETTO:+1000
RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+1000
TZOFFSETTO:+1100
RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=10
END:DAYLIGHT
END:VTIMEZONE`, "20250115T090000", "2025-01-15T09:00:00+11:00", "Australia/Sydney"},
		{"VTIMEZONE matching no IANA zone keeps its own offsets", "Mars Base", `
BEGIN:VTIMEZONE
TZID:Mars Base
BEGIN:STANDARD
DTSTART:19700101T000000
TZOFFSETFROM:+0317
TZOFFSETTO:+0317
END:STANDARD
END:VTIMEZONE`, "20250115T090000", "2025-01-15T09:00:00+03:17", ""},
		{"VTIMEZONE named like an IANA zone is read with the tz database", "Europe/Paris", `
BEGIN:VTIMEZONE
TZID:Europe/Paris
BEGIN:STANDARD
DTSTART:19700101T000000
TZOFFSETFROM:+0100
TZOFFSETTO:+0100
END:STANDARD
END:VTIMEZONE`, "20250715T090000", "2025-07-15T09:00:00+02:00", "Europe/Paris"},
		{"a Windows-named VTIMEZONE keeps its own rules", "Eastern Standard Time", `
BEGIN:VTIMEZONE
TZID:Eastern Standard Time
BEGIN:STANDARD
DTSTART:16010101T020000
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4
END:DAYLIGHT
END:VTIMEZONE`, "20250320T090000", "2025-03-20T09:00:00-05:00", ""}, // the file's pre-2007 rules: EST on March 20
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := decodeAt(t, tt.vtimezone, tt.tzid, tt.wall)
			assert.Equal(t, tt.want, o.Start.Format(time.RFC3339))
			assert.Equal(t, tt.tz, o.TimeZone)
			assert.Equal(t, cmpOr(tt.tz, "UTC"), o.Event().TimeZone)
		})
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestDecode_WindowsZones checks every entry of the CLDR table: its IANA
// zone loads, and both its Windows name and display name resolve to it.
func TestDecode_WindowsZones(t *testing.T) {
	table := ical.WindowsZonesForTest()
	require.Len(t, table, 139, "CLDR maps 139 Windows zones")
	for _, w := range table {
		_, err := time.LoadLocation(w.IANA)
		require.NoError(t, err, w.Name)
		want := w.IANA
		if w.IANA == "Etc/UTC" {
			want = "" // UTC itself
		}
		o := decodeAt(t, "", w.Name, "20250115T120000")
		assert.Equal(t, want, o.TimeZone, w.Name)
		o = decodeAt(t, "", w.Label, "20250115T120000")
		assert.Equal(t, want, o.TimeZone, w.Label)
	}
}

// outlookZones are VTIMEZONEs as Exchange writes them: observances from
// 1601 (or year 1) with today's rule, read by Decode's own evaluator since
// their TZIDs are not IANA names.
var outlookZones = map[string]string{
	"America/New_York": `
BEGIN:VTIMEZONE
TZID:Zone A
BEGIN:STANDARD
DTSTART:16010101T020000
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE`,
	"Australia/Sydney": `
BEGIN:VTIMEZONE
TZID:Zone A
BEGIN:STANDARD
DTSTART:00010101T030000
TZOFFSETFROM:+1100
TZOFFSETTO:+1000
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=4
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:00010101T020000
TZOFFSETFROM:+1000
TZOFFSETTO:+1100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=10
END:DAYLIGHT
END:VTIMEZONE`,
	"Australia/Lord_Howe": `
BEGIN:VTIMEZONE
TZID:Zone A
BEGIN:STANDARD
DTSTART:16010101T020000
TZOFFSETFROM:+1100
TZOFFSETTO:+1030
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=4
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+1030
TZOFFSETTO:+1100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=10
END:DAYLIGHT
END:VTIMEZONE`,
	"Europe/London": `
BEGIN:VTIMEZONE
TZID:Zone A
BEGIN:STANDARD
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T010000
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE`,
}

// TestDecode_VTimezoneEvaluation reads wall times twice a year and every 20
// minutes around each clock change through Outlook-style VTIMEZONEs, and
// through the ones our encoder generates for zones with irregular
// histories, and checks each instant against Go's zone data: the wall time
// of the instant read back, with RFC 5545's rules for gaps and folds.
func TestDecode_VTimezoneEvaluation(t *testing.T) {
	for zone, vtz := range outlookZones {
		t.Run("outlook "+zone, func(t *testing.T) {
			checkZone(t, zone, vtz, 2024, 2026)
		})
	}
	for _, zone := range []string{"America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "America/Sao_Paulo",
		"Africa/Casablanca", "Pacific/Apia", "Asia/Kolkata", "Europe/Moscow"} {
		t.Run("encoder "+zone, func(t *testing.T) {
			checkZone(t, zone, encoderVTimezone(t, zone, 1975, 2035), 1975, 2035)
		})
	}
}

// encoderVTimezone returns the VTIMEZONE our encoder writes for zone in a
// calendar whose event covers the years fromYear to toYear, renamed and
// without X-LIC-LOCATION, so that Decode cannot read it by its IANA name and
// must evaluate its rules.
func encoderVTimezone(t *testing.T, zone string, fromYear, toYear int) string {
	t.Helper()
	start := time.Date(fromYear-1, time.December, 31, 0, 0, 0, 0, time.UTC)
	end := time.Date(toYear+1, time.January, 2, 0, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	require.NoError(t, ical.EncodeEvent(&buf, &seminar.Event{UID: "z@example.org", Title: "z", Start: start,
		End: end, TimeZone: zone}, nil))
	text := strings.ReplaceAll(buf.String(), "\r\n ", "")
	m := regexp.MustCompile(`(?s)BEGIN:VTIMEZONE\r\n.*END:VTIMEZONE\r\n`).FindString(text)
	require.NotEmpty(t, m, "the encoder writes a VTIMEZONE for %s", zone)
	m = regexp.MustCompile(`X-LIC-LOCATION:[^\r]*\r\n`).ReplaceAllString(m, "")
	return strings.ReplaceAll(strings.ReplaceAll(m, "TZID:"+zone, "TZID:Zone A"), "\r\n", "\n")
}

func checkZone(t *testing.T, zone, vtz string, fromYear, toYear int) {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	require.NoError(t, err)
	var walls []string
	var want []time.Time
	for y := fromYear; y <= toYear; y++ {
		for _, at := range []time.Time{time.Date(y, 1, 15, 12, 0, 0, 0, time.UTC), time.Date(y, 7, 15, 12, 0, 0, 0, time.UTC)} {
			walls = append(walls, at.In(loc).Format("20060102T150405"))
			want = append(want, at)
		}
	}
	for tr := time.Date(fromYear, 1, 1, 0, 0, 0, 0, time.UTC); tr.Year() <= toYear; {
		_, end := tr.In(loc).ZoneBounds()
		if end.IsZero() {
			break
		}
		tr = end
		for d := -4 * time.Hour; d <= 4*time.Hour; d += 20 * time.Minute {
			at := tr.Add(d)
			wall := at.In(loc).Format("20060102T150405")
			walls = append(walls, wall)
			want = append(want, firstReading(at, loc))
		}
	}
	require.NotEmpty(t, walls)
	lines := strings.Split(strings.TrimSpace(vtz), "\n")
	for i, w := range walls {
		lines = append(lines, "BEGIN:VEVENT", fmt.Sprintf("UID:%d@example.org", i), "SUMMARY:s",
			"DTSTART;TZID=Zone A:"+w, "END:VEVENT")
	}
	res := decodeString(t, wrapVEvents(lines...), nil)
	require.Len(t, res.Occurrences, len(walls))
	byUID := map[string]ical.Occurrence{}
	for _, o := range res.Occurrences {
		byUID[o.UID] = o
	}
	bad := 0
	for i, w := range walls {
		got := byUID[fmt.Sprintf("%d@example.org", i)].Start
		if !got.Equal(want[i]) && bad < 5 {
			bad++
			t.Errorf("%s %s: got %s, want %s", zone, w, got.UTC(), want[i].UTC())
		}
	}
}

// firstReading returns the first instant whose wall clock in loc reads as
// at's does: at itself, unless a fall-back repeated the reading.
func firstReading(at time.Time, loc *time.Location) time.Time {
	wall := at.In(loc).Format(time.DateTime)
	first := at
	for d := 15 * time.Minute; d <= 3*time.Hour; d += 15 * time.Minute {
		if at.Add(-d).In(loc).Format(time.DateTime) == wall {
			first = at.Add(-d)
		}
	}
	return first
}

// TestDecode_GapAndFoldInIANAZones checks RFC 5545 3.3.5 with Go's zone
// data, where time.Date would pick for itself.
func TestDecode_GapAndFoldInIANAZones(t *testing.T) {
	tests := []struct{ zone, wall, want string }{
		{"America/New_York", "20250309T023000", "2025-03-09T03:30:00-04:00"},
		{"America/New_York", "20251102T013000", "2025-11-02T01:30:00-04:00"},
		{"Europe/Berlin", "20250330T020000", "2025-03-30T03:00:00+02:00"},
		{"Europe/Berlin", "20251026T025959", "2025-10-26T02:59:59+02:00"},
		{"Australia/Lord_Howe", "20251005T021500", "2025-10-05T02:45:00+11:00"},
		{"Australia/Lord_Howe", "20250406T014500", "2025-04-06T01:45:00+11:00"},
		// Samoa skipped December 30, 2011 entirely.
		{"Pacific/Apia", "20111230T120000", "2011-12-31T12:00:00+14:00"},
	}
	for _, tt := range tests {
		t.Run(tt.zone+" "+tt.wall, func(t *testing.T) {
			assert.Equal(t, tt.want, decodeAt(t, "", tt.zone, tt.wall).Start.Format(time.RFC3339))
		})
	}
}
