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

func TestZoneNote(t *testing.T) {
	assert.Equal(t, "all times are in the Eastern Time Zone", seminar.ZoneNote("America/New_York"))
	assert.Equal(t, "all times are in the Pacific Time Zone", seminar.ZoneNote("America/Los_Angeles"))
	assert.Equal(t, "all times are in UTC", seminar.ZoneNote("UTC"))
	assert.Equal(t, "all times are in the Pacific/Chatham time zone", seminar.ZoneNote("Pacific/Chatham"))
}
