package ical_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
)

// FuzzDecode feeds Decode arbitrary input, starting from the fixtures, and
// checks that it never panics or hangs (recurrence work is bounded) and
// that what it returns is consistent: every occurrence is a valid seminar
// event once made one, ends no earlier than it starts, and is all-day,
// floating or zoned as its fields say; a series keeps at most
// MaxOccurrences; what CalendarImport makes of it is valid; and decoding
// is deterministic, whatever the size of the blocks the input is read in.
func FuzzDecode(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "import", "*.ics"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures: %v", err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20250101T000000Z\r\nRRULE:FREQ=SECONDLY;BYSETPOS=1\r\nEND:VEVENT\r\n"))
	f.Add([]byte("BEGIN:VEVENT\nDTSTART;TZID=\"(UTC+05:30) X\":20250101T000000\nRECURRENCE-ID;RANGE=THISANDFUTURE:20250101T000000\nEND:VEVENT"))
	const maxOccurrences = 20
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := &ical.DecodeOptions{MaxOccurrences: maxOccurrences}
		res, err := ical.Decode(bytes.NewReader(data), opts)
		if err != nil {
			t.Fatalf("Decode failed on an input within MaxBytes: %v", err)
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		perSeries := map[string]int{}
		for _, o := range res.Occurrences {
			if o.End.Before(o.Start) {
				t.Fatalf("%s %s ends before it starts: %s < %s", o.UID, o.RecurrenceID, o.End, o.Start)
			}
			if o.AllDay && (o.Start.Hour() != 0 || o.Start.Minute() != 0 || o.Start.Location().String() != "UTC") {
				t.Fatalf("all-day %s starts at %s, not midnight UTC", o.UID, o.Start)
			}
			if (o.AllDay || o.Floating) && o.TimeZone != "" {
				t.Fatalf("%s is all-day or floating but has zone %q", o.UID, o.TimeZone)
			}
			if err := o.Event().Validate(); err != nil {
				t.Fatalf("Event of %s %s is invalid: %v", o.UID, o.RecurrenceID, err)
			}
			if o.Line < 1 || o.Line > lines {
				t.Fatalf("%s has line %d of %d", o.UID, o.Line, lines)
			}
			if o.RecurrenceID != "" {
				perSeries[o.UID]++
			}
		}
		for uid, n := range perSeries {
			// Orphan overrides are not limited, but each is its own
			// VEVENT: an input this size cannot hold many.
			if n > maxOccurrences+bytes.Count(data, []byte("RECURRENCE-ID")) {
				t.Fatalf("series %s has %d occurrences, more than MaxOccurrences %d", uid, n, maxOccurrences)
			}
		}
		checkImport(t, res, len(data)%2 == 0)
		for _, s := range res.Skipped {
			if s.Line < 0 || s.Line > lines || s.Reason == "" {
				t.Fatalf("skipped entry %+v: line outside the input, or no reason", s)
			}
		}
		// Read again in small blocks, lines fold and end across them.
		block := 1 + len(data)%61
		again, err := ical.DecodeInBlocksForTest(bytes.NewReader(data), opts, block)
		if err != nil || !reflect.DeepEqual(res, again) {
			t.Fatalf("decoding the same input again, in blocks of %d bytes, gave different results", block)
		}
	})
}

// checkImport checks what CalendarImport makes of res: valid events, each
// of a series it names, whose IDs are slugs, and slots only in series.
func checkImport(t *testing.T, res *ical.Result, byName bool) {
	for _, c := range res.Calendars {
		if len(c.Name) > seminar.MaxLineLen || strings.ContainsAny(c.Name, "\r\n") {
			t.Fatalf("calendar name %q is not one line within seminar's limit", c.Name)
		}
	}
	in := res.CalendarImport(&ical.ImportOptions{SeriesFromCalendarName: byName})
	if len(in.Events) != len(res.Occurrences) {
		t.Fatalf("%d events of %d occurrences", len(in.Events), len(res.Occurrences))
	}
	ids := map[string]bool{}
	for _, s := range in.Series {
		if s.Name == "" || s.ID == "" || seminar.Slug(s.ID) != s.ID || len(s.ID) > seminar.MaxSeriesIDLen || ids[s.ID] {
			t.Fatalf("series %q of ID %q: no name, an ID that is no slug, too long, or twice", s.Name, s.ID)
		}
		ids[s.ID] = true
	}
	for _, e := range in.Events {
		if err := e.Validate(); err != nil {
			t.Fatalf("imported event %s is invalid: %v", e.UID, err)
		}
		if e.Series != "" && !ids[e.Series] {
			t.Fatalf("event %s names series %q, which the import does not give", e.UID, e.Series)
		}
		if !e.Slot.IsZero() && e.Series == "" {
			t.Fatalf("event %s has a slot and no series", e.UID)
		}
	}
}
