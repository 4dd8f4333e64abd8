package postgres

import (
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/internal/sqlstore"
)

// columns are the columns of the events table in the order that eventArgs
// writes them and scanEvent reads them.
var columns = []string{
	"id", "uid", "title", "type", "series", "slot_at", "speakers",
	"host_name", "host_affiliation", "host_email", "host_url", "host_photo_url", "host_bio",
	"contact_name", "contact_affiliation", "contact_email", "contact_url", "contact_photo_url", "contact_bio",
	"start_at", "end_at", "time_zone",
	"location_room", "location_building", "location_address", "location_url",
	"room_description", "public", "abstract", "links", "research_areas", "impact_areas",
	"reminder_lists", "reminder_subject", "reminder_schedule",
	"status", "cancel_reason", "sequence", "version", "created_by", "created_at", "updated_at",
}

// eventArgs appends the values of e for the columns, in order, to args.
func eventArgs(args []any, e *seminar.Event) []any {
	var schedule []int64
	if e.Reminders.Schedule != nil {
		schedule = make([]int64, len(e.Reminders.Schedule))
		for i, d := range e.Reminders.Schedule {
			schedule[i] = int64(d)
		}
	}
	return append(args,
		e.ID, e.UID, e.Title, e.Type, e.Series, nullTime(e.Slot), sqlstore.EncodePeople(e.Speakers),
		e.Host.Name, e.Host.Affiliation, e.Host.Email, e.Host.URL, e.Host.PhotoURL, e.Host.Bio,
		e.Contact.Name, e.Contact.Affiliation, e.Contact.Email, e.Contact.URL, e.Contact.PhotoURL, e.Contact.Bio,
		e.Start, e.End, e.TimeZone,
		e.Location.Room, e.Location.Building, e.Location.Address, e.Location.URL,
		e.RoomDescription, e.Public, e.Abstract, sqlstore.EncodeLinks(e.Links), e.ResearchAreas, e.ImpactAreas,
		e.Reminders.Lists, e.Reminders.Subject, schedule,
		string(e.Status), e.CancelReason, int64(e.Sequence), e.Version, e.CreatedBy, e.CreatedAt, e.UpdatedAt,
	)
}

// eventRow holds what scanEvent reads that needs decoding after the scan.
// One eventRow is reused for every row of a listing.
type eventRow struct {
	e               seminar.Event
	slot            pgtype.Timestamptz
	speakers, links []byte
	schedule        []int64
	status          string
	sequence        int64
	dest            []any
}

// newEventRow returns an eventRow whose dest points into it, in the order
// of the columns.
func newEventRow() *eventRow {
	r := &eventRow{}
	e := &r.e
	r.dest = []any{
		&e.ID, &e.UID, &e.Title, &e.Type, &e.Series, &r.slot, &r.speakers,
		&e.Host.Name, &e.Host.Affiliation, &e.Host.Email, &e.Host.URL, &e.Host.PhotoURL, &e.Host.Bio,
		&e.Contact.Name, &e.Contact.Affiliation, &e.Contact.Email, &e.Contact.URL, &e.Contact.PhotoURL, &e.Contact.Bio,
		&e.Start, &e.End, &e.TimeZone,
		&e.Location.Room, &e.Location.Building, &e.Location.Address, &e.Location.URL,
		&e.RoomDescription, &e.Public, &e.Abstract, &r.links, &e.ResearchAreas, &e.ImpactAreas,
		&e.Reminders.Lists, &e.Reminders.Subject, &r.schedule,
		&r.status, &e.CancelReason, &r.sequence, &e.Version, &e.CreatedBy, &e.CreatedAt, &e.UpdatedAt,
	}
	return r
}

// scan reads the current row of rows and returns it as a new event.
func (r *eventRow) scan(rows pgx.Rows) (*seminar.Event, error) {
	r.e = seminar.Event{}
	if err := rows.Scan(r.dest...); err != nil {
		return nil, err
	}
	e := r.e
	e.Status = seminar.Status(r.status)
	e.Sequence = int(r.sequence)
	e.Start, e.End = e.Start.UTC(), e.End.UTC()
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	e.Slot = fromNullTime(r.slot)
	if r.schedule != nil {
		e.Reminders.Schedule = make([]time.Duration, len(r.schedule))
		for i, ns := range r.schedule {
			e.Reminders.Schedule[i] = time.Duration(ns)
		}
	}
	var err error
	if e.Speakers, err = sqlstore.DecodePeople(r.speakers); err != nil {
		return nil, fmt.Errorf("event %q: column speakers: %w", e.ID, err)
	}
	if e.Links, err = sqlstore.DecodeLinks(r.links); err != nil {
		return nil, fmt.Errorf("event %q: column links: %w", e.ID, err)
	}
	return &e, nil
}
