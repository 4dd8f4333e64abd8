package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

// testDropPending drops what Cancel drops: the unsent reminders of an event,
// but not its cancellation notice, not a delivery a dispatcher is sending,
// and not a final one.
func testDropPending(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	const reason = "the event is cancelled"
	at := func(minutes int) time.Time { return claimNow.Add(time.Duration(minutes) * time.Minute) }
	dropped := []*seminar.Delivery{
		newDelivery("pending-reminder", "a", seminar.KindReminder, at(60)),
		withState(newDelivery("retry-reminder", "a", seminar.KindReminder, at(-60)), seminar.StateRetry, "", time.Time{}),
		newDelivery("pending-manual", "a", seminar.KindManual, at(-1)),
	}
	dropped[1].LastError = "421 try later"
	kept := []*seminar.Delivery{
		newDelivery("pending-cancel", "a", seminar.KindCancel, at(0)),
		withState(newDelivery("sending-reminder", "a", seminar.KindReminder, at(-5)), seminar.StateSending, "me", at(5)),
		withState(newDelivery("sent-reminder", "a", seminar.KindReminder, at(-90)), seminar.StateSent, "", time.Time{}),
		withState(newDelivery("failed-manual", "a", seminar.KindManual, at(-90)), seminar.StateFailed, "", time.Time{}),
		withState(newDelivery("dropped-reminder", "a", seminar.KindReminder, at(-90)), seminar.StateDropped, "", time.Time{}),
		newDelivery("other-event", "b", seminar.KindReminder, at(60)),
	}
	kept[4].LastError = "dropped before"
	mustAdd(t, o, append(kept, dropped...)...)

	n, err := o.DropPending(t.Context(), "a", reason, seminar.KindReminder, seminar.KindManual)
	require.NoError(t, err, "an Outbox must drop pending deliveries")
	assert.Equal(t, len(dropped), n, "an Outbox must return from DropPending how many deliveries it dropped")
	for _, d := range dropped {
		want := d.Clone()
		want.State, want.LastError = seminar.StateDropped, reason
		assertSameDelivery(t, want, mustGetDelivery(t, o, d.ID),
			"an Outbox must drop, with the reason as LastError, each pending or retry delivery of the event whose kind is given: "+d.ID)
	}
	for _, d := range kept {
		assertSameDelivery(t, d, mustGetDelivery(t, o, d.ID),
			"an Outbox must leave alone in DropPending the deliveries of other kinds or events, those being sent and final ones: "+d.ID)
	}

	n, err = o.DropPending(t.Context(), "a", "again", seminar.KindReminder, seminar.KindManual)
	require.NoError(t, err, "an Outbox must drop pending deliveries")
	assert.Zero(t, n, "an Outbox must drop nothing, and count nothing, the second time DropPending is called")
}

func testDropPendingOtherEvents(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	d := newDelivery("a.reminder", "a", seminar.KindReminder, claimNow)
	mustAdd(t, o, d)
	for name, call := range map[string]func() (int, error){
		"an event with no deliveries": func() (int, error) {
			return o.DropPending(t.Context(), "missing", "gone", seminar.KindReminder)
		},
		"no kinds": func() (int, error) { return o.DropPending(t.Context(), "a", "gone") },
	} {
		n, err := call()
		assert.NoErrorf(t, err, "an Outbox must return no error from DropPending for %s", name)
		assert.Zerof(t, n, "an Outbox must drop nothing in DropPending for %s", name)
	}
	assertSameDelivery(t, d, mustGetDelivery(t, o, "a.reminder"),
		"an Outbox must drop only deliveries of the event whose kind is among the kinds given to DropPending")
}
