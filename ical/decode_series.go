package ical

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
)

// series is the VEVENTs sharing one UID: the master (no RECURRENCE-ID)
// and the overrides of its instances.
type series struct {
	uid       string
	master    *vevent
	overrides []*vevent
	// notes already given for the series, so that a thousand instances
	// with one problem report it once.
	noted map[string]bool
}

// add files ev under the series. Of two masters the newer is kept (higher
// SEQUENCE, then later LAST-MODIFIED, then later in the input), as a
// client applying both in turn would.
func (s *series) add(d *decoder, ev *vevent) {
	if ev.rid != nil {
		s.overrides = append(s.overrides, ev)
		return
	}
	if s.master == nil {
		s.master = ev
		return
	}
	old := s.master
	if newer(old, ev) {
		old, ev = ev, old
	}
	s.master = ev
	d.note(old, old.line, fmt.Sprintf("another VEVENT with this UID (line %d) is a newer version; this one is skipped", ev.line))
}

func newer(a, b *vevent) bool {
	if a.seq != b.seq {
		return a.seq > b.seq
	}
	if !a.modified.Equal(b.modified) {
		return a.modified.After(b.modified)
	}
	return a.line > b.line
}

// seriesMode is how a series keys its instances: by instant (timed), by
// wall reading (floating) or by date (all-day).
type seriesMode struct {
	zone   *tzone // nil for floating and all-day series
	allDay bool
}

// key returns the instance key of a time value in this series: the instant
// for a timed series (a floating EXDATE or RECURRENCE-ID is read in the
// series' zone), the wall reading for a floating one, the date for an
// all-day one.
func (m seriesMode) key(v timeValue) int64 {
	switch {
	case m.allDay:
		return startOfDay(v.wall).Unix()
	case m.zone == nil:
		return v.wall.Unix()
	case v.date:
		return m.zone.resolve(v.wall).Unix()
	case v.zone == nil:
		return m.zone.resolve(v.wall).Unix()
	}
	return v.instant().Unix()
}

// wallOf returns the wall reading of instant t in the series.
func (m seriesMode) wallOf(t time.Time) time.Time {
	if m.zone == nil {
		return t
	}
	return t.Add(time.Duration(m.zone.offsetAt(t)) * time.Second).UTC()
}

// at returns the instant of a wall reading of the series: for floating and
// all-day series the reading itself.
func (m seriesMode) at(wall time.Time) time.Time {
	if m.zone == nil {
		return wall
	}
	return m.zone.resolve(wall)
}

// recurrenceID formats an instance key the way Occurrence.RecurrenceID
// shows it.
func (m seriesMode) recurrenceID(key int64) string {
	t := time.Unix(key, 0).UTC()
	switch {
	case m.allDay:
		return t.Format("20060102")
	case m.zone == nil:
		return t.Format("20060102T150405")
	}
	return t.Format("20060102T150405Z")
}

// instance is one instance of a series before overrides: its key (see
// seriesMode.key) and times.
type instance struct {
	key        int64
	start, end time.Time
}

// span is when one VEVENT's occurrence runs, by its own DTSTART, DTEND or
// DURATION.
func (m seriesMode) span(ev *vevent, wall time.Time) (time.Time, time.Time) {
	start := m.at(wall)
	switch {
	case m.allDay:
		return start, start.AddDate(0, 0, ev.days)
	case ev.end != nil:
		if m.zone == nil {
			return start, start.Add(ev.end.wall.Sub(ev.start.wall))
		}
		return start, start.Add(ev.end.instant().Sub(ev.start.instant()))
	case ev.dur != nil:
		return start, m.at(wall.AddDate(0, 0, ev.dur.days)).Add(ev.dur.exact)
	}
	return start, start
}

// modeOf returns the mode a VEVENT's DTSTART gives its series.
func modeOf(ev *vevent) seriesMode {
	if ev.allDay {
		return seriesMode{allDay: true}
	}
	return seriesMode{zone: ev.start.zone}
}

// Years seminar holds: occurrences outside them are skipped, and windows
// are cut to them.
var (
	windowMin = time.Date(seminar.MinYear, time.January, 1, 0, 0, 0, 0, time.UTC)
	windowMax = time.Date(seminar.MaxYear+1, time.January, 1, 0, 0, 0, 0, time.UTC)
)

// expandSeries turns a series into occurrences.
func (d *decoder) expandSeries(s *series) {
	m := s.master
	if m == nil {
		for _, ov := range s.overrides {
			mode := modeOf(ov)
			start, end := mode.span(ov, ov.start.wall)
			d.emit(s, ov, start, end, mode, mode.recurrenceID(mode.key(*ov.rid)))
		}
		return
	}
	mode := modeOf(m)
	if len(m.rules) == 0 && len(m.rdates) == 0 {
		d.single(s, mode)
		return
	}
	if d.expanded >= maxExpanded {
		d.tooMany(m)
		return
	}
	from, to := d.window(mode.at(m.start.wall))
	insts := d.instances(s, mode, from, to)
	overrides := map[int64]*vevent{}
	var futures []*vevent
	for _, ov := range s.overrides {
		k := mode.key(*ov.rid)
		if old := overrides[k]; old != nil {
			if newer(old, ov) {
				old, ov = ov, old
			}
			d.note(old, old.line, fmt.Sprintf("another VEVENT overrides the same instance (line %d) and is newer; this one is skipped", ov.line))
		}
		overrides[k] = ov
	}
	for _, ov := range s.overrides {
		if ov.thisAndFuture && overrides[mode.key(*ov.rid)] == ov {
			futures = append(futures, ov)
		}
	}
	slices.SortFunc(futures, func(a, b *vevent) int { return cmp.Compare(mode.key(*a.rid), mode.key(*b.rid)) })
	futureKeys := make([]int64, len(futures))
	for i, f := range futures {
		futureKeys[i] = mode.key(*f.rid)
	}
	var occs []pending
	for _, in := range insts {
		if overrides[in.key] != nil {
			continue
		}
		src, start, end := m, in.start, in.end
		if f := latestFuture(futures, futureKeys, in.key); f != nil {
			src = f
			fStart, fEnd := modeOf(f).span(f, f.start.wall)
			ridAt := time.Unix(mode.key(*f.rid), 0)
			start = start.Add(fStart.Sub(ridAt))
			end = start.Add(fEnd.Sub(fStart))
		}
		occs = append(occs, pending{ev: src, start: start, end: end, key: in.key})
	}
	for _, ov := range s.overrides {
		if k := mode.key(*ov.rid); overrides[k] == ov {
			start, end := modeOf(ov).span(ov, ov.start.wall)
			occs = append(occs, pending{ev: ov, start: start, end: end, key: k})
		}
	}
	slices.SortFunc(occs, func(a, b pending) int {
		if c := a.start.Compare(b.start); c != 0 {
			return c
		}
		return cmp.Compare(a.key, b.key)
	})
	kept := 0
	for _, p := range occs {
		if !overlaps(p.start, p.end, from, to) {
			continue
		}
		if d.expanded == maxExpanded {
			d.tooMany(m)
			break
		}
		if kept == d.opts.MaxOccurrences {
			d.note(m, m.line, fmt.Sprintf("the series has more than %d occurrences from %s to %s; those after %s are left out",
				d.opts.MaxOccurrences, from.Format(time.DateOnly), to.Format(time.DateOnly), p.start.Format(time.DateOnly)))
			break
		}
		if d.emit(s, p.ev, p.start, p.end, modeOf(p.ev), mode.recurrenceID(p.key)) {
			kept++
			d.expanded++
		}
	}
	if kept > 0 {
		first, firstEnd := mode.span(m, m.start.wall)
		o := occurrence(m, first, firstEnd, mode, "")
		o.TimeZone = d.ownZoneName(o.TimeZone)
		d.masters = append(d.masters, o)
	}
}

// maxExpanded bounds the occurrences of recurring series one decode
// returns, all series together: MaxOccurrences bounds each, but a file of
// DefaultMaxBytes holds tens of thousands of series, and a million
// occurrences would take gigabytes.
const maxExpanded = 100000

// tooMany reports, once per decode, that maxExpanded was reached.
func (d *decoder) tooMany(m *vevent) {
	if d.saidTooMany {
		return
	}
	d.saidTooMany = true
	d.note(m, m.line, fmt.Sprintf("the recurring events of the input have more than %d occurrences in all; "+
		"this series and those after it are not expanded further", maxExpanded))
}

// pending is an occurrence about to be emitted.
type pending struct {
	ev         *vevent
	start, end time.Time
	key        int64
}

// latestFuture returns the THISANDFUTURE override that an instance of the
// given key follows: the one of the latest key before it. keys are the
// keys of futures, in order.
func latestFuture(futures []*vevent, keys []int64, key int64) *vevent {
	if i, _ := slices.BinarySearch(keys, key); i > 0 {
		return futures[i-1]
	}
	return nil
}

func overlaps(start, end, from, to time.Time) bool {
	if !start.Before(to) {
		return false
	}
	return end.After(from) || !start.Before(from)
}

// single emits an event that does not recur, replaced by an override of
// its one instance if there is one; other overrides are events of their
// own.
func (d *decoder) single(s *series, mode seriesMode) {
	m := s.master
	own := mode.key(m.start)
	src := m
	for _, ov := range s.overrides {
		if mode.key(*ov.rid) == own && (src == m || newer(ov, src)) {
			src = ov
		}
	}
	start, end := modeOf(src).span(src, src.start.wall)
	d.emit(s, src, start, end, modeOf(src), "")
	for _, ov := range s.overrides {
		if ov != src && mode.key(*ov.rid) != own {
			ovMode := modeOf(ov)
			start, end := ovMode.span(ov, ov.start.wall)
			d.emit(s, ov, start, end, ovMode, ovMode.recurrenceID(ovMode.key(*ov.rid)))
		}
	}
}

// window returns the expansion window of a series whose first instance
// starts at first, cut to the years seminar holds.
func (d *decoder) window(first time.Time) (time.Time, time.Time) {
	from, to := d.opts.From, d.opts.To
	if from.IsZero() {
		from = first
	}
	if to.IsZero() {
		to = from.AddDate(2, 0, 0)
	}
	if from.Before(windowMin) {
		from = windowMin
	}
	if to.After(windowMax) {
		to = windowMax
	}
	return from, to
}

// instances expands the master's RRULEs and RDATEs, less its EXDATEs, with
// DTSTART first, in order of start.
func (d *decoder) instances(s *series, mode seriesMode, from, to time.Time) []instance {
	m := s.master
	first, firstEnd := mode.span(m, m.start.wall)
	longest := 26*time.Hour + firstEnd.Sub(first)
	fromWall := mode.wallOf(from).Add(-longest)
	toWall := mode.wallOf(to).Add(26 * time.Hour)
	limit := min(d.opts.MaxOccurrences, maxExpanded-d.expanded) + len(m.exdates) + len(s.overrides) + 1
	inWindow := func(w time.Time) bool {
		start, end := mode.span(m, w)
		return overlaps(start, end, from, to)
	}
	walls := []time.Time{m.start.wall}
	left := seriesWork
	for _, r := range m.rules {
		run := ruleRun{rule: r, dtstart: m.start.wall, until: d.untilWall(r, mode),
			from: fromWall, to: toWall, inWindow: inWindow, max: limit, series: &left, work: d.work}
		x := run.expand()
		walls = append(walls, x.walls...)
		if x.outOfWork {
			last := m.start.wall
			if len(x.walls) > 0 {
				last = x.walls[len(x.walls)-1]
			}
			d.note(m, m.line, fmt.Sprintf("expanding the RRULE took more work than allowed; instances after %s are left out",
				last.Format("2006-01-02 15:04")))
		}
	}
	byKey := map[int64]instance{}
	for _, w := range walls {
		start, end := mode.span(m, w)
		k := start.Unix()
		byKey[k] = instance{key: k, start: start, end: end}
	}
	for _, r := range m.rdates {
		k := mode.key(r.start)
		start := time.Unix(k, 0).UTC()
		_, end := mode.span(m, mode.wallOf(start))
		switch {
		case r.end != nil && !mode.allDay:
			end = r.end.instant()
			if mode.zone == nil {
				end = r.end.wall
			}
		case r.dur != nil:
			end = mode.at(mode.wallOf(start).AddDate(0, 0, r.dur.days)).Add(r.dur.exact)
		}
		if end.Before(start) {
			end = start
		}
		byKey[k] = instance{key: k, start: start, end: end}
	}
	// A DATE EXDATE of a timed series removes the instances of its day:
	// the keys of each day are found once, not for each EXDATE.
	var byDay map[time.Time][]int64
	for _, x := range m.exdates {
		if x.date && mode.zone != nil {
			if byDay == nil {
				byDay = map[time.Time][]int64{}
				for k, in := range byKey {
					day := startOfDay(mode.wallOf(in.start))
					byDay[day] = append(byDay[day], k)
				}
			}
			for _, k := range byDay[x.wall] {
				delete(byKey, k)
			}
			continue
		}
		delete(byKey, mode.key(x))
	}
	insts := make([]instance, 0, len(byKey))
	for _, in := range byKey {
		insts = append(insts, in)
	}
	slices.SortFunc(insts, func(a, b instance) int { return a.start.Compare(b.start) })
	return insts
}

// untilWall returns a rule's UNTIL as a wall reading of the series.
func (d *decoder) untilWall(r *recurRule, mode seriesMode) time.Time {
	switch {
	case !r.hasUntil:
		return time.Time{}
	case r.untilUTC:
		return mode.wallOf(r.until)
	case r.until.Equal(startOfDay(r.until)) && !mode.allDay:
		return r.until.Add(24*time.Hour - time.Second) // a DATE UNTIL includes its day
	}
	return r.until
}

// occurrence returns the occurrence of ev from start to end.
func occurrence(ev *vevent, start, end time.Time, mode seriesMode, rid string) Occurrence {
	o := ev.tmpl
	if ev.lent {
		// Each occurrence has lists of its own; the first takes the
		// template's.
		o.Categories = slices.Clone(o.Categories)
		o.Speakers = slices.Clone(o.Speakers)
	}
	ev.lent = true
	o.RecurrenceID = rid
	switch {
	case mode.allDay:
		o.Start, o.End, o.AllDay = start.UTC(), end.UTC(), true
	case mode.zone == nil:
		o.Start, o.End, o.Floating = start.UTC(), end.UTC(), true
	default:
		z := mode.zone
		if z.utc && ev.end != nil && ev.end.zone != nil && !ev.end.zone.utc {
			// A start in UTC with an end in a zone: a writer (ours among
			// them) that puts a time in UTC because its wall reading
			// occurs twice that night. The event is still in the zone.
			z = ev.end.zone
		}
		o.Start, o.TimeZone = z.at(start)
		o.End, _ = z.at(end)
	}
	return o
}

// emit adds one occurrence of ev, or reports why it cannot be one: the
// event's fields make no valid seminar event, or its times are outside
// what seminar holds. It reports whether the occurrence was added.
func (d *decoder) emit(s *series, ev *vevent, start, end time.Time, mode seriesMode, rid string) bool {
	o := occurrence(ev, start, end, mode, rid)
	o.TimeZone = d.ownZoneName(o.TimeZone)
	switch long := o.End.Sub(o.Start) > seminar.MaxDuration; {
	case o.Start.UTC().Year() < seminar.MinYear || o.End.UTC().Year() > seminar.MaxYear:
		d.noteOnce(s, ev, "years", fmt.Sprintf("occurrences before %d or after %d are left out: seminar holds no talks there",
			seminar.MinYear, seminar.MaxYear))
		return false
	case long && !o.AllDay:
		d.noteOnce(s, ev, "long", fmt.Sprintf("the event lasts %s, longer than seminar's limit of %s; it is left out",
			o.End.Sub(o.Start), seminar.MaxDuration))
		return false
	case long:
		d.noteOnce(s, ev, "long", fmt.Sprintf("the all-day event lasts %d days, longer than seminar's limit of %d for an event; "+
			"it is kept, and as a seminar event (Occurrence.Event) it ends after its first %d days",
			o.End.Sub(o.Start)/(24*time.Hour), seminar.MaxDuration/(24*time.Hour), seminar.MaxDuration/(24*time.Hour)))
	}
	if !d.valid(ev, &o) {
		return false
	}
	if z := mode.zone; z != nil && z.vtz != nil && z.vtz.exhausted {
		d.noteOnce(s, ev, "vtimezone", fmt.Sprintf("evaluating VTIMEZONE %q needed more work than allowed; "+
			"times in it may be off by its daylight-saving offset", z.vtz.tzid))
	}
	d.out = append(d.out, o)
	return true
}

// valid checks, once per VEVENT, that its fields make a valid seminar
// event. Decode fits every field to seminar's limits as it reads it, so
// this only fails on what no one field shows, such as more than
// seminar.MaxEventBytes of text in all.
func (d *decoder) valid(ev *vevent, o *Occurrence) bool {
	if ev.checked {
		return ev.ok
	}
	ev.checked = true
	o.fill(&d.check, true)
	err := d.check.Validate()
	if ev.ok = err == nil; !ev.ok {
		d.skip(ev, ev.line, fmt.Sprintf("the event cannot be a seminar event (%v); it is skipped", err))
	}
	return ev.ok
}

func (d *decoder) noteOnce(s *series, ev *vevent, what, reason string) {
	if s.noted == nil {
		s.noted = map[string]bool{}
	}
	if s.noted[what] {
		return
	}
	s.noted[what] = true
	d.note(ev, ev.line, reason)
}

// ownZoneName is own for zone names, which many occurrences share: each
// is copied once.
func (d *decoder) ownZoneName(name string) string {
	if !d.inInput(name) {
		return name
	}
	if c, ok := d.zoneNames[name]; ok {
		return c
	}
	if d.zoneNames == nil {
		d.zoneNames = map[string]string{}
	}
	c := strings.Clone(name)
	d.zoneNames[c] = c
	return c
}
