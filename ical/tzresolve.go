package ical

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
)

// ianaCache keeps the zones time.LoadLocation has loaded, for every Decode:
// loading reads and parses a zoneinfo file, and an importer polling feeds
// meets the same few zones again and again. Only names that load are kept,
// so the cache holds at most the zone database.
var ianaCache sync.Map // string -> *time.Location

// loadIANA returns the Go location of an IANA zone name, or nil. Names
// read from input go through work.location, which bounds the lookups.
func loadIANA(name string) *time.Location {
	if !plausibleIANA(name) {
		return nil
	}
	if loc, ok := ianaCache.Load(name); ok {
		return loc.(*time.Location)
	}
	// The name is most often part of a decoded input: the cache, and the
	// location, which keeps its name, must not hold on to that input.
	name = strings.Clone(name)
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	ianaCache.Store(name, loc)
	return loc
}

// location is loadIANA for a name from the input: after maxFailedLoads
// names that are not zones, a file gets no more lookups, so that a file of
// a hundred thousand made-up TZIDs cannot make Decode search the disk for
// each.
func (w *work) location(name string) *time.Location {
	if !plausibleIANA(name) {
		return nil
	}
	if loc, ok := ianaCache.Load(name); ok {
		return loc.(*time.Location)
	}
	if w.failedLoads >= maxFailedLoads {
		return nil
	}
	loc := loadIANA(name)
	if loc == nil {
		w.failedLoads++
	}
	return loc
}

// plausibleIANA reports whether name could be an IANA zone name, so that
// "Eastern Standard Time" or a label does not cost a file system lookup.
func plausibleIANA(name string) bool {
	if name == "" || name == "Local" || len(name) > 64 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
			c == '/' || c == '_' || c == '-' || c == '+') {
			return false
		}
	}
	return true
}

// tzone is a zone the times of a file are read in: a Go location (an IANA
// zone, UTC or a fixed offset) or the file's own VTIMEZONE rules.
type tzone struct {
	// name is the IANA name Occurrence.TimeZone shows: "" for UTC and for
	// offsets and VTIMEZONEs that no IANA zone is known to match.
	name string
	loc  *time.Location
	vtz  *vtimezone
	utc  bool
}

var utcZone = &tzone{loc: time.UTC, utc: true}

// offsetAt returns the UTC offset, in seconds east, in force at t.
func (z *tzone) offsetAt(t time.Time) int {
	if z.vtz != nil {
		return z.vtz.offsetAt(t)
	}
	_, off := t.In(z.loc).Zone()
	return off
}

// resolve returns the instant at which clocks in the zone read wall (given
// as a UTC time with the local fields), as RFC 5545 3.3.5 says: a reading
// that a clock change skips is read with the offset before the change (2:30
// on a spring-forward night is 3:30 daylight time), and a reading that
// occurs twice is its first occurrence. time.Date promises neither.
func (z *tzone) resolve(wall time.Time) time.Time {
	if z.utc {
		return wall
	}
	before := z.offsetAt(wall.Add(-26 * time.Hour))
	after := z.offsetAt(wall.Add(26 * time.Hour))
	tb := wall.Add(-time.Duration(before) * time.Second)
	okBefore := z.offsetAt(tb) == before
	if before == after {
		if okBefore {
			return tb
		}
		// Two changes within a day of wall: try the offset at wall.
		mid := z.offsetAt(wall)
		if tm := wall.Add(-time.Duration(mid) * time.Second); z.offsetAt(tm) == mid {
			return tm
		}
		return tb
	}
	ta := wall.Add(-time.Duration(after) * time.Second)
	okAfter := z.offsetAt(ta) == after
	switch {
	case okBefore && okAfter:
		if ta.Before(tb) {
			return ta
		}
		return tb
	case okAfter:
		return ta
	}
	return tb // in a gap, or only the first offset fits: the offset before
}

// at returns t in a location that shows the zone's offset, and the IANA
// name that goes with it.
func (z *tzone) at(t time.Time) (time.Time, string) {
	if z.vtz == nil {
		return t.In(z.loc), z.name
	}
	if name, loc := z.vtz.iana(t); loc != nil {
		return t.In(loc), name
	}
	return t.In(z.vtz.fixed(z.vtz.offsetAt(t))), ""
}

// tzResolver finds the zone of each TZID of one calendar, in the order of
// DESIGN.md: the file's own VTIMEZONE, IANA names, Windows names, then
// Outlook's "(UTC-05:00) ..." display names. A VTIMEZONE whose TZID (or
// X-LIC-LOCATION) is an IANA name is read with Go's zone data instead of
// its own rules: Google, Apple and Thunderbird write only the rules in
// force when they export (Google's start in 1970 with today's rule), so
// their own VTIMEZONE misplaces events from before the last rule change,
// such as a March 2006 talk in New York; the tz database has every year.
// Windows and custom names keep the file's rules, which are then the only
// statement of what the writer meant, unless the rules state no change of
// offset in the years seminar holds: a VTIMEZONE of one STANDARD
// observance, as some Outlook versions and web exporters write for
// "(UTC-05:00) Eastern Time (US & Canada)", says nothing of daylight
// saving time, and the name, which stands for a zone that keeps it, is
// the better statement. Its zone is then read with Go's zone data, when
// the offset the file states is one that zone keeps. Each TZID is resolved once per
// calendar and each zone loaded once per process.
type tzResolver struct {
	defs     map[string]*component
	zones    map[string]*tzone
	floating *tzone // X-WR-TIMEZONE, for floating times
	// unknown lists the TZIDs that resolved to nothing, to report each
	// once.
	unknown map[string]bool
	work    *work
	// skipped takes the report of a VTIMEZONE read only in part.
	skipped *skipList
}

func newTZResolver(defs map[string]*component, w *work, skipped *skipList) *tzResolver {
	return &tzResolver{defs: defs, zones: map[string]*tzone{}, unknown: map[string]bool{}, work: w, skipped: skipped}
}

// zone returns the zone a TZID names, or nil when nothing is known of it.
func (r *tzResolver) zone(tzid string) *tzone {
	if z, ok := r.zones[tzid]; ok {
		return z
	}
	z := r.lookup(tzid)
	r.zones[tzid] = z
	return z
}

func (r *tzResolver) lookup(tzid string) *tzone {
	name := strings.TrimSpace(tzid)
	if isUTCName(name) {
		return utcZone
	}
	if def := r.defs[name]; def != nil {
		if z := ianaZone(name, r.work); z != nil {
			return z
		}
		if lic := def.prop("X-LIC-LOCATION"); lic != nil {
			if z := ianaZone(strings.TrimSpace(unescapeText(lic.value)), r.work); z != nil {
				return z
			}
		}
		if vtz, err := parseVTimezone(def, r.work); err == nil {
			vtz.hint = hintFor(name)
			r.reportLeftOut(def, vtz)
			if off, ok := vtz.constant(); ok && vtz.hint != "" && keepsOffset(vtz.hint, off) {
				return ianaZone(vtz.hint, nil)
			}
			return &tzone{vtz: vtz}
		}
	}
	if z := ianaZone(name, r.work); z != nil {
		return z
	}
	if w := windowsByName(name); w != nil {
		return ianaZone(w.iana, nil)
	}
	return labelZone(name)
}

// reportLeftOut reports the observances of a VTIMEZONE, or their rules,
// that its evaluation leaves out.
func (r *tzResolver) reportLeftOut(def *component, vtz *vtimezone) {
	if vtz.leftOut > 0 {
		r.skipped.add(Skipped{Line: def.line, Component: "VTIMEZONE", Reason: fmt.Sprintf(
			"VTIMEZONE %q has %d observances with an RRULE; the first %d are read and the other %d left out, so times in it may be off",
			vtz.tzid, len(vtz.rules)+vtz.leftOut, len(vtz.rules), vtz.leftOut)})
	}
	if vtz.subDaily > 0 {
		r.skipped.add(Skipped{Line: def.line, Component: "VTIMEZONE", Reason: fmt.Sprintf(
			"VTIMEZONE %q: the RRULE of %d of its observances repeats more often than daily; those rules are ignored",
			vtz.tzid, vtz.subDaily)})
	}
}

// isUTCName reports whether a TZID means UTC itself.
func isUTCName(name string) bool {
	switch strings.ToUpper(name) {
	case "UTC", "ETC/UTC", "GMT", "ETC/GMT", "Z", "ZULU", "ETC/ZULU", "UNIVERSAL", "ETC/UNIVERSAL":
		return true
	}
	return false
}

// ianaZone returns the zone of an IANA name, also when it is written with
// the path prefix of older Thunderbird and libical versions
// ("/mozilla.org/20050126_1/America/New_York",
// "/softwarestudio.org/Olson_20011030_5/America/New_York").
// A nil w marks a name from our own tables, looked up without limit.
func ianaZone(name string, w *work) *tzone {
	load := loadIANA
	if w != nil {
		load = w.location
	}
	if isUTCName(name) {
		return utcZone
	}
	if loc := load(name); loc != nil {
		// The location's name is the name, copied from the input.
		return &tzone{name: loc.String(), loc: loc, utc: loc == time.UTC}
	}
	if !strings.HasPrefix(name, "/") {
		return nil
	}
	rest := name[1:]
	for {
		i := strings.IndexByte(rest, '/')
		if i < 0 {
			return nil
		}
		rest = rest[i+1:]
		if loc := load(rest); loc != nil {
			return &tzone{name: loc.String(), loc: loc, utc: loc == time.UTC}
		}
	}
}

// windowsByName returns the Windows zone with the given registry name.
func windowsByName(name string) *windowsZone {
	for i := range windowsZones {
		if strings.EqualFold(windowsZones[i].name, name) {
			return &windowsZones[i]
		}
	}
	return nil
}

// labelZone reads a Windows display name, "(UTC-05:00) Eastern Time (US &
// Canada)" or the older "(GMT-05.00) Eastern Time (US & Canada)": a known
// one gives its IANA zone, an unknown one the fixed offset it states.
func labelZone(name string) *tzone {
	offset, rest, ok := parseLabel(name)
	if !ok {
		return nil
	}
	if w := windowsByLabel(offset, rest); w != nil {
		return ianaZone(w.iana, nil)
	}
	return fixedZone(offset)
}

// parseLabel splits "(UTC-05:00) Eastern Time" into its offset in seconds
// and its text. The offset may be written "UTC-05:00", "GMT-05.00",
// "GMT -05:00" or "UTC-5".
func parseLabel(name string) (int, string, bool) {
	if !strings.HasPrefix(name, "(") {
		return 0, "", false
	}
	end := strings.IndexByte(name, ')')
	if end < 0 {
		return 0, "", false
	}
	head, rest := strings.TrimSpace(name[1:end]), strings.TrimSpace(name[end+1:])
	upper := strings.ToUpper(head)
	switch {
	case upper == "UTC" || upper == "GMT":
		return 0, rest, true
	case strings.HasPrefix(upper, "UTC"), strings.HasPrefix(upper, "GMT"):
		head = strings.TrimSpace(head[3:])
	default:
		return 0, "", false
	}
	head = labelSeparators.Replace(head)
	if len(head) == 2 || len(head) == 3 {
		head += "00" // "-5", "+10": whole hours
	}
	if len(head) == 4 {
		head = head[:1] + "0" + head[1:] // "-500": a one-digit hour
	}
	off, err := parseUTCOffset(head)
	if err != nil {
		return 0, "", false
	}
	return off, rest, true
}

// labelSeparators are the separators of a display name's offset.
var labelSeparators = strings.NewReplacer(":", "", ".", "")

// windowsLabel is a display name of windowsZones, parsed: its text, and
// the words of the text that name places.
type windowsLabel struct {
	text  string
	words []string
	zone  *windowsZone
}

// windowsLabels holds the display names of windowsZones by the offset
// they state, each offset's in the table's order. They are parsed once:
// a file may hold tens of thousands of display names, each of which would
// be compared with every entry.
var windowsLabels = sync.OnceValue(func() map[int][]windowsLabel {
	byOffset := map[int][]windowsLabel{}
	for i := range windowsZones {
		if off, text, ok := parseLabel(windowsZones[i].label); ok {
			byOffset[off] = append(byOffset[off], windowsLabel{text: text, words: labelWords(text), zone: &windowsZones[i]})
		}
	}
	return byOffset
})

// windowsLabelTexts holds the display names of windowsZones by their
// text in lower case, without the offset.
var windowsLabelTexts = sync.OnceValue(func() map[string][]windowsLabel {
	byText := map[string][]windowsLabel{}
	for i := range windowsZones {
		if _, text, ok := parseLabel(windowsZones[i].label); ok {
			key := strings.ToLower(text)
			byText[key] = append(byText[key], windowsLabel{text: text, zone: &windowsZones[i]})
		}
	}
	return byText
})

// windowsByLabel returns the Windows zone a display name stands for, from
// the offset and text it states. Windows has reworded its display names
// over the years, and other writers copy them loosely ("(GMT-08:00)
// Pacific Time (US & Canada); Tijuana", "(GMT+01.00)
// Sarajevo/Warsaw/Zagreb", "Eastern Time (US and Canada)"), so besides a
// display name of the table it takes the one of the same offset that
// shares the most place names with the text, when one shares more than
// every other. A text that is exactly the table's under another offset
// that the zone keeps (a writer that states the offset in force when it
// wrote, "(UTC-04:00) Eastern Time (US & Canada)" in summer) names that
// zone first.
func windowsByLabel(offset int, text string) *windowsZone {
	labels := windowsLabels()[offset]
	for _, l := range labels {
		if strings.EqualFold(l.text, text) {
			return l.zone
		}
	}
	for _, l := range windowsLabelTexts()[strings.ToLower(text)] {
		if keepsOffset(l.zone.iana, offset) {
			return l.zone
		}
	}
	if len(text) > maxLabelLen {
		return nil
	}
	return closestLabel(labels, labelWords(text))
}

// maxLabelLen bounds the display names compared word by word: the
// longest of the table is 73 bytes.
const maxLabelLen = 200

// closestLabel returns the zone of the label that shares the most words
// with words, or nil when none shares any or two share as many.
func closestLabel(labels []windowsLabel, words []string) *windowsZone {
	var best *windowsZone
	most, tie := 0, false
	for _, l := range labels {
		n := 0
		for _, w := range words {
			if slices.Contains(l.words, w) {
				n++
			}
		}
		switch {
		case n > most:
			best, most, tie = l.zone, n, false
		case n == most && n > 0:
			tie = true
		}
	}
	if tie {
		return nil
	}
	return best
}

// labelWords returns the distinct words of a display name's text, lower
// case, less those that name no place.
func labelWords(text string) []string {
	var words []string
	for w := range strings.FieldsFuncSeq(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if !labelFiller[w] && !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	return words
}

// labelFiller are the words of display names that name no place.
var labelFiller = map[string]bool{"and": true, "amp": true, "the": true, "of": true, "time": true,
	"standard": true, "new": true, "old": true, "is": true}

// keepsOffset reports whether the IANA zone name has the offset, in
// seconds east, at some time between 1970 and 2037.
func keepsOffset(name string, offset int) bool {
	return ianaOffsets(name)[offset]
}

// ianaOffsetCache keeps ianaOffsets' answers. Only names of windowsZones
// are asked for, so it holds at most one entry for each.
var ianaOffsetCache sync.Map // string -> map[int]bool

// ianaOffsets returns the offsets the IANA zone name has in January and
// July of the years 1970 to 2037.
func ianaOffsets(name string) map[int]bool {
	if m, ok := ianaOffsetCache.Load(name); ok {
		return m.(map[int]bool)
	}
	offsets := map[int]bool{}
	if loc := loadIANA(name); loc != nil {
		for y := 1970; y <= 2037; y++ {
			for _, m := range [...]time.Month{time.January, time.July} {
				_, off := time.Date(y, m, 15, 12, 0, 0, 0, time.UTC).In(loc).Zone()
				offsets[off] = true
			}
		}
	}
	ianaOffsetCache.Store(name, offsets)
	return offsets
}

// fixedZone is a zone of one constant offset, named Etc/GMT+5 and so on
// when the offset is a whole number of hours (the Etc names count west).
func fixedZone(offset int) *tzone {
	if offset == 0 {
		return utcZone
	}
	if offset%3600 == 0 && offset >= -12*3600 && offset <= 14*3600 {
		name := fmt.Sprintf("Etc/GMT%+d", -offset/3600)
		if z := ianaZone(name, nil); z != nil {
			return z
		}
	}
	return &tzone{loc: time.FixedZone(formatOffsetName(offset), offset)}
}

func formatOffsetName(offset int) string {
	sign := '+'
	if offset < 0 {
		sign, offset = '-', -offset
	}
	return fmt.Sprintf("UTC%c%02d:%02d", sign, offset/3600, offset/60%60)
}

// hintFor returns the IANA zone a Windows name or display name stands for,
// the first guess for a VTIMEZONE's IANA name.
func hintFor(name string) string {
	if w := windowsByName(name); w != nil {
		return w.iana
	}
	if offset, rest, ok := parseLabel(name); ok {
		if w := windowsByLabel(offset, rest); w != nil {
			return w.iana
		}
	}
	return ""
}
