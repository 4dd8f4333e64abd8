package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seminarkit/seminar"
)

// importEvents is the number of events each import of BenchmarkImport
// brings in.
const importEvents = 10_000

// importedEvents returns n events as an import gives them to
// Calendar.Import (package ical's decoding of an .ics file, say): every
// field set but the ID, the Version and the reminders, which no calendar
// file carries, each with a UID of its own and at the given Sequence.
func importedEvents(n, sequence int) []*seminar.Event {
	events := sampleEvents(0, n, benchSpacing)
	for _, e := range events {
		e.ID, e.Version, e.Reminders, e.Sequence = "", 0, seminar.Reminders{}, sequence
	}
	return events
}

// BenchmarkImport measures Calendar.Import of 10,000 new events into an
// empty SQLite database (made, with the events' series, off the clock)
// against its anchor, via=raw-insert: one transaction running one prepared
// INSERT into the events table once per event, with the column values the
// store writes (those of the events the import stored), encoded as it
// goes. Both report ns/event; their ratio is what the Calendar and the
// Store add to the bare insert: matching the UIDs, validation, copies,
// marks and the outbox's transaction. via=paired runs the two in turn in
// each iteration, each into a new database, and reports their ratio,
// store/raw, which the noise of a busy machine moves less.
//
// via=Calendar.Import-unchanged imports the same 10,000 events again into
// the database that holds them (a re-import of the same file: no write),
// and via=Calendar.Import-newer imports them again, each at a higher
// Sequence, so that every event is replaced.
//
// Run it with -count 6 and compare the rows with benchstat:
//
//	go test -run '^$' -bench 'Import/store=sqlite' -benchtime 5x -count 6 ./store/sqlite/ | tee import.txt
//	benchstat -col /via import.txt
func BenchmarkImport(b *testing.B) {
	ctx := context.Background()
	events := importedEvents(importEvents, 0)
	perEvent := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*importEvents), "ns/event")
	}
	// newCalendar returns a Calendar on a new database holding the
	// events' series.
	newCalendar := func(b *testing.B, i int) (*seminar.Calendar, string) {
		path := filepath.Join(b.TempDir(), fmt.Sprintf("import%d.db", i))
		return newBenchCalendar(b, openBenchStore(b, path)), path
	}
	importAll := func(b *testing.B, cal *seminar.Calendar, events []*seminar.Event) *seminar.ImportResult {
		res, err := cal.Import(ctx, events)
		if err != nil {
			b.Fatal(err)
		}
		return res
	}
	// The rows of the anchor are the events an import stores.
	cal, _ := newCalendar(b, -1)
	rows := importAll(b, cal, events).Created
	if len(rows) != importEvents {
		b.Fatalf("the import created %d events, want %d", len(rows), importEvents)
	}

	b.Run("store=sqlite/via=Calendar.Import", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			cal, _ := newCalendar(b, i)
			b.StartTimer()
			if res := importAll(b, cal, events); len(res.Created) != importEvents {
				b.Fatalf("created %d events, want %d", len(res.Created), importEvents)
			}
		}
		perEvent(b)
	})
	rawInsertAll := func(b *testing.B, path string) {
		tx, err := openRaw(b, path).BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		insert, err := tx.PrepareContext(ctx, "INSERT INTO events ("+rawColumns+") VALUES (?"+
			strings.Repeat(", ?", 40)+")")
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range rows {
			if err := rawInsert(ctx, insert, e); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("store=sqlite/via=raw-insert", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			_, path := newCalendar(b, i)
			b.StartTimer()
			rawInsertAll(b, path)
		}
		perEvent(b)
	})
	b.Run("store=sqlite/via=paired", func(b *testing.B) {
		var store, raw time.Duration
		for i := 0; i < b.N; i++ {
			cal, _ := newCalendar(b, 2*i)
			_, path := newCalendar(b, 2*i+1)
			timed := func(f func(), into *time.Duration) {
				start := time.Now()
				f()
				*into += time.Since(start)
			}
			calendar := func() {
				if res := importAll(b, cal, events); len(res.Created) != importEvents {
					b.Fatalf("created %d events, want %d", len(res.Created), importEvents)
				}
			}
			if i%2 == 0 {
				timed(calendar, &store)
				timed(func() { rawInsertAll(b, path) }, &raw)
			} else {
				timed(func() { rawInsertAll(b, path) }, &raw)
				timed(calendar, &store)
			}
		}
		b.ReportMetric(float64(store.Nanoseconds())/float64(b.N), "store-ns/op")
		b.ReportMetric(float64(raw.Nanoseconds())/float64(b.N), "raw-ns/op")
		b.ReportMetric(float64(store)/float64(raw), "store/raw")
	})
	b.Run("store=sqlite/via=Calendar.Import-unchanged", func(b *testing.B) {
		cal, _ := newCalendar(b, 0)
		importAll(b, cal, events)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if res := importAll(b, cal, events); len(res.Unchanged) != importEvents {
				b.Fatalf("left %d events alone, want %d", len(res.Unchanged), importEvents)
			}
		}
		perEvent(b)
	})
	b.Run("store=sqlite/via=Calendar.Import-newer", func(b *testing.B) {
		cal, _ := newCalendar(b, 0)
		importAll(b, cal, events)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			newer := importedEvents(importEvents, i+1)
			b.StartTimer()
			if res := importAll(b, cal, newer); len(res.Updated) != importEvents {
				b.Fatalf("replaced %d events, want %d", len(res.Updated), importEvents)
			}
		}
		perEvent(b)
	})
}
