package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
)

// config is what the flags say.
type config struct {
	db     string
	domain string
	name   string
	start  string // the wall time as given, for messages
	zone   string
	plan   seminar.Plan
	// defaults are the series' defaults the flags give; given names the
	// flags that were set, which a stored series must agree with.
	defaults seminar.SeriesDefaults
	given    map[string]bool
}

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

var (
	// errHelp means -h was asked for and the help was shown.
	errHelp = errors.New("help shown")
	// errUsageShown means the flag package already reported the mistake.
	errUsageShown = errors.New("usage shown")
)

const usageHead = `Usage: series -db FILE -name NAME -start YYYY-MM-DDTHH:MM -rule RRULE
              [-zone ZONE] [-except DATE,...] [-duration 1h] [-room ROOM]
              [-lists ADDR,...] [-public=false] [-domain NAME]

Creates the series NAME in a SQLite database, or finds it there, plans its
slots from -start and -rule, and prints each slot: its ID, a tab, its start
in RFC 3339, a tab and its title ("To be announced" until one is set).
Running it again adds only the slots not stored yet.

`

// wallLayout is how -start is written: a wall time, read in -zone.
const wallLayout = "2006-01-02T15:04"

// parseFlags reads the command line into a config without touching the
// database. What the Calendar checks (the rule, the dates, the zone's
// being a place, the room) it leaves to the Calendar, whose problems run
// maps back to the flags.
func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("series", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageHead)
		fs.PrintDefaults()
	}
	c := &config{given: map[string]bool{}}
	var except, lists listFlag
	fs.StringVar(&c.db, "db", "", "SQLite database `FILE`; created if missing (required)")
	fs.StringVar(&c.name, "name", "", `the series' name, such as "Vision Seminar"; its ID is the slug, vision-seminar (required)`)
	fs.StringVar(&c.start, "start", "", "the first slot's wall time, such as 2017-09-11T16:00, read in -zone (required)")
	fs.StringVar(&c.zone, "zone", "America/New_York", "IANA `zone` the series meets in; slots keep -start's wall time in it")
	fs.StringVar(&c.plan.Rule, "rule", "", `RFC 5545 RRULE that ends, such as "FREQ=WEEKLY;BYDAY=MO;UNTIL=20171212T000000Z" (required)`)
	fs.Var(&except, "except", "`dates` with no talk, such as 2017-10-09; repeat it or separate them with commas")
	fs.DurationVar(&c.defaults.Duration, "duration", time.Hour, "a talk's length")
	fs.StringVar(&c.defaults.Location.Room, "room", "", "the room talks are in, such as 32-D507")
	fs.Var(&lists, "lists", "mailing `addresses` reminded a week and a day before each talk; repeat it or separate them with commas")
	fs.BoolVar(&c.defaults.Public, "public", true, "whether the talks are public: in public feeds and pages")
	fs.StringVar(&c.domain, "domain", "", "domain of the slots' UIDs (seminar.Options.Domain), fixed when a slot is made")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, errHelp
		}
		return nil, errUsageShown
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	fs.Visit(func(f *flag.Flag) { c.given[f.Name] = true })
	for _, f := range []struct{ name, value, what string }{
		{"db", c.db, "FILE, the SQLite database"},
		{"name", c.name, `NAME, such as "Vision Seminar"`},
		{"start", c.start, "the first slot's wall time, such as 2017-09-11T16:00"},
		{"rule", c.plan.Rule, `an RRULE, such as "FREQ=WEEKLY;BYDAY=MO;UNTIL=20171212T000000Z"`},
	} {
		if strings.TrimSpace(f.value) == "" {
			return nil, fmt.Errorf("-%s is required: %s", f.name, f.what)
		}
	}
	if seminar.Slug(c.name) == "" {
		return nil, fmt.Errorf("-name %q has no letter or digit (A-Z, 0-9) to make the series' ID from", c.name)
	}
	if c.defaults.Duration <= 0 {
		return nil, fmt.Errorf("-duration %s: a talk lasts a positive time, such as 1h or 90m", c.defaults.Duration)
	}
	if _, err := time.LoadLocation(c.zone); err != nil || c.zone == "" || c.zone == "Local" {
		return nil, fmt.Errorf("-zone %q is not an IANA time zone such as America/New_York", c.zone)
	}
	start, err := wallTime(c.start, c.zone)
	if err != nil {
		return nil, err
	}
	c.plan.Start = start
	c.plan.Except = except
	c.defaults.TimeZone = c.zone
	if len(lists) > 0 {
		c.defaults.Reminders = seminar.Reminders{Lists: lists, Schedule: []time.Duration{7 * 24 * time.Hour, 24 * time.Hour}}
	}
	return c, nil
}

// wallTime reads -start as the wall time s in zone, refusing one that a
// daylight-saving change skips or repeats there.
func wallTime(s, zone string) (time.Time, error) {
	w, err := time.Parse(wallLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("-start %q is not a wall time such as 2017-09-11T16:00 (a date, T, hours and minutes; no offset: it is read in -zone)", s)
	}
	t, err := seminar.WallTime(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), zone)
	if err != nil {
		// WallTime says which: a daylight-saving gap, a fold, or no such
		// date, with the offsets involved.
		return time.Time{}, fmt.Errorf("-start %s: %w", s, err)
	}
	return t, nil
}

// listFlag is a flag that may be repeated and whose values may be
// separated by commas: -except 2017-10-09,2017-11-10 -except 2017-11-23.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for v := range strings.SplitSeq(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}
