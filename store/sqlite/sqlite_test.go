package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stores returns a new store of each kind: a file and an in-memory database.
func stores(t *testing.T) map[string]*sqlite.Store {
	t.Helper()
	mem, err := sqlite.Open(context.Background(), sqlite.Memory, nil)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, mem.Close()) })
	file, _ := openFile(t)
	return map[string]*sqlite.Store{"file": file, "memory": mem}
}

func TestOpen_InvalidOptions(t *testing.T) {
	for name, c := range map[string]struct {
		path string
		opts *sqlite.Options
	}{
		"empty path":            {"", nil},
		"negative busy timeout": {"x.db", &sqlite.Options{BusyTimeout: -time.Second}},
		"negative conns":        {"x.db", &sqlite.Options{MaxOpenConns: -1}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := sqlite.Open(context.Background(), c.path, c.opts)
			assert.ErrorIs(t, err, seminar.ErrInvalid)
			assert.ErrorContains(t, err, "sqlite: ")
		})
	}
}

func TestOpen_PathIsTakenLiterally(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "my talks?x=1#frag%20 ü.db")
	s, err := sqlite.Open(context.Background(), path, nil)
	require.NoError(t, err)
	require.NoError(t, s.Create(t.Context(), sampleEvent(1, time.Hour)))
	require.NoError(t, s.Close())
	_, err = os.Stat(path)
	assert.NoError(t, err, "the database must be the file named by path, with '?', '#' and '%' as they are")
}

func TestOpen_ConnectionSettings(t *testing.T) {
	s, _ := openFile(t)
	db := sqlite.DB(s)
	ctx := t.Context()
	// Hold several connections at once so that each is a different one.
	var conns []*sql.Conn
	for range 4 {
		c, err := db.Conn(ctx)
		require.NoError(t, err)
		conns = append(conns, c)
	}
	for i, c := range conns {
		for pragma, want := range map[string]string{
			"journal_mode": "wal",
			"busy_timeout": "5000",
			"foreign_keys": "1",
			"synchronous":  "1", // NORMAL
		} {
			var got string
			require.NoError(t, c.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got))
			assert.Equalf(t, want, strings.ToLower(got), "connection %d: PRAGMA %s", i, pragma)
		}
		require.NoError(t, c.Close())
	}
}

func TestOpen_TransactionsTakeTheWriteLockAtBegin(t *testing.T) {
	s, path := openFile(t)
	tx, err := sqlite.DB(s).BeginTx(t.Context(), nil)
	require.NoError(t, err)
	defer tx.Rollback()

	// A deferred BEGIN takes no lock, so another writer would get in. An
	// immediate one holds the write lock from the start.
	other, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(50)")
	require.NoError(t, err)
	defer other.Close()
	_, err = other.ExecContext(t.Context(), "BEGIN IMMEDIATE")
	assert.ErrorContains(t, err, "SQLITE_BUSY", "a transaction of the store must hold the write lock from BEGIN on")
}

func TestOpen_MemoryDatabasesAreSeparate(t *testing.T) {
	a, err := sqlite.Open(context.Background(), sqlite.Memory, nil)
	require.NoError(t, err)
	defer a.Close()
	b, err := sqlite.Open(context.Background(), sqlite.Memory, nil)
	require.NoError(t, err)
	defer b.Close()
	require.NoError(t, a.Create(t.Context(), sampleEvent(1, time.Hour)))
	_, err = b.Get(t.Context(), sampleEvent(1, time.Hour).ID)
	assert.ErrorIs(t, err, seminar.ErrNotFound)
}

func TestStore_RoundTrip(t *testing.T) {
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	require.NoError(t, err)
	cases := map[string]func(e *seminar.Event){
		"every field set": func(e *seminar.Event) {},
		"nil lists": func(e *seminar.Event) {
			e.Speakers, e.Links, e.ResearchAreas, e.ImpactAreas = nil, nil, nil, nil
			e.Reminders.Lists, e.Reminders.Schedule = nil, nil
		},
		"empty lists": func(e *seminar.Event) {
			e.Speakers, e.Links, e.ResearchAreas, e.ImpactAreas = []seminar.Person{}, []seminar.Link{}, []string{}, []string{}
			e.Reminders.Lists, e.Reminders.Schedule = []string{}, []time.Duration{}
		},
		"text that JSON and SQL must escape": func(e *seminar.Event) {
			e.Title = `Robert'); DROP TABLE events;-- "quoted" \ back`
			e.ResearchAreas = []string{`"quoted"`, `back\slash`, "line\u2028separator", "emoji 🎉", "nul\x00byte", ""}
			e.Speakers = []seminar.Person{{Name: "<b>&amp;</b>", Bio: "tab\tand\r\nbreaks"}, {}}
			e.Links = []seminar.Link{{URL: "https://example.org/?a=1&b=%20"}}
			e.Abstract = "multi\nline\r\nabstract with ' and \""
		},
		"times in other zones, to the nanosecond": func(e *seminar.Event) {
			e.Start = time.Date(2024, 3, 10, 2, 30, 0, 123456789, kolkata)
			e.End = e.Start.Add(90 * time.Minute)
			e.CreatedAt = time.Date(2023, 1, 1, 0, 0, 0, 1, kolkata)
			e.UpdatedAt = e.CreatedAt.Add(time.Nanosecond)
			e.TimeZone = "Asia/Kolkata"
		},
		"times at the ends of the stored range": func(e *seminar.Event) {
			e.Start = time.Date(1678, 1, 1, 0, 0, 0, 0, time.UTC)
			e.End = time.Date(2261, 12, 31, 23, 59, 59, 999999999, time.UTC)
		},
		"zero times": func(e *seminar.Event) {
			e.Start, e.End, e.CreatedAt, e.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		},
		"cancelled": func(e *seminar.Event) {
			e.Status = seminar.StatusCancelled
			e.CancelReason = "Speaker ill; we will reschedule."
		},
		"zero status and values": func(e *seminar.Event) {
			*e = seminar.Event{ID: e.ID, UID: e.UID}
		},
	}
	for kind, s := range stores(t) {
		for name, change := range cases {
			t.Run(kind+"/"+name, func(t *testing.T) {
				e := sampleEvent(len(name), time.Hour)
				e.ID += kind + name
				e.UID += kind + name
				change(e)
				want := e.Clone()
				require.NoError(t, s.Create(t.Context(), e))
				got, err := s.Get(t.Context(), e.ID)
				require.NoError(t, err)
				assertSameEvent(t, want, got)
				assert.Equal(t, want.Speakers == nil, got.Speakers == nil, "nil speakers must stay nil, empty must stay empty")
				assert.Equal(t, want.Reminders.Schedule == nil, got.Reminders.Schedule == nil, "nil schedule must stay nil, empty must stay empty")

				got.Version++
				got.Title += " (updated)"
				require.NoError(t, s.Update(t.Context(), got, want.Version))
				again, err := s.Get(t.Context(), e.ID)
				require.NoError(t, err)
				assertSameEvent(t, got, again)
			})
		}
	}
}

func TestStore_TimesOutOfRange(t *testing.T) {
	s, _ := openFile(t)
	e := sampleEvent(1, time.Hour)
	e.Start = time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
	err := s.Create(t.Context(), sampleEvent(2, time.Hour), e)
	assert.ErrorIs(t, err, seminar.ErrInvalid)
	assert.ErrorContains(t, err, "1678 to 2261")
	_, err = s.Get(t.Context(), sampleEvent(2, time.Hour).ID)
	assert.ErrorIs(t, err, seminar.ErrNotFound, "a failed Create must store nothing")
}

func TestStore_Create(t *testing.T) {
	ctx := t.Context()
	for kind, s := range stores(t) {
		t.Run(kind, func(t *testing.T) {
			stored := sampleEvent(1, time.Hour)
			require.NoError(t, s.Create(ctx, stored))

			sameUID := sampleEvent(3, time.Hour)
			sameUID.UID = stored.UID
			for name, batch := range map[string][]*seminar.Event{
				"id taken":  {sampleEvent(2, time.Hour), sampleEvent(1, time.Hour)},
				"uid taken": {sampleEvent(2, time.Hour), sameUID},
				"id twice":  {sampleEvent(2, time.Hour), sampleEvent(2, time.Hour)},
				"uid twice": {sampleEvent(2, time.Hour), func() *seminar.Event { e := sampleEvent(4, time.Hour); e.UID = sampleEvent(2, time.Hour).UID; return e }()},
				"nil event": {sampleEvent(2, time.Hour), nil},
			} {
				t.Run(name, func(t *testing.T) {
					err := s.Create(ctx, batch...)
					if name == "nil event" {
						assert.ErrorIs(t, err, seminar.ErrInvalid)
					} else {
						assert.ErrorIs(t, err, seminar.ErrExists)
					}
					assert.True(t, strings.HasPrefix(err.Error(), "sqlite: "), err.Error())
					_, err = s.Get(ctx, sampleEvent(2, time.Hour).ID)
					assert.ErrorIs(t, err, seminar.ErrNotFound, "a failed Create must store none of its events")
				})
			}
			assert.NoError(t, s.Create(ctx), "creating no events is not an error")
		})
	}
}

func TestStore_Update(t *testing.T) {
	ctx := t.Context()
	for kind, s := range stores(t) {
		t.Run(kind, func(t *testing.T) {
			a, b := sampleEvent(1, time.Hour), sampleEvent(2, time.Hour)
			require.NoError(t, s.Create(ctx, a, b))

			next := a.Clone()
			next.Version = 2
			next.Title = "New title"
			require.NoError(t, s.Update(ctx, next, 1))

			stale := a.Clone()
			stale.Version = 2
			stale.Title = "Stale edit"
			err := s.Update(ctx, stale, 1)
			assert.ErrorIs(t, err, seminar.ErrConflict)
			assert.ErrorContains(t, err, "sqlite: update event")

			missing := sampleEvent(9, time.Hour)
			assert.ErrorIs(t, s.Update(ctx, missing, 1), seminar.ErrNotFound)

			taken := next.Clone()
			taken.Version = 3
			taken.UID = b.UID
			assert.ErrorIs(t, s.Update(ctx, taken, 2), seminar.ErrExists)

			got, err := s.Get(ctx, a.ID)
			require.NoError(t, err)
			assertSameEvent(t, next, got)
		})
	}
}

// TestStore_Update_IndexedColumns: an Update that changes the UID, the
// series or the start, which indexes hold, is found by them afterwards, and
// takes one mark as any other.
func TestStore_Update_IndexedColumns(t *testing.T) {
	for name, edit := range map[string]func(e *seminar.Event){
		"uid":    func(e *seminar.Event) { e.UID = "moved@example.org" },
		"series": func(e *seminar.Event) { e.Series = "Moved" },
		"start":  func(e *seminar.Event) { e.Start, e.End = e.Start.AddDate(1, 0, 0), e.End.AddDate(1, 0, 0) },
		"none":   func(e *seminar.Event) { e.Title = "Renamed" },
	} {
		t.Run(name, func(t *testing.T) {
			s, _ := openFile(t)
			ctx := t.Context()
			e := sampleEvent(1, time.Hour)
			require.NoError(t, s.Create(ctx, e, sampleEvent(2, time.Hour)))
			next := e.Clone()
			next.Version = 2
			edit(next)
			require.NoError(t, s.Update(ctx, next, 1))

			got, err := s.GetByUID(ctx, next.UID)
			require.NoError(t, err)
			assertSameEvent(t, next, got)
			listed, err := s.List(ctx, seminar.ListQuery{
				From: next.Start, To: next.End, Filter: seminar.Filter{Series: next.Series}, Limit: 10,
			})
			require.NoError(t, err)
			require.Len(t, listed, 1, "the event must be listed at its new start, in its new series")
			assert.Equal(t, next.ID, listed[0].ID)
			seen, last := changesSince(t, s, 2)
			assert.Equal(t, []change{{next.ID, 3}}, seen, "an Update takes one mark")
			assert.Equal(t, int64(3), last)

			var check string
			require.NoError(t, sqlite.DB(s).QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check))
			assert.Equal(t, "ok", check)
		})
	}
}

func TestStore_Delete(t *testing.T) {
	ctx := t.Context()
	for kind, s := range stores(t) {
		t.Run(kind, func(t *testing.T) {
			e := sampleEvent(1, time.Hour)
			require.NoError(t, s.Create(ctx, e))
			require.NoError(t, s.Delete(ctx, e.ID))
			_, err := s.Get(ctx, e.ID)
			assert.ErrorIs(t, err, seminar.ErrNotFound)
			err = s.Delete(ctx, e.ID)
			assert.ErrorIs(t, err, seminar.ErrNotFound)
			assert.ErrorContains(t, err, `sqlite: delete event "ev0000001"`)
			require.NoError(t, s.Create(ctx, e), "a deleted event's ID and UID are free again")
		})
	}
}

func TestStore_CancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for kind, s := range stores(t) {
		t.Run(kind, func(t *testing.T) {
			e := sampleEvent(1, time.Hour)
			assert.ErrorIs(t, s.Create(ctx, e), context.Canceled)
			assert.ErrorIs(t, s.Create(ctx), context.Canceled, "a done context wins over an empty batch")
			_, err := s.Get(ctx, e.ID)
			assert.ErrorIs(t, err, context.Canceled)
			_, err = s.List(ctx, seminar.ListQuery{Limit: 10})
			assert.ErrorIs(t, err, context.Canceled)
			assert.ErrorIs(t, s.Update(ctx, e, 1), context.Canceled)
			assert.ErrorIs(t, s.Delete(ctx, e.ID), context.Canceled)
			_, err = s.Get(t.Context(), e.ID)
			assert.ErrorIs(t, err, seminar.ErrNotFound, "a cancelled Create must store nothing")
		})
	}
}

func TestStore_ReopenKeepsEverything(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "talks.db")
	s, err := sqlite.Open(context.Background(), path, nil)
	require.NoError(t, err)
	events := sampleEvents(0, 1000, 3*time.Hour)
	require.NoError(t, s.Create(ctx, events...))
	events[10].Version = 2
	events[10].Title = "Updated before close"
	require.NoError(t, s.Update(ctx, events[10], 1))
	require.NoError(t, s.Delete(ctx, events[20].ID))
	events = append(events[:20], events[21:]...)
	require.NoError(t, s.Close())

	s, err = sqlite.Open(context.Background(), path, nil)
	require.NoError(t, err)
	defer s.Close()
	got, err := s.List(ctx, seminar.ListQuery{Filter: seminar.Filter{IncludeCancelled: true}, Limit: 5000})
	require.NoError(t, err)
	require.Len(t, got, len(events))
	for i := range events {
		assertSameEvent(t, events[i], got[i])
	}
}

func TestStore_ClosedStoreFails(t *testing.T) {
	s, err := sqlite.Open(context.Background(), sqlite.Memory, nil)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	_, err = s.Get(t.Context(), "x")
	assert.Error(t, err)
	assert.False(t, errors.Is(err, seminar.ErrNotFound), "a closed store must not claim the event is missing")
}

func TestStore_ConcurrentReadersAndWritersOnMemory(t *testing.T) {
	s, err := sqlite.Open(context.Background(), sqlite.Memory, nil)
	require.NoError(t, err)
	defer s.Close()
	ctx := t.Context()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 25 {
				e := sampleEvent(g*100+i, time.Hour)
				assert.NoError(t, s.Create(ctx, e))
				_, err := s.List(ctx, seminar.ListQuery{Limit: 10})
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	all, err := s.List(ctx, seminar.ListQuery{Filter: seminar.Filter{IncludeCancelled: true}, Limit: 1000})
	require.NoError(t, err)
	assert.Len(t, all, 100)
}
