// Command quickstart keeps a talk calendar in an embedded SQLite database:
// it adds the June 2017 talks of a department seminar, then prints the page
// of one talk, the other events of that month, and the reminder email of the
// talk exactly as it would be sent. It also writes the talk as an iCalendar
// file, csail-talk.ics, beside the database.
//
//	go run ./examples/quickstart [-db seminar.db]
//
// The database is the file given by -db, seminar.db in the working directory
// by default; it is created on the first run. Running the command again
// finds the talks already there and adds nothing, and prints the same.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
	"github.com/seminarkit/seminar/mail"
	"github.com/seminarkit/seminar/store/sqlite"
)

func main() {
	dbPath := flag.String("db", "seminar.db", "SQLite database file; created if missing")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *dbPath); err != nil {
		log.Fatal(err)
	}
}

// The talks were entered on Friday, June 9, 2017 at 10:10 AM Eastern; the
// calendar's clock is set there so the page reads as it did then.
var enteredAt = time.Date(2017, time.June, 9, 14, 10, 0, 0, time.UTC)

const seedUID = "2017-06-12-chaudhari@csail.mit.edu"

func run(ctx context.Context, out io.Writer, dbPath string) error {
	store, err := sqlite.Open(context.Background(), dbPath, nil)
	if err != nil {
		return err
	}
	defer store.Close()

	// The mailer's zero Options compose messages but cannot send them:
	// enough for a preview.
	mailer, err := mail.New(mail.Options{})
	if err != nil {
		return err
	}
	defer mailer.Close()
	clock := func() time.Time { return enteredAt }
	cal, err := seminar.New(store, &seminar.Options{
		Domain:   "csail.mit.edu",
		TimeZone: "America/New_York",
		Now:      clock,
		Mailer:   mailer,
		ICS:      &ical.Attacher{Options: ical.EncodeOptions{Now: clock}},
		From:     "CSAIL Seminars <seminars@csail.mit.edu>",
	})
	if err != nil {
		return err
	}

	for _, s := range series() {
		if _, err := cal.CreateSeries(ctx, s); err != nil && !errors.Is(err, seminar.ErrExists) {
			return err
		}
	}
	talks, err := juneTalks()
	if err != nil {
		return err
	}
	_, err = cal.CreateMany(ctx, talks)
	switch {
	case errors.Is(err, seminar.ErrExists):
		fmt.Fprintf(os.Stderr, "quickstart: %s already holds the June 2017 talks; nothing added\n", dbPath)
	case err != nil:
		return err
	default:
		fmt.Fprintf(os.Stderr, "quickstart: added %d talks to %s\n", len(talks), dbPath)
	}

	june, err := cal.Month(ctx, 2017, time.June, seminar.Filter{})
	if err != nil {
		return err
	}
	var seed *seminar.Event
	for _, e := range june {
		if e.UID == seedUID {
			seed = e
		}
	}
	if seed == nil {
		return fmt.Errorf("quickstart: the talk %s is not in %s", seedUID, dbPath)
	}
	if err := seminar.WritePage(out, seed, nil); err != nil {
		return err
	}

	fmt.Fprintln(out)
	fmt.Fprintln(out, "Other events happening in June 2017")
	for _, e := range june {
		if e.ID == seed.ID {
			continue
		}
		fmt.Fprintf(out, "- %s, %s: %s", e.Start.Format("Monday, June 2"), e.Start.Format("3:04 PM"), e.Title)
		if len(e.Speakers) > 0 {
			fmt.Fprintf(out, " (%s)", e.Speakers[0].Name)
		}
		fmt.Fprintln(out)
	}

	icsPath := filepath.Join(filepath.Dir(dbPath), "csail-talk.ics")
	if err := writeICS(icsPath, seed, clock); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "quickstart: wrote %s\n", icsPath)

	preview, err := cal.PreviewReminder(ctx, seed.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nReminder to %d lists, as it would be sent:\n\n", preview.Recipients)
	_, err = out.Write(preview.Raw)
	return err
}

// writeICS writes one talk as a calendar that any calendar program imports.
func writeICS(path string, e *seminar.Event, clock func() time.Time) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = ical.EncodeEvent(f, e, &ical.EncodeOptions{Name: "CSAIL talks", Now: clock})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
