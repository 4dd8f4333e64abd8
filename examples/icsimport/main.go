// Command icsimport reads iCalendar files as the seminar importer does and
// prints one JSON object per event occurrence, one per line:
//
//	go run ./examples/icsimport [-from DATE] [-to DATE] FILE...
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
// What was skipped or cut, and why, goes to standard error as
// FILE:LINE: COMPONENT UID: reason. The command fails only when a file
// cannot be read at all: missing, unreadable, or larger than 10 MiB.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/seminarkit/seminar/ical"
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

// run is the command: it returns the exit status, 2 for bad usage and 1
// when a file could not be read.
func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("icsimport", flag.ContinueOnError)
	flags.SetOutput(stderr)
	from := flags.String("from", "", "expand recurring events from this `date` (2006-01-02)")
	to := flags.String("to", "", "expand recurring events up to this `date`, included (2006-01-02)")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: icsimport [-from DATE] [-to DATE] FILE...")
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
	status := 0
	out := json.NewEncoder(stdout)
	out.SetEscapeHTML(false)
	for _, name := range flags.Args() {
		if err := importFile(name, opts, out, stderr); err != nil {
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

func importFile(name string, opts *ical.DecodeOptions, out *json.Encoder, stderr io.Writer) error {
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
	for _, o := range res.Occurrences {
		if err := out.Encode(jsonOf(o)); err != nil {
			return err
		}
	}
	return nil
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
