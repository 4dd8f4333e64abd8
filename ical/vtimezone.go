package ical

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/seminarkit/seminar"
)

// Go's zone data is read over every year seminar.Validate accepts, from the
// start of the year before seminar.MinYear (whose UTC instants can be local
// times of the year before) to the end of the year after seminar.MaxYear. A
// VTIMEZONE is cut from these changes for the instants its calendar's events
// cover; a calendar streamed before its events are known gets them all.
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

// ZoneCache holds what the encoder reads from Go's zone data for each time
// zone (its changes of offset and the yearly rules they follow), so that
// encoders sharing one (an encoder per feed request, say) read each zone
// once; each calendar's VTIMEZONE is then cut from it. The zero value is
// ready to use, and it is safe for concurrent use.
type ZoneCache struct {
	mu    sync.Mutex
	zones map[string]*zoneData
}

// zoneData is one time zone as the encoder writes it: the location to
// compute wall times in, and its changes of offset, each with the yearly
// rule it follows.
type zoneData struct {
	name    string
	loc     *time.Location
	changes []transition // the offset in force at coverFrom, then every change until coverTo
	runOf   []int        // the index in runs of the rule changes[i] follows; -1 for changes[0]
	runs    []*run
	// The zone's current rule: its runs, still in force at coverTo, and
	// the first change from which every change follows it (len(changes)
	// for a zone without one).
	current   int
	ruleStart int

	fullOnce sync.Once
	full     []byte // the VTIMEZONE of every change, folded, with CRLFs
}

// lookup returns the zone named name, reading it on first use.
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
	z := &zoneData{name: name, loc: loc, changes: zoneTransitions(loc)}
	z.runs, z.runOf = zoneRuns(z.changes)
	for _, r := range z.runs {
		if r.open() {
			z.current++
		}
	}
	z.ruleStart = len(z.changes)
	for z.ruleStart > 1 && z.inRule(z.ruleStart-1) {
		z.ruleStart--
	}
	return z, nil
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

// zoneTransitions returns the offset in force at coverFrom, as a change
// from and to itself, followed by every change of offset after it until
// coverTo. Go's zone data stores a table of transitions and a rule for the
// years after it; ZoneBounds walks both. Changes of abbreviation or DST
// flag alone are left out: they move no instant.
func zoneTransitions(loc *time.Location) []transition {
	t := coverFrom.In(loc)
	name, off := t.Zone()
	list := []transition{{at: coverFrom, local: coverFrom.Add(time.Duration(off) * time.Second), from: off, to: off, name: name, dst: t.IsDST()}}
	for {
		_, end := t.ZoneBounds()
		if end.IsZero() || !end.Before(coverTo) {
			return list
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
	key       ruleKey
	year      int // of the last transition
	weekday   time.Weekday
	nth       int  // 1 to 5: the nth weekday of the month; 0: no longer fits
	lastWeek  bool // the last weekday of the month fits
	monthDay  int  // the day of the month; 0: no longer fits
	byWeekday bool // nth or lastWeek is meaningful (same weekday every year)
}

func newRun(t transition) *run {
	y, m, d := t.local.Date()
	return &run{
		key: keyOf(t), year: y,
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
	r.year = y
	return true
}

// open reports whether the run's rule is still in force at coverTo: the
// zone's current rule, whose RRULE has no UNTIL.
func (r *run) open() bool { return r.year >= coverTo.Year()-1 }

// zoneRuns splits the changes after changes[0] into runs of a yearly rule,
// in the order they start, and gives the run of each change. A change fits
// the open run of its key if it comes the year after the run's last and on
// a day the run's rule still describes; otherwise it starts a new run.
func zoneRuns(changes []transition) (runs []*run, runOf []int) {
	runOf = make([]int, len(changes))
	runOf[0] = -1
	open := map[ruleKey]int{}
	for i, t := range changes[1:] {
		k := keyOf(t)
		if j, ok := open[k]; ok && runs[j].extend(t) {
			runOf[i+1] = j
			continue
		}
		open[k] = len(runs)
		runOf[i+1] = len(runs)
		runs = append(runs, newRun(t))
	}
	return runs, runOf
}

// inRule reports whether changes[i] follows the zone's current rule.
func (z *zoneData) inRule(i int) bool {
	r := z.runOf[i]
	return r >= 0 && z.runs[r].open()
}

// cut returns the changes, changes[lo] to changes[hi], that the VTIMEZONE
// of a calendar whose events cover the instants from to to must hold: the
// one in force at from, every one after it up to to, and the first after
// to, so that the offset in force at the end is seen to end. Where these
// reach the zone's current rule, they take in the rule whole, from its
// start: its runs are then a pair of open-ended RRULEs that describe the
// zone from the rule's start on, the same for every calendar since.
func (z *zoneData) cut(from, to time.Time) (lo, hi int) {
	n := len(z.changes)
	after := func(t time.Time) int {
		return sort.Search(n, func(i int) bool { return z.changes[i].at.After(t) })
	}
	lo = max(after(from)-1, 0)
	hi = min(after(to), n-1)
	if hi >= z.ruleStart {
		lo = min(lo, z.ruleStart)
		hi = max(hi, z.ruleStart+z.current-1)
	}
	return lo, hi
}

// fullVTimezone returns the VTIMEZONE of every change, generated once: what
// a calendar gets that is streamed before its events are known.
func (z *zoneData) fullVTimezone() []byte {
	z.fullOnce.Do(func() { z.full = z.appendVTimezone(nil, 0, len(z.changes)-1) })
	return z.full
}

// cutObservance is one STANDARD or DAYLIGHT component of a VTIMEZONE: the
// change that is its DTSTART, and either the run whose RRULE it follows up
// to its change last, or the further changes with the same offsets and name
// that are its RDATEs.
type cutObservance struct {
	first, last int
	run         int // -1: no RRULE
	rdates      []int
}

// appendVTimezone appends the VTIMEZONE holding changes[lo] to changes[hi].
// The changes of a run become one observance with an RRULE when they are
// two or more, or when the run is of the zone's current rule and the range
// reaches the rule, whose RRULE is then open-ended; the other changes are
// grouped by offsets and name into observances listing their onsets as
// RDATEs. Observances come in the order of their DTSTARTs. A zone that
// never changes gets its one STANDARD observance.
func (z *zoneData) appendVTimezone(dst []byte, lo, hi int) []byte {
	count := map[int]int{}
	for i := lo; i <= hi; i++ {
		count[z.runOf[i]]++
	}
	var list []*cutObservance
	byRun := map[int]*cutObservance{}
	type offsets struct {
		from, to int
		name     string
		dst      bool
	}
	byOffsets := map[offsets]*cutObservance{}
	ruled := hi >= z.ruleStart // the current rule is written whole: its runs are open
	for i := lo; i <= hi; i++ {
		r := z.runOf[i]
		if r >= 0 && (count[r] >= 2 || ruled && z.runs[r].open()) {
			if o := byRun[r]; o != nil {
				o.last = i
				continue
			}
			byRun[r] = &cutObservance{first: i, last: i, run: r}
			list = append(list, byRun[r])
			continue
		}
		t := z.changes[i]
		k := offsets{t.from, t.to, t.name, t.dst}
		if o := byOffsets[k]; o != nil {
			o.rdates = append(o.rdates, i)
			continue
		}
		byOffsets[k] = &cutObservance{first: i, last: i, run: -1}
		list = append(list, byOffsets[k])
	}

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
	line = appendURI(append(line, "TZID:"...), z.name)
	emit()
	// libical-based clients (Evolution) match their own copy of the zone
	// by this name.
	line = appendText(append(line, "X-LIC-LOCATION:"...), z.name)
	emit()
	for _, o := range list {
		t := z.changes[o.first]
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
		if o.run >= 0 {
			var until time.Time
			if r := z.runs[o.run]; !ruled || !r.open() {
				until = z.changes[o.last].at.Add(untilSlack)
			}
			line = appendRule(line, z.runs[o.run], until)
			emit()
		}
		if len(o.rdates) > 0 {
			// ical.js reads no onset from the DTSTART of an observance
			// with RDATEs and no RRULE: the DTSTART is an RDATE too.
			for _, i := range append([]int{o.first}, o.rdates...) {
				line = appendLocal(append(line, "RDATE:"...), z.changes[i].local)
				emit()
			}
		}
		add("END:" + kind)
	}
	add("END:VTIMEZONE")
	return dst
}

var byDay = [...]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// appendRule appends the RRULE of a run: FREQ=YEARLY;BYMONTH=3;BYDAY=2SU,
// -1SU for the last weekday, or BYMONTHDAY for a fixed date, and UNTIL
// unless until is zero.
func appendRule(line []byte, r *run, until time.Time) []byte {
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
	if !until.IsZero() {
		line = append(line, ";UNTIL="...)
		line = appendUTC(line, until)
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
