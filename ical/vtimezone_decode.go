package ical

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// vtimezone is a VTIMEZONE's rules (RFC 5545 3.6.5), evaluated here: the
// offset at an instant is the TZOFFSETTO of the latest onset at or before
// it, of any observance, and before every onset the TZOFFSETFROM of the
// observance with the earliest. A lookup is a binary search among the
// onsets of its year, each year's found once: the DTSTARTs and RDATEs of
// every observance are sorted when the VTIMEZONE is read, and the RRULEs
// are run a year at a time, for the years looked up.
type vtimezone struct {
	tzid string
	// onsets are the DTSTARTs and RDATEs of every observance, in the
	// order of onsetCompare; rules are the observances with an RRULE,
	// at most maxRuleObservances of them. leftOut counts the observances
	// with an RRULE beyond those, and subDaily those whose RRULE is
	// ignored for repeating more often than daily.
	onsets   []onset
	rules    []*observance
	leftOut  int
	subDaily int
	// before is the offset before every onset, and firstYear the UTC
	// year of the first onset: no year before it has one.
	before    int
	firstYear int
	// years holds the onsets of each UTC year looked up so far.
	years map[int]*zoneYear
	// hint is the IANA zone the TZID names as a Windows zone, if any.
	hint string
	// named caches, per year, the IANA zone that agrees with the rules
	// all year ("" for none); fixedLocs caches locations per offset.
	named     map[int]string
	fixedLocs map[int]*time.Location
	// work is the decode's; exhausted records that evaluating the rules
	// needed more than it had left, so some onsets may be missing.
	work      *work
	exhausted bool
}

// maxRuleObservances bounds the observances with an RRULE that a
// VTIMEZONE's evaluation runs: each is run for every year looked up. The
// VTIMEZONEs our encoder writes from the tz database have at most 74
// (Asia/Gaza), most of them ended by UNTIL; one of ten thousand rules
// would otherwise cost every year ten thousand runs of rrule-go.
const maxRuleObservances = 1000

// ruleYearCost is the work charged for running an observance's rule for
// one year, besides the periods rrule-go walks: a run of a yearly rule
// takes about 11 µs in all, as long as 70 steps of a sub-daily series.
const ruleYearCost = 64

// onset is a change of offset: at an instant, to an offset, by the
// observance of index obs in the VTIMEZONE.
type onset struct {
	at  time.Time
	to  int
	obs int
}

// onsetCompare orders onsets by instant, and onsets at the same instant
// so that the first observance's comes last, where a lookup finds it: of
// two observances that change the offset at the same instant, the first
// written is in force.
func onsetCompare(a, b onset) int {
	return cmp.Or(a.at.Compare(b.at), cmp.Compare(b.obs, a.obs))
}

// zoneYear is a zone in one UTC year: the onsets in it, in the order of
// onsetCompare, and the offset in force as it begins, once known.
type zoneYear struct {
	onsets []onset
	start  int
	known  bool
}

// observance is one STANDARD or DAYLIGHT sub-component: from each onset
// on, the offset is to. Its onsets are local times in the offset before
// it, from.
type observance struct {
	index    int // in the VTIMEZONE, counting only those read
	from, to int
	start    time.Time   // DTSTART, a wall reading
	onsets   []time.Time // DTSTART and RDATE, as instants, sorted
	rule     *recurRule
	until    time.Time // the rule's UNTIL as an instant; zero for none
	// years caches the rule's onsets by local year; probed records that
	// the rule's day filter was probed, and noDay that it matches no day
	// at all.
	years         map[int][]time.Time
	probed, noDay bool
	// subDaily records an RRULE left out for repeating more often than
	// daily.
	subDaily bool
}

// parseVTimezone reads a VTIMEZONE's observances, charging w a unit for
// each DTSTART and RDATE. Those that cannot be read are left out, as are
// the observances with an RRULE after the first maxRuleObservances; a
// VTIMEZONE with none left is an error.
func parseVTimezone(c *component, w *work) (*vtimezone, error) {
	v := &vtimezone{years: map[int]*zoneYear{}, named: map[int]string{}, fixedLocs: map[int]*time.Location{}, work: w}
	if p := c.prop("TZID"); p != nil {
		v.tzid = strings.Clone(p.value) // not to hold the input
	}
	var first *observance
	read := 0
	for _, sub := range c.children {
		if sub.name != "STANDARD" && sub.name != "DAYLIGHT" {
			continue
		}
		o := parseObservance(sub)
		if o == nil {
			continue
		}
		if o.subDaily && o.rule == nil {
			v.subDaily++
		}
		if o.rule != nil {
			if len(v.rules) == maxRuleObservances {
				v.leftOut++
				continue
			}
			v.rules = append(v.rules, o)
		}
		o.index = read
		read++
		for _, at := range o.onsets {
			v.onsets = append(v.onsets, onset{at: at, to: o.to, obs: o.index})
		}
		if first == nil || o.onsets[0].Before(first.onsets[0]) {
			first = o
		}
	}
	if first == nil {
		return nil, fmt.Errorf("ical: VTIMEZONE %q has no STANDARD or DAYLIGHT that can be read", v.tzid)
	}
	w.total -= len(v.onsets)
	slices.SortFunc(v.onsets, onsetCompare)
	v.before, v.firstYear = first.from, v.onsets[0].at.Year()
	return v, nil
}

func parseObservance(c *component) *observance {
	o := &observance{}
	var err error
	from, to, start := c.prop("TZOFFSETFROM"), c.prop("TZOFFSETTO"), c.prop("DTSTART")
	if from == nil || to == nil || start == nil {
		return nil
	}
	if o.from, err = parseUTCOffset(strings.TrimSpace(from.value)); err != nil {
		return nil
	}
	if o.to, err = parseUTCOffset(strings.TrimSpace(to.value)); err != nil {
		return nil
	}
	if o.start, _, err = parseDateTime(strings.TrimSpace(start.value)); err != nil {
		return nil
	}
	o.onsets = append(o.onsets, o.instant(o.start))
	for _, p := range c.props {
		switch p.name {
		case "RDATE":
			for item := range strings.SplitSeq(p.value, ",") {
				item, _, _ = strings.Cut(strings.TrimSpace(item), "/")
				if w, utc, err := parseDateTime(item); err == nil {
					if utc {
						o.onsets = append(o.onsets, w)
					} else {
						o.onsets = append(o.onsets, o.instant(w))
					}
				}
			}
		case "RRULE":
			if o.rule != nil {
				continue
			}
			r, err := parseRecur(p.value)
			if err != nil {
				continue
			}
			if r.opt.Freq > rrule.DAILY {
				// rrule-go can loop for ever on a sub-daily rule (see
				// ruleRun.subDaily), and no zone changes its offset
				// more than once a day.
				o.subDaily = true
				continue
			}
			o.rule, o.years = r, map[int][]time.Time{}
			if r.hasUntil {
				o.until = r.until
				if !r.untilUTC {
					o.until = o.instant(r.until)
				}
			}
		}
	}
	slices.SortFunc(o.onsets, time.Time.Compare)
	return o
}

// instant is the instant of an onset given as a local time.
func (o *observance) instant(wall time.Time) time.Time {
	return wall.Add(-time.Duration(o.from) * time.Second)
}

// onsetsIn returns the rule's onsets whose local time falls in year, as
// instants. A yearly rule is run from that year, not from its DTSTART:
// Exchange writes DTSTART:16010101T020000 (some writers even year 1), and
// rrule-go stops about 292 years after the DTSTART it is given, so run
// from 1601 it would have no onsets after 1893. Other rules, and rules
// with COUNT, which must be counted from their start, are run from DTSTART.
// Each year looked at costs a unit of the decode's work, each run of
// rrule-go ruleYearCost more and the periods it walks; a rule whose day
// filter matches no day is probed first, once, and a rule is moved as
// shiftYears says, so that one whose onsets stop coming walks at most 400
// years.
func (o *observance) onsetsIn(year int, v *vtimezone) []time.Time {
	if list, ok := o.years[year]; ok {
		return list
	}
	if v.work.total <= 0 {
		v.exhausted = true
		return nil
	}
	v.work.total--
	o.years[year] = nil
	first := o.start.Year()
	end := time.Date(year, time.December, 31, 23, 59, 59, 0, time.UTC)
	if !o.until.IsZero() {
		if u := o.until.Add(time.Duration(o.from) * time.Second); u.Before(end) {
			end = u
		}
	}
	opt := o.rule.options(o.start)
	yearly := opt.Freq == rrule.YEARLY && opt.Count == 0
	if o.noDay || year < first || end.Year() < year || yearly && (year-first)%opt.Interval != 0 {
		return nil
	}
	if v.work.total < ruleYearCost {
		v.exhausted = true
		return nil
	}
	v.work.total -= ruleYearCost
	if o.rule.dayFilter && !o.probed {
		ok, outOfWork := v.work.probe(opt)
		if outOfWork {
			v.exhausted = true
			return nil
		}
		if o.probed, o.noDay = true, !ok; o.noDay {
			return nil
		}
	}
	if yearly && year > first {
		s := o.start
		opt.Dtstart = time.Date(year, time.January, 1, s.Hour(), s.Minute(), s.Second(), 0, time.UTC)
	}
	shift := shiftYears(end)
	opt.Dtstart = opt.Dtstart.AddDate(shift, 0, 0)
	r, err := rrule.NewRRule(opt)
	if err != nil {
		return nil
	}
	var list []time.Time
	next, last := r.Iterator(), opt.Dtstart
	for {
		if v.work.total <= 0 {
			v.exhausted = true
			break
		}
		w, ok := next()
		if !ok {
			if opt.Count == 0 {
				v.work.total -= walkCost(opt, last, rruleEnd)
			}
			break
		}
		v.work.total -= walkCost(opt, last, w)
		last = w
		if w = w.AddDate(-shift, 0, 0); w.After(end) {
			break
		}
		if w.Year() == year {
			list = append(list, o.instant(w))
		}
	}
	o.years[year] = list
	return list
}

// offsetAt returns the offset in force at t.
func (v *vtimezone) offsetAt(t time.Time) int {
	t = t.UTC()
	zy := v.year(t.Year())
	// The onsets at or before t are those before the next nanosecond.
	if i := onsetsBefore(zy.onsets, t.Add(time.Nanosecond)); i > 0 {
		return zy.onsets[i-1].to
	}
	return v.startOf(t.Year(), zy)
}

// year returns the onsets of UTC year y, finding them on first use: the
// DTSTARTs and RDATEs in it, and the onsets of each rule in the local
// years that can reach into it (a local year starts up to a day from the
// UTC one).
func (v *vtimezone) year(y int) *zoneYear {
	if zy, ok := v.years[y]; ok {
		return zy
	}
	lo := time.Date(y, time.January, 1, 0, 0, 0, 0, time.UTC)
	hi := lo.AddDate(1, 0, 0)
	list := slices.Clone(v.onsets[onsetsBefore(v.onsets, lo):onsetsBefore(v.onsets, hi)])
	for _, o := range v.rules {
		for local := y - 1; local <= y+1; local++ {
			for _, at := range o.onsetsIn(local, v) {
				if !at.Before(lo) && at.Before(hi) {
					list = append(list, onset{at: at, to: o.to, obs: o.index})
				}
			}
		}
	}
	slices.SortFunc(list, onsetCompare)
	// Of onsets at one instant a lookup finds only the last: keep only it,
	// as a VTIMEZONE may repeat an onset a thousand times.
	kept := list[:0]
	for i, o := range list {
		if i+1 == len(list) || !list[i+1].at.Equal(o.at) {
			kept = append(kept, o)
		}
	}
	zy := &zoneYear{onsets: kept}
	v.years[y] = zy
	return zy
}

// startOf returns the offset in force as UTC year y begins: that of the
// last onset of the latest year before it that has one, or the offset
// before every onset. The years without onsets walked through learn it
// too, so that each is walked once; each costs a unit of work, and with
// none left the walk ends at the DTSTARTs and RDATEs, without the rules.
func (v *vtimezone) startOf(y int, zy *zoneYear) int {
	if zy.known {
		return zy.start
	}
	start := v.before
	walked := []*zoneYear{zy}
	for k := y - 1; k >= v.firstYear; k-- {
		if v.work.total <= 0 {
			v.exhausted = true
			start = v.fixedBefore(time.Date(y, time.January, 1, 0, 0, 0, 0, time.UTC))
			break
		}
		v.work.total--
		prev := v.year(k)
		if n := len(prev.onsets); n > 0 {
			start = prev.onsets[n-1].to
			break
		}
		if prev.known {
			start = prev.start
			break
		}
		walked = append(walked, prev)
	}
	for _, w := range walked {
		w.start, w.known = start, true
	}
	return start
}

// fixedBefore returns the offset in force just before t by the DTSTARTs
// and RDATEs alone.
func (v *vtimezone) fixedBefore(t time.Time) int {
	if i := onsetsBefore(v.onsets, t); i > 0 {
		return v.onsets[i-1].to
	}
	return v.before
}

// onsetsBefore returns how many of the sorted onsets are before t.
func onsetsBefore(onsets []onset, t time.Time) int {
	i, _ := slices.BinarySearchFunc(onsets, t, func(o onset, t time.Time) int {
		if o.at.Before(t) {
			return -1
		}
		return 1
	})
	return i
}

// constant returns the one offset of a VTIMEZONE that states no change of
// offset in the years seminar holds: no observance recurs, and every
// onset is before them.
func (v *vtimezone) constant() (int, bool) {
	if len(v.rules) > 0 || v.leftOut > 0 || v.subDaily > 0 || !v.onsets[len(v.onsets)-1].at.Before(windowMin) {
		return 0, false
	}
	return v.onsets[len(v.onsets)-1].to, true
}

func (v *vtimezone) fixed(offset int) *time.Location {
	if loc, ok := v.fixedLocs[offset]; ok {
		return loc
	}
	loc := time.FixedZone(formatOffsetName(offset), offset)
	v.fixedLocs[offset] = loc
	return loc
}

// iana returns the IANA zone that agrees with the rules throughout the
// year of t: the zone the TZID names as a Windows zone or display name,
// else Etc/GMT+N for a constant whole-hour offset, else the first zone of
// CLDR's Windows table that agrees ("Customized Time Zone" with US rules is
// America/New_York). Agreeing means the same offset at the start and middle
// of every month and on both sides of every onset of the year.
func (v *vtimezone) iana(t time.Time) (string, *time.Location) {
	year := t.UTC().Year()
	if name, ok := v.named[year]; ok {
		return name, loadIANA(name)
	}
	samples, offsets := v.samples(year)
	agrees := func(name string) bool {
		loc := loadIANA(name)
		if loc == nil {
			return false
		}
		for i, s := range samples {
			if _, off := s.In(loc).Zone(); off != offsets[i] {
				return false
			}
		}
		return true
	}
	name := ""
	switch cost := len(samples) * len(windowsZones); {
	case v.hint != "" && agrees(v.hint):
		name = v.hint
	case constant(offsets):
		if z := fixedZone(offsets[0]); z.name != "" {
			name = z.name
		}
	case v.work.total >= cost:
		v.work.total -= cost
		for i := range windowsZones {
			if agrees(windowsZones[i].iana) {
				name = windowsZones[i].iana
				break
			}
		}
	}
	v.named[year] = name
	return name, loadIANA(name)
}

// samples returns the instants iana compares, and the zone's offset at
// each: noon on the 1st and 15th of each month, and both sides of each
// onset of the year.
func (v *vtimezone) samples(year int) ([]time.Time, []int) {
	var samples []time.Time
	for m := time.January; m <= time.December; m++ {
		samples = append(samples,
			time.Date(year, m, 1, 12, 0, 0, 0, time.UTC), time.Date(year, m, 15, 12, 0, 0, 0, time.UTC))
	}
	for _, on := range v.year(year).onsets {
		samples = append(samples, on.at, on.at.Add(-time.Second))
	}
	offsets := make([]int, len(samples))
	for i, s := range samples {
		offsets[i] = v.offsetAt(s)
	}
	return samples, offsets
}

func constant(offsets []int) bool {
	for _, o := range offsets[1:] {
		if o != offsets[0] {
			return false
		}
	}
	return true
}
