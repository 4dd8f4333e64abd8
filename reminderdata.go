package seminar

import "time"

// reminderData is what reminder templates are executed with: every field
// and method a template can reach through a *ReminderView, at the top
// level of one struct. text/template finds a promoted field by searching
// the embedded structs breadth-first on every evaluation, which made the
// lookups cost more than the rest of a reminder's rendering; a field of
// reminderData is found by one scan of its fields. Event and View keep
// {{.Event.Title}} and {{.View.Heading}} working.
type reminderData struct {
	// The fields of Event.
	ID, UID               string
	Title, Type, Series   string
	Slot                  time.Time
	Speakers              []Person
	Host, Contact         Person
	Start, End            time.Time
	TimeZone              string
	Location              Location
	RoomDescription       string
	Public                bool
	Abstract              string
	Links                 []Link
	ResearchAreas         []string
	ImpactAreas           []string
	Reminders             Reminders
	Status                Status
	CancelReason          string
	Sequence              int
	Version               int64
	CreatedBy             string
	CreatedAt, UpdatedAt  time.Time
	Event                 *Event
	Heading, ShortTitle   string
	Date, Time            string
	ZoneName, ZoneNote    string
	MonthName             string
	SpeakerLines          []string
	Place, Where          string
	HostLine, ContactLine string
	SeriesName, HostName  string
	SpeakerURLs           []string
	SpeakerPhotos         []string
	AbstractText          string
	LinkGroups            []LinkGroup
	Bio, Subject, Created string
	View                  *View

	// The fields of ReminderView.
	Kind          DeliveryKind
	Note          string
	RecipientTime string
}

// newReminderData flattens rv.
func newReminderData(rv *ReminderView) *reminderData {
	v, e := rv.View, rv.View.Event
	return &reminderData{
		ID: e.ID, UID: e.UID, Title: e.Title, Type: e.Type, Series: e.Series, Slot: e.Slot,
		Speakers: e.Speakers, Host: e.Host, Contact: e.Contact, Start: e.Start, End: e.End,
		TimeZone: e.TimeZone, Location: e.Location, RoomDescription: e.RoomDescription,
		Public: e.Public, Abstract: e.Abstract, Links: e.Links, ResearchAreas: e.ResearchAreas,
		ImpactAreas: e.ImpactAreas, Reminders: e.Reminders, Status: e.Status,
		CancelReason: e.CancelReason, Sequence: e.Sequence, Version: e.Version,
		CreatedBy: e.CreatedBy, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt, Event: e,

		Heading: v.Heading, ShortTitle: v.ShortTitle, Date: v.Date, Time: v.Time,
		ZoneName: v.ZoneName, ZoneNote: v.ZoneNote, MonthName: v.MonthName,
		SpeakerLines: v.SpeakerLines, Place: v.Place, Where: v.Where, HostLine: v.HostLine,
		ContactLine: v.ContactLine, SeriesName: v.SeriesName, HostName: v.HostName,
		SpeakerURLs: v.SpeakerURLs, SpeakerPhotos: v.SpeakerPhotos, AbstractText: v.AbstractText,
		LinkGroups: v.LinkGroups, Bio: v.Bio, Subject: v.Subject, Created: v.Created, View: v,

		Kind: rv.Kind, Note: rv.Note, RecipientTime: rv.RecipientTime,
	}
}

// The methods of *Event, which a template may call as {{.IsTBA}}.

// Cancelled is Event.Cancelled.
func (d *reminderData) Cancelled() bool { return d.Event.Cancelled() }

// IsTBA is Event.IsTBA.
func (d *reminderData) IsTBA() bool { return d.Event.IsTBA() }

// Clone is Event.Clone.
func (d *reminderData) Clone() *Event { return d.Event.Clone() }

// Validate is Event.Validate.
func (d *reminderData) Validate() error { return d.Event.Validate() }
