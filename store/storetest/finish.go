package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

// claimOne adds d for liveEvent, which it creates, claims it for "me" at
// claimNow, and returns the claim.
func claimOne(t *testing.T, s seminar.Store, o seminar.Outbox, d *seminar.Delivery) *seminar.Delivery {
	t.Helper()
	mustCreate(t, s, newEvent(liveEvent, june, time.Hour))
	mustAdd(t, o, d)
	got := mustClaim(t, o, claimNow, "me", 1)
	require.Len(t, got, 1, "an Outbox must claim a due delivery")
	return got[0]
}

// testFinishWrites finishes three claims with the three outcomes a
// dispatcher writes, each changing every field Finish writes.
func testFinishWrites(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	mustCreate(t, s, newEvent(liveEvent, june, time.Hour))
	mustAdd(t, o, dueDelivery("sent", 3), dueDelivery("failed", 2), dueDelivery("retry", 1))
	got := mustClaim(t, o, claimNow, "me", 10)
	require.Len(t, got, 3, "an Outbox must claim every due delivery within the limit")
	kolkata := zone(t, "Asia/Kolkata")
	outcomes := map[string]func(d *seminar.Delivery){
		"sent": func(d *seminar.Delivery) {
			d.State, d.SentAt = seminar.StateSent, claimNow.Add(1500*time.Microsecond).In(kolkata)
			d.Recipients, d.Refused = nil, []string{"gone@example.org"}
			d.LastError = "550 5.1.1 gone@example.org: no such user"
		},
		"failed": func(d *seminar.Delivery) {
			d.State, d.LastError = seminar.StateFailed, "554 5.7.1 relay denied — refusé"
			d.Refused = []string{"seminars@example.org"}
		},
		"retry": func(d *seminar.Delivery) {
			d.State, d.DueAt = seminar.StateRetry, claimNow.Add(10*time.Minute+7*time.Microsecond)
			d.Recipients = []string{"seminars@example.org", "late@example.org"}
			d.LastError = "421 4.3.2 try again later"
		},
	}
	for _, d := range got {
		outcome := d.Clone()
		outcomes[d.ID](outcome)
		outcome.MessageID = d.ID + ".new@storetest.invalid"
		outcome.UpdatedAt = claimNow.Add(2 * time.Second)
		require.NoError(t, o.Finish(t.Context(), outcome), "an Outbox must let the owner of a claim finish it")
		assertSameDelivery(t, outcome, mustGetDelivery(t, o, d.ID),
			"an Outbox must store State, DueAt, Recipients, MessageID, LastError, Refused, SentAt and UpdatedAt as Finish gives them: "+d.ID)
	}
}

func testFinishWritesOnlyTheOutcome(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	held := claimOne(t, s, o, dueDelivery("d", 5))
	outcome := held.Clone()
	outcome.State, outcome.SentAt = seminar.StateSent, claimNow
	want := outcome.Clone()
	outcome.Kind, outcome.Lead, outcome.Sequence, outcome.Attempts = seminar.KindManual, time.Hour, 99, 99
	outcome.Note = "not written by Finish"
	require.NoError(t, o.Finish(t.Context(), outcome), "an Outbox must let the owner of a claim finish it")
	assertSameDelivery(t, want, mustGetDelivery(t, o, "d"),
		"an Outbox must write in Finish only State, DueAt, Recipients, MessageID, LastError, Refused, SentAt and UpdatedAt, and keep Kind, Lead, Sequence, Attempts and Note as stored")
}

func testFinishWrongOwner(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	held := claimOne(t, s, o, dueDelivery("d", 5))
	outcome := held.Clone()
	outcome.State, outcome.LeaseOwner = seminar.StateSent, "someone else"
	assert.ErrorIs(t, o.Finish(t.Context(), outcome), seminar.ErrConflict,
		"an Outbox must return ErrConflict from Finish when LeaseOwner is not the owner of the claim")
	assertSameDelivery(t, held, mustGetDelivery(t, o, "d"),
		"an Outbox must change nothing on a Finish that returns ErrConflict")
}

func testFinishChangedLease(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	held := claimOne(t, s, o, dueDelivery("d", 5))
	for _, shift := range []time.Duration{time.Microsecond, -time.Microsecond, time.Hour} {
		outcome := held.Clone()
		outcome.State = seminar.StateSent
		outcome.LeaseUntil = outcome.LeaseUntil.Add(shift)
		assert.ErrorIsf(t, o.Finish(t.Context(), outcome), seminar.ErrConflict,
			"an Outbox must return ErrConflict from Finish when LeaseUntil differs from the claim's (by %s)", shift)
	}
	assertSameDelivery(t, held, mustGetDelivery(t, o, "d"),
		"an Outbox must change nothing on a Finish that returns ErrConflict")

	// The same instant in another zone is the same lease.
	outcome := held.Clone()
	outcome.State = seminar.StateSent
	outcome.LeaseUntil = outcome.LeaseUntil.In(zone(t, "Pacific/Chatham"))
	assert.NoError(t, o.Finish(t.Context(), outcome),
		"an Outbox must compare LeaseUntil in Finish as an instant, whatever its Location")
}

func testFinishTwice(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	held := claimOne(t, s, o, dueDelivery("d", 5))
	outcome := held.Clone()
	outcome.State = seminar.StateSent
	require.NoError(t, o.Finish(t.Context(), outcome), "an Outbox must let the owner of a claim finish it")
	again := held.Clone()
	again.State, again.LastError = seminar.StateFailed, "finished twice"
	assert.ErrorIs(t, o.Finish(t.Context(), again), seminar.ErrConflict,
		"an Outbox must return ErrConflict from Finish of a delivery that is no longer sending")
	assertSameDelivery(t, outcome, mustGetDelivery(t, o, "d"),
		"an Outbox must keep the first outcome when a claim is finished twice")

	mustAdd(t, o, dueDelivery("pending", -60))
	never := dueDelivery("pending", -60)
	never.State = seminar.StateSent
	assert.ErrorIs(t, o.Finish(t.Context(), never), seminar.ErrConflict,
		"an Outbox must return ErrConflict from Finish of a delivery that was never claimed")
	assert.Equal(t, seminar.StatePending, mustGetDelivery(t, o, "pending").State,
		"an Outbox must change nothing on a Finish that returns ErrConflict")
}

func testFinishNotFound(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	missing := claimed(dueDelivery("missing", 5), "me", claimNow)
	missing.State = seminar.StateSent
	assert.ErrorIs(t, o.Finish(t.Context(), missing), seminar.ErrNotFound,
		"an Outbox must return ErrNotFound from Finish of a missing ID")
	_, err := o.GetDelivery(t.Context(), "missing")
	assert.ErrorIs(t, err, seminar.ErrNotFound, "an Outbox must not store a delivery on Finish of a missing ID")
}

func testFinishRetryIsClaimedAgain(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	held := claimOne(t, s, o, dueDelivery("d", 5))
	retry := held.Clone()
	retry.State, retry.DueAt, retry.LastError = seminar.StateRetry, claimNow.Add(10*time.Minute), "421 try later"
	require.NoError(t, o.Finish(t.Context(), retry), "an Outbox must let the owner of a claim finish it")

	assert.Empty(t, mustClaim(t, o, claimNow.Add(9*time.Minute), "me", 10),
		"an Outbox must not claim a retry before its new DueAt")
	again := claimNow.Add(10 * time.Minute)
	got := mustClaim(t, o, again, "other", 10)
	require.Len(t, got, 1, "an Outbox must claim a retry at its new DueAt")
	assertSameDelivery(t, claimed(retry, "other", again), got[0],
		"an Outbox must claim a retry with Attempts raised again and the rest of the outcome kept")
}
