package ical

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// recurRule is a parsed RRULE (RFC 5545 3.3.10). Rules are evaluated on
// wall clock readings, as times in UTC whose fields are the local ones, so
// that a weekly 4 PM talk stays at 4 PM across daylight-saving changes; the
// readings become instants only afterwards, in the event's zone.
type recurRule struct {
	opt rrule.ROption // without Dtstart and Until
	// until is the UNTIL value as written; untilUTC says it ended in Z,
	// so it is an instant to be read in the event's zone.
	until    time.Time
	hasUntil bool
	untilUTC bool
	// dayFilter says the rule has BY parts that can reject days, which
	// may reject every day: such a rule is probed before it is run.
	dayFilter bool
}

var freqNames = map[string]rrule.Frequency{
	"YEARLY": rrule.YEARLY, "MONTHLY": rrule.MONTHLY, "WEEKLY": rrule.WEEKLY, "DAILY": rrule.DAILY,
	"HOURLY": rrule.HOURLY, "MINUTELY": rrule.MINUTELY, "SECONDLY": rrule.SECONDLY,
}

// weekdays holds rrule's weekdays in time.Weekday order.
var weekdays = [...]rrule.Weekday{rrule.SU, rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA}

var weekdayNames = map[string]time.Weekday{
	"SU": time.Sunday, "MO": time.Monday, "TU": time.Tuesday, "WE": time.Wednesday,
	"TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday,
}

// maxInterval bounds INTERVAL: a rule repeating less often than every
// hundred thousand periods is a typo, and bounding it keeps arithmetic on
// it far from overflow.
const maxInterval = 100000

// parseRecur reads an RRULE value. Unknown parts (X- extensions, RFC 7529
// RSCALE) are ignored; parts out of the RFC's ranges are errors, as the
// rule cannot mean what it says.
func parseRecur(s string) (*recurRule, error) {
	r := &recurRule{}
	hasFreq := false
	for part := range strings.SplitSeq(s, ";") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("part %q has no '='", part)
		}
		k, v = upperASCII(strings.TrimSpace(k)), strings.TrimSpace(v)
		var err error
		switch k {
		case "FREQ":
			r.opt.Freq, hasFreq = freqNames[upperASCII(v)]
			if !hasFreq {
				err = errors.New("is not a frequency")
			}
		case "UNTIL":
			err = r.parseUntil(v)
		case "COUNT":
			r.opt.Count, err = intIn(v, 1, 1<<30)
		case "INTERVAL":
			r.opt.Interval, err = intIn(v, 1, maxInterval)
		case "BYSECOND":
			r.opt.Bysecond, err = intList(v, 0, 59, false)
		case "BYMINUTE":
			r.opt.Byminute, err = intList(v, 0, 59, false)
		case "BYHOUR":
			r.opt.Byhour, err = intList(v, 0, 23, false)
		case "BYDAY":
			r.opt.Byweekday, err = weekdayList(v)
		case "BYMONTHDAY":
			r.opt.Bymonthday, err = intList(v, 1, 31, true)
		case "BYYEARDAY":
			r.opt.Byyearday, err = intList(v, 1, 366, true)
		case "BYWEEKNO":
			r.opt.Byweekno, err = intList(v, 1, 53, true)
		case "BYMONTH":
			r.opt.Bymonth, err = intList(v, 1, 12, false)
		case "BYSETPOS":
			r.opt.Bysetpos, err = intList(v, 1, 366, true)
		case "WKST":
			d, ok := weekdayNames[upperASCII(v)]
			if !ok {
				err = errors.New("is not a weekday")
			}
			r.opt.Wkst = weekdays[d]
		}
		if err != nil {
			return nil, fmt.Errorf("%s=%s %w", k, v, err)
		}
	}
	if !hasFreq {
		return nil, errors.New("has no FREQ")
	}
	o := &r.opt
	r.dayFilter = len(o.Bymonth)+len(o.Bymonthday)+len(o.Byyearday)+len(o.Byweekno)+len(o.Byweekday)+len(o.Bysetpos) > 0
	return r, nil
}

func (r *recurRule) parseUntil(v string) error {
	if t, err := parseDate(v); err == nil {
		r.until, r.hasUntil = t, true
		return nil
	}
	t, utc, err := parseDateTime(v)
	if err != nil {
		return errors.New("is not a date or date-time")
	}
	r.until, r.hasUntil, r.untilUTC = t, true, utc
	return nil
}

func intIn(v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("is not a number from %d to %d", lo, hi)
	}
	return n, nil
}

// intList reads a comma-separated BY list, dropping repeats; signed lists
// also take the negative range, counting from the end.
func intList(v string, lo, hi int, signed bool) ([]int, error) {
	var list []int
	for item := range strings.SplitSeq(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(item))
		if err == nil && signed && n < 0 {
			n = -n
			if n >= lo && n <= hi {
				list = appendNew(list, -n)
				continue
			}
		}
		if err != nil || n < lo || n > hi {
			return nil, fmt.Errorf("holds %q, not a number from %d to %d", item, lo, hi)
		}
		list = appendNew(list, n)
	}
	return list, nil
}

func appendNew(list []int, n int) []int {
	if slices.Contains(list, n) {
		return list
	}
	return append(list, n)
}

// weekdayList reads BYDAY: weekdays with an optional ordinal, +1MO, -1SU.
func weekdayList(v string) ([]rrule.Weekday, error) {
	var list []rrule.Weekday
	for item := range strings.SplitSeq(v, ",") {
		item = strings.TrimSpace(item)
		if len(item) < 2 {
			return nil, fmt.Errorf("holds %q, not a weekday", item)
		}
		d, ok := weekdayNames[upperASCII(item[len(item)-2:])]
		if !ok {
			return nil, fmt.Errorf("holds %q, not a weekday", item)
		}
		w := weekdays[d]
		if num := item[:len(item)-2]; num != "" {
			n, err := strconv.Atoi(num)
			if err != nil || n == 0 || n < -53 || n > 53 {
				return nil, fmt.Errorf("holds %q, not a weekday with an ordinal from 1 to 53", item)
			}
			w = w.Nth(n)
		}
		if !slices.Contains(list, w) {
			list = append(list, w)
		}
	}
	return list, nil
}

// options returns the rule's options for a first instance at dt, with the
// defaults rrule-go would take from dt written out: a rule whose start
// moves (to skip ahead, or to probe it) must keep the days and times its
// own DTSTART gave it.
func (r *recurRule) options(dt time.Time) rrule.ROption {
	o := r.opt
	o.Dtstart = dt
	if o.Interval < 1 {
		o.Interval = 1
	}
	if len(o.Byweekno)+len(o.Byyearday)+len(o.Bymonthday)+len(o.Byweekday) == 0 {
		switch o.Freq {
		case rrule.YEARLY:
			if len(o.Bymonth) == 0 {
				o.Bymonth = []int{int(dt.Month())}
			}
			o.Bymonthday = []int{dt.Day()}
		case rrule.MONTHLY:
			o.Bymonthday = []int{dt.Day()}
		case rrule.WEEKLY:
			o.Byweekday = []rrule.Weekday{weekdays[dt.Weekday()]}
		}
	}
	if o.Freq < rrule.HOURLY && len(o.Byhour) == 0 {
		o.Byhour = []int{dt.Hour()}
	}
	if o.Freq < rrule.MINUTELY && len(o.Byminute) == 0 {
		o.Byminute = []int{dt.Minute()}
	}
	if o.Freq < rrule.SECONDLY && len(o.Bysecond) == 0 {
		o.Bysecond = []int{dt.Second()}
	}
	return o
}

// probeYear starts the probe of a rule's day filter. The 28 years from it
// hold every kind of year (each weekday of January 1st, leap or not) and no
// century year that skips its leap day, so a filter on months, days,
// weekdays, week numbers and positions that matches no day in them matches
// no day ever. It is the latest such start before rrule-go's last year,
// 9999, so the probe ends there after at most 28 years.
const probeYear = 9972

// periodsPer28Years gives, by frequency (YEARLY to DAILY), how many
// periods rrule-go walks in a probe that finds no day.
var periodsPer28Years = [...]int{28, 28 * 12, 1461, 10227}

// periodCost is the work of a period rrule-go walks, by frequency (YEARLY
// to DAILY): for a yearly rule it builds the year's table of days, which
// takes about 1.8 µs, as long as twelve steps of a sub-daily series; a
// month, a week or a day takes no longer than one step.
var periodCost = [...]int{12, 1, 1, 1}

// runCost is the work of building and starting rrule-go's iterator for a
// rule: about 2.5 µs.
const runCost = 16

// rruleEnd is where rrule-go stops looking for another instance.
var rruleEnd = time.Date(9999, time.December, 31, 0, 0, 0, 0, time.UTC)

// walkCost returns the work of rrule-go walking a rule of options o from an
// instance at a to the next at b (or to rruleEnd, having found none): a
// period for each INTERVAL between them, and at least one. Between two
// instances of a rule whose filter rarely matches lie many periods,
// FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO walks 28 years of days for
// each day it keeps.
func walkCost(o rrule.ROption, a, b time.Time) int {
	var periods int64
	switch o.Freq {
	case rrule.YEARLY:
		periods = int64(b.Year() - a.Year())
	case rrule.MONTHLY:
		periods = int64(b.Year()-a.Year())*12 + int64(b.Month()-a.Month())
	case rrule.WEEKLY:
		periods = (b.Unix() - a.Unix()) / (7 * 86400)
	default:
		periods = (b.Unix() - a.Unix()) / 86400
	}
	periods = max(periods/int64(max(o.Interval, 1)), 1)
	return periodCost[min(int(o.Freq), len(periodCost)-1)] * int(periods)
}

// probe reports whether the day filter of o matches any day at all, which
// rrule-go cannot tell: for FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30 it would walk
// period after period to the year 9999. Results are kept per decode, as a
// calendar repeats its rules; a probe is charged the periods it walked (28
// years of them when it finds no day), and none is started that the work
// left cannot pay.
func (w *work) probe(o rrule.ROption) (ok, outOfWork bool) {
	key := fmt.Sprint(o.Freq, o.Bymonth, o.Bymonthday, o.Byyearday, o.Byweekno, o.Byweekday, o.Bysetpos,
		o.Byhour, o.Byminute, o.Bysecond, o.Wkst)
	if ok, seen := w.probes[key]; seen {
		return ok, false
	}
	f := min(int(o.Freq), len(periodsPer28Years)-1)
	cost := periodsPer28Years[f] * periodCost[f]
	if w.total < cost {
		return false, true
	}
	o.Interval, o.Count, o.Until = 1, 1, time.Time{}
	d := o.Dtstart
	o.Dtstart = time.Date(probeYear, time.January, 1, d.Hour(), d.Minute(), d.Second(), 0, time.UTC)
	ok = false
	if r, err := rrule.NewRRule(o); err == nil {
		var first time.Time
		if first, ok = r.Iterator()(); ok {
			cost = walkCost(o, o.Dtstart, first)
		}
	}
	w.total -= cost
	w.probes[key] = ok
	return ok, false
}

// shiftYears is how far a rule is moved to run: a multiple of 400 years,
// the cycle after which the Gregorian calendar repeats exactly (dates,
// weekdays, leap days), putting the end of the window within 400 years of
// rrule-go's last year. rrule-go looks for a rule's next instance until
// then, so a rule whose instances stop coming (an INTERVAL that never again
// meets its BYDAY) runs to the year 9999; moved, it gets there in under 400
// years of periods instead of 8,000.
func shiftYears(end time.Time) int {
	const last = 9998
	if y := end.Year(); y < last {
		return 400 * ((last - y) / 400)
	}
	return 0
}

// work bounds the effort of one decode on the input's rules: recurrences,
// and the rules of VTIMEZONEs. A unit is what a step of a sub-daily series
// takes, about 0.2 µs. Each instance or onset a rule yields (in the window
// or not), each day a sub-daily rule looks at, each DTSTART and RDATE of a
// VTIMEZONE, each year a VTIMEZONE is looked at in and each comparison of a
// VTIMEZONE with an IANA zone at an instant costs a unit; each period
// rrule-go walks to find an instance (or to find that there is none) costs
// periodCost, each run of rrule-go for a series runCost, and each run of
// a VTIMEZONE's rule for a year ruleYearCost. A series may spend
// seriesWork, so that one runaway series does not starve the others; the
// decode spends at most totalWork, so that no input, however many series
// and zones it holds, costs more than a second or two.
type work struct {
	total  int
	probes map[string]bool
	// failedLoads counts the zone names the file made Decode look up in
	// vain: each costs a search of the zone database on disk.
	failedLoads int
}

func newWork() *work { return &work{total: totalWork, probes: map[string]bool{}} }

// maxFailedLoads bounds the zone names one decode looks up in vain; the
// zone database holds about 600 names, so a real calendar never gets near.
const maxFailedLoads = 1000

// Work limits: enough for a daily series walked from 1990 to a window in
// 2100 and for thousands of series of a real calendar, small enough to
// bound the worst input of DefaultMaxBytes.
const (
	seriesWork = 200000
	totalWork  = 4000000
)

// expansion is what expanding one rule gives: the wall readings of its
// instances within the window, whether the work bound cut it short, and
// whether the limit on instances did.
type expansion struct {
	walls            []time.Time
	outOfWork, limit bool
}

// ruleRun is one rule to expand for one series: its first instance (the
// series' DTSTART, as a wall reading), the window as wall readings
// (inclusive, and wide enough for any offset), the test of whether an
// instance falls in the window itself, and the most instances wanted.
type ruleRun struct {
	rule     *recurRule
	dtstart  time.Time
	until    time.Time // UNTIL as a wall reading; zero for none
	from, to time.Time
	inWindow func(wall time.Time) bool
	max      int
	series   *int // the series' work left
	work     *work
}

// take spends one unit of work.
func (rr *ruleRun) take() bool { return rr.afford(1) }

// afford spends n units of work if the series and the decode have them.
func (rr *ruleRun) afford(n int) bool {
	if *rr.series < n || rr.work.total < n {
		return false
	}
	rr.spend(n)
	return true
}

// spend charges n units of work already done.
func (rr *ruleRun) spend(n int) {
	*rr.series -= n
	rr.work.total -= n
}

// want reports whether an instance of the wall window is wanted, and, when
// it is one too many, that the limit was reached.
func (rr *ruleRun) want(x *expansion, w time.Time) (keep, stop bool) {
	if w.Before(rr.from) || !rr.inWindow(w) {
		return false, false
	}
	if len(x.walls) == rr.max {
		x.limit = true
		return false, true
	}
	return true, false
}

// expand returns the rule's instances in the window.
func (rr *ruleRun) expand() expansion {
	if rr.work.total <= 0 || *rr.series <= 0 {
		return expansion{outOfWork: true}
	}
	if rr.rule.opt.Freq >= rrule.HOURLY {
		return rr.subDaily()
	}
	return rr.coarse()
}

// end is the last wall reading an instance may have: the window's end or
// the rule's UNTIL, whichever is first.
func (rr *ruleRun) end() time.Time {
	if !rr.until.IsZero() && rr.until.Before(rr.to) {
		return rr.until
	}
	return rr.to
}

// neverOnWeekday reports a DAILY rule whose INTERVAL is a whole number of
// weeks and whose BYDAY does not hold DTSTART's weekday: it has no instance
// but DTSTART, and rrule-go would look for one to the year 9999.
func neverOnWeekday(o rrule.ROption) bool {
	if o.Freq != rrule.DAILY || o.Interval%7 != 0 || len(o.Byweekday) == 0 {
		return false
	}
	return !slices.Contains(o.Byweekday, weekdays[o.Dtstart.Weekday()])
}

// coarse expands a YEARLY to DAILY rule with rrule-go.
func (rr *ruleRun) coarse() expansion {
	var x expansion
	o := rr.rule.options(rr.dtstart)
	end := rr.end()
	if end.Before(rr.dtstart) || end.Before(rr.from) || neverOnWeekday(o) {
		return x
	}
	if rr.rule.dayFilter {
		ok, outOfWork := rr.work.probe(o)
		if !ok {
			x.outOfWork = outOfWork
			return x
		}
	}
	if o.Count == 0 {
		o.Dtstart = skipAhead(o, rr.from)
	}
	if !rr.afford(runCost) {
		x.outOfWork = true
		return x
	}
	shift := shiftYears(end)
	o.Dtstart = o.Dtstart.AddDate(shift, 0, 0)
	r, err := rrule.NewRRule(o)
	if err != nil {
		return x
	}
	next := r.Iterator()
	counted, limit := 0, o.Count
	last := o.Dtstart
	for {
		if !rr.take() {
			x.outOfWork = true
			return x
		}
		w, ok := next()
		if !ok {
			if o.Count == 0 {
				// Not stopped by COUNT: rrule-go walked on to its last
				// year looking for another instance.
				rr.spend(walkCost(o, last, rruleEnd))
			}
			return x
		}
		rr.spend(walkCost(o, last, w) - 1)
		last = w
		w = w.AddDate(-shift, 0, 0)
		counted++
		if counted == 1 && limit > 0 && !w.Equal(rr.dtstart) {
			limit-- // DTSTART is the first instance even off the rule, and it counts
		}
		if limit > 0 && counted > limit || w.After(end) {
			return x
		}
		switch keep, stop := rr.want(&x, w); {
		case stop:
			return x
		case keep:
			x.walls = append(x.walls, w)
		}
	}
}

// skipAhead moves the start of a DAILY or WEEKLY rule without COUNT
// forward by whole periods to just before the window, so that a series
// that began decades before the window is not walked day by day. Whole
// periods keep the rule's phase: the same days come out.
func skipAhead(o rrule.ROption, from time.Time) time.Time {
	var days int
	switch o.Freq {
	case rrule.DAILY:
		days = o.Interval
	case rrule.WEEKLY:
		days = 7 * o.Interval
	default:
		return o.Dtstart
	}
	gap := int(from.Sub(o.Dtstart).Hours() / 24)
	if k := gap/days - 1; k > 0 {
		return o.Dtstart.AddDate(0, 0, k*days)
	}
	return o.Dtstart
}

// subDaily expands an HOURLY, MINUTELY or SECONDLY rule. rrule-go picks the
// days (its DAILY rule with the same BYMONTH, BYMONTHDAY, BYYEARDAY,
// BYWEEKNO and BYDAY), and the times within each day are counted here.
// rrule-go's own sub-daily iteration is not used: it steps through every
// period even on days its filters reject (86,400 steps a day for
// FREQ=SECONDLY), and it loops forever when BYHOUR cannot be reached
// (FREQ=HOURLY;INTERVAL=24;BYHOUR=5 from a DTSTART at 3 AM).
func (rr *ruleRun) subDaily() expansion {
	var x expansion
	o := rr.rule.options(rr.dtstart)
	clock := newClockSet(o, rr.dtstart)
	if ok, outOfWork := clock.possible(rr); !ok {
		x.outOfWork = outOfWork
		return x
	}
	days := rrule.ROption{
		Freq: rrule.DAILY, Interval: 1, Bymonth: o.Bymonth, Bymonthday: o.Bymonthday,
		Byyearday: o.Byyearday, Byweekno: o.Byweekno,
		Dtstart: startOfDay(rr.dtstart),
	}
	for _, w := range o.Byweekday {
		days.Byweekday = append(days.Byweekday, weekdays[(w.Day()+1)%7])
	}
	if len(days.Bymonth)+len(days.Bymonthday)+len(days.Byyearday)+len(days.Byweekno)+len(days.Byweekday) > 0 {
		ok, outOfWork := rr.work.probe(days)
		if !ok {
			x.outOfWork = outOfWork
			return x
		}
	}
	end := rr.end()
	if end.Before(rr.dtstart) || end.Before(rr.from) {
		return x
	}
	if o.Count == 0 && rr.from.After(days.Dtstart) {
		days.Dtstart = startOfDay(rr.from)
	}
	if !rr.afford(runCost) {
		x.outOfWork = true
		return x
	}
	shift := shiftYears(end)
	days.Dtstart = days.Dtstart.AddDate(shift, 0, 0)
	r, err := rrule.NewRRule(days)
	if err != nil {
		return x
	}
	next := r.Iterator()
	counted, limit := 0, o.Count
	done := false
	emit := func(w time.Time) bool {
		if !rr.take() {
			x.outOfWork, done = true, true
			return false
		}
		counted++
		if counted == 1 && limit > 0 && !w.Equal(rr.dtstart) {
			limit--
		}
		if limit > 0 && counted > limit || w.After(end) {
			done = true
			return false
		}
		keep, stop := rr.want(&x, w)
		if keep {
			x.walls = append(x.walls, w)
		}
		done = stop
		return !stop
	}
	last := days.Dtstart
	for !done {
		if !rr.take() {
			x.outOfWork = true
			return x
		}
		day, ok := next()
		if !ok {
			rr.spend(walkCost(days, last, rruleEnd))
			return x
		}
		rr.spend(walkCost(days, last, day) - 1)
		last = day
		if day = day.AddDate(-shift, 0, 0); day.After(end) {
			return x
		}
		clock.each(day, emit)
	}
	return x
}

func startOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// clockSet finds the times of a sub-daily rule within a day. The rule's
// periods (its hours, minutes or seconds) lie on a lattice: every INTERVAL
// units from DTSTART's unit. A period is kept when its fields pass the
// BY lists at its own level and above (BYHOUR for HOURLY; BYHOUR and
// BYMINUTE for MINUTELY; all three for SECONDLY); the finer BY lists expand
// it into instants, and BYSETPOS picks among each period's instants.
type clockSet struct {
	unit    int64 // seconds in a period
	step    int64 // seconds between lattice periods
	anchor  int64 // Unix seconds of DTSTART's period
	dtstart time.Time
	// hours, minutes and seconds are the sorted values a period's start
	// may have (one value, 0, below the period's level); allowed holds
	// them as sets.
	hours, minutes, seconds []int
	allowed                 [3][60]bool
	// expand holds the offsets of a period's instants within it, sorted.
	expand []int64
	setpos []int
}

func newClockSet(o rrule.ROption, dt time.Time) *clockSet {
	c := &clockSet{dtstart: dt, setpos: o.Bysetpos}
	hours, minutes, seconds := sortedOrAll(o.Byhour, 24), sortedOrAll(o.Byminute, 60), sortedOrAll(o.Bysecond, 60)
	zero := []int{0}
	switch o.Freq {
	case rrule.HOURLY:
		c.unit = 3600
		c.hours, c.minutes, c.seconds = hours, zero, zero
		for _, m := range minutes {
			for _, s := range seconds {
				c.expand = append(c.expand, int64(m*60+s))
			}
		}
	case rrule.MINUTELY:
		c.unit = 60
		c.hours, c.minutes, c.seconds = hours, minutes, zero
		for _, s := range seconds {
			c.expand = append(c.expand, int64(s))
		}
	default:
		c.unit = 1
		c.hours, c.minutes, c.seconds = hours, minutes, seconds
		c.expand = []int64{0}
	}
	for i, list := range [...][]int{c.hours, c.minutes, c.seconds} {
		for _, v := range list {
			c.allowed[i][v] = true
		}
	}
	c.step = c.unit * int64(o.Interval)
	c.anchor = dt.Unix() - floorMod(dt.Unix(), c.unit)
	return c
}

func sortedOrAll(list []int, n int) []int {
	if len(list) > 0 {
		return slices.Sorted(slices.Values(list))
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	return all
}

// size is the number of allowed period starts in a day.
func (c *clockSet) size() int {
	return len(c.hours) * len(c.minutes) * len(c.seconds)
}

// possible reports whether the rule has any instant at all: some allowed
// period start lies on the lattice on some day (the lattice meets second
// of day r exactly when r is congruent to the anchor modulo gcd(step,
// 86400)), and BYSETPOS points at an instant a period has. Looking at
// every allowed start costs work.
func (c *clockSet) possible(rr *ruleRun) (ok, outOfWork bool) {
	if !setposReachable(c.setpos, len(c.expand)) {
		return false, false
	}
	g := gcd(c.step, 86400)
	if g == c.unit {
		return true, false // every period start of the day is on the lattice
	}
	if rr.work.total < c.size() {
		return false, true
	}
	rr.work.total -= c.size()
	for _, h := range c.hours {
		for _, m := range c.minutes {
			for _, s := range c.seconds {
				if floorMod(int64(h*3600+m*60+s)-c.anchor, g) == 0 {
					return true, false
				}
			}
		}
	}
	return false, false
}

func setposReachable(setpos []int, n int) bool {
	if len(setpos) == 0 {
		return true
	}
	for _, p := range setpos {
		if p >= -n && p <= n {
			return true
		}
	}
	return false
}

// each calls emit with the rule's instants on day (midnight, as a wall
// reading), in order and none before DTSTART, until emit returns false.
// It walks the lattice or the allowed starts, whichever is shorter.
func (c *clockSet) each(day time.Time, emit func(time.Time) bool) {
	base := day.Unix()
	if 86400/c.step < int64(c.size()) {
		first := max(base, c.anchor)
		first += floorMod(c.anchor-first, c.step)
		for s := first; s < base+86400; s += c.step {
			sec := s - base
			if c.allowed[0][sec/3600] && c.allowed[1][sec/60%60] && c.allowed[2][sec%60] && !c.period(s, emit) {
				return
			}
		}
		return
	}
	for _, h := range c.hours {
		for _, m := range c.minutes {
			for _, sec := range c.seconds {
				s := base + int64(h*3600+m*60+sec)
				if s >= c.anchor && floorMod(s-c.anchor, c.step) == 0 && !c.period(s, emit) {
					return
				}
			}
		}
	}
}

// period emits the instants of the period starting at Unix second start,
// with BYSETPOS applied. Positions count among all the instants the
// period expands to, including any before DTSTART, as RFC 5545 and
// rrule-go count them.
func (c *clockSet) period(start int64, emit func(time.Time) bool) bool {
	n := len(c.expand)
	for i, e := range c.expand {
		if len(c.setpos) > 0 && !slices.Contains(c.setpos, i+1) && !slices.Contains(c.setpos, i-n) {
			continue
		}
		t := time.Unix(start+e, 0).UTC()
		if t.Before(c.dtstart) {
			continue
		}
		if !emit(t) {
			return false
		}
	}
	return true
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func floorMod(a, m int64) int64 {
	r := a % m
	if r < 0 {
		r += m
	}
	return r
}
