package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

// testDrop drops what a cancellation drops: the unsent reminders of an
// event, named by ID, but not a delivery a dispatcher is sending, and not a
// final one, even when named.
func testDrop(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	const reason = "the event is cancelled"
	at := func(minutes int) time.Time { return claimNow.Add(time.Duration(minutes) * time.Minute) }
	dropped := []*seminar.Delivery{
		newDelivery("pending-reminder", "a", seminar.KindReminder, at(60)),
		withState(newDelivery("retry-reminder", "a", seminar.KindReminder, at(-60)), seminar.StateRetry, "", time.Time{}),
		newDelivery("pending-manual", "a", seminar.KindManual, at(-1)),
	}
	dropped[1].LastError = "421 try later"
	named := []*seminar.Delivery{
		withState(newDelivery("sending-reminder", "a", seminar.KindReminder, at(-5)), seminar.StateSending, "me", at(5)),
		withState(newDelivery("sent-reminder", "a", seminar.KindReminder, at(-90)), seminar.StateSent, "", time.Time{}),
		withState(newDelivery("failed-manual", "a", seminar.KindManual, at(-90)), seminar.StateFailed, "", time.Time{}),
		withState(newDelivery("dropped-reminder", "a", seminar.KindReminder, at(-90)), seminar.StateDropped, "", time.Time{}),
	}
	named[3].LastError = "dropped before"
	unnamed := []*seminar.Delivery{
		newDelivery("pending-cancel", "a", seminar.KindCancel, at(0)),
		newDelivery("other-event", "b", seminar.KindReminder, at(60)),
	}
	mustAdd(t, o, append(append(named, unnamed...), dropped...)...)

	ids := deliveryIDs(append(named, dropped...))
	n, err := drop(t.Context(), o, reason, ids...)
	require.NoError(t, err, "an Outbox must drop pending deliveries in Tx.Drop")
	assert.Equal(t, len(dropped), n, "an Outbox must return from Tx.Drop how many deliveries it dropped")
	for _, d := range dropped {
		want := d.Clone()
		want.State, want.LastError = seminar.StateDropped, reason
		assertSameDelivery(t, want, mustGetDelivery(t, o, d.ID),
			"an Outbox must drop, with the reason as LastError, each pending or retry delivery named in Tx.Drop: "+d.ID)
	}
	for _, d := range named {
		assertSameDelivery(t, d, mustGetDelivery(t, o, d.ID),
			"an Outbox must leave alone in Tx.Drop the deliveries being sent and final ones: "+d.ID)
	}
	for _, d := range unnamed {
		assertSameDelivery(t, d, mustGetDelivery(t, o, d.ID),
			"an Outbox must drop in Tx.Drop only the deliveries it names: "+d.ID)
	}

	n, err = drop(t.Context(), o, "again", ids...)
	require.NoError(t, err, "an Outbox must accept Tx.Drop of deliveries already dropped")
	assert.Zero(t, n, "an Outbox must drop nothing, and count nothing, the second time Tx.Drop is called")
}

func testDropUnknownIDs(t *testing.T, s seminar.Store) {
	o := asOutbox(t, s)
	d := newDelivery("a.reminder", "a", seminar.KindReminder, claimNow)
	mustAdd(t, o, d)
	for name, ids := range map[string][]string{
		"IDs not stored": {"missing", "a.reminder.s9"},
		"no IDs":         nil,
	} {
		n, err := drop(t.Context(), o, "gone", ids...)
		assert.NoErrorf(t, err, "an Outbox must return no error from Tx.Drop of %s", name)
		assert.Zerof(t, n, "an Outbox must drop nothing in Tx.Drop of %s", name)
	}
	assertSameDelivery(t, d, mustGetDelivery(t, o, "a.reminder"),
		"an Outbox must drop only the deliveries named in Tx.Drop")
}
