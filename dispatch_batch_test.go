package seminar_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/mail"
	"github.com/seminarkit/seminar/store/memstore"
)

// batchRecorder is a BatchMailer that records what it sends, and runs
// before, if set, ahead of each message of a batch.
type batchRecorder struct {
	*mail.Recorder
	batches [][]seminar.Outgoing
	before  func(i int)
}

func (b *batchRecorder) SendBatch(ctx context.Context, msgs []seminar.Outgoing, done func(int, *seminar.SendResult, error)) {
	b.batches = append(b.batches, msgs)
	for i, m := range msgs {
		if b.before != nil {
			b.before(i)
		}
		res, err := b.Send(ctx, m.Envelope, m.Raw)
		done(i, res, err)
	}
}

// dueTalks stores n talks whose one reminder each is due at the returned
// clock's time.
func dueTalks(t *testing.T, n int) (*memstore.Store, *clock, []*seminar.Event) {
	t.Helper()
	store := memstore.New()
	clk := &clock{now: seedCreated}
	cal, err := seminar.New(store, &seminar.Options{Now: clk.Now})
	require.NoError(t, err)
	var talks []*seminar.Event
	for i := range n {
		e := seedEvent(t)
		e.Start, e.End = e.Start.Add(time.Duration(i)*time.Hour), e.End.Add(time.Duration(i)*time.Hour)
		e.Reminders.Schedule = []time.Duration{24 * time.Hour}
		e, err = cal.Create(t.Context(), e)
		require.NoError(t, err)
		talks = append(talks, e)
	}
	clk.Set(talks[0].Start.Add(-20 * time.Hour))
	return store, clk, talks
}

// DispatchDue hands the claimed deliveries to a BatchMailer together and
// records their outcomes in one transaction; a delivery whose lease was
// taken over during the send fails that transaction, and the others are
// then recorded each on its own.
func TestCalendar_DispatchDue_batch(t *testing.T) {
	for _, stealLease := range []bool{false, true} {
		name := "recorded together"
		if stealLease {
			name = "one lease lost"
		}
		t.Run(name, func(t *testing.T) {
			store, clk, talks := dueTalks(t, 3)
			m := &batchRecorder{Recorder: &mail.Recorder{}}
			cal, err := seminar.New(store, &seminar.Options{Domain: "csail.mit.edu", Now: clk.Now, Mailer: m,
				ICS: fakeICS{}, From: "CSAIL Seminars <seminars@csail.mit.edu>"})
			require.NoError(t, err)
			var stolen []*seminar.Delivery
			if stealLease {
				m.before = func(i int) {
					if i == 1 { // a lease of the batch is taken over while it is sent
						stolen, err = store.ClaimDue(t.Context(), clk.Now().Add(time.Hour), "thief", time.Hour, 1)
						require.NoError(t, err)
						require.Len(t, stolen, 1)
					}
				}
			}
			r, err := cal.DispatchDue(t.Context())
			require.NoError(t, err)
			require.Len(t, m.batches, 1, "the three messages go to the mailer together")
			assert.Len(t, m.batches[0], 3)
			want := seminar.DispatchReport{Sent: 3}
			if stealLease {
				want.Sent = 2 // the stolen one is the thief's to record
			}
			assert.Equal(t, want, *r)
			for _, e := range talks {
				ds, err := store.Deliveries(t.Context(), e.ID)
				require.NoError(t, err)
				require.Len(t, ds, 1)
				if stealLease && ds[0].ID == stolen[0].ID {
					assert.Equal(t, seminar.StateSending, ds[0].State, "the thief's claim stands")
					assert.Equal(t, "thief", ds[0].LeaseOwner)
					continue
				}
				assert.Equal(t, seminar.StateSent, ds[0].State, "%s", ds[0].ID)
			}
		})
	}
}

// countingStore counts the reads of events, fails GetMany when told, and
// reads the event hidden as deleted.
type countingStore struct {
	*memstore.Store
	gets, getManys atomic.Int32
	failGetMany    bool
	hidden         string
}

func (s *countingStore) Get(ctx context.Context, id string) (*seminar.Event, error) {
	s.gets.Add(1)
	if id == s.hidden {
		return nil, seminar.ErrNotFound
	}
	return s.Store.Get(ctx, id)
}

func (s *countingStore) GetMany(ctx context.Context, ids []string) ([]*seminar.Event, error) {
	s.getManys.Add(1)
	if s.failGetMany {
		return nil, errors.New("the batch read is down")
	}
	events, err := s.Store.GetMany(ctx, ids)
	return slices.DeleteFunc(events, func(e *seminar.Event) bool { return e.ID == s.hidden }), err
}

// DispatchDue reads the events of a claimed batch in one GetMany when the
// store is a BatchGetter, and each with Get when that call fails; either
// way a delivery whose event is gone is dropped and the others are sent.
func TestCalendar_DispatchDue_readsEventsTogether(t *testing.T) {
	for _, failGetMany := range []bool{false, true} {
		t.Run(fmt.Sprintf("GetMany fails=%v", failGetMany), func(t *testing.T) {
			mem, clk, talks := dueTalks(t, 5)
			store := &countingStore{Store: mem, failGetMany: failGetMany, hidden: talks[2].ID}
			m := &batchRecorder{Recorder: &mail.Recorder{}}
			cal, err := seminar.New(store, &seminar.Options{Domain: "csail.mit.edu", Now: clk.Now, Mailer: m,
				ICS: fakeICS{}, From: "CSAIL Seminars <seminars@csail.mit.edu>"})
			require.NoError(t, err)
			r, err := cal.DispatchDue(t.Context())
			require.NoError(t, err)
			assert.Equal(t, seminar.DispatchReport{Sent: 4, Dropped: 1}, *r)
			require.Len(t, m.batches, 1)
			for i, msg := range m.batches[0] {
				assert.Contains(t, string(msg.Raw), talks[[]int{0, 1, 3, 4}[i]].Title[:20])
			}
			assert.EqualValues(t, 1, store.getManys.Load(), "one GetMany for the batch")
			if failGetMany {
				assert.EqualValues(t, 5, store.gets.Load(), "one Get per delivery once GetMany failed")
			} else {
				assert.Zero(t, store.gets.Load(), "no Get per delivery beside GetMany")
			}
		})
	}
}

// deliveriesCounter counts the Deliveries calls of a memstore, and those
// of DeliveriesOf.
type deliveriesCounter struct {
	*memstore.Store
	deliveries, deliveriesOf atomic.Int32
}

func (s *deliveriesCounter) Deliveries(ctx context.Context, eventID string) ([]*seminar.Delivery, error) {
	s.deliveries.Add(1)
	return s.Store.Deliveries(ctx, eventID)
}

func (s *deliveriesCounter) DeliveriesOf(ctx context.Context, eventIDs []string) (map[string][]*seminar.Delivery, error) {
	s.deliveriesOf.Add(1)
	return s.Store.DeliveriesOf(ctx, eventIDs)
}

// plainOutbox is a store and outbox without DeliveryBatchGetter.
type plainOutbox struct {
	seminar.Store
	seminar.Outbox
}

// Reconcile reads the deliveries of the changed events a batch at a time
// when the Outbox is a DeliveryBatchGetter, and repairs the same events
// as when it reads each event's on its own.
func TestCalendar_Reconcile_readsDeliveriesTogether(t *testing.T) {
	for _, batch := range []bool{true, false} {
		t.Run(fmt.Sprintf("DeliveryBatchGetter=%v", batch), func(t *testing.T) {
			mem, clk, talks := dueTalks(t, 30) // scheduled by their writes
			for i := range 220 {               // written behind the Calendar's back
				e := seedEvent(t)
				e.ID, e.UID, e.Version, e.CreatedAt, e.UpdatedAt = fmt.Sprintf("old%d", i), fmt.Sprintf("old%d@csail.mit.edu", i), 1, seedCreated, seedCreated
				e.Start, e.End = e.Start.Add(time.Duration(i)*time.Hour), e.End.Add(time.Duration(i)*time.Hour)
				require.NoError(t, mem.Create(t.Context(), e))
			}
			counter := &deliveriesCounter{Store: mem}
			var store seminar.Store = counter
			if !batch {
				store = plainOutbox{Store: counter, Outbox: counter}
			}
			cal, err := seminar.New(store, &seminar.Options{Now: clk.Now})
			require.NoError(t, err)
			n, err := cal.Reconcile(t.Context())
			require.NoError(t, err)
			assert.Equal(t, 220, n, "Reconcile must repair every talk without deliveries, and only those")
			for _, id := range []string{"old0", "old219", talks[0].ID, talks[29].ID} {
				assert.Contains(t, kinds(t, mem, id), "reminder s0 pending", "%s must have its reminder", id)
			}
			if batch {
				assert.EqualValues(t, 2, counter.deliveriesOf.Load(), "one DeliveriesOf per batch of 200 changed events")
				assert.Zero(t, counter.deliveries.Load(), "no Deliveries per event beside DeliveriesOf")
			} else {
				assert.EqualValues(t, 250, counter.deliveries.Load(), "one Deliveries per changed event")
			}
		})
	}
}

// stallingStore holds up the first transaction begun once the mailer has
// its first batch, until release is closed or a while has passed, and
// says which.
type stallingStore struct {
	*memstore.Store
	armed    atomic.Bool
	release  chan struct{}
	released atomic.Bool // the held transaction went on because of release
}

func (s *stallingStore) Atomic(ctx context.Context, fn func(seminar.Tx) error) error {
	if s.armed.CompareAndSwap(true, false) {
		select {
		case <-s.release:
			s.released.Store(true)
		case <-time.After(10 * time.Second):
		}
	}
	return s.Store.Atomic(ctx, fn)
}

// DispatchDue records the outcomes of a batch while it sends the next: the
// second batch reaches the mailer while the first one's transaction is
// still open. Recording one batch before sending the next would hold the
// transaction for its whole wait and fail the test.
func TestCalendar_DispatchDue_recordsWhileSendingTheNext(t *testing.T) {
	store, clk, talks := dueTalks(t, 30)
	// Reminders due for the talks starting within a day: 24 of them, in
	// batches of 20 and 4.
	clk.Set(talks[0].Start.Add(-time.Minute))
	talks = talks[:24]
	stall := &stallingStore{Store: store, release: make(chan struct{})}
	m := &batchRecorder{Recorder: &mail.Recorder{}}
	m.before = func(i int) {
		switch {
		case len(m.batches) == 1 && i == 0:
			stall.armed.Store(true) // the first batch's outcomes are recorded after this
		case len(m.batches) == 2 && i == 0:
			close(stall.release)
		}
	}
	cal, err := seminar.New(stall, &seminar.Options{Domain: "csail.mit.edu", Now: clk.Now, Mailer: m,
		ICS: fakeICS{}, From: "CSAIL Seminars <seminars@csail.mit.edu>"})
	require.NoError(t, err)
	r, err := cal.DispatchDue(t.Context())
	require.NoError(t, err)
	assert.True(t, stall.released.Load(), "the first batch's outcomes were recorded before the second batch went to the mailer")
	assert.Equal(t, seminar.DispatchReport{Sent: len(talks)}, *r)
	require.Equal(t, 2, len(m.batches), "batches")
	for _, e := range talks {
		ds, err := store.Deliveries(t.Context(), e.ID)
		require.NoError(t, err)
		require.Len(t, ds, 1)
		assert.Equal(t, seminar.StateSent, ds[0].State, "%s", ds[0].ID)
	}
}
