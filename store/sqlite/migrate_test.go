package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/internal/sqlstore/sqlstoretest"
	"github.com/seminarkit/seminar/store/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawDB opens path with the settings the store uses, without migrating.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", sqlite.DSN(path))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func userVersion(t *testing.T, db *sql.DB) int {
	t.Helper()
	var v int
	require.NoError(t, db.QueryRowContext(t.Context(), "PRAGMA user_version").Scan(&v))
	return v
}

func latestVersion(t *testing.T) int {
	t.Helper()
	entries, err := fs.ReadDir(sqlite.Migrations(), ".")
	require.NoError(t, err)
	return len(entries)
}

func TestOpen_MigratesAnOlderDatabase(t *testing.T) {
	require.Greater(t, latestVersion(t), 1, "this test needs a schema with more than one migration")
	path := filepath.Join(t.TempDir(), "old.db")

	// A database as version 1 of the schema left it, with one event.
	old := rawDB(t, path)
	first, err := fs.ReadFile(sqlite.Migrations(), "0001_events.sql")
	require.NoError(t, err)
	_, err = old.ExecContext(t.Context(), string(first)+`;
		INSERT INTO events VALUES (
			'old', 'old@example.org', 'Written by version 1', 'Seminar', 'Theory', '[{"name":"Ada"}]',
			'', '', '', '', '', '', '', '', '', '', '', '',
			1496332800000000000, 1496336400000000000, 'America/New_York',
			'32-D507', '', '', '', '', 1, 'Abstract', NULL, '["Algorithms"]', '[]',
			NULL, '', '[86400000000000]', 'scheduled', '', 0, 1, 'alice', 1496000000000000000, 1496000000000000000);
		PRAGMA user_version = 1;`)
	require.NoError(t, err)
	require.NoError(t, old.Close())
	start := time.Date(2017, time.June, 1, 16, 0, 0, 0, time.UTC)
	created := time.Unix(1496000000, 0)
	want := &seminar.Event{
		ID: "old", UID: "old@example.org", Title: "Written by version 1", Type: "Seminar", Series: "theory",
		Speakers: []seminar.Person{{Name: "Ada"}}, Start: start, End: start.Add(time.Hour), TimeZone: "America/New_York",
		Location: seminar.Location{Room: "32-D507"}, Public: true, Abstract: "Abstract",
		ResearchAreas: []string{"Algorithms"}, ImpactAreas: []string{},
		Reminders: seminar.Reminders{Schedule: []time.Duration{24 * time.Hour}},
		Status:    seminar.StatusScheduled, Version: 1, CreatedBy: "alice", CreatedAt: created, UpdatedAt: created,
	}

	s, err := sqlite.Open(context.Background(), path, nil)
	require.NoError(t, err)
	defer s.Close()
	db := sqlite.DB(s)
	assert.Equal(t, latestVersion(t), userVersion(t, db), "Open must bring an older database to the latest version")
	var n int
	require.NoError(t, db.QueryRowContext(t.Context(),
		"SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'events_series'").Scan(&n))
	assert.Equal(t, 1, n, "migration 2 must have created the series index")
	got, err := s.Get(t.Context(), "old")
	require.NoError(t, err)
	assertSameEvent(t, want, got)
	series, err := s.GetSeries(t.Context(), "theory")
	require.NoError(t, err, "migration 5 must have made a series of the event's free-text series")
	assert.Equal(t, "Theory", series.Name)

	require.NoError(t, addDeliveries(t.Context(), s, dueDelivery("old.reminder", "old", 0)),
		"a migrated database must have the outbox")
	claimed, err := s.ClaimDue(t.Context(), claimNow, "me", time.Minute, 10)
	require.NoError(t, err)
	assert.Len(t, claimed, 1, "a migrated database must claim deliveries of its events")
}

// TestOpen_MigratesSeries: the events of a database of the schema before
// series (version 4), whose Series were free text, keep every field and
// hold the ID of a series of that name.
func TestOpen_MigratesSeries(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "v4.db")
	db := rawDB(t, path)
	require.NoError(t, sqlite.Migrate(ctx, db, sqlstoretest.MigrationsBefore(t, sqlite.Migrations(), 5)))
	require.Equal(t, 4, userVersion(t, db))
	before := sampleEvents(0, sqlstoretest.FreeTextEvents, time.Hour)
	sqlstoretest.WithFreeTextSeries(t, before)
	insert, err := db.PrepareContext(ctx, "INSERT INTO events ("+rawColumns+") VALUES (?"+strings.Repeat(", ?", 40)+")")
	require.NoError(t, err)
	for _, e := range before {
		require.NoError(t, rawInsert(ctx, insert, e)) // mark 0: the token is "0"
	}
	require.NoError(t, insert.Close())
	require.NoError(t, db.Close())

	s, err := sqlite.Open(ctx, path, nil)
	require.NoError(t, err)
	defer s.Close()
	sqlstoretest.CheckSeriesMigrated(t, s, before)
	token, err := s.ChangeToken(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, "0", token, "making series must change the token, as any write of them does")
}

func TestOpen_RefusesANewerDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	s, err := sqlite.Open(context.Background(), path, nil)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	db := rawDB(t, path)
	_, err = db.ExecContext(t.Context(), "PRAGMA user_version = 99")
	require.NoError(t, err)

	_, err = sqlite.Open(context.Background(), path, nil)
	require.ErrorIs(t, err, sqlite.ErrNewerSchema)
	assert.ErrorContains(t, err, "sqlite: open")
	assert.ErrorContains(t, err, "schema version 99")
	assert.ErrorContains(t, err, fmt.Sprintf("versions up to %d", latestVersion(t)))
	assert.Equal(t, 99, userVersion(t, db), "a refused database must be left as it was")
}

// testMigrations is a schema of three versions for exercising the mechanism.
var testMigrations = fstest.MapFS{
	"0001_things.sql":  {Data: []byte("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL);")},
	"0002_colour.sql":  {Data: []byte("ALTER TABLE things ADD COLUMN colour TEXT NOT NULL DEFAULT 'red';")},
	"0003_by_name.sql": {Data: []byte("CREATE INDEX things_name ON things (name);\nINSERT INTO things (name) VALUES ('made by 3');")},
}

// subset returns the files of fsys whose names are given.
func subset(fsys fstest.MapFS, names ...string) fstest.MapFS {
	out := fstest.MapFS{}
	for _, n := range names {
		out[n] = fsys[n]
	}
	return out
}

func TestMigrate_AppliesOnlyWhatIsMissing(t *testing.T) {
	ctx := t.Context()
	db := rawDB(t, filepath.Join(t.TempDir(), "m.db"))
	require.NoError(t, sqlite.Migrate(ctx, db, subset(testMigrations, "0001_things.sql")))
	assert.Equal(t, 1, userVersion(t, db))
	_, err := db.ExecContext(ctx, "INSERT INTO things (name) VALUES ('kept')")
	require.NoError(t, err)

	require.NoError(t, sqlite.Migrate(ctx, db, testMigrations))
	assert.Equal(t, 3, userVersion(t, db))
	var colour string
	require.NoError(t, db.QueryRowContext(ctx, "SELECT colour FROM things WHERE name = 'kept'").Scan(&colour))
	assert.Equal(t, "red", colour, "rows from before a migration must be kept and migrated")

	require.NoError(t, sqlite.Migrate(ctx, db, testMigrations), "migrating an up-to-date database does nothing")
	var n int
	require.NoError(t, db.QueryRowContext(ctx, "SELECT count(*) FROM things WHERE name = 'made by 3'").Scan(&n))
	assert.Equal(t, 1, n, "each migration must run exactly once")
}

func TestMigrate_FailedMigrationChangesNothing(t *testing.T) {
	ctx := t.Context()
	db := rawDB(t, filepath.Join(t.TempDir(), "m.db"))
	broken := subset(testMigrations, "0001_things.sql")
	broken["0002_broken.sql"] = &fstest.MapFile{Data: []byte("ALTER TABLE things ADD COLUMN size INTEGER;\nTHIS IS NOT SQL;")}
	err := sqlite.Migrate(ctx, db, broken)
	require.Error(t, err)
	assert.ErrorContains(t, err, "0002_broken.sql")
	assert.Equal(t, 1, userVersion(t, db), "a failed migration must not raise the version")
	_, err = db.ExecContext(ctx, "SELECT size FROM things")
	assert.Error(t, err, "a failed migration must be rolled back whole")
}

func TestMigrate_RejectsBadSets(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"gap":       subset(testMigrations, "0001_things.sql", "0003_by_name.sql"),
		"repeat":    {"0001_a.sql": {}, "0001_b.sql": {}},
		"bad name":  {"0001_a.sql": {}, "two.sql": {}},
		"not first": {"0002_colour.sql": testMigrations["0002_colour.sql"]},
	} {
		t.Run(name, func(t *testing.T) {
			db := rawDB(t, filepath.Join(t.TempDir(), "m.db"))
			assert.Error(t, sqlite.Migrate(t.Context(), db, fsys))
			assert.Equal(t, 0, userVersion(t, db), "nothing may be applied from a bad set")
		})
	}
}

func TestMigrate_ConcurrentOpensMigrateOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	var wg sync.WaitGroup
	for range 4 {
		db := rawDB(t, path) // a pool of its own, as another process has
		wg.Go(func() {
			assert.NoError(t, sqlite.Migrate(context.Background(), db, testMigrations))
		})
	}
	wg.Wait()
	db := rawDB(t, path)
	assert.Equal(t, 3, userVersion(t, db))
	var n int
	require.NoError(t, db.QueryRowContext(t.Context(), "SELECT count(*) FROM things WHERE name = 'made by 3'").Scan(&n))
	assert.Equal(t, 1, n, "each migration must run exactly once however many processes open the file")
}
