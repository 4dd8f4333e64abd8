package postgres_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/postgres"
)

// TestStore_SessionTimeZone writes and reads one schema through sessions
// in UTC and in Pacific/Chatham (UTC+12:45 or +13:45, where 30 June 11:15
// UTC is already 1 July): round trips and listings must not change with
// the session's TimeZone.
func TestStore_SessionTimeZone(t *testing.T) {
	schema := newSchema(t)
	stores := map[string]*postgres.Store{}
	for _, zone := range []string{"UTC", "Pacific/Chatham"} {
		pool := newPool(t, withRuntimeParam("timezone", zone))
		var shown string
		require.NoError(t, pool.QueryRow(t.Context(), "SHOW timezone").Scan(&shown))
		require.Equal(t, zone, shown, "the test needs sessions in %s", zone)
		s, err := postgres.New(t.Context(), pool, &postgres.Options{Schema: schema})
		require.NoError(t, err)
		stores[zone] = s
	}

	june := time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC)
	july := june.AddDate(0, 1, 0)
	starts := map[string]time.Time{
		"may31":      june.Add(-30 * time.Minute),
		"june1":      june,
		"chathamjul": time.Date(2026, time.June, 30, 11, 15, 0, 0, time.UTC),
		"lastsecond": july.Add(-time.Second),
		"july1":      july,
	}
	var events []*seminar.Event
	i := 0
	for id, start := range starts {
		e := sampleEvent(i, time.Hour)
		e.ID, e.UID = id, id+"@example.org"
		e.Start, e.End = start, start.Add(10*time.Minute)
		e.CreatedAt = time.Date(2026, time.January, 1, 0, 0, 0, 123456000, time.UTC)
		events = append(events, e)
		i++
	}
	// Half the events through each session.
	require.NoError(t, stores["Pacific/Chatham"].Create(t.Context(), events[:2]...))
	require.NoError(t, stores["UTC"].Create(t.Context(), events[2:]...))

	for zone, s := range stores {
		for _, e := range events {
			got, err := s.Get(t.Context(), e.ID)
			require.NoError(t, err)
			assertSameEvent(t, e, got, fmt.Sprintf("an event read through a %s session must hold the instants written", zone))
		}
		listed, err := s.List(t.Context(), seminar.ListQuery{From: june, To: july, Limit: 10})
		require.NoError(t, err)
		var ids []string
		for _, e := range listed {
			ids = append(ids, e.ID)
		}
		assert.Equalf(t, []string{"june1", "chathamjul", "lastsecond"}, ids,
			"a listing of June (in UTC) through a %s session must hold the events starting in June in UTC, and the one ending after June began", zone)
	}

	// A lease taken through one session is compared as an instant through
	// the other.
	due := time.Date(2026, time.June, 30, 11, 50, 0, 0, time.UTC)
	require.NoError(t, addDeliveries(t.Context(), stores["UTC"], &seminar.Delivery{
		ID: "d", EventID: "june1", Kind: seminar.KindManual, DueAt: due, State: seminar.StatePending,
	}))
	assert.Empty(t, claim(t, stores["Pacific/Chatham"], due.Add(-time.Microsecond)), "a delivery must not be due before its DueAt in any session")
	claimed := claim(t, stores["Pacific/Chatham"], due)
	require.Len(t, claimed, 1, "a delivery must be due at its DueAt in any session")
	assert.True(t, claimed[0].LeaseUntil.Equal(due.Add(time.Minute)), "the lease must end at now+lease")
	claimed[0].State = seminar.StateSent
	assert.NoError(t, stores["UTC"].Finish(t.Context(), claimed[0]), "a claim made in one session must be finished in another")
}

func claim(t *testing.T, s *postgres.Store, now time.Time) []*seminar.Delivery {
	t.Helper()
	ds, err := s.ClaimDue(t.Context(), now, "me", time.Minute, 10)
	require.NoError(t, err)
	return ds
}
