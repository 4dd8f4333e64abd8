package sqlite

import (
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/internal/sqlstore"
)

// columns are the columns of the events table in the order that
// appendEventArgs writes them and scanEvent reads them.
var columns = [...]string{
	"id", "uid", "title", "type", "series", "slot_ns", "speakers",
	"host_name", "host_affiliation", "host_email", "host_url", "host_photo_url", "host_bio",
	"contact_name", "contact_affiliation", "contact_email", "contact_url", "contact_photo_url", "contact_bio",
	"start_ns", "end_ns", "time_zone",
	"location_room", "location_building", "location_address", "location_url",
	"room_description", "public", "abstract", "links", "research_areas", "impact_areas",
	"reminder_lists", "reminder_subject", "reminder_schedule",
	"status", "cancel_reason", "sequence", "version", "created_by", "created_ns", "updated_ns",
}

var (
	selectSQL = "SELECT " + strings.Join(columns[:], ", ") + " FROM events"
	// insertSQL takes appendEventArgs(nil, e) and the event's mark;
	// insertNextSQL takes appendEventArgs(nil, e) and gives the event the
	// next mark.
	insertSQL = "INSERT INTO events (" + strings.Join(columns[:], ", ") + ", mark) VALUES (?" +
		strings.Repeat(", ?", len(columns)) + ")"
	insertNextSQL = "INSERT INTO events (" + strings.Join(columns[:], ", ") + ", mark) VALUES (?" +
		strings.Repeat(", ?", len(columns)-1) + ", " + nextMarkSQL + ")"
	// updateSQL sets every column but id from appendEventArgs(nil, e)[1:],
	// and the next mark, then takes the id and the expected version: the
	// version check and the write are one statement.
	updateSQL = "UPDATE events SET " + strings.Join(columns[1:], " = ?, ") + " = ?, mark = " + nextMarkSQL +
		" WHERE id = ? AND version = ?"
	// updateValuesSQL is updateSQL for an event whose indexed columns keep
	// their values: it sets only the valueColumns, and the next mark, and
	// takes the id, the expected version and the keyColumns, which must
	// be as stored. SQLite rewrites an index entry whenever an UPDATE sets
	// a column of it, even to the value it has; most edits change neither
	// the UID, nor the series, nor the start, and so rewrite no entry but
	// that of the mark. Its parameters are those updateValuesArgs gives.
	updateValuesSQL = "UPDATE events SET " + columnList(valueColumns, " = ?, ") + " = ?, mark = " + nextMarkSQL +
		" WHERE id = ? AND version = ? AND " + columnList(keyColumns, " = ? AND ") + " = ?"
)

// keyColumns are the positions in columns of uid, series and start_ns, the
// columns that indexes of events hold besides id; valueColumns are those of
// the others but id.
var keyColumns, valueColumns = splitColumns("uid", "series", "start_ns")

func splitColumns(keys ...string) (keyed, values []int) {
	for i, c := range columns {
		switch {
		case i == 0: // id
		case slices.Contains(keys, c):
			keyed = append(keyed, i)
		default:
			values = append(values, i)
		}
	}
	return keyed, values
}

// columnList joins the names of the columns at positions with sep.
func columnList(positions []int, sep string) string {
	names := make([]string, len(positions))
	for i, p := range positions {
		names[i] = columns[p]
	}
	return strings.Join(names, sep)
}

// updateValuesArgs appends to to the parameters of updateValuesSQL for an
// event whose values are args, as appendEventArgs gives them, and the
// expected version prevVersion.
func updateValuesArgs(to, args []any, prevVersion int64) []any {
	for _, p := range valueColumns {
		to = append(to, args[p])
	}
	to = append(to, args[0], prevVersion)
	for _, p := range keyColumns {
		to = append(to, args[p])
	}
	return to
}

// The marks of writes (see migrations/0004_marks.sql): lastMarkSQL selects
// the last mark taken, and nextMarkSQL is the expression of the next one,
// for the statement that takes it. Both read one row of marks and the last
// entry of the index events_mark.
const (
	lastMarkSQL = "SELECT max(last, coalesce((SELECT max(mark) FROM events), 0)) FROM marks"
	nextMarkSQL = "(" + lastMarkSQL + ") + 1"
)

// zeroNS stands for the zero time.Time, which is outside the range of
// int64 nanoseconds; it sorts before every other instant, as the zero time
// does.
const zeroNS = math.MinInt64

// The instants that fit in int64 nanoseconds, zeroNS excepted.
var (
	minTime = time.Unix(0, math.MinInt64+1)
	maxTime = time.Unix(0, math.MaxInt64)
)

// toNS encodes t for an INTEGER column.
func toNS(t time.Time) (int64, error) {
	if t.IsZero() {
		return zeroNS, nil
	}
	if t.Before(minTime) || t.After(maxTime) {
		return 0, fmt.Errorf("%w: time %s is outside the years 1678 to 2261 that the store keeps",
			seminar.ErrInvalid, t.Format(time.RFC3339))
	}
	return t.UnixNano(), nil
}

// boundNS encodes t for a query bound, clamping an instant outside the
// stored range to its nearest end.
func boundNS(t time.Time) int64 {
	switch {
	case t.IsZero():
		return zeroNS
	case t.Before(minTime):
		return math.MinInt64 + 1
	case t.After(maxTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

func fromNS(ns int64) time.Time {
	if ns == zeroNS {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}

// appendEventArgs appends the values of e for the columns, in order, to
// args.
func appendEventArgs(args []any, e *seminar.Event) ([]any, error) {
	start, err := toNS(e.Start)
	if err != nil {
		return nil, fmt.Errorf("start: %w", err)
	}
	end, err := toNS(e.End)
	if err != nil {
		return nil, fmt.Errorf("end: %w", err)
	}
	created, err := toNS(e.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("created at: %w", err)
	}
	updated, err := toNS(e.UpdatedAt)
	if err != nil {
		return nil, fmt.Errorf("updated at: %w", err)
	}
	var slot any // NULL for the zero time
	if !e.Slot.IsZero() {
		if slot, err = toNS(e.Slot); err != nil {
			return nil, fmt.Errorf("slot: %w", err)
		}
	}
	public := int64(0)
	if e.Public {
		public = 1
	}
	return append(args,
		e.ID, e.UID, e.Title, e.Type, e.Series, slot, sqlstore.EncodePeople(e.Speakers),
		e.Host.Name, e.Host.Affiliation, e.Host.Email, e.Host.URL, e.Host.PhotoURL, e.Host.Bio,
		e.Contact.Name, e.Contact.Affiliation, e.Contact.Email, e.Contact.URL, e.Contact.PhotoURL, e.Contact.Bio,
		start, end, e.TimeZone,
		e.Location.Room, e.Location.Building, e.Location.Address, e.Location.URL,
		e.RoomDescription, public, e.Abstract, sqlstore.EncodeLinks(e.Links), sqlstore.EncodeList(e.ResearchAreas), sqlstore.EncodeList(e.ImpactAreas),
		sqlstore.EncodeList(e.Reminders.Lists), e.Reminders.Subject, sqlstore.EncodeList(e.Reminders.Schedule),
		string(e.Status), e.CancelReason, int64(e.Sequence), e.Version, e.CreatedBy, created, updated,
	), nil
}

// scanEvent reads the columns of the current row of rows, and, when mark is
// not nil, the column after them into mark.
func scanEvent(rows *sql.Rows, mark *int64) (*seminar.Event, error) {
	// What is scanned and decoded after is one variable, which escapes to
	// the heap once for all its fields.
	var (
		e seminar.Event
		r struct {
			speakers, links, research, impact, lists, schedule sql.RawBytes
			start, end, created, updated, seqnum               int64
			slot                                               sql.NullInt64
			status                                             string
		}
		dest [len(columns) + 1]any
	)
	d := append(dest[:0],
		&e.ID, &e.UID, &e.Title, &e.Type, &e.Series, &r.slot, &r.speakers,
		&e.Host.Name, &e.Host.Affiliation, &e.Host.Email, &e.Host.URL, &e.Host.PhotoURL, &e.Host.Bio,
		&e.Contact.Name, &e.Contact.Affiliation, &e.Contact.Email, &e.Contact.URL, &e.Contact.PhotoURL, &e.Contact.Bio,
		&r.start, &r.end, &e.TimeZone,
		&e.Location.Room, &e.Location.Building, &e.Location.Address, &e.Location.URL,
		&e.RoomDescription, &e.Public, &e.Abstract, &r.links, &r.research, &r.impact,
		&r.lists, &e.Reminders.Subject, &r.schedule,
		&r.status, &e.CancelReason, &r.seqnum, &e.Version, &e.CreatedBy, &r.created, &r.updated,
	)
	if mark != nil {
		d = append(d, mark)
	}
	if err := rows.Scan(d...); err != nil {
		return nil, err
	}
	var err error
	e.Start, e.End, e.CreatedAt, e.UpdatedAt = fromNS(r.start), fromNS(r.end), fromNS(r.created), fromNS(r.updated)
	if r.slot.Valid {
		e.Slot = fromNS(r.slot.Int64)
	}
	e.Status = seminar.Status(r.status)
	e.Sequence = int(r.seqnum)
	if e.Speakers, err = sqlstore.DecodePeople(r.speakers); err != nil {
		return nil, fmt.Errorf("event %q: column speakers: %w", e.ID, err)
	}
	if e.Links, err = sqlstore.DecodeLinks(r.links); err != nil {
		return nil, fmt.Errorf("event %q: column links: %w", e.ID, err)
	}
	for _, c := range []struct {
		name string
		data sql.RawBytes
		into *[]string
	}{
		{"research_areas", r.research, &e.ResearchAreas},
		{"impact_areas", r.impact, &e.ImpactAreas},
		{"reminder_lists", r.lists, &e.Reminders.Lists},
	} {
		if *c.into, err = sqlstore.DecodeStrings(c.data); err != nil {
			return nil, fmt.Errorf("event %q: column %s: %w", e.ID, c.name, err)
		}
	}
	if e.Reminders.Schedule, err = sqlstore.DecodeDurations(r.schedule); err != nil {
		return nil, fmt.Errorf("event %q: column reminder_schedule: %w", e.ID, err)
	}
	return &e, nil
}
