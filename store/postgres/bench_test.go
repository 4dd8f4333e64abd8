package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/postgres"
)

// The benchmarks compare each Store call with a baseline that does the same
// work with pgx alone, as a program written against this schema would: the
// same SQL, scanned into the same columns and decoded into the same
// seminar.Event (speakers and links with encoding/json), on the same
// database, each with a pool of its own. The difference is the cost of the
// Store. "calendar" puts a seminar.Calendar in front of the Store: what a
// user of the library pays, validation and copies included.
//
// Run them with a database, -count=6 and benchstat:
//
//	SEMINAR_POSTGRES_URL=... go test -run '^$' -bench . -count 6 ./store/postgres/ | tee bench.txt
//	benchstat -col /impl bench.txt

const (
	benchEvents = 100_000
	// benchSpacing puts about 500 events in a month.
	benchSpacing = 86 * time.Minute
)

var benchMonth = time.Date(2020, time.June, 1, 0, 0, 0, 0, time.UTC)

// fixture is the benchmark schema, filled once per test binary and dropped
// by TestMain.
var fixture struct {
	once   sync.Once
	schema string
	events []*seminar.Event
	err    error
}

// benchSchema returns a schema holding benchEvents events, made once per
// test binary with the batch Create.
func benchSchema(b *testing.B) string {
	b.Helper()
	pool := adminPool(b)
	fixture.once.Do(func() {
		fixture.events = sampleEvents(0, benchEvents, benchSpacing)
		fixture.schema = randomName("seminar_bench_")
		s, err := postgres.New(context.Background(), pool, &postgres.Options{Schema: fixture.schema})
		if err != nil {
			fixture.err = err
			return
		}
		if fixture.err = s.Create(context.Background(), fixture.events...); fixture.err != nil {
			return
		}
		// VACUUM sets the hint bits and visibility map that the first reads
		// after a load would otherwise write, during the timed runs.
		_, fixture.err = pool.Exec(context.Background(), "VACUUM (ANALYZE) "+pgx.Identifier{fixture.schema, "events"}.Sanitize())
	})
	if fixture.err != nil {
		b.Fatal(fixture.err)
	}
	return fixture.schema
}

// dropBenchSchema drops the benchmark schema, if one was made.
func dropBenchSchema() {
	if fixture.schema != "" {
		_, _ = admin.pool.Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{fixture.schema}.Sanitize()+" CASCADE")
	}
}

func benchStore(b *testing.B, schema string) *postgres.Store {
	b.Helper()
	s, err := postgres.New(b.Context(), newPool(b), &postgres.Options{Schema: schema})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func benchCalendar(b *testing.B, s seminar.Store) *seminar.Calendar {
	b.Helper()
	cal, err := seminar.New(s, nil)
	if err != nil {
		b.Fatal(err)
	}
	createSampleSeries(b, cal)
	return cal
}

const rawColumns = `id, uid, title, type, series, speakers,
	host_name, host_affiliation, host_email, host_url, host_photo_url, host_bio,
	contact_name, contact_affiliation, contact_email, contact_url, contact_photo_url, contact_bio,
	start_at, end_at, time_zone, location_room, location_building, location_address, location_url,
	room_description, public, abstract, links, research_areas, impact_areas,
	reminder_lists, reminder_subject, reminder_schedule,
	status, cancel_reason, sequence, version, created_by, created_at, updated_at`

// The schema's JSON forms of speakers and links, as the baseline reads and
// writes them.
type (
	rawPerson struct {
		Name        string `json:"name"`
		Affiliation string `json:"affiliation,omitempty"`
		Email       string `json:"email,omitempty"`
		URL         string `json:"url,omitempty"`
		PhotoURL    string `json:"photoUrl,omitempty"`
		Bio         string `json:"bio,omitempty"`
	}
	rawLink struct {
		Label string `json:"label,omitempty"`
		URL   string `json:"url"`
	}
)

// rawScan is the baseline's decoding of one row: what a program using pgx
// on this schema would write.
func rawScan(row pgx.Row) (*seminar.Event, error) {
	var (
		e                  seminar.Event
		speakers, links    []byte
		schedule           []int64
		status             string
		sequence           int64
		people             []rawPerson
		linkList           []rawLink
		start, end, cr, up time.Time
	)
	err := row.Scan(&e.ID, &e.UID, &e.Title, &e.Type, &e.Series, &speakers,
		&e.Host.Name, &e.Host.Affiliation, &e.Host.Email, &e.Host.URL, &e.Host.PhotoURL, &e.Host.Bio,
		&e.Contact.Name, &e.Contact.Affiliation, &e.Contact.Email, &e.Contact.URL, &e.Contact.PhotoURL, &e.Contact.Bio,
		&start, &end, &e.TimeZone, &e.Location.Room, &e.Location.Building, &e.Location.Address, &e.Location.URL,
		&e.RoomDescription, &e.Public, &e.Abstract, &links, &e.ResearchAreas, &e.ImpactAreas,
		&e.Reminders.Lists, &e.Reminders.Subject, &schedule,
		&status, &e.CancelReason, &sequence, &e.Version, &e.CreatedBy, &cr, &up)
	if err != nil {
		return nil, err
	}
	e.Start, e.End, e.CreatedAt, e.UpdatedAt = start.UTC(), end.UTC(), cr.UTC(), up.UTC()
	e.Status, e.Sequence = seminar.Status(status), int(sequence)
	for _, ns := range schedule {
		e.Reminders.Schedule = append(e.Reminders.Schedule, time.Duration(ns))
	}
	if speakers != nil {
		if err := json.Unmarshal(speakers, &people); err != nil {
			return nil, err
		}
		for _, p := range people {
			e.Speakers = append(e.Speakers, seminar.Person(p))
		}
	}
	if links != nil {
		if err := json.Unmarshal(links, &linkList); err != nil {
			return nil, err
		}
		for _, l := range linkList {
			e.Links = append(e.Links, seminar.Link(l))
		}
	}
	return &e, nil
}

func BenchmarkGet(b *testing.B) {
	schema := benchSchema(b)
	// Visit events all over the table, in the same order for each.
	ids := make([]string, 4096)
	for i := range ids {
		ids[i] = fixture.events[(i*7919)%benchEvents].ID
	}
	ctx := context.Background()
	b.Run("impl=store", func(b *testing.B) {
		s := benchStore(b, schema)
		i := 0
		for b.Loop() {
			if _, err := s.Get(ctx, ids[i%len(ids)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("impl=calendar", func(b *testing.B) {
		cal := benchCalendar(b, benchStore(b, schema))
		i := 0
		for b.Loop() {
			if _, err := cal.Get(ctx, ids[i%len(ids)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("impl=raw", func(b *testing.B) {
		pool := newPool(b)
		get := "SELECT " + rawColumns + " FROM " + pgx.Identifier{schema, "events"}.Sanitize() + " WHERE id = $1"
		i := 0
		for b.Loop() {
			if _, err := rawScan(pool.QueryRow(ctx, get, ids[i%len(ids)])); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("impl=paired", func(b *testing.B) {
		s, pool := benchStore(b, schema), newPool(b)
		get := "SELECT " + rawColumns + " FROM " + pgx.Identifier{schema, "events"}.Sanitize() + " WHERE id = $1"
		p := &pair{}
		i := 0
		for b.Loop() {
			id := ids[i%len(ids)]
			p.run(b, i, func() error {
				_, err := s.Get(ctx, id)
				return err
			}, func() error {
				_, err := rawScan(pool.QueryRow(ctx, get, id))
				return err
			})
			i++
		}
		p.report(b)
	})
}

// pair times a Store call and its baseline one after the other, each in
// turn first, so that both see the same load on the machine and the same
// cache: on a shared machine their ratio is steadier than that of separate
// runs. Functions in before run ahead of each call, untimed.
type pair struct {
	store, raw time.Duration
	n          int
}

func (p *pair) run(b *testing.B, i int, store, raw func() error, before ...func()) {
	timed := func(f func() error, into *time.Duration) {
		for _, f := range before {
			f()
		}
		start := time.Now()
		if err := f(); err != nil {
			b.Fatal(err)
		}
		*into += time.Since(start)
	}
	if i%2 == 0 {
		timed(store, &p.store)
		timed(raw, &p.raw)
	} else {
		timed(raw, &p.raw)
		timed(store, &p.store)
	}
	p.n++
}

func (p *pair) report(b *testing.B) {
	b.ReportMetric(float64(p.store.Nanoseconds())/float64(p.n), "store-ns/op")
	b.ReportMetric(float64(p.raw.Nanoseconds())/float64(p.n), "raw-ns/op")
	b.ReportMetric(float64(p.store)/float64(p.raw), "store/raw")
}

func BenchmarkMonthList(b *testing.B) {
	schema := benchSchema(b)
	ctx := context.Background()
	from, to := benchMonth, benchMonth.AddDate(0, 1, 0)
	const limit = seminar.MaxPageSize + 1 // what Calendar.Month asks for
	var want int
	for _, e := range fixture.events {
		if e.Start.Before(to) && e.End.After(from) {
			want++
		}
	}
	check := func(b *testing.B, n int) {
		if n != want {
			b.Fatalf("listed %d events, want %d", n, want)
		}
	}
	b.Run("impl=store", func(b *testing.B) {
		s := benchStore(b, schema)
		for b.Loop() {
			events, err := s.List(ctx, seminar.ListQuery{From: from, To: to, Limit: limit})
			if err != nil {
				b.Fatal(err)
			}
			check(b, len(events))
		}
	})
	b.Run("impl=calendar", func(b *testing.B) {
		cal := benchCalendar(b, benchStore(b, schema))
		for b.Loop() {
			events, err := cal.Month(ctx, benchMonth.Year(), benchMonth.Month(), seminar.Filter{})
			if err != nil {
				b.Fatal(err)
			}
			check(b, len(events))
		}
	})
	b.Run("impl=raw", func(b *testing.B) {
		pool := newPool(b)
		list := "SELECT " + rawColumns + " FROM " + pgx.Identifier{schema, "events"}.Sanitize() + `
			WHERE start_at >= $1 AND start_at < $2 AND end_at > $3 AND status <> 'cancelled'
			ORDER BY start_at, id LIMIT $4`
		lower := from.Add(-seminar.MaxDuration + time.Microsecond)
		for b.Loop() {
			events, err := rawList(ctx, pool, list, lower, to, from, limit)
			if err != nil {
				b.Fatal(err)
			}
			check(b, len(events))
		}
	})
	b.Run("impl=paired", func(b *testing.B) {
		s, pool := benchStore(b, schema), newPool(b)
		list := "SELECT " + rawColumns + " FROM " + pgx.Identifier{schema, "events"}.Sanitize() + `
			WHERE start_at >= $1 AND start_at < $2 AND end_at > $3 AND status <> 'cancelled'
			ORDER BY start_at, id LIMIT $4`
		lower := from.Add(-seminar.MaxDuration + time.Microsecond)
		p := &pair{}
		i := 0
		for b.Loop() {
			p.run(b, i, func() error {
				events, err := s.List(ctx, seminar.ListQuery{From: from, To: to, Limit: limit})
				check(b, len(events))
				return err
			}, func() error {
				events, err := rawList(ctx, pool, list, lower, to, from, limit)
				check(b, len(events))
				return err
			})
			i++
		}
		p.report(b)
	})
}

func rawList(ctx context.Context, pool *pgxpool.Pool, query string, args ...any) ([]*seminar.Event, error) {
	rows, err := pool.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var events []*seminar.Event
	for rows.Next() {
		e, err := rawScan(rows)
		if err != nil {
			return nil, err
		}
		events = append(events, e)
	}
	return events, rows.Err()
}

// rawRow encodes e as the baseline writes a row of the events table.
func rawRow(e *seminar.Event) []any {
	var speakers, links []byte
	if e.Speakers != nil {
		people := make([]rawPerson, len(e.Speakers))
		for i, p := range e.Speakers {
			people[i] = rawPerson(p)
		}
		speakers, _ = json.Marshal(people)
	}
	if e.Links != nil {
		list := make([]rawLink, len(e.Links))
		for i, l := range e.Links {
			list[i] = rawLink(l)
		}
		links, _ = json.Marshal(list)
	}
	var schedule []int64
	for _, d := range e.Reminders.Schedule {
		schedule = append(schedule, int64(d))
	}
	return []any{
		e.ID, e.UID, e.Title, e.Type, e.Series, speakers,
		e.Host.Name, e.Host.Affiliation, e.Host.Email, e.Host.URL, e.Host.PhotoURL, e.Host.Bio,
		e.Contact.Name, e.Contact.Affiliation, e.Contact.Email, e.Contact.URL, e.Contact.PhotoURL, e.Contact.Bio,
		e.Start, e.End, e.TimeZone, e.Location.Room, e.Location.Building, e.Location.Address, e.Location.URL,
		e.RoomDescription, e.Public, e.Abstract, links, e.ResearchAreas, e.ImpactAreas,
		e.Reminders.Lists, e.Reminders.Subject, schedule,
		string(e.Status), e.CancelReason, int64(e.Sequence), e.Version, e.CreatedBy, e.CreatedAt, e.UpdatedAt,
	}
}

var checkpointWarned bool

// BenchmarkCreateBatch writes benchEvents events into an empty table per
// iteration. "raw" is a bare CopyFrom in a transaction that encodes each
// row as it goes, as a program would; "rawrows" copies rows encoded before
// the timer starts: the cost of COPY alone.
func BenchmarkCreateBatch(b *testing.B) {
	benchSchema(b)
	events := fixture.events
	ctx := context.Background()
	// emptySchema returns a Store on a new schema and a function that
	// empties its events table.
	emptySchema := func(b *testing.B) (*postgres.Store, func()) {
		schema := randomName("seminar_bench_batch_")
		b.Cleanup(func() {
			_, _ = adminPool(b).Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		})
		s := benchStore(b, schema)
		truncate := "TRUNCATE " + pgx.Identifier{schema, "events"}.Sanitize()
		return s, func() {
			if _, err := s.Pool().Exec(ctx, truncate); err != nil {
				b.Fatal(err)
			}
			// A checkpoint that the previous load's WAL calls for would
			// otherwise land in the next timed load, at random: the
			// runs varied fivefold without this. It needs superuser or
			// pg_checkpoint; without them the loads are just noisier.
			if _, err := s.Pool().Exec(ctx, "CHECKPOINT"); err != nil && !checkpointWarned {
				checkpointWarned = true
				b.Logf("CHECKPOINT before each load failed, so the timings include checkpoints: %v", err)
			}
		}
	}
	perEvent := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(events)), "ns/event")
	}
	b.Run("impl=store", func(b *testing.B) {
		s, empty := emptySchema(b)
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			empty()
			b.StartTimer()
			if err := s.Create(ctx, events...); err != nil {
				b.Fatal(err)
			}
		}
		perEvent(b)
	})
	b.Run("impl=calendar", func(b *testing.B) {
		s, empty := emptySchema(b)
		cal := benchCalendar(b, s)
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			empty()
			b.StartTimer()
			if _, err := cal.CreateMany(ctx, events); err != nil {
				b.Fatal(err)
			}
		}
		perEvent(b)
	})
	copyRows := func(b *testing.B, pool *pgxpool.Pool, schema string, src pgx.CopyFromSource) {
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			_, err := tx.CopyFrom(ctx, pgx.Identifier{schema, "events"}, strings.Split(strings.Join(strings.Fields(rawColumns), ""), ","), src)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Run("impl=raw", func(b *testing.B) {
		s, empty := emptySchema(b)
		pool := newPool(b)
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			empty()
			b.StartTimer()
			next := 0
			copyRows(b, pool, s.Schema(), pgx.CopyFromFunc(func() ([]any, error) {
				if next == len(events) {
					return nil, nil
				}
				next++
				return rawRow(events[next-1]), nil
			}))
		}
		perEvent(b)
	})
	b.Run("impl=rawrows", func(b *testing.B) {
		s, empty := emptySchema(b)
		pool := newPool(b)
		rows := make([][]any, len(events))
		for i, e := range events {
			rows[i] = rawRow(e)
		}
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			empty()
			b.StartTimer()
			copyRows(b, pool, s.Schema(), pgx.CopyFromRows(rows))
		}
		perEvent(b)
	})
	b.Run("impl=paired", func(b *testing.B) {
		s, empty := emptySchema(b)
		pool := newPool(b)
		p := &pair{}
		for i := 0; i < b.N; i++ {
			// Each load starts from an empty table and a checkpoint, out
			// of the pair's timing.
			p.run(b, i, func() error {
				return s.Create(ctx, events...)
			}, func() error {
				next := 0
				copyRows(b, pool, s.Schema(), pgx.CopyFromFunc(func() ([]any, error) {
					if next == len(events) {
						return nil, nil
					}
					next++
					return rawRow(events[next-1]), nil
				}))
				return nil
			}, empty)
		}
		p.report(b)
	})
}

// BenchmarkCreate stores one new event per iteration, as Calendar.Create
// does, in a schema of its own; "raw" is the one INSERT a program would
// send.
func BenchmarkCreate(b *testing.B) {
	ctx := context.Background()
	b.Run("impl=store", func(b *testing.B) {
		s := newStore(b, newPool(b))
		events := sampleEvents(0, b.N, time.Hour)
		b.ResetTimer()
		for i := range b.N {
			if err := s.Create(ctx, events[i]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=raw", func(b *testing.B) {
		s, pool := newStore(b, newPool(b)), newPool(b)
		insert := "INSERT INTO " + pgx.Identifier{s.Schema(), "events"}.Sanitize() + " (" + rawColumns + ") VALUES (" +
			rawPlaceholders(len(strings.Split(rawColumns, ","))) + ")"
		events := sampleEvents(0, b.N, time.Hour)
		b.ResetTimer()
		for i := range b.N {
			if _, err := pool.Exec(ctx, insert, rawRow(events[i])...); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkUpdate updates one of 1,000 stored events per iteration, in
// turn, each time to its next version, as Calendar.Update does; "raw" is
// the one UPDATE with the version check a program would send.
func BenchmarkUpdate(b *testing.B) {
	ctx := context.Background()
	const stored = 1000
	// setUp returns a Store on a new schema holding the events, and the
	// events, each with its next version to write.
	setUp := func(b *testing.B) (*postgres.Store, []*seminar.Event) {
		s := newStore(b, newPool(b))
		events := sampleEvents(0, stored, time.Hour)
		if err := s.Create(ctx, events...); err != nil {
			b.Fatal(err)
		}
		for _, e := range events {
			e.Title += " (moved)"
			e.Version++
		}
		return s, events
	}
	b.Run("impl=store", func(b *testing.B) {
		s, events := setUp(b)
		b.ResetTimer()
		for i := range b.N {
			e := events[i%stored]
			if err := s.Update(ctx, e, e.Version-1); err != nil {
				b.Fatal(err)
			}
			e.Version++
		}
	})
	b.Run("impl=raw", func(b *testing.B) {
		s, events := setUp(b)
		pool := newPool(b)
		cols := strings.Split(strings.Join(strings.Fields(rawColumns), ""), ",")
		var set strings.Builder
		for i, c := range cols[1:] {
			if i > 0 {
				set.WriteString(", ")
			}
			fmt.Fprintf(&set, "%s = $%d", c, i+1)
		}
		update := "UPDATE " + pgx.Identifier{s.Schema(), "events"}.Sanitize() + " SET " + set.String() +
			fmt.Sprintf(" WHERE id = $%d AND version = $%d", len(cols), len(cols)+1)
		b.ResetTimer()
		for i := range b.N {
			e := events[i%stored]
			row := rawRow(e)
			tag, err := pool.Exec(ctx, update, append(row[1:], e.ID, e.Version-1)...)
			if err != nil {
				b.Fatal(err)
			}
			if tag.RowsAffected() != 1 {
				b.Fatalf("updated %d rows of %s", tag.RowsAffected(), e.ID)
			}
			e.Version++
		}
	})
}

// rawPlaceholders returns "$1, ..., $n".
func rawPlaceholders(n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = fmt.Sprintf("$%d", i+1)
	}
	return strings.Join(ps, ", ")
}
