package seminar

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// MaxPlanSlots is the most slots one plan may yield: ten years of a weekly
// seminar.
const MaxPlanSlots = 520

// dateLayout is how Plan.Except writes a date.
const dateLayout = "2006-01-02"

// PlanResult is what PlanSeries did.
type PlanResult struct {
	// Series is the series as stored after the plan, its Plan the one
	// given.
	Series *Series
	// Slots are the talks the plan yields, as stored, ordered by Start:
	// those it added, still to be announced, and those planned before,
	// left as they were (filled in, moved, cancelled).
	Slots []*Event
	// Added is how many of Slots this call created.
	Added int
	// Outside are the series' slots that the plan no longer yields, planned
	// by an earlier, longer rule or on a date now excepted, ordered by
	// Start. PlanSeries leaves them as they are: a talk is not deleted
	// because a rule was shortened. Cancel or delete them if they are not
	// to happen.
	Outside []*Event
}

// PlanSeries plans the slots of the series id from p, in one atomic step:
// it expands p.Rule from p.Start in the series' zone (Defaults.TimeZone),
// keeping p.Start's wall time across daylight-saving changes, drops the
// slots on p.Except's dates, creates each slot not stored yet, and stores p
// as the series' Plan.
//
// A slot is a talk "to be announced" (Event.IsTBA): Series, Slot and Start
// set to its planned start, End after Defaults.Duration, and Type, Host,
// Location, TimeZone, Public and Reminders from the series' defaults, its
// Contact from the series' Contact, and no title or speaker. It gets no
// reminder until it has a title and a speaker; then it is a talk like any
// other. Its ID is SlotID(id, start): a slot is identified by its series
// and its planned start, as an iCalendar instance is by its RECURRENCE-ID.
// So planning again with the same plan adds nothing and writes nothing,
// not even the series' Version; a longer rule (a later UNTIL, a higher
// COUNT) adds only the new slots; and a slot that was filled in, moved or
// cancelled is left as it is. A shorter rule deletes nothing: the slots it
// no longer yields are reported in PlanResult.Outside. Deleting a slot adds
// its date to the stored Plan's Except (see Delete), so to extend a plan,
// start from the stored one:
//
//	s, _ := cal.GetSeries(ctx, "vision-seminar")
//	p := *s.Plan
//	p.Rule = "FREQ=WEEKLY;BYDAY=MO;UNTIL=20180501T000000Z"
//	res, err := cal.PlanSeries(ctx, s.ID, p)
//
// The rule is an RFC 5545 RRULE value, expanded by
// github.com/teambition/rrule-go, that ends by UNTIL or COUNT and yields at
// most MaxPlanSlots slots; its frequency is daily or longer, and it sets no
// time of day (BYHOUR, BYMINUTE, BYSECOND): p.Start gives it. As in RFC
// 5545, p.Start is the first slot even when it does not fit the rule, and
// COUNT counts it. An UNTIL that is a date ("UNTIL=20171211") includes that
// day; one without "Z" is read in the series' zone. A wall time that a
// daylight-saving change skips on some slot's date is a problem at
// "plan.start"; one that a change repeats is its first occurrence. Problems
// come in a *ValidationError at "plan.start", "plan.rule" and
// "plan.except[i]".
func (c *Calendar) PlanSeries(ctx context.Context, id string, p Plan) (*PlanResult, error) {
	if err := c.keepsSeries(); err != nil {
		return nil, fmt.Errorf("seminar: plan series %q: %w", id, err)
	}
	v := &validator{}
	v.plan(p)
	plan := normalizePlan(p)
	if err := v.err(); err != nil {
		return nil, fmt.Errorf("seminar: plan series %q: %w", id, err)
	}
	now := c.clock()
	var res *planOutcome
	err := c.atomic(ctx, func(tx Tx) error {
		st, err := seriesTx(tx)
		if err != nil {
			return err
		}
		res, err = c.planIn(ctx, tx, st, id, plan, now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("seminar: plan series %q: %w", id, err)
	}
	if res.wrote {
		c.changes.Add(1)
	}
	c.log.LogAttrs(ctx, slog.LevelInfo, "series planned", slog.String("id", id),
		slog.Int("slots", len(res.Slots)), slog.Int("added", res.Added), slog.Bool("wrote", res.wrote))
	outside, err := c.outsidePlan(ctx, id, res.planned)
	if err != nil {
		return nil, fmt.Errorf("seminar: plan series %q: the plan was stored, but listing the slots outside it failed: %w", id, err)
	}
	for _, e := range res.Slots {
		c.present(e)
	}
	return &PlanResult{Series: presentSeries(res.Series), Slots: res.Slots, Added: res.Added, Outside: outside}, nil
}

// planOutcome is PlanResult as the transaction that planned knows it.
type planOutcome struct {
	PlanResult
	// planned holds the planned starts, as Unix seconds.
	planned map[int64]bool
	// wrote is set when the plan created slots or changed the series.
	wrote bool
}

// planIn plans the series id from plan in tx, as PlanSeries says. plan is
// normalized and passed validator.plan.
func (c *Calendar) planIn(ctx context.Context, tx Tx, st SeriesTx, id string, plan Plan, now time.Time) (*planOutcome, error) {
	s, err := st.GetSeries(ctx, id)
	if err != nil {
		return nil, err
	}
	loc, err := loadZone(s.Defaults.TimeZone)
	if err != nil || s.Defaults.Duration <= 0 {
		// A series made by a store's migration has empty defaults.
		v := &validator{}
		if err != nil {
			v.add(field("defaults.timeZone"), "%v; the series needs a zone to plan slots in: set it with UpdateSeries", err)
		}
		if s.Defaults.Duration <= 0 {
			v.add(field("defaults.duration"), "is %s; the series needs a talk length to plan slots: set it with UpdateSeries", s.Defaults.Duration)
		}
		return nil, v.err()
	}
	starts, err := expandPlan(plan, loc)
	if err != nil {
		return nil, err
	}
	out := &planOutcome{planned: make(map[int64]bool, len(starts))}
	var added []*Event
	for _, start := range starts {
		out.planned[start.Unix()] = true
		e, err := tx.Get(ctx, SlotID(s.ID, start))
		switch {
		case err == nil:
			if e.Series == s.ID {
				out.Slots = append(out.Slots, e)
			}
			continue
		case !errors.Is(err, ErrNotFound):
			return nil, err
		}
		slot, err := c.slotOf(s, start, now)
		if err != nil {
			return nil, err
		}
		added = append(added, slot)
	}
	if len(added) > 0 {
		if err := tx.Create(ctx, added...); err != nil {
			return nil, err
		}
		for _, e := range added {
			if err := c.schedule(ctx, tx, e.ID, nil, e, now); err != nil {
				return nil, err
			}
		}
	}
	if !samePlan(s.Plan, &plan) {
		prev := s.Version
		s.Plan = &plan
		s.Version++
		s.UpdatedAt = now
		if err := st.UpdateSeries(ctx, s, prev); err != nil {
			return nil, err
		}
		out.wrote = true
	}
	out.Series = s
	out.Added = len(added)
	out.wrote = out.wrote || len(added) > 0
	out.Slots = append(out.Slots, added...)
	slices.SortFunc(out.Slots, Compare)
	return out, nil
}

// slotOf returns the new slot of s planned at start.
func (c *Calendar) slotOf(s *Series, start time.Time, now time.Time) (*Event, error) {
	e := talkOf(s)
	e.ID = SlotID(s.ID, start)
	e.UID = e.ID + "@" + c.domain
	e.Slot = start.UTC()
	e.Start = start.UTC()
	e.End = e.Start.Add(s.Defaults.Duration)
	e.Status = StatusScheduled
	e.Version = 1
	e.CreatedAt, e.UpdatedAt = now, now
	if err := e.Validate(); err != nil {
		return nil, fmt.Errorf("the slot of %s made from the series' defaults: %w", start.Format(time.RFC3339), err)
	}
	return e, nil
}

// outsidePlan returns the slots of the series id whose planned start is
// not among planned (Unix seconds), ordered by Start.
func (c *Calendar) outsidePlan(ctx context.Context, id string, planned map[int64]bool) ([]*Event, error) {
	var out []*Event
	q := ListQuery{Filter: Filter{Series: id, IncludeCancelled: true}, Limit: MaxPageSize}
	for {
		events, err := c.store.List(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, e := range events {
			if !e.Slot.IsZero() && !planned[e.Slot.Unix()] {
				out = append(out, c.present(e))
			}
		}
		if len(events) < q.Limit {
			return out, nil
		}
		last := events[len(events)-1]
		q.After = &Position{Start: last.Start, ID: last.ID}
	}
}

// exceptSlot adds the date of the deleted slot e to its series' Plan, in
// tx, so that planning again does not bring it back.
func (c *Calendar) exceptSlot(ctx context.Context, tx Tx, e *Event, now time.Time) error {
	if c.series == nil || e.Slot.IsZero() || e.Series == "" {
		return nil
	}
	st, err := seriesTx(tx)
	if err != nil {
		return err
	}
	s, err := st.GetSeries(ctx, e.Series)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil || s.Plan == nil {
		return err
	}
	loc, err := loadZone(s.Defaults.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	date := e.Slot.In(loc).Format(dateLayout)
	if slices.Contains(s.Plan.Except, date) {
		return nil
	}
	prev := s.Version
	s.Plan.Except = append(s.Plan.Except, date)
	slices.Sort(s.Plan.Except)
	s.Version++
	s.UpdatedAt = now
	return st.UpdateSeries(ctx, s, prev)
}

// normalizePlan returns p as it is stored: Start in UTC whole seconds, the
// rule without an "RRULE:" prefix or surrounding space, and Except sorted
// without repeats (nil when empty).
func normalizePlan(p Plan) Plan {
	p.Start = p.Start.UTC().Truncate(time.Second)
	p.Rule = strings.TrimPrefix(strings.TrimSpace(p.Rule), "RRULE:")
	except := slices.Clone(p.Except)
	slices.Sort(except)
	p.Except = slices.Compact(except)
	if len(p.Except) == 0 {
		p.Except = nil
	}
	return p
}

// samePlan reports whether a and b plan the same slots from the same rule.
func samePlan(a, b *Plan) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Start.Equal(b.Start) && a.Rule == b.Rule && slices.Equal(a.Except, b.Except)
}

// plan adds the problems of p, as the caller gave it, that do not depend
// on the series' zone.
func (v *validator) plan(p Plan) {
	v.instant(field("plan.start"), p.Start)
	if rule := normalizePlan(Plan{Rule: p.Rule}).Rule; v.line(field("plan.rule"), rule, true) {
		if _, _, err := parseRule(rule, time.UTC); err != nil {
			v.add(field("plan.rule"), "%v", err)
		}
	}
	v.list(field("plan.except"), len(p.Except))
	for i, d := range p.Except {
		if _, err := time.Parse(dateLayout, d); err != nil {
			v.add(elem("plan.except", i), "is %q; want a date such as 2017-10-09", d)
		}
	}
}

// parseRule reads an RRULE value for a plan, with a floating UNTIL in loc,
// and reports whether its UNTIL is a date, or says why the rule cannot
// plan slots.
func parseRule(rule string, loc *time.Location) (*rrule.ROption, bool, error) {
	ends, untilDate := false, false
	for part := range strings.SplitSeq(rule, ";") {
		key, value, _ := strings.Cut(part, "=")
		switch strings.ToUpper(key) {
		case "DTSTART":
			return nil, false, fmt.Errorf("gives DTSTART; the plan's start is the first slot")
		case "BYHOUR", "BYMINUTE", "BYSECOND":
			return nil, false, fmt.Errorf("sets the time of day with %s; the plan's start gives it", strings.ToUpper(key))
		case "UNTIL":
			ends, untilDate = true, !strings.Contains(value, "T")
		case "COUNT":
			ends = true
		}
	}
	opt, err := rrule.StrToROptionInLocation(rule, loc)
	if err != nil {
		return nil, false, fmt.Errorf("is not a recurrence rule such as FREQ=WEEKLY;BYDAY=MO;UNTIL=20171212T000000Z: %v", err)
	}
	switch {
	case opt.Freq > rrule.DAILY:
		return nil, false, fmt.Errorf("repeats more often than daily; plan slots daily, weekly, monthly or yearly")
	case !ends:
		return nil, false, fmt.Errorf("never ends; end it with UNTIL or COUNT")
	case opt.Count > MaxPlanSlots:
		return nil, false, fmt.Errorf("has COUNT=%d, more than the limit of %d slots", opt.Count, MaxPlanSlots)
	case opt.Count < 0 || opt.Interval < 0:
		return nil, false, fmt.Errorf("has a negative COUNT or INTERVAL")
	}
	return opt, untilDate, nil
}

// expandPlan returns the starts of the slots p yields in loc, Except's
// dates left out, in order, or a *ValidationError.
func expandPlan(p Plan, loc *time.Location) ([]time.Time, error) {
	v := &validator{}
	opt, untilDate, err := parseRule(p.Rule, loc)
	if err != nil {
		v.add(field("plan.rule"), "%v", err)
		return nil, v.err()
	}
	start := p.Start.In(loc)
	opt.Dtstart = start
	if untilDate {
		y, m, d := opt.Until.Date()
		opt.Until = time.Date(y, m, d+1, 0, 0, 0, 0, loc).Add(-time.Second)
	}
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		v.add(field("plan.rule"), "%v", err)
		return nil, v.err()
	}
	var all []time.Time
	next := r.Iterator()
	for t, ok := next(); ok && len(all) <= MaxPlanSlots; t, ok = next() {
		all = append(all, t)
	}
	if len(all) == 0 || !all[0].Equal(start) {
		// RFC 5545: DTSTART is the first instance, and COUNT counts it.
		all = append([]time.Time{start}, all...)
		if opt.Count > 0 && len(all) > opt.Count {
			all = all[:opt.Count]
		}
	}
	if len(all) > MaxPlanSlots {
		v.add(field("plan.rule"), "yields more than %d slots; end it sooner", MaxPlanSlots)
		return nil, v.err()
	}
	except := make(map[string]bool, len(p.Except))
	for _, d := range p.Except {
		except[d] = true
	}
	starts := make([]time.Time, 0, len(all))
	for _, t := range all {
		at, ok := firstAtWallTime(t, start, loc)
		if !ok {
			v.add(field("plan.start"), "%s does not exist on %s in %s: a daylight-saving change skips it; plan the series at another time",
				start.Format("15:04"), t.Format(dateLayout), loc)
			return nil, v.err()
		}
		if !except[at.Format(dateLayout)] {
			starts = append(starts, at)
		}
	}
	return starts, nil
}

// firstAtWallTime returns the first instant on t's date in loc whose wall
// clock reads as start's does, or false when a daylight-saving change skips
// that reading on that date. rrule-go builds each slot with time.Date,
// which promises neither to refuse a skipped reading nor which of a
// repeated one it picks.
func firstAtWallTime(t, start time.Time, loc *time.Location) (time.Time, bool) {
	y, m, d := t.In(loc).Date()
	hh, mm, ss := start.Clock()
	wall := time.Date(y, m, d, hh, mm, ss, 0, time.UTC)
	var first time.Time
	for _, probe := range []time.Time{wall.Add(-36 * time.Hour), wall, wall.Add(36 * time.Hour)} {
		_, offset := probe.In(loc).Zone()
		at := wall.Add(-time.Duration(offset) * time.Second)
		local := at.In(loc)
		ly, lm, ld := local.Date()
		lh, lmin, ls := local.Clock()
		if ly == y && lm == m && ld == d && lh == hh && lmin == mm && ls == ss && (first.IsZero() || at.Before(first)) {
			first = at
		}
	}
	return first, !first.IsZero()
}
