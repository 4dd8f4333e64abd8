package ical_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
)

// occRow is an occurrence as a test expects it: times in RFC 3339 with the
// offset of the zone the occurrence is shown in, so that a row checks the
// instant and the zone at once.
type occRow struct {
	uid, rid, title, start, end, tz, status string
	allDay, floating                        bool
}

func occRowOf(o ical.Occurrence) occRow {
	return occRow{uid: o.UID, rid: o.RecurrenceID, title: o.Title,
		start: o.Start.Format(time.RFC3339), end: o.End.Format(time.RFC3339),
		tz: o.TimeZone, status: o.Status, allDay: o.AllDay, floating: o.Floating}
}

func decodeFile(t *testing.T, name string, opts *ical.DecodeOptions) *ical.Result {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "import", name))
	require.NoError(t, err)
	res, err := ical.Decode(bytes.NewReader(data), opts)
	require.NoError(t, err)
	for _, o := range res.Occurrences {
		require.NoError(t, o.Event().Validate(), "Event of %s %s", o.UID, o.RecurrenceID)
	}
	return res
}

func occRows(res *ical.Result) []occRow {
	var out []occRow
	for _, o := range res.Occurrences {
		out = append(out, occRowOf(o))
	}
	return out
}

const (
	googleSeries = "7kq3t4hh2h5b8u9c1m0j6p2r4s@google.com"
	zimbraSeries = "3f2e1d0c-b9a8-4765-8432-10fedcba9876"
	outlookSys   = "040000008200E00074C5B7101A82E00800000000D0F2B0C2A5D1D90100000000000000001000000047C0E1C2B9E5B54A9D2A8B7B8C5D3E10"
)

// TestDecode_Fixtures decodes what real clients export and checks the exact
// instant, zone and recurrence instance of every occurrence.
func TestDecode_Fixtures(t *testing.T) {
	tests := []struct {
		file string
		want []occRow
	}{
		{"google.ics", []occRow{
			// The tz database, not Google's VTIMEZONE (which has only
			// the 2007 rule), knows that DST began on April 2 in 2006.
			{uid: "3d1i6n5o2g0k9j8i7h6g5f4e3d@google.com", title: "Colloquium before the 2007 change of US daylight-saving rules",
				start: "2006-03-20T10:00:00-05:00", end: "2006-03-20T11:00:00-05:00", tz: "America/New_York", status: "CONFIRMED"},
			{uid: "4m1b6lq1kq0ao0ijq7r8d2g9v4@google.com", title: "A picture of the energy landscape of deep neural networks",
				start: "2017-06-12T20:00:00Z", end: "2017-06-12T21:00:00Z", status: "CONFIRMED"},
			// Weekly at 4 PM across the March 9 change: the wall time
			// stays, the instant moves; March 18 is an EXDATE, March 11 a
			// cancelled instance, March 25 moved an hour, and UNTIL ends
			// the series before April 1.
			{uid: googleSeries, rid: "20250304T210000Z", title: "Vision reading group",
				start: "2025-03-04T16:00:00-05:00", end: "2025-03-04T17:00:00-05:00", tz: "America/New_York", status: "CONFIRMED"},
			{uid: googleSeries, rid: "20250311T200000Z", title: "Vision reading group",
				start: "2025-03-11T16:00:00-04:00", end: "2025-03-11T17:00:00-04:00", tz: "America/New_York", status: "CANCELLED"},
			{uid: googleSeries, rid: "20250325T200000Z", title: "Vision reading group (an hour later)",
				start: "2025-03-25T17:00:00-04:00", end: "2025-03-25T18:00:00-04:00", tz: "America/New_York", status: "CONFIRMED"},
			// A floating time is read in X-WR-TIMEZONE, as Google does.
			{uid: "2c0h5m4n1f9j8i7h6g5f4e3d2c@google.com", title: "Faculty lunch (floating time)",
				start: "2025-04-10T10:00:00-04:00", end: "2025-04-10T11:30:00-04:00", tz: "America/New_York", status: "TENTATIVE"},
			{uid: "0a8f3k2l9d7h6g5f4e3d2c1b0a@google.com", title: "Independence Day (no seminar)",
				start: "2025-07-04T00:00:00Z", end: "2025-07-05T00:00:00Z", allDay: true, status: "CONFIRMED"},
			// An all-day event without DTEND lasts one day.
			{uid: "1b9g4l3m0e8i7h6g5f4e3d2c1b@google.com", title: "Labor Day",
				start: "2025-09-01T00:00:00Z", end: "2025-09-02T00:00:00Z", allDay: true, status: "CONFIRMED"},
		}},
		{"outlook.ics", []occRow{
			// India Standard Time: a VTIMEZONE from year 1 without rules.
			{uid: "040000008200E00074C5B7101A82E00800000000D4E5F6A7B8C9D901000000000000000010000000DDEEFF00112233445566778899001122",
				title: "Call with Bangalore", start: "2025-01-15T17:30:00+05:30", end: "2025-01-15T18:30:00+05:30", tz: "Asia/Calcutta"},
			{uid: "outlook-label-known@example.com", title: "Zone given by its display name",
				start: "2025-02-01T09:00:00-08:00", end: "2025-02-01T10:00:00-08:00", tz: "America/Los_Angeles"},
			{uid: "outlook-label-unknown@example.com", title: "Zone given by an unknown display name",
				start: "2025-03-01T12:00:00+05:45", end: "2025-03-01T13:00:00+05:45"},
			// 2:30 does not exist on March 9: the offset before the gap
			// (-05:00) makes it 3:30 EDT.
			{uid: "outlook-gap@example.com", title: "Starts in the spring-forward gap",
				start: "2025-03-09T03:30:00-04:00", end: "2025-03-09T04:30:00-04:00", tz: "America/New_York"},
			{uid: "040000008200E00074C5B7101A82E00800000000C3D4E5F6A7B8D901000000000000000010000000CCDDEEFF001122334455667788990011",
				title: "Workshop in Berlin", start: "2025-03-30T10:00:00+02:00", end: "2025-03-30T12:00:00+02:00", tz: "Europe/Berlin"},
			{uid: "outlook-windows-name@example.com", title: "Windows zone without a VTIMEZONE",
				start: "2025-05-01T10:00:00+09:00", end: "2025-05-01T11:00:00+09:00", tz: "Asia/Tokyo"},
			// "Customized Time Zone" has US rules: America/New_York.
			{uid: "040000008200E00074C5B7101A82E00800000000E5F6A7B8C9D0D901000000000000000010000000EEFF0011223344556677889900112233",
				title: "Talk entered with a customized zone", start: "2025-07-15T09:00:00-04:00", end: "2025-07-15T10:00:00-04:00", tz: "America/New_York"},
			{uid: outlookSys, rid: "20251028T190000Z", title: "Systems seminar",
				start: "2025-10-28T15:00:00-04:00", end: "2025-10-28T16:00:00-04:00", tz: "America/New_York", status: "CONFIRMED"},
			// 1:30 occurs twice on November 2: the first, in EDT.
			{uid: "outlook-fold@example.com", title: "Starts in the fall-back fold",
				start: "2025-11-02T01:30:00-04:00", end: "2025-11-02T02:30:00-05:00", tz: "America/New_York"},
			{uid: outlookSys, rid: "20251104T200000Z", title: "Systems seminar",
				start: "2025-11-04T15:00:00-05:00", end: "2025-11-04T16:00:00-05:00", tz: "America/New_York", status: "CONFIRMED"},
			{uid: outlookSys, rid: "20251111T200000Z", title: "Systems seminar",
				start: "2025-11-11T15:00:00-05:00", end: "2025-11-11T16:00:00-05:00", tz: "America/New_York", status: "CONFIRMED"},
			// X-MICROSOFT-CDO-ALLDAYEVENT on midnight DATE-TIMEs.
			{uid: "040000008200E00074C5B7101A82E00800000000A1B2C3D4E5F6D901000000000000000010000000AABBCCDDEEFF00112233445566778899",
				title: "Thanksgiving", start: "2025-11-27T00:00:00Z", end: "2025-11-28T00:00:00Z", allDay: true, status: "CONFIRMED"},
			{uid: "040000008200E00074C5B7101A82E00800000000B2C3D4E5F6A7D901000000000000000010000000BBCCDDEEFF0011223344556677889900",
				title: "Winter closure", start: "2025-12-24T00:00:00Z", end: "2025-12-27T00:00:00Z", allDay: true},
		}},
		{"icloud.ics", []occRow{
			{uid: "6A1D2C3B-8E4F-405B-AC9D-2E3F4A5B6C7D", title: "Early lecture in the spring-forward gap",
				start: "2025-03-30T03:30:00+02:00", end: "2025-03-30T04:30:00+02:00", tz: "Europe/Zurich"},
			// TZID names no zone, X-LIC-LOCATION does; the VTIMEZONE's
			// own rule (no DST) would be an hour off.
			{uid: "7B2E3D4C-9F50-416C-BDAE-3F4A5B6C7D8E", title: "Berlin colloquium",
				start: "2025-06-01T18:00:00+02:00", end: "2025-06-01T19:00:00+02:00", tz: "Europe/Berlin"},
			{uid: "5F0C1B2A-7D3E-4F5A-9B8C-1D2E3F4A5B6C", title: "Night lecture across the end of summer time",
				start: "2025-10-26T02:30:00+02:00", end: "2025-10-26T03:30:00+01:00", tz: "Europe/Zurich"},
		}},
		{"thunderbird.ics", []occRow{
			// The 2005 VTIMEZONE says DST starts in April; the zone it
			// names has started in March since 2007.
			{uid: "9f3c2a1e-5b7d-4c8e-a0f1-2b3c4d5e6f70", rid: "20250320T190000Z", title: "Reading group (zone with an old Lightning prefix)",
				start: "2025-03-20T15:00:00-04:00", end: "2025-03-20T16:00:00-04:00", tz: "America/New_York"},
			{uid: "9f3c2a1e-5b7d-4c8e-a0f1-2b3c4d5e6f70", rid: "20250417T190000Z", title: "Reading group (zone with an old Lightning prefix)",
				start: "2025-04-17T15:00:00-04:00", end: "2025-04-17T16:00:00-04:00", tz: "America/New_York"},
			{uid: "9f3c2a1e-5b7d-4c8e-a0f1-2b3c4d5e6f70", rid: "20250515T190000Z", title: "Reading group (zone with an old Lightning prefix)",
				start: "2025-05-15T15:00:00-04:00", end: "2025-05-15T16:00:00-04:00", tz: "America/New_York"},
			{uid: "9f3c2a1e-5b7d-4c8e-a0f1-2b3c4d5e6f70", rid: "20250619T190000Z", title: "Reading group (zone with an old Lightning prefix)",
				start: "2025-06-19T15:00:00-04:00", end: "2025-06-19T16:00:00-04:00", tz: "America/New_York"},
			{uid: "0a4d3b2f-6c8e-4d9f-b1a2-3c4d5e6f7081", rid: "20250707T070000Z", title: "Summer school",
				start: "2025-07-07T09:00:00+02:00", end: "2025-07-07T17:00:00+02:00", tz: "Europe/Berlin"},
			{uid: "0a4d3b2f-6c8e-4d9f-b1a2-3c4d5e6f7081", rid: "20250708T070000Z", title: "Summer school",
				start: "2025-07-08T09:00:00+02:00", end: "2025-07-08T17:00:00+02:00", tz: "Europe/Berlin"},
			{uid: "0a4d3b2f-6c8e-4d9f-b1a2-3c4d5e6f7081", rid: "20250709T070000Z", title: "Summer school",
				start: "2025-07-09T09:00:00+02:00", end: "2025-07-09T17:00:00+02:00", tz: "Europe/Berlin"},
			{uid: "0a4d3b2f-6c8e-4d9f-b1a2-3c4d5e6f7081", rid: "20250710T070000Z", title: "Summer school",
				start: "2025-07-10T09:00:00+02:00", end: "2025-07-10T17:00:00+02:00", tz: "Europe/Berlin"},
			{uid: "0a4d3b2f-6c8e-4d9f-b1a2-3c4d5e6f7081", rid: "20250711T070000Z", title: "Summer school",
				start: "2025-07-11T09:00:00+02:00", end: "2025-07-11T17:00:00+02:00", tz: "Europe/Berlin"},
		}},
		{"zimbra.ics", []occRow{
			// DAILY all-day with an EXDATE;VALUE=DATE on the 3rd.
			{uid: "c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f", rid: "20250901", title: "Orientation week",
				start: "2025-09-01T00:00:00Z", end: "2025-09-02T00:00:00Z", allDay: true},
			{uid: "c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f", rid: "20250902", title: "Orientation week",
				start: "2025-09-02T00:00:00Z", end: "2025-09-03T00:00:00Z", allDay: true},
			{uid: "c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f", rid: "20250904", title: "Orientation week",
				start: "2025-09-04T00:00:00Z", end: "2025-09-05T00:00:00Z", allDay: true},
			{uid: "c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f", rid: "20250905", title: "Orientation week",
				start: "2025-09-05T00:00:00Z", end: "2025-09-06T00:00:00Z", allDay: true},
			// DTSTART and two RDATEs, each with the DURATION.
			{uid: "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e", rid: "20250905T200000Z", title: "Visiting speakers",
				start: "2025-09-05T15:00:00-05:00", end: "2025-09-05T16:30:00-05:00", tz: "America/Chicago"},
			{uid: "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e", rid: "20250912T200000Z", title: "Visiting speakers",
				start: "2025-09-12T15:00:00-05:00", end: "2025-09-12T16:30:00-05:00", tz: "America/Chicago"},
			{uid: zimbraSeries, rid: "20250917T170000Z", title: "Theory lunch",
				start: "2025-09-17T12:00:00-05:00", end: "2025-09-17T13:00:00-05:00", tz: "America/Chicago", status: "CONFIRMED"},
			// The October 1 instance moved to Thursday.
			{uid: zimbraSeries, rid: "20251001T170000Z", title: "Theory lunch (Thursday this week)",
				start: "2025-10-02T12:00:00-05:00", end: "2025-10-02T13:00:00-05:00", tz: "America/Chicago", status: "CONFIRMED"},
			// An override naming no instance (off-week) is still an event.
			{uid: zimbraSeries, rid: "20251008T170000Z", title: "Theory lunch (extra week)",
				start: "2025-10-08T12:00:00-05:00", end: "2025-10-08T13:00:00-05:00", tz: "America/Chicago"},
			// October 15 and November 12 are EXDATEs; October 29 is
			// cancelled by its override.
			{uid: zimbraSeries, rid: "20251029T170000Z", title: "Theory lunch",
				start: "2025-10-29T12:00:00-05:00", end: "2025-10-29T13:00:00-05:00", tz: "America/Chicago", status: "CANCELLED"},
			// An override whose series is not in the file.
			{uid: "8a7b6c5d-4e3f-4210-9fed-cba987654321", rid: "20251103T170000Z", title: "Orphaned instance",
				start: "2025-11-03T17:00:00Z", end: "2025-11-03T18:00:00Z"},
			{uid: "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e", rid: "20251107T220000Z", title: "Visiting speakers",
				start: "2025-11-07T16:00:00-06:00", end: "2025-11-07T17:30:00-06:00", tz: "America/Chicago"},
			// RANGE=THISANDFUTURE moves this and every later instance by
			// half an hour, with the override's title.
			{uid: zimbraSeries, rid: "20251126T180000Z", title: "Theory lunch (new room and time)",
				start: "2025-11-26T12:30:00-06:00", end: "2025-11-26T13:30:00-06:00", tz: "America/Chicago"},
			{uid: zimbraSeries, rid: "20251210T180000Z", title: "Theory lunch (new room and time)",
				start: "2025-12-10T12:30:00-06:00", end: "2025-12-10T13:30:00-06:00", tz: "America/Chicago"},
		}},
		{"rfc5545.ics", []occRow{
			{uid: "uid1@example.com", title: "Networld+Interop Conference",
				start: "1996-09-18T14:30:00Z", end: "1996-09-20T22:00:00Z", status: "CONFIRMED"},
			{uid: "19970901T130000Z-123401@example.com", title: "Annual Employee Review",
				start: "1997-09-03T16:30:00Z", end: "1997-09-03T19:00:00Z"},
			// Yearly from 1997: two instances in the default two years.
			{uid: "19970901T130000Z-123403@example.com", rid: "19971102", title: "Our Blissful Anniversary",
				start: "1997-11-02T00:00:00Z", end: "1997-11-03T00:00:00Z", allDay: true},
			{uid: "guid-1.example.com", title: "XYZ Project Review",
				start: "1998-03-12T08:30:00-05:00", end: "1998-03-12T09:30:00-05:00", tz: "America/New_York"},
			{uid: "19970901T130000Z-123403@example.com", rid: "19981102", title: "Our Blissful Anniversary",
				start: "1998-11-02T00:00:00Z", end: "1998-11-03T00:00:00Z", allDay: true},
			{uid: "20070423T123432Z-541111@example.com", title: "Festival International de Jazz de Montreal",
				start: "2007-06-28T00:00:00Z", end: "2007-07-09T00:00:00Z", allDay: true},
		}},
		{"broken.ics", []occRow{
			{uid: "good-1@example.edu", title: "First talk", start: "2025-02-10T15:00:00Z", end: "2025-02-10T16:00:00Z"},
			{uid: "good-2@example.edu", title: "Third talk", start: "2025-02-12T15:00:00Z", end: "2025-02-12T15:45:00Z"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := decodeFile(t, tt.file, nil)
			assert.Equal(t, tt.want, occRows(res))
		})
	}
}

// TestDecode_Skipped checks that each problem is reported where it is, and
// that it costs only what it touches.
func TestDecode_Skipped(t *testing.T) {
	tests := []struct {
		file string
		want []ical.Skipped
	}{
		{"broken.ics", []ical.Skipped{
			{Line: 11, Component: "VEVENT", UID: "good-1@example.edu"},
			{Line: 16, Component: "VEVENT", UID: "broken-1@example.edu"},
		}},
		{"zimbra.ics", []ical.Skipped{{Line: 112, Component: "VTODO", UID: "d3e4f5a6-b7c8-4d9e-8f1a-2b3c4d5e6f70"}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := decodeFile(t, tt.file, nil)
			require.Len(t, res.Skipped, len(tt.want))
			for i, want := range tt.want {
				got := res.Skipped[i]
				assert.NotEmpty(t, got.Reason)
				got.Reason = ""
				assert.Equal(t, want, got)
			}
		})
	}
	res := decodeFile(t, "broken.ics", nil)
	assert.Contains(t, res.Skipped[0].Reason, "a folded line that lost its leading space")
	assert.Contains(t, res.Skipped[1].Reason, `DTSTART "2025-02-11 15:00"`)
	assert.Equal(t, "An abstract that was folded by hand and lost the leading space", res.Occurrences[0].Description)
}

// TestDecode_OneBadLineCostsOneComponent shows why Decode splits the input
// itself: golang-ical refuses the whole file for one broken line.
func TestDecode_OneBadLineCostsOneComponent(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "import", "broken.ics"))
	require.NoError(t, err)
	_, err = ics.ParseCalendar(bytes.NewReader(data))
	require.Error(t, err, "golang-ical is expected to refuse the file")
	res, err := ical.Decode(bytes.NewReader(data), nil)
	require.NoError(t, err)
	assert.Len(t, res.Occurrences, 2)
}

func TestDecode_TooLarge(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "import", "google.ics"))
	require.NoError(t, err)
	_, err = ical.Decode(bytes.NewReader(data), &ical.DecodeOptions{MaxBytes: int64(len(data)) - 1})
	require.ErrorIs(t, err, ical.ErrTooLarge)
	assert.Contains(t, err.Error(), "ical: input too large")

	res, err := ical.Decode(bytes.NewReader(data), &ical.DecodeOptions{MaxBytes: int64(len(data))})
	require.NoError(t, err, "an input of exactly MaxBytes is read")
	assert.NotEmpty(t, res.Occurrences)

	big := bytes.Repeat([]byte("X"), ical.DefaultMaxBytes+1)
	_, err = ical.Decode(bytes.NewReader(big), nil)
	assert.ErrorIs(t, err, ical.ErrTooLarge, "the default limit is 10 MiB")
}

func TestDecode_ReadError(t *testing.T) {
	boom := errors.New("connection reset")
	_, err := ical.Decode(iotest.ErrReader(boom), nil)
	require.ErrorIs(t, err, boom)
	assert.True(t, strings.HasPrefix(err.Error(), "ical: "), err.Error())
}

// TestDecode_NotACalendar checks that junk is reported, not fatal.
func TestDecode_NotACalendar(t *testing.T) {
	for _, input := range []string{"", "<html><body>502 Bad Gateway</body></html>", "\x00\x01\x02", "BEGIN:VCALENDAR"} {
		res, err := ical.Decode(strings.NewReader(input), nil)
		require.NoError(t, err, "%q", input)
		assert.Empty(t, res.Occurrences, "%q", input)
	}
	res, err := ical.Decode(strings.NewReader("<html>\n<body>502</body>\n</html>\n"), nil)
	require.NoError(t, err)
	require.Len(t, res.Skipped, 1, "junk is reported once, not once a line")
	assert.Equal(t, 1, res.Skipped[0].Line)
}

// calendar wraps VEVENT lines into a calendar, with CRLF line ends.
func wrapVEvents(lines ...string) string {
	all := append([]string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"}, lines...)
	all = append(all, "END:VCALENDAR")
	return strings.Join(all, "\r\n") + "\r\n"
}

func decodeString(t *testing.T, s string, opts *ical.DecodeOptions) *ical.Result {
	t.Helper()
	res, err := ical.Decode(strings.NewReader(s), opts)
	require.NoError(t, err)
	for _, o := range res.Occurrences {
		require.NoError(t, o.Event().Validate(), "Event of %s %s", o.UID, o.RecurrenceID)
	}
	return res
}

// TestDecode_Fields checks how values are unescaped and what each
// property becomes.
func TestDecode_Fields(t *testing.T) {
	res := decodeString(t, wrapVEvents(
		"BEGIN:VEVENT",
		"UID:fields@example.org",
		"DTSTART:20250210T150000Z",
		"DTEND:20250210T160000Z",
		"SUMMARY:Café\\, déjà vu\\; and\\nmore",
		`DESCRIPTION:Line one\nLine two\\with backslash\, comma\; semicolon\NLine three`,
		`LOCATION:32-D507\, Stata Center`,
		"URL:https://example.org/talks/1",
		"STATUS:cancelled",
		"CLASS:private",
		"SEQUENCE:7",
		"CREATED:20250101T120000Z",
		"LAST-MODIFIED:20250105T080000Z",
		`CATEGORIES:Machine Learning,Vision\, Graphics`,
		"CATEGORIES:Robotics",
		`ORGANIZER;CN="Zhou, Bolei":mailto:bzhou@csail.mit.edu`,
		"BEGIN:PARTICIPANT",
		"PARTICIPANT-TYPE:SPEAKER",
		"UID:p1",
		"SUMMARY:Pratik Chaudhari",
		"CALENDAR-ADDRESS:mailto:pratik@cs.ucla.edu",
		"URL:https://pratikac.github.io",
		"END:PARTICIPANT",
		"BEGIN:PARTICIPANT",
		"PARTICIPANT-TYPE:SPONSOR",
		"UID:p2",
		"SUMMARY:Acme",
		"END:PARTICIPANT",
		"END:VEVENT",
	), nil)
	require.Len(t, res.Occurrences, 1)
	o := res.Occurrences[0]
	assert.Equal(t, "Café, déjà vu; and more", o.Title, "a title is one line")
	assert.Equal(t, "Line one\nLine two\\with backslash, comma; semicolon\nLine three", o.Description)
	assert.Equal(t, "32-D507, Stata Center", o.Location)
	assert.Equal(t, "https://example.org/talks/1", o.URL)
	assert.Equal(t, "CANCELLED", o.Status)
	assert.Equal(t, "PRIVATE", o.Class)
	assert.Equal(t, 7, o.Sequence)
	assert.Equal(t, time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC), o.Created)
	assert.Equal(t, time.Date(2025, 1, 5, 8, 0, 0, 0, time.UTC), o.LastModified)
	assert.Equal(t, []string{"Machine Learning", "Vision, Graphics", "Robotics"}, o.Categories)
	assert.Equal(t, seminar.Person{Name: "Zhou, Bolei", Email: "bzhou@csail.mit.edu"}, o.Organizer)
	assert.Equal(t, []seminar.Person{{Name: "Pratik Chaudhari", Email: "pratik@cs.ucla.edu", URL: "https://pratikac.github.io"}}, o.Speakers)
	assert.Equal(t, 4, o.Line, "the line of BEGIN:VEVENT")
	assert.Empty(t, res.Skipped)
}

// TestDecode_Limits checks that values seminar cannot hold are cut or
// left out, each reported, and the event kept.
func TestDecode_Limits(t *testing.T) {
	long := strings.Repeat("é", seminar.MaxLineLen) // 2 bytes each
	res := decodeString(t, wrapVEvents(
		"BEGIN:VEVENT",
		"UID:limits@example.org",
		"DTSTART:20250210T150000Z",
		"DTEND:20250210T160000Z",
		"SUMMARY:"+long,
		"URL:javascript:alert(1)",
		"ORGANIZER;CN=Someone:mailto:not an address",
		"DESCRIPTION:"+strings.Repeat("x", seminar.MaxTextLen+10),
		"SEQUENCE:many",
		"END:VEVENT",
	), nil)
	require.Len(t, res.Occurrences, 1)
	o := res.Occurrences[0]
	assert.Equal(t, strings.Repeat("é", seminar.MaxLineLen/2), o.Title, "cut at the limit, on a character boundary")
	assert.Empty(t, o.URL)
	assert.Equal(t, seminar.Person{Name: "Someone"}, o.Organizer)
	assert.Len(t, o.Description, seminar.MaxTextLen)
	assert.Equal(t, 0, o.Sequence)
	require.Len(t, res.Skipped, 5)
	for i, want := range []string{"SUMMARY holds 1000 bytes", `URL "javascript:alert(1)" is not an http or https URL`,
		`ORGANIZER "not an address" is not an email address`, "DESCRIPTION holds 20010 bytes", `SEQUENCE "many" is not a number`} {
		assert.Contains(t, res.Skipped[i].Reason, want)
		assert.Equal(t, "limits@example.org", res.Skipped[i].UID)
	}
}

// TestDecode_Durations covers how long an event lasts when DTEND is
// missing, given as DURATION, or wrong.
func TestDecode_Durations(t *testing.T) {
	tests := []struct {
		name       string
		props      []string
		start, end string
		allDay     bool
	}{
		{"DURATION", []string{"DTSTART:20250210T150000Z", "DURATION:PT1H30M"}, "2025-02-10T15:00:00Z", "2025-02-10T16:30:00Z", false},
		{"nominal days across DST", []string{"DTSTART;TZID=America/New_York:20250308T120000", "DURATION:P1D"},
			"2025-03-08T12:00:00-05:00", "2025-03-09T12:00:00-04:00", false},
		{"weeks", []string{"DTSTART:20250210T150000Z", "DURATION:P1W"}, "2025-02-10T15:00:00Z", "2025-02-17T15:00:00Z", false},
		{"neither DTEND nor DURATION", []string{"DTSTART:20250210T150000Z"}, "2025-02-10T15:00:00Z", "2025-02-10T15:00:00Z", false},
		{"date with DURATION", []string{"DTSTART;VALUE=DATE:20250210", "DURATION:P2D"}, "2025-02-10T00:00:00Z", "2025-02-12T00:00:00Z", true},
		{"date without DTEND", []string{"DTSTART;VALUE=DATE:20250210"}, "2025-02-10T00:00:00Z", "2025-02-11T00:00:00Z", true},
		{"DTEND before DTSTART", []string{"DTSTART:20250210T150000Z", "DTEND:20250210T140000Z"}, "2025-02-10T15:00:00Z", "2025-02-10T15:00:00Z", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := append([]string{"BEGIN:VEVENT", "UID:d@example.org", "SUMMARY:x"}, tt.props...)
			res := decodeString(t, wrapVEvents(append(lines, "END:VEVENT")...), nil)
			require.Len(t, res.Occurrences, 1)
			o := res.Occurrences[0]
			assert.Equal(t, tt.start, o.Start.Format(time.RFC3339))
			assert.Equal(t, tt.end, o.End.Format(time.RFC3339))
			assert.Equal(t, tt.allDay, o.AllDay)
		})
	}
}

// TestDecode_Floating checks floating times without X-WR-TIMEZONE, and TZIDs
// that name nothing.
func TestDecode_Floating(t *testing.T) {
	res := decodeString(t, wrapVEvents(
		"BEGIN:VEVENT", "UID:f@example.org", "SUMMARY:f", "DTSTART:20250210T150000", "DTEND:20250210T160000", "END:VEVENT",
		"BEGIN:VEVENT", "UID:g@example.org", "SUMMARY:g", "DTSTART;TZID=Mars/Olympus_Mons:20250211T150000", "END:VEVENT",
	), nil)
	require.Len(t, res.Occurrences, 2)
	for _, o := range res.Occurrences {
		assert.True(t, o.Floating, o.UID)
		assert.Empty(t, o.TimeZone, o.UID)
		assert.Equal(t, 15, o.Start.Hour(), "a floating time keeps its wall clock reading")
		assert.Equal(t, time.UTC, o.Start.Location())
	}
	require.Len(t, res.Skipped, 1)
	assert.Contains(t, res.Skipped[0].Reason, `TZID "Mars/Olympus_Mons" has no VTIMEZONE in the file and is not a known zone name`)
}

// TestDecode_Window checks From, To and MaxOccurrences.
func TestDecode_Window(t *testing.T) {
	daily := wrapVEvents("BEGIN:VEVENT", "UID:daily@example.org", "SUMMARY:Daily",
		"DTSTART;TZID=Europe/Paris:20200101T090000", "DTEND;TZID=Europe/Paris:20200101T100000",
		"RRULE:FREQ=DAILY", "END:VEVENT",
		"BEGIN:VEVENT", "UID:once@example.org", "SUMMARY:Once", "DTSTART:20100101T090000Z", "END:VEVENT")
	t.Run("default: two years from the first start", func(t *testing.T) {
		res := decodeString(t, daily, nil)
		require.Len(t, res.Occurrences, 1+731, "the event that does not recur, and 2020-01-01 to 2021-12-31")
		assert.Equal(t, "once@example.org", res.Occurrences[0].UID, "an event that does not recur is kept whatever the window")
		last := res.Occurrences[len(res.Occurrences)-1]
		assert.Equal(t, "2021-12-31T09:00:00+01:00", last.Start.Format(time.RFC3339))
	})
	t.Run("From and To", func(t *testing.T) {
		from := time.Date(2030, 3, 30, 0, 0, 0, 0, time.UTC)
		res := decodeString(t, daily, &ical.DecodeOptions{From: from, To: from.AddDate(0, 0, 3)})
		var got []string
		for _, o := range res.Occurrences[1:] {
			got = append(got, o.Start.Format(time.RFC3339))
		}
		assert.Equal(t, []string{"2030-03-30T09:00:00+01:00", "2030-03-31T09:00:00+02:00", "2030-04-01T09:00:00+02:00"}, got,
			"a series begun ten years before the window is expanded within it, in its own zone (summer time from March 31)")
	})
	t.Run("MaxOccurrences", func(t *testing.T) {
		res := decodeString(t, daily, &ical.DecodeOptions{MaxOccurrences: 10})
		assert.Len(t, res.Occurrences, 1+10)
		require.Len(t, res.Skipped, 1)
		assert.Equal(t, "daily@example.org", res.Skipped[0].UID)
		assert.Contains(t, res.Skipped[0].Reason, "more than 10 occurrences")
	})
}

// TestDecode_Duplicates checks that of two versions of one event the newer
// is kept, by SEQUENCE and then LAST-MODIFIED.
func TestDecode_Duplicates(t *testing.T) {
	res := decodeString(t, wrapVEvents(
		"BEGIN:VEVENT", "UID:dup@example.org", "SEQUENCE:2", "SUMMARY:Newer", "DTSTART:20250210T150000Z", "END:VEVENT",
		"BEGIN:VEVENT", "UID:dup@example.org", "SEQUENCE:1", "SUMMARY:Older", "DTSTART:20250210T150000Z", "END:VEVENT",
		"BEGIN:VEVENT", "UID:mod@example.org", "LAST-MODIFIED:20250102T000000Z", "SUMMARY:Newer", "DTSTART:20250210T150000Z", "END:VEVENT",
		"BEGIN:VEVENT", "UID:mod@example.org", "LAST-MODIFIED:20250101T000000Z", "SUMMARY:Older", "DTSTART:20250210T150000Z", "END:VEVENT",
	), nil)
	require.Len(t, res.Occurrences, 2)
	for _, o := range res.Occurrences {
		assert.Equal(t, "Newer", o.Title, o.UID)
	}
	assert.Len(t, res.Skipped, 2)
}

// TestDecode_Structure checks recovery from missing and stray END lines.
func TestDecode_Structure(t *testing.T) {
	res := decodeString(t, wrapVEvents(
		"BEGIN:VEVENT", "UID:a@example.org", "SUMMARY:Lost its END", "DTSTART:20250210T150000Z",
		"BEGIN:VEVENT", "UID:b@example.org", "SUMMARY:Fine", "DTSTART:20250211T150000Z",
		"BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT5M",
		"END:VEVENT",
		"END:VTODO",
		"BEGIN:VEVENT", "UID:c@example.org", "SUMMARY:Cut short", "DTSTART:20250212T150000Z",
	), nil)
	require.Len(t, res.Occurrences, 1)
	assert.Equal(t, "b@example.org", res.Occurrences[0].UID, "an unclosed VALARM costs only itself")
	var uids, comps []string
	for _, s := range res.Skipped {
		uids = append(uids, s.UID)
		comps = append(comps, s.Component)
	}
	assert.Equal(t, []string{"a@example.org", "b@example.org", "", "c@example.org"}, uids)
	assert.Equal(t, []string{"VEVENT", "VALARM", "VTODO", "VEVENT"}, comps)
}

// TestDecode_LineEndings checks LF-only files, CR in values, a BOM, and
// folds with tabs.
func TestDecode_LineEndings(t *testing.T) {
	ics := "\ufeffBEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:le@example.org\nSUMMARY:Fol\n\tded\nDESCRIPTION:a\rb\nDTSTART:20250210T150000Z\nEND:VEVENT\nEND:VCALENDAR"
	res := decodeString(t, ics, nil)
	require.Len(t, res.Occurrences, 1)
	assert.Equal(t, "Folded", res.Occurrences[0].Title)
	assert.Equal(t, "a\nb", res.Occurrences[0].Description)
}

// TestDecode_CancelMethod checks that every event of a METHOD:CANCEL
// calendar is cancelled.
func TestDecode_CancelMethod(t *testing.T) {
	res := decodeString(t, "BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nBEGIN:VEVENT\r\nUID:x@example.org\r\nSUMMARY:x\r\nDTSTART:20250210T150000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", nil)
	require.Len(t, res.Occurrences, 1)
	assert.Equal(t, "CANCELLED", res.Occurrences[0].Status)
	assert.Equal(t, seminar.StatusCancelled, res.Occurrences[0].Event().Status)
}

// TestDecode_UIDs checks UIDs that are missing or too long for seminar.
func TestDecode_UIDs(t *testing.T) {
	longUID := strings.Repeat("u", 1000) + "@example.org"
	res := decodeString(t, wrapVEvents(
		"BEGIN:VEVENT", "UID:"+longUID, "SUMMARY:Long", "DTSTART:20250210T150000Z", "RRULE:FREQ=DAILY;COUNT=2", "END:VEVENT",
		"BEGIN:VEVENT", "SUMMARY:No UID", "DTSTART:20250211T150000Z", "END:VEVENT",
	), nil)
	require.Len(t, res.Occurrences, 3)
	var long, derived []ical.Occurrence
	for _, o := range res.Occurrences {
		if strings.HasPrefix(o.UID, "uuu") {
			long = append(long, o)
		} else {
			derived = append(derived, o)
		}
	}
	require.Len(t, long, 2)
	require.Len(t, derived, 1)
	short := long[0].UID
	assert.LessOrEqual(t, len(short), 400)
	assert.Equal(t, short, long[1].UID, "the same long UID is shortened the same way")
	e := long[1].Event()
	assert.Equal(t, short+"/20250211T150000Z", e.UID)
	require.Len(t, res.Skipped, 1)
	assert.Equal(t, short, res.Skipped[0].UID)

	uid := derived[0].UID
	assert.Regexp(t, `^import-[0-9a-f]{32}@ical\.invalid$`, uid)
	again := decodeString(t, wrapVEvents("BEGIN:VEVENT", "SUMMARY:No UID", "DTSTART:20250211T150000Z", "END:VEVENT"), nil)
	assert.Equal(t, uid, again.Occurrences[0].UID, "importing the same file again finds the same event")
}
