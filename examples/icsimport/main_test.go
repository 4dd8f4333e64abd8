package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fixture(name string) string {
	return filepath.Join("..", "..", "ical", "testdata", "import", name)
}

// runCommand runs the command and returns its exit status, its JSON lines
// and its standard error.
func runCommand(t *testing.T, args ...string) (int, []map[string]any, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	status := run(args, &stdout, &stderr)
	var lines []map[string]any
	for line := range strings.Lines(stdout.String()) {
		var obj map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &obj), "each line is one JSON object: %q", line)
		lines = append(lines, obj)
	}
	return status, lines, stderr.String()
}

func TestRun_Fixtures(t *testing.T) {
	status, lines, stderr := runCommand(t, fixture("google.ics"), fixture("zimbra.ics"))
	require.Equal(t, 0, status, stderr)
	require.Len(t, lines, 8+14)
	for _, l := range lines {
		var keys []string
		for k := range l {
			keys = append(keys, k)
		}
		assert.ElementsMatch(t, []string{"uid", "title", "start", "end", "timeZone", "allDay", "status", "recurrenceId"}, keys)
	}
	assert.Equal(t, map[string]any{
		"uid": "7kq3t4hh2h5b8u9c1m0j6p2r4s@google.com", "title": "Vision reading group",
		"start": "2025-03-04T16:00:00-05:00", "end": "2025-03-04T17:00:00-05:00", "timeZone": "America/New_York",
		"allDay": false, "status": "CONFIRMED", "recurrenceId": "20250304T210000Z",
	}, lines[2], "a timed instance: the event's own offset")
	assert.Equal(t, map[string]any{
		"uid": "4m1b6lq1kq0ao0ijq7r8d2g9v4@google.com", "title": "A picture of the energy landscape of deep neural networks",
		"start": "2017-06-12T20:00:00Z", "end": "2017-06-12T21:00:00Z", "timeZone": "",
		"allDay": false, "status": "CONFIRMED", "recurrenceId": "",
	}, lines[1], "a UTC event")
	assert.Equal(t, map[string]any{
		"uid": "0a8f3k2l9d7h6g5f4e3d2c1b0a@google.com", "title": "Independence Day (no seminar)",
		"start": "2025-07-04", "end": "2025-07-05", "timeZone": "", "allDay": true, "status": "CONFIRMED", "recurrenceId": "",
	}, lines[6], "an all-day event: dates, the end exclusive")
	assert.Contains(t, stderr, "zimbra.ics:112: VTODO d3e4f5a6-b7c8-4d9e-8f1a-2b3c4d5e6f70: VTODO is not an event")
}

func TestRun_Floating(t *testing.T) {
	file := filepath.Join(t.TempDir(), "floating.ics")
	require.NoError(t, os.WriteFile(file, []byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:f@example.org\r\nSUMMARY:Floating\r\n"+
		"DTSTART:20250210T150000\r\nDTEND:20250210T160000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"), 0o600))
	status, lines, _ := runCommand(t, file)
	require.Equal(t, 0, status)
	require.Len(t, lines, 1)
	assert.Equal(t, "2025-02-10T15:00:00", lines[0]["start"], "a floating time has no offset")
	assert.Equal(t, "2025-02-10T16:00:00", lines[0]["end"])
	assert.Equal(t, "", lines[0]["timeZone"])
}

func TestRun_Window(t *testing.T) {
	status, lines, _ := runCommand(t, "-from", "2025-11-01", "-to", "2025-11-30", fixture("zimbra.ics"))
	require.Equal(t, 0, status)
	var starts []string
	for _, l := range lines {
		if l["recurrenceId"] != "" {
			starts = append(starts, l["start"].(string))
		}
	}
	assert.Equal(t, []string{"2025-11-03T17:00:00Z", "2025-11-07T16:00:00-06:00", "2025-11-26T12:30:00-06:00"}, starts,
		"the instances in November, the 30th included; orphaned instances are kept whatever the window")
}

func TestRun_Failures(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.ics")
	require.NoError(t, os.WriteFile(big, bytes.Repeat([]byte("X"), 10<<20+1), 0o600))
	tests := []struct {
		name   string
		args   []string
		status int
		stderr string
	}{
		{"missing file", []string{"no-such-file.ics", fixture("broken.ics")}, 1, "icsimport: no-such-file.ics: open no-such-file.ics"},
		{"too large", []string{big}, 1, "ical: input too large"},
		{"no file", nil, 2, "usage: icsimport"},
		{"bad date", []string{"-from", "June", fixture("broken.ics")}, 2, `-from "June" is not a date`},
		{"broken content is not a failure", []string{fixture("broken.ics")}, 0, "broken.ics:16: VEVENT broken-1@example.edu: DTSTART"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, stderr := runCommand(t, tt.args...)
			assert.Equal(t, tt.status, status)
			assert.Contains(t, stderr, tt.stderr)
		})
	}
	_, lines, _ := runCommand(t, "no-such-file.ics", fixture("broken.ics"))
	assert.Len(t, lines, 2, "a missing file does not stop the others")
}

func TestRun_ImportTwice(t *testing.T) {
	db := filepath.Join(t.TempDir(), "seminar.db")
	status, lines, stderr := runCommand(t, "-db", db, fixture("google-weekly.ics"))
	require.Equal(t, 0, status, stderr)
	assert.Equal(t, []map[string]any{{
		"file": fixture("google-weekly.ics"), "created": 14.0, "updated": 0.0, "unchanged": 0.0,
		"seriesCreated": []any{"vision-seminar"},
	}}, lines, "the weekly seminar is a series of 13 talks; the lunch is on its own")

	status, lines, stderr = runCommand(t, "-db", db, fixture("google-weekly.ics"))
	require.Equal(t, 0, status, stderr)
	assert.Equal(t, []map[string]any{{
		"file": fixture("google-weekly.ics"), "created": 0.0, "updated": 0.0, "unchanged": 14.0, "seriesCreated": []any{},
	}}, lines, "importing the file again adds nothing")

	status, lines, stderr = runCommand(t, "-db", filepath.Join(t.TempDir(), "byname.db"), "-series-from-calendar-name", fixture("google-weekly.ics"))
	require.Equal(t, 0, status, stderr)
	require.Len(t, lines, 1)
	assert.Equal(t, []any{"csail-vision-seminar"}, lines[0]["seriesCreated"], "the calendar's name is the series")

	status, _, stderr = runCommand(t, "-db", filepath.Join(t.TempDir(), "no", "such", "dir", "x.db"), fixture("google.ics"))
	assert.Equal(t, 1, status)
	assert.Contains(t, stderr, "icsimport:")
}
