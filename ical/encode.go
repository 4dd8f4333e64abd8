package ical

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
)

// The METHOD values an Encoder writes (RFC 5546).
const (
	MethodPublish = "PUBLISH"
	MethodCancel  = "CANCEL"
)

// DefaultProdID is the PRODID written when EncodeOptions.ProdID is empty.
const DefaultProdID = "-//seminarkit//seminar//EN"

// EncodeOptions configures an Encoder. The zero value, and a nil
// *EncodeOptions, mean the defaults written on each field.
type EncodeOptions struct {
	// Method is the calendar's METHOD: MethodPublish (the default) for
	// feeds and announcements, MethodCancel for a cancellation notice, in
	// which every event is written with STATUS:CANCELLED.
	Method string
	// ProdID identifies the product that wrote the calendar. Default
	// DefaultProdID.
	ProdID string
	// Name, when set, is written as NAME (RFC 7986) and X-WR-CALNAME, the
	// name a client gives a subscribed calendar.
	Name string
	// Description, when set, is written as the calendar's DESCRIPTION
	// (RFC 7986) and X-WR-CALDESC.
	Description string
	// RefreshInterval, when positive, tells subscribers how often to poll:
	// REFRESH-INTERVAL (RFC 7986) and X-PUBLISHED-TTL (Microsoft, Apple).
	// Whole seconds are written.
	RefreshInterval time.Duration
	// Organizer is the ORGANIZER of events whose contact has no email (or
	// whose contact is hidden). RFC 5546 requires exactly one ORGANIZER
	// per published event, so if Organizer has no Email either, the
	// encoder writes mailto:noreply@ the domain of the event's UID (the
	// Calendar's Domain), or noreply@seminar.invalid for a UID without
	// one. Name, if set, becomes its CN.
	Organizer seminar.Person
	// SeriesName returns the name of the series whose ID is id (an
	// event's Series), which DESCRIPTION ("Series: Vision Seminar") and
	// CATEGORIES then write instead of the ID: people read them, and a
	// subscriber filters by the name. nil, or an empty result, writes the
	// ID, as for a Store whose series are free text. Decode gives the name
	// back as the Series of Occurrence.Event, which Result.CalendarImport
	// makes a series of. A feed's handler sets it, and the Attacher passes
	// the name the Calendar gives it.
	SeriesName func(id string) string
	// EventURL returns the URL of an event's page, written as URL; nil,
	// or an empty result, leaves URL out.
	EventURL func(e *seminar.Event) string
	// CancelledPrefix puts "Cancelled: " before the SUMMARY of cancelled
	// events. Google Calendar hides cancelled events in subscribed feeds;
	// with the prefix they stay visible, and say why.
	CancelledPrefix bool
	// Participants adds an RFC 9073 PARTICIPANT component with
	// PARTICIPANT-TYPE:SPEAKER for each speaker. Speakers are always
	// named in DESCRIPTION, which every client shows.
	Participants bool
	// HideContact leaves email addresses out: the contact's from
	// DESCRIPTION and ORGANIZER (which then falls back to Organizer), and
	// every person's from the X-SEMINAR properties and PARTICIPANTs.
	HideContact bool
	// NoExtensions leaves out every X-SEMINAR property and parameter: the
	// copies, for Decode, of fields that DESCRIPTION already shows a
	// reader (the abstract and the bios again, among others; see the
	// package documentation). It is for a calendar that only calendar
	// clients read, such as the one a reminder mail carries, which it
	// makes about 40% shorter for a talk with a long abstract. Decode
	// then reads it as another product's calendar: the page's text of
	// DESCRIPTION as the abstract, LOCATION as the room, ORGANIZER as the
	// contact and the categories as research areas. A calendar meant to be
	// imported again is a feed's. The Attacher sets it.
	NoExtensions bool
	// Now is the clock that sets DTSTAMP, read once per Encoder. Default
	// time.Now.
	Now func() time.Time
	// Zones, when set, is shared by encoders so that each reads a time
	// zone's changes of offset once; nil gives each Encoder its own.
	Zones *ZoneCache
}

// flushAt is how many bytes the encoder gathers before it writes, once it
// streams: large enough that a feed costs few writes, small enough that
// the stream, not memory, holds the calendar.
const flushAt = 32 << 10

// lookAhead is how many bytes of events the encoder holds back so that the
// VTIMEZONEs written before them need cover only their instants: a feed of
// a few thousand talks. A calendar larger than that streams, and the
// VTIMEZONEs of its zones hold every change of offset, which then costs
// well under 1% of the calendar.
const lookAhead = 4 << 20

// ErrClosed is returned by Encode on an Encoder that has been closed.
var ErrClosed = errors.New("ical: encoder is closed")

// Encoder writes events as one iCalendar stream (RFC 5545). The VTIMEZONE
// of a time zone is written once, before the first event that uses it, and
// holds only the observances that the calendar's events in that zone need
// (the package documentation says which). For that the Encoder holds
// events back until Close, up to 4 MiB of them.
// A larger calendar streams: its VTIMEZONEs cover every year an event may
// have, and each event after the first 4 MiB is written as it is encoded,
// so a feed of any size takes bounded memory. An Encoder is not safe for
// concurrent use.
type Encoder struct {
	w      io.Writer
	opts   EncodeOptions
	method string
	zones  map[string]*encoderZone

	buf       []byte         // output not yet written to w, after chunks
	chunks    [][]byte       // output held back, flushAt bytes or so each
	heldBytes int            // in chunks
	held      []*encoderZone // zones whose VTIMEZONE is still to be put into the held output, in order of first use
	streaming bool           // the output outgrew lookAhead: VTIMEZONEs are written whole, as zones come
	line      []byte         // the content line being built, unfolded

	stamp   time.Time
	started bool
	closed  bool
	err     error // sticky: a write failed or the options are invalid
}

// encoderZone is a zone as one encoder uses it: whether an event used it,
// the span of instants its events cover so far, and where in the held
// output its VTIMEZONE goes (at bytes into chunks[chunk], or into buf).
type encoderZone struct {
	*zoneData
	used      bool
	from, to  time.Time
	chunk, at int
}

// NewEncoder returns an Encoder writing to w. Invalid options (an unknown
// Method) are reported by the first Encode or Close.
func NewEncoder(w io.Writer, opts *EncodeOptions) *Encoder {
	enc := &Encoder{w: w, zones: map[string]*encoderZone{}}
	if opts != nil {
		enc.opts = *opts
	}
	if enc.opts.ProdID == "" {
		enc.opts.ProdID = DefaultProdID
	}
	if enc.opts.Now == nil {
		enc.opts.Now = time.Now
	}
	if enc.opts.Zones == nil {
		enc.opts.Zones = &ZoneCache{}
	}
	switch m := strings.ToUpper(enc.opts.Method); m {
	case "":
		enc.method = MethodPublish
	case MethodPublish, MethodCancel:
		enc.method = m
	default:
		enc.err = fmt.Errorf("ical: method %q: want %s or %s", enc.opts.Method, MethodPublish, MethodCancel)
	}
	return enc
}

// EncodeEvent writes e as a complete calendar of one event: what a
// reminder or cancellation mail attaches.
func EncodeEvent(w io.Writer, e *seminar.Event, opts *EncodeOptions) error {
	enc := NewEncoder(w, opts)
	if err := enc.Encode(e); err != nil {
		return err
	}
	return enc.Close()
}

// Encode writes e as a VEVENT, preceded by the VCALENDAR header on the
// first call and by the VTIMEZONE of e's zone the first time the zone is
// used. An event that cannot be written (no UID, no start or end, an end
// not after the start, an unknown zone) gives an error and writes
// nothing; the encoder stays usable. A failed write is returned by this
// and every later call.
func (enc *Encoder) Encode(e *seminar.Event) error {
	if enc.err != nil {
		return enc.err
	}
	if enc.closed {
		return ErrClosed
	}
	z, err := enc.check(e)
	if err != nil {
		return err
	}
	enc.header()
	if z != nil {
		enc.use(z, e)
	}
	enc.event(e, z)
	if len(enc.buf) >= flushAt {
		if enc.streaming {
			enc.flush()
		} else {
			enc.hold()
		}
	}
	return enc.err
}

// use notes that e is in zone z. The first event of a zone marks where its
// VTIMEZONE goes, or, once the encoder streams, writes the VTIMEZONE of
// every change there and then.
func (enc *Encoder) use(z *encoderZone, e *seminar.Event) {
	switch {
	case z.used:
		z.from, z.to = minTime(z.from, e.Start), maxTime(z.to, e.End)
	case enc.streaming:
		enc.buf = append(enc.buf, z.fullVTimezone()...)
	default:
		z.from, z.to, z.chunk, z.at = e.Start, e.End, len(enc.chunks), len(enc.buf)
		enc.held = append(enc.held, z)
	}
	z.used = true
}

// hold moves buf to the held output, a chunk of its exact size, and
// releases the output once it holds lookAhead bytes. Chunks, unlike one
// growing buffer, are copied once and hold no spare capacity.
func (enc *Encoder) hold() {
	enc.chunks = append(enc.chunks, bytes.Clone(enc.buf))
	enc.heldBytes += len(enc.buf)
	enc.buf = enc.buf[:0]
	if enc.heldBytes >= lookAhead {
		enc.release(false)
	}
}

// release writes the held output and buf with each held zone's VTIMEZONE
// in its place: cut to the span of the zone's events when the calendar is
// complete, whole when more events may follow, as they then stream.
func (enc *Encoder) release(complete bool) {
	var vtz []byte
	held := enc.held
	for i, chunk := range append(enc.chunks, enc.buf) {
		from := 0
		for ; len(held) > 0 && held[0].chunk == i; held = held[1:] {
			z := held[0]
			if complete {
				lo, hi := z.cut(z.from, z.to)
				vtz = z.appendVTimezone(vtz[:0], lo, hi)
			} else {
				vtz = z.fullVTimezone()
			}
			enc.write(chunk[from:z.at])
			enc.write(vtz)
			from = z.at
		}
		enc.write(chunk[from:])
	}
	enc.chunks, enc.heldBytes, enc.held = nil, 0, nil
	enc.buf = enc.buf[:0]
	enc.streaming = !complete
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Close ends the calendar, writing the header too if no event was encoded
// (an empty feed is still a valid calendar), and writes what is buffered.
// It does not close the underlying writer.
func (enc *Encoder) Close() error {
	if enc.closed || enc.err != nil {
		return enc.err
	}
	enc.header()
	enc.rawLine("END:VCALENDAR")
	if enc.streaming {
		enc.flush()
	} else {
		enc.release(true)
	}
	enc.closed = true
	enc.buf, enc.line = nil, nil
	return enc.err
}

// check returns the zone of e, or why e cannot be written.
func (enc *Encoder) check(e *seminar.Event) (*encoderZone, error) {
	if e == nil {
		return nil, errors.New("ical: event is nil")
	}
	switch {
	case e.UID == "":
		return nil, fmt.Errorf("ical: event %q (%q): uid is empty", e.ID, e.Title)
	case e.Start.IsZero():
		return nil, fmt.Errorf("ical: event %q: start is not set", e.UID)
	case e.End.IsZero():
		return nil, fmt.Errorf("ical: event %q: end is not set", e.UID)
	case !e.End.After(e.Start):
		return nil, fmt.Errorf("ical: event %q: end %s is not after start %s", e.UID, e.End, e.Start)
	}
	if isUTC(e.TimeZone) {
		return nil, nil
	}
	if z, ok := enc.zones[e.TimeZone]; ok {
		return z, nil
	}
	data, err := enc.opts.Zones.lookup(e.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("ical: event %q: timeZone: %w", e.UID, err)
	}
	z := &encoderZone{zoneData: data}
	enc.zones[e.TimeZone] = z
	return z, nil
}

func (enc *Encoder) header() {
	if enc.started {
		return
	}
	enc.started = true
	enc.stamp = enc.opts.Now().UTC()
	enc.rawLine("BEGIN:VCALENDAR")
	enc.rawLine("VERSION:2.0")
	enc.textProp("PRODID", enc.opts.ProdID)
	enc.rawLine("CALSCALE:GREGORIAN")
	enc.rawLine("METHOD:" + enc.method)
	if n := enc.opts.Name; n != "" {
		enc.textProp("NAME", n)
		enc.textProp("X-WR-CALNAME", n)
	}
	if d := enc.opts.Description; d != "" {
		enc.textProp("DESCRIPTION", d)
		enc.textProp("X-WR-CALDESC", d)
	}
	if r := enc.opts.RefreshInterval; r > 0 {
		enc.line = appendDuration(append(enc.line[:0], "REFRESH-INTERVAL;VALUE=DURATION:"...), r)
		enc.endLine()
		enc.line = appendDuration(append(enc.line[:0], "X-PUBLISHED-TTL:"...), r)
		enc.endLine()
	}
}

func (enc *Encoder) flush() {
	enc.write(enc.buf)
	enc.buf = enc.buf[:0]
}

// write writes p to w, unless an earlier write failed.
func (enc *Encoder) write(p []byte) {
	if enc.err != nil || len(p) == 0 {
		return
	}
	if _, err := enc.w.Write(p); err != nil {
		enc.err = fmt.Errorf("ical: write: %w", err)
	}
}

// Content lines: a property is started with prop, given parameters with
// param, and ended by one of the value methods, which fold it into buf.

func (enc *Encoder) prop(name string) { enc.line = append(enc.line[:0], name...) }

func (enc *Encoder) param(name, value string) {
	enc.line = append(enc.line, ';')
	enc.line = append(enc.line, name...)
	enc.line = append(enc.line, '=')
	enc.line = appendParam(enc.line, value)
}

func (enc *Encoder) text(value string) {
	enc.line = appendText(append(enc.line, ':'), value)
	enc.endLine()
}

func (enc *Encoder) uri(value string) {
	enc.line = appendURI(append(enc.line, ':'), value)
	enc.endLine()
}

func (enc *Encoder) endLine() { enc.buf = appendFolded(enc.buf, enc.line) }

func (enc *Encoder) textProp(name, value string) {
	enc.prop(name)
	enc.text(value)
}

func (enc *Encoder) rawLine(s string) {
	enc.line = append(enc.line[:0], s...)
	enc.endLine()
}

func (enc *Encoder) utcProp(name string, t time.Time) {
	enc.prop(name)
	enc.line = appendUTC(append(enc.line, ':'), t)
	enc.endLine()
}

// timeProp writes DTSTART or DTEND with the TZID of the event's zone, or in
// UTC for a UTC event or a wall time that a fall-back makes ambiguous. It
// reports whether it wrote the TZID.
func (enc *Encoder) timeProp(name string, t time.Time, z *encoderZone) bool {
	if z == nil || ambiguous(t, z.loc) {
		enc.utcProp(name, t)
		return false
	}
	enc.prop(name)
	enc.param("TZID", z.name)
	enc.line = appendLocal(append(enc.line, ':'), t.In(z.loc))
	enc.endLine()
	return true
}

func (enc *Encoder) event(e *seminar.Event, z *encoderZone) {
	cancelled := e.Cancelled() || enc.method == MethodCancel
	enc.rawLine("BEGIN:VEVENT")
	enc.textProp("UID", e.UID)
	enc.utcProp("DTSTAMP", enc.stamp)
	zoned := enc.timeProp("DTSTART", e.Start, z)
	enc.timeProp("DTEND", e.End, z)
	if !e.CreatedAt.IsZero() {
		enc.utcProp("CREATED", e.CreatedAt)
	}
	if !e.UpdatedAt.IsZero() {
		enc.utcProp("LAST-MODIFIED", e.UpdatedAt)
	}
	enc.line = strconv.AppendInt(append(enc.line[:0], "SEQUENCE:"...), int64(e.Sequence), 10)
	enc.endLine()
	switch {
	case cancelled:
		enc.rawLine("STATUS:CANCELLED")
	case e.IsTBA():
		// A planned slot whose talk is not announced yet: the time is
		// held, what happens in it is not settled.
		enc.rawLine("STATUS:TENTATIVE")
	default:
		enc.rawLine("STATUS:CONFIRMED")
	}
	enc.prop("SUMMARY")
	enc.line = append(enc.line, ':')
	if cancelled && enc.opts.CancelledPrefix {
		enc.line = append(enc.line, "Cancelled: "...)
	}
	enc.line = appendText(enc.line, e.Title)
	enc.endLine()
	enc.description(e, cancelled)
	enc.location(e.Location)
	if enc.opts.EventURL != nil {
		if u := enc.opts.EventURL(e); u != "" {
			enc.prop("URL")
			enc.uri(u)
		}
	}
	enc.categories(e)
	if e.Public {
		enc.rawLine("CLASS:PUBLIC")
	} else {
		enc.rawLine("CLASS:PRIVATE")
	}
	enc.organizer(e)
	if !enc.opts.NoExtensions {
		enc.extensions(e)
	}
	if z != nil && !zoned && !enc.opts.NoExtensions {
		// DTSTART fell in a fall-back fold and went out in UTC: the
		// zone the talk is announced in is said here instead.
		enc.prop("X-SEMINAR-TIMEZONE")
		enc.uri(z.name)
	}
	if enc.opts.Participants {
		enc.participants(e)
	}
	enc.rawLine("END:VEVENT")
}

// location writes LOCATION: the room, building and address a client shows
// and maps, or the stream URL for a talk that is only online.
func (enc *Encoder) location(l seminar.Location) {
	if l.Room == "" && l.Building == "" && l.Address == "" {
		if l.URL != "" {
			enc.textProp("LOCATION", l.URL)
		}
		return
	}
	enc.prop("LOCATION")
	enc.line = append(enc.line, ':')
	sep := false
	for _, part := range [...]string{l.Room, l.Building, l.Address} {
		if part == "" {
			continue
		}
		if sep {
			enc.line = append(enc.line, `\, `...)
		}
		enc.line = appendText(enc.line, part)
		sep = true
	}
	enc.endLine()
}

// categories writes one CATEGORIES property per value, so that no client
// has to split a list. Type and Series (its name) are categories too: they
// are what a subscriber to a feed of several series filters or colours by. The
// X-SEMINAR-KIND parameter says which field each value came from, so an
// import gives every field back (unless EncodeOptions.NoExtensions).
func (enc *Encoder) categories(e *seminar.Event) {
	category := func(kind, value string) {
		if value == "" {
			return
		}
		enc.prop("CATEGORIES")
		if !enc.opts.NoExtensions {
			enc.param("X-SEMINAR-KIND", kind)
		}
		enc.text(value)
	}
	category("TYPE", e.Type)
	category("SERIES", enc.seriesName(e))
	for _, a := range e.ResearchAreas {
		category("RESEARCH", a)
	}
	for _, a := range e.ImpactAreas {
		category("IMPACT", a)
	}
}

// seriesName is the series of e as people read it: its name, when
// EncodeOptions.SeriesName knows it, or else e.Series.
func (enc *Encoder) seriesName(e *seminar.Event) string {
	if e.Series == "" || enc.opts.SeriesName == nil {
		return e.Series
	}
	if name := enc.opts.SeriesName(e.Series); name != "" {
		return name
	}
	return e.Series
}

// organizer writes the one ORGANIZER that RFC 5546 requires: the contact,
// unless hidden or without an email; else EncodeOptions.Organizer; else a
// no-reply address at the domain of the UID.
func (enc *Encoder) organizer(e *seminar.Event) {
	name, email := e.Contact.Name, e.Contact.Email
	if enc.opts.HideContact || email == "" {
		name, email = enc.opts.Organizer.Name, enc.opts.Organizer.Email
	}
	enc.prop("ORGANIZER")
	if name != "" {
		enc.param("CN", name)
	}
	enc.line = append(enc.line, ":mailto:"...)
	if email != "" {
		enc.line = appendURI(enc.line, email)
	} else {
		enc.line = append(enc.line, "noreply@"...)
		enc.line = appendURI(enc.line, uidDomain(e.UID))
	}
	enc.endLine()
}

// uidDomain returns what follows the last '@' of a UID, the domain the
// Calendar made it in.
func uidDomain(uid string) string {
	if i := strings.LastIndexByte(uid, '@'); i >= 0 && i+1 < len(uid) {
		return uid[i+1:]
	}
	return "seminar.invalid"
}

// participants writes an RFC 9073 PARTICIPANT per speaker. Its UID is the
// event's with the speaker's position, so it is stable across exports.
func (enc *Encoder) participants(e *seminar.Event) {
	for i, s := range e.Speakers {
		enc.rawLine("BEGIN:PARTICIPANT")
		enc.prop("UID")
		enc.line = append(enc.line, ':')
		enc.line = appendText(enc.line, e.UID)
		enc.line = strconv.AppendInt(append(enc.line, "-speaker-"...), int64(i+1), 10)
		enc.endLine()
		enc.rawLine("PARTICIPANT-TYPE:SPEAKER")
		enc.textProp("SUMMARY", s.Name)
		if s.Affiliation != "" {
			enc.textProp("DESCRIPTION", s.Affiliation)
		}
		if s.URL != "" {
			enc.prop("URL")
			enc.uri(s.URL)
		}
		if s.Email != "" && !enc.opts.HideContact {
			enc.prop("CALENDAR-ADDRESS")
			enc.line = appendURI(append(enc.line, ":mailto:"...), s.Email)
			enc.endLine()
		}
		enc.rawLine("END:PARTICIPANT")
	}
}

// trimText drops trailing white space and line breaks, as the page does,
// so pasted text does not end in blank lines.
func trimText(s string) string { return strings.TrimRight(s, " \t\r\n") }

// extensions writes the X-SEMINAR properties: the fields of the event that
// DESCRIPTION shows only as prose and that no standard property carries
// exactly, so that importing an export gives them back. Clients ignore
// them; the ical package's import reads them.
//
// A property that holds several fields (a person, a link) holds them as
// the lines of one TEXT value rather than as parameters: every parser
// unescapes TEXT the same way, while parameter values have no escape for
// a backslash and parsers disagree on one (see appendParam).
func (enc *Encoder) extensions(e *seminar.Event) {
	for _, s := range e.Speakers {
		enc.person("X-SEMINAR-SPEAKER", s)
	}
	if !e.Host.IsZero() {
		enc.person("X-SEMINAR-HOST", e.Host)
	}
	if !e.Contact.IsZero() {
		enc.person("X-SEMINAR-CONTACT", e.Contact)
	}
	enc.optionalText("X-SEMINAR-ROOM", e.Location.Room)
	enc.optionalText("X-SEMINAR-BUILDING", e.Location.Building)
	enc.optionalText("X-SEMINAR-ADDRESS", e.Location.Address)
	enc.optionalText("X-SEMINAR-STREAM", e.Location.URL)
	enc.optionalText("X-SEMINAR-ROOM-DESCRIPTION", e.RoomDescription)
	enc.optionalText("X-SEMINAR-ABSTRACT", e.Abstract)
	for _, l := range e.Links {
		enc.lines("X-SEMINAR-LINK", "", l.URL, l.Label)
	}
	enc.optionalText("X-SEMINAR-CANCEL-REASON", e.CancelReason)
}

func (enc *Encoder) optionalText(name, value string) {
	if value != "" {
		enc.textProp(name, value)
	}
}

// person writes a person as its name, affiliation, email, URL and photo
// URL, one per line, followed by the bio, which may span lines.
func (enc *Encoder) person(name string, p seminar.Person) {
	email := p.Email
	if enc.opts.HideContact {
		email = ""
	}
	enc.lines(name, p.Bio, p.Name, p.Affiliation, email, p.URL, p.PhotoURL)
}

// lines writes a property whose TEXT value holds fields one per line:
// line breaks inside a field become spaces, and last, which may hold line
// breaks, comes after them. Trailing empty fields are left out.
func (enc *Encoder) lines(name, last string, fields ...string) {
	n := len(fields)
	if last == "" {
		for n > 0 && fields[n-1] == "" {
			n--
		}
	}
	enc.prop(name)
	enc.line = append(enc.line, ':')
	for i, f := range fields[:n] {
		if i > 0 {
			enc.line = append(enc.line, `\n`...)
		}
		enc.line = appendLine(enc.line, f)
	}
	if last != "" {
		enc.line = appendText(append(enc.line, `\n`...), last)
	}
	enc.endLine()
}
