// Command icsimport reads iCalendar files as the seminar importer does and
// prints one JSON object per event occurrence, one per line, or, with -db,
// imports them into a seminar calendar:
//
//	go run ./examples/icsimport [-from DATE] [-to DATE] FILE...
//	go run ./examples/icsimport -db seminar.db [-series-from-calendar-name] FILE...
//
// Each object has the keys uid, title, start, end, timeZone, allDay, status
// and recurrenceId. start and end are RFC 3339 times with the offset of the
// event's own zone ("Z" for UTC); a floating time (no zone, and no
// X-WR-TIMEZONE in its calendar) has no offset (2006-01-02T15:04:05); an
// all-day event is a date, its end the day after the last. timeZone is the
// IANA zone, empty for UTC, floating and all-day events. status is the
// event's STATUS (CONFIRMED, TENTATIVE, CANCELLED) or empty. recurrenceId is
// empty for an event that does not recur.
//
// Recurring events are expanded from -from to -to, both dates and both
// included; by default each series from its first start for two years, at
// most 1,000 occurrences per series.
//
// With -db, the events go into the calendar kept in that SQLite database
// (made if missing), by seminar.Calendar.ImportCalendar: each recurring
// event becomes a series named by its SUMMARY (with
// -series-from-calendar-name, each file's events go in one series named by
// its X-WR-CALNAME), whose instances are talks that keep their
// RECURRENCE-ID. Importing a file again, or a newer version of it,
// updates its talks and adds no copy. For each file the command prints
// one JSON object: file, created, updated and unchanged (how many events
// the import created, updated, and left as they were) and seriesCreated
// (the IDs of the series it created).
//
// What was skipped or cut, and why, goes to standard error as
// FILE:LINE: COMPONENT UID: reason. The command fails when a file cannot
// be read at all (missing, unreadable, or larger than 10 MiB), or, with
// -db, when the database cannot be opened or an import fails.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
	"github.com/seminarkit/seminar/store/sqlite"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// occurrence is the JSON form of one occurrence.
type occurrence struct {
	UID          string `json:"uid"`
	Title        string `json:"title"`
	Start        string `json:"start"`
	End          string `json:"end"`
	TimeZone     string `json:"timeZone"`
	AllDay       bool   `json:"allDay"`
	Status       string `json:"status"`
	RecurrenceID string `json:"recurrenceId"`
}

// imported is the JSON form of what importing one file did.
type imported struct {
	File          string   `json:"file"`
	Created       int      `json:"created"`
	Updated       int      `json:"updated"`
	Unchanged     int      `json:"unchanged"`
	SeriesCreated []string `json:"seriesCreated"`
}

// run is the command: it returns the exit status, 2 for bad usage and 1
// when a file could not be read or imported.
func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("icsimport", flag.ContinueOnError)
	flags.SetOutput(stderr)
	from := flags.String("from", "", "expand recurring events from this `date` (2006-01-02)")
	to := flags.String("to", "", "expand recurring events up to this `date`, included (2006-01-02)")
	db := flags.String("db", "", "import the events into the SQLite database at `path`, made if missing, instead of printing them")
	byName := flags.Bool("series-from-calendar-name", false, "with -db, put the events of each file in one series named by its X-WR-CALNAME")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: icsimport [-from DATE] [-to DATE] [-db PATH [-series-from-calendar-name]] FILE...")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return 2
	}
	opts, err := window(*from, *to)
	if err != nil {
		fmt.Fprintln(stderr, "icsimport:", err)
		return 2
	}
	if flags.NArg() == 0 {
		flags.Usage()
		return 2
	}
	out := json.NewEncoder(stdout)
	out.SetEscapeHTML(false)
	handle := func(name string, res *ical.Result) error { return printOccurrences(res, out) }
	if *db != "" {
		ctx := context.Background()
		store, err := sqlite.Open(ctx, *db, nil)
		if err != nil {
			fmt.Fprintln(stderr, "icsimport:", err)
			return 1
		}
		defer store.Close()
		cal, err := seminar.New(store, nil)
		if err != nil {
			fmt.Fprintln(stderr, "icsimport:", err)
			return 1
		}
		importOpts := &ical.ImportOptions{SeriesFromCalendarName: *byName}
		handle = func(name string, res *ical.Result) error {
			return importInto(ctx, cal, name, res.CalendarImport(importOpts), out)
		}
	}
	status := 0
	for _, name := range flags.Args() {
		if err := readFile(name, opts, stderr, handle); err != nil {
			fmt.Fprintf(stderr, "icsimport: %s: %v\n", name, err)
			status = 1
		}
	}
	return status
}

// window reads -from and -to as dates in UTC; -to includes its day.
func window(from, to string) (*ical.DecodeOptions, error) {
	opts := &ical.DecodeOptions{}
	if from != "" {
		t, err := time.Parse(time.DateOnly, from)
		if err != nil {
			return nil, fmt.Errorf("-from %q is not a date such as 2025-09-01", from)
		}
		opts.From = t
	}
	if to != "" {
		t, err := time.Parse(time.DateOnly, to)
		if err != nil {
			return nil, fmt.Errorf("-to %q is not a date such as 2025-12-31", to)
		}
		opts.To = t.AddDate(0, 0, 1)
	}
	if !opts.From.IsZero() && !opts.To.IsZero() && !opts.To.After(opts.From) {
		return nil, errors.New("-to is before -from")
	}
	return opts, nil
}

// readFile decodes the file name, reports what was skipped, and hands the
// result to use.
func readFile(name string, opts *ical.DecodeOptions, stderr io.Writer, use func(name string, res *ical.Result) error) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := ical.Decode(f, opts)
	if err != nil {
		return err
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(stderr, "%s:%d: %s\n", name, s.Line, describe(s))
	}
	return use(name, res)
}

func printOccurrences(res *ical.Result, out *json.Encoder) error {
	for _, o := range res.Occurrences {
		if err := out.Encode(jsonOf(o)); err != nil {
			return err
		}
	}
	return nil
}

// importInto imports the events of the file name into cal, and prints
// what it did.
func importInto(ctx context.Context, cal *seminar.Calendar, name string, in *seminar.CalendarImport, out *json.Encoder) error {
	res, err := cal.ImportCalendar(ctx, in)
	if err != nil {
		return err
	}
	summary := imported{File: name, Created: len(res.Created), Updated: len(res.Updated),
		Unchanged: len(res.Unchanged), SeriesCreated: []string{}}
	for _, s := range res.SeriesCreated {
		summary.SeriesCreated = append(summary.SeriesCreated, s.ID)
	}
	return out.Encode(summary)
}

func describe(s ical.Skipped) string {
	what := s.Component
	if s.UID != "" {
		what += " " + s.UID
	}
	if what == "" {
		return s.Reason
	}
	return what + ": " + s.Reason
}

func jsonOf(o ical.Occurrence) occurrence {
	layout := time.RFC3339
	switch {
	case o.AllDay:
		layout = time.DateOnly
	case o.Floating:
		layout = "2006-01-02T15:04:05"
	}
	return occurrence{
		UID: o.UID, Title: o.Title, Start: o.Start.Format(layout), End: o.End.Format(layout),
		TimeZone: o.TimeZone, AllDay: o.AllDay, Status: o.Status, RecurrenceID: o.RecurrenceID,
	}
}
