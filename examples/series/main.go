// Command series plans the term of a talk series in a SQLite database: it
// creates the series, or finds it there, and stores a slot "to be announced"
// for each date its rule gives, which organizers fill in as speakers
// confirm:
//
//	go run ./examples/series -db fall.db -name "Vision Seminar" \
//		-start 2017-09-11T16:00 -zone America/New_York \
//		-rule "FREQ=WEEKLY;BYDAY=MO;UNTIL=20171212T000000Z" \
//		-except 2017-10-09 -duration 1h -room 32-D507
//
// prints the thirteen Mondays of the fall 2017 term but Columbus Day, at
// 4 PM in New York whatever the offset (-04:00 through October, -05:00 from
// November 6):
//
//	<ID>	2017-09-11T16:00:00-04:00	To be announced
//	<ID>	2017-09-18T16:00:00-04:00	To be announced
//	...
//	<ID>	2017-12-11T16:00:00-05:00	To be announced
//
// and go run ./examples/feedserver -db fall.db then serves them at
// /series/vision-seminar.ics.
//
// # What it prints
//
// One line per slot of the plan, ordered by start: the slot's ID, a tab,
// its start in RFC 3339 in the series' zone, a tab and its title as pages
// show it (seminar.View.Heading): the title once one is set, and "To be
// announced" (seminar.ToBeAnnounced) until then; a cancelled slot's title
// reads "Cancelled: ...". Standard error says whether the series was
// created and how many slots were added ("added 13 slots", "no slots
// added").
//
// # Running it again
//
// A slot's ID is derived from its series and its planned start
// (seminar.SlotID), so running the command again with the same flags adds
// nothing, writes nothing, and prints the same. A later UNTIL or a higher
// COUNT adds only the new slots; a slot that was filled in, moved or
// cancelled is left as it is; a slot that a shorter rule or a new -except
// no longer gives is kept, and named on standard error. The command plans
// a stored series and changes nothing else about it: if -name, -zone, or
// any of -duration, -room, -lists and -public that is given, differs from
// the stored series, it says so and stops (change a series' defaults with
// seminar.Calendar.UpdateSeries, or UpdateFollowing to change its talks
// too).
//
// # Flags
//
// -db, -name, -start and -rule are required. The series' ID is the slug of
// -name ("vision-seminar"). -start is a wall time, 2017-09-11T16:00, read
// in -zone (default America/New_York): a time that a daylight-saving change
// skips or repeats there is refused, and every slot keeps that wall time.
// -rule is an RFC 5545 RRULE that ends, by UNTIL or COUNT. -except and
// -lists may be repeated or take values separated by commas; with -lists,
// each talk is reminded a week and a day before, once it has a title and a
// speaker. Talks are public unless -public=false. -domain is the right-hand
// side of the slots' UIDs (seminar.Options.Domain), fixed when a slot is
// made.
//
// # Exit status
//
// 0 on success, 1 when the command failed, 2 when the command line is wrong,
// with a message naming the flag.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/feed"
	"github.com/seminarkit/seminar/store/sqlite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// run runs the command line args and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	switch {
	case errors.Is(err, errHelp):
		return exitOK
	case errors.Is(err, errUsageShown):
		return exitUsage
	case err != nil:
		fmt.Fprintf(stderr, "series: %v\nRun series -h for help.\n", err)
		return exitUsage
	}
	err = c.run(ctx, stdout, stderr)
	var usage usageError
	switch {
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "series: %v\n", err)
		return exitUsage
	case err != nil:
		fmt.Fprintf(stderr, "series: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// run opens the database, plans the series and prints its slots.
func (c *config) run(ctx context.Context, stdout, stderr io.Writer) error {
	store, err := sqlite.Open(ctx, c.db, nil)
	if err != nil {
		return err
	}
	defer store.Close()
	cal, err := seminar.New(store, &seminar.Options{Domain: c.domain, TimeZone: c.zone})
	if err != nil {
		return usageError{fmt.Errorf("-domain %q: %w", c.domain, err)}
	}
	id := seminar.Slug(c.name)
	res, added, err := c.planSeries(ctx, cal, id, stderr)
	if err != nil {
		return err
	}
	for _, e := range res.Slots {
		v, err := seminar.NewView(e)
		if err != nil {
			return err
		}
		title := v.Heading
		if e.Cancelled() {
			title = "Cancelled: " + title
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s\n", e.ID, e.Start.Format(time.RFC3339), title)
	}
	switch added {
	case 0:
		fmt.Fprintln(stderr, "series: no slots added")
	case 1:
		fmt.Fprintln(stderr, "series: added 1 slot")
	default:
		fmt.Fprintf(stderr, "series: added %d slots\n", added)
	}
	if n := len(res.Outside); n > 0 {
		fmt.Fprintf(stderr, "series: %d slots planned before are not in this plan; they are kept (cancel or delete them if they are not to happen):\n", n)
		for _, e := range res.Outside {
			fmt.Fprintf(stderr, "\t%s\t%s\n", e.ID, e.Start.Format(time.RFC3339))
		}
	}
	if !res.Series.Defaults.Public {
		fmt.Fprintf(stderr, "series: the series' talks are not public (-public=false, or the stored series' default): public feeds and pages leave them out\n")
	}
	fmt.Fprintf(stderr, "series: its feed is %s (go run ./examples/feedserver -db %s)\n", feed.Series(id).Path(), c.db)
	return nil
}

// planSeries creates the series id with its plan in one atomic step, or
// plans the stored one again, and returns the plan's slots and how many
// were added.
func (c *config) planSeries(ctx context.Context, cal *seminar.Calendar, id string, stderr io.Writer) (*seminar.PlanResult, int, error) {
	stored, err := cal.GetSeries(ctx, id)
	switch {
	case errors.Is(err, seminar.ErrNotFound):
		plan := c.plan
		s := &seminar.Series{ID: id, Name: c.name, Defaults: c.defaults, Plan: &plan}
		if _, err := cal.CreateSeries(ctx, s); err != nil {
			return nil, 0, c.flagProblems(err)
		}
		fmt.Fprintf(stderr, "series: created the series %s (%s) in %s\n", id, c.name, c.db)
		// The plan is stored as given: planning it again writes nothing
		// and lists the slots the creation made.
		res, err := cal.PlanSeries(ctx, id, c.plan)
		if err != nil {
			return nil, 0, err
		}
		return res, len(res.Slots), nil
	case err != nil:
		return nil, 0, err
	}
	if err := c.agrees(stored); err != nil {
		return nil, 0, err
	}
	res, err := cal.PlanSeries(ctx, id, c.plan)
	if err != nil {
		return nil, 0, c.flagProblems(err)
	}
	return res, res.Added, nil
}

// agrees returns a usageError naming each flag that differs from the
// stored series s: -name and -zone always, the others when given.
func (c *config) agrees(s *seminar.Series) error {
	var diffs []string
	differs := func(flag, given, stored string) {
		if given != stored {
			diffs = append(diffs, fmt.Sprintf("-%s is %q, the series' %s is %q", flag, given, flag, stored))
		}
	}
	d, sd := c.defaults, s.Defaults
	differs("name", c.name, s.Name)
	differs("zone", c.zone, sd.TimeZone)
	if c.given["duration"] {
		differs("duration", d.Duration.String(), sd.Duration.String())
	}
	if c.given["room"] {
		differs("room", d.Location.Room, sd.Location.Room)
	}
	if c.given["lists"] {
		differs("lists", strings.Join(d.Reminders.Lists, ","), strings.Join(sd.Reminders.Lists, ","))
	}
	if c.given["public"] {
		differs("public", strconv.FormatBool(d.Public), strconv.FormatBool(sd.Public))
	}
	if len(diffs) == 0 {
		return nil
	}
	return usageError{fmt.Errorf("the series %s is stored, and %s; this command plans a stored series' slots and changes nothing else: give the stored values, or change the series with seminar.Calendar.UpdateSeries (UpdateFollowing changes its talks too)",
		s.ID, strings.Join(diffs, "; "))}
}

// fieldFlags maps the paths of the Calendar's problems to the flags that
// set those fields.
var fieldFlags = map[string]string{
	"id":                         "name",
	"name":                       "name",
	"defaults.timeZone":          "zone",
	"defaults.duration":          "duration",
	"defaults.location.room":     "room",
	"defaults.reminders.lists[]": "lists",
	"plan.start":                 "start",
	"plan.rule":                  "rule",
	"plan.except[]":              "except",
}

var index = regexp.MustCompile(`\[(\d+)\]$`)

// flagProblems turns the Calendar's *seminar.ValidationError into a
// usageError that names the flag of each problem and its value; other
// errors are returned as they are.
func (c *config) flagProblems(err error) error {
	var ve *seminar.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	values := map[string][]string{
		"name": {c.name}, "zone": {c.zone}, "duration": {c.defaults.Duration.String()},
		"room": {c.defaults.Location.Room}, "lists": c.defaults.Reminders.Lists,
		"start": {c.start}, "rule": {c.plan.Rule}, "except": c.plan.Except,
	}
	var problems []string
	for _, f := range ve.Fields {
		path, i := f.Path, 0
		if m := index.FindStringSubmatch(path); m != nil {
			i, _ = strconv.Atoi(m[1])
			path = path[:len(path)-len(m[0])] + "[]"
		}
		name, ok := fieldFlags[path]
		if !ok || i >= len(values[name]) {
			problems = append(problems, f.Error())
			continue
		}
		problems = append(problems, fmt.Sprintf("-%s %q: %s", name, values[name][i], f.Message))
	}
	return usageError{errors.New(strings.Join(problems, "; "))}
}
