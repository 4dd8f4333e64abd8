package ical_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar/ical"
)

// hostileZone returns a calendar of one VTIMEZONE, "Hostile", with n
// observances, and events that recur hourly in it. The observances come in
// yearly pairs from year 1 on, a DAYLIGHT on March 10 and a STANDARD on
// November 3 at 02:00 (US Eastern offsets); each has its own DTSTART, and
// with rules each also recurs yearly without end, so that every year has
// n onsets. With n 10,000 and 100 events it is the 1.3 MB file that once
// took Decode minutes: every zone conversion walked every observance.
func hostileZone(n int, rules bool, events int) []byte {
	var b bytes.Buffer
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hostile//EN\r\nBEGIN:VTIMEZONE\r\nTZID:Hostile\r\n")
	for i := range n {
		kind, month, day, from, to, name := "DAYLIGHT", 3, 10, "-0500", "-0400", "Eastern Daylight Time"
		if i%2 == 1 {
			kind, month, day, from, to, name = "STANDARD", 11, 3, "-0400", "-0500", "Eastern Standard Time"
		}
		fmt.Fprintf(&b, "BEGIN:%s\r\nDTSTART:%04d%02d%02dT020000\r\nTZOFFSETFROM:%s\r\nTZOFFSETTO:%s\r\nTZNAME:%s\r\n",
			kind, 1+i/2, month, day, from, to, name)
		if rules {
			fmt.Fprintf(&b, "RRULE:FREQ=YEARLY;BYMONTH=%d;BYMONTHDAY=%d\r\n", month, day)
		}
		fmt.Fprintf(&b, "END:%s\r\n", kind)
	}
	b.WriteString("END:VTIMEZONE\r\n")
	for i := range events {
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:hourly-%d@example.org\r\nSUMMARY:Hourly %d\r\n"+
			"DTSTART;TZID=Hostile:20250101T%02d0000\r\nDTEND;TZID=Hostile:20250101T%02d3000\r\nRRULE:FREQ=HOURLY\r\nEND:VEVENT\r\n",
			i, i, i%24, i%24)
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.Bytes()
}

// TestDecode_HostileVTimezone decodes the calendars of hostileZone, with a
// few single events added in the hostile zone and in an Outlook zone. Each
// decodes at once (a test of this took minutes before zone lookups became
// binary searches): every hourly series keeps its 1,000 occurrences, times
// in both zones are read by their rules, and with rules the observances
// beyond the first 1,000 are left out and reported, naming the zone.
func TestDecode_HostileVTimezone(t *testing.T) {
	extra := outlookZones["America/New_York"] + `
BEGIN:VEVENT
UID:outlook-summer@example.org
SUMMARY:s
DTSTART;TZID=Zone A:20250704T090000
END:VEVENT
BEGIN:VEVENT
UID:hostile-summer@example.org
SUMMARY:s
DTSTART;TZID=Hostile:20250704T090000
END:VEVENT
BEGIN:VEVENT
UID:hostile-march-9@example.org
SUMMARY:s
DTSTART;TZID=Hostile:20250309T120000
END:VEVENT
END:VCALENDAR
`
	tests := []struct {
		rules bool
		cut   string // the VTIMEZONE's entry in Skipped
	}{
		{false, ""},
		{true, `VTIMEZONE "Hostile" has 10000 observances with an RRULE; the first 1000 are read and the other 9000 left out`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("rules=%t", tt.rules), func(t *testing.T) {
			data := strings.Replace(string(hostileZone(10000, tt.rules, 100)), "END:VCALENDAR\r\n",
				strings.ReplaceAll(strings.TrimPrefix(extra, "\n"), "\n", "\r\n"), 1)
			res := decodeString(t, data, nil)
			require.Equal(t, 100*1000+3, len(res.Occurrences), "1000 occurrences of each hourly series, and the single events")

			starts := map[string]ical.Occurrence{}
			for _, o := range res.Occurrences {
				if o.RecurrenceID == "" || o.RecurrenceID == "20250101T050000Z" {
					starts[o.UID] = o
				}
			}
			assert.Equal(t, "2025-07-04T09:00:00-04:00", starts["outlook-summer@example.org"].Start.Format(time.RFC3339))
			assert.Equal(t, "America/New_York", starts["outlook-summer@example.org"].TimeZone)
			assert.Equal(t, "2025-07-04T09:00:00-04:00", starts["hostile-summer@example.org"].Start.Format(time.RFC3339))
			assert.Equal(t, "2025-03-09T12:00:00-05:00", starts["hostile-march-9@example.org"].Start.Format(time.RFC3339),
				"the hostile zone changes on March 10, not on New York's March 9")
			assert.Equal(t, "2025-01-01T00:00:00-05:00", starts["hourly-0@example.org"].Start.Format(time.RFC3339))

			var zoneEntries []string
			seriesCut := 0
			for _, s := range res.Skipped {
				switch {
				case s.Component == "VTIMEZONE":
					zoneEntries = append(zoneEntries, s.Reason)
				case strings.Contains(s.Reason, "the series has more than 1000 occurrences"),
					strings.Contains(s.Reason, "have more than 100000 occurrences in all"): // the last series'
					seriesCut++
				default:
					t.Errorf("unexpected Skipped entry: %+v", s)
				}
			}
			assert.Equal(t, 100, seriesCut, "each hourly series reports the occurrences it leaves out")
			if tt.cut == "" {
				assert.Empty(t, zoneEntries, "10,000 observances without rules are all read")
				return
			}
			if assert.Len(t, zoneEntries, 1) {
				assert.Contains(t, zoneEntries[0], tt.cut)
			}
		})
	}
}

// TestDecode_SubDailyObservanceRule checks that an observance whose RRULE
// repeats hourly, which rrule-go could run for ever, has its rule ignored
// and reported; its DTSTART still counts.
func TestDecode_SubDailyObservanceRule(t *testing.T) {
	res := decodeString(t, wrapVEvents(
		"BEGIN:VTIMEZONE", "TZID:Hourly", "BEGIN:STANDARD", "DTSTART:20000101T030000",
		"TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "RRULE:FREQ=HOURLY;INTERVAL=24;BYHOUR=5", "END:STANDARD", "END:VTIMEZONE",
		"BEGIN:VEVENT", "UID:h@example.org", "SUMMARY:h", "DTSTART;TZID=Hourly:20250101T100000", "END:VEVENT"), nil)
	require.Len(t, res.Occurrences, 1)
	assert.Equal(t, "2025-01-01T10:00:00-05:00", res.Occurrences[0].Start.Format(time.RFC3339))
	require.Len(t, res.Skipped, 1)
	assert.Equal(t, "VTIMEZONE", res.Skipped[0].Component)
	assert.Contains(t, res.Skipped[0].Reason, `VTIMEZONE "Hourly": the RRULE of 1 of its observances repeats more often than daily`)
}

// TestDecode_HostileShapes decodes files of a few megabytes built so that
// a decoder doing the same work again for each part of them would take
// minutes: each decodes at once, with what it holds.
func TestDecode_HostileShapes(t *testing.T) {
	wide := &ical.DecodeOptions{From: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2199, 1, 1, 0, 0, 0, 0, time.UTC)}
	tests := []struct {
		name  string
		head  string
		each  func(i int) string
		tail  string
		opts  *ical.DecodeOptions
		check func(t *testing.T, res *ical.Result, n int)
	}{
		{
			// Each EXDATE;VALUE=DATE of a timed series once looked at
			// every instance.
			name: "DATE EXDATEs of a zoned daily series",
			head: "BEGIN:VEVENT\r\nUID:x@example.org\r\nSUMMARY:x\r\nDTSTART;TZID=America/New_York:19000101T100000\r\nRRULE:FREQ=DAILY\r\n",
			each: func(i int) string {
				return "EXDATE;VALUE=DATE:" + time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 2*i).Format("20060102") + "\r\n"
			},
			tail: "END:VEVENT\r\n",
			opts: wide,
			check: func(t *testing.T, res *ical.Result, n int) {
				require.Len(t, res.Occurrences, 1000)
				assert.Equal(t, "1900-01-02T10:00:00-05:00", res.Occurrences[0].Start.Format(time.RFC3339), "every other day is excluded")
				assert.Equal(t, "1900-01-04T10:00:00-05:00", res.Occurrences[1].Start.Format(time.RFC3339))
			},
		},
		{
			// Each instance once looked at every THISANDFUTURE override.
			name: "THISANDFUTURE overrides",
			head: "BEGIN:VEVENT\r\nUID:f@example.org\r\nSUMMARY:f\r\nDTSTART;TZID=America/New_York:20250101T100000\r\nRRULE:FREQ=HOURLY\r\nEND:VEVENT\r\n",
			each: func(i int) string {
				at := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC).AddDate(0, 0, 100+i).Format("20060102T150405")
				return "BEGIN:VEVENT\r\nUID:f@example.org\r\nSUMMARY:f\r\nRECURRENCE-ID;TZID=America/New_York;RANGE=THISANDFUTURE:" + at +
					"\r\nDTSTART;TZID=America/New_York:" + at + "\r\nEND:VEVENT\r\n"
			},
			opts: wide,
			check: func(t *testing.T, res *ical.Result, n int) {
				require.Len(t, res.Occurrences, 1000)
				require.Len(t, res.Skipped, 1)
				assert.Contains(t, res.Skipped[0].Reason, "the series has more than 1000 occurrences")
			},
		},
		{
			// Each display name once was compared with every one of
			// CLDR's, parsing them again.
			name: "Outlook display names",
			each: func(i int) string {
				return fmt.Sprintf("BEGIN:VEVENT\r\nUID:%d@example.org\r\nSUMMARY:s\r\nDTSTART;TZID=\"(UTC+01:00) Place %d\":20250101T100000\r\nEND:VEVENT\r\n", i, i)
			},
			check: func(t *testing.T, res *ical.Result, n int) {
				require.Equal(t, n, len(res.Occurrences))
				assert.Equal(t, "2025-01-01T10:00:00+01:00", res.Occurrences[0].Start.Format(time.RFC3339))
				assert.Equal(t, "Etc/GMT-1", res.Occurrences[0].TimeZone)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("BEGIN:VCALENDAR\r\n" + tt.head)
			n := 0
			for ; b.Len() < 2<<20; n++ {
				b.WriteString(tt.each(n))
			}
			b.WriteString(tt.tail + "END:VCALENDAR\r\n")
			start := time.Now()
			res := decodeString(t, b.String(), tt.opts)
			t.Logf("%d parts, %d occurrences, %d skipped, in %s", n, len(res.Occurrences), len(res.Skipped), time.Since(start))
			tt.check(t, res, n)
		})
	}
}

// BenchmarkDecode_hostileZone decodes the calendars of hostileZone: 10,000
// observances, with and without rules, and 100 hourly events in them.
//
//	go test -run '^$' -bench 'BenchmarkDecode_hostileZone' -count 5 ./ical/
func BenchmarkDecode_hostileZone(b *testing.B) {
	for _, rules := range []bool{false, true} {
		data := hostileZone(10000, rules, 100)
		b.Run(fmt.Sprintf("rules=%t", rules), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := ical.Decode(bytes.NewReader(data), nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
