package sqlite_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/internal/sqlstore/sqlstoretest"
	"github.com/seminarkit/seminar/store/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func changeToken(t *testing.T, s *sqlite.Store) string {
	t.Helper()
	token, err := s.ChangeToken(t.Context())
	require.NoError(t, err)
	return token
}

// change is an event as Changed returned it, one call with limit 1 each.
type change struct {
	id   string
	mark int64
}

// changesSince follows Changed from mark one event at a time, and returns
// what it saw and the mark it ended at.
func changesSince(t *testing.T, s *sqlite.Store, mark int64) ([]change, int64) {
	t.Helper()
	var seen []change
	for range 100 {
		events, next, err := s.Changed(t.Context(), mark, 1)
		require.NoError(t, err)
		if len(events) == 0 {
			return seen, next
		}
		require.Len(t, events, 1)
		seen = append(seen, change{events[0].ID, next})
		mark = next
	}
	t.Fatal("Changed did not come to an end")
	return nil, 0
}

// TestStore_Changed_MarksEachWrite: each event written takes a mark of its
// own, a batch consecutive ones, a Delete one too, in a transaction as
// outside.
func TestStore_Changed_MarksEachWrite(t *testing.T) {
	for kind, s := range stores(t) {
		t.Run(kind, func(t *testing.T) {
			ctx := t.Context()
			a, b, c, d := sampleEvent(1, time.Hour), sampleEvent(2, time.Hour), sampleEvent(3, time.Hour), sampleEvent(4, time.Hour)
			require.NoError(t, s.Create(ctx, a, b, c))
			seen, last := changesSince(t, s, 0)
			assert.Equal(t, []change{{a.ID, 1}, {b.ID, 2}, {c.ID, 3}}, seen, "a batch takes consecutive marks in its order")
			assert.Equal(t, int64(3), last)

			a.Version = 2
			require.NoError(t, s.Update(ctx, a, 1))
			require.NoError(t, s.Delete(ctx, b.ID))
			require.NoError(t, s.Atomic(ctx, func(tx seminar.Tx) error {
				c.Version = 2
				if err := tx.Create(ctx, d); err != nil {
					return err
				}
				return tx.Update(ctx, c, 1)
			}))
			seen, last = changesSince(t, s, 3)
			assert.Equal(t, []change{{a.ID, 4}, {d.ID, 6}, {c.ID, 7}}, seen,
				"each write after a mark is seen once, in the order of the writes; the Delete took mark 5")
			assert.Equal(t, int64(7), last)

			require.NoError(t, s.Delete(ctx, c.ID))
			seen, last = changesSince(t, s, 7)
			assert.Empty(t, seen)
			assert.Equal(t, int64(8), last, "a Delete of the event with the last mark must raise the mark")
			require.NoError(t, s.Create(ctx, c))
			seen, _ = changesSince(t, s, 8)
			assert.Equal(t, []change{{c.ID, 9}}, seen, "a mark is never handed out twice")

			stale := a.Clone()
			stale.Version = 9
			assert.ErrorIs(t, s.Update(ctx, stale, 7), seminar.ErrConflict)
			assert.ErrorIs(t, s.Create(ctx, a), seminar.ErrExists)
			seen, last = changesSince(t, s, 9)
			assert.Empty(t, seen)
			assert.Equal(t, int64(9), last, "a refused write takes no mark")
		})
	}
}

// TestStore_Changed_PlanWalksTheMarkIndex: Changed reads only the events
// after the mark, in the order of the index, and learns whether there are
// any from the end of the index.
func TestStore_Changed_PlanWalksTheMarkIndex(t *testing.T) {
	s, _ := openFile(t)
	plan := func(query string, args ...any) string {
		rows, err := sqlite.DB(s).QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+query, args...)
		require.NoError(t, err)
		defer rows.Close()
		var plan []string
		for rows.Next() {
			var id, parent, notUsed int
			var detail string
			require.NoError(t, rows.Scan(&id, &parent, &notUsed, &detail))
			plan = append(plan, detail)
		}
		require.NoError(t, rows.Err())
		return strings.Join(plan, "\n")
	}
	text := plan(sqlite.ChangedSQL, 0, 10)
	assert.Contains(t, text, "SEARCH events USING INDEX events_mark (mark>?)", "plan:\n%s", text)
	assert.NotContains(t, text, "TEMP B-TREE", "plan:\n%s", text)
	text = plan(sqlite.LastMarkAboveSQL, 0)
	assert.Contains(t, text, "USING COVERING INDEX events_mark (mark>?)", "plan:\n%s", text)
	assert.NotContains(t, text, "SCAN events", "plan:\n%s", text)
}

// TestStore_ChangeToken_SeesOtherHandles: the token follows the writes made
// through another handle on the file, as another process would make them.
func TestStore_ChangeToken_SeesOtherHandles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "talks.db")
	var handles []*sqlite.Store
	for range 2 {
		s, err := sqlite.Open(context.Background(), path, nil)
		require.NoError(t, err)
		t.Cleanup(func() { assert.NoError(t, s.Close()) })
		handles = append(handles, s)
	}
	reader, writer := handles[0], handles[1]
	ctx := t.Context()
	e := sampleEvent(1, time.Hour)
	next := e.Clone()
	next.Version = 2
	seen := map[string]string{"before any write": changeToken(t, reader)}
	for _, w := range []struct {
		name  string
		write func() error
	}{
		{"Create", func() error { return writer.Create(ctx, e) }},
		{"Update", func() error { return writer.Update(ctx, next, 1) }},
		{"Atomic", func() error {
			return writer.Atomic(ctx, func(tx seminar.Tx) error { return tx.Create(ctx, sampleEvent(2, time.Hour)) })
		}},
		{"Delete", func() error { return writer.Delete(ctx, e.ID) }},
	} {
		require.NoError(t, w.write(), w.name)
		token := changeToken(t, reader)
		for earlier, old := range seen {
			assert.NotEqualf(t, old, token, "the token after %s by another handle must differ from the one after %s", w.name, earlier)
		}
		seen[w.name] = token
	}
	token := changeToken(t, reader)
	assert.ErrorIs(t, writer.Delete(ctx, e.ID), seminar.ErrNotFound)
	assert.Equal(t, token, changeToken(t, reader), "a refused write must not change the token")
}

// TestOpen_MigratesMarks: a database of the schema before marks gets them,
// its events numbered in the order they were last written.
func TestOpen_MigratesMarks(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "v3.db")
	db := rawDB(t, path)
	v3 := fstest.MapFS{}
	for _, name := range []string{"0001_events.sql", "0002_series_index.sql", "0003_deliveries.sql"} {
		text, err := fs.ReadFile(sqlite.Migrations(), name)
		require.NoError(t, err)
		v3[name] = &fstest.MapFile{Data: text}
	}
	require.NoError(t, sqlite.Migrate(ctx, db, v3))
	insert, err := db.PrepareContext(ctx, "INSERT INTO events ("+rawColumns+") VALUES (?"+strings.Repeat(", ?", 40)+")")
	require.NoError(t, err)
	// Stored in one order, last written in another; in no series, so that
	// migration 5 makes none, which would take marks.
	old := sampleEvents(0, 3, time.Hour)
	for i, e := range old {
		e.UpdatedAt = base.Add(time.Duration(len(old)-i) * time.Minute)
		e.Series = ""
		require.NoError(t, rawInsert(ctx, insert, e))
	}
	require.NoError(t, insert.Close())
	require.NoError(t, db.Close())

	s, err := sqlite.Open(context.Background(), path, nil)
	require.NoError(t, err)
	defer s.Close()
	seen, last := changesSince(t, s, 0)
	assert.Equal(t, []change{{old[2].ID, 1}, {old[1].ID, 2}, {old[0].ID, 3}}, seen,
		"the events of an older database take marks in the order of their UpdatedAt")
	assert.Equal(t, int64(3), last)
	assert.Equal(t, "3", changeToken(t, s))
	events, _, err := s.Changed(ctx, 0, 10)
	require.NoError(t, err)
	require.Len(t, events, 3)
	assertSameEvent(t, old[2], events[0])

	require.NoError(t, s.Create(ctx, sampleEvent(7, time.Hour)))
	require.NoError(t, s.Delete(ctx, old[0].ID))
	seen, last = changesSince(t, s, 3)
	assert.Equal(t, []change{{sampleEvent(7, time.Hour).ID, 4}}, seen, "marks go on after those of the migrated events")
	assert.Equal(t, int64(5), last)
}

func TestStore_SeriesWritesChangeToken(t *testing.T) {
	s, _ := openFile(t)
	sqlstoretest.CheckSeriesWritesChangeToken(t, s)
}
