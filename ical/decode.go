package ical

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
)

// DecodeOptions configures Decode. The zero value, and a nil
// *DecodeOptions, mean the defaults written on each field.
type DecodeOptions struct {
	// MaxBytes is the most Decode reads; a longer input fails with an
	// error matching ErrTooLarge. Default 10 MiB (DefaultMaxBytes).
	MaxBytes int64
	// From and To bound the expansion of recurring series: an instance
	// (overrides included) is kept when it overlaps [From, To). A zero
	// From means each series' first start, a zero To two years after
	// From; the window never reaches outside the years seminar holds.
	// Events that do not recur, and overrides whose series is not in the
	// input, are kept whatever their time.
	From, To time.Time
	// MaxOccurrences is the most instances kept of one series; the rest
	// are reported in Result.Skipped. Default 1000. However many series a
	// file holds, a decode returns at most 100,000 instances of recurring
	// series in all, and reports the series it stopped at.
	MaxOccurrences int
}

// Calendar is what Decode read of a VCALENDAR's own properties.
type Calendar struct {
	// Name is X-WR-CALNAME, or else NAME (RFC 7986), on one line; "" when
	// the calendar has neither.
	Name string
	// Description is X-WR-CALDESC, or else DESCRIPTION (RFC 7986), as
	// plain text (HTML is made text as an event's is).
	Description string
	// TimeZone is X-WR-TIMEZONE, as the IANA name of its zone, when Decode
	// knows it.
	TimeZone string
	// Line is the line of the BEGIN:VCALENDAR, or of the lone VEVENT.
	Line int
}

// Defaults of DecodeOptions.
const (
	DefaultMaxBytes       = 10 << 20
	DefaultMaxOccurrences = 1000
)

// ErrTooLarge is returned, wrapped, by Decode for an input longer than
// DecodeOptions.MaxBytes. Test for it with errors.Is.
var ErrTooLarge = errors.New("ical: input too large")

// Skipped is something Decode left out, or cut, and why.
type Skipped struct {
	// Line is the input line of the problem, from 1; 0 when it is not
	// one line (the end of the input).
	Line int
	// Component is the component concerned, such as "VEVENT" or
	// "VTODO"; empty for lines outside every component.
	Component string
	// UID is the UID of the event concerned, when known.
	UID string
	// Reason says what was wrong and what Decode did about it.
	Reason string
}

// Result is what Decode read.
type Result struct {
	// Occurrences are the events read, recurring series expanded, ordered
	// by start, then UID, then RecurrenceID.
	Occurrences []Occurrence
	// Calendars are the input's VCALENDARs, in input order; events
	// outside every VCALENDAR, as some tools write a lone VEVENT, make one
	// of their own. Occurrence.Calendar is an index into it.
	Calendars []Calendar
	// Masters are the recurring events (a VEVENT with RRULE or RDATE)
	// that have occurrences, in input order, each read as its first
	// instance (its DTSTART) with no override applied and no
	// RecurrenceID. The occurrences of the same UID that have a
	// RecurrenceID are its instances, with their overrides applied: a
	// series, which Result.CalendarImport names after the master's
	// SUMMARY and gives the master's zone, length and LOCATION.
	Masters []Occurrence
	// Skipped lists, in input order, the components, properties and
	// lines left out or cut, at most 1,000 of them (the last then says
	// how many more there were).
	Skipped []Skipped
}

// Decode reads an iCalendar stream (RFC 5545) as real clients write it
// (Google Calendar, Outlook and Exchange, Apple Calendar, Thunderbird,
// Zimbra, and our own Encoder), and returns its events. It fails only when
// the input cannot be read or is longer than MaxBytes; anything wrong
// inside costs only what it touches, and is reported in Result.Skipped:
//
//   - A line that is not a content line (a fold lost by an editor) is
//     ignored, unless it held one of the properties that place an event in
//     time (DTSTART, DTEND, DURATION, RRULE, RDATE, EXDATE, RECURRENCE-ID,
//     UID): the event is skipped then, as it would be with a DTSTART that
//     does not parse or a BEGIN:VEVENT without its END.
//   - Components other than VEVENT (VTODO, VJOURNAL, ...) are skipped.
//   - Values are fitted to seminar's limits, so that Occurrence.Event is
//     valid: one-line fields (SUMMARY, LOCATION, names, categories) lose
//     their line breaks and are cut at seminar.MaxLineLen bytes, texts at
//     seminar.MaxTextLen, lists at seminar.MaxListLen entries, and URLs and
//     email addresses that seminar would refuse are left out, each cut
//     reported. Occurrences seminar cannot hold at all (before 1900 or
//     after 2199, timed ones longer than seminar.MaxDuration) are
//     skipped. An all-day event longer than that, such as a term or a
//     holiday period, is kept as it is, and Occurrence.Event cuts it to
//     MaxDuration, which is reported.
//
// Times with a TZID are read in the zone it names: by the file's own
// VTIMEZONE, except that a TZID or X-LIC-LOCATION naming an IANA zone is
// read with Go's zone database, which, unlike the VTIMEZONE a client
// writes, covers every year; otherwise as an IANA name (also with the
// "/mozilla.org/.../" prefix of old Thunderbird versions), a Windows name
// ("Eastern Standard Time", mapped by CLDR's windowsZones table), or an
// Outlook display name ("(UTC-05:00) Eastern Time (US & Canada)", also as
// older versions and other writers word it: "(GMT-08:00) Pacific Time (US
// & Canada); Tijuana"; an unknown one gives its fixed offset). A
// VTIMEZONE of a Windows name or display name that states no change of
// offset (a lone STANDARD) gives way to the zone the name stands for, with
// its daylight saving time. A wall time that a clock change
// skips or repeats is read as RFC 5545 3.3.5 says: with the offset before
// the gap, and as its first occurrence. Floating times (no TZID, no Z) are
// read in the calendar's X-WR-TIMEZONE when it has one, as Google Calendar
// does, and stay floating otherwise.
//
// Recurring events (RRULE, RDATE, EXDATE) are expanded within
// [From, To) in their own zone, so wall times stay put across
// daylight-saving changes; DTSTART is always the first instance.
// RECURRENCE-ID components replace the instance they name (with
// RANGE=THISANDFUTURE, the later ones too); one that names no instance,
// or whose series is not in the file, is an event of its own. The work of
// expanding, and of reading times by a file's VTIMEZONEs, is bounded, for
// each series and for the whole input: a rule that yields instances
// forever, or never, stops, a VTIMEZONE's observances with an RRULE after
// the first thousand are left out, and what was not expanded or read is
// reported, so that no input of MaxBytes takes more than a second or two.
//
// Decode reads the input in blocks of at most a mebibyte (an input that
// tells its length, a *bytes.Reader, *strings.Reader, *bytes.Buffer or
// regular *os.File, in one block when it fits), and unfolds lines within
// them. The components read from a block hold it until their events are
// read, and the result holds no part of it: the input is garbage once
// Decode returns. For a feed of our Encoder's, the result takes about 1.1
// times the input's size, and Decode at most 1.8 times at once
// (BenchmarkDecode_memory).
func Decode(r io.Reader, opts *DecodeOptions) (*Result, error) {
	return decodeBlocks(r, opts, inputBlock)
}

// decodeBlocks is Decode reading blocks of at most block bytes.
func decodeBlocks(r io.Reader, opts *DecodeOptions, block int) (*Result, error) {
	o := DecodeOptions{}
	if opts != nil {
		o = *opts
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxOccurrences <= 0 {
		o.MaxOccurrences = DefaultMaxOccurrences
	}
	in, err := newInputReader(r, o.MaxBytes, block)
	if err != nil {
		return nil, err
	}
	d := &decoder{opts: o, work: newWork(), byUID: map[string]*series{}, in: in}
	roots, err := buildTree(in, &d.skipped)
	if err != nil {
		return nil, err
	}
	for i, root := range roots {
		d.calendar(root)
		roots[i] = nil
	}
	d.byUID = nil
	for i, s := range d.order {
		d.expandSeries(s)
		d.order[i] = nil // its events are read
	}
	sortOccurrences(d.out)
	for i := range d.calendars {
		c := &d.calendars[i]
		c.Name, c.Description, c.TimeZone = d.own(c.Name), d.own(c.Description), d.own(c.TimeZone)
	}
	skipped := d.skipped.result()
	for i := range skipped {
		skipped[i].Component, skipped[i].UID = d.own(skipped[i].Component), d.own(skipped[i].UID)
	}
	return &Result{Occurrences: d.out, Calendars: d.calendars, Masters: d.masters, Skipped: skipped}, nil
}

// inInput reports whether s is part of the input: Decode's result holds
// copies of such strings, so that it does not keep the blocks of input
// they lie in.
func (d *decoder) inInput(s string) bool { return d.in.contains(s) }

// own returns s, copied when it is part of the input.
func (d *decoder) own(s string) string {
	if d.inInput(s) {
		return strings.Clone(s)
	}
	return s
}

// ownFields gives the strings of an event's template that are part of
// the input one block of their own, which its occurrences share.
func (d *decoder) ownFields(o *Occurrence) {
	fields, n := d.inputFields[:0], 0
	o.eachString(func(s *string) {
		if d.inInput(*s) {
			fields = append(fields, s)
			n += len(*s)
		}
	})
	d.inputFields = fields
	if n == 0 {
		return
	}
	var b strings.Builder
	b.Grow(n)
	for _, s := range fields {
		b.WriteString(*s)
	}
	block := b.String()
	for i, s := range fields {
		*s, block = block[:len(*s)], block[len(*s):]
		fields[i] = nil
	}
}

// decoder holds the state of one Decode.
type decoder struct {
	opts    DecodeOptions
	skipped skipList
	work    *work
	// order lists the series (events grouped by UID) in the order their
	// UIDs first appear.
	order []*series
	byUID map[string]*series
	out   []Occurrence
	// calendars and masters are Result's.
	calendars []Calendar
	masters   []Occurrence
	// expanded counts the occurrences of recurring series returned, and
	// saidTooMany records that reaching maxExpanded was reported.
	expanded    int
	saidTooMany bool
	// in is the input's reader, which knows where the blocks read are:
	// see own. It holds none of them.
	in *inputReader
	// check is the event valid checks, made anew for each.
	check seminar.Event
	// inputFields is ownFields' list of the strings it copies, kept
	// for the next event.
	inputFields []*string
	// zoneNames holds the copies own made of zone names.
	zoneNames map[string]string
}

// calendar reads one top-level component: a VCALENDAR, or a lone VEVENT
// that some tools write without one.
func (d *decoder) calendar(root *component) {
	cal := root
	if root.name != "VCALENDAR" {
		cal = &component{name: "VCALENDAR", children: []*component{root}}
	}
	defs := map[string]*component{}
	for _, c := range cal.children {
		if c.name == "VTIMEZONE" {
			if p := c.prop("TZID"); p != nil {
				defs[strings.TrimSpace(p.value)] = c
			}
		}
	}
	cc := &calendarContext{res: newTZResolver(defs, d.work, &d.skipped), index: len(d.calendars),
		extended: slices.ContainsFunc(cal.children, hasSeminarFields)}
	info := Calendar{Line: root.line}
	var name, desc, name7986, desc7986 *contentLine
	for i := range cal.props {
		p := &cal.props[i]
		switch p.name {
		case "METHOD":
			cc.cancel = strings.EqualFold(strings.TrimSpace(p.value), MethodCancel)
		case "PRODID":
			cc.ours = strings.Contains(p.value, "seminarkit")
		case "X-WR-TIMEZONE":
			name := strings.TrimSpace(unescapeText(p.value))
			if cc.res.floating = cc.res.zone(name); cc.res.floating == nil {
				d.skipped.add(Skipped{Line: p.line, Component: "VCALENDAR",
					Reason: fmt.Sprintf("X-WR-TIMEZONE %q is not a known zone; floating times stay floating", name)})
			} else {
				info.TimeZone = cc.res.floating.name
			}
		case "X-WR-CALNAME":
			name = p
		case "NAME":
			name7986 = p
		case "X-WR-CALDESC":
			desc = p
		case "DESCRIPTION":
			desc7986 = p
		}
	}
	info.Name = d.calendarName(cmp.Or(name, name7986))
	info.Description = d.calendarDescription(cmp.Or(desc, desc7986))
	d.calendars = append(d.calendars, info)
	events := 0
	for _, c := range cal.children {
		if c.name == "VEVENT" {
			events++
		}
	}
	// Most events are single ones: one occurrence each.
	d.out = slices.Grow(d.out, events)
	for i, c := range cal.children {
		switch c.name {
		case "VEVENT":
			d.vevent(c, cc)
			// What is needed of the component is read: its lines can go
			// while the rest is read.
			cal.children[i] = nil
		case "VTIMEZONE":
		default:
			d.skipped.add(Skipped{Line: c.line, Component: c.name, UID: c.uid(),
				Reason: fmt.Sprintf("%s is not an event; only VEVENT components are imported", c.name)})
		}
	}
}

// calendarContext is what the events of one VCALENDAR share.
type calendarContext struct {
	res    *tzResolver
	cancel bool // METHOD:CANCEL
	ours   bool // PRODID of our encoder
	// extended is set when some VEVENT carries X-SEMINAR properties: our
	// encoder wrote the calendar with them, and an event of ours that has
	// none has no field for them to hold.
	extended bool
	index    int // in Result.Calendars
}

// calendarName reads X-WR-CALNAME or NAME, fitted to one line of
// seminar's limit.
func (d *decoder) calendarName(p *contentLine) string {
	if p == nil {
		return ""
	}
	s := singleLine(unescapeText(p.value))
	if cut, ok := truncateUTF8(s, seminar.MaxLineLen); ok {
		d.skipped.add(Skipped{Line: p.line, Component: "VCALENDAR", Reason: fmt.Sprintf(
			"%s holds %d bytes, more than seminar's limit of %d for one line; it is cut", p.name, len(s), seminar.MaxLineLen)})
		s = strings.TrimSpace(cut)
	}
	return s
}

// calendarDescription reads X-WR-CALDESC or DESCRIPTION as plain text,
// fitted to seminar's limit for a text.
func (d *decoder) calendarDescription(p *contentLine) string {
	if p == nil {
		return ""
	}
	s := unescapeText(p.value)
	if looksLikeHTML(s) {
		s = htmlText(s)
	}
	s = strings.TrimSpace(multiLine(s))
	if cut, ok := truncateUTF8(s, seminar.MaxTextLen); ok {
		d.skipped.add(Skipped{Line: p.line, Component: "VCALENDAR", Reason: fmt.Sprintf(
			"%s holds %d bytes, more than seminar's limit of %d for a text; it is cut", p.name, len(s), seminar.MaxTextLen)})
		s = cut
	}
	return s
}

// sortOccurrences orders occurrences by start, then UID, then RecurrenceID,
// keeping the order of equal ones. It sorts their indexes and then moves
// each occurrence once, rather than moving the large structs at each step
// of the sort.
func sortOccurrences(out []Occurrence) {
	less := func(a, b *Occurrence) int {
		return cmp.Or(a.Start.Compare(b.Start), strings.Compare(a.UID, b.UID),
			strings.Compare(a.RecurrenceID, b.RecurrenceID))
	}
	sorted := true
	for i := 1; i < len(out) && sorted; i++ {
		sorted = less(&out[i-1], &out[i]) <= 0
	}
	if sorted {
		return
	}
	idx := make([]int32, len(out))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(i, j int32) int { return cmp.Or(less(&out[i], &out[j]), cmp.Compare(i, j)) })
	// out[i] is to hold what is now out[idx[i]]: follow each cycle of
	// the permutation, marking the places filled.
	for i := range idx {
		if idx[i] < 0 || int(idx[i]) == i {
			continue
		}
		tmp := out[i]
		j := i
		for {
			k := int(idx[j])
			idx[j] = -1
			if k == i {
				out[j] = tmp
				break
			}
			out[j] = out[k]
			j = k
		}
	}
}
