package ical

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/internal/plain"
)

// vevent is one VEVENT as read: when it is and what it recurs by, and the
// fields every occurrence of it shares.
type vevent struct {
	line int
	uid  string
	// start is DTSTART; end is DTEND (nil without one) and dur DURATION.
	start timeValue
	end   *timeValue
	dur   *nominal
	// allDay is set for a DATE DTSTART and for Outlook's
	// X-MICROSOFT-CDO-ALLDAYEVENT:TRUE; days is then its length in days.
	allDay bool
	days   int
	// rid is RECURRENCE-ID, nil for a master; thisAndFuture is
	// RANGE=THISANDFUTURE.
	rid           *timeValue
	thisAndFuture bool
	rules         []*recurRule
	rdates        []rdate
	exdates       []timeValue
	tmpl          Occurrence
	// lent is set once an occurrence holds tmpl's Categories and Speakers.
	lent     bool
	seq      int
	modified time.Time
	// checked and ok record whether the fields make a valid seminar
	// event, checked on the first occurrence.
	checked, ok bool
}

// rdate is one RDATE value: an instance start, and its end when given as a
// PERIOD.
type rdate struct {
	start timeValue
	end   *timeValue
	dur   *nominal
}

// essential names the properties an event cannot lose and stay the same
// event: a broken line holding one of them costs the whole event.
var essential = map[string]bool{
	"DTSTART": true, "DTEND": true, "DURATION": true, "RRULE": true, "RDATE": true,
	"EXDATE": true, "RECURRENCE-ID": true, "UID": true,
}

// maxUIDLen bounds a UID, leaving room in seminar's line limit for the
// "/" and RecurrenceID that Event adds to an instance's UID.
const maxUIDLen = 400

// errSkip marks an event as skipped; the Skipped entry is already added.
var errSkip = errors.New("skipped")

// vevent reads a VEVENT and files it under its UID.
func (d *decoder) vevent(c *component, cc *calendarContext) {
	ev := &vevent{line: c.line, tmpl: Occurrence{Line: c.line, Calendar: cc.index}}
	ev.uid = d.own(d.uid(c))
	ev.tmpl.UID = ev.uid
	for _, b := range c.broken {
		if essential[b.name] {
			d.skip(ev, b.line, fmt.Sprintf("line %d cannot be read (%v), and the event cannot do without its %s; the event is skipped",
				b.line, b.err, b.name))
			return
		}
	}
	for _, b := range c.broken {
		d.note(ev, b.line, fmt.Sprintf("line %d cannot be read (%v); the line is ignored", b.line, b.err))
	}
	if err := d.times(c, cc, ev); err != nil {
		return
	}
	d.fields(c, cc, ev)
	d.ownFields(&ev.tmpl)
	s := d.byUID[ev.uid]
	if s == nil {
		s = &series{uid: ev.uid}
		d.byUID[ev.uid] = s
		d.order = append(d.order, s)
	}
	s.add(d, ev)
}

// uid returns the event's UID fitted to seminar's limits, or one derived
// from its content when it has none.
func (d *decoder) uid(c *component) string {
	uid := singleLine(c.uid())
	if uid == "" {
		h := sha256.New()
		for _, name := range [...]string{"DTSTART", "SUMMARY", "RECURRENCE-ID"} {
			if p := c.prop(name); p != nil {
				h.Write([]byte(p.value))
			}
			h.Write([]byte{0})
		}
		return "import-" + hex.EncodeToString(h.Sum(nil)[:16]) + "@ical.invalid"
	}
	if len(uid) > maxUIDLen {
		sum := sha256.Sum256([]byte(uid))
		short, _ := truncateUTF8(uid, maxUIDLen-33)
		short += "~" + hex.EncodeToString(sum[:16])
		d.skipped.add(Skipped{Line: c.line, Component: c.name, UID: short,
			Reason: fmt.Sprintf("UID is %d bytes; it is shortened to at most %d, keeping it unique", len(uid), maxUIDLen)})
		return short
	}
	return uid
}

func (d *decoder) skip(ev *vevent, line int, reason string) {
	d.skipped.add(Skipped{Line: line, Component: "VEVENT", UID: ev.uid, Reason: reason})
}

// note reports a property-level problem; the event itself is kept.
func (d *decoder) note(ev *vevent, line int, reason string) {
	d.skipped.add(Skipped{Line: line, Component: "VEVENT", UID: ev.uid, Reason: reason})
}

// times reads the properties that place the event in time. Any of them
// that does not parse skips the event: an event at a guessed time is worse
// than none.
func (d *decoder) times(c *component, cc *calendarContext, ev *vevent) error {
	fail := func(p *contentLine, format string, args ...any) error {
		d.skip(ev, p.line, fmt.Sprintf(format, args...)+"; the event is skipped")
		return errSkip
	}
	start := c.prop("DTSTART")
	if start == nil {
		d.skip(ev, c.line, "VEVENT has no DTSTART; the event is skipped")
		return errSkip
	}
	var err error
	if ev.start, err = d.timeValue(start, cc, ev); err != nil {
		return fail(start, "DTSTART %q %v", start.value, err)
	}
	ev.allDay = ev.start.date
	if p := c.prop("DTEND"); p != nil {
		end, err := d.timeValue(p, cc, ev)
		if err != nil {
			return fail(p, "DTEND %q %v", p.value, err)
		}
		ev.end = &end
	} else if p := c.prop("DURATION"); p != nil {
		dur, neg, err := parseDuration(strings.TrimSpace(p.value))
		if err != nil || neg {
			if err == nil {
				err = errors.New("is negative")
			}
			return fail(p, "DURATION %q %v", p.value, err)
		}
		ev.dur = &dur
	}
	if p := c.prop("RECURRENCE-ID"); p != nil {
		rid, err := d.timeValue(p, cc, ev)
		if err != nil {
			return fail(p, "RECURRENCE-ID %q %v", p.value, err)
		}
		ev.rid = &rid
		ev.thisAndFuture = strings.EqualFold(p.param("RANGE"), "THISANDFUTURE")
	}
	for i := range c.props {
		p := &c.props[i]
		switch p.name {
		case "RRULE":
			r, err := parseRecur(strings.TrimSpace(p.value))
			if err != nil {
				return fail(p, "RRULE %q %v", p.value, err)
			}
			if r.hasUntil && !r.untilUTC && ev.start.zone != nil && !ev.start.zone.utc && !ev.start.date {
				// UNTIL of a zoned series must be UTC (RFC 5545); a
				// local one is read in the series' zone.
				r.until, r.untilUTC = ev.start.zone.resolve(r.until), true
			}
			ev.rules = append(ev.rules, r)
		case "RDATE":
			if err := d.rdates(p, cc, ev); err != nil {
				return fail(p, "RDATE %q %v", p.value, err)
			}
		case "EXDATE":
			for item := range strings.SplitSeq(p.value, ",") {
				v, err := d.timeValue(&contentLine{name: p.name, params: p.params, value: item, line: p.line}, cc, ev)
				if err != nil {
					return fail(p, "EXDATE %q %v", item, err)
				}
				ev.exdates = append(ev.exdates, v)
			}
		case "EXRULE":
			d.note(ev, p.line, "EXRULE (deprecated by RFC 5545) is not supported; the property is ignored")
		}
	}
	d.allDayOutlook(c, ev)
	return d.length(c, ev)
}

// allDayOutlook honours X-MICROSOFT-CDO-ALLDAYEVENT:TRUE, with which Outlook
// marks an all-day event it wrote as midnight-to-midnight DATE-TIMEs.
func (d *decoder) allDayOutlook(c *component, ev *vevent) {
	if ev.allDay {
		return
	}
	for _, name := range [...]string{"X-MICROSOFT-CDO-ALLDAYEVENT", "X-MICROSOFT-MSNCALENDAR-ALLDAYEVENT"} {
		if p := c.prop(name); p != nil && strings.EqualFold(strings.TrimSpace(p.value), "TRUE") {
			ev.allDay = true
		}
	}
	if !ev.allDay {
		return
	}
	ev.start = timeValue{wall: startOfDay(ev.start.wall), date: true}
	if ev.end != nil {
		end := ev.end.wall
		day := startOfDay(end)
		if !end.Equal(day) {
			day = day.AddDate(0, 0, 1)
		}
		ev.end = &timeValue{wall: day, date: true}
	}
}

// length works out how long each occurrence lasts: days for an all-day
// event, else the exact span from DTSTART to DTEND, or DURATION.
func (d *decoder) length(c *component, ev *vevent) error {
	if ev.allDay {
		ev.days = 1
		switch {
		case ev.end != nil:
			days := int(ev.end.wall.Sub(ev.start.wall).Hours() / 24)
			if !ev.end.date {
				days = int(startOfDay(ev.end.wall).Sub(ev.start.wall).Hours() / 24)
			}
			ev.days = max(days, 1)
		case ev.dur != nil:
			ev.days = max(ev.dur.days+int(ev.dur.exact/(24*time.Hour)), 1)
		}
		return nil
	}
	if ev.end == nil {
		return nil
	}
	// Compared as seriesMode.span measures the length: by wall readings
	// when DTSTART is floating, whatever zone DTEND names.
	end, start := ev.end.instant(), ev.start.instant()
	if ev.start.zone == nil {
		end, start = ev.end.wall, ev.start.wall
	}
	if end.Before(start) {
		p := c.prop("DTEND")
		d.note(ev, p.line, "DTEND is before DTSTART; the event is read as having no length")
		ev.end = nil
	}
	return nil
}

// timeValue reads a DATE or DATE-TIME property value in the zone its TZID
// names; an unknown TZID is reported once and read as a floating time.
func (d *decoder) timeValue(p *contentLine, cc *calendarContext, ev *vevent) (timeValue, error) {
	v := strings.TrimSpace(p.value)
	if strings.EqualFold(p.param("VALUE"), "DATE") || len(v) == 8 {
		t, err := parseDate(v)
		return timeValue{wall: t, date: true}, err
	}
	wall, utc, err := parseDateTime(v)
	if err != nil {
		return timeValue{}, err
	}
	switch tzid := p.param("TZID"); {
	case utc:
		return timeValue{wall: wall, zone: utcZone}, nil
	case tzid != "":
		z := cc.res.zone(tzid)
		if z == nil {
			z = cc.res.floating
			d.unknownZone(cc, tzid, p, ev)
		}
		return timeValue{wall: wall, zone: z}, nil
	}
	return timeValue{wall: wall, zone: cc.res.floating}, nil
}

func (d *decoder) unknownZone(cc *calendarContext, tzid string, p *contentLine, ev *vevent) {
	if cc.res.unknown[tzid] {
		return
	}
	cc.res.unknown[tzid] = true
	how := "as floating times"
	if cc.res.floating != nil {
		how = "in the calendar's X-WR-TIMEZONE"
	}
	d.note(ev, p.line, fmt.Sprintf("TZID %q has no VTIMEZONE in the file and is not a known zone name; its times are read %s", tzid, how))
}

// rdates reads one RDATE property: DATE, DATE-TIME or PERIOD values.
func (d *decoder) rdates(p *contentLine, cc *calendarContext, ev *vevent) error {
	for item := range strings.SplitSeq(p.value, ",") {
		startText, endText, period := strings.Cut(strings.TrimSpace(item), "/")
		item := contentLine{name: p.name, params: p.params, value: startText, line: p.line}
		start, err := d.timeValue(&item, cc, ev)
		if err != nil {
			return err
		}
		r := rdate{start: start}
		if period {
			if strings.HasPrefix(endText, "P") || strings.HasPrefix(endText, "+P") {
				dur, neg, err := parseDuration(endText)
				if err != nil || neg {
					return fmt.Errorf("period %q has no valid duration", item.value)
				}
				r.dur = &dur
			} else {
				item.value = endText
				end, err := d.timeValue(&item, cc, ev)
				if err != nil {
					return err
				}
				r.end = &end
			}
		}
		ev.rdates = append(ev.rdates, r)
	}
	return nil
}

// fields reads the descriptive properties into the event's template.
func (d *decoder) fields(c *component, cc *calendarContext, ev *vevent) {
	o := &ev.tmpl
	f := fieldReader{d: d, ev: ev}
	var x seminarFields
	// Only X-SEMINAR properties, the event's or its calendar's others',
	// make its fields ours to fill: a calendar of ours written without
	// them (EncodeOptions.NoExtensions, a reminder's) says the abstract,
	// contact and place in DESCRIPTION, ORGANIZER and LOCATION, and is
	// read as another product's. Our PRODID still says that DESCRIPTION
	// is plain text.
	ext := hasSeminarFields(c) || cc.ours && cc.extended
	ours := cc.ours || ext
	var alt, abstract *contentLine
	// descRaw is DESCRIPTION's value, when the description is that value
	// unescaped, nothing changed or cut.
	descRaw := ""
	for i := range c.props {
		p := &c.props[i]
		switch p.name {
		case "SUMMARY":
			o.Title = f.line(p, unescapeText(p.value))
		case "DESCRIPTION":
			text := unescapeText(p.value)
			o.Description, descRaw = f.description(p, text, ours), ""
			if o.Description == text {
				descRaw = p.value
			}
		case "X-ALT-DESC":
			if strings.EqualFold(strings.TrimSpace(p.param("FMTTYPE")), "text/html") {
				alt = p
			}
		case "LOCATION":
			o.Location = f.line(p, unescapeText(p.value))
		case "URL":
			o.URL = f.url(p, "URL", strings.TrimSpace(p.value))
		case "STATUS":
			o.Status = strings.ToUpper(singleLine(unescapeText(p.value)))
		case "CLASS":
			o.Class = strings.ToUpper(singleLine(unescapeText(p.value)))
		case "SEQUENCE":
			n, err := strconv.Atoi(strings.TrimSpace(p.value))
			if err != nil || n < 0 {
				d.note(ev, p.line, fmt.Sprintf("SEQUENCE %q is not a number; 0 is used", p.value))
				n = 0
			}
			o.Sequence, ev.seq = n, n
		case "CREATED":
			o.Created = f.stamp(p)
		case "LAST-MODIFIED":
			o.LastModified = f.stamp(p)
			ev.modified = o.LastModified
		case "CATEGORIES":
			kind := strings.ToUpper(p.param("X-SEMINAR-KIND"))
			for _, item := range splitTextList(p.value) {
				item = f.line(p, item)
				if item == "" {
					continue
				}
				o.Categories = f.appendListItem(p, o.Categories, item)
				x.category(kind, item)
			}
		case "ORGANIZER":
			o.Organizer = f.address(p, p.param("CN"), p.value)
		case "X-SEMINAR-SPEAKER":
			if s, ok := f.person(p, true); ok {
				o.Speakers = f.appendPerson(p, o.Speakers, s)
			}
		case "X-SEMINAR-HOST":
			x.host, x.hasHost = f.person(p, false)
		case "X-SEMINAR-CONTACT":
			x.contact, x.hasContact = f.person(p, false)
		case "X-SEMINAR-ROOM":
			x.room, x.hasLocation = f.line(p, unescapeText(p.value)), true
		case "X-SEMINAR-BUILDING":
			x.building, x.hasLocation = f.line(p, unescapeText(p.value)), true
		case "X-SEMINAR-ADDRESS":
			x.address, x.hasLocation = f.line(p, unescapeText(p.value)), true
		case "X-SEMINAR-STREAM":
			x.stream, x.hasLocation = f.url(p, p.name, strings.TrimSpace(unescapeText(p.value))), true
		case "X-SEMINAR-ROOM-DESCRIPTION":
			x.roomDescription = f.text(p, unescapeText(p.value))
		case "X-SEMINAR-ABSTRACT":
			abstract, x.hasAbstract = p, true
		case "X-SEMINAR-CANCEL-REASON":
			x.cancelReason = f.text(p, unescapeText(p.value))
		case "X-SEMINAR-LINK":
			u, label, _ := strings.Cut(unescapeText(p.value), "\n")
			if u = f.url(p, p.name, strings.TrimSpace(u)); u != "" {
				if len(x.links) == seminar.MaxListLen {
					f.tooMany(p)
				} else {
					x.links = append(x.links, seminar.Link{Label: f.line(p, label), URL: u})
				}
			}
		}
	}
	if o.Description == "" && alt != nil {
		o.Description = f.text(alt, htmlText(unescapeText(alt.value)))
	}
	if cc.cancel {
		o.Status = "CANCELLED"
	}
	if len(o.Speakers) == 0 {
		o.Speakers = f.participants(c)
	}
	if ext {
		// Our encoder repeats the abstract and the speakers' bios in
		// DESCRIPTION: the event holds them once.
		if abstract != nil {
			x.abstract = withinText(abstract.value, descRaw, o.Description)
			if x.abstract == "" {
				x.abstract = sharedText(f.text(abstract, unescapeText(abstract.value)), o.Description)
			}
		}
		for i := range o.Speakers {
			o.Speakers[i].Bio = sharedText(o.Speakers[i].Bio, o.Description)
		}
		o.ext = &x
	}
}

// withinText returns the TEXT value raw read as fieldReader.text reads it,
// as a part of text, which is the value textRaw unescaped, when textRaw
// holds raw where an escape can start; otherwise "". Such a part is read
// as it stands: it is a part of a text that was.
func withinText(raw, textRaw, text string) string {
	if raw == "" || textRaw == "" {
		return ""
	}
	i := strings.Index(textRaw, raw)
	if i < 0 || trailingBackslashes(textRaw[:i])%2 == 1 || trailingBackslashes(raw)%2 == 1 {
		return ""
	}
	// An escape is two bytes of the value and one of the text.
	j := i - escapes(textRaw[:i])
	k := j + len(raw) - escapes(raw)
	// Cut where characters start, the part of a valid text is valid.
	if !utf8.RuneStart(text[j]) || k < len(text) && !utf8.RuneStart(text[k]) {
		return ""
	}
	return text[j:k]
}

// trailingBackslashes counts the backslashes that end s.
func trailingBackslashes(s string) int {
	n := 0
	for n < len(s) && s[len(s)-1-n] == '\\' {
		n++
	}
	return n
}

// escapes counts the escapes (a backslash and the byte after it) of a
// TEXT value.
func escapes(s string) int {
	n := 0
	for {
		i := strings.IndexByte(s, '\\')
		if i < 0 || i+1 == len(s) {
			return n
		}
		n++
		s = s[i+2:]
	}
}

// sharedText returns s as the part of text equal to it, when text holds
// it, else s.
func sharedText(s, text string) string {
	if s == "" {
		return s
	}
	if i := strings.Index(text, s); i >= 0 {
		return text[i : i+len(s)]
	}
	return s
}

// description reads DESCRIPTION as plain text: HTML, as Google Calendar
// writes it, is made text. Our own encoder writes plain text, so a
// DESCRIPTION of ours is taken as it is. An event without DESCRIPTION
// gets the text of its X-ALT-DESC;FMTTYPE=text/html (Outlook's) instead.
func (f fieldReader) description(p *contentLine, text string, ours bool) string {
	if !ours && looksLikeHTML(text) {
		text = htmlText(text)
	}
	return f.text(p, text)
}

// hasSeminarFields reports whether a VEVENT carries the X-SEMINAR
// properties of our encoder.
func hasSeminarFields(c *component) bool {
	for i := range c.props {
		if p := &c.props[i]; strings.HasPrefix(p.name, "X-SEMINAR-") ||
			p.name == "CATEGORIES" && p.param("X-SEMINAR-KIND") != "" {
			return true
		}
	}
	return false
}

func (x *seminarFields) category(kind, item string) {
	switch kind {
	case "TYPE":
		x.kind = item
	case "SERIES":
		x.series = item
	case "IMPACT":
		if len(x.impactAreas) < seminar.MaxListLen {
			x.impactAreas = append(x.impactAreas, strings.ReplaceAll(item, ",", " "))
		}
	default:
		if len(x.researchAreas) < seminar.MaxListLen {
			x.researchAreas = append(x.researchAreas, strings.ReplaceAll(item, ",", " "))
		}
	}
}

// fieldReader fits property values to seminar's limits, reporting each
// value it cuts or drops.
type fieldReader struct {
	d  *decoder
	ev *vevent
}

func (f fieldReader) line(p *contentLine, s string) string {
	s = singleLine(s)
	if cut, ok := truncateUTF8(s, seminar.MaxLineLen); ok {
		f.d.note(f.ev, p.line, fmt.Sprintf("%s holds %d bytes, more than seminar's limit of %d for one line; it is cut",
			p.name, len(s), seminar.MaxLineLen))
		s = strings.TrimSpace(cut)
	}
	return s
}

func (f fieldReader) text(p *contentLine, s string) string {
	s = multiLine(s)
	if cut, ok := truncateUTF8(s, seminar.MaxTextLen); ok {
		f.d.note(f.ev, p.line, fmt.Sprintf("%s holds %d bytes, more than seminar's limit of %d for a text; it is cut",
			p.name, len(s), seminar.MaxTextLen))
		s = cut
	}
	return s
}

// url returns s when seminar takes it as a URL (absolute http or https,
// within seminar.MaxURLLen, no spaces), else reports it and returns "".
func (f fieldReader) url(p *contentLine, what, s string) string {
	if s == "" {
		return ""
	}
	if why := badURL(s); why != "" {
		f.d.note(f.ev, p.line, fmt.Sprintf("%s %q %s; it is left out", what, clip(s), why))
		return ""
	}
	return s
}

func badURL(s string) string {
	if len(s) > seminar.MaxURLLen {
		return fmt.Sprintf("is longer than seminar's limit of %d bytes", seminar.MaxURLLen)
	}
	if plain.URL(s) {
		return ""
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0 ||
		!utf8.ValidString(s) {
		return "holds a space or control character"
	}
	return urlProblem(s)
}

// urlProblem says why url.Parse does not take s as an absolute http or
// https URL, or returns "".
func urlProblem(s string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "is not a URL"
	case u.Scheme != "http" && u.Scheme != "https":
		return "is not an http or https URL"
	case u.Host == "":
		return "has no host"
	}
	return ""
}

// email returns s when it is one bare address, else reports it and
// returns "".
func (f fieldReader) email(p *contentLine, what, s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if plain.Email(s) && len(s) <= seminar.MaxLineLen {
		return s
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s || len(s) > seminar.MaxLineLen {
		f.d.note(f.ev, p.line, fmt.Sprintf("%s %q is not an email address; it is left out", what, clip(s)))
		return ""
	}
	return s
}

// address reads a CAL-ADDRESS with its CN: ORGANIZER, CALENDAR-ADDRESS.
func (f fieldReader) address(p *contentLine, cn, value string) seminar.Person {
	v := strings.TrimSpace(value)
	email := ""
	if len(v) > 7 && strings.EqualFold(v[:7], "mailto:") {
		email = v[7:]
		if u, err := url.PathUnescape(email); err == nil {
			email = u
		}
	}
	person := seminar.Person{Name: f.line(p, cn), Email: f.email(p, p.name, email)}
	if person.Name == "" {
		person.Name = person.Email
	}
	return person
}

// person reads one of our encoder's X-SEMINAR person properties: a TEXT
// value whose lines are the name, affiliation, email, URL and photo URL,
// then the bio, which may span lines.
func (f fieldReader) person(p *contentLine, speaker bool) (seminar.Person, bool) {
	var parts [6]string
	splitTextLines(p.value, parts[:])
	field := func(i int) string { return parts[i] }
	person := seminar.Person{
		Name:        f.line(p, field(0)),
		Affiliation: f.line(p, field(1)),
		Email:       f.email(p, p.name+" email", field(2)),
		URL:         f.url(p, p.name+" URL", strings.TrimSpace(field(3))),
		PhotoURL:    f.url(p, p.name+" photo URL", strings.TrimSpace(field(4))),
		Bio:         f.text(p, field(5)),
	}
	if person.IsZero() {
		return person, false
	}
	if person.Name == "" {
		what := "a person"
		if speaker {
			what = "a speaker"
		}
		f.d.note(f.ev, p.line, fmt.Sprintf("%s has no name; %s needs one, so it is left out", p.name, what))
		return seminar.Person{}, false
	}
	return person, true
}

func (f fieldReader) appendPerson(p *contentLine, list []seminar.Person, s seminar.Person) []seminar.Person {
	if len(list) == seminar.MaxListLen {
		f.tooMany(p)
		return list
	}
	return append(list, s)
}

func (f fieldReader) appendListItem(p *contentLine, list []string, s string) []string {
	if len(list) == seminar.MaxListLen {
		f.tooMany(p)
		return list
	}
	return append(list, s)
}

func (f fieldReader) tooMany(p *contentLine) {
	f.d.note(f.ev, p.line, fmt.Sprintf("%s is beyond seminar's limit of %d entries; it is left out", p.name, seminar.MaxListLen))
}

// stamp reads CREATED or LAST-MODIFIED, which RFC 5545 wants in UTC; a
// floating value is taken as UTC.
func (f fieldReader) stamp(p *contentLine) time.Time {
	t, _, err := parseDateTime(strings.TrimSpace(p.value))
	if err != nil || t.Year() < seminar.MinYear || t.Year() > seminar.MaxYear {
		f.d.note(f.ev, p.line, fmt.Sprintf("%s %q is not a date-time within the years %d to %d; it is left out",
			p.name, p.value, seminar.MinYear, seminar.MaxYear))
		return time.Time{}
	}
	return t
}

// participants reads the RFC 9073 PARTICIPANT components of type SPEAKER.
func (f fieldReader) participants(c *component) []seminar.Person {
	var list []seminar.Person
	for _, sub := range c.children {
		if sub.name != "PARTICIPANT" {
			continue
		}
		kind := sub.prop("PARTICIPANT-TYPE")
		if kind == nil || !strings.EqualFold(strings.TrimSpace(kind.value), "SPEAKER") {
			continue
		}
		var s seminar.Person
		for i := range sub.props {
			p := &sub.props[i]
			switch p.name {
			case "SUMMARY":
				s.Name = f.line(p, unescapeText(p.value))
			case "DESCRIPTION":
				s.Bio = f.text(p, unescapeText(p.value))
			case "URL":
				s.URL = f.url(p, "PARTICIPANT URL", strings.TrimSpace(p.value))
			case "CALENDAR-ADDRESS":
				s.Email = f.address(p, "", p.value).Email
			}
		}
		if s.Name == "" {
			s.Name = s.Email
		}
		if s.Name == "" {
			f.d.note(f.ev, sub.line, "PARTICIPANT of type SPEAKER has no name; it is left out")
			continue
		}
		if len(list) == seminar.MaxListLen {
			f.d.note(f.ev, sub.line, fmt.Sprintf("PARTICIPANT is beyond seminar's limit of %d speakers; it is left out", seminar.MaxListLen))
			continue
		}
		list = append(list, s)
	}
	return list
}

// clip shortens a value quoted in a Skipped reason.
func clip(s string) string {
	if cut, ok := truncateUTF8(s, 80); ok {
		return cut + "..."
	}
	return s
}
