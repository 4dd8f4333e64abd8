package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

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
// empty events table (emptied, and checkpointed, off the clock; the
// events' series stay stored) against its anchor, via=COPY: one
// transaction holding one pgx CopyFrom into the events table of the rows
// the store writes (those of the events the import stored), encoded as
// they are sent. Both report ns/event; their ratio is what the Calendar
// and the Store add to the bare COPY: matching the UIDs, validation,
// copies, marks and the outbox's transaction. via=paired runs the two in
// turn in each iteration and reports their ratio, store/raw, which the
// noise of a busy machine moves less.
//
// via=Calendar.Import-unchanged imports the same 10,000 events again into
// the table that holds them (a re-import of the same file: no write), and
// via=Calendar.Import-newer imports them again, each at a higher
// Sequence, so that every event is replaced.
//
// Run it with a database, -count 6 and benchstat:
//
//	SEMINAR_POSTGRES_URL=... go test -run '^$' -bench 'Import/store=postgres' -benchtime 5x -count 6 ./store/postgres/ | tee import.txt
//	benchstat -col /via import.txt
func BenchmarkImport(b *testing.B) {
	ctx := context.Background()
	events := importedEvents(importEvents, 0)
	perEvent := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*importEvents), "ns/event")
	}
	// newCalendar returns a Calendar on a new schema holding the events'
	// series, and a function that empties its events and deliveries.
	newCalendar := func(b *testing.B) (*seminar.Calendar, string, func()) {
		schema := randomName("seminar_bench_import_")
		b.Cleanup(func() {
			_, _ = adminPool(b).Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		})
		s := benchStore(b, schema)
		truncate := "TRUNCATE " + pgx.Identifier{schema, "events"}.Sanitize() + ", " + pgx.Identifier{schema, "deliveries"}.Sanitize()
		return benchCalendar(b, s), schema, func() {
			if _, err := s.Pool().Exec(ctx, truncate); err != nil {
				b.Fatal(err)
			}
			// See BenchmarkCreateBatch: a checkpoint called for by the
			// last load would otherwise land in the next one.
			if _, err := s.Pool().Exec(ctx, "CHECKPOINT"); err != nil && !checkpointWarned {
				checkpointWarned = true
				b.Logf("CHECKPOINT before each load failed, so the timings include checkpoints: %v", err)
			}
		}
	}
	importAll := func(b *testing.B, cal *seminar.Calendar, events []*seminar.Event) *seminar.ImportResult {
		res, err := cal.Import(ctx, events)
		if err != nil {
			b.Fatal(err)
		}
		return res
	}
	// The rows of the anchor are the events an import stores.
	cal, _, _ := newCalendar(b)
	rows := importAll(b, cal, events).Created
	if len(rows) != importEvents {
		b.Fatalf("the import created %d events, want %d", len(rows), importEvents)
	}
	columns := strings.Split(strings.Join(strings.Fields(rawColumns), ""), ",")
	copyRows := func(pool interface {
		Begin(context.Context) (pgx.Tx, error)
	}, schema string) error {
		return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			next := 0
			_, err := tx.CopyFrom(ctx, pgx.Identifier{schema, "events"}, columns, pgx.CopyFromFunc(func() ([]any, error) {
				if next == len(rows) {
					return nil, nil
				}
				next++
				return rawRow(rows[next-1]), nil
			}))
			return err
		})
	}
	created := func(res *seminar.ImportResult) error {
		if len(res.Created) != importEvents {
			b.Fatalf("created %d events, want %d", len(res.Created), importEvents)
		}
		return nil
	}

	b.Run("store=postgres/via=Calendar.Import", func(b *testing.B) {
		cal, _, empty := newCalendar(b)
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			empty()
			b.StartTimer()
			_ = created(importAll(b, cal, events))
		}
		perEvent(b)
	})
	b.Run("store=postgres/via=COPY", func(b *testing.B) {
		_, schema, empty := newCalendar(b)
		pool := newPool(b)
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			empty()
			b.StartTimer()
			if err := copyRows(pool, schema); err != nil {
				b.Fatal(err)
			}
		}
		perEvent(b)
	})
	b.Run("store=postgres/via=paired", func(b *testing.B) {
		cal, schema, empty := newCalendar(b)
		pool := newPool(b)
		p := &pair{}
		for i := 0; i < b.N; i++ {
			p.run(b, i, func() error {
				return created(importAll(b, cal, events))
			}, func() error {
				return copyRows(pool, schema)
			}, empty)
		}
		p.report(b)
	})
	b.Run("store=postgres/via=Calendar.Import-unchanged", func(b *testing.B) {
		cal, _, _ := newCalendar(b)
		importAll(b, cal, events)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if res := importAll(b, cal, events); len(res.Unchanged) != importEvents {
				b.Fatalf("left %d events alone, want %d", len(res.Unchanged), importEvents)
			}
		}
		perEvent(b)
	})
	b.Run("store=postgres/via=Calendar.Import-newer", func(b *testing.B) {
		cal, _, _ := newCalendar(b)
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
