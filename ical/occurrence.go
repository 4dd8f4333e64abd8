package ical

import (
	"slices"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
)

// Occurrence is one instance of an event read by Decode: a single event, or
// one instance of a recurring series, with any RECURRENCE-ID override
// applied. Text fields are unescaped and fit seminar's limits (see Decode),
// so Event always gives a valid seminar.Event.
type Occurrence struct {
	// UID is the event's UID as written (a UID longer than 400 bytes is
	// shortened, keeping it unique and stable). An event without one gets
	// a UID derived from its DTSTART and SUMMARY, so that importing the
	// same file twice finds the same event.
	UID string
	// RecurrenceID identifies the instance within its series, in RFC 5545
	// basic format: the UTC instant ("20250107T210000Z") for timed
	// series, the date ("20250704") for all-day ones and the wall time
	// ("20250107T160000") for floating ones. It is empty for an event that
	// does not recur.
	RecurrenceID string

	Title       string // SUMMARY, on one line
	Description string // DESCRIPTION, with LF line breaks
	Location    string // LOCATION, on one line
	URL         string // URL, when it is an absolute http or https URL
	// Status is STATUS upper-cased: "CONFIRMED", "TENTATIVE",
	// "CANCELLED", or "" when not given. Every event of a METHOD:CANCEL
	// calendar is "CANCELLED".
	Status string

	// Start and End are the instants of the occurrence, in the zone it
	// is written in (a fixed-offset location when its VTIMEZONE matches no
	// IANA zone). End is exclusive and never before Start; a DATE-TIME
	// event with neither DTEND nor DURATION has End equal to Start. For
	// floating and all-day occurrences they hold the wall clock reading,
	// or the date at midnight, in UTC.
	Start, End time.Time
	// TimeZone is the IANA name of the zone, "" for UTC, floating and
	// all-day occurrences, and for zones no IANA zone is known to match.
	TimeZone string
	// Floating is set for a time with no zone at all (no TZID, no Z) in a
	// calendar without X-WR-TIMEZONE: it means the same clock reading in
	// every zone.
	Floating bool
	// AllDay is set for VALUE=DATE events and for Outlook's
	// X-MICROSOFT-CDO-ALLDAYEVENT:TRUE: End is then the day after the last
	// day.
	AllDay bool

	Sequence     int
	Created      time.Time // CREATED, zero when not given
	LastModified time.Time // LAST-MODIFIED, zero when not given
	Categories   []string  // every CATEGORIES value, in order
	Class        string    // CLASS upper-cased: "PUBLIC", "PRIVATE", "CONFIDENTIAL" or ""
	Organizer    seminar.Person
	// Speakers are the X-SEMINAR-SPEAKER properties our encoder writes,
	// else the RFC 9073 PARTICIPANTs of type SPEAKER.
	Speakers []seminar.Person

	// Line is the line of the BEGIN:VEVENT the occurrence comes from.
	Line int
	// Calendar is the index in Result.Calendars of the VCALENDAR the
	// occurrence comes from.
	Calendar int

	ext *seminarFields
}

// seminarFields holds what the X-SEMINAR properties of our own encoder
// carry (see the package documentation), for Event to give back exactly.
type seminarFields struct {
	host, contact                    seminar.Person
	room, building, address, stream  string
	roomDescription, abstract        string
	hasAbstract                      bool
	links                            []seminar.Link
	cancelReason                     string
	kind, series                     string
	researchAreas, impactAreas       []string
	hasLocation, hasHost, hasContact bool
}

// noTitle is the title Event gives an event without SUMMARY, as Google
// Calendar shows it: a seminar event must have one.
const noTitle = "(no title)"

// cancelledPrefix is what our encoder's CancelledPrefix option puts before
// a cancelled event's SUMMARY; Event takes it off again.
const cancelledPrefix = "Cancelled: "

// Event returns the seminar.Event to import the occurrence as, valid by
// seminar.Event.Validate:
//
//   - UID is the occurrence's UID, and for an instance of a recurring
//     series the UID, "/" and the RecurrenceID ("abc@example.com/
//     20250107T210000Z"), so that each instance is its own event and
//     importing again updates the same one.
//   - Start and End are the occurrence's; TimeZone is its zone, or "UTC"
//     for UTC, floating and all-day occurrences. Floating times are read as
//     UTC wall times, and an all-day event runs from midnight UTC of its
//     first day to midnight UTC after its last: seminar events are
//     instants, and UTC is the one zone that shows the dates as written.
//     An occurrence of zero length ends one second after it starts, since
//     a seminar event must end after it starts; its page still shows one
//     time. An all-day occurrence longer than seminar.MaxDuration (a
//     term, a summer break) ends MaxDuration after it starts: seminar
//     holds no longer event, and its stores list events by that bound.
//   - Status is cancelled for STATUS:CANCELLED, scheduled otherwise, and a
//     "Cancelled: " title prefix is removed from a cancelled event.
//   - Sequence, CreatedAt and UpdatedAt are SEQUENCE, CREATED and
//     LAST-MODIFIED (not DTSTAMP: it is the time of the export, which
//     would make every poll of a feed look like an update).
//   - Public is CLASS:PUBLIC or no CLASS (RFC 5545's default).
//
// From a file our encoder wrote (one with X-SEMINAR properties), every
// field it carries comes back: speakers, host, contact, location parts,
// room description, abstract, links, type, series, research and impact
// areas, cancel reason. From any other file, Contact is the ORGANIZER
// (unless it is a no-reply address), Location.Room is LOCATION, Abstract is
// DESCRIPTION, ResearchAreas are the CATEGORIES (split at commas) and URL
// becomes a link.
func (o *Occurrence) Event() *seminar.Event {
	e := new(seminar.Event)
	o.fill(e, false)
	return e
}

// fill sets e to the occurrence's event. Its lists are copies of the
// occurrence's, so that the event is the caller's to change, unless share
// is set: the decoder's check of an event only reads it.
func (o *Occurrence) fill(e *seminar.Event, share bool) {
	*e = seminar.Event{
		UID:       o.UID,
		Title:     o.Title,
		Start:     o.Start,
		End:       o.End,
		TimeZone:  o.TimeZone,
		Speakers:  o.Speakers,
		Public:    o.Class == "" || o.Class == "PUBLIC",
		Status:    seminar.StatusScheduled,
		Sequence:  o.Sequence,
		CreatedAt: o.Created,
		UpdatedAt: o.LastModified,
	}
	if !share {
		e.Speakers = slices.Clone(e.Speakers)
	}
	if o.RecurrenceID != "" {
		e.UID += "/" + o.RecurrenceID
	}
	if e.TimeZone == "" || o.Floating || o.AllDay {
		e.TimeZone = "UTC"
	}
	if !e.End.After(e.Start) {
		e.End = e.Start.Add(time.Second)
	}
	if e.End.Sub(e.Start) > seminar.MaxDuration && o.AllDay {
		e.End = e.Start.Add(seminar.MaxDuration)
	}
	if o.Status == "CANCELLED" {
		e.Status = seminar.StatusCancelled
		if t, ok := strings.CutPrefix(e.Title, cancelledPrefix); ok && strings.TrimSpace(t) != "" {
			e.Title = t
		}
	}
	if strings.TrimSpace(e.Title) == "" {
		e.Title = noTitle
	}
	if o.ext != nil {
		o.ext.fill(e, share)
	} else {
		o.fillForeign(e)
	}
}

func (x *seminarFields) fill(e *seminar.Event, share bool) {
	e.Host, e.Contact = x.host, x.contact
	e.Location = seminar.Location{Room: x.room, Building: x.building, Address: x.address, URL: x.stream}
	e.RoomDescription = x.roomDescription
	e.Abstract = x.abstract
	e.Links, e.ResearchAreas, e.ImpactAreas = x.links, x.researchAreas, x.impactAreas
	if !share {
		e.Links = slices.Clone(e.Links)
		e.ResearchAreas = slices.Clone(e.ResearchAreas)
		e.ImpactAreas = slices.Clone(e.ImpactAreas)
	}
	e.Type, e.Series = x.kind, x.series
	if e.Status == seminar.StatusCancelled {
		e.CancelReason = x.cancelReason
	}
}

func (o *Occurrence) fillForeign(e *seminar.Event) {
	if !isNoReply(o.Organizer.Email) {
		e.Contact = seminar.Person{Name: o.Organizer.Name, Email: o.Organizer.Email}
		if e.Contact.Name == "" {
			e.Contact.Name = e.Contact.Email
		}
	}
	e.Location.Room = o.Location
	e.Abstract = o.Description
	e.ResearchAreas = areas(o.Categories)
	if o.URL != "" {
		e.Links = []seminar.Link{{URL: o.URL}}
	}
}

// isNoReply reports whether an address is a no-reply one, such as the
// ORGANIZER our encoder writes for an event without a contact email: no
// one to contact.
func isNoReply(email string) bool {
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	return local == "noreply" || local == "no-reply" || local == "donotreply" || local == "do-not-reply"
}

// areas turns categories into seminar research areas: each a non-empty
// line without commas (seminar reads a comma as a list separator), at
// most seminar.MaxListLen of them.
func areas(categories []string) []string {
	var out []string
	for _, c := range categories {
		for part := range strings.SplitSeq(c, ",") {
			part = strings.TrimSpace(part)
			if part == "" || slices.Contains(out, part) {
				continue
			}
			if len(out) == seminar.MaxListLen {
				return out
			}
			out = append(out, part)
		}
	}
	return out
}

// eachString calls f with each string field of o, its lists' and its
// seminarFields' included, but for TimeZone and RecurrenceID.
func (o *Occurrence) eachString(f func(*string)) {
	for _, s := range []*string{&o.UID, &o.Title, &o.Description, &o.Location, &o.URL, &o.Status, &o.Class} {
		f(s)
	}
	for i := range o.Categories {
		f(&o.Categories[i])
	}
	personStrings(&o.Organizer, f)
	for i := range o.Speakers {
		personStrings(&o.Speakers[i], f)
	}
	if x := o.ext; x != nil {
		personStrings(&x.host, f)
		personStrings(&x.contact, f)
		for _, s := range []*string{&x.room, &x.building, &x.address, &x.stream, &x.roomDescription, &x.abstract,
			&x.cancelReason, &x.kind, &x.series} {
			f(s)
		}
		for i := range x.links {
			f(&x.links[i].Label)
			f(&x.links[i].URL)
		}
		for i := range x.researchAreas {
			f(&x.researchAreas[i])
		}
		for i := range x.impactAreas {
			f(&x.impactAreas[i])
		}
	}
}

func personStrings(p *seminar.Person, f func(*string)) {
	for _, s := range []*string{&p.Name, &p.Affiliation, &p.Email, &p.URL, &p.PhotoURL, &p.Bio} {
		f(s)
	}
}
