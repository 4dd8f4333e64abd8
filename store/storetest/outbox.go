package storetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

// outboxCases run only against stores that implement seminar.Outbox.
var outboxCases = []testCase{
	{"RoundTrip", testOutboxRoundTrip},
	{"RoundTripFromDeliveries", testOutboxRoundTripFromDeliveries},
	{"RoundTripNilLists", testOutboxRoundTripNilLists},
	{"RoundTripEmptyLists", testOutboxRoundTripEmptyLists},
	{"AddNoDeliveries", testOutboxAddNoDeliveries},
	{"AddExistingID", testOutboxAddExistingID},
	{"AddSameIDTwiceInBatch", testOutboxAddSameIDTwiceInBatch},
	{"AddNilDelivery", testOutboxAddNilDelivery},
	{"AddWholeBatches", testOutboxAddWholeBatches},
	{"AddSameIDsConcurrently", testOutboxAddSameIDsConcurrently},
	{"DeliveriesOrder", testOutboxDeliveriesOrder},
	{"GetDeliveryNotFound", testOutboxGetDeliveryNotFound},
	{"Aliasing", testOutboxAliasing},
	{"DoneContext", testOutboxDoneContext},
	{"ClaimDueSelects", testClaimDueSelects},
	{"ClaimDueSetsLease", testClaimDueSetsLease},
	{"ClaimDueLimit", testClaimDueLimit},
	{"ClaimDueLimitMixesExpiredLeases", testClaimDueLimitMixesExpiredLeases},
	{"ClaimDueNothingDue", testClaimDueNothingDue},
	{"ClaimDueCancelledOrDeletedEvent", testClaimDueCancelledOrDeletedEvent},
	{"ClaimDueConcurrentDispatchers", testClaimDueConcurrentDispatchers},
	{"LeaseExpires", testLeaseExpires},
	{"FinishWrites", testFinishWrites},
	{"FinishWritesOnlyTheOutcome", testFinishWritesOnlyTheOutcome},
	{"FinishWrongOwner", testFinishWrongOwner},
	{"FinishChangedLease", testFinishChangedLease},
	{"FinishTwice", testFinishTwice},
	{"FinishNotFound", testFinishNotFound},
	{"FinishRetryIsClaimedAgain", testFinishRetryIsClaimedAgain},
	{"Drop", testDrop},
	{"DropUnknownIDs", testDropUnknownIDs},
}

func testOutboxRoundTrip(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	mustAdd(t, o, fullDelivery(t, "full"))
	assertSameDelivery(t, fullDelivery(t, "full"), mustGetDelivery(t, o, "full"),
		"an Outbox must return from GetDelivery every field of the delivery given to AddDeliveries")
}

func testOutboxRoundTripFromDeliveries(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	full := fullDelivery(t, "full")
	mustAdd(t, o, full)
	got := mustDeliveries(t, o, full.EventID)
	require.Len(t, got, 1, "an Outbox must list the one delivery of an event")
	assertSameDelivery(t, full, got[0],
		"an Outbox must return from Deliveries every field of the delivery given to AddDeliveries")
}

// testOutboxRoundTripNilLists also keeps the zero LeaseUntil and SentAt of a
// delivery never claimed: they must come back as the zero time, not as
// 1970 or year 1 in another zone.
func testOutboxRoundTripNilLists(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	bare := func() *seminar.Delivery {
		d := newDelivery("bare", "ev", seminar.KindManual, claimNow)
		d.Recipients, d.MessageID, d.UpdatedAt = nil, "", time.Time{}
		return d
	}
	mustAdd(t, o, bare())
	got := mustGetDelivery(t, o, "bare")
	assertSameDelivery(t, bare(), got,
		"an Outbox must return a delivery whose lists are nil and whose other times are zero as it was given")
	assert.True(t, got.LeaseUntil.IsZero() && got.SentAt.IsZero() && got.UpdatedAt.IsZero(),
		"an Outbox must return zero times as the zero time.Time")
}

func testOutboxRoundTripEmptyLists(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	empty := func() *seminar.Delivery {
		d := newDelivery("empty", "ev", seminar.KindCancel, claimNow)
		d.Recipients, d.Refused = []string{}, []string{}
		return d
	}
	mustAdd(t, o, empty())
	assertSameDelivery(t, empty(), mustGetDelivery(t, o, "empty"),
		"an Outbox must return a delivery whose lists are empty with those lists nil or empty")
}

func testOutboxAddNoDeliveries(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	assert.NoError(t, addDeliveries(t.Context(), o), "an Outbox must accept AddDeliveries of no deliveries")
}

// testOutboxAddExistingID: the Calendar schedules the same reminders again
// after every edit and relies on the store to keep those it has, with their
// state, attempts and lease.
func testOutboxAddExistingID(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	kept := fullDelivery(t, "a")
	mustAdd(t, o, kept)
	again := dueDelivery("a", 5)
	again.EventID = kept.EventID
	fresh := dueDelivery("b", 5)
	require.NoError(t, addDeliveries(t.Context(), o, fresh, again),
		"an Outbox must return nil from AddDeliveries when some IDs are already stored")
	assertSameDelivery(t, kept, mustGetDelivery(t, o, "a"),
		"an Outbox must leave a stored delivery as it is when AddDeliveries is given a different one with its ID")
	assertSameDelivery(t, fresh, mustGetDelivery(t, o, "b"),
		"an Outbox must store the new deliveries of a batch that also holds stored IDs")
}

// testOutboxAddSameIDTwiceInBatch: the first of the two is stored, the
// second finds its ID stored and is left out, as if they came one call
// after the other.
func testOutboxAddSameIDTwiceInBatch(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	first, second := dueDelivery("a", 5), dueDelivery("a", 10)
	second.LastError = "second"
	require.NoError(t, addDeliveries(t.Context(), o, first, second),
		"an Outbox must return nil from AddDeliveries when an ID appears twice in the batch")
	assertSameDelivery(t, first, mustGetDelivery(t, o, "a"),
		"an Outbox must store the first of two deliveries with the same ID in one batch and leave out the second")
}

func testOutboxAddNilDelivery(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	err := addDeliveries(t.Context(), o, dueDelivery("a", 5), nil, dueDelivery("b", 5))
	assert.Error(t, err, "an Outbox must refuse a batch holding a nil delivery")
	assert.Empty(t, mustDeliveries(t, o, liveEvent),
		"an Outbox must store none of a batch it refuses: AddDeliveries is one atomic step")
}

// testOutboxAddWholeBatches has a writer add batches of deliveries while
// readers list them: a reader must never see part of a batch.
func testOutboxAddWholeBatches(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	const batches, batchSize, readers = 30, 8, 4
	var done atomic.Bool
	race(readers+1, func(i int) {
		if i == readers {
			defer done.Store(true)
			for b := range batches {
				batch := make([]*seminar.Delivery, batchSize)
				for j := range batch {
					batch[j] = dueDelivery(fmt.Sprintf("b%02dd%d", b, j), b*batchSize+j)
				}
				if !assert.NoError(t, addDeliveries(t.Context(), o, batch...), "an Outbox must add deliveries while others read") {
					return
				}
			}
			return
		}
		for !done.Load() {
			ds, err := o.Deliveries(t.Context(), liveEvent)
			if !assert.NoError(t, err, "an Outbox must list deliveries while others are added") ||
				!assert.Zerof(t, len(ds)%batchSize, "an Outbox must add a batch in one atomic step: a listing showed %d deliveries, not a multiple of the batch size %d", len(ds), batchSize) {
				return
			}
		}
	})
	assert.Len(t, mustDeliveries(t, o, liveEvent), batches*batchSize,
		"an Outbox must keep every delivery added")
}

// testOutboxAddSameIDsConcurrently has several callers add the same IDs at
// once, each with its own mark: the store must end up with one caller's
// batch, whole.
func testOutboxAddSameIDsConcurrently(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	const callers, batchSize = 8, 5
	race(callers, func(c int) {
		batch := make([]*seminar.Delivery, batchSize)
		for j := range batch {
			batch[j] = dueDelivery(fmt.Sprintf("d%d", j), j)
			batch[j].LastError = fmt.Sprintf("caller %d", c)
		}
		assert.NoError(t, addDeliveries(t.Context(), o, batch...),
			"an Outbox must return nil from concurrent AddDeliveries of the same IDs")
	})
	ds := mustDeliveries(t, o, liveEvent)
	require.Len(t, ds, batchSize, "an Outbox must store each ID once when several callers add it at once")
	for _, d := range ds {
		assert.Equal(t, ds[0].LastError, d.LastError,
			"an Outbox must store one whole batch of concurrent AddDeliveries of the same IDs, not a mix")
	}
}

func testOutboxDeliveriesOrder(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	a := []*seminar.Delivery{
		newDelivery("a3", "a", seminar.KindReminder, claimNow.Add(time.Hour)),
		newDelivery("a1", "a", seminar.KindManual, claimNow),
		newDelivery("a0", "a", seminar.KindCancel, claimNow.Add(-time.Hour)),
		newDelivery("a2", "a", seminar.KindUpdate, claimNow),
		newDelivery("A9", "a", seminar.KindUpdate, claimNow),
	}
	b := newDelivery("b1", "b", seminar.KindReminder, claimNow.Add(-2*time.Hour))
	mustAdd(t, o, a[0], b, a[1])
	mustAdd(t, o, a[2:]...)
	assert.Equal(t, []string{"a0", "A9", "a1", "a2", "a3"}, deliveryIDs(mustDeliveries(t, o, "a")),
		"an Outbox must list only the deliveries of the event, ordered by DueAt and then by ID byte by byte")
	assert.Equal(t, []string{"b1"}, deliveryIDs(mustDeliveries(t, o, "b")),
		"an Outbox must list only the deliveries of the event asked for")
	assert.Empty(t, mustDeliveries(t, o, "none"),
		"an Outbox must list no deliveries, and no error, for an event that has none")
}

func testOutboxGetDeliveryNotFound(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	_, err := o.GetDelivery(t.Context(), "missing")
	assert.ErrorIs(t, err, seminar.ErrNotFound, "an Outbox must return ErrNotFound from GetDelivery for a missing ID in an empty store")
	mustAdd(t, o, dueDelivery("a", 5))
	_, err = o.GetDelivery(t.Context(), "missing")
	assert.ErrorIs(t, err, seminar.ErrNotFound, "an Outbox must return ErrNotFound from GetDelivery for a missing ID")
}

func testOutboxAliasing(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	scribble := func(d *seminar.Delivery) {
		d.State = seminar.StateFailed
		d.Recipients[0] = "scribbled@example.org"
		d.Refused[0] = "scribbled@example.org"
	}
	d := fullDelivery(t, "full")
	mustAdd(t, o, d)
	scribble(d)
	scribble(mustGetDelivery(t, o, "full"))
	for _, d := range mustDeliveries(t, o, d.EventID) {
		scribble(d)
	}
	assertSameDelivery(t, fullDelivery(t, "full"), mustGetDelivery(t, o, "full"),
		"an Outbox must share no memory with the deliveries given to AddDeliveries or returned by GetDelivery and Deliveries")

	mustCreate(t, s, newEvent(liveEvent, june, time.Hour))
	mustAdd(t, o, dueDelivery("due", 5))
	got := mustClaim(t, o, claimNow, "me", 10)
	require.Len(t, got, 1, "an Outbox must claim a due delivery")
	want := got[0].Clone()
	got[0].Recipients[0] = "scribbled@example.org"
	assertSameDelivery(t, want, mustGetDelivery(t, o, "due"),
		"an Outbox must return from ClaimDue deliveries that share no memory with the store")
}

func testOutboxDoneContext(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	mustCreate(t, s, newEvent(liveEvent, june, time.Hour))
	mustAdd(t, o, dueDelivery("held", 10), dueDelivery("waiting", 5))
	held := mustClaim(t, o, claimNow, "me", 1)
	require.Len(t, held, 1, "an Outbox must claim a due delivery")
	outcome := held[0].Clone()
	outcome.State = seminar.StateSent

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	rule := func(method string) string {
		return "an Outbox must return an error wrapping ctx.Err() from " + method + " called with a done context"
	}
	assert.ErrorIs(t, addDeliveries(ctx, o, dueDelivery("new", 5)), context.Canceled, rule("AddDeliveries"))
	_, err := o.GetDelivery(ctx, "waiting")
	assert.ErrorIs(t, err, context.Canceled, rule("GetDelivery"))
	_, err = o.Deliveries(ctx, liveEvent)
	assert.ErrorIs(t, err, context.Canceled, rule("Deliveries"))
	_, err = o.ClaimDue(ctx, claimNow, "other", claimLease, 10)
	assert.ErrorIs(t, err, context.Canceled, rule("ClaimDue"))
	assert.ErrorIs(t, o.Finish(ctx, outcome), context.Canceled, rule("Finish"))
	_, err = drop(ctx, o, "cancelled", "waiting")
	assert.ErrorIs(t, err, context.Canceled, rule("Atomic"))

	after := mustDeliveries(t, o, liveEvent)
	require.Len(t, after, 2, "an Outbox must add nothing in AddDeliveries called with a done context")
	for _, d := range after {
		if d.ID == "held" {
			assertSameDelivery(t, held[0], d, "an Outbox must change nothing in Finish called with a done context")
		} else {
			assert.Equal(t, seminar.StatePending, d.State,
				"an Outbox must change nothing in ClaimDue or Atomic called with a done context")
		}
	}
}
