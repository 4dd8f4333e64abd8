package ical

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
)

// ImportOptions says how Result.CalendarImport makes seminar series and
// events of what Decode read. The zero value, and a nil *ImportOptions,
// mean the defaults written on each field.
type ImportOptions struct {
	// SeriesFromCalendarName puts every event of a calendar that has a
	// name (X-WR-CALNAME, or NAME) in one series of that name, described
	// by the calendar's X-WR-CALDESC and meeting in its X-WR-TIMEZONE: a
	// calendar that is one seminar's, as a department exports it from
	// Google Calendar. By default, each recurring event is a series of its
	// own, named by its SUMMARY, and other events belong to no series.
	SeriesFromCalendarName bool
}

// CalendarImport returns what Calendar.ImportCalendar imports r as:
//
//   - Each occurrence is an event, as Occurrence.Event makes it.
//   - Each instance of a recurring event (see Result.Masters) belongs to a
//     series: its calendar's with SeriesFromCalendarName, else one named
//     by the recurring event's SUMMARY, described by its DESCRIPTION, with
//     its zone, length and LOCATION as defaults. Its Slot is its
//     RecurrenceID as an instant (for an all-day series midnight UTC of its
//     date, for a floating one its wall reading as UTC), which never
//     changes however the instance is moved: ImportCalendar stores it as
//     seminar.SlotID(series, slot) and finds it again there. Its UID is
//     the recurring event's, "/" and the RecurrenceID, as Event makes it,
//     so that the instances of one recurring event, which share its UID in
//     the file, are distinct events.
//   - With SeriesFromCalendarName, every other event of a named calendar
//     belongs to its series too. An event our own encoder wrote keeps the
//     series it names.
//
// A series' ID is seminar.Slug of its name, cut to
// seminar.MaxSeriesIDLen bytes; a name with no ASCII letter or digit gets
// "series-" and a digest of the name. So two recurring events of the same
// SUMMARY, such as the two halves Google Calendar makes of a series whose
// later events were moved, are one series, and importing a file again
// finds the series the first import made. Every series the events name is
// in the result's Series; ImportCalendar creates those not stored yet and
// leaves the others as they are.
func (r *Result) CalendarImport(opts *ImportOptions) *seminar.CalendarImport {
	o := ImportOptions{}
	if opts != nil {
		o = *opts
	}
	b := importBuilder{r: r, opts: o, seen: map[string]bool{}, masters: map[string]*Occurrence{}}
	for i := range r.Masters {
		b.masters[r.Masters[i].UID] = &r.Masters[i]
	}
	out := &seminar.CalendarImport{Events: make([]*seminar.Event, 0, len(r.Occurrences))}
	for i := range r.Occurrences {
		out.Events = append(out.Events, b.event(&r.Occurrences[i]))
	}
	out.Series = b.series
	return out
}

// importBuilder builds a seminar.CalendarImport.
type importBuilder struct {
	r    *Result
	opts ImportOptions
	// masters are r.Masters by UID.
	masters map[string]*Occurrence
	// series are the series named so far, in order; seen holds their IDs.
	series []*seminar.Series
	seen   map[string]bool
}

// event returns the seminar event of o, in its series.
func (b *importBuilder) event(o *Occurrence) *seminar.Event {
	e := o.Event()
	master := b.masters[o.UID]
	if master == nil || o.RecurrenceID == "" {
		master = nil
	}
	switch {
	case b.opts.SeriesFromCalendarName && b.calendarName(o) != "":
		e.Series = b.calendarSeries(o.Calendar)
	case master != nil:
		e.Series = b.masterSeries(master)
	case e.Series != "":
		e.Series = b.add(&seminar.Series{Name: e.Series})
	}
	if master != nil {
		e.Slot, _ = recurrenceInstant(o.RecurrenceID)
	}
	return e
}

func (b *importBuilder) calendarName(o *Occurrence) string {
	if o.Calendar < 0 || o.Calendar >= len(b.r.Calendars) {
		return ""
	}
	return b.r.Calendars[o.Calendar].Name
}

// calendarSeries returns the ID of the series of the calendar of index i.
func (b *importBuilder) calendarSeries(i int) string {
	cal := b.r.Calendars[i]
	return b.add(&seminar.Series{Name: cal.Name, Description: cal.Description,
		Defaults: seminar.SeriesDefaults{TimeZone: cal.TimeZone}})
}

// masterSeries returns the ID of the series of a recurring event.
func (b *importBuilder) masterSeries(m *Occurrence) string {
	e := m.Event()
	return b.add(&seminar.Series{
		Name:        e.Title,
		Description: m.Description,
		Contact:     e.Contact,
		Defaults: seminar.SeriesDefaults{
			Location: seminar.Location{Room: e.Location.Room},
			TimeZone: m.TimeZone,
			Duration: m.End.Sub(m.Start),
			Public:   e.Public,
		},
	})
}

// add names a series, the first time its ID comes up, and returns its ID.
func (b *importBuilder) add(s *seminar.Series) string {
	s.ID = seriesID(s.Name)
	if !b.seen[s.ID] {
		b.seen[s.ID] = true
		b.series = append(b.series, s)
	}
	return s.ID
}

// seriesID returns the ID of an imported series of the given name.
func seriesID(name string) string {
	id := seminar.Slug(name)
	if len(id) > seminar.MaxSeriesIDLen {
		id = strings.TrimRight(id[:seminar.MaxSeriesIDLen], "-")
	}
	if id == "" {
		sum := sha256.Sum256([]byte(name))
		id = "series-" + hex.EncodeToString(sum[:6])
	}
	return id
}

// recurrenceInstant reads an Occurrence.RecurrenceID as the instant it
// names: a UTC instant, a date at midnight UTC, or a wall reading as UTC.
func recurrenceInstant(rid string) (time.Time, bool) {
	layout := "20060102T150405Z"
	switch len(rid) {
	case len("20060102"):
		layout = "20060102"
	case len("20060102T150405"):
		layout = "20060102T150405"
	}
	t, err := time.Parse(layout, rid)
	return t, err == nil
}
