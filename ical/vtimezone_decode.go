package ical

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// vtimezone is a VTIMEZONE's rules (RFC 5545 3.6.5), evaluated here.
type vtimezone struct {
	tzid string
	obs  []*observance
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

// observance is one STANDARD or DAYLIGHT sub-component: from each onset
// on, the offset is to. Its onsets are local times in the offset before
// it, from.
type observance struct {
	from, to int
	start    time.Time   // DTSTART, a wall reading
	onsets   []time.Time // DTSTART and RDATE, as instants, sorted
	rule     *recurRule
	until    time.Time // the rule's UNTIL as an instant; zero for none
	years    map[int][]time.Time
}

// parseVTimezone reads a VTIMEZONE's observances. Those that cannot be
// read are left out; a VTIMEZONE with none left is an error.
func parseVTimezone(c *component) (*vtimezone, error) {
	v := &vtimezone{named: map[int]string{}, fixedLocs: map[int]*time.Location{}}
	if p := c.prop("TZID"); p != nil {
		v.tzid = p.value
	}
	for _, sub := range c.children {
		if sub.name != "STANDARD" && sub.name != "DAYLIGHT" {
			continue
		}
		if o := parseObservance(sub); o != nil {
			v.obs = append(v.obs, o)
		}
	}
	if len(v.obs) == 0 {
		return nil, fmt.Errorf("ical: VTIMEZONE %q has no STANDARD or DAYLIGHT that can be read", v.tzid)
	}
	return v, nil
}

func parseObservance(c *component) *observance {
	o := &observance{years: map[int][]time.Time{}}
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
			if r, err := parseRecur(p.value); err == nil {
				o.rule = r
				if r.hasUntil {
					o.until = r.until
					if !r.untilUTC {
						o.until = o.instant(r.until)
					}
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

// lastOnset returns the latest onset at or before t.
func (o *observance) lastOnset(t time.Time, v *vtimezone) (time.Time, bool) {
	var best time.Time
	found := false
	if i, _ := slices.BinarySearchFunc(o.onsets, t, func(a, b time.Time) int {
		if a.After(b) {
			return 1
		}
		return -1
	}); i > 0 {
		best, found = o.onsets[i-1], true
	}
	if o.rule == nil {
		return best, found
	}
	limit := t
	if !o.until.IsZero() && o.until.Before(limit) {
		limit = o.until
	}
	if limit.Before(o.onsets[0]) {
		return best, found
	}
	year := limit.Add(time.Duration(o.from) * time.Second).Year()
	lookback := 2
	if o.rule.opt.Freq == rrule.YEARLY {
		lookback = max(o.rule.opt.Interval, 1) + 1
	}
	for y := year; y >= year-lookback && y >= o.start.Year(); y-- {
		list := o.onsetsIn(y, v)
		for i := len(list) - 1; i >= 0; i-- {
			if !list[i].After(limit) {
				if !found || list[i].After(best) {
					return list[i], true
				}
				return best, found
			}
		}
	}
	return best, found
}

// onsetsIn returns the rule's onsets whose local time falls in year, as
// instants. A yearly rule is run from that year, not from its DTSTART:
// Exchange writes DTSTART:16010101T020000 (some writers even year 1), and
// rrule-go stops about 292 years after the DTSTART it is given, so run
// from 1601 it would have no onsets after 1893. Other rules, and rules
// with COUNT, which must be counted from their start, are run from DTSTART.
// Each step costs a unit of the decode's work; a rule whose day filter
// matches no day (which rrule-go would walk to the year 9999) is probed
// first.
func (o *observance) onsetsIn(year int, v *vtimezone) []time.Time {
	if list, ok := o.years[year]; ok {
		return list
	}
	var list []time.Time
	o.years[year] = nil
	opt := o.rule.options(o.start)
	if o.rule.dayFilter {
		if ok, outOfWork := v.work.probe(opt); !ok {
			v.exhausted = v.exhausted || outOfWork
			return nil
		}
	}
	first := o.start.Year()
	yearEnd := time.Date(year, time.December, 31, 23, 59, 59, 0, time.UTC)
	if opt.Freq == rrule.YEARLY && opt.Count == 0 {
		if (year-first)%opt.Interval != 0 {
			return nil
		}
		if year > first {
			s := o.start
			opt.Dtstart = time.Date(year, time.January, 1, s.Hour(), s.Minute(), s.Second(), 0, time.UTC)
		}
	}
	opt.Until = yearEnd
	if !o.until.IsZero() {
		if u := o.until.Add(time.Duration(o.from) * time.Second); u.Before(yearEnd) {
			opt.Until = u
		}
	}
	r, err := rrule.NewRRule(opt)
	if err != nil {
		return nil
	}
	next := r.Iterator()
	for {
		if v.work.total <= 0 {
			v.exhausted = true
			break
		}
		v.work.total--
		w, ok := next()
		if !ok || w.Year() > year {
			break
		}
		if w.Year() == year {
			list = append(list, o.instant(w))
		}
	}
	o.years[year] = list
	return list
}

// offsetAt returns the offset in force at t: that of the observance with
// the latest onset at or before t, or, before every onset, the offset the
// earliest observance changes from.
func (v *vtimezone) offsetAt(t time.Time) int {
	var best time.Time
	var bestObs *observance
	for _, o := range v.obs {
		if on, ok := o.lastOnset(t, v); ok && (bestObs == nil || on.After(best)) {
			best, bestObs = on, o
		}
	}
	if bestObs != nil {
		return bestObs.to
	}
	first := v.obs[0]
	for _, o := range v.obs[1:] {
		if o.onsets[0].Before(first.onsets[0]) {
			first = o
		}
	}
	return first.from
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

func (v *vtimezone) samples(year int) ([]time.Time, []int) {
	var samples []time.Time
	for m := time.January; m <= time.December; m++ {
		samples = append(samples,
			time.Date(year, m, 1, 12, 0, 0, 0, time.UTC), time.Date(year, m, 15, 12, 0, 0, 0, time.UTC))
	}
	for _, o := range v.obs {
		if o.rule == nil {
			continue
		}
		for _, on := range o.onsetsIn(year, v) {
			samples = append(samples, on, on.Add(-time.Second))
		}
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
