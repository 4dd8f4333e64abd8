package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
	"github.com/seminarkit/seminar/mail"
	"github.com/seminarkit/seminar/store/sqlite"
)

// The calendar the test databases are made with, as examples/quickstart
// makes its own: talks entered on June 9, 2017 by a Calendar with a mailer
// that cannot send, their reminders scheduled in the outbox.
const (
	testDomain = "csail.mit.edu"
	testZone   = "America/New_York"
)

var enteredAt = time.Date(2017, time.June, 9, 14, 10, 0, 0, time.UTC)

// lists are the reminder lists of the test talks.
var lists = []string{"seminars@csail.mit.edu", "vision-meeting@csail.mit.edu"}

// geometrySeries is the series of internationalTalk, named in French. A
// talk names its series by ID, the slug of the name.
var geometrySeries = seminar.Series{ID: "seminaire-de-geometrie", Name: "Séminaire de géométrie"}

// talk returns a talk at the wall time of day and hour in June 2017,
// announced a week and a day before to lists.
func talk(t testing.TB, title string, day, hour int) *seminar.Event {
	t.Helper()
	start, err := seminar.WallTime(2017, time.June, day, hour, 0, testZone)
	require.NoError(t, err)
	return &seminar.Event{
		Title:    title,
		Speakers: []seminar.Person{{Name: "Pratik Chaudhari", Affiliation: "UCLA"}},
		Start:    start,
		End:      start.Add(time.Hour),
		TimeZone: testZone,
		Public:   true,
		Location: seminar.Location{Room: "32-D507"},
		Host:     seminar.Person{Name: "Bolei Zhou", Affiliation: "MIT CSAIL"},
		Contact:  seminar.Person{Name: "Bolei Zhou", Email: "bzhou@csail.mit.edu"},
		Abstract: "Stochastic gradient descent (SGD) is the gold standard of optimization in deep learning.",
		Reminders: seminar.Reminders{
			Lists:    append([]string(nil), lists...),
			Schedule: []time.Duration{7 * 24 * time.Hour, 24 * time.Hour},
		},
	}
}

// newDB stores talks in a new SQLite file through a Calendar whose clock
// reads now, after the series they may name (geometrySeries), and returns
// the file and the stored talks.
func newDB(t testing.TB, now time.Time, talks ...*seminar.Event) (string, []*seminar.Event) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "seminar.db")
	store, err := sqlite.Open(context.Background(), path, nil)
	require.NoError(t, err)
	defer store.Close()
	mailer, err := mail.New(mail.Options{}) // as the quickstart's: composes, cannot send
	require.NoError(t, err)
	clock := fixedClock(now)
	cal, err := seminar.New(store, &seminar.Options{
		Domain: testDomain, TimeZone: testZone, Now: clock,
		Mailer: mailer, ICS: &ical.Attacher{Options: ical.EncodeOptions{Now: clock}},
		From: "CSAIL Seminars <seminars@csail.mit.edu>",
	})
	require.NoError(t, err)
	_, err = cal.CreateSeries(context.Background(), &geometrySeries)
	require.NoError(t, err)
	stored, err := cal.CreateMany(context.Background(), talks)
	require.NoError(t, err)
	return path, stored
}

// result is what one run of the command did.
type result struct {
	code           int
	stdout, stderr string
}

// runCmd runs the command line args as the command would.
func runCmd(t testing.TB, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return result{code, stdout.String(), stderr.String()}
}
