package seminar_test

import (
	"context"
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
