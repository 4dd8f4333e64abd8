package seminar_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/memstore"
)

// fixedClock returns a clock that reads at, and advances by one minute on
// each call so that consecutive writes get distinct times.
func fixedClock(at time.Time) func() time.Time {
	var mu sync.Mutex
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now := at
		at = at.Add(time.Minute)
		return now
	}
}

func newCalendar(t *testing.T) (*seminar.Calendar, *memstore.Store) {
	t.Helper()
	store := memstore.New()
	cal, err := seminar.New(store, &seminar.Options{
		Domain:   "csail.mit.edu",
		TimeZone: "America/New_York",
		Now:      fixedClock(seedCreated),
	})
	require.NoError(t, err)
	return cal, store
}

func TestNew(t *testing.T) {
	_, err := seminar.New(nil, nil)
	assert.ErrorIs(t, err, seminar.ErrInvalid, "a nil store is refused")
	_, err = seminar.New(memstore.New(), &seminar.Options{TimeZone: "Nowhere/Town"})
	assert.ErrorIs(t, err, seminar.ErrInvalid, "an unknown zone is refused")
	_, err = seminar.New(memstore.New(), &seminar.Options{Domain: "a@b"})
	assert.ErrorIs(t, err, seminar.ErrInvalid, "a domain with @ is refused")
	_, err = seminar.New(memstore.New(), &seminar.Options{Domain: "séminaire.example.org"})
	assert.ErrorIs(t, err, seminar.ErrInvalid, "a domain must be ASCII: it ends every Message-ID")
	cal, err := seminar.New(memstore.New(), nil)
	require.NoError(t, err)
	assert.Equal(t, time.UTC, cal.Location(), "months are read in UTC by default")
}

func TestCalendar_Deliveries(t *testing.T) {
	ctx := context.Background()
	cal, err := seminar.New(storeWithoutOutbox{memstore.New()}, nil)
	require.NoError(t, err)
	_, err = cal.Deliveries(ctx, "x")
	assert.ErrorIs(t, err, seminar.ErrInvalid, "a store without an outbox keeps no deliveries")
	assert.ErrorContains(t, err, "does not implement seminar.Outbox")
}

func TestCalendar_Create(t *testing.T) {
	ctx := context.Background()
	cal, _ := newCalendar(t)
	in := seedEvent(t)
	in.ID, in.Version, in.Sequence = "chosen-by-caller", 42, 7

	got, err := cal.Create(ctx, in)
	require.NoError(t, err)

	assert.Len(t, got.ID, 26, "IDs are 128 random bits in base32")
	assert.NotEqual(t, "chosen-by-caller", got.ID, "the calendar assigns IDs")
	assert.Equal(t, got.ID+"@csail.mit.edu", got.UID)
	assert.Equal(t, int64(1), got.Version)
	assert.Equal(t, 0, got.Sequence)
	assert.Equal(t, seminar.StatusScheduled, got.Status)
	assert.True(t, got.CreatedAt.Equal(seedCreated))
	assert.True(t, got.UpdatedAt.Equal(seedCreated))
	assert.Equal(t, "America/New_York", got.Start.Location().String(), "times come back in the event's zone")
	assert.Equal(t, "chosen-by-caller", in.ID, "Create leaves its argument alone")

	stored, err := cal.Get(ctx, got.ID)
	require.NoError(t, err)
	assert.Equal(t, got, stored)

	other, err := cal.Create(ctx, seedEvent(t))
	require.NoError(t, err)
	assert.NotEqual(t, got.ID, other.ID)

	withUID := seedEvent(t)
	withUID.UID = "imported-123@example.org"
	imported, err := cal.Create(ctx, withUID)
	require.NoError(t, err)
	assert.Equal(t, "imported-123@example.org", imported.UID, "a caller's UID is kept")
	_, err = cal.Create(ctx, withUID)
	assert.ErrorIs(t, err, seminar.ErrExists, "a UID is unique")
}

func TestCalendar_Create_invalidStoresNothing(t *testing.T) {
	ctx := context.Background()
	cal, store := newCalendar(t)
	existing, err := cal.Create(ctx, seedEvent(t))
	require.NoError(t, err)

	bad := seedEvent(t)
	bad.Speakers[0].Email = "not an address"
	_, err = cal.Create(ctx, bad)
	require.ErrorIs(t, err, seminar.ErrInvalid)

	_, err = cal.CreateMany(ctx, []*seminar.Event{seedEvent(t), bad, seedEvent(t)})
	var ve *seminar.ValidationError
	require.ErrorAs(t, err, &ve)
	_, ok := ve.Field("events[1].speakers[0].email")
	assert.True(t, ok, "a batch names the event of each problem: %v", ve.Fields)

	all, err := store.List(ctx, seminar.ListQuery{Limit: 100, Filter: seminar.Filter{IncludeCancelled: true}})
	require.NoError(t, err)
	require.Len(t, all, 1, "invalid input never stores anything")
	assert.Equal(t, existing.ID, all[0].ID)

	bad = existing.Clone()
	bad.Title = ""
	_, err = cal.Update(ctx, bad)
	require.ErrorIs(t, err, seminar.ErrInvalid)
	got, err := cal.Get(ctx, existing.ID)
	require.NoError(t, err)
	assert.Equal(t, existing, got, "an invalid update leaves the stored event as it was")
}

func TestCalendar_Update(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name        string
		edit        func(e *seminar.Event)
		sequenceUp  bool
		wantChanged string
	}{
		{"title only", func(e *seminar.Event) { e.Title = "A new title" }, false, ""},
		{"abstract only", func(e *seminar.Event) { e.Abstract = "New abstract" }, false, ""},
		{"start moves", func(e *seminar.Event) { e.Start = e.Start.Add(time.Hour); e.End = e.End.Add(time.Hour) }, true, "time"},
		{"end moves", func(e *seminar.Event) { e.End = e.End.Add(30 * time.Minute) }, true, "time"},
		{"zone changes", func(e *seminar.Event) { e.TimeZone = "America/Detroit" }, true, "time"},
		{"room changes", func(e *seminar.Event) { e.Location.Room = "32-G449" }, true, "location"},
		{"stream added", func(e *seminar.Event) { e.Location.URL = "https://mit.zoom.us/j/1" }, true, "location"},
		{"cancelled through update", func(e *seminar.Event) { e.Status = seminar.StatusCancelled }, true, "status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cal, _ := newCalendar(t)
			created, err := cal.Create(ctx, seedEvent(t))
			require.NoError(t, err)

			edit := created.Clone()
			tt.edit(edit)
			edit.CreatedBy = "someone else"
			edit.UID = "hijack@example.org"
			updated, err := cal.Update(ctx, edit)
			require.NoError(t, err)

			assert.Equal(t, created.Version+1, updated.Version, "every write raises Version")
			if tt.sequenceUp {
				assert.Equal(t, created.Sequence+1, updated.Sequence, "a change of %s raises Sequence", tt.wantChanged)
			} else {
				assert.Equal(t, created.Sequence, updated.Sequence, "a change of text keeps Sequence")
			}
			assert.Equal(t, created.UID, updated.UID, "UID never changes")
			assert.Equal(t, "Bolei Zhou", updated.CreatedBy, "CreatedBy never changes")
			assert.True(t, updated.CreatedAt.Equal(created.CreatedAt))
			assert.True(t, updated.UpdatedAt.After(created.UpdatedAt))

			got, err := cal.Get(ctx, created.ID)
			require.NoError(t, err)
			assert.Equal(t, updated, got)
		})
	}
}

func TestCalendar_Update_conflict(t *testing.T) {
	ctx := context.Background()
	cal, _ := newCalendar(t)
	created, err := cal.Create(ctx, seedEvent(t))
	require.NoError(t, err)

	alice, bob := created.Clone(), created.Clone()
	alice.Title = "Alice's title"
	bob.Location.Room = "Bob's room"
	_, err = cal.Update(ctx, alice)
	require.NoError(t, err)
	_, err = cal.Update(ctx, bob)
	require.ErrorIs(t, err, seminar.ErrConflict, "an edit made on a stale version is refused")
	assert.Contains(t, err.Error(), "version 2")

	got, err := cal.Get(ctx, created.ID)
	require.NoError(t, err)
	assert.Equal(t, "Alice's title", got.Title)
	assert.Equal(t, "32-D507", got.Location.Room, "the refused edit changed nothing")

	missing := created.Clone()
	missing.ID = "nosuchevent"
	_, err = cal.Update(ctx, missing)
	assert.ErrorIs(t, err, seminar.ErrNotFound)
}

func TestCalendar_Update_concurrent(t *testing.T) {
	ctx := context.Background()
	cal, _ := newCalendar(t)
	created, err := cal.Create(ctx, seedEvent(t))
	require.NoError(t, err)

	const n = 20
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			e := created.Clone()
			e.Title = fmt.Sprintf("edit %d", i)
			_, errs[i] = cal.Update(ctx, e)
		})
	}
	wg.Wait()
	winners := 0
	for _, err := range errs {
		if err == nil {
			winners++
			continue
		}
		assert.ErrorIs(t, err, seminar.ErrConflict)
	}
	assert.Equal(t, 1, winners, "exactly one of several edits of the same version wins")
}

func TestCalendar_Cancel(t *testing.T) {
	ctx := context.Background()
	cal, _ := newCalendar(t)
	created, err := cal.Create(ctx, seedEvent(t))
	require.NoError(t, err)

	cancelled, err := cal.Cancel(ctx, created.ID, "The speaker is ill.\nWe will reschedule.")
	require.NoError(t, err)
	assert.Equal(t, seminar.StatusCancelled, cancelled.Status)
	assert.Equal(t, "The speaker is ill.\nWe will reschedule.", cancelled.CancelReason)
	assert.Equal(t, created.Sequence+1, cancelled.Sequence)
	assert.Equal(t, created.Version+1, cancelled.Version)

	got, err := cal.Get(ctx, created.ID)
	require.NoError(t, err, "a cancelled event is kept")
	assert.True(t, got.Cancelled())

	_, err = cal.Cancel(ctx, created.ID, "again")
	assert.ErrorIs(t, err, seminar.ErrCancelled)
	_, err = cal.Cancel(ctx, "nosuchevent", "")
	assert.ErrorIs(t, err, seminar.ErrNotFound)

	reinstated := got.Clone()
	reinstated.Status = seminar.StatusScheduled
	reinstated.CancelReason = ""
	back, err := cal.Update(ctx, reinstated)
	require.NoError(t, err)
	assert.Equal(t, seminar.StatusScheduled, back.Status)
	assert.Equal(t, cancelled.Sequence+1, back.Sequence, "reinstating is a change of status")
}

func TestCalendar_Delete(t *testing.T) {
	ctx := context.Background()
	cal, _ := newCalendar(t)
	created, err := cal.Create(ctx, seedEvent(t))
	require.NoError(t, err)
	require.NoError(t, cal.Delete(ctx, created.ID))
	_, err = cal.Get(ctx, created.ID)
	assert.ErrorIs(t, err, seminar.ErrNotFound)
	err = cal.Delete(ctx, created.ID)
	assert.ErrorIs(t, err, seminar.ErrNotFound)
	assert.Contains(t, err.Error(), fmt.Sprintf("seminar: delete event %q: not found", created.ID))
}

// june is a small calendar around June 2017 in New York.
func june(t *testing.T, cal *seminar.Calendar) map[string]*seminar.Event {
	t.Helper()
	at := func(month time.Month, day, hour int) time.Time {
		ts, err := seminar.WallTime(2017, month, day, hour, 0, "America/New_York")
		require.NoError(t, err)
		return ts
	}
	talks := map[string]*seminar.Event{}
	add := func(name string, start time.Time, d time.Duration, edit func(e *seminar.Event)) {
		e := seedEvent(t)
		e.Title = name
		e.Start, e.End = start, start.Add(d)
		if edit != nil {
			edit(e)
		}
		created, err := cal.Create(context.Background(), e)
		require.NoError(t, err)
		talks[name] = created
	}
	_, err := cal.CreateSeries(context.Background(), &seminar.Series{Name: "Vision"})
	require.NoError(t, err)
	add("may", at(5, 30, 16), time.Hour, nil)
	add("overnight into june", at(5, 31, 23), 2*time.Hour, nil)
	add("first", at(6, 1, 0), time.Hour, nil)
	add("seed", at(6, 12, 16), time.Hour, nil)
	add("private", at(6, 13, 12), time.Hour, func(e *seminar.Event) { e.Public = false })
	add("vision series", at(6, 14, 12), time.Hour, func(e *seminar.Event) { e.Series = "vision" })
	add("cancelled", at(6, 15, 12), time.Hour, func(e *seminar.Event) { e.Status = seminar.StatusCancelled })
	add("overnight into july", at(6, 30, 23), 2*time.Hour, nil)
	add("july", at(7, 1, 0), time.Hour, nil)
	return talks
}

func titles(events []*seminar.Event) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.Title)
	}
	return out
}

func TestCalendar_Month(t *testing.T) {
	ctx := context.Background()
	cal, _ := newCalendar(t)
	june(t, cal)

	tests := []struct {
		name   string
		filter seminar.Filter
		want   []string
	}{
		{"default leaves out cancelled", seminar.Filter{},
			[]string{"overnight into june", "first", "seed", "private", "vision series", "overnight into july"}},
		{"public only", seminar.Filter{PublicOnly: true},
			[]string{"overnight into june", "first", "seed", "vision series", "overnight into july"}},
		{"with cancelled", seminar.Filter{IncludeCancelled: true},
			[]string{"overnight into june", "first", "seed", "private", "vision series", "cancelled", "overnight into july"}},
		{"series", seminar.Filter{Series: "vision"}, []string{"vision series"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cal.Month(ctx, 2017, time.June, tt.filter)
			require.NoError(t, err)
			assert.Equal(t, tt.want, titles(got))
		})
	}
}

func TestCalendar_List_paging(t *testing.T) {
	ctx := context.Background()
	cal, _ := newCalendar(t)
	talks := june(t, cal)

	var seen []string
	q := seminar.Query{Limit: 2, Filter: seminar.Filter{IncludeCancelled: true}}
	for pages := 0; ; pages++ {
		require.Less(t, pages, 10, "paging must end")
		page, err := cal.List(ctx, q)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Events), 2)
		seen = append(seen, titles(page.Events)...)
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	assert.Len(t, seen, len(talks), "every event exactly once")
	assert.Equal(t, []string{"may", "overnight into june", "first"}, seen[:3], "ordered by start")

	_, err := cal.List(ctx, seminar.Query{Cursor: "garbage!"})
	assert.ErrorIs(t, err, seminar.ErrInvalid)
	_, err = cal.List(ctx, seminar.Query{Limit: seminar.MaxPageSize + 1})
	assert.ErrorIs(t, err, seminar.ErrInvalid)
	from := time.Date(2017, 6, 1, 0, 0, 0, 0, time.UTC)
	_, err = cal.List(ctx, seminar.Query{From: from, To: from})
	var ve *seminar.ValidationError
	require.True(t, errors.As(err, &ve))
	_, ok := ve.Field("to")
	assert.True(t, ok)
}

func TestCalendar_ChangeToken(t *testing.T) {
	for name, store := range map[string]seminar.Store{
		"store tracks changes": memstore.New(),
		"calendar counts":      storeWithoutOutbox{memstore.New()},
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			cal, err := seminar.New(store, &seminar.Options{Now: fixedClock(seedCreated)})
			require.NoError(t, err)
			token := func() string {
				t.Helper()
				tok, err := cal.ChangeToken(ctx)
				require.NoError(t, err)
				return tok
			}
			seen := map[string]bool{token(): true}
			changed := func(what string) {
				t.Helper()
				tok := token()
				assert.False(t, seen[tok], "%s gives a new token", what)
				seen[tok] = true
			}
			e, err := cal.Create(ctx, seedEvent(t))
			require.NoError(t, err)
			changed("a create")
			before := token()
			_, err = cal.Get(ctx, e.ID)
			require.NoError(t, err)
			assert.Equal(t, before, token(), "a read is not a change")
			stale := e.Clone()
			e.Title = "New"
			e, err = cal.Update(ctx, e)
			require.NoError(t, err)
			changed("an update")
			before = token()
			_, err = cal.Update(ctx, stale)
			require.ErrorIs(t, err, seminar.ErrConflict)
			assert.Equal(t, before, token(), "a refused write is not a change")
			_, err = cal.Cancel(ctx, e.ID, "")
			require.NoError(t, err)
			changed("a cancellation")
			require.NoError(t, cal.Delete(ctx, e.ID))
			changed("a delete")
		})
	}
}

// TestCalendar_ChangeToken_otherWriter: with a Store that tracks changes, a
// write made through another Calendar on the same Store, as another process
// would, changes this Calendar's token too.
func TestCalendar_ChangeToken_otherWriter(t *testing.T) {
	ctx := context.Background()
	store := memstore.New()
	reader, err := seminar.New(store, nil)
	require.NoError(t, err)
	writer, err := seminar.New(store, nil)
	require.NoError(t, err)
	before, err := reader.ChangeToken(ctx)
	require.NoError(t, err)
	_, err = writer.Create(ctx, seedEvent(t))
	require.NoError(t, err)
	after, err := reader.ChangeToken(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, before, after, "a write through another Calendar is seen")
}

func TestCalendar_Create_zoneMustBeAPlace(t *testing.T) {
	ctx := context.Background()
	cal, store := newCalendar(t)
	refused := []string{"EST", "MST", "CET", "EET", "EST5EDT", "MST7MDT", "PST8PDT", "Etc/GMT+5", "Etc/GMT", "GMT", "GMT0", "Greenwich",
		"PST", "GMT+5"} // the last two do not even load
	for _, tz := range refused {
		t.Run(tz, func(t *testing.T) {
			e := seedEvent(t)
			e.TimeZone = tz
			_, err := cal.Create(ctx, e)
			var ve *seminar.ValidationError
			require.ErrorAs(t, err, &ve)
			f, ok := ve.Field("timeZone")
			require.True(t, ok, "the problem is the zone: %v", ve.Fields)
			assert.Contains(t, f.Message, "use an IANA name such as America/New_York", "the message says what to write instead")
			assert.Len(t, ve.Fields, 1, "the zone is reported once: %v", ve.Fields)
		})
	}
	all, err := store.List(ctx, seminar.ListQuery{Limit: 100})
	require.NoError(t, err)
	assert.Empty(t, all, "no event was stored in a zone that names no place")

	for _, tz := range []string{"UTC", "Etc/UTC", "America/New_York", "US/Eastern", "Asia/Calcutta", "Europe/London"} {
		e := seedEvent(t)
		e.TimeZone = tz
		_, err := cal.Create(ctx, e)
		assert.NoError(t, err, "%s is a place (or UTC)", tz)
	}

	e := seedEvent(t)
	e.TimeZone = "EST"
	assert.NoError(t, e.Validate(), "Validate takes every zone that loads: events read from calendar files carry such zones")

	e.Title = ""
	_, err = cal.Create(ctx, e)
	var ve *seminar.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.ElementsMatch(t, []string{"title", "timeZone"}, paths(ve), "every problem at once")
}

func TestCalendar_Update_zoneMustBeAPlace(t *testing.T) {
	ctx := context.Background()
	cal, _ := newCalendar(t)
	stored, err := cal.Create(ctx, seedEvent(t))
	require.NoError(t, err)

	edit := stored.Clone()
	edit.TimeZone = "EST5EDT"
	_, err = cal.Update(ctx, edit)
	var ve *seminar.ValidationError
	require.ErrorAs(t, err, &ve)
	f, ok := ve.Field("timeZone")
	require.True(t, ok, "%v", ve.Fields)
	assert.Contains(t, f.Message, `"EST5EDT" is an abbreviation or a daylight-saving rule, not a place; use an IANA name such as America/New_York`)
	got, err := cal.Get(ctx, stored.ID)
	require.NoError(t, err)
	assert.Equal(t, "America/New_York", got.TimeZone, "the refused edit changed nothing")
}

func paths(ve *seminar.ValidationError) []string {
	var out []string
	for _, f := range ve.Fields {
		out = append(out, f.Path)
	}
	return out
}
