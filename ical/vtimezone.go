package ical

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/seminarkit/seminar"
)

// A VTIMEZONE must cover every instant an event can have, and the encoder
// writes it before it has seen the events that will use it: so it covers
// every year seminar.Validate accepts, from the start of the year before
// seminar.MinYear (whose UTC instants can be local times of the year
// before) to the end of the year after seminar.MaxYear.
var (
	coverFrom = time.Date(seminar.MinYear-1, time.January, 1, 0, 0, 0, 0, time.UTC)
	coverTo   = time.Date(seminar.MaxYear+2, time.January, 1, 0, 0, 0, 0, time.UTC)
)

// untilSlack is added to the last onset of a yearly rule to make its UNTIL.
// RFC 5545 wants UNTIL in UTC while the rule's instances are local times,
// and not every client converts before comparing: some read the local
// time as if it were UTC, some subtract TZOFFSETTO. A day later than the
// last onset is past it under every reading and still long before the
// year after's.
const untilSlack = 24 * time.Hour

// ZoneCache holds the VTIMEZONE components generated from Go's zone data,
// so that encoders sharing one (an encoder per feed request, say) generate
// each zone once. The zero value is ready to use, and it is safe for
// concurrent use.
type ZoneCache struct {
	mu    sync.Mutex
	zones map[string]*zoneData
}

// zoneData is one time zone as the encoder writes it: the location to
// compute wall times in and its VTIMEZONE component, folded, with CRLFs.
type zoneData struct {
	name      string
	loc       *time.Location
	vtimezone []byte
}

// lookup returns the zone named name, generating it on first use.
func (c *ZoneCache) lookup(name string) (*zoneData, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if z, ok := c.zones[name]; ok {
		return z, nil
	}
	z, err := newZone(name)
	if err != nil {
		return nil, err
	}
	if c.zones == nil {
		c.zones = map[string]*zoneData{}
	}
	c.zones[name] = z
	return z, nil
}

func newZone(name string) (*zoneData, error) {
	if name == "Local" {
		return nil, errors.New(`"Local" is not an IANA time zone name`)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q: %w", name, err)
	}
	return &zoneData{name: name, loc: loc, vtimezone: appendVTimezone(nil, name, loc)}, nil
}

// isUTC reports whether a zone name means UTC itself, written as
// DTSTART:...Z with no VTIMEZONE. Other zones that happen to sit at
// offset zero (Europe/London in winter, Africa/Abidjan) keep their TZID.
func isUTC(name string) bool {
	return name == "" || name == "UTC" || name == "Etc/UTC"
}

// transition is one change of UTC offset.
type transition struct {
	at       time.Time // the instant, in UTC
	local    time.Time // the wall clock just before it (at + from), as a UTC time
	from, to int       // offsets before and after, in seconds east of UTC
	name     string    // abbreviation after it
	dst      bool      // daylight-saving time after it
}

// zoneTransitions returns the offset in force at coverFrom and every change
// of offset after it until coverTo. Go's zone data stores a table of
// transitions and a rule for the years after it; ZoneBounds walks both.
// Changes of abbreviation or DST flag alone are left out: they move no
// instant.
func zoneTransitions(loc *time.Location) (first transition, list []transition) {
	t := coverFrom.In(loc)
	name, off := t.Zone()
	first = transition{at: coverFrom, local: coverFrom.Add(time.Duration(off) * time.Second), from: off, to: off, name: name, dst: t.IsDST()}
	for {
		_, end := t.ZoneBounds()
		if end.IsZero() || !end.Before(coverTo) {
			return first, list
		}
		if !end.After(t) {
			// Past its table Go computes zones from a rule one year at a
			// time, and in leap years reports the year ending on
			// December 31 at 00:00 UTC, at which instant it reports the
			// same end again. Step over that last day and find any
			// change inside the step exactly.
			end = firstChange(t, t.Add(24*time.Hour), loc)
		}
		t = end.In(loc)
		name, next := t.Zone()
		if next != off {
			list = append(list, transition{
				at: end.UTC(), local: end.UTC().Add(time.Duration(off) * time.Second),
				from: off, to: next, name: name, dst: t.IsDST(),
			})
		}
		off = next
	}
}

// firstChange returns the first instant in (lo, hi] whose offset in loc
// differs from lo's, or hi if there is none.
func firstChange(lo, hi time.Time, loc *time.Location) time.Time {
	_, off := lo.In(loc).Zone()
	if _, o := hi.In(loc).Zone(); o == off {
		return hi
	}
	for hi.Sub(lo) > time.Second {
		mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
		if _, o := mid.In(loc).Zone(); o == off {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// ruleKey is what the transitions of one yearly rule share, besides the
// day: the month, the local time of day, the offsets and the name.
type ruleKey struct {
	month    time.Month
	clock    int // seconds after local midnight
	from, to int
	name     string
	dst      bool
}

// run is a series of transitions in consecutive years that one yearly
// RRULE describes. A day is described by as many of "nth weekday", "last
// weekday" and "day of month" as fit every year so far.
type run struct {
	key         ruleKey
	first, last transition
	count       int
	year        int // of the last transition
	weekday     time.Weekday
	nth         int  // 1 to 5: the nth weekday of the month; 0: no longer fits
	lastWeek    bool // the last weekday of the month fits
	monthDay    int  // the day of the month; 0: no longer fits
	byWeekday   bool // nth or lastWeek is meaningful (same weekday every year)
}

func newRun(t transition) *run {
	y, m, d := t.local.Date()
	return &run{
		key:   keyOf(t),
		first: t, last: t, count: 1, year: y,
		weekday: t.local.Weekday(), byWeekday: true,
		nth: (d-1)/7 + 1, lastWeek: d+7 > daysIn(y, m), monthDay: d,
	}
}

func keyOf(t transition) ruleKey {
	h, m, s := t.local.Clock()
	return ruleKey{month: t.local.Month(), clock: h*3600 + m*60 + s, from: t.from, to: t.to, name: t.name, dst: t.dst}
}

// extend adds t to the run if the run's rule, narrowed, still describes
// every year so far and t's.
func (r *run) extend(t transition) bool {
	y, m, d := t.local.Date()
	if y != r.year+1 {
		return false
	}
	sameWeekday := r.byWeekday && t.local.Weekday() == r.weekday
	nth, lastWeek := (d-1)/7+1, d+7 > daysIn(y, m)
	fits := (sameWeekday && (r.nth == nth || (r.lastWeek && lastWeek))) || r.monthDay == d
	if !fits {
		return false
	}
	if !sameWeekday {
		r.byWeekday, r.nth, r.lastWeek = false, 0, false
	}
	if r.nth != nth {
		r.nth = 0
	}
	r.lastWeek = r.lastWeek && lastWeek
	if r.monthDay != d {
		r.monthDay = 0
	}
	r.last, r.year, r.count = t, y, r.count+1
	return true
}

// zoneRuns splits transitions into runs of a yearly rule. A transition fits
// the open run of its key if it comes the year after the run's last and on
// a day the run's rule still describes; otherwise it starts a new run.
func zoneRuns(list []transition) []*run {
	var done []*run
	open := map[ruleKey]*run{}
	for _, t := range list {
		k := keyOf(t)
		if r := open[k]; r != nil {
			if r.extend(t) {
				continue
			}
			done = append(done, r)
		}
		open[k] = newRun(t)
	}
	for _, r := range open {
		done = append(done, r)
	}
	slices.SortFunc(done, func(a, b *run) int { return a.first.at.Compare(b.first.at) })
	return done
}

// appendVTimezone appends the VTIMEZONE of loc under the TZID name. It
// starts with the offset in force at coverFrom; a run of two or more years
// that follow one rule becomes an observance with an RRULE, open-ended if
// the rule is still in force at coverTo; the remaining, irregular changes
// are grouped by offsets and name into observances listing their onsets as
// RDATEs. A zone that never changes gets its one STANDARD observance.
func appendVTimezone(dst []byte, name string, loc *time.Location) []byte {
	first, list := zoneTransitions(loc)
	var line []byte
	emit := func() {
		dst = appendFolded(dst, line)
		line = line[:0]
	}
	add := func(s string) {
		line = append(line, s...)
		emit()
	}
	add("BEGIN:VTIMEZONE")
	line = appendURI(append(line, "TZID:"...), name)
	emit()
	// libical-based clients (Evolution) match their own copy of the zone
	// by this name.
	line = appendText(append(line, "X-LIC-LOCATION:"...), name)
	emit()

	observance := func(t transition) {
		kind := "STANDARD"
		if t.dst {
			kind = "DAYLIGHT"
		}
		add("BEGIN:" + kind)
		line = appendLocal(append(line, "DTSTART:"...), t.local)
		emit()
		line = appendOffset(append(line, "TZOFFSETFROM:"...), t.from)
		emit()
		line = appendOffset(append(line, "TZOFFSETTO:"...), t.to)
		emit()
		line = appendText(append(line, "TZNAME:"...), t.name)
		emit()
	}
	end := func(t transition) {
		if t.dst {
			add("END:DAYLIGHT")
		} else {
			add("END:STANDARD")
		}
	}

	observance(first)
	end(first)

	var singles []transition
	for _, r := range zoneRuns(list) {
		if r.count < 2 {
			singles = append(singles, r.first)
			continue
		}
		observance(r.first)
		line = appendRule(line, r)
		emit()
		end(r.first)
	}
	for len(singles) > 0 {
		t := singles[0]
		observance(t)
		rest := singles[:0]
		for _, s := range singles[1:] {
			if s.from != t.from || s.to != t.to || s.name != t.name || s.dst != t.dst {
				rest = append(rest, s)
				continue
			}
			line = appendLocal(append(line, "RDATE:"...), s.local)
			emit()
		}
		end(t)
		singles = rest
	}
	add("END:VTIMEZONE")
	return dst
}

var byDay = [...]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// appendRule appends the RRULE of a run: FREQ=YEARLY;BYMONTH=3;BYDAY=2SU,
// -1SU for the last weekday, or BYMONTHDAY for a fixed date. The run
// reaching coverTo is the rule still in force and gets no UNTIL.
func appendRule(line []byte, r *run) []byte {
	line = append(line, "RRULE:FREQ=YEARLY;BYMONTH="...)
	line = strconv.AppendInt(line, int64(r.key.month), 10)
	switch {
	case r.lastWeek:
		line = append(line, ";BYDAY=-1"...)
		line = append(line, byDay[r.weekday]...)
	case r.nth != 0:
		line = append(line, ";BYDAY="...)
		line = strconv.AppendInt(line, int64(r.nth), 10)
		line = append(line, byDay[r.weekday]...)
	default:
		line = append(line, ";BYMONTHDAY="...)
		line = strconv.AppendInt(line, int64(r.monthDay), 10)
	}
	if r.year < coverTo.Year()-1 {
		line = append(line, ";UNTIL="...)
		line = appendUTC(line, r.last.at.Add(untilSlack))
	}
	return line
}

func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// ambiguous reports whether the wall clock reading of t in loc occurs twice,
// on a night clocks are turned back. RFC 5545 3.3.5 reads such a local
// time as its first occurrence, but libical and python-icalendar read it
// as the second, so either occurrence is written in UTC to keep its
// instant in every client.
func ambiguous(t time.Time, loc *time.Location) bool {
	lt := t.In(loc)
	_, off := lt.Zone()
	start, end := lt.ZoneBounds()
	if !start.IsZero() {
		// The same reading came before start, at the earlier offset.
		if _, prev := start.Add(-time.Second).In(loc).Zone(); prev > off && t.Sub(start) < time.Duration(prev-off)*time.Second {
			return true
		}
	}
	if !end.IsZero() {
		// The same reading comes again after end, at the later offset.
		if _, next := end.In(loc).Zone(); next < off && end.Sub(t) <= time.Duration(off-next)*time.Second {
			return true
		}
	}
	return false
}
