package sqlstore_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/internal/sqlstore"
)

// scanValues copies the values a store writes into the destinations of a
// scan, as a database hands back what it stored: text as text or bytes,
// NULL as nil.
func scanValues(t *testing.T, dest, values []any) {
	t.Helper()
	require.Len(t, values, len(dest))
	for i, v := range values {
		switch d := dest[i].(type) {
		case *string:
			*d = v.(string)
		case *[]byte:
			*d = nil
			if v != nil {
				*d = []byte(v.(string))
			}
		case *int64:
			*d = v.(int64)
		default:
			t.Fatalf("column %d: scan into %T", i, d)
		}
	}
}

// roundTrip writes s as a store does and reads it back.
func roundTrip(t *testing.T, s *seminar.Series) *seminar.Series {
	t.Helper()
	values, err := sqlstore.SeriesValues(nil, s)
	require.NoError(t, err)
	require.Len(t, values, len(sqlstore.SeriesColumns), "SeriesValues must give a value for each of SeriesColumns")
	var row sqlstore.SeriesRow
	scanValues(t, row.Dest(), values)
	got, err := row.Series(s.CreatedAt, s.UpdatedAt)
	require.NoError(t, err)
	return got
}

func TestSeriesValues_RoundTrip(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	created := time.Date(2017, time.August, 1, 9, 0, 0, 0, time.UTC)
	full := &seminar.Series{
		ID: "vision-seminar", Name: "Vision Seminar", Description: "Talks on \"vision\".\nMondays.",
		Contact: seminar.Person{Name: "Zoë", Affiliation: "MIT", Email: "zoe@example.org", URL: "https://example.org", PhotoURL: "https://example.org/z.jpg", Bio: "Bio"},
		Defaults: seminar.SeriesDefaults{
			Type: "Seminar", Host: seminar.Person{Name: "Host", Affiliation: "CSAIL"},
			Location: seminar.Location{Room: "32-D507", Building: "Stata", Address: "32 Vassar St", URL: "https://example.org/stream"},
			TimeZone: "America/New_York", Duration: 90 * time.Minute, Public: true,
			Reminders: seminar.Reminders{Lists: []string{"vision@example.org"}, Subject: "TALK: {{.Title}}", Schedule: []time.Duration{7 * 24 * time.Hour, time.Hour + 1}},
		},
		Plan: &seminar.Plan{
			Start:  time.Date(2017, time.September, 11, 16, 0, 0, 0, ny),
			Rule:   "FREQ=WEEKLY;BYDAY=MO;UNTIL=20171212T000000Z",
			Except: []string{"2017-10-09"},
		},
		Version: 3, CreatedAt: created, UpdatedAt: created.Add(time.Hour),
	}
	for name, s := range map[string]*seminar.Series{
		"full": full,
		"bare": {ID: "bare", Name: "Bare", Version: 1},
		"empty lists": {ID: "empty", Name: "Empty", Version: 1,
			Defaults: seminar.SeriesDefaults{Reminders: seminar.Reminders{Lists: []string{}, Schedule: []time.Duration{}}},
			Plan:     &seminar.Plan{Except: []string{}}},
	} {
		t.Run(name, func(t *testing.T) {
			got := roundTrip(t, s)
			want := *s
			if s.Plan != nil {
				p := *s.Plan
				want.Plan = &p
				assert.True(t, want.Plan.Start.Equal(got.Plan.Start), "a plan's start must come back as the same instant")
				want.Plan.Start, got.Plan.Start = time.Time{}, time.Time{}
			}
			assert.Equal(t, &want, got, "every field of a series must come back as written; nil lists nil, empty ones empty")
		})
	}
}

func TestSeriesRow_EmptyObjects(t *testing.T) {
	var row sqlstore.SeriesRow
	scanValues(t, row.Dest(), []any{"theory", "Theory", "", "{}", "{}", nil, int64(1)})
	got, err := row.Series(time.Time{}, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, &seminar.Series{ID: "theory", Name: "Theory", Version: 1}, got,
		"'{}' must read as a zero Contact and zero Defaults, and NULL as no Plan: what the migration writes")
}

func TestSeriesValues_RefusesAPlanJSONCannotWrite(t *testing.T) {
	_, err := sqlstore.SeriesValues(nil, &seminar.Series{ID: "x", Plan: &seminar.Plan{Start: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}})
	assert.ErrorIs(t, err, seminar.ErrInvalid)
}
