package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/sqlite"
)

// The benchmarks compare each Store call with a baseline that does the same
// work with database/sql alone, as a program written against this schema
// would: the same SQL, prepared once, scanned into the same columns and
// decoded into the same seminar.Event, with the list columns decoded (or,
// for inserts, encoded) by encoding/json, on the same file. The Store reads
// its list columns with its own parser (jsonlist.go), so it may beat the
// baseline on reads; the rest of the difference is the cost of the Store.

const (
	benchEvents = 100_000
	// benchSpacing puts about 500 events in a month.
	benchSpacing = 86 * time.Minute
)

var benchMonth = time.Date(2020, time.June, 1, 0, 0, 0, 0, time.UTC)

var fixture struct {
	once   sync.Once
	dir    string
	path   string
	events []*seminar.Event
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixture.dir != "" {
		os.RemoveAll(fixture.dir)
	}
	os.Exit(code)
}

// benchFile returns a database file holding benchEvents events, made once
// per test binary with the batch Create.
func benchFile(b *testing.B) string {
	b.Helper()
	fixture.once.Do(func() {
		fixture.events = sampleEvents(0, benchEvents, benchSpacing)
		fixture.dir, fixture.err = os.MkdirTemp("", "sqlite-bench-")
		if fixture.err != nil {
			return
		}
		fixture.path = filepath.Join(fixture.dir, "talks.db")
		s, err := sqlite.Open(context.Background(), fixture.path, nil)
		if err != nil {
			fixture.err = err
			return
		}
		defer s.Close()
		fixture.err = s.Create(context.Background(), fixture.events...)
	})
	if fixture.err != nil {
		b.Fatal(fixture.err)
	}
	return fixture.path
}

func openBenchStore(b *testing.B, path string) *sqlite.Store {
	b.Helper()
	s, err := sqlite.Open(context.Background(), path, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// openRaw opens path with database/sql and the store's connection settings.
func openRaw(b *testing.B, path string) *sql.DB {
	b.Helper()
	db, err := sql.Open("sqlite", sqlite.DSN(path))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func prepare(b *testing.B, db *sql.DB, query string) *sql.Stmt {
	b.Helper()
	stmt, err := db.Prepare(query)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stmt.Close() })
	return stmt
}

const rawColumns = `id, uid, title, type, series, speakers,
	host_name, host_affiliation, host_email, host_url, host_photo_url, host_bio,
	contact_name, contact_affiliation, contact_email, contact_url, contact_photo_url, contact_bio,
	start_ns, end_ns, time_zone, location_room, location_building, location_address, location_url,
	room_description, public, abstract, links, research_areas, impact_areas,
	reminder_lists, reminder_subject, reminder_schedule,
	status, cancel_reason, sequence, version, created_by, created_ns, updated_ns`

// rawScan is the baseline's decoding of one row: what a program using
// database/sql on this schema would write.
func rawScan(scan func(dest ...any) error) (*seminar.Event, error) {
	var (
		e                                     seminar.Event
		speakers, links, research, impact     []byte
		lists, schedule                       []byte
		start, end, created, updated, sequenc int64
		status                                string
	)
	err := scan(&e.ID, &e.UID, &e.Title, &e.Type, &e.Series, &speakers,
		&e.Host.Name, &e.Host.Affiliation, &e.Host.Email, &e.Host.URL, &e.Host.PhotoURL, &e.Host.Bio,
		&e.Contact.Name, &e.Contact.Affiliation, &e.Contact.Email, &e.Contact.URL, &e.Contact.PhotoURL, &e.Contact.Bio,
		&start, &end, &e.TimeZone, &e.Location.Room, &e.Location.Building, &e.Location.Address, &e.Location.URL,
		&e.RoomDescription, &e.Public, &e.Abstract, &links, &research, &impact,
		&lists, &e.Reminders.Subject, &schedule,
		&status, &e.CancelReason, &sequenc, &e.Version, &e.CreatedBy, &created, &updated)
	if err != nil {
		return nil, err
	}
	e.Start, e.End = time.Unix(0, start).UTC(), time.Unix(0, end).UTC()
	e.CreatedAt, e.UpdatedAt = time.Unix(0, created).UTC(), time.Unix(0, updated).UTC()
	e.Status, e.Sequence = seminar.Status(status), int(sequenc)
	for _, c := range []struct {
		data []byte
		into any
	}{
		{speakers, &e.Speakers}, {links, &e.Links}, {research, &e.ResearchAreas},
		{impact, &e.ImpactAreas}, {lists, &e.Reminders.Lists}, {schedule, &e.Reminders.Schedule},
	} {
		if c.data != nil {
			if err := json.Unmarshal(c.data, c.into); err != nil {
				return nil, err
			}
		}
	}
	return &e, nil
}

func BenchmarkGet(b *testing.B) {
	path := benchFile(b)
	// Visit events all over the file, in the same order for both.
	ids := make([]string, 4096)
	for i := range ids {
		ids[i] = fixture.events[(i*7919)%benchEvents].ID
	}
	ctx := context.Background()
	b.Run("store", func(b *testing.B) {
		s := openBenchStore(b, path)
		i := 0
		for b.Loop() {
			if _, err := s.Get(ctx, ids[i%len(ids)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("calendar", func(b *testing.B) {
		cal := newBenchCalendar(b, openBenchStore(b, path))
		i := 0
		for b.Loop() {
			if _, err := cal.Get(ctx, ids[i%len(ids)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("raw", func(b *testing.B) {
		get := prepare(b, openRaw(b, path), "SELECT "+rawColumns+" FROM events WHERE id = ?")
		i := 0
		for b.Loop() {
			if _, err := rawScan(get.QueryRowContext(ctx, ids[i%len(ids)]).Scan); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

func BenchmarkMonthList(b *testing.B) {
	path := benchFile(b)
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
	b.Run("store", func(b *testing.B) {
		s := openBenchStore(b, path)
		for b.Loop() {
			events, err := s.List(ctx, seminar.ListQuery{From: from, To: to, Limit: limit})
			if err != nil {
				b.Fatal(err)
			}
			check(b, len(events))
		}
	})
	b.Run("calendar", func(b *testing.B) {
		cal := newBenchCalendar(b, openBenchStore(b, path))
		for b.Loop() {
			events, err := cal.Month(ctx, benchMonth.Year(), benchMonth.Month(), seminar.Filter{})
			if err != nil {
				b.Fatal(err)
			}
			check(b, len(events))
		}
	})
	b.Run("raw", func(b *testing.B) {
		list := prepare(b, openRaw(b, path), "SELECT "+rawColumns+` FROM events
			WHERE start_ns >= ? AND start_ns < ? AND end_ns > ? AND status <> 'cancelled'
			ORDER BY start_ns, id LIMIT ?`)
		lower := from.Add(-seminar.MaxDuration).UnixNano() + 1
		for b.Loop() {
			events, err := rawList(ctx, list, lower, to.UnixNano(), from.UnixNano(), limit)
			if err != nil {
				b.Fatal(err)
			}
			check(b, len(events))
		}
	})
}

func rawList(ctx context.Context, list *sql.Stmt, args ...any) ([]*seminar.Event, error) {
	rows, err := list.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var events []*seminar.Event
	for rows.Next() {
		e, err := rawScan(rows.Scan)
		if err != nil {
			return nil, err
		}
		events = append(events, e)
	}
	return events, rows.Err()
}

// The file format of the list columns, as the baseline writes it.
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

func rawJSON[T any](list []T) any {
	if list == nil {
		return nil
	}
	data, err := json.Marshal(list)
	if err != nil {
		panic(err)
	}
	return string(data)
}

func rawInsert(ctx context.Context, insert *sql.Stmt, e *seminar.Event) error {
	var speakers []rawPerson
	for _, p := range e.Speakers {
		speakers = append(speakers, rawPerson(p))
	}
	var links []rawLink
	for _, l := range e.Links {
		links = append(links, rawLink(l))
	}
	_, err := insert.ExecContext(ctx,
		e.ID, e.UID, e.Title, e.Type, e.Series, rawJSON(speakers),
		e.Host.Name, e.Host.Affiliation, e.Host.Email, e.Host.URL, e.Host.PhotoURL, e.Host.Bio,
		e.Contact.Name, e.Contact.Affiliation, e.Contact.Email, e.Contact.URL, e.Contact.PhotoURL, e.Contact.Bio,
		e.Start.UnixNano(), e.End.UnixNano(), e.TimeZone,
		e.Location.Room, e.Location.Building, e.Location.Address, e.Location.URL,
		e.RoomDescription, e.Public, e.Abstract, rawJSON(links), rawJSON(e.ResearchAreas), rawJSON(e.ImpactAreas),
		rawJSON(e.Reminders.Lists), e.Reminders.Subject, rawJSON(e.Reminders.Schedule),
		string(e.Status), e.CancelReason, e.Sequence, e.Version, e.CreatedBy, e.CreatedAt.UnixNano(), e.UpdatedAt.UnixNano())
	return err
}

func BenchmarkCreateBatch(b *testing.B) {
	benchFile(b)
	events := fixture.events
	ctx := context.Background()
	// newFile returns an empty database with the store's schema.
	newFile := func(b *testing.B, i int) string {
		path := filepath.Join(b.TempDir(), fmt.Sprintf("batch%d.db", i))
		s, err := sqlite.Open(context.Background(), path, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		return path
	}
	b.Run("store", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s := openBenchStore(b, newFile(b, i))
			b.StartTimer()
			if err := s.Create(ctx, events...); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(events)), "ns/event")
	})
	b.Run("calendar", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			cal := newBenchCalendar(b, openBenchStore(b, newFile(b, i)))
			b.StartTimer()
			if _, err := cal.CreateMany(ctx, events); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(events)), "ns/event")
	})
	b.Run("raw", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			db := openRaw(b, newFile(b, i))
			b.StartTimer()
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			insert, err := tx.PrepareContext(ctx, "INSERT INTO events ("+rawColumns+") VALUES (?"+
				strings.Repeat(", ?", 40)+")")
			if err != nil {
				b.Fatal(err)
			}
			for _, e := range events {
				if err := rawInsert(ctx, insert, e); err != nil {
					b.Fatal(err)
				}
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(events)), "ns/event")
	})
}

// newBenchCalendar puts the Calendar in front of a store, to measure what a
// user of the library pays: validation, copies and zone conversion included.
func newBenchCalendar(b *testing.B, s seminar.Store) *seminar.Calendar {
	cal, err := seminar.New(s, nil)
	if err != nil {
		b.Fatal(err)
	}
	createSampleSeries(b, cal)
	return cal
}
