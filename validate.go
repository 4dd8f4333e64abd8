package seminar

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"text/template"
	"time"
	"unicode"
	"unicode/utf8"
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
	b.WriteString("seminar: invalid event: ")
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

func (v *validator) add(path, format string, args ...any) {
	v.fields = append(v.fields, FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
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
// Rules: title, start, end and time zone are required; start is before end
// and the talk lasts at most MaxDuration; the time zone is an IANA name that
// loads; single-line fields hold no control characters (CR or LF would
// inject mail headers); every string is valid UTF-8 within its length limit;
// emails are exactly one address; URLs are absolute http or https; a speaker
// has a name; reminder lists are addresses, the subject template parses, and
// the schedule holds distinct positive leads of at most MaxReminderLead.
func (e *Event) Validate() error {
	v := &validator{}
	v.line("title", e.Title, true)
	v.line("type", e.Type, false)
	v.line("series", e.Series, false)
	v.line("uid", e.UID, false)
	v.times(e)
	v.status(e)
	v.list("speakers", len(e.Speakers))
	for i, p := range e.Speakers {
		v.person(fmt.Sprintf("speakers[%d]", i), p, true)
	}
	v.person("host", e.Host, false)
	v.person("contact", e.Contact, false)
	v.line("location.room", e.Location.Room, false)
	v.line("location.building", e.Location.Building, false)
	v.line("location.address", e.Location.Address, false)
	v.url("location.url", e.Location.URL)
	v.text("roomDescription", e.RoomDescription)
	v.text("abstract", e.Abstract)
	v.list("links", len(e.Links))
	for i, l := range e.Links {
		v.line(fmt.Sprintf("links[%d].label", i), l.Label, false)
		v.url(fmt.Sprintf("links[%d].url", i), l.URL)
		if l.URL == "" {
			v.add(fmt.Sprintf("links[%d].url", i), "is required")
		}
	}
	v.words("researchAreas", e.ResearchAreas)
	v.words("impactAreas", e.ImpactAreas)
	v.reminders(e.Reminders)
	v.line("createdBy", e.CreatedBy, false)
	if v.total > MaxEventBytes {
		v.add("event", "holds %d bytes of text, more than the limit of %d", v.total, MaxEventBytes)
	}
	return v.err()
}

func (v *validator) times(e *Event) {
	v.instant("start", e.Start)
	v.instant("end", e.End)
	if !e.Start.IsZero() && !e.End.IsZero() {
		switch d := e.End.Sub(e.Start); {
		case d <= 0:
			v.add("end", "must be after start")
		case d > MaxDuration:
			v.add("end", "is %s after start, more than the limit of %s", d, MaxDuration)
		}
	}
	if e.TimeZone == "" {
		v.add("timeZone", "is required (an IANA name such as America/New_York)")
	} else if _, err := loadZone(e.TimeZone); err != nil {
		v.add("timeZone", "%v", err)
	}
}

// Years outside [MinYear, MaxYear] are refused: no talk is announced there,
// and stores keep instants as 64-bit nanoseconds, which end in 2262.
const (
	MinYear = 1900
	MaxYear = 2199
)

func (v *validator) instant(path string, t time.Time) {
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
			v.add("cancelReason", "is set but the event is not cancelled")
		}
	case StatusCancelled:
	default:
		v.add("status", "is %q; want %q or %q", e.Status, StatusScheduled, StatusCancelled)
	}
	v.text("cancelReason", e.CancelReason)
}

func (v *validator) person(path string, p Person, nameRequired bool) {
	if nameRequired && p.Name == "" {
		v.add(path+".name", "is required")
	}
	if !nameRequired && p.Name == "" && !p.IsZero() {
		v.add(path+".name", "is required when any other field is set")
	}
	v.line(path+".name", p.Name, false)
	v.line(path+".affiliation", p.Affiliation, false)
	v.email(path+".email", p.Email)
	v.url(path+".url", p.URL)
	v.url(path+".photoUrl", p.PhotoURL)
	v.text(path+".bio", p.Bio)
}

func (v *validator) reminders(r Reminders) {
	v.list("reminders.lists", len(r.Lists))
	for i, addr := range r.Lists {
		path := fmt.Sprintf("reminders.lists[%d]", i)
		if addr == "" {
			v.add(path, "is empty")
			continue
		}
		v.email(path, addr)
	}
	if v.line("reminders.subject", r.Subject, false) && r.Subject != "" {
		if _, err := template.New("subject").Option("missingkey=error").Parse(r.Subject); err != nil {
			v.add("reminders.subject", "is not a valid template: %v", err)
		}
	}
	v.list("reminders.schedule", len(r.Schedule))
	seen := map[time.Duration]bool{}
	for i, d := range r.Schedule {
		path := fmt.Sprintf("reminders.schedule[%d]", i)
		switch {
		case d <= 0:
			v.add(path, "is %s; a reminder goes out a positive time before the start", d)
		case d > MaxReminderLead:
			v.add(path, "is %s, more than the limit of %s", d, MaxReminderLead)
		case seen[d]:
			v.add(path, "repeats %s", d)
		}
		seen[d] = true
	}
}

// line checks a single-line string and reports whether it passed.
func (v *validator) line(path, s string, required bool) bool {
	v.total += len(s)
	switch {
	case s == "" && required:
		v.add(path, "is required")
	case !utf8.ValidString(s):
		v.add(path, "is not valid UTF-8")
	case len(s) > MaxLineLen:
		v.add(path, "is %d bytes long, more than the limit of %d", len(s), MaxLineLen)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
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
func (v *validator) text(path, s string) {
	v.total += len(s)
	switch {
	case !utf8.ValidString(s):
		v.add(path, "is not valid UTF-8")
	case len(s) > MaxTextLen:
		v.add(path, "is %d bytes long, more than the limit of %d", len(s), MaxTextLen)
	case strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t'
	}) >= 0:
		v.add(path, "contains a control character other than a line break or tab")
	}
}

func (v *validator) list(path string, n int) {
	if n > MaxListLen {
		v.add(path, "has %d entries, more than the limit of %d", n, MaxListLen)
	}
}

func (v *validator) words(path string, list []string) {
	v.list(path, len(list))
	for i, s := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		if v.line(p, s, true) && strings.Contains(s, ",") {
			v.add(p, "contains a comma; give each area as its own entry")
		}
	}
}

func (v *validator) email(path, s string) {
	if s == "" || !v.line(path, s, false) {
		return
	}
	addr, err := mail.ParseAddress(s)
	switch {
	case err != nil:
		v.add(path, "is not an email address: %q", s)
	case addr.Name != "" || addr.Address != s:
		v.add(path, "must be a bare address such as name@example.org, not %q", s)
	}
}

func (v *validator) url(path, s string) {
	if s == "" {
		return
	}
	v.total += len(s)
	if len(s) > MaxURLLen {
		v.add(path, "is %d bytes long, more than the limit of %d", len(s), MaxURLLen)
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
