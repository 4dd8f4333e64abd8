package memstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/memstore"
	"github.com/seminarkit/seminar/store/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(*testing.T) seminar.Store { return memstore.New() })
}

func BenchmarkStore(b *testing.B) {
	storetest.RunBenchmarks(b, func(*testing.B) seminar.Store { return memstore.New() })
}

func TestStore_doneContext(t *testing.T) {
	s := memstore.New()
	e := event(0, time.Date(2026, time.June, 1, 12, 0, 0, 0, time.UTC))
	require.NoError(t, s.Create(t.Context(), e))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	assert.ErrorIs(t, s.Create(ctx, event(1, e.Start)), context.Canceled, "Create")
	_, err := s.Get(ctx, e.ID)
	assert.ErrorIs(t, err, context.Canceled, "Get")
	assert.ErrorIs(t, s.Update(ctx, e, e.Version), context.Canceled, "Update")
	assert.ErrorIs(t, s.Delete(ctx, e.ID), context.Canceled, "Delete")
	_, err = s.List(ctx, seminar.ListQuery{Limit: 10})
	assert.ErrorIs(t, err, context.Canceled, "List")

	got, err := s.List(t.Context(), seminar.ListQuery{Limit: 10})
	require.NoError(t, err)
	assert.Len(t, got, 1, "a call with a done context must change nothing")
}

func TestStore_ClaimDueInvalid(t *testing.T) {
	s := memstore.New()
	now := time.Date(2026, time.June, 1, 12, 0, 0, 0, time.UTC)
	for name, c := range map[string]struct {
		lease time.Duration
		limit int
	}{
		"zero limit":     {time.Minute, 0},
		"negative limit": {time.Minute, -1},
		"zero lease":     {0, 10},
	} {
		_, err := s.ClaimDue(t.Context(), now, "me", c.lease, c.limit)
		assert.ErrorIs(t, err, seminar.ErrInvalid, name)
	}
}

// benchEvents is how many events the benchmarks store: one every 50 minutes,
// about 860 a month over nearly ten years.
const benchEvents = 100000

var benchStart = time.Date(2020, time.January, 1, 0, 0, 0, 0, time.UTC)

func event(i int, start time.Time) *seminar.Event {
	return &seminar.Event{
		ID:        fmt.Sprintf("ev%06d", i),
		UID:       fmt.Sprintf("ev%06d@bench.invalid", i),
		Title:     fmt.Sprintf("Talk %d", i),
		Speakers:  []seminar.Person{{Name: "Speaker", Affiliation: "MIT"}},
		Start:     start,
		End:       start.Add(time.Hour),
		TimeZone:  "America/New_York",
		Public:    true,
		Status:    seminar.StatusScheduled,
		Reminders: seminar.Reminders{Lists: []string{"seminars@example.org"}, Schedule: []time.Duration{24 * time.Hour}},
		Version:   1,
	}
}

func benchStore(b *testing.B) *memstore.Store {
	b.Helper()
	events := make([]*seminar.Event, benchEvents)
	for i := range events {
		events[i] = event(i, benchStart.Add(time.Duration(i)*50*time.Minute))
	}
	s := memstore.New()
	require.NoError(b, s.Create(b.Context(), events...))
	return s
}

// BenchmarkStore_ListMonthPage lists the first page of 20 events of June 2022.
func BenchmarkStore_ListMonthPage(b *testing.B) {
	s := benchStore(b)
	q := seminar.ListQuery{
		From:  time.Date(2022, time.June, 1, 0, 0, 0, 0, time.UTC),
		To:    time.Date(2022, time.July, 1, 0, 0, 0, 0, time.UTC),
		Limit: 20,
	}
	for b.Loop() {
		if events, err := s.List(b.Context(), q); err != nil || len(events) != 20 {
			b.Fatalf("listed %d events, err %v", len(events), err)
		}
	}
}

// BenchmarkStore_ClaimDue claims and finishes 1,000 due deliveries in
// batches of 50, with none or 10,000 other deliveries waiting for later.
func BenchmarkStore_ClaimDue(b *testing.B) {
	const due, batch = 1000, 50
	now := benchStart.Add(24 * time.Hour)
	for _, ahead := range []int{0, 10000} {
		b.Run(fmt.Sprintf("ahead=%d", ahead), func(b *testing.B) {
			s := memstore.New()
			ctx := b.Context()
			require.NoError(b, s.Create(ctx, event(0, now.Add(48*time.Hour))))
			waiting := make([]*seminar.Delivery, ahead)
			for i := range waiting {
				waiting[i] = benchDelivery(fmt.Sprintf("ahead%05d", i), now.Add(time.Duration(1+i)*time.Minute))
			}
			require.NoError(b, add(ctx, s, waiting...))
			round := 0
			for b.Loop() {
				b.StopTimer()
				ds := make([]*seminar.Delivery, due)
				for i := range ds {
					ds[i] = benchDelivery(fmt.Sprintf("r%04dd%04d", round, i), now.Add(-time.Duration(i)*time.Second))
				}
				require.NoError(b, add(ctx, s, ds...))
				round++
				b.StartTimer()
				claimAll(b, s, now, batch, due)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*due), "ns/delivery")
		})
	}
}

func benchDelivery(id string, due time.Time) *seminar.Delivery {
	return &seminar.Delivery{
		ID: id, EventID: "ev000000", Kind: seminar.KindReminder, Lead: 24 * time.Hour, DueAt: due,
		State: seminar.StatePending, Recipients: []string{"seminars@example.org"}, MessageID: id + "@bench.invalid",
	}
}

// claimAll claims and finishes as sent every due delivery, want in all.
func claimAll(b *testing.B, o seminar.Outbox, now time.Time, batch, want int) {
	n := 0
	for {
		ds, err := o.ClaimDue(b.Context(), now, "bench", time.Minute, batch)
		if err != nil {
			b.Fatal(err)
		}
		if len(ds) == 0 {
			break
		}
		for _, d := range ds {
			d.State, d.SentAt = seminar.StateSent, now
			if err := o.Finish(b.Context(), d); err != nil {
				b.Fatal(err)
			}
		}
		n += len(ds)
	}
	if n != want {
		b.Fatalf("claimed %d deliveries, want %d", n, want)
	}
}

// add stores deliveries in a transaction of their own.
func add(ctx context.Context, s *memstore.Store, ds ...*seminar.Delivery) error {
	return s.Atomic(ctx, func(tx seminar.Tx) error { return tx.AddDeliveries(ctx, ds...) })
}
