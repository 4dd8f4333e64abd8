package seminar

import (
	"slices"
	"time"
)

// Status is the state of an event. The zero value reads as StatusScheduled.
type Status string

// The statuses an event can be in.
const (
	StatusScheduled Status = "scheduled"
	StatusCancelled Status = "cancelled"
)

// Event is one talk: everything an event page shows, plus what the calendar
// needs to keep it consistent across edits, feeds and reminders.
//
// Start and End are instants; TimeZone is the IANA zone the talk is announced
// in, which decides the wall times shown on pages and in reminders. The
// Calendar owns ID, UID, Sequence, Version, CreatedAt and UpdatedAt: values a
// caller sets there are ignored by Create and checked or carried over by
// Update.
type Event struct {
	// ID identifies the event in the store: random, unguessable, and never
	// changed once assigned.
	ID string
	// UID is the iCalendar UID. Create sets it to ID@domain unless the caller
	// supplies one (an imported event keeps the UID of its source).
	UID string

	Title  string
	Type   string // free text: "Seminar", "Colloquium", "Thesis Defense", ...
	Series string // the ID of the Series this talk belongs to, if any

	// Slot is the start a talk was planned at, for a slot of its series'
	// plan or an instance of an imported recurring event (its
	// RECURRENCE-ID); zero for any other talk. It never changes once set:
	// a slot moved to another time keeps it, and with Series it identifies
	// the slot (see SlotID).
	Slot time.Time

	Speakers []Person
	Host     Person // Name and Affiliation are shown
	Contact  Person // Name and Email are shown

	Start    time.Time
	End      time.Time
	TimeZone string // IANA name, such as "America/New_York"

	Location        Location
	RoomDescription string
	Public          bool

	Abstract      string
	Links         []Link
	ResearchAreas []string
	ImpactAreas   []string

	Reminders Reminders

	Status       Status
	CancelReason string

	// Sequence is the iCalendar SEQUENCE, raised by the Calendar on each
	// significant change: time, zone, place or status.
	Sequence int
	// Version is raised by every write. Update compares it with the stored
	// one to detect a concurrent edit.
	Version int64

	CreatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Person is a speaker, host or contact. Only Name is required for a speaker;
// the other fields are shown where set.
type Person struct {
	Name        string
	Affiliation string
	Email       string
	URL         string
	PhotoURL    string
	Bio         string
}

// IsZero reports whether every field of p is empty.
func (p Person) IsZero() bool { return p == Person{} }

// Location is where a talk happens: a room, or a stream, or both.
type Location struct {
	Room     string // "32-D507"
	Building string // "Stata Center"
	Address  string // "32 Vassar St, Cambridge, MA 02139"
	URL      string // online or stream URL
}

// IsZero reports whether every field of l is empty.
func (l Location) IsZero() bool { return l == Location{} }

// Link is a labelled URL shown with the abstract: arXiv, slides, recording.
type Link struct {
	Label string
	URL   string
}

// Reminders says which mailing lists are told about a talk, with what subject
// and when.
type Reminders struct {
	// Lists are the addresses that receive the reminder.
	Lists []string
	// Subject is a text/template executed with the event; empty means
	// DefaultSubject.
	Subject string
	// Schedule holds how long before Start each reminder goes out, such as
	// 7*24*time.Hour and 24*time.Hour.
	Schedule []time.Duration
}

// DefaultSubject is the reminder subject used when Reminders.Subject is empty.
const DefaultSubject = "TALK: {{.Title}}"

// Cancelled reports whether the event has been cancelled.
func (e *Event) Cancelled() bool { return e.Status == StatusCancelled }

// Clone returns a deep copy of e, sharing no slices with it.
func (e *Event) Clone() *Event {
	if e == nil {
		return nil
	}
	c := *e
	c.Speakers = slices.Clone(e.Speakers)
	c.Links = slices.Clone(e.Links)
	c.ResearchAreas = slices.Clone(e.ResearchAreas)
	c.ImpactAreas = slices.Clone(e.ImpactAreas)
	c.Reminders.Lists = slices.Clone(e.Reminders.Lists)
	c.Reminders.Schedule = slices.Clone(e.Reminders.Schedule)
	return &c
}

// location returns the time.Location of e.TimeZone, or UTC when the zone is
// empty or does not load (Validate reports the latter).
func (e *Event) location() *time.Location {
	loc, err := loadZone(e.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// significantChange reports which of the fields that iCalendar clients track
// differ between before and after: the ones that raise Sequence.
func significantChange(before, after *Event) []string {
	var changed []string
	if !before.Start.Equal(after.Start) || !before.End.Equal(after.End) || before.TimeZone != after.TimeZone {
		changed = append(changed, "time")
	}
	if before.Location != after.Location {
		changed = append(changed, "location")
	}
	if before.status() != after.status() {
		changed = append(changed, "status")
	}
	return changed
}

func (e *Event) status() Status {
	if e.Status == "" {
		return StatusScheduled
	}
	return e.Status
}
