package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// claimNow is when the outbox tests claim; their deliveries are due before.
var claimNow = base.Add(-24 * time.Hour)

// dueDelivery returns a pending reminder of eventID due i seconds before
// claimNow.
func dueDelivery(id, eventID string, i int) *seminar.Delivery {
	return &seminar.Delivery{
		ID: id, EventID: eventID, Kind: seminar.KindReminder, Lead: 24 * time.Hour, Sequence: 0,
		DueAt: claimNow.Add(-time.Duration(i) * time.Second), State: seminar.StatePending,
		Recipients: []string{"theory@example.org"}, MessageID: id + "@csail.mit.edu", UpdatedAt: claimNow.Add(-time.Hour),
	}
}

// addDeliveries stores ds in a transaction of their own.
func addDeliveries(ctx context.Context, s *sqlite.Store, ds ...*seminar.Delivery) error {
	return s.Atomic(ctx, func(tx seminar.Tx) error { return tx.AddDeliveries(ctx, ds...) })
}

// TestOutbox_HandlesShareOneFile has four stores, each with its own pool of
// connections as separate processes would have, dispatch one file's
// deliveries at once: each delivery must be claimed exactly once, and all
// must end sent.
func TestOutbox_HandlesShareOneFile(t *testing.T) {
	const handles, deliveries, batch = 4, 500, 10
	path := filepath.Join(t.TempDir(), "talks.db")
	var stores []*sqlite.Store
	for range handles {
		s, err := sqlite.Open(context.Background(), path, nil)
		require.NoError(t, err)
		t.Cleanup(func() { assert.NoError(t, s.Close()) })
		stores = append(stores, s)
	}
	e := sampleEvent(0, time.Hour)
	require.NoError(t, stores[0].Create(t.Context(), e))
	all := make([]*seminar.Delivery, deliveries)
	for i := range all {
		all[i] = dueDelivery(fmt.Sprintf("d%03d", i), e.ID, i%37)
	}
	require.NoError(t, addDeliveries(t.Context(), stores[0], all...))

	var (
		mu     sync.Mutex
		claims = make(map[string][]string)
		perH   = make([]int, handles)
		wg     sync.WaitGroup
	)
	for h, s := range stores {
		wg.Go(func() {
			owner := fmt.Sprintf("handle %d", h)
			for range deliveries {
				got, err := s.ClaimDue(t.Context(), claimNow, owner, time.Minute, batch)
				if !assert.NoError(t, err) || len(got) == 0 {
					return
				}
				mu.Lock()
				for _, d := range got {
					claims[d.ID] = append(claims[d.ID], owner)
				}
				perH[h] += len(got)
				mu.Unlock()
				for _, d := range got {
					d.State, d.SentAt, d.UpdatedAt = seminar.StateSent, claimNow, claimNow
					assert.NoError(t, s.Finish(t.Context(), d), "the owner of a claim must be able to finish it")
				}
			}
		})
	}
	wg.Wait()
	t.Logf("deliveries claimed by each handle: %v", perH)
	for _, d := range all {
		assert.Lenf(t, claims[d.ID], 1, "each delivery must be claimed by exactly one handle: %s by %q", d.ID, claims[d.ID])
	}
	stored, err := stores[1].Deliveries(t.Context(), e.ID)
	require.NoError(t, err)
	require.Len(t, stored, deliveries)
	for _, d := range stored {
		assert.Equal(t, seminar.StateSent, d.State, d.ID)
		assert.Equal(t, 1, d.Attempts, d.ID)
	}
}

// TestOutbox_ClaimWalksPartialIndexes checks the plan of ClaimDue: the
// waiting deliveries come from the partial (due_ns, id) index in claim
// order, so that SQLite stops after limit rows, and the expired leases from
// the small index of deliveries being sent; sent, failed and dropped rows
// are never visited.
func TestOutbox_ClaimWalksPartialIndexes(t *testing.T) {
	s, _ := openFile(t)
	rows, err := sqlite.DB(s).QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+sqlite.ClaimSQL, "owner", 2, 1, 10)
	require.NoError(t, err)
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notUsed int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &notUsed, &detail))
		plan = append(plan, detail)
	}
	require.NoError(t, rows.Err())
	text := strings.Join(plan, "\n")
	for _, want := range []string{
		"MERGE (UNION ALL)",
		"SEARCH d USING INDEX deliveries_due (due_ns<?)",
		"SEARCH d USING INDEX deliveries_lease (lease_until_ns<?)",
	} {
		assert.Contains(t, text, want, "plan:\n%s", text)
	}
	assert.NotContains(t, text, "SCAN d", "a claim must not scan the deliveries; plan:\n%s", text)
	assert.Equal(t, 1, strings.Count(text, "TEMP B-TREE"),
		"only the expired leases may be sorted, not the waiting deliveries; plan:\n%s", text)
}

func TestOutbox_InvalidArguments(t *testing.T) {
	for kind, s := range stores(t) {
		t.Run(kind, func(t *testing.T) {
			ctx := t.Context()
			for name, c := range map[string]struct {
				lease time.Duration
				limit int
			}{
				"zero limit":     {time.Minute, 0},
				"negative limit": {time.Minute, -1},
				"zero lease":     {0, 10},
			} {
				_, err := s.ClaimDue(ctx, claimNow, "me", c.lease, c.limit)
				assert.ErrorIs(t, err, seminar.ErrInvalid, name)
				assert.ErrorContains(t, err, "sqlite: claim due deliveries", name)
			}

			far := dueDelivery("far", "ev", 0)
			far.DueAt = time.Date(2300, time.January, 1, 0, 0, 0, 0, time.UTC)
			err := addDeliveries(ctx, s, dueDelivery("ok", "ev", 0), far)
			assert.ErrorIs(t, err, seminar.ErrInvalid)
			assert.ErrorContains(t, err, "1678 to 2261")
			_, err = s.GetDelivery(ctx, "ok")
			assert.ErrorIs(t, err, seminar.ErrNotFound, "a failed AddDeliveries must store nothing")

			assert.ErrorIs(t, addDeliveries(ctx, s, nil), seminar.ErrInvalid)
			assert.ErrorIs(t, s.Finish(ctx, nil), seminar.ErrInvalid)
		})
	}
}

// BenchmarkClaimDue claims and finishes 1,000 due deliveries in batches of
// 50 on a file, as a dispatcher does, with none or 10,000 other deliveries
// waiting for later. Deliveries sent in earlier rounds stay in the table.
// ns/delivery is the whole cost, claim-ns/delivery the part spent in
// ClaimDue; the rest is Finish, one write transaction per delivery.
func BenchmarkClaimDue(b *testing.B) {
	const due, batch = 1000, 50
	for _, ahead := range []int{0, 10000} {
		b.Run(fmt.Sprintf("ahead=%d", ahead), func(b *testing.B) {
			s, _ := openFile(b)
			ctx := b.Context()
			e := sampleEvent(0, time.Hour)
			if err := s.Create(ctx, e); err != nil {
				b.Fatal(err)
			}
			waiting := make([]*seminar.Delivery, ahead)
			for i := range waiting {
				waiting[i] = dueDelivery(fmt.Sprintf("ahead%05d", i), e.ID, -1-i)
			}
			if err := addDeliveries(ctx, s, waiting...); err != nil {
				b.Fatal(err)
			}
			round := 0
			var claiming time.Duration
			for b.Loop() {
				b.StopTimer()
				ds := make([]*seminar.Delivery, due)
				for i := range ds {
					ds[i] = dueDelivery(fmt.Sprintf("r%04dd%04d", round, i), e.ID, i)
				}
				if err := addDeliveries(ctx, s, ds...); err != nil {
					b.Fatal(err)
				}
				round++
				b.StartTimer()
				claiming += claimAll(b, s, batch, due)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*due), "ns/delivery")
			b.ReportMetric(float64(claiming.Nanoseconds())/float64(b.N*due), "claim-ns/delivery")
		})
	}
}

// claimAll claims and finishes as sent every due delivery, want in all,
// and returns the time spent in ClaimDue.
func claimAll(b *testing.B, s *sqlite.Store, batch, want int) time.Duration {
	n := 0
	var claiming time.Duration
	for {
		start := time.Now()
		ds, err := s.ClaimDue(b.Context(), claimNow, "bench", time.Minute, batch)
		claiming += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if len(ds) == 0 {
			break
		}
		for _, d := range ds {
			d.State, d.SentAt = seminar.StateSent, claimNow
			if err := s.Finish(b.Context(), d); err != nil {
				b.Fatal(err)
			}
		}
		n += len(ds)
	}
	if n != want {
		b.Fatalf("claimed %d deliveries, want %d", n, want)
	}
	return claiming
}
