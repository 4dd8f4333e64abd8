package seminar_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/mail"
	"github.com/seminarkit/seminar/store/sqlite"
)

// benchCalendar returns a Calendar on a new SQLite database, sending
// through a Recorder when mailer is set, and a talk with two lists and a
// two-reminder schedule to write.
func benchCalendar(b *testing.B, mailer bool) (*seminar.Calendar, *seminar.Event) {
	b.Helper()
	store, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"), nil)
	require.NoError(b, err)
	b.Cleanup(func() { store.Close() })
	opts := &seminar.Options{Domain: "csail.mit.edu", Now: func() time.Time { return seedCreated.Add(-30 * 24 * time.Hour) }}
	if mailer {
		opts.Mailer, opts.ICS, opts.From = &mail.Recorder{}, fakeICS{}, "seminars@csail.mit.edu"
	}
	cal, err := seminar.New(store, opts)
	require.NoError(b, err)
	return cal, seedEvent(b)
}

// BenchmarkCalendar_SQLite_Create measures Create of a talk with reminders:
// the event and its scheduled reminders written to SQLite.
func BenchmarkCalendar_SQLite_Create(b *testing.B) {
	for _, mailer := range []bool{true, false} {
		b.Run(map[bool]string{true: "mailer", false: "nomailer"}[mailer], func(b *testing.B) {
			cal, talk := benchCalendar(b, mailer)
			for b.Loop() {
				if _, err := cal.Create(b.Context(), talk); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCalendar_SQLite_Edit measures Update of a talk with reminders
// that changes its abstract: no reminder moves.
func BenchmarkCalendar_SQLite_Edit(b *testing.B) {
	for _, mailer := range []bool{true, false} {
		b.Run(map[bool]string{true: "mailer", false: "nomailer"}[mailer], func(b *testing.B) {
			cal, talk := benchCalendar(b, mailer)
			e, err := cal.Create(b.Context(), talk)
			require.NoError(b, err)
			abstracts := []string{"First draft.", "Second draft."}
			i := 0
			for b.Loop() {
				i++
				e.Abstract = abstracts[i%2]
				if e, err = cal.Update(b.Context(), e); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCalendar_SQLite_Update measures Update of a talk with reminders,
// alternating between two rooms: each write changes the place, so its
// reminders are re-timed, and the talk's outbox grows by the dropped ones.
func BenchmarkCalendar_SQLite_Update(b *testing.B) {
	for _, mailer := range []bool{true, false} {
		b.Run(map[bool]string{true: "mailer", false: "nomailer"}[mailer], func(b *testing.B) {
			cal, talk := benchCalendar(b, mailer)
			e, err := cal.Create(b.Context(), talk)
			require.NoError(b, err)
			rooms := []string{"32-D507", "32-G449"}
			i := 0
			for b.Loop() {
				i++
				e.Location.Room = rooms[i%2]
				if e, err = cal.Update(b.Context(), e); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
