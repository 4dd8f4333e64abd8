package seminar_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

func TestWallTime(t *testing.T) {
	tests := []struct {
		name     string
		y        int
		m        time.Month
		d, h, mi int
		tz       string
		want     string // RFC 3339, or "" for an error
		err      error
		msg      string // part of the error message
	}{
		{name: "ordinary", y: 2017, m: 6, d: 12, h: 16, tz: "America/New_York", want: "2017-06-12T16:00:00-04:00"},
		{name: "winter", y: 2017, m: 1, d: 12, h: 16, tz: "America/New_York", want: "2017-01-12T16:00:00-05:00"},
		{name: "spring-forward gap New York", y: 2026, m: 3, d: 8, h: 2, mi: 30, tz: "America/New_York", err: seminar.ErrNonexistentTime, msg: "clocks skip from 02:00 to 03:00"},
		{name: "fall-back fold New York", y: 2026, m: 11, d: 1, h: 1, mi: 30, tz: "America/New_York", err: seminar.ErrAmbiguousTime, msg: "-04:00 and -05:00"},
		{name: "spring-forward gap Berlin", y: 2026, m: 3, d: 29, h: 2, mi: 15, tz: "Europe/Berlin", err: seminar.ErrNonexistentTime, msg: "02:00 to 03:00"},
		{name: "fall-back fold Berlin", y: 2026, m: 10, d: 25, h: 2, mi: 15, tz: "Europe/Berlin", err: seminar.ErrAmbiguousTime, msg: "+02:00 and +01:00"},
		{name: "just after the gap", y: 2026, m: 3, d: 8, h: 3, tz: "America/New_York", want: "2026-03-08T03:00:00-04:00"},
		{name: "just after the fold", y: 2026, m: 11, d: 1, h: 2, tz: "America/New_York", want: "2026-11-01T02:00:00-05:00"},
		{name: "Lord Howe half-hour shift", y: 2026, m: 4, d: 5, h: 1, mi: 45, tz: "Australia/Lord_Howe", err: seminar.ErrAmbiguousTime},
		{name: "Samoa skipped a whole day", y: 2011, m: 12, d: 30, h: 12, tz: "Pacific/Apia", err: seminar.ErrNonexistentTime},
		{name: "Chatham", y: 2026, m: 1, d: 5, h: 9, tz: "Pacific/Chatham", want: "2026-01-05T09:00:00+13:45"},
		{name: "unknown zone", y: 2026, m: 1, d: 5, h: 9, tz: "Mars/Base", err: seminar.ErrInvalid, msg: "unknown time zone"},
		{name: "February 30", y: 2026, m: 2, d: 30, h: 9, tz: "UTC", err: seminar.ErrInvalid},
		{name: "hour 24", y: 2026, m: 2, d: 3, h: 24, tz: "UTC", err: seminar.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := seminar.WallTime(tt.y, tt.m, tt.d, tt.h, tt.mi, tt.tz)
			if tt.err != nil {
				require.Error(t, err)
				assert.ErrorIs(t, err, tt.err)
				assert.ErrorIs(t, err, seminar.ErrInvalid)
				assert.Contains(t, err.Error(), tt.msg)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.Format(time.RFC3339))
		})
	}
}

func TestZoneNameAt(t *testing.T) {
	january := time.Date(2025, time.January, 15, 17, 0, 0, 0, time.UTC)
	july := time.Date(2025, time.July, 15, 17, 0, 0, 0, time.UTC)
	tests := []struct {
		tz            string
		january, july string
	}{
		{"Europe/London", "Greenwich Mean Time", "British Summer Time"},
		{"Europe/Dublin", "Greenwich Mean Time", "Irish Standard Time"},
		{"Europe/Lisbon", "Western European Time", "Western European Summer Time"},
		{"Europe/Berlin", "Central European Time", "Central European Summer Time"},
		{"Europe/Helsinki", "Eastern European Time", "Eastern European Summer Time"},
		{"Australia/Sydney", "Australian Eastern Daylight Time", "Australian Eastern Standard Time"},
		{"Australia/Brisbane", "Australian Eastern Standard Time", "Australian Eastern Standard Time"},
		{"Australia/Adelaide", "Australian Central Daylight Time", "Australian Central Standard Time"},
		{"Pacific/Auckland", "New Zealand Daylight Time", "New Zealand Standard Time"},
		{"Asia/Jerusalem", "Israel Standard Time", "Israel Daylight Time"},
		{"Asia/Kolkata", "India Standard Time", "India Standard Time"},
		{"Asia/Tokyo", "Japan Standard Time", "Japan Standard Time"},
		{"America/New_York", "Eastern Time", "Eastern Time"},
		{"America/Los_Angeles", "Pacific Time", "Pacific Time"},
		{"America/Phoenix", "Mountain Time", "Mountain Time"},
		{"UTC", "UTC", "UTC"},
		{"Etc/UTC", "UTC", "UTC"},
		{"Etc/GMT+5", "UTC-05:00", "UTC-05:00"},
		{"Etc/GMT-14", "UTC+14:00", "UTC+14:00"},
		{"America/Lima", "America/Lima time", "America/Lima time"},
		{"No/Such_Zone", "No/Such_Zone time", "No/Such_Zone time"},
	}
	for _, tt := range tests {
		t.Run(tt.tz, func(t *testing.T) {
			assert.Equal(t, tt.january, seminar.ZoneNameAt(tt.tz, january), "in January")
			assert.Equal(t, tt.july, seminar.ZoneNameAt(tt.tz, july), "in July")
		})
	}
}

func TestZoneNameAt_atTheChange(t *testing.T) {
	// The UK changed to summer time at 01:00 UTC on March 30, 2025.
	before := time.Date(2025, time.March, 30, 0, 59, 0, 0, time.UTC)
	assert.Equal(t, "Greenwich Mean Time", seminar.ZoneNameAt("Europe/London", before))
	assert.Equal(t, "British Summer Time", seminar.ZoneNameAt("Europe/London", before.Add(time.Minute)))
}

func TestZoneNoteAt(t *testing.T) {
	july := time.Date(2017, time.July, 12, 20, 0, 0, 0, time.UTC)
	january := time.Date(2017, time.January, 12, 20, 0, 0, 0, time.UTC)
	assert.Equal(t, "all times are in the Eastern Time Zone", seminar.ZoneNoteAt("America/New_York", july),
		"US zones keep the seed's generic wording all year")
	assert.Equal(t, "all times are in the Eastern Time Zone", seminar.ZoneNoteAt("America/New_York", january))
	assert.Equal(t, "all times are in the Pacific Time Zone", seminar.ZoneNoteAt("America/Los_Angeles", july))
	assert.Equal(t, "all times are in British Summer Time", seminar.ZoneNoteAt("Europe/London", july))
	assert.Equal(t, "all times are in Greenwich Mean Time", seminar.ZoneNoteAt("Europe/London", january))
	assert.Equal(t, "all times are in Central European Summer Time", seminar.ZoneNoteAt("Europe/Berlin", july))
	assert.Equal(t, "all times are in UTC", seminar.ZoneNoteAt("UTC", july))
	assert.Equal(t, "all times are in Pacific/Chatham time", seminar.ZoneNoteAt("Pacific/Chatham", july))
}
