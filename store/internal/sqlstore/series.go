package sqlstore

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/seminarkit/seminar"
)

// SeriesColumns are the columns of the series table that both stores write
// alike, in the order SeriesValues gives them and SeriesRow scans them. Each
// store follows them with its columns of CreatedAt and UpdatedAt, which it
// encodes as it encodes the instants of events.
//
// Contact, Defaults and Plan are JSON objects, in the forms below, whose
// keys are part of both stores' schemas; '{}' reads as a zero Contact and
// zero Defaults, and NULL as a nil Plan.
var SeriesColumns = [...]string{"id", "name", "description", "contact", "defaults", "plan", "version"}

// The JSON forms of a series' nested values. Zero fields are left out, and
// a nil list too, so a nil list comes back nil and an empty one empty.
type (
	defaultsJSON struct {
		Type      string        `json:"type,omitzero"`
		Host      personJSON    `json:"host,omitzero"`
		Location  locationJSON  `json:"location,omitzero"`
		TimeZone  string        `json:"timeZone,omitzero"`
		Duration  int64         `json:"duration,omitzero"` // nanoseconds
		Public    bool          `json:"public,omitzero"`
		Reminders remindersJSON `json:"reminders,omitzero"`
	}
	locationJSON struct {
		Room     string `json:"room,omitzero"`
		Building string `json:"building,omitzero"`
		Address  string `json:"address,omitzero"`
		URL      string `json:"url,omitzero"`
	}
	remindersJSON struct {
		Lists    []string `json:"lists,omitzero"`
		Subject  string   `json:"subject,omitzero"`
		Schedule []int64  `json:"schedule,omitzero"` // nanoseconds before the start
	}
	planJSON struct {
		Start  time.Time `json:"start"`
		Rule   string    `json:"rule,omitzero"`
		Except []string  `json:"except,omitzero"`
	}
)

// SeriesValues appends the values of s for the SeriesColumns, in order, to
// args. It fails, with an error matching seminar.ErrInvalid, only for a
// Plan.Start outside the years 0 to 9999, which JSON cannot write.
func SeriesValues(args []any, s *seminar.Series) ([]any, error) {
	var plan any
	if s.Plan != nil {
		p := planJSON{Start: s.Plan.Start.UTC(), Rule: s.Plan.Rule, Except: s.Plan.Except}
		b, err := json.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("%w: plan: %w", seminar.ErrInvalid, err)
		}
		plan = string(b)
	}
	return append(args, s.ID, s.Name, s.Description,
		encodeJSON(personJSON(s.Contact)), encodeJSON(encodeDefaults(s.Defaults)), plan, s.Version), nil
}

func encodeDefaults(d seminar.SeriesDefaults) defaultsJSON {
	var schedule []int64
	if d.Reminders.Schedule != nil {
		schedule = make([]int64, len(d.Reminders.Schedule))
		for i, lead := range d.Reminders.Schedule {
			schedule[i] = int64(lead)
		}
	}
	return defaultsJSON{
		Type: d.Type, Host: personJSON(d.Host), Location: locationJSON(d.Location),
		TimeZone: d.TimeZone, Duration: int64(d.Duration), Public: d.Public,
		Reminders: remindersJSON{Lists: d.Reminders.Lists, Subject: d.Reminders.Subject, Schedule: schedule},
	}
}

// encodeJSON encodes v, which holds strings, numbers and booleans only, as
// JSON text, which a TEXT column and a jsonb column both take.
func encodeJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // strings, numbers and booleans always encode
	}
	return string(b)
}

// SeriesRow is a row of the SeriesColumns being scanned: Dest gives where
// the columns go, and Series, once the store has set CreatedAt and
// UpdatedAt, decodes it.
type SeriesRow struct {
	s                       seminar.Series
	contact, defaults, plan []byte
}

// Dest returns the scan destinations of the SeriesColumns, in order.
func (r *SeriesRow) Dest() []any {
	return []any{&r.s.ID, &r.s.Name, &r.s.Description, &r.contact, &r.defaults, &r.plan, &r.s.Version}
}

// Series returns the series scanned, with the instants given.
func (r *SeriesRow) Series(created, updated time.Time) (*seminar.Series, error) {
	s := r.s
	s.CreatedAt, s.UpdatedAt = created, updated
	var contact personJSON
	if err := json.Unmarshal(r.contact, &contact); err != nil {
		return nil, fmt.Errorf("series %q: column contact: %w", s.ID, err)
	}
	s.Contact = seminar.Person(contact)
	var d defaultsJSON
	if err := json.Unmarshal(r.defaults, &d); err != nil {
		return nil, fmt.Errorf("series %q: column defaults: %w", s.ID, err)
	}
	s.Defaults = seminar.SeriesDefaults{
		Type: d.Type, Host: seminar.Person(d.Host), Location: seminar.Location(d.Location),
		TimeZone: d.TimeZone, Duration: time.Duration(d.Duration), Public: d.Public,
		Reminders: seminar.Reminders{Lists: d.Reminders.Lists, Subject: d.Reminders.Subject},
	}
	if d.Reminders.Schedule != nil {
		s.Defaults.Reminders.Schedule = make([]time.Duration, len(d.Reminders.Schedule))
		for i, ns := range d.Reminders.Schedule {
			s.Defaults.Reminders.Schedule[i] = time.Duration(ns)
		}
	}
	if r.plan != nil {
		var p planJSON
		if err := json.Unmarshal(r.plan, &p); err != nil {
			return nil, fmt.Errorf("series %q: column plan: %w", s.ID, err)
		}
		s.Plan = &seminar.Plan{Start: p.Start.UTC(), Rule: p.Rule, Except: p.Except}
	}
	return &s, nil
}
