package seminar

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// zoneCache keeps loaded locations: time.LoadLocation reads and parses the
// zone database on every call, and pages, lists and validation ask for the
// same few zones over and over.
var zoneCache sync.Map // string -> *time.Location

// loadZone returns the location of an IANA zone name. The empty name is an
// error: an event must say which zone it is announced in.
func loadZone(name string) (*time.Location, error) {
	if name == "" {
		return nil, errors.New("time zone is empty")
	}
	if loc, ok := zoneCache.Load(name); ok {
		return loc.(*time.Location), nil
	}
	if name == "Local" {
		return nil, errors.New(`"Local" is not an IANA time zone`)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	zoneCache.Store(name, loc)
	return loc, nil
}

// zoneHint ends every message about a time zone that is not an IANA place
// name.
const zoneHint = "use an IANA name such as America/New_York"

// legacyZones are the names in the zone database that stand for a rule or
// a fixed offset rather than a place, each with the place zone it is an
// alias of since tzdata 2024b. "EST" is not New York: it never changes for
// summer time, so a talk announced in it in July is an hour off.
var legacyZones = map[string]string{
	"EST": "America/Panama", "MST": "America/Phoenix", "HST": "Pacific/Honolulu",
	"EST5EDT": "America/New_York", "CST6CDT": "America/Chicago",
	"MST7MDT": "America/Denver", "PST8PDT": "America/Los_Angeles",
	"CET": "Europe/Brussels", "MET": "Europe/Brussels", "EET": "Europe/Athens", "WET": "Europe/Lisbon",
}

// notPlace says why tz, a zone that loads, is not the name of a place that
// a talk can be announced in, or returns "" when it is one. UTC is
// accepted under its names; GMT is not, since in Britain it means the
// winter half of London's time.
func notPlace(tz string) string {
	switch tz {
	case "UTC", "Etc/UTC", "UCT", "Etc/UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu":
		return ""
	}
	switch {
	case legacyZones[tz] != "":
		return fmt.Sprintf("%q is an abbreviation or a daylight-saving rule, not a place; %s", tz, zoneHint)
	case strings.HasPrefix(tz, "Etc/"), strings.HasPrefix(tz, "GMT"), tz == "Greenwich", tz == "Factory":
		return fmt.Sprintf("%q is a fixed offset, not a place; %s (or UTC)", tz, zoneHint)
	}
	return ""
}

// placeZone returns the place zone a legacy name is an alias of, or tz
// itself.
func placeZone(tz string) string {
	if place := legacyZones[tz]; place != "" {
		return place
	}
	return tz
}

// ErrNonexistentTime and ErrAmbiguousTime are returned, wrapped, by WallTime
// for a wall clock reading that a daylight-saving transition skips or
// repeats. Both also match ErrInvalid.
var (
	ErrNonexistentTime = fmt.Errorf("%w: wall time does not exist in its zone (daylight-saving gap)", ErrInvalid)
	ErrAmbiguousTime   = fmt.Errorf("%w: wall time occurs twice in its zone (daylight-saving fold)", ErrInvalid)
)

// WallTime returns the instant at which clocks in the IANA zone tz read the
// given date and time. Unlike time.Date, which silently picks an instant, it
// returns an error matching ErrNonexistentTime when the reading falls in a
// daylight-saving gap (2:30 AM on a spring-forward night) and one matching
// ErrAmbiguousTime when it occurs twice (1:30 AM on a fall-back night); the
// message names the offsets involved.
func WallTime(year int, month time.Month, day, hour, minute int, tz string) (time.Time, error) {
	loc, err := loadZone(tz)
	if err != nil {
		return time.Time{}, fmt.Errorf("seminar: wall time: %w: %w", ErrInvalid, err)
	}
	if month < time.January || month > time.December || day < 1 || day > daysIn(year, month) ||
		hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return time.Time{}, fmt.Errorf("seminar: wall time %04d-%02d-%02d %02d:%02d: %w: not a valid date and time",
			year, month, day, hour, minute, ErrInvalid)
	}
	wall := time.Date(year, month, day, hour, minute, 0, 0, time.UTC)
	instants := instantsOf(wall, loc)
	label := fmt.Sprintf("%s %s", wall.Format("2006-01-02 15:04"), tz)
	switch len(instants) {
	case 1:
		return instants[0], nil
	case 0:
		return time.Time{}, fmt.Errorf("seminar: wall time %s: %w: clocks skip from %s",
			label, ErrNonexistentTime, describeGap(wall, loc))
	default:
		return time.Time{}, fmt.Errorf("seminar: wall time %s: %w: at offsets %s and %s",
			label, ErrAmbiguousTime, instants[0].Format("-07:00"), instants[1].Format("-07:00"))
	}
}

// instantsOf returns, in order, every instant whose wall clock in loc reads
// wall (given in UTC): none in a gap, two in a fold. Any instant that reads
// wall lies within a day of wall read as UTC, so the offsets in force a day
// either side are the only candidates.
func instantsOf(wall time.Time, loc *time.Location) []time.Time {
	var found []time.Time
	seen := map[int]bool{}
	for _, probe := range []time.Time{wall.Add(-26 * time.Hour), wall, wall.Add(26 * time.Hour)} {
		_, offset := probe.In(loc).Zone()
		if seen[offset] {
			continue
		}
		seen[offset] = true
		t := wall.Add(-time.Duration(offset) * time.Second).In(loc)
		if sameWall(t, wall) {
			found = append(found, t)
		}
	}
	if len(found) == 2 && found[1].Before(found[0]) {
		found[0], found[1] = found[1], found[0]
	}
	return found
}

func sameWall(t, wall time.Time) bool {
	y, m, d := t.Date()
	wy, wm, wd := wall.Date()
	return y == wy && m == wm && d == wd && t.Hour() == wall.Hour() && t.Minute() == wall.Minute() && t.Second() == wall.Second()
}

// describeGap says which wall readings a gap containing wall skips, such as
// "02:00 to 03:00".
func describeGap(wall time.Time, loc *time.Location) string {
	before := wall.Add(-26 * time.Hour).In(loc)
	_, offBefore := before.Zone()
	start := wall.Add(-time.Duration(offBefore) * time.Second) // first instant past the gap
	// The transition happened at or before start; walk back to find it.
	lo, hi := start.Add(-26*time.Hour), start
	for hi.Sub(lo) > time.Second {
		mid := lo.Add(hi.Sub(lo) / 2)
		if _, off := mid.In(loc).Zone(); off == offBefore {
			lo = mid
		} else {
			hi = mid
		}
	}
	_, offAfter := hi.In(loc).Zone()
	from := hi.Add(time.Duration(offBefore) * time.Second).UTC()
	to := hi.Add(time.Duration(offAfter) * time.Second).UTC()
	return fmt.Sprintf("%s to %s", from.Format("15:04"), to.Format("15:04"))
}

func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
