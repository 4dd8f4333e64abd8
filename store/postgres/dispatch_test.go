package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/postgres"
)

const (
	dueDeliveries = 1000
	dispatchers   = 4
	// dispatchLease is long enough that no healthy dispatcher loses a
	// claim, short enough that claims stranded by a lost connection are
	// taken over within the test.
	dispatchLease = 3 * time.Second
	claimBatch    = 10
)

// tally counts, per delivery, the sends (a dispatcher got the delivery from
// ClaimDue and would have handed it to the mail server) and the recorded
// outcomes.
type tally struct {
	mu       sync.Mutex
	sends    map[string]int
	finishes map[string]int
	finished atomic.Int32
}

func newTally() *tally {
	return &tally{sends: map[string]int{}, finishes: map[string]int{}}
}

func (c *tally) send(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sends[id]++
}

func (c *tally) finish(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.finishes[id]++
	c.finished.Add(1)
}

// check asserts that every one of ids was sent once and finished once.
func (c *tally) check(t *testing.T, ids []string) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		assert.Equalf(t, 1, c.sends[id], "delivery %s must be sent exactly once", id)
		assert.Equalf(t, 1, c.finishes[id], "delivery %s must be finished exactly once", id)
	}
}

// dispatcher is one instance claiming and finishing deliveries with its own
// pool, as DispatchDue does, until the tally has every delivery finished.
type dispatcher struct {
	owner  string
	store  *postgres.Store
	claims atomic.Int32 // successful ClaimDue calls that claimed something
	errs   atomic.Int32 // failed calls
	// claimsAfterError counts claims made after the first failed call.
	claimsAfterError atomic.Int32
	// sendTime is how long a send takes.
	sendTime time.Duration
}

func (d *dispatcher) run(ctx context.Context, t *testing.T, c *tally, total int) {
	for ctx.Err() == nil && int(c.finished.Load()) < total {
		got, err := d.store.ClaimDue(ctx, time.Now(), d.owner, dispatchLease, claimBatch)
		if err != nil {
			d.errs.Add(1)
			time.Sleep(5 * time.Millisecond)
			continue
		}
		if len(got) == 0 {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		d.claims.Add(1)
		if d.errs.Load() > 0 {
			d.claimsAfterError.Add(1)
		}
		for _, del := range got {
			c.send(del.ID)
			time.Sleep(d.sendTime)
			del.State, del.SentAt = seminar.StateSent, time.Now()
			if d.finish(ctx, t, del) {
				c.finish(del.ID)
			}
		}
	}
}

// finish records a sent delivery, trying again while the claim's lease
// holds if the call fails. A Finish that committed before its answer was
// lost is found by the ErrConflict of the next try and a look at the row.
func (d *dispatcher) finish(ctx context.Context, t *testing.T, del *seminar.Delivery) bool {
	for time.Now().Before(del.LeaseUntil) && ctx.Err() == nil {
		err := d.store.Finish(ctx, del)
		if err == nil {
			return true
		}
		d.errs.Add(1)
		if errors.Is(err, seminar.ErrConflict) {
			stored, gerr := d.store.GetDelivery(ctx, del.ID)
			if gerr == nil && stored.State == seminar.StateSent && stored.LeaseOwner == d.owner &&
				stored.LeaseUntil.Equal(del.LeaseUntil) {
				return true
			}
			if gerr == nil {
				t.Errorf("%s lost its claim of %s while its lease held: %+v", d.owner, del.ID, stored)
				return false
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Errorf("%s could not finish %s before its lease ended", d.owner, del.ID)
	return false
}

// setUpDue makes a schema with one scheduled event and dueDeliveries due
// deliveries of it, and returns the schema and the delivery IDs.
func setUpDue(t *testing.T) (string, []string) {
	t.Helper()
	s := newStore(t, newPool(t))
	e := sampleEvent(0, time.Hour)
	e.Start, e.End = time.Now().Add(24*time.Hour).Truncate(time.Second), time.Now().Add(25*time.Hour).Truncate(time.Second)
	require.NoError(t, s.Create(t.Context(), e))
	ds := make([]*seminar.Delivery, dueDeliveries)
	ids := make([]string, dueDeliveries)
	now := time.Now()
	for i := range ds {
		ids[i] = fmt.Sprintf("d%04d", i)
		ds[i] = &seminar.Delivery{
			ID: ids[i], EventID: e.ID, Kind: seminar.KindReminder, Lead: time.Hour,
			DueAt: now.Add(-time.Duration(i%97) * time.Minute), State: seminar.StatePending,
			Recipients: []string{"seminars@example.org"}, MessageID: ids[i] + "@example.org",
		}
	}
	require.NoError(t, addDeliveries(t.Context(), s, ds...))
	return s.Schema(), ids
}

// startDispatchers makes n dispatchers, each with its own pool (named by
// application_name) on schema.
func startDispatchers(t *testing.T, schema string, n int) ([]*dispatcher, []string) {
	t.Helper()
	ds := make([]*dispatcher, n)
	apps := make([]string, n)
	for i := range ds {
		apps[i] = randomName(fmt.Sprintf("seminar-test-dispatcher-%d-", i))
		pool := newPool(t, withRuntimeParam("application_name", apps[i]), func(c *pgxpool.Config) { c.MaxConns = 4 })
		s, err := postgres.New(t.Context(), pool, &postgres.Options{Schema: schema})
		require.NoError(t, err)
		ds[i] = &dispatcher{owner: fmt.Sprintf("dispatcher %d", i), store: s, sendTime: time.Millisecond}
	}
	return ds, apps
}

func runAll(t *testing.T, ds []*dispatcher, c *tally, total int) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	for _, d := range ds {
		wg.Go(func() { d.run(ctx, t, c, total) })
	}
	wg.Wait()
	require.NoError(t, ctx.Err(), "the dispatchers must finish every delivery within a minute")
}

// checkAllSent asserts that the store holds every delivery as sent.
func checkAllSent(t *testing.T, schema string, ids []string) {
	t.Helper()
	s, err := postgres.New(t.Context(), adminPool(t), &postgres.Options{Schema: schema})
	require.NoError(t, err)
	for _, id := range ids {
		d, err := s.GetDelivery(t.Context(), id)
		require.NoError(t, err)
		assert.Equalf(t, seminar.StateSent, d.State, "delivery %s must be stored as sent", id)
	}
}

// TestClaimDue_FourInstances has four dispatchers, each on its own pool as
// separate processes would be, share 1,000 due deliveries.
func TestClaimDue_FourInstances(t *testing.T) {
	schema, ids := setUpDue(t)
	ds, _ := startDispatchers(t, schema, dispatchers)
	c := newTally()
	runAll(t, ds, c, len(ids))

	c.check(t, ids)
	checkAllSent(t, schema, ids)
	for _, d := range ds {
		assert.Positivef(t, d.claims.Load(), "%s must have claimed deliveries alongside the others", d.owner)
		assert.Zerof(t, d.errs.Load(), "%s must have had no failed call", d.owner)
	}
}

// terminate ends the server processes of the connections named app and
// returns how many it ended.
func terminate(t *testing.T, app string) int {
	t.Helper()
	var n int
	require.NoError(t, adminPool(t).QueryRow(context.Background(),
		"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", app).Scan(&n))
	return n
}

// TestClaimDue_DispatcherLosesItsConnections terminates the connections of
// one of four dispatchers again and again while they run: a claim whose
// answer was lost stays leased until the lease ends and is then claimed by
// another, a lost Finish is tried again under the same lease, and still
// every delivery is sent once and finished once.
func TestClaimDue_DispatcherLosesItsConnections(t *testing.T) {
	schema, ids := setUpDue(t)
	ds, apps := startDispatchers(t, schema, dispatchers)
	victim := ds[0]
	victim.sendTime = 3 * time.Millisecond // keep it busy while its connections die
	c := newTally()

	var terminated atomic.Int32
	killerDone := make(chan struct{})
	go func() {
		defer close(killerDone)
		for victim.claims.Load() < 2 && int(c.finished.Load()) < len(ids) {
			time.Sleep(time.Millisecond)
		}
		// Kill until the victim has felt it a few times, while it works.
		for i := 0; i < 200 && victim.errs.Load() < 3 && int(c.finished.Load()) < len(ids)/2; i++ {
			terminated.Add(int32(terminate(t, apps[0])))
			time.Sleep(15 * time.Millisecond)
		}
	}()
	runAll(t, ds, c, len(ids))
	<-killerDone

	require.Positive(t, terminated.Load(), "the test must have terminated connections of the victim")
	require.Positive(t, victim.errs.Load(), "the victim must have had calls fail with its connections terminated")
	t.Logf("terminated %d connections of %s; it had %d failed calls, then %d claims", terminated.Load(), victim.owner,
		victim.errs.Load(), victim.claimsAfterError.Load())
	assert.Positive(t, victim.claimsAfterError.Load(),
		"a dispatcher whose connections were terminated must claim again through its pool, without a restart")
	c.check(t, ids)
	checkAllSent(t, schema, ids)
}

// TestClaimDue_ClaimSurvivesLostConnection: a claim lives in the database,
// not in the connection that made it. A dispatcher whose connections are
// terminated after it claimed, while it sends, still holds the claim (no
// other dispatcher can take the deliveries) and records the outcome through
// new connections.
func TestClaimDue_ClaimSurvivesLostConnection(t *testing.T) {
	schema, _ := setUpDue(t)
	ds, apps := startDispatchers(t, schema, 2)
	a, b := ds[0], ds[1]
	now := time.Now()
	held, err := a.store.ClaimDue(t.Context(), now, a.owner, dispatchLease, 5)
	require.NoError(t, err)
	require.Len(t, held, 5)

	require.Positive(t, terminate(t, apps[0]), "the test must terminate the connections of the dispatcher holding the claim")
	taken, err := b.store.ClaimDue(t.Context(), now.Add(dispatchLease/2), b.owner, dispatchLease, dueDeliveries)
	require.NoError(t, err)
	for _, d := range taken {
		for _, h := range held {
			assert.NotEqualf(t, h.ID, d.ID, "another dispatcher must not claim %s while the lease of a dispatcher that lost its connection holds", d.ID)
		}
	}

	for _, d := range held {
		d.State, d.SentAt = seminar.StateSent, now
		var err error
		for range 5 { // a connection that died idle in the pool fails the call that finds it
			if err = a.store.Finish(t.Context(), d); err == nil {
				break
			}
		}
		require.NoErrorf(t, err, "the dispatcher must record the outcome of its claim of %s through a new connection", d.ID)
	}
	again, err := b.store.ClaimDue(t.Context(), now.Add(dispatchLease+time.Second), b.owner, dispatchLease, dueDeliveries)
	require.NoError(t, err)
	for _, d := range again {
		for _, h := range held {
			assert.NotEqualf(t, h.ID, d.ID, "a delivery finished as sent must never be claimed again: %s", d.ID)
		}
	}
}

// TestFinish_ServerTextNotUTF8: a mail server's reply may hold bytes that
// PostgreSQL text cannot; Finish must still record the outcome.
func TestFinish_ServerTextNotUTF8(t *testing.T) {
	s := newStore(t, newPool(t))
	e := sampleEvent(0, time.Hour)
	require.NoError(t, s.Create(t.Context(), e))
	now := time.Now()
	require.NoError(t, addDeliveries(t.Context(), s, &seminar.Delivery{
		ID: "d", EventID: e.ID, Kind: seminar.KindManual, DueAt: now, State: seminar.StatePending,
		Note: "note with a NUL \x00 byte",
	}))
	got, err := s.ClaimDue(t.Context(), now, "me", time.Minute, 1)
	require.NoError(t, err)
	require.Len(t, got, 1)
	d := got[0]
	d.State, d.LastError = seminar.StateFailed, "550 refus\xe9 \x00 par le serveur"
	require.NoError(t, s.Finish(t.Context(), d), "Finish must record an outcome whose LastError is not valid UTF-8 or holds NUL")
	stored, err := s.GetDelivery(t.Context(), "d")
	require.NoError(t, err)
	assert.Equal(t, seminar.StateFailed, stored.State)
	assert.Equal(t, "550 refus\uFFFD \uFFFD par le serveur", stored.LastError, "the bytes text cannot hold must read as U+FFFD")
	assert.Equal(t, "note with a NUL \uFFFD byte", stored.Note)
}

// TestClaimDue_EventBeingCancelled: while a transaction cancels an event,
// ClaimDue neither claims its reminder nor waits for the transaction; once
// the cancellation commits the reminder is never claimed, and if it rolls
// back the reminder is claimed as before.
func TestClaimDue_EventBeingCancelled(t *testing.T) {
	for name, commit := range map[string]bool{"commits": true, "rolls back": false} {
		t.Run(name, func(t *testing.T) {
			s := newStore(t, newPool(t))
			dispatcher := storeOn(t, s.Schema(), randomName("seminar-test-dispatcher-"))
			e := sampleEvent(0, time.Hour)
			require.NoError(t, s.Create(t.Context(), e))
			now := time.Now()
			require.NoError(t, addDeliveries(t.Context(), s, &seminar.Delivery{
				ID: "r", EventID: e.ID, Kind: seminar.KindReminder, Lead: time.Hour, DueAt: now, State: seminar.StatePending,
			}))

			undone := errors.New("the cancellation is undone")
			err := s.Atomic(t.Context(), func(tx seminar.Tx) error {
				got, err := tx.Get(t.Context(), e.ID)
				require.NoError(t, err)
				cancelled := retitled(got, got.Title)
				cancelled.Status = seminar.StatusCancelled
				require.NoError(t, tx.Update(t.Context(), cancelled, got.Version))

				ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
				defer cancel()
				claimed, err := dispatcher.ClaimDue(ctx, now, "dispatcher", time.Minute, 10)
				require.NoError(t, err, "ClaimDue must not wait for a transaction that writes an event")
				assert.Empty(t, claimed, "ClaimDue must not claim a reminder of an event a transaction is cancelling")
				if commit {
					return nil
				}
				return undone
			})
			if commit {
				require.NoError(t, err)
				assert.Empty(t, claim(t, dispatcher, now), "ClaimDue must not claim a reminder of a cancelled event")
				return
			}
			require.ErrorIs(t, err, undone)
			assert.Len(t, claim(t, dispatcher, now), 1, "ClaimDue must claim the reminder once the cancellation rolled back")
		})
	}
}

func TestClaimDue_RefusesBadArguments(t *testing.T) {
	s := newStore(t, newPool(t))
	_, err := s.ClaimDue(t.Context(), time.Now(), "me", time.Minute, 0)
	assert.ErrorIs(t, err, seminar.ErrInvalid, "ClaimDue must refuse a limit that is not positive")
	_, err = s.ClaimDue(t.Context(), time.Now(), "me", 0, 10)
	assert.ErrorIs(t, err, seminar.ErrInvalid, "ClaimDue must refuse a lease that is not positive")
}
