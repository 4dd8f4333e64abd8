package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

// deliveryBatchCases check seminar.DeliveryBatchGetter, for the outboxes
// that implement it.
var deliveryBatchCases = []testCase{
	{"Found", testDeliveryBatchFound},
	{"Missing", testDeliveryBatchMissing},
	{"Many", testDeliveryBatchMany},
	{"NoAliasing", testDeliveryBatchNoAliasing},
	{"DoneContext", testDeliveryBatchDoneContext},
}

// asDeliveryBatchGetter returns s as a seminar.DeliveryBatchGetter; Run
// only gives these cases stores that implement it.
func asDeliveryBatchGetter(t *testing.T, s seminar.Store) seminar.DeliveryBatchGetter {
	t.Helper()
	bg, ok := s.(seminar.DeliveryBatchGetter)
	require.True(t, ok, "a store made by newStore must implement seminar.DeliveryBatchGetter when the first one did")
	return bg
}

// mustDeliveriesOf calls DeliveriesOf or stops the test.
func mustDeliveriesOf(t *testing.T, bg seminar.DeliveryBatchGetter, ids ...string) map[string][]*seminar.Delivery {
	t.Helper()
	got, err := bg.DeliveriesOf(t.Context(), ids)
	require.NoError(t, err, "a DeliveryBatchGetter must read the deliveries of stored events with DeliveriesOf")
	return got
}

func testDeliveryBatchFound(t *testing.T, s seminar.Store) {
	o, bg := asOutbox(t, s), asDeliveryBatchGetter(t, s)
	full := fullDelivery(t, "full")
	mustAdd(t, o, full,
		newDelivery("a3", "a", seminar.KindReminder, claimNow.Add(time.Hour)),
		newDelivery("a1", "a", seminar.KindManual, claimNow),
		newDelivery("a0", "a", seminar.KindCancel, claimNow.Add(-time.Hour)),
		newDelivery("A9", "a", seminar.KindUpdate, claimNow),
		newDelivery("b1", "b", seminar.KindReminder, claimNow),
		newDelivery("c1", "c", seminar.KindReminder, claimNow))
	got := mustDeliveriesOf(t, bg, "a", full.EventID, "c")
	assert.ElementsMatch(t, []string{"a", full.EventID, "c"}, mapKeys(got),
		"a DeliveryBatchGetter must return from DeliveriesOf the events asked for that have deliveries, and only those")
	assert.Equal(t, []string{"a0", "A9", "a1", "a3"}, deliveryIDs(got["a"]),
		"a DeliveryBatchGetter must list an event's deliveries as Deliveries does: by DueAt and then by ID byte by byte")
	assert.Equal(t, []string{"c1"}, deliveryIDs(got["c"]),
		"a DeliveryBatchGetter must list only the deliveries of each event")
	if assert.Len(t, got[full.EventID], 1, "a DeliveryBatchGetter must list the one delivery of an event") {
		assertSameDelivery(t, full, got[full.EventID][0],
			"a DeliveryBatchGetter must return from DeliveriesOf every field of the delivery given to AddDeliveries")
	}
}

func testDeliveryBatchMissing(t *testing.T, s seminar.Store) {
	o, bg := asOutbox(t, s), asDeliveryBatchGetter(t, s)
	assert.Empty(t, mustDeliveriesOf(t, bg), "a DeliveryBatchGetter must return nothing from DeliveriesOf for no IDs")
	assert.Empty(t, mustDeliveriesOf(t, bg, "none"), "a DeliveryBatchGetter must return nothing, and no error, for events without deliveries")
	mustAdd(t, o, newDelivery("a1", "a", seminar.KindReminder, claimNow), newDelivery("A1", "A", seminar.KindReminder, claimNow))
	got := mustDeliveriesOf(t, bg, "a", "a", "none", "a ")
	assert.Equal(t, []string{"a"}, mapKeys(got),
		"a DeliveryBatchGetter must compare event IDs exactly, case and spaces included, and leave out events without deliveries")
	assert.Equal(t, []string{"a1"}, deliveryIDs(got["a"]),
		"a DeliveryBatchGetter must list each delivery once, even when its event's ID is given twice")
}

func testDeliveryBatchMany(t *testing.T, s seminar.Store) {
	o, bg := asOutbox(t, s), asDeliveryBatchGetter(t, s)
	var ds []*seminar.Delivery
	var ids []string
	for i := range 1000 {
		id := fmt.Sprintf("e%04d", i)
		ids = append(ids, id)
		ds = append(ds, newDelivery(id+".r", id, seminar.KindReminder, claimNow.Add(time.Duration(i)*time.Minute)))
	}
	mustAdd(t, o, ds...)
	got := mustDeliveriesOf(t, bg, ids...)
	assert.Len(t, got, 1000, "a DeliveryBatchGetter must read the deliveries of 1,000 events in one DeliveriesOf")
	for _, id := range ids {
		assert.Equal(t, []string{id + ".r"}, deliveryIDs(got[id]), "a DeliveryBatchGetter must give each event its own deliveries")
	}
}

func testDeliveryBatchNoAliasing(t *testing.T, s seminar.Store) {
	o, bg := asOutbox(t, s), asDeliveryBatchGetter(t, s)
	full := fullDelivery(t, "full")
	mustAdd(t, o, full)
	ids := []string{full.EventID}
	for _, d := range mustDeliveriesOf(t, bg, ids...)[full.EventID] {
		d.State = seminar.StateFailed
		d.Recipients[0] = "scribbled@example.org"
		d.Refused[0] = "scribbled@example.org"
	}
	assertSameDelivery(t, fullDelivery(t, "full"), mustGetDelivery(t, o, "full"),
		"a DeliveryBatchGetter must share no memory with the deliveries returned by DeliveriesOf")
}

func testDeliveryBatchDoneContext(t *testing.T, s seminar.Store) {
	o, bg := asOutbox(t, s), asDeliveryBatchGetter(t, s)
	mustAdd(t, o, newDelivery("a1", "a", seminar.KindReminder, claimNow))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := bg.DeliveriesOf(ctx, []string{"a"})
	assert.ErrorIs(t, err, context.Canceled, "a DeliveryBatchGetter must return an error wrapping ctx.Err() from DeliveriesOf with a done context")
}
