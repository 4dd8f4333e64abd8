package storetest

import (
	"strconv"
	"testing"
	"time"

	"github.com/seminarkit/seminar"
)

// The benchmark fixture: benchEvents events, benchSpacing apart, which puts
// about 500 in each month, the size of a busy department's month page.
const (
	benchEvents  = 20_000
	benchSpacing = 86 * time.Minute
	benchBatch   = 100 // events a CreateBatch op stores
	benchClaim   = 20  // deliveries a ClaimDue op claims, as DispatchDue asks
)

var benchStart = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// RunBenchmarks measures the calls the Calendar makes most, on a store made
// by newStore and filled with 20,000 events, about 500 a month:
//
//	Get         one event by ID
//	MonthList   the events of one month, as a month page lists them
//	CreateBatch a Create of 100 new events in one call
//	ClaimDue    a claim of 20 due deliveries, when the store implements
//	            seminar.Outbox
//
// newStore is called once per sub-benchmark and must return an empty store.
// Figures are per call; compare stores, or one store before and after a
// change, with benchstat.
func RunBenchmarks(b *testing.B, newStore func(b *testing.B) seminar.Store) {
	b.Run("Get", func(b *testing.B) {
		s := filledStore(b, newStore)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			if _, err := s.Get(b.Context(), benchID(i*7919%benchEvents)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("MonthList", func(b *testing.B) {
		s := filledStore(b, newStore)
		from := benchStart.AddDate(0, 6, 0)
		q := seminar.ListQuery{From: from, To: from.AddDate(0, 1, 0), Limit: seminar.MaxPageSize + 1}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			events, err := s.List(b.Context(), q)
			if err != nil {
				b.Fatal(err)
			}
			if len(events) < 400 {
				b.Fatalf("a month lists %d events; the fixture puts about 500 in each", len(events))
			}
		}
	})
	b.Run("CreateBatch", func(b *testing.B) {
		s := newStore(b)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			batch := make([]*seminar.Event, benchBatch)
			for j := range batch {
				n := i*benchBatch + j
				batch[j] = newEvent(benchID(n), benchStart.Add(time.Duration(n)*benchSpacing), time.Hour)
			}
			if err := s.Create(b.Context(), batch...); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ClaimDue", func(b *testing.B) {
		s := newStore(b)
		outbox, ok := s.(seminar.Outbox)
		if !ok {
			b.Skip("the store does not implement seminar.Outbox")
		}
		// One event, scheduled, that every delivery belongs to: ClaimDue
		// must look at its status.
		if err := s.Create(b.Context(), newEvent("talk", benchStart.AddDate(1, 0, 0), time.Hour)); err != nil {
			b.Fatal(err)
		}
		now := benchStart
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			ds := make([]*seminar.Delivery, benchClaim)
			for j := range ds {
				ds[j] = newDelivery("d"+strconv.Itoa(i*benchClaim+j), "talk", seminar.KindReminder, now.Add(-time.Minute))
			}
			if err := addDeliveries(b.Context(), outbox, ds...); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			claimed, err := outbox.ClaimDue(b.Context(), now, "bench", time.Minute, benchClaim)
			if err != nil {
				b.Fatal(err)
			}
			if len(claimed) != benchClaim {
				b.Fatalf("ClaimDue claimed %d of %d due deliveries", len(claimed), benchClaim)
			}
		}
	})
}

// filledStore returns a store from newStore holding the benchmark fixture,
// created in batches as an import would.
func filledStore(b *testing.B, newStore func(b *testing.B) seminar.Store) seminar.Store {
	b.Helper()
	s := newStore(b)
	const batch = 1000
	for first := 0; first < benchEvents; first += batch {
		events := make([]*seminar.Event, batch)
		for j := range events {
			n := first + j
			events[j] = newEvent(benchID(n), benchStart.Add(time.Duration(n)*benchSpacing), time.Hour)
		}
		if err := s.Create(b.Context(), events...); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// benchID is the ID of the fixture's n-th event: short lowercase ASCII, as
// the Calendar's are.
func benchID(n int) string { return "e" + strconv.Itoa(n) }
