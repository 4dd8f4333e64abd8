package ical_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar/ical"
)

// starts decodes one VEVENT and returns the starts of its occurrences as
// "2006-01-02 15:04 -0700".
func expandStarts(t *testing.T, opts *ical.DecodeOptions, props ...string) []string {
	t.Helper()
	lines := append([]string{"BEGIN:VEVENT", "UID:r@example.org", "SUMMARY:r"}, props...)
	res := decodeString(t, wrapVEvents(append(lines, "END:VEVENT")...), opts)
	var out []string
	for _, o := range res.Occurrences {
		out = append(out, o.Start.Format("2006-01-02 15:04 -0700"))
	}
	return out
}

func onDays(year int, month time.Month, clock, offset string, ds ...int) []string {
	var out []string
	for _, d := range ds {
		out = append(out, time.Date(year, month, d, 0, 0, 0, 0, time.UTC).Format("2006-01-02")+" "+clock+" "+offset)
	}
	return out
}

func joinLists(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// TestDecode_RFC5545Recurrences expands examples of RFC 5545 3.8.5.3, whose
// instants the RFC lists, in America/New_York (read from the tz database:
// the RFC's examples give no VTIMEZONE).
func TestDecode_RFC5545Recurrences(t *testing.T) {
	ny := "TZID=America/New_York"
	tests := []struct {
		name  string
		props []string
		want  []string
	}{
		{"every other week on MO, WE, FR until December 24, 1997",
			[]string{"DTSTART;" + ny + ":19970901T090000", "RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR"},
			joinLists(onDays(1997, 9, "09:00", "-0400", 1, 3, 5, 15, 17, 19, 29), onDays(1997, 10, "09:00", "-0400", 1, 3, 13, 15, 17),
				onDays(1997, 10, "09:00", "-0500", 27, 29, 31), onDays(1997, 11, "09:00", "-0500", 10, 12, 14, 24, 26, 28),
				onDays(1997, 12, "09:00", "-0500", 8, 10, 12, 22))},
		{"monthly on the first and last day for 10 occurrences",
			[]string{"DTSTART;" + ny + ":19970930T090000", "RRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1"},
			joinLists(onDays(1997, 9, "09:00", "-0400", 30), onDays(1997, 10, "09:00", "-0400", 1), onDays(1997, 10, "09:00", "-0500", 31),
				onDays(1997, 11, "09:00", "-0500", 1, 30), onDays(1997, 12, "09:00", "-0500", 1, 31),
				onDays(1998, 1, "09:00", "-0500", 1, 31), onDays(1998, 2, "09:00", "-0500", 1))},
		{"WKST=MO", []string{"DTSTART;" + ny + ":19970805T090000", "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO"},
			onDays(1997, 8, "09:00", "-0400", 5, 10, 19, 24)},
		{"WKST=SU", []string{"DTSTART;" + ny + ":19970805T090000", "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU"},
			onDays(1997, 8, "09:00", "-0400", 5, 17, 19, 31)},
		{"the third instance of TU, WE, TH for the next 3 months",
			[]string{"DTSTART;" + ny + ":19970904T090000", "RRULE:FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3"},
			joinLists(onDays(1997, 9, "09:00", "-0400", 4), onDays(1997, 10, "09:00", "-0400", 7), onDays(1997, 11, "09:00", "-0500", 6))},
		{"every 3 hours from 9:00 to 17:00 on one day",
			[]string{"DTSTART;" + ny + ":19970902T090000", "RRULE:FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z"},
			[]string{"1997-09-02 09:00 -0400", "1997-09-02 12:00 -0400"}}, // 15:00 EDT is 19:00Z, past UNTIL
		{"every 15 minutes for 6 occurrences",
			[]string{"DTSTART;" + ny + ":19970902T090000", "RRULE:FREQ=MINUTELY;INTERVAL=15;COUNT=6"},
			[]string{"1997-09-02 09:00 -0400", "1997-09-02 09:15 -0400", "1997-09-02 09:30 -0400",
				"1997-09-02 09:45 -0400", "1997-09-02 10:00 -0400", "1997-09-02 10:15 -0400"}},
		{"every hour and a half for 4 occurrences",
			[]string{"DTSTART;" + ny + ":19970902T090000", "RRULE:FREQ=MINUTELY;INTERVAL=90;COUNT=4"},
			[]string{"1997-09-02 09:00 -0400", "1997-09-02 10:30 -0400", "1997-09-02 12:00 -0400", "1997-09-02 13:30 -0400"}},
		{"Friday the 13th, except DTSTART, for 5 occurrences",
			[]string{"DTSTART;" + ny + ":19970902T090000", "EXDATE;" + ny + ":19970902T090000", "RRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13;COUNT=5"},
			// COUNT counts DTSTART ("The DTSTART property value always
			// counts as the first occurrence", RFC 5545 3.8.5.3), which the
			// EXDATE then removes: four Fridays the 13th remain. (ical.js
			// and libical's rule iterator leave a DTSTART off the rule out
			// and give five.)
			joinLists(onDays(1998, 2, "09:00", "-0500", 13), onDays(1998, 3, "09:00", "-0500", 13),
				onDays(1998, 11, "09:00", "-0500", 13), onDays(1999, 8, "09:00", "-0400", 13))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, expandStarts(t, nil, tt.props...))
		})
	}
}

// TestDecode_SubDailyMatchesDaily checks the sub-daily expansion against
// the equivalent DAILY rule, which rrule-go expands itself: RFC 5545's
// "every 20 minutes from 9:00 to 16:40 every day", written both ways.
func TestDecode_SubDailyMatchesDaily(t *testing.T) {
	window := &ical.DecodeOptions{From: time.Date(1997, 9, 2, 0, 0, 0, 0, time.UTC), To: time.Date(1997, 9, 5, 0, 0, 0, 0, time.UTC)}
	dt := "DTSTART;TZID=America/New_York:19970902T090000"
	daily := expandStarts(t, window, dt, "RRULE:FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40")
	minutely := expandStarts(t, window, dt, "RRULE:FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16")
	require.Len(t, daily, 3*24, "three days of 24 instants")
	assert.Equal(t, daily, minutely)
	assert.Equal(t, "1997-09-04 16:40 -0400", daily[len(daily)-1])
}

// TestDecode_RecurrenceRules covers what the RFC examples do not.
func TestDecode_RecurrenceRules(t *testing.T) {
	tests := []struct {
		name  string
		opts  *ical.DecodeOptions
		props []string
		want  []string
	}{
		{"DTSTART off the rule is still the first instance, and counts (RFC 5545 3.8.5.3)",
			nil, []string{"DTSTART:20250101T100000Z", "RRULE:FREQ=WEEKLY;BYDAY=FR;COUNT=3"},
			[]string{"2025-01-01 10:00 +0000", "2025-01-03 10:00 +0000", "2025-01-10 10:00 +0000"}},
		{"wall times stay across a DST change",
			nil, []string{"DTSTART;TZID=Europe/London:20251024T180000", "RRULE:FREQ=DAILY;COUNT=4"},
			[]string{"2025-10-24 18:00 +0100", "2025-10-25 18:00 +0100", "2025-10-26 18:00 +0000", "2025-10-27 18:00 +0000"}},
		{"an instance in the spring-forward gap is read with the offset before it",
			nil, []string{"DTSTART;TZID=America/New_York:20250308T023000", "RRULE:FREQ=DAILY;COUNT=3"},
			[]string{"2025-03-08 02:30 -0500", "2025-03-09 03:30 -0400", "2025-03-10 02:30 -0400"}},
		{"RDATE as a PERIOD, with its own end",
			nil, []string{"DTSTART:20250101T100000Z", "DURATION:PT1H", "RDATE;VALUE=PERIOD:20250105T100000Z/20250105T130000Z"},
			[]string{"2025-01-01 10:00 +0000", "2025-01-05 10:00 +0000"}},
		{"EXDATE in UTC removes the instance at that instant",
			nil, []string{"DTSTART;TZID=America/New_York:20250106T090000", "RRULE:FREQ=DAILY;COUNT=3", "EXDATE:20250107T140000Z"},
			[]string{"2025-01-06 09:00 -0500", "2025-01-08 09:00 -0500"}},
		{"EXDATE;VALUE=DATE removes that day of a timed series",
			nil, []string{"DTSTART;TZID=America/New_York:20250106T090000", "RRULE:FREQ=DAILY;COUNT=3", "EXDATE;VALUE=DATE:20250107"},
			[]string{"2025-01-06 09:00 -0500", "2025-01-08 09:00 -0500"}},
		{"an UNTIL in local time is read in the series' zone",
			nil, []string{"DTSTART;TZID=Asia/Tokyo:20250106T090000", "RRULE:FREQ=DAILY;UNTIL=20250107T090000"},
			[]string{"2025-01-06 09:00 +0900", "2025-01-07 09:00 +0900"}},
		{"the 31st of each month skips shorter months",
			nil, []string{"DTSTART:20250131T100000Z", "RRULE:FREQ=MONTHLY;COUNT=3"},
			[]string{"2025-01-31 10:00 +0000", "2025-03-31 10:00 +0000", "2025-05-31 10:00 +0000"}},
		{"a rule that matches no day yields DTSTART only",
			nil, []string{"DTSTART:20250101T100000Z", "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"},
			[]string{"2025-01-01 10:00 +0000"}},
		{"an hourly rule whose BYHOUR its INTERVAL never reaches yields DTSTART only",
			nil, []string{"DTSTART:20250101T030000Z", "RRULE:FREQ=HOURLY;INTERVAL=24;BYHOUR=5"},
			[]string{"2025-01-01 03:00 +0000"}},
		{"a BYSETPOS past every period's instants yields DTSTART only",
			nil, []string{"DTSTART:20250101T030000Z", "RRULE:FREQ=DAILY;BYSETPOS=2"},
			[]string{"2025-01-01 03:00 +0000"}},
		{"SECONDLY stops at MaxOccurrences",
			&ical.DecodeOptions{MaxOccurrences: 3}, []string{"DTSTART:20250101T030000Z", "RRULE:FREQ=SECONDLY"},
			[]string{"2025-01-01 03:00 +0000", "2025-01-01 03:00 +0000", "2025-01-01 03:00 +0000"}},
		{"HOURLY with BYMINUTE expands each hour",
			nil, []string{"DTSTART:20250101T090000Z", "RRULE:FREQ=HOURLY;BYMINUTE=0,30;COUNT=4"},
			[]string{"2025-01-01 09:00 +0000", "2025-01-01 09:30 +0000", "2025-01-01 10:00 +0000", "2025-01-01 10:30 +0000"}},
		{"HOURLY with BYSETPOS picks within each hour",
			nil, []string{"DTSTART:20250101T090000Z", "RRULE:FREQ=HOURLY;BYMINUTE=0,20,40;BYSETPOS=-1;COUNT=3"},
			[]string{"2025-01-01 09:00 +0000", "2025-01-01 09:40 +0000", "2025-01-01 10:40 +0000"}},
		{"two RRULEs are merged",
			nil, []string{"DTSTART:20250106T100000Z", "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=2", "RRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=2"},
			[]string{"2025-01-06 10:00 +0000", "2025-01-08 10:00 +0000", "2025-01-13 10:00 +0000"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, expandStarts(t, tt.opts, tt.props...))
		})
	}
}

// TestDecode_RecurrenceIsBounded runs rules that would make a naive expander
// loop for a long time or for ever, with a window a hundred years long;
// each must finish at once (the test would time out otherwise) with what
// the window holds, or say why it stopped.
func TestDecode_RecurrenceIsBounded(t *testing.T) {
	tests := []struct {
		rule string
		want int    // occurrences
		why  string // in the one Skipped entry, if any
	}{
		{"FREQ=SECONDLY", 1000, "more than 1000 occurrences"},
		{"FREQ=SECONDLY;BYHOUR=23;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", 1000, "more than 1000 occurrences"},
		// Drifts a second a day: 05:00:00 comes round again after 217 years.
		{"FREQ=SECONDLY;INTERVAL=86399;BYHOUR=5;BYMINUTE=0;BYSECOND=0", 0, ""},
		{"FREQ=MINUTELY;INTERVAL=7;BYMONTH=2;BYMONTHDAY=30", 0, ""},
		{"FREQ=HOURLY;INTERVAL=24;BYHOUR=5", 0, ""},
		{"FREQ=DAILY;INTERVAL=7;BYDAY=MO", 0, ""}, // from a Wednesday, never a Monday
		{"FREQ=DAILY;BYSETPOS=-2", 0, ""},
		{"FREQ=YEARLY;BYWEEKNO=53;BYMONTH=6", 0, ""},
		{"FREQ=WEEKLY;INTERVAL=100000;BYDAY=SU", 0, ""},
		// COUNT must be counted from 2025: the walk runs out of work.
		{"FREQ=SECONDLY;COUNT=1000000000", 0, "took more work than allowed"},
		{"FREQ=DAILY", 1000, "more than 1000 occurrences"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			start := time.Now()
			res := decodeString(t, wrapVEvents("BEGIN:VEVENT", "UID:b@example.org", "SUMMARY:b",
				"DTSTART:20250101T030000Z", "RRULE:"+tt.rule, "END:VEVENT"),
				&ical.DecodeOptions{From: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2140, 1, 1, 0, 0, 0, 0, time.UTC)})
			assert.Len(t, res.Occurrences, tt.want)
			if tt.why == "" {
				assert.Empty(t, res.Skipped)
			} else if assert.Len(t, res.Skipped, 1) {
				assert.Contains(t, res.Skipped[0].Reason, tt.why)
			}
			if len(res.Occurrences) > 0 {
				assert.False(t, res.Occurrences[0].Start.Before(time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)))
			}
			t.Logf("%d occurrences in %s", len(res.Occurrences), time.Since(start))
		})
	}
}

// TestDecode_BadRules checks that an RRULE that cannot be read skips its
// event, saying why.
func TestDecode_BadRules(t *testing.T) {
	for rule, why := range map[string]string{
		"FREQ=FORTNIGHTLY":        "FREQ=FORTNIGHTLY is not a frequency",
		"COUNT=3":                 "has no FREQ",
		"FREQ=DAILY;BYHOUR=24":    "BYHOUR=24 holds",
		"FREQ=WEEKLY;BYDAY=XX":    `holds "XX", not a weekday`,
		"FREQ=DAILY;INTERVAL=0":   "INTERVAL=0 is not a number",
		"FREQ=DAILY;UNTIL=soon":   "UNTIL=soon is not a date",
		"FREQ=MONTHLY;BYDAY=99MO": "not a weekday with an ordinal",
	} {
		res := decodeString(t, wrapVEvents("BEGIN:VEVENT", "UID:bad@example.org", "SUMMARY:b",
			"DTSTART:20250101T030000Z", "RRULE:"+rule, "END:VEVENT"), nil)
		assert.Empty(t, res.Occurrences, rule)
		require.Len(t, res.Skipped, 1, rule)
		assert.Contains(t, res.Skipped[0].Reason, why, rule)
		assert.True(t, strings.HasSuffix(res.Skipped[0].Reason, "the event is skipped"), rule)
	}
}

// TestDecode_ManySeriesAreBounded decodes files of thousands of series
// whose rules each cost a naive expander thousands of periods (probing
// 28 years for a day that never comes, walking to the year 9999 for an
// instance the INTERVAL never reaches, a day of seconds, 26 years of
// periods to the next leap day that is a Monday): the work of the whole
// decode is bounded, not only each series', so each file decodes at once
// (before the bound, each took minutes), with what each series holds, or
// with the series the work did not reach reported.
func TestDecode_ManySeriesAreBounded(t *testing.T) {
	tests := []struct {
		rule      string
		perSeries int    // occurrences of each series, when none ran out of work
		cut       string // the Skipped reason of the series the work did not reach
	}{
		{"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", 1, ""},
		{"FREQ=DAILY;INTERVAL=7;BYDAY=MO", 1, ""},
		{"FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6", 1, ""},
		{"FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30", 1, ""},
		{"FREQ=SECONDLY", 0, "have more than 100000 occurrences in all"}, // 1000 occurrences each, until the decode has 100,000
		// Each finds its next instance only in 2016: DTSTART alone is in
		// the window, and each series costs 26 years of periods.
		{"FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", 1, "took more work than allowed"},
		{"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", 1, "took more work than allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("BEGIN:VCALENDAR\r\n")
			n := 0
			for ; b.Len() < 2<<20; n++ {
				fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:%d\r\nSUMMARY:s\r\nDTSTART:19900103T100000Z\r\nRRULE:%s\r\nEND:VEVENT\r\n", n, tt.rule)
			}
			start := time.Now()
			res := decodeString(t, b.String()+"END:VCALENDAR\r\n", nil)
			t.Logf("%d series, %d occurrences, %d skipped, in %s", n, len(res.Occurrences), len(res.Skipped), time.Since(start))
			switch {
			case tt.perSeries > 0 && tt.cut == "":
				assert.Equal(t, n*tt.perSeries, len(res.Occurrences))
				assert.Empty(t, res.Skipped)
				return
			case tt.perSeries > 0:
				assert.Equal(t, n*tt.perSeries, len(res.Occurrences), "DTSTART is an occurrence even when the work has run out")
			default:
				assert.Equal(t, 100000, len(res.Occurrences), "the bound on the occurrences of a whole decode")
			}
			var reasons []string
			for _, s := range res.Skipped {
				reasons = append(reasons, s.Reason)
			}
			assert.Contains(t, strings.Join(reasons, "\n"), tt.cut)
		})
	}
}

// TestDecode_OpenEndedSeriesAreExpanded decodes calendars of many series
// without UNTIL or COUNT, as a department's weekly seminars are: each is
// expanded through the window. Work is charged for the periods rrule-go
// walks, not for the 400 years it would walk if nothing stopped it, which
// once left 59 of 250 weekly series unexpanded, and 72 of 100 daily ones.
func TestDecode_OpenEndedSeriesAreExpanded(t *testing.T) {
	tests := []struct {
		rule              string
		series, perSeries int
	}{
		{"FREQ=WEEKLY", 250, 105},
		{"FREQ=DAILY", 100, 730},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			var lines []string
			for i := range tt.series {
				lines = append(lines, "BEGIN:VEVENT", fmt.Sprintf("UID:%d@example.org", i), "SUMMARY:s",
					"DTSTART;TZID=America/New_York:20250114T160000", "RRULE:"+tt.rule, "END:VEVENT")
			}
			res := decodeString(t, wrapVEvents(lines...), nil)
			assert.Empty(t, res.Skipped)
			assert.Equal(t, tt.series*tt.perSeries, len(res.Occurrences), "occurrences of %d series", tt.series)
		})
	}
}
