// Package storetest checks that a seminar.Store keeps the contract written on
// the interface: what Create, Get, GetByUID, Update, Delete and List must
// return, which calls are atomic, and how listings are ordered, bounded and
// paged. When the store also implements seminar.Outbox, it checks the
// outbox too: how deliveries are kept, claimed under a lease, finished and
// dropped.
//
// Every check is a named subtest, and every failure message states the rule
// that was broken, such as "a Store must return ErrNotFound from Get for a
// missing ID", so that a failing store's author knows what to fix without
// reading the suite.
//
// # Usage
//
// Call Run from a test in the store's package, with a function that returns
// a new, empty store:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) seminar.Store {
//			s, err := mystore.Open(filepath.Join(t.TempDir(), "talks.db"))
//			require.NoError(t, err)
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// Run calls newStore once for each subtest, and once more to find out
// whether the store implements seminar.Outbox; the subtests run one after
// another, so a store backed by a shared server may empty one database in
// newStore instead of creating a new one each time. Run the suite with -race:
// several subtests call the store from many goroutines at once.
//
// A single subtest can be run on its own with -run, for example
// -run 'TestStore/Update/StaleVersion'.
//
// # What it checks
//
// The suite hands a store only what the Calendar would: events that pass
// Validate, with Start and End in whole seconds and the other times in whole
// microseconds, written in zones such as America/New_York, Asia/Kolkata and
// Pacific/Chatham. IDs are short lowercase ASCII, like the Calendar's; UIDs
// and every other string may hold any UTF-8 text.
//
//   - RoundTrip: every field comes back, from Get and from List, after
//     Create and after Update; times as the same instants, Slot included
//     (a zero Slot stays zero).
//   - Aliasing: returned events share no memory with the store or with the
//     arguments of Create and Update.
//   - Create: a batch is stored whole or not at all, with ErrExists for an
//     ID or UID already stored or repeated in the batch.
//   - NotFound: Get, Update and Delete of a missing or deleted ID.
//   - UID: GetByUID finds events by exact UID, follows updates and deletes.
//   - Update: the Version check, ErrConflict, ErrExists for a taken UID, and
//     listings that follow a moved event.
//   - List: the (Start, ID) order, the edges of [From, To), open ranges,
//     events lasting seminar.MaxDuration, and Limit.
//   - Filter: Series, PublicOnly and IncludeCancelled alone and combined.
//   - Paging: walking a listing with After and Limit while events are
//     created, so that none is skipped or repeated.
//   - Concurrency: concurrent Create, Get, List, Update and Delete, with
//     exactly one winner where the contract allows only one.
//   - Outbox: every Delivery field back from GetDelivery and Deliveries;
//     Tx.AddDeliveries idempotent by ID and atomic; Deliveries ordered by
//     DueAt and ID; which deliveries ClaimDue claims, in what order, with
//     what lease, never those of a cancelled or deleted event but its
//     cancellation notices; one claim per delivery among eight concurrent
//     dispatchers; an expired lease claimed again and the late Finish of
//     its first owner refused with ErrConflict; what Finish writes and when
//     it must refuse; what Tx.Drop drops and what it leaves; a delivery
//     left sending past its lease claimed again even for a cancelled event.
//   - Atomic: a transaction's event writes and outbox changes are kept
//     together or undone together, on an error, a refused delivery, a
//     panic or a done context; a Tx reads its own writes; Tx.Get holds the
//     event, so that concurrent read-modify-write transactions never
//     conflict; readers never see part of a transaction.
//   - Changed: each event's last write once, in mark order, a batch split
//     by the limit included, deleted events left out, undone transactions
//     given no mark, and no write passed by while writers run at once.
//   - Series, for a seminar.SeriesStore: every Series field back from
//     GetSeries, ListSeries and SeriesTx.GetSeries, after CreateSeries and
//     UpdateSeries, a nil Plan as nil; ErrExists for a stored ID; the
//     Version check of UpdateSeries with ErrConflict and ErrNotFound, alone
//     and among concurrent callers; DeleteSeries; ListSeries ordered by ID
//     byte by byte; a series and its slots committed together or undone
//     together; a SeriesTx reading its own writes; no memory shared; a done
//     context. Its Tx must implement seminar.SeriesTx.
//   - Batch, for a seminar.BatchGetter: GetMany and GetManyByUID return
//     every field of the events asked for, each once, and no others; keys
//     not stored, none, or given twice; exact comparison; more keys than
//     an SQL statement binds; the state after updates and deletes; no
//     memory shared; a done context.
//   - LastMark, for a seminar.LastMarker: ChangedWithLast returns the
//     events and next mark of Changed, a batch split by the limit
//     included, and the last mark, which every committed write raises,
//     series writes included, and which undone transactions and reads
//     leave.
//   - Changes, for a seminar.ChangeTracker: a new token after every
//     committed write, alone or concurrent, series writes included in a
//     store that keeps series, and the same token after reads and refused
//     writes.
//
// # Stores that send reminders
//
// The Outbox group runs only when the store returned by newStore implements
// seminar.Outbox; for any other store it is skipped, with a message saying
// so, and the rest of the suite runs. A store without an outbox can keep
// events but cannot send reminders: seminar.New refuses it when
// Options.Mailer is set. A store meant to send reminders must implement
// seminar.Outbox, and its author should check that the Outbox group ran and
// did not skip.
//
// # Stores that keep series
//
// The Series group runs only when the store implements seminar.SeriesStore,
// which every store in this module does. Such a store must also implement
// seminar.Outbox, as series are written only through SeriesTx, in the
// transactions of Atomic that write their talks. A store keeps an event's
// Series as it is given, whether or not a series of that ID is stored (the
// Calendar checks the reference, and the other groups store events of
// series nobody created): an SQL store must not hold a foreign key from
// events to series.
//
// The outbox cases create the events their deliveries belong to with
// Create, and delete one with Delete, in the same store: ClaimDue must look
// at the status of the event, so the outbox and the events must be one
// store.
package storetest

import (
	"testing"

	"github.com/seminarkit/seminar"
)

// Run checks that the stores made by newStore keep the contract of
// seminar.Store. newStore must return a store holding no events; it is called
// once for each subtest, with that subtest's t, so it may register clean-up
// with t.Cleanup and report set-up failures with t.Fatal.
func Run(t *testing.T, newStore func(t *testing.T) seminar.Store) {
	t.Helper()
	groups := []struct {
		name  string
		cases []testCase
	}{
		{"RoundTrip", roundTripCases},
		{"Aliasing", aliasingCases},
		{"Create", createCases},
		{"NotFound", notFoundCases},
		{"UID", uidCases},
		{"Update", updateCases},
		{"List", listCases},
		{"Filter", filterCases},
		{"Paging", pagingCases},
		{"Concurrency", concurrencyCases},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) { runCases(t, g.cases, newStore) })
	}
	t.Run("Outbox", func(t *testing.T) {
		if _, ok := newStore(t).(seminar.Outbox); !ok {
			t.Skip("the store does not implement seminar.Outbox, so the Outbox cases do not run; " +
				"a store meant to send reminders must implement it")
		}
		runCases(t, outboxCases, newStore)
	})
	t.Run("Atomic", func(t *testing.T) {
		if _, ok := newStore(t).(seminar.Outbox); !ok {
			t.Skip("the store does not implement seminar.Outbox, so the Atomic cases do not run")
		}
		runCases(t, atomicCases, newStore)
	})
	t.Run("Changed", func(t *testing.T) {
		if _, ok := newStore(t).(seminar.Outbox); !ok {
			t.Skip("the store does not implement seminar.Outbox, so the Changed cases do not run")
		}
		runCases(t, changedCases, newStore)
	})
	t.Run("Series", func(t *testing.T) {
		if _, ok := newStore(t).(seminar.SeriesStore); !ok {
			t.Skip("the store does not implement seminar.SeriesStore, so the Series cases do not run; " +
				"a Calendar on it keeps an event's Series as free text")
		}
		runCases(t, seriesCases, newStore)
	})
	t.Run("Batch", func(t *testing.T) {
		if _, ok := newStore(t).(seminar.BatchGetter); !ok {
			t.Skip("the store does not implement seminar.BatchGetter, so the Batch cases do not run; " +
				"an import then reads the store once per event")
		}
		runCases(t, batchCases, newStore)
	})
	t.Run("DeliveryBatch", func(t *testing.T) {
		s := newStore(t)
		_, outbox := s.(seminar.Outbox)
		if _, ok := s.(seminar.DeliveryBatchGetter); !ok || !outbox {
			t.Skip("the store does not implement seminar.Outbox and seminar.DeliveryBatchGetter, so the DeliveryBatch cases " +
				"do not run; Reconcile then reads the deliveries of each changed event on its own")
		}
		runCases(t, deliveryBatchCases, newStore)
	})
	t.Run("LastMark", func(t *testing.T) {
		st := newStore(t)
		if _, ok := st.(seminar.LastMarker); !ok {
			t.Skip("the store does not implement seminar.LastMarker, so the LastMark cases do not run; " +
				"a cache that follows the marks then reads the change token and the changed events apart")
		}
		if _, ok := st.(seminar.Outbox); !ok {
			t.Fatal("a LastMarker must be an Outbox, whose marks it reports")
		}
		if _, ok := st.(seminar.ChangeTracker); !ok {
			t.Fatal("a LastMarker must be a ChangeTracker, whose token its last mark stands in for")
		}
		runCases(t, lastMarkCases, newStore)
	})
	t.Run("Changes", func(t *testing.T) {
		if _, ok := newStore(t).(seminar.ChangeTracker); !ok {
			t.Skip("the store does not implement seminar.ChangeTracker, so the Changes cases do not run; " +
				"feeds then see only the writes of their own process until their maximum age")
		}
		runCases(t, changeCases, newStore)
	})
}

// runCases runs each case as a subtest of t with a new store.
func runCases(t *testing.T, cases []testCase, newStore func(t *testing.T) seminar.Store) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.run(t, newStore(t))
		})
	}
}

// testCase is one subtest of the suite. run gets a new, empty store.
type testCase struct {
	name string
	run  func(t *testing.T, s seminar.Store)
}
