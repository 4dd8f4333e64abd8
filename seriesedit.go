package seminar

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Defaults of a series, and the limit on its ID.
const (
	// DefaultTalkDuration is the length of a series' talks when its
	// Defaults give none.
	DefaultTalkDuration = time.Hour
	// MaxSeriesIDLen is the longest series ID, in bytes.
	MaxSeriesIDLen = 100
)

// CreateSeries validates s and stores a copy of it as a new series, which
// it returns. Its ID is Slug(s.Name) unless s.ID is set, which must then be
// a slug itself ("vision-seminar": lowercase ASCII letters and digits,
// words joined by single dashes); an ID already stored is an error matching
// ErrExists. An empty Defaults.TimeZone becomes the Calendar's zone
// (Options.TimeZone) and a zero Defaults.Duration DefaultTalkDuration.
// CreateSeries sets Version 1, CreatedAt and UpdatedAt. When s.Plan is set,
// the series' slots are planned in the same atomic step, as PlanSeries
// plans them. s is not modified.
//
// A *ValidationError names each problem by its path: "name", "id",
// "description", "contact.email", "defaults.timeZone" (which, as for an
// event, must name a place: see Create), "defaults.duration" (positive, at
// most MaxDuration, whole seconds), "defaults.reminders.lists[0]",
// "defaults.location.url", "plan.rule", "plan.except[0]", ...
//
// It needs a Store that keeps series (SeriesStore); with any other it
// returns an error matching errors.ErrUnsupported.
func (c *Calendar) CreateSeries(ctx context.Context, s *Series) (*Series, error) {
	if err := c.keepsSeries(); err != nil {
		return nil, fmt.Errorf("seminar: create series: %w", err)
	}
	if s == nil {
		return nil, fmt.Errorf("seminar: create series: %w: series is nil", ErrInvalid)
	}
	next := s.Clone()
	if next.ID == "" {
		next.ID = Slug(next.Name)
	}
	c.fillDefaults(&next.Defaults)
	v := &validator{}
	c.validateSeries(v, next)
	var plan Plan
	if next.Plan != nil {
		v.plan(*next.Plan)
		plan = normalizePlan(*next.Plan)
		next.Plan = nil
	}
	if err := v.err(); err != nil {
		return nil, fmt.Errorf("seminar: create series %q: %w", next.ID, err)
	}
	now := c.clock()
	next.Version = 1
	next.CreatedAt, next.UpdatedAt = now, now
	var added int
	err := c.atomic(ctx, func(tx Tx) error {
		st, err := seriesTx(tx)
		if err != nil {
			return err
		}
		if err := st.CreateSeries(ctx, next); err != nil {
			return err
		}
		if s.Plan == nil {
			return nil
		}
		res, err := c.planIn(ctx, tx, st, next.ID, plan, now)
		if err != nil {
			return err
		}
		next, added = res.Series, res.Added
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("seminar: create series %q: %w", next.ID, err)
	}
	c.changes.Add(1)
	c.log.LogAttrs(ctx, slog.LevelInfo, "series created", slog.String("id", next.ID),
		slog.String("name", next.Name), slog.Int("slots", added))
	return presentSeries(next), nil
}

// GetSeries returns the series with the given ID, or an error matching
// ErrNotFound.
func (c *Calendar) GetSeries(ctx context.Context, id string) (*Series, error) {
	s, err := c.getSeries(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("seminar: get series %q: %w", id, err)
	}
	return s, nil
}

// getSeries is GetSeries for the Calendar's own methods, which name the
// operation in their errors.
func (c *Calendar) getSeries(ctx context.Context, id string) (*Series, error) {
	if err := c.keepsSeries(); err != nil {
		return nil, err
	}
	s, err := c.series.GetSeries(ctx, id)
	if err != nil {
		return nil, err
	}
	return presentSeries(s), nil
}

// ListSeries returns every series, ordered by ID.
func (c *Calendar) ListSeries(ctx context.Context) ([]*Series, error) {
	if err := c.keepsSeries(); err != nil {
		return nil, fmt.Errorf("seminar: list series: %w", err)
	}
	all, err := c.series.ListSeries(ctx)
	if err != nil {
		return nil, fmt.Errorf("seminar: list series: %w", err)
	}
	for _, s := range all {
		presentSeries(s)
	}
	return all, nil
}

// UpdateSeries stores s as the new state of the series s.ID, validated as
// CreateSeries validates. s.Version must be the Version the caller read:
// if the stored series has moved on, UpdateSeries returns an error
// matching ErrConflict and changes nothing. The ID never changes, so
// renaming a series keeps its URLs and its talks; CreatedAt keeps its
// stored value. The Plan is PlanSeries' to change, with the slots it
// plans: a nil Plan keeps the stored one, and any Plan but the stored one is
// a problem at "plan". Talks
// already stored keep their own room, lists and the rest: new defaults
// apply to talks made afterwards (see UpdateFollowing to change both).
// It returns the stored series.
func (c *Calendar) UpdateSeries(ctx context.Context, s *Series) (*Series, error) {
	if s == nil {
		return nil, fmt.Errorf("seminar: update series: %w: series is nil", ErrInvalid)
	}
	if err := c.keepsSeries(); err != nil {
		return nil, fmt.Errorf("seminar: update series %q: %w", s.ID, err)
	}
	next := s.Clone()
	c.fillDefaults(&next.Defaults)
	v := &validator{}
	c.validateSeries(v, next)
	if err := v.err(); err != nil {
		return nil, fmt.Errorf("seminar: update series %q: %w", s.ID, err)
	}
	now := c.clock()
	err := c.atomic(ctx, func(tx Tx) error {
		st, err := seriesTx(tx)
		if err != nil {
			return err
		}
		cur, err := st.GetSeries(ctx, s.ID)
		if err != nil {
			return err
		}
		if cur.Version != s.Version {
			return fmt.Errorf("%w: it is at version %d, the edit was made on version %d", ErrConflict, cur.Version, s.Version)
		}
		if next.Plan != nil {
			if given := normalizePlan(*next.Plan); !samePlan(cur.Plan, &given) {
				v.add(field("plan"), "is changed by PlanSeries, which plans the slots with it")
				return v.err()
			}
		}
		next.Plan = cur.Plan
		next.CreatedAt = cur.CreatedAt
		next.Version = cur.Version + 1
		next.UpdatedAt = now
		return st.UpdateSeries(ctx, next, cur.Version)
	})
	if err != nil {
		return nil, fmt.Errorf("seminar: update series %q: %w", s.ID, err)
	}
	c.changes.Add(1)
	c.log.LogAttrs(ctx, slog.LevelInfo, "series updated", slog.String("id", next.ID), slog.Int64("version", next.Version))
	return presentSeries(next), nil
}

// DeleteSeries removes the series with the given ID. It refuses, with an
// error matching ErrInvalid that names one of them, while any event
// belongs to the series, cancelled ones included: delete those or move
// them to another series first. An event created in the same moment by
// another process may still be left naming the deleted series; creating
// the series again makes it whole.
func (c *Calendar) DeleteSeries(ctx context.Context, id string) error {
	if err := c.keepsSeries(); err != nil {
		return fmt.Errorf("seminar: delete series %q: %w", id, err)
	}
	talks, err := c.store.List(ctx, ListQuery{Filter: Filter{Series: id, IncludeCancelled: true}, Limit: 2})
	if err != nil {
		return fmt.Errorf("seminar: delete series %q: %w", id, err)
	}
	if len(talks) > 0 {
		e := c.present(talks[0])
		what := fmt.Sprintf("the talk %q of %s", e.Title, e.Start.Format("2006-01-02 15:04 MST"))
		if e.Title == "" {
			what = "the slot of " + e.Start.Format("2006-01-02 15:04 MST")
		}
		if len(talks) > 1 {
			what += " and others"
		}
		return fmt.Errorf("seminar: delete series %q: %w: %s still belong to it; delete them or move them to another series first", id, ErrInvalid, what)
	}
	err = c.atomic(ctx, func(tx Tx) error {
		st, err := seriesTx(tx)
		if err != nil {
			return err
		}
		return st.DeleteSeries(ctx, id)
	})
	if err != nil {
		return fmt.Errorf("seminar: delete series %q: %w", id, err)
	}
	c.changes.Add(1)
	c.log.LogAttrs(ctx, slog.LevelInfo, "series deleted", slog.String("id", id))
	return nil
}

// NewTalk returns a new, unsaved talk of the series seriesID, filled in
// from its defaults: Series, Type, Host, Location, TimeZone, Public,
// Reminders, and the series' Contact. Start and End are left for the
// caller to set; Defaults.Duration is the usual distance between them. It
// is what a "new talk in this series" form starts from; store it with
// Create.
func (c *Calendar) NewTalk(ctx context.Context, seriesID string) (*Event, error) {
	s, err := c.getSeries(ctx, seriesID)
	if err != nil {
		return nil, fmt.Errorf("seminar: new talk of series %q: %w", seriesID, err)
	}
	return talkOf(s), nil
}

// talkOf returns a talk of s with s's defaults and no time.
func talkOf(s *Series) *Event {
	d := s.Defaults
	return &Event{
		Series:   s.ID,
		Type:     d.Type,
		Host:     d.Host,
		Contact:  s.Contact,
		Location: d.Location,
		TimeZone: d.TimeZone,
		Public:   d.Public,
		Reminders: Reminders{
			Lists:    cloneStrings(d.Reminders.Lists),
			Subject:  d.Reminders.Subject,
			Schedule: cloneDurations(d.Reminders.Schedule),
		},
	}
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string(nil), s...)
}

func cloneDurations(s []time.Duration) []time.Duration {
	if s == nil {
		return nil
	}
	return append([]time.Duration(nil), s...)
}

// keepsSeries returns nil when the Calendar's Store keeps series.
func (c *Calendar) keepsSeries() error {
	if c.series == nil {
		return fmt.Errorf("the store (%T) does not keep series (seminar.SeriesStore): %w", c.store, errors.ErrUnsupported)
	}
	return nil
}

// seriesTx returns the series part of a transaction of a Store that keeps
// series.
func seriesTx(tx Tx) (SeriesTx, error) {
	st, ok := tx.(SeriesTx)
	if !ok {
		return nil, fmt.Errorf("the store's transaction (%T) does not implement seminar.SeriesTx: %w", tx, errors.ErrUnsupported)
	}
	return st, nil
}

// checkSeries adds a problem at at to v when the Calendar keeps series and
// id is not empty and names no stored series. It returns the store's
// errors.
func (c *Calendar) checkSeries(ctx context.Context, tx Tx, v *validator, at path, id string) error {
	if id == "" || c.series == nil {
		return nil
	}
	st, err := seriesTx(tx)
	if err != nil {
		return err
	}
	_, err = st.GetSeries(ctx, id)
	if errors.Is(err, ErrNotFound) {
		v.add(at, "no series with ID %q; create the series first", id)
		return nil
	}
	return err
}

// fillDefaults sets the defaults a series gets when it gives none.
func (c *Calendar) fillDefaults(d *SeriesDefaults) {
	if d.TimeZone == "" {
		d.TimeZone = c.loc.String()
	}
	if d.Duration == 0 {
		d.Duration = DefaultTalkDuration
	}
}

// validateSeries adds to v every problem of s but its Plan. The defaults
// are checked as the talk they make: the rules of an event's fields,
// the zone naming a place, and custom reminder templates.
func (c *Calendar) validateSeries(v *validator, s *Series) {
	switch {
	case s.ID == "" && s.Name != "":
		v.add(field("name"), "has no letter or digit to make the series' ID from; give an ID")
	case s.ID == "":
		v.add(field("id"), "is required")
	case len(s.ID) > MaxSeriesIDLen:
		v.add(field("id"), "is %d bytes long, more than the limit of %d", len(s.ID), MaxSeriesIDLen)
	case Slug(s.ID) != s.ID:
		v.add(field("id"), "is %q; want a slug such as %q: lowercase letters and digits, words joined by single dashes", s.ID, slugOrExample(s.ID))
	}
	v.line(field("name"), s.Name, true)
	v.text(field("description"), s.Description)
	v.person(field("contact"), s.Contact, false)

	d := s.Defaults
	switch {
	case d.Duration <= 0:
		v.add(field("defaults.duration"), "is %s; a talk lasts a positive time", d.Duration)
	case d.Duration > MaxDuration:
		v.add(field("defaults.duration"), "is %s, more than the limit of %s", d.Duration, MaxDuration)
	case d.Duration%time.Second != 0:
		v.add(field("defaults.duration"), "is %s; a talk's length is whole seconds", d.Duration)
	}
	sample := talkOf(s)
	sample.Series = "" // the ID is checked above
	sample.Title = "Sample"
	sample.Start = time.Date(2017, time.June, 12, 16, 0, 0, 0, time.UTC)
	sample.End = sample.Start.Add(time.Hour)
	talk := &validator{}
	if err := sample.Validate(); err != nil {
		talk.fields = err.(*ValidationError).Fields
	}
	talk.placeZone(sample.TimeZone)
	if talk.err() == nil {
		if err := c.checkReminders(sample); err != nil {
			talk.fields = err.(*ValidationError).Fields
		}
	}
	for _, f := range talk.fields {
		switch {
		case strings.HasPrefix(f.Path, "contact"):
			continue // reported above, as the series' own
		case f.Path == "event":
			f.Path = "defaults"
		default:
			f.Path = "defaults." + f.Path
		}
		v.fields = append(v.fields, f)
	}
}

// slugOrExample returns Slug(id), or an example when it is empty.
func slugOrExample(id string) string {
	if s := Slug(id); s != "" {
		return s
	}
	return "vision-seminar"
}

// presentSeries moves a series' times into its zone, as pages show them.
func presentSeries(s *Series) *Series {
	loc, err := loadZone(s.Defaults.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	s.CreatedAt = s.CreatedAt.In(loc)
	s.UpdatedAt = s.UpdatedAt.In(loc)
	if s.Plan != nil {
		s.Plan.Start = s.Plan.Start.In(loc)
	}
	return s
}
