package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

// The outbox cases claim at claimNow, with leases of claimLease, and make
// deliveries due around it. Both are whole microseconds, like every time the
// suite gives a store.
var (
	claimNow   = june.Add(9 * time.Hour)
	claimLease = 5 * time.Minute
)

// liveEvent is the ID of the scheduled event that the outbox cases give
// their deliveries to, unless a case is about the event's status.
const liveEvent = "live"

// newDelivery returns a pending delivery of eventID due at due, as the
// Calendar would add it: Lead set for a reminder, one recipient, a
// Message-ID, no lease, nothing sent.
func newDelivery(id, eventID string, kind seminar.DeliveryKind, due time.Time) *seminar.Delivery {
	d := &seminar.Delivery{
		ID:         id,
		EventID:    eventID,
		Kind:       kind,
		Sequence:   1,
		DueAt:      due,
		State:      seminar.StatePending,
		Recipients: []string{"seminars@example.org"},
		MessageID:  id + "@storetest.invalid",
		UpdatedAt:  time.Date(2026, time.May, 20, 8, 0, 0, 0, time.UTC),
	}
	if kind == seminar.KindReminder {
		d.Lead = 24 * time.Hour
	}
	return d
}

// dueDelivery returns a pending reminder of liveEvent due minutes before
// claimNow (after it, for negative minutes).
func dueDelivery(id string, minutes int) *seminar.Delivery {
	return newDelivery(id, liveEvent, seminar.KindReminder, claimNow.Add(-time.Duration(minutes)*time.Minute))
}

// fullDelivery returns a delivery with every field set: non-ASCII text,
// several recipients, and times at odd microseconds in three zones with odd
// offsets, so that a store that drops, truncates or re-zones anything is
// caught.
func fullDelivery(t *testing.T, id string) *seminar.Delivery {
	t.Helper()
	ny, chatham, kolkata := zone(t, "America/New_York"), zone(t, "Pacific/Chatham"), zone(t, "Asia/Kolkata")
	return &seminar.Delivery{
		ID:         id,
		EventID:    "exposé",
		Kind:       seminar.KindReminder,
		Lead:       90*time.Minute + 15*time.Second,
		Sequence:   1<<31 - 1,
		DueAt:      time.Date(2026, time.June, 11, 14, 29, 44, 123456000, ny),
		State:      seminar.StateRetry,
		Recipients: []string{"séminaires@example.org", "vision@例え.jp", "z@example.org"},
		Attempts:   3,
		LeaseOwner: "dispatcher — hôte ☕ 7",
		LeaseUntil: time.Date(2026, time.June, 11, 14, 34, 44, 999999000, chatham),
		MessageID:  id + ".s7@séminaire.exämple.org",
		LastError:  "451 4.7.1 Réessayez plus tard — 稍后再试\r\nsecond line",
		Refused:    []string{"gone@example.org", "ünknown@example.org"},
		Note:       "the place is now 32-G449 « Kiva » (was 32-D507)\nsecond line",
		SentAt:     time.Date(2026, time.June, 10, 9, 0, 0, 1000, kolkata),
		UpdatedAt:  time.Date(2026, time.June, 11, 14, 30, 1, 500000000, chatham),
	}
}

// assertSameDelivery checks that got is want as the Store contract promises
// to give it back: every time the same instant (in any Location), a nil or
// empty list back as nil or empty, and everything else identical. rule
// names what the store was asked to do, for the failure message.
func assertSameDelivery(t *testing.T, want, got *seminar.Delivery, rule string) bool {
	t.Helper()
	if !assert.NotNil(t, got, rule) {
		return false
	}
	w, g := *want, *got
	ok := true
	for _, f := range []struct {
		name      string
		want, got *time.Time
	}{
		{"DueAt", &w.DueAt, &g.DueAt},
		{"LeaseUntil", &w.LeaseUntil, &g.LeaseUntil},
		{"SentAt", &w.SentAt, &g.SentAt},
		{"UpdatedAt", &w.UpdatedAt, &g.UpdatedAt},
	} {
		ok = assert.Truef(t, f.want.Equal(*f.got), "%s: %s came back as %s, want the instant %s",
			rule, f.name, formatTime(*f.got), formatTime(*f.want)) && ok
		*f.got = *f.want
	}
	sameIfEmpty(w.Recipients, &g.Recipients)
	sameIfEmpty(w.Refused, &g.Refused)
	return assert.Equal(t, w, g, rule) && ok
}

// formatTime shows a time for a failure message, the zero time as such.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "the zero time"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// claimed returns d as a claim by owner at now must leave it.
func claimed(d *seminar.Delivery, owner string, now time.Time) *seminar.Delivery {
	c := d.Clone()
	c.State = seminar.StateSending
	c.LeaseOwner = owner
	c.LeaseUntil = now.Add(claimLease)
	c.Attempts++
	return c
}

// asOutbox returns s as a seminar.Outbox; Run only gives the outbox cases
// stores that implement it.
func asOutbox(t *testing.T, s seminar.Store) seminar.Outbox {
	t.Helper()
	o, ok := s.(seminar.Outbox)
	require.True(t, ok, "a store made by newStore must implement seminar.Outbox when the first one did")
	return o
}

// mustAdd stores deliveries in one call to Tx.AddDeliveries or stops the
// test.
func mustAdd(t *testing.T, o seminar.Outbox, ds ...*seminar.Delivery) {
	t.Helper()
	require.NoError(t, addDeliveries(t.Context(), o, ds...),
		"an Outbox must add deliveries whose IDs are not stored yet")
}

// addDeliveries calls Tx.AddDeliveries in a transaction of its own.
func addDeliveries(ctx context.Context, o seminar.Outbox, ds ...*seminar.Delivery) error {
	return o.Atomic(ctx, func(tx seminar.Tx) error { return tx.AddDeliveries(ctx, ds...) })
}

// drop calls Tx.Drop in a transaction of its own.
func drop(ctx context.Context, o seminar.Outbox, reason string, ids ...string) (int, error) {
	var n int
	err := o.Atomic(ctx, func(tx seminar.Tx) error {
		var err error
		n, err = tx.Drop(ctx, reason, ids...)
		return err
	})
	return n, err
}

// mustGetDelivery returns the stored delivery with the given ID or stops the
// test.
func mustGetDelivery(t *testing.T, o seminar.Outbox, id string) *seminar.Delivery {
	t.Helper()
	d, err := o.GetDelivery(t.Context(), id)
	require.NoError(t, err, "an Outbox must return a stored delivery from GetDelivery")
	require.NotNil(t, d, "an Outbox must return a non-nil delivery from GetDelivery when it returns no error")
	return d
}

// mustDeliveries returns the deliveries of an event or stops the test.
func mustDeliveries(t *testing.T, o seminar.Outbox, eventID string) []*seminar.Delivery {
	t.Helper()
	ds, err := o.Deliveries(t.Context(), eventID)
	require.NoError(t, err, "an Outbox must list the deliveries of an event")
	for _, d := range ds {
		require.NotNil(t, d, "an Outbox must not list nil deliveries")
	}
	return ds
}

// mustClaim claims at now for owner with claimLease, or stops the test.
func mustClaim(t *testing.T, o seminar.Outbox, now time.Time, owner string, limit int) []*seminar.Delivery {
	t.Helper()
	ds, err := o.ClaimDue(t.Context(), now, owner, claimLease, limit)
	require.NoError(t, err, "an Outbox must claim due deliveries")
	for _, d := range ds {
		require.NotNil(t, d, "an Outbox must not claim nil deliveries")
	}
	return ds
}

// deliveryIDs returns the IDs of ds, in order.
func deliveryIDs(ds []*seminar.Delivery) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

// sortedIDs returns the IDs of ds in the order of an Outbox listing: by
// DueAt, then ID.
func sortedIDs(ds ...*seminar.Delivery) []string {
	sorted := slices.Clone(ds)
	slices.SortFunc(sorted, func(a, b *seminar.Delivery) int {
		if c := a.DueAt.Compare(b.DueAt); c != 0 {
			return c
		}
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return deliveryIDs(sorted)
}
