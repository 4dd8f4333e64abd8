package seminar

import (
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"text/template"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/seminarkit/seminar/internal/plain"
)

// Limits on what one event may hold, so that a single event stays a page and
// not megabytes. Lengths are in bytes of UTF-8.
const (
	MaxLineLen      = 500    // any single-line field: title, names, room, ...
	MaxURLLen       = 2048   // any URL
	MaxTextLen      = 20000  // abstract, bio, room description, cancel reason
	MaxListLen      = 100    // speakers, links, areas, reminder lists, schedule
	MaxEventBytes   = 200000 // all text of one event together
	MaxDuration     = 31 * 24 * time.Hour
	MaxReminderLead = 90 * 24 * time.Hour
)

// FieldError is one problem with one field of an event.
type FieldError struct {
	// Path names the field as a user would, with list indexes:
	// "title", "speakers[0].email", "reminders.lists[2]".
	Path string
	// Message says what is wrong, in lowercase.
	Message string
}

func (f FieldError) Error() string { return f.Path + ": " + f.Message }

// ValidationError lists every problem found in an event. It matches
// ErrInvalid with errors.Is.
type ValidationError struct {
	Fields []FieldError
}

func (v *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("invalid: ")
	for i, f := range v.Fields {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.Error())
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalid) true for a *ValidationError.
func (v *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Field returns the problem reported for path, if any.
func (v *ValidationError) Field(path string) (FieldError, bool) {
	for _, f := range v.Fields {
		if f.Path == path {
			return f, true
		}
	}
	return FieldError{}, false
}

// validator collects field problems.
type validator struct {
	fields []FieldError
	total  int
}

// path names a field without building the string until a problem is found:
// validation of a valid event allocates no path strings. It covers the
// shapes the event has: "title", "location.room", "speakers[0]",
// "speakers[0].email" and "reminders.lists[2]".
type path struct {
	head  string
	index int // -1: not a list element
	tail  string
}

func field(name string) path { return path{head: name, index: -1} }

func elem(list string, i int) path { return path{head: list, index: i} }

func (p path) dot(name string) path { p.tail = name; return p }

func (p path) String() string {
	s := p.head
	if p.index >= 0 {
		s += "[" + strconv.Itoa(p.index) + "]"
	}
	if p.tail != "" && s != "" {
		s += "."
	}
	return s + p.tail
}

func (v *validator) add(p path, format string, args ...any) {
	v.fields = append(v.fields, FieldError{Path: p.String(), Message: fmt.Sprintf(format, args...)})
}

func (v *validator) err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &ValidationError{Fields: v.fields}
}

// Validate checks e and returns nil or a *ValidationError listing every
// problem at once. It checks what the caller controls; fields the Calendar
// owns (ID, Version, ...) are not checked.
//
// Rules: title, start, end and time zone are required, except the title of
// a planned slot (Slot set), which is "to be announced" until filled in;
// start is before end
// and the talk lasts at most MaxDuration; the time zone is an IANA name that
// loads (Calendar.Create and Update also require it to name a place; see
// Calendar.Create); single-line fields hold no control characters (CR or LF would
// inject mail headers); every string is valid UTF-8 within its length limit;
// emails are exactly one address; URLs are absolute http or https; a speaker
// has a name; reminder lists are addresses, the subject template parses, and
// the schedule holds distinct positive leads of at most MaxReminderLead.
func (e *Event) Validate() error {
	v := &validator{}
	// A planned slot is "to be announced" until it has a title.
	v.line(field("title"), e.Title, e.Slot.IsZero())
	v.line(field("type"), e.Type, false)
	v.line(field("series"), e.Series, false)
	v.line(field("uid"), e.UID, false)
	v.times(e)
	v.status(e)
	v.list(field("speakers"), len(e.Speakers))
	for i, p := range e.Speakers {
		v.person(elem("speakers", i), p, true)
	}
	v.person(field("host"), e.Host, false)
	v.person(field("contact"), e.Contact, false)
	v.line(field("location.room"), e.Location.Room, false)
	v.line(field("location.building"), e.Location.Building, false)
	v.line(field("location.address"), e.Location.Address, false)
	v.url(field("location.url"), e.Location.URL)
	v.text(field("roomDescription"), e.RoomDescription)
	v.text(field("abstract"), e.Abstract)
	v.list(field("links"), len(e.Links))
	for i, l := range e.Links {
		v.line(elem("links", i).dot("label"), l.Label, false)
		v.url(elem("links", i).dot("url"), l.URL)
		if l.URL == "" {
			v.add(elem("links", i).dot("url"), "is required")
		}
	}
	v.words("researchAreas", e.ResearchAreas)
	v.words("impactAreas", e.ImpactAreas)
	v.reminders(e)
	v.line(field("createdBy"), e.CreatedBy, false)
	if v.total > MaxEventBytes {
		v.add(field("event"), "holds %d bytes of text, more than the limit of %d", v.total, MaxEventBytes)
	}
	return v.err()
}

func (v *validator) times(e *Event) {
	v.instant(field("start"), e.Start)
	v.instant(field("end"), e.End)
	if !e.Slot.IsZero() {
		v.instant(field("slot"), e.Slot)
	}
	if !e.Start.IsZero() && !e.End.IsZero() {
		switch d := e.End.Sub(e.Start); {
		case d <= 0:
			v.add(field("end"), "must be after start")
		case d > MaxDuration:
			v.add(field("end"), "is %s after start, more than the limit of %s", d, MaxDuration)
		}
	}
	if e.TimeZone == "" {
		v.add(field("timeZone"), "is required (an IANA name such as America/New_York)")
	} else if _, err := loadZone(e.TimeZone); err != nil {
		v.add(field("timeZone"), "%v; %s", err, zoneHint)
	}
}

// placeZone checks that a zone that loads names a place, as Create and
// Update ask; Validate reports a zone that does not load.
func (v *validator) placeZone(tz string) {
	if _, err := loadZone(tz); err != nil {
		return
	}
	if why := notPlace(tz); why != "" {
		v.add(field("timeZone"), "%s", why)
	}
}

// Years outside [MinYear, MaxYear] are refused: no talk is announced there,
// and stores keep instants as 64-bit nanoseconds, which end in 2262.
const (
	MinYear = 1900
	MaxYear = 2199
)

func (v *validator) instant(path path, t time.Time) {
	switch {
	case t.IsZero():
		v.add(path, "is required")
	case t.UTC().Year() < MinYear || t.UTC().Year() > MaxYear:
		v.add(path, "is in the year %d, outside the years %d to %d", t.UTC().Year(), MinYear, MaxYear)
	}
}

func (v *validator) status(e *Event) {
	switch e.Status {
	case "", StatusScheduled:
		if e.CancelReason != "" {
			v.add(field("cancelReason"), "is set but the event is not cancelled")
		}
	case StatusCancelled:
	default:
		v.add(field("status"), "is %q; want %q or %q", e.Status, StatusScheduled, StatusCancelled)
	}
	v.text(field("cancelReason"), e.CancelReason)
}

func (v *validator) person(path path, p Person, nameRequired bool) {
	if nameRequired && p.Name == "" {
		v.add(path.dot("name"), "is required")
	}
	if !nameRequired && p.Name == "" && !p.IsZero() {
		v.add(path.dot("name"), "is required when any other field is set")
	}
	v.line(path.dot("name"), p.Name, false)
	v.line(path.dot("affiliation"), p.Affiliation, false)
	v.email(path.dot("email"), p.Email)
	v.url(path.dot("url"), p.URL)
	v.url(path.dot("photoUrl"), p.PhotoURL)
	v.text(path.dot("bio"), p.Bio)
}

func (v *validator) reminders(e *Event) {
	r := e.Reminders
	v.list(field("reminders.lists"), len(r.Lists))
	for i, addr := range r.Lists {
		path := elem("reminders.lists", i)
		if addr == "" {
			v.add(path, "is empty")
			continue
		}
		v.email(path, addr)
	}
	if v.line(field("reminders.subject"), r.Subject, false) && r.Subject != "" {
		if _, err := template.New("subject").Option("missingkey=error").Parse(r.Subject); err != nil {
			v.add(field("reminders.subject"), "is not a valid template: %v", err)
		} else if _, err := (Style{}).view(e); err != nil {
			v.add(field("reminders.subject"), "cannot be written for this event: %v", templateError(err))
		}
	}
	v.list(field("reminders.schedule"), len(r.Schedule))
	seen := map[time.Duration]bool{}
	for i, d := range r.Schedule {
		path := elem("reminders.schedule", i)
		switch {
		case d <= 0:
			v.add(path, "is %s; a reminder goes out a positive time before the start", d)
		case d > MaxReminderLead:
			v.add(path, "is %s, more than the limit of %s", d, MaxReminderLead)
		case d%time.Minute != 0:
			// A delivery's ID, and so its Message-ID, names its lead in
			// minutes: two leads within one minute would be one reminder.
			v.add(path, "is %s; reminder leads are whole minutes", d)
		case seen[d]:
			v.add(path, "repeats %s", d)
		}
		seen[d] = true
	}
}

// line checks a single-line string and reports whether it passed.
func (v *validator) line(path path, s string, required bool) bool {
	v.total += len(s)
	plain := printableASCII(s, false)
	switch {
	case s == "" && required:
		v.add(path, "is required")
	case !plain && !utf8.ValidString(s):
		v.add(path, "is not valid UTF-8")
	case len(s) > MaxLineLen:
		v.add(path, "is %d bytes long, more than the limit of %d", len(s), MaxLineLen)
	case !plain && strings.IndexFunc(s, unicode.IsControl) >= 0:
		v.add(path, "contains a control character (such as a line break); it must be a single line")
	case required && strings.TrimSpace(s) == "":
		v.add(path, "is blank")
	default:
		return true
	}
	return false
}

// text checks a multi-line string: line breaks and tabs are allowed, other
// control characters are not.
func (v *validator) text(path path, s string) {
	v.total += len(s)
	plain := printableASCII(s, true)
	switch {
	case !plain && !utf8.ValidString(s):
		v.add(path, "is not valid UTF-8")
	case len(s) > MaxTextLen:
		v.add(path, "is %d bytes long, more than the limit of %d", len(s), MaxTextLen)
	case !plain && strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t'
	}) >= 0:
		v.add(path, "contains a control character other than a line break or tab")
	}
}

// printableASCII reports whether s is printable ASCII, with line breaks
// and tabs when breaks is set: text that is valid UTF-8 and holds no
// control character that line (breaks unset) or text (set) refuses, found
// without decoding it rune by rune.
func printableASCII(s string, breaks bool) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 || c >= 0x7f) && !(breaks && (c == '\n' || c == '\r' || c == '\t')) {
			return false
		}
	}
	return true
}

func (v *validator) list(path path, n int) {
	if n > MaxListLen {
		v.add(path, "has %d entries, more than the limit of %d", n, MaxListLen)
	}
}

func (v *validator) words(path string, list []string) {
	v.list(field(path), len(list))
	for i, s := range list {
		p := elem(path, i)
		if v.line(p, s, true) && strings.Contains(s, ",") {
			v.add(p, "contains a comma; give each area as its own entry")
		}
	}
}

func (v *validator) email(path path, s string) {
	if s == "" || !v.line(path, s, false) || plain.Email(s) {
		return
	}
	addr, err := mail.ParseAddress(s)
	switch {
	case err != nil:
		v.add(path, "is not an email address: %q", s)
	case strings.IndexFunc(s, func(r rune) bool { return r > unicode.MaxASCII }) >= 0:
		v.add(path, "must be an ASCII address (internationalized addresses are not delivered everywhere): %q", s)
	case addr.Name != "" || addr.Address != s:
		v.add(path, "must be a bare address such as name@example.org, not %q", s)
	}
}

func (v *validator) url(path path, s string) {
	if s == "" {
		return
	}
	v.total += len(s)
	if len(s) > MaxURLLen {
		v.add(path, "is %d bytes long, more than the limit of %d", len(s), MaxURLLen)
		return
	}
	if plain.URL(s) {
		return
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0 {
		v.add(path, "contains a space or control character")
		return
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		v.add(path, "is not a URL: %q", s)
	case u.Scheme != "http" && u.Scheme != "https":
		v.add(path, "must be an absolute http or https URL, not %q", s)
	case u.Host == "":
		v.add(path, "has no host: %q", s)
	}
}
