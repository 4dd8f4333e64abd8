package postgres_test

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/internal/sqlstore/sqlstoretest"
	"github.com/seminarkit/seminar/store/postgres"
)

func latestVersion(t *testing.T) int {
	t.Helper()
	entries, err := fs.ReadDir(postgres.Migrations(), ".")
	require.NoError(t, err)
	return len(entries)
}

// allVersions returns 1 to the latest version.
func allVersions(t *testing.T) []int {
	t.Helper()
	versions := make([]int, latestVersion(t))
	for i := range versions {
		versions[i] = i + 1
	}
	return versions
}

// appliedVersions returns the rows of schema_migrations.
func appliedVersions(t *testing.T, schema string) []int {
	t.Helper()
	rows, err := adminPool(t).Query(t.Context(),
		"SELECT version FROM "+pgx.Identifier{schema, "schema_migrations"}.Sanitize()+" ORDER BY version")
	require.NoError(t, err)
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	require.NoError(t, err)
	return versions
}

func TestNew_MigratesAnOlderSchema(t *testing.T) {
	require.Greater(t, latestVersion(t), 1, "this test needs a schema with more than one migration")
	pool := newPool(t)
	schema := newSchema(t)

	// A schema as version 1 left it, with one event in it.
	first, err := fs.ReadFile(postgres.Migrations(), "0001_events.sql")
	require.NoError(t, err)
	require.NoError(t, postgres.Migrate(t.Context(), pool, schema, fstest.MapFS{"0001_events.sql": {Data: first}}))
	require.Equal(t, []int{1}, appliedVersions(t, schema))
	_, err = pool.Exec(t.Context(), "INSERT INTO "+pgx.Identifier{schema, "events"}.Sanitize()+` VALUES (
		'old', 'old@example.org', 'Written by version 1', 'Seminar', 'Theory', '[{"name":"Ada"}]',
		'', '', '', '', '', '', '', '', '', '', '', '',
		'2017-06-01 16:00:00Z', '2017-06-01 17:00:00Z', 'America/New_York',
		'32-D507', '', '', '', '', true, 'Abstract', NULL, '{Algorithms}', '{}',
		NULL, '', '{86400000000000}', 'scheduled', '', 0, 1, 'alice', '2017-05-28 19:33:20Z', '2017-05-28 19:33:20Z')`)
	require.NoError(t, err)

	s, err := postgres.New(t.Context(), pool, &postgres.Options{Schema: schema})
	require.NoError(t, err, "New must migrate a schema made by an older version")
	assert.Equal(t, allVersions(t), appliedVersions(t, schema), "New must apply every migration the schema lacks, once")

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
	got, err := s.Get(t.Context(), "old")
	require.NoError(t, err, "an event written by version 1 must still be read")
	assertSameEvent(t, want, got, "an event written by version 1 must read as it was written, in the series made of its own")
	series, err := s.GetSeries(t.Context(), "theory")
	require.NoError(t, err, "migration 4 must have made a series of the event's free-text series")
	assert.Equal(t, "Theory", series.Name)
	require.NoError(t, addDeliveries(t.Context(), s, &seminar.Delivery{
		ID: "old.manual.s0", EventID: "old", Kind: seminar.KindManual, DueAt: start, State: seminar.StatePending,
	}), "migration 2 must have made the outbox")
}

// TestNew_MigratesToMarks: the events of a schema at version 2 take marks
// in the order of their UpdatedAt, so that Changed from 0 returns them, and
// later writes take the marks after theirs.
func TestNew_MigratesToMarks(t *testing.T) {
	pool := newPool(t)
	schema := newSchema(t)
	older := fstest.MapFS{}
	for _, name := range []string{"0001_events.sql", "0002_deliveries.sql"} {
		data, err := fs.ReadFile(postgres.Migrations(), name)
		require.NoError(t, err)
		older[name] = &fstest.MapFile{Data: data}
	}
	require.NoError(t, postgres.Migrate(t.Context(), pool, schema, older))
	require.Equal(t, []int{1, 2}, appliedVersions(t, schema))
	events := sampleEvents(0, 3, time.Hour) // UpdatedAt rises with the number
	for _, e := range events {
		e.Series = "" // so that migration 4 makes no series, which would take a mark
	}
	insert := "INSERT INTO " + pgx.Identifier{schema, "events"}.Sanitize() + " (" + rawColumns + ") VALUES (" +
		rawPlaceholders(len(strings.Split(rawColumns, ","))) + ")"
	for _, i := range []int{2, 0, 1} {
		_, err := pool.Exec(t.Context(), insert, rawRow(events[i])...)
		require.NoError(t, err)
	}

	s, err := postgres.New(t.Context(), pool, &postgres.Options{Schema: schema})
	require.NoError(t, err, "New must migrate a schema at version 2")
	assert.Equal(t, allVersions(t), appliedVersions(t, schema))
	changed, last, err := s.Changed(t.Context(), 0, 10)
	require.NoError(t, err)
	assert.Equal(t, eventIDs(events), eventIDs(changed), "Changed from 0 must return the events stored before the migration, by UpdatedAt")
	assert.Equal(t, int64(len(events)), last, "the events stored before the migration must take marks 1 to N")
	token, err := s.ChangeToken(t.Context())
	require.NoError(t, err)

	later := sampleEvent(3, time.Hour)
	require.NoError(t, s.Create(t.Context(), later))
	changed, last, err = s.Changed(t.Context(), last, 10)
	require.NoError(t, err)
	assert.Equal(t, []string{later.ID}, eventIDs(changed), "a write after the migration must take a mark after those of the migrated events")
	assert.Equal(t, int64(len(events)+1), last)
	newToken, err := s.ChangeToken(t.Context())
	require.NoError(t, err)
	assert.NotEqual(t, token, newToken, "ChangeToken must change with the first write after the migration")
}

// TestNew_MigratesSeries: the events of a schema before series (version
// 3), whose Series were free text, keep every field and hold the ID of a
// series of that name.
func TestNew_MigratesSeries(t *testing.T) {
	ctx := t.Context()
	pool := newPool(t)
	schema := newSchema(t)
	require.NoError(t, postgres.Migrate(ctx, pool, schema, sqlstoretest.MigrationsBefore(t, postgres.Migrations(), 4)))
	require.Equal(t, []int{1, 2, 3}, appliedVersions(t, schema))
	before := sampleEvents(0, sqlstoretest.FreeTextEvents, time.Hour)
	sqlstoretest.WithFreeTextSeries(t, before)
	insert := "INSERT INTO " + pgx.Identifier{schema, "events"}.Sanitize() + " (" + rawColumns + ") VALUES (" +
		rawPlaceholders(len(strings.Split(rawColumns, ","))) + ")"
	for _, e := range before {
		_, err := pool.Exec(ctx, insert, rawRow(e)...)
		require.NoError(t, err)
	}

	s, err := postgres.New(ctx, pool, &postgres.Options{Schema: schema})
	require.NoError(t, err, "New must migrate a schema at version 3")
	sqlstoretest.CheckSeriesMigrated(t, s, before)
	token, err := s.ChangeToken(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, "0", token, "making series must change the token, as any write of them does")
}

func TestNew_RefusesANewerSchema(t *testing.T) {
	pool := newPool(t)
	schema := newSchema(t)
	_, err := postgres.New(t.Context(), pool, &postgres.Options{Schema: schema})
	require.NoError(t, err)
	latest := latestVersion(t)
	_, err = pool.Exec(t.Context(), "INSERT INTO "+pgx.Identifier{schema, "schema_migrations"}.Sanitize()+
		" (version, name) VALUES ($1, 'from_the_future.sql')", latest+1)
	require.NoError(t, err)

	_, err = postgres.New(t.Context(), pool, &postgres.Options{Schema: schema})
	require.ErrorIs(t, err, postgres.ErrNewerSchema, "New must refuse a schema a newer program migrated")
	assert.Contains(t, err.Error(), fmt.Sprintf("version %d", latest+1), "the error must name the schema's version")
	assert.Contains(t, err.Error(), fmt.Sprintf("up to %d", latest), "the error must name the versions this program knows")
	assert.Contains(t, err.Error(), fmt.Sprintf("%q", schema), "the error must name the schema")
	assert.Equal(t, latest+1, len(appliedVersions(t, schema)), "a refused schema must be left as it was")
}

// migrationCounter counts the "schema migrated" records of several Stores.
type migrationCounter struct{ n atomic.Int32 }

func (c *migrationCounter) Enabled(context.Context, slog.Level) bool { return true }
func (c *migrationCounter) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "schema migrated" {
		c.n.Add(1)
	}
	return nil
}
func (c *migrationCounter) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *migrationCounter) WithGroup(string) slog.Handler      { return c }

// TestNew_ConcurrentInstancesMigrateOnce starts four instances at once on
// four pools, as four processes of a service would start.
func TestNew_ConcurrentInstancesMigrateOnce(t *testing.T) {
	schema := newSchema(t)
	const instances = 4
	pools := make([]*pgxpool.Pool, instances)
	for i := range pools {
		pools[i] = newPool(t)
	}
	counter := &migrationCounter{}
	log := slog.New(counter)
	var wg sync.WaitGroup
	start := make(chan struct{})
	stores := make([]*postgres.Store, instances)
	errs := make([]error, instances)
	for i := range instances {
		wg.Go(func() {
			<-start
			stores[i], errs[i] = postgres.New(t.Context(), pools[i], &postgres.Options{Schema: schema, Logger: log})
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		require.NoErrorf(t, err, "instance %d must start while others start and migrate", i)
	}
	assert.Equal(t, int32(latestVersion(t)), counter.n.Load(), "of instances starting together, one must apply each migration, once")
	assert.Len(t, appliedVersions(t, schema), latestVersion(t), "each migration must be recorded once")

	require.NoError(t, stores[0].Create(t.Context(), sampleEvent(1, time.Hour)))
	for i, s := range stores {
		_, err := s.Get(t.Context(), "ev0000001")
		assert.NoErrorf(t, err, "instance %d must see what instance 0 stored", i)
	}
}

func TestNew_SchemasAreSeparate(t *testing.T) {
	pool := newPool(t)
	a, b := newStore(t, pool), newStore(t, pool)
	e := sampleEvent(1, time.Hour)
	require.NoError(t, a.Create(t.Context(), e))
	_, err := b.Get(t.Context(), e.ID)
	assert.ErrorIs(t, err, seminar.ErrNotFound, "a Store must not see the events of another schema")
	assert.NoError(t, b.Create(t.Context(), e), "two schemas must each hold an event of the same ID and UID")
}

func TestNew_DefaultSchema(t *testing.T) {
	// The default schema is shared by whoever runs the tests; use it only
	// if it is not already there.
	var exists bool
	require.NoError(t, adminPool(t).QueryRow(t.Context(),
		"SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", postgres.DefaultSchema).Scan(&exists))
	if exists {
		t.Skipf("schema %q already exists in the test database", postgres.DefaultSchema)
	}
	t.Cleanup(func() {
		_, err := adminPool(t).Exec(context.Background(), "DROP SCHEMA "+postgres.DefaultSchema+" CASCADE")
		assert.NoError(t, err)
	})
	s, err := postgres.New(t.Context(), newPool(t), nil)
	require.NoError(t, err)
	assert.Equal(t, postgres.DefaultSchema, s.Schema(), "a nil *Options must mean the default schema")
	assert.Equal(t, allVersions(t), appliedVersions(t, postgres.DefaultSchema))
}

func TestNew_RefusesBadArguments(t *testing.T) {
	pool := newPool(t)
	for name, schema := range map[string]string{
		"too long": strings.Repeat("s", 64),
		"NUL":      "semi\x00nar",
	} {
		_, err := postgres.New(t.Context(), pool, &postgres.Options{Schema: schema})
		assert.ErrorIsf(t, err, seminar.ErrInvalid, "New must refuse a schema name that is %s", name)
	}
	_, err := postgres.New(t.Context(), nil, nil)
	assert.ErrorIs(t, err, seminar.ErrInvalid, "New must refuse a nil pool")
}

func TestOpen(t *testing.T) {
	schema := newSchema(t)
	s, err := postgres.Open(t.Context(), dbURL(t), &postgres.Options{Schema: schema})
	require.NoError(t, err, "Open must connect and migrate")
	require.NoError(t, s.Create(t.Context(), sampleEvent(1, time.Hour)))
	require.NoError(t, s.Close())
	_, err = s.Get(t.Context(), "ev0000001")
	assert.Error(t, err, "a Store made by Open must close its pool on Close")

	_, err = postgres.Open(t.Context(), "postgres://[::1", nil)
	assert.ErrorIs(t, err, seminar.ErrInvalid, "Open must refuse a URL it cannot parse")
}

func TestClose_LeavesAPoolItWasGiven(t *testing.T) {
	pool := newPool(t)
	s := newStore(t, pool)
	require.NoError(t, s.Close())
	assert.NoError(t, pool.Ping(t.Context()), "Close must leave open a pool given to New")
}
