package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

// withState returns d in state, with a lease of owner until leaseUntil.
func withState(d *seminar.Delivery, state seminar.DeliveryState, owner string, leaseUntil time.Time) *seminar.Delivery {
	d.State, d.LeaseOwner, d.LeaseUntil = state, owner, leaseUntil
	return d
}

func testClaimDueSelects(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	mustCreate(t, s, newEvent(liveEvent, june, time.Hour))
	due := []*seminar.Delivery{
		dueDelivery("pending-past", 10),
		dueDelivery("pending-now", 0),
		withState(dueDelivery("retry-past", 1), seminar.StateRetry, "", time.Time{}),
		withState(dueDelivery("sending-expired", 30), seminar.StateSending, "dead", claimNow.Add(-time.Microsecond)),
	}
	notDue := []*seminar.Delivery{
		newDelivery("pending-future", liveEvent, seminar.KindReminder, claimNow.Add(time.Microsecond)),
		withState(dueDelivery("retry-future", -60), seminar.StateRetry, "", time.Time{}),
		withState(dueDelivery("sending-until-now", 30), seminar.StateSending, "busy", claimNow),
		withState(dueDelivery("sending-held", 30), seminar.StateSending, "busy", claimNow.Add(time.Minute)),
		withState(dueDelivery("sent", 60), seminar.StateSent, "", time.Time{}),
		withState(dueDelivery("failed", 60), seminar.StateFailed, "", time.Time{}),
		withState(dueDelivery("dropped", 60), seminar.StateDropped, "", time.Time{}),
	}
	mustAdd(t, o, append(notDue, due...)...)

	got := mustClaim(t, o, claimNow, "me", 100)
	assert.Equal(t, []string{"sending-expired", "pending-past", "retry-past", "pending-now"}, deliveryIDs(got),
		"an Outbox must claim, ordered by DueAt, the deliveries pending or retry with DueAt <= now and those sending whose LeaseUntil is before now, and no other")
	for _, d := range notDue {
		assertSameDelivery(t, d, mustGetDelivery(t, o, d.ID),
			"an Outbox must leave alone a delivery that is not due: "+d.ID)
	}
}

func testClaimDueSetsLease(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	mustCreate(t, s, newEvent(liveEvent, june, time.Hour))
	retry := fullDelivery(t, "retry")
	retry.EventID, retry.DueAt = liveEvent, claimNow.Add(-time.Hour)
	pending := dueDelivery("pending", 5)
	mustAdd(t, o, retry, pending)

	got := mustClaim(t, o, claimNow, "dispatcher 1", 10)
	require.Len(t, got, 2, "an Outbox must claim every due delivery within the limit")
	for i, want := range []*seminar.Delivery{claimed(retry, "dispatcher 1", claimNow), claimed(pending, "dispatcher 1", claimNow)} {
		assertSameDelivery(t, want, got[i],
			"an Outbox must return from ClaimDue the delivery with State sending, LeaseOwner the owner, LeaseUntil now+lease, Attempts raised by one, and every other field as stored")
		assertSameDelivery(t, want, mustGetDelivery(t, o, want.ID),
			"an Outbox must store the claim that ClaimDue returns")
	}
}

func testClaimDueLimit(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	mustCreate(t, s, newEvent(liveEvent, june, time.Hour))
	var all []*seminar.Delivery
	for i := range 12 {
		// DueAt order differs from ID order and from the order of adding.
		all = append(all, dueDelivery(fmt.Sprintf("d%02d", (i*5)%12), i*7%12))
	}
	mustAdd(t, o, all...)
	want := sortedIDs(all...)
	var got []string
	for _, c := range []struct{ limit, want int }{{5, 5}, {1, 1}, {5, 5}, {5, 1}} {
		batch := mustClaim(t, o, claimNow, "me", c.limit)
		assert.Lenf(t, batch, c.want, "an Outbox must claim up to limit (%d) deliveries, and fewer only when fewer are due", c.limit)
		got = append(got, deliveryIDs(batch)...)
	}
	assert.Empty(t, mustClaim(t, o, claimNow, "me", 5), "an Outbox must claim nothing once every due delivery is claimed")
	assert.Equal(t, want, got, "an Outbox must claim the due deliveries in DueAt order, a batch at a time")
}

// testClaimDueLimitMixesExpiredLeases: an expired lease is claimed in its
// place in DueAt order among pending and retry deliveries, not after them.
func testClaimDueLimitMixesExpiredLeases(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	mustCreate(t, s, newEvent(liveEvent, june, time.Hour))
	mustAdd(t, o,
		dueDelivery("a", 10),
		withState(dueDelivery("b", 5), seminar.StateRetry, "", time.Time{}),
		withState(dueDelivery("c", 20), seminar.StateSending, "dead", claimNow.Add(-time.Minute)),
		withState(dueDelivery("d", 1), seminar.StateSending, "dead", claimNow.Add(-time.Minute)),
	)
	var got [][]string
	for _, limit := range []int{1, 2, 1} {
		got = append(got, deliveryIDs(mustClaim(t, o, claimNow, "me", limit)))
	}
	assert.Equal(t, [][]string{{"c"}, {"a", "b"}, {"d"}}, got,
		"an Outbox must claim deliveries whose lease expired in DueAt order together with pending and retry ones, within the limit")
}

func testClaimDueNothingDue(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	assert.Empty(t, mustClaim(t, o, claimNow, "me", 10), "an Outbox must claim nothing, and return no error, when it holds no delivery")
	mustCreate(t, s, newEvent(liveEvent, june, time.Hour))
	mustAdd(t, o, dueDelivery("later", -1))
	assert.Empty(t, mustClaim(t, o, claimNow, "me", 10), "an Outbox must claim nothing, and return no error, when no delivery is due")
}

// testClaimDueCancelledOrDeletedEvent: a cancelled event never gets a
// reminder, but lists that already got one must hear it is cancelled, even
// once the event is deleted; a delivery a dispatcher died sending is claimed
// again whatever its event's state, so that it does not stay sending.
func testClaimDueCancelledOrDeletedEvent(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	off := newEvent("off", june, time.Hour)
	off.Status, off.CancelReason = seminar.StatusCancelled, "The speaker is ill"
	mustCreate(t, s, newEvent(liveEvent, june, time.Hour), off, newEvent("gone", june, time.Hour))
	require.NoError(t, s.Delete(t.Context(), "gone"), "a Store must delete a stored event")

	var all []*seminar.Delivery
	for _, ev := range []string{liveEvent, "off", "gone"} {
		for _, kind := range []seminar.DeliveryKind{seminar.KindReminder, seminar.KindManual, seminar.KindUpdate, seminar.KindCancel} {
			all = append(all, newDelivery(ev+"."+string(kind), ev, kind, claimNow.Add(-time.Minute)))
		}
	}
	stale := withState(dueDelivery("off.stale", 30), seminar.StateSending, "dead", claimNow.Add(-time.Minute))
	stale.EventID = "off"
	all = append(all, stale)
	mustAdd(t, o, all...)

	got := mustClaim(t, o, claimNow, "me", 100)
	want := []string{"off.stale", "gone.cancel", "live.cancel", "live.manual", "live.reminder", "live.update", "off.cancel"}
	assert.Equal(t, want, deliveryIDs(got),
		"an Outbox must claim deliveries of a scheduled event; of a cancelled or deleted one, only the KindCancel deliveries "+
			"and those left sending past their lease, so that the dispatcher ends them")
	for _, d := range all {
		if !slices.Contains(want, d.ID) {
			assertSameDelivery(t, d, mustGetDelivery(t, o, d.ID),
				"an Outbox must leave alone a delivery of a cancelled or deleted event that it does not claim: "+d.ID)
		}
	}
}

// testClaimDueConcurrentDispatchers runs dispatchers that claim a batch,
// finish it as sent, and claim again until nothing is due, all at once.
func testClaimDueConcurrentDispatchers(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	const deliveries, dispatchers, batch = 200, 8, 5
	mustCreate(t, s, newEvent(liveEvent, june, time.Hour))
	all := make([]*seminar.Delivery, deliveries)
	for i := range all {
		all[i] = dueDelivery(fmt.Sprintf("d%03d", i), i%17)
	}
	mustAdd(t, o, all...)

	var (
		mu     sync.Mutex
		claims = make(map[string][]string) // delivery ID to owners
	)
	race(dispatchers, func(w int) {
		owner := fmt.Sprintf("dispatcher %d", w)
		for range deliveries { // a bound, should a store claim forever
			got, err := o.ClaimDue(t.Context(), claimNow, owner, claimLease, batch)
			if !assert.NoError(t, err, "an Outbox must claim due deliveries while other dispatchers claim") || len(got) == 0 {
				return
			}
			assert.LessOrEqual(t, len(got), batch, "an Outbox must claim at most limit deliveries")
			mu.Lock()
			for _, d := range got {
				claims[d.ID] = append(claims[d.ID], owner)
			}
			mu.Unlock()
			for _, d := range got {
				d.State, d.SentAt = seminar.StateSent, claimNow.Add(time.Second)
				assert.NoError(t, o.Finish(t.Context(), d),
					"an Outbox must let the dispatcher holding a claim finish it while others claim")
			}
		}
	})
	for _, d := range all {
		assert.Lenf(t, claims[d.ID], 1,
			"an Outbox must let exactly one of %d concurrent dispatchers claim a due delivery: %s was claimed by %q", dispatchers, d.ID, claims[d.ID])
	}
	for _, d := range mustDeliveries(t, o, liveEvent) {
		assert.Equalf(t, seminar.StateSent, d.State, "an Outbox must keep every Finish of concurrent dispatchers: %s", d.ID)
		assert.Equalf(t, 1, d.Attempts, "an Outbox must count one attempt for a delivery claimed once: %s", d.ID)
	}
}

// testLeaseExpires: a dispatcher that dies holding a claim must not hold it
// forever, and when it comes back late its outcome must not overwrite the
// one of the dispatcher that took over.
func testLeaseExpires(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	mustCreate(t, s, newEvent(liveEvent, june, time.Hour))
	mustAdd(t, o, dueDelivery("d", 5))
	first := mustClaim(t, o, claimNow, "slow", 10)
	require.Len(t, first, 1, "an Outbox must claim a due delivery")

	assert.Empty(t, mustClaim(t, o, claimNow.Add(claimLease/2), "quick", 10),
		"an Outbox must not claim a delivery whose lease is held")
	assert.Empty(t, mustClaim(t, o, claimNow.Add(claimLease), "quick", 10),
		"an Outbox must not claim a delivery at the instant its LeaseUntil is reached: only once LeaseUntil is before now")
	later := claimNow.Add(claimLease + time.Microsecond)
	second := mustClaim(t, o, later, "quick", 10)
	require.Len(t, second, 1, "an Outbox must let another owner claim a delivery whose lease expired")
	assertSameDelivery(t, claimed(first[0], "quick", later), second[0],
		"an Outbox must claim an expired delivery as any other: owner, LeaseUntil now+lease, Attempts raised again")

	late := first[0].Clone()
	late.State, late.SentAt = seminar.StateSent, later
	assert.ErrorIs(t, o.Finish(t.Context(), late), seminar.ErrConflict,
		"an Outbox must return ErrConflict from Finish once the lease expired and another owner claimed the delivery")
	assertSameDelivery(t, second[0], mustGetDelivery(t, o, "d"),
		"an Outbox must change nothing on a Finish that returns ErrConflict")

	done := second[0].Clone()
	done.State, done.SentAt = seminar.StateSent, later
	assert.NoError(t, o.Finish(t.Context(), done), "an Outbox must let the owner of the current claim finish it")
}
