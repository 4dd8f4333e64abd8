package seminar

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"time"
)

// CalendarImport is what ImportCalendar brings into a Calendar from
// another calendar: its events, and the series they belong to. Package
// ical's Result.CalendarImport makes one from an .ics file.
type CalendarImport struct {
	// Series are the series that the events name (Event.Series) and that
	// the import creates when no series of that ID is stored yet. A stored
	// series is left as it is: an import never renames a series or
	// changes its defaults, which are its organizers' to edit. An empty ID
	// is Slug(Name). Defaults that a calendar file may well hold but a
	// series may not, a zone that names no place ("Etc/GMT+5") or a
	// length over MaxDuration, are dropped for the Calendar's defaults;
	// anything else invalid is a problem at "series[i]...". Plan must be
	// nil: plan an imported series with PlanSeries.
	Series []*Series
	// Events are the events to import.
	Events []*Event
}

// ImportResult says what an import did with each event it was given.
type ImportResult struct {
	// Created and Updated hold the stored events, in the order given.
	Created, Updated []*Event
	// Unchanged holds the UIDs of events that the import left alone: the
	// stored version was as new as the imported one, or newer, or the
	// import would have changed nothing in it.
	Unchanged []string
	// SeriesCreated holds the series the import created, ordered by ID.
	SeriesCreated []*Series
}

// Import brings events from another calendar into this one: it is
// ImportCalendar with events and no series, whose rules it follows.
// When the Store keeps series, an event's Series must then be the ID of
// a stored series (a problem at "events[i].series" otherwise): map a
// source's series names to IDs before the import and create the series
// that are missing, or give them to ImportCalendar, which creates them.
func (c *Calendar) Import(ctx context.Context, events []*Event) (*ImportResult, error) {
	return c.ImportCalendar(ctx, &CalendarImport{Events: events})
}

// ImportCalendar brings the events and series of another calendar (an
// .ics file, say) into this one, matching each event with the one an
// earlier import stored, so that importing the same file twice, or a newer
// version of it, never duplicates an event.
//
// An event is matched by its UID. An event of a series that has a Slot
// (an instance of a recurring event: its RECURRENCE-ID) and whose UID is
// not stored is matched by its slot instead: a new one is stored with the
// ID SlotID(Series, Slot), as PlanSeries stores a planned slot, and an
// event stored under that ID, in that series, is the one the import
// replaces, unless its own UID is among the imported events too (two
// recurring events meeting at the same time in one series). So a slot
// planned before takes the imported talk, and so does the instance of a
// recurring event whose UID changed in its source: Google Calendar, for
// one, gives "this and following events" of an edited series a new UID.
//
// A matched event is replaced when the imported one is newer: of the same
// UID, by RFC 5546 (a higher Sequence, or the same Sequence and a later
// UpdatedAt, the source's LAST-MODIFIED); matched by its slot, when the
// stored slot is still to be announced (Event.IsTBA) or the imported
// UpdatedAt is later, and the replacement takes the imported UID. It is
// left alone otherwise, and also when replacing it would change nothing:
// no write, no Version raised. Among events of the same UID in one call,
// the newest wins.
//
// Imported events keep their Sequence, and their CreatedAt and UpdatedAt
// when set, so that the next import compares against the source's own
// clock. A replaced event keeps its ID, CreatedAt and CreatedBy; its Slot
// once set; its Series, whatever the import says, so that a talk moved to
// another series stays there, and a series whose recurring event was
// renamed in its source is not split: the import's new events of the
// series the import names join the stored events' series instead; and
// its Reminders when the imported event has none, as no calendar file
// carries mailing lists.
//
// When the Store keeps series, each event's Series must be the ID of a
// stored series or of one in in.Series, which is then created, once. With
// any other Store, Series is free text and in.Series is not used.
//
// Every event and series is validated first, and each event must have a
// UID: if any is invalid, nothing is stored, and the *ValidationError
// names each problem by its path ("events[3].title", "series[0].name").
// Unlike Create, ImportCalendar takes a zone that names no place, since a
// calendar file that says TZID:EST still states exact instants: a legacy
// name such as "EST5EDT" or "CET" is stored as the place the zone database
// makes it an alias of ("America/New_York", "Europe/Brussels"), and a
// fixed offset such as "Etc/GMT+5", which package ical gives a time with
// an offset and no known place, is kept.
//
// The series, the new events, the replacements and their reminders are
// stored in one atomic step: all or nothing. An event changed by someone
// else between the matching and that step fails the import with an error
// matching ErrConflict; importing again then does the whole work.
func (c *Calendar) ImportCalendar(ctx context.Context, in *CalendarImport) (*ImportResult, error) {
	if in == nil {
		in = &CalendarImport{}
	}
	v := &validator{}
	newest, index := c.newestByUID(v, in.Events)
	defs := c.importedSeries(v, in.Series)
	if err := v.err(); err != nil {
		return nil, fmt.Errorf("seminar: import events: %w", err)
	}
	now := c.clock()
	items, err := c.matchImports(ctx, newest, index)
	if err != nil {
		return nil, fmt.Errorf("seminar: import events: %w", err)
	}
	res := &ImportResult{}
	var updates, creates []*importItem
	for _, it := range items {
		switch it.decide(c, now) {
		case importCreate:
			creates = append(creates, it)
		case importUpdate:
			updates = append(updates, it)
		default:
			res.Unchanged = append(res.Unchanged, it.in.UID)
		}
	}
	if len(updates)+len(creates) > 0 {
		err = c.atomic(ctx, func(tx Tx) error {
			created, err := c.ensureSeries(ctx, tx, slices.Concat(updates, creates), defs, now)
			if err != nil {
				return err
			}
			res.SeriesCreated = created
			return c.writeImports(ctx, tx, updates, creates, now)
		})
		if err != nil {
			return nil, fmt.Errorf("seminar: import events: %w", err)
		}
		c.changes.Add(1)
	}
	for _, it := range creates {
		res.Created = append(res.Created, c.present(it.next))
	}
	for _, it := range updates {
		res.Updated = append(res.Updated, c.present(it.next))
	}
	for _, s := range res.SeriesCreated {
		presentSeries(s)
	}
	c.log.LogAttrs(ctx, slog.LevelInfo, "events imported", slog.Int("created", len(res.Created)),
		slog.Int("updated", len(res.Updated)), slog.Int("unchanged", len(res.Unchanged)),
		slog.Int("series_created", len(res.SeriesCreated)))
	return res, nil
}

// newestByUID validates events, adding their problems to v, and keeps,
// for each UID, the newest one, in the order the UIDs first appear, with
// the index in events of each.
func (c *Calendar) newestByUID(v *validator, events []*Event) ([]*Event, []int) {
	var order []*Event
	var from []int
	index := map[string]int{}
	for i, e := range events {
		if e == nil {
			v.add(elem("events", i), "is nil")
			continue
		}
		if place := placeZone(e.TimeZone); place != e.TimeZone {
			e = e.Clone()
			e.TimeZone = place
		}
		err := e.Validate()
		if err == nil {
			err = c.checkReminders(e)
		}
		if err != nil {
			for _, f := range err.(*ValidationError).Fields {
				v.add(elem("events", i).dot(f.Path), "%s", f.Message)
			}
			continue
		}
		if e.UID == "" {
			v.add(elem("events", i).dot("uid"), "is required to import an event")
			continue
		}
		j, seen := index[e.UID]
		switch {
		case !seen:
			index[e.UID] = len(order)
			order = append(order, e)
			from = append(from, i)
		case newer(e, order[j]):
			order[j], from[j] = e, i
		}
	}
	return order, from
}

// importedSeries validates the series of an import, adding their problems
// to v, and returns the valid ones by ID, each with the defaults it gets.
// Of two with the same ID, the first counts.
func (c *Calendar) importedSeries(v *validator, list []*Series) map[string]*Series {
	defs := map[string]*Series{}
	for i, s := range list {
		if s == nil {
			v.add(elem("series", i), "is nil")
			continue
		}
		next := s.Clone()
		if next.ID == "" {
			next.ID = Slug(next.Name)
		}
		fitDefaults(&next.Defaults)
		c.fillDefaults(&next.Defaults)
		sv := &validator{}
		c.validateSeries(sv, next)
		if next.Plan != nil {
			sv.add(field("plan"), "is not imported; plan the series with PlanSeries once it is stored")
		}
		for _, f := range sv.fields {
			v.add(elem("series", i).dot(f.Path), "%s", f.Message)
		}
		if _, dup := defs[next.ID]; len(sv.fields) == 0 && !dup {
			defs[next.ID] = next
		}
	}
	return defs
}

// fitDefaults drops the defaults that a calendar file may hold but a
// series may not: a zone that names no place (a legacy name becomes the
// place it stands for), and a length that is no talk's.
func fitDefaults(d *SeriesDefaults) {
	d.TimeZone = placeZone(d.TimeZone)
	if _, err := loadZone(d.TimeZone); err != nil || notPlace(d.TimeZone) != "" {
		d.TimeZone = ""
	}
	if d.Duration = d.Duration.Truncate(time.Second); d.Duration <= 0 || d.Duration > MaxDuration {
		d.Duration = 0
	}
}

// newer reports whether a is a later version of the same event than b, by
// the rule of RFC 5546: the higher SEQUENCE wins, then the later
// modification.
func newer(a, b *Event) bool {
	if a.Sequence != b.Sequence {
		return a.Sequence > b.Sequence
	}
	return a.UpdatedAt.After(b.UpdatedAt)
}

// importItem is one event of an import: the event given, the stored event
// it is matched with, and what the import stores.
type importItem struct {
	in   *Event
	from int // index in the events given
	// cur is the stored event matched, nil for none; bySlot is set when it
	// was matched by its slot rather than its UID.
	cur    *Event
	bySlot bool
	// id is the ID a new event gets: its slot's, or "" for a random one.
	id string
	// next is what is stored.
	next *Event
}

// matchImports matches each imported event with the stored event it
// replaces, as ImportCalendar says, reading the store outside the atomic
// step that writes (a Tx cannot look up a UID); that step's writes check
// the Version read here. It reads the events of all the UIDs in one call,
// and then those of all the slots, when the Store is a BatchGetter.
func (c *Calendar) matchImports(ctx context.Context, events []*Event, from []int) ([]*importItem, error) {
	items := make([]*importItem, len(events))
	uids := make(map[string]bool, len(events))
	keys := make([]string, len(events))
	for i, in := range events {
		items[i] = &importItem{in: in, from: from[i]}
		uids[in.UID] = true
		keys[i] = in.UID
	}
	byUID, err := c.getManyByUID(ctx, keys)
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{} // stored or new IDs already matched
	for _, it := range items {
		if cur := byUID[it.in.UID]; cur != nil {
			it.cur = cur
			taken[cur.ID] = true
		}
	}
	joins := seriesJoined(items)
	var slotted []*importItem // those whose slot's ID is to be read
	keys = keys[:0]
	for _, it := range items {
		if it.cur != nil {
			continue
		}
		if s := joins[it.in.Series]; s != "" {
			it.in = it.in.Clone()
			it.in.Series = s
		}
		if it.in.Series == "" || it.in.Slot.IsZero() {
			continue
		}
		id := SlotID(it.in.Series, it.in.Slot)
		if taken[id] {
			continue
		}
		taken[id] = true
		it.id = id
		slotted = append(slotted, it)
		keys = append(keys, id)
	}
	if len(slotted) == 0 {
		return items, nil
	}
	byID, err := c.getMany(ctx, keys)
	if err != nil {
		return nil, err
	}
	for _, it := range slotted {
		switch cur := byID[it.id]; {
		case cur == nil:
			// A new event in the slot, under the slot's ID.
		case cur.Series == it.in.Series && !uids[cur.UID]:
			it.cur, it.bySlot, it.id = cur, true, ""
		default:
			// The slot holds another event: a new one with an ID of its own.
			it.id = ""
		}
	}
	return items, nil
}

// getManyByUID returns the stored events whose UID is among uids, by UID:
// in one call when the Store is a BatchGetter, and one GetByUID each
// otherwise.
func (c *Calendar) getManyByUID(ctx context.Context, uids []string) (map[string]*Event, error) {
	found := make(map[string]*Event, len(uids))
	if bg, ok := c.store.(BatchGetter); ok {
		events, err := bg.GetManyByUID(ctx, uids)
		if err != nil {
			return nil, fmt.Errorf("match events by uid: %w", err)
		}
		want := make(map[string]bool, len(uids))
		for _, uid := range uids {
			want[uid] = true
		}
		for _, e := range events {
			if e != nil && want[e.UID] {
				found[e.UID] = e
			}
		}
		return found, nil
	}
	for _, uid := range uids {
		e, err := c.store.GetByUID(ctx, uid)
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return nil, fmt.Errorf("event %q: %w", uid, err)
		default:
			found[uid] = e
		}
	}
	return found, nil
}

// getMany returns the stored events whose ID is among ids, by ID, as
// getManyByUID does by UID.
func (c *Calendar) getMany(ctx context.Context, ids []string) (map[string]*Event, error) {
	found := make(map[string]*Event, len(ids))
	if bg, ok := c.store.(BatchGetter); ok {
		events, err := bg.GetMany(ctx, ids)
		if err != nil {
			return nil, fmt.Errorf("match events by slot: %w", err)
		}
		want := make(map[string]bool, len(ids))
		for _, id := range ids {
			want[id] = true
		}
		for _, e := range events {
			if e != nil && want[e.ID] {
				found[e.ID] = e
			}
		}
		return found, nil
	}
	for _, id := range ids {
		e, err := c.store.Get(ctx, id)
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return nil, fmt.Errorf("event %q: %w", id, err)
		default:
			found[id] = e
		}
	}
	return found, nil
}

// seriesJoined returns, for each series the import names, the stored
// series most of its events already stored are in, when that is another:
// the series a renamed recurring event was imported into before. A talk
// that its organizers moved to another series is outvoted by its
// siblings.
func seriesJoined(items []*importItem) map[string]string {
	votes := map[string]map[string]int{}
	for _, it := range items {
		if it.cur == nil || it.in.Series == "" || it.cur.Series == "" {
			continue
		}
		if votes[it.in.Series] == nil {
			votes[it.in.Series] = map[string]int{}
		}
		votes[it.in.Series][it.cur.Series]++
	}
	joins := map[string]string{}
	for named, counts := range votes {
		best := named
		for stored, n := range counts {
			if n > counts[best] || n == counts[best] && stored < best {
				best = stored
			}
		}
		if best != named {
			joins[named] = best
		}
	}
	return joins
}

// What an import does with one event.
const (
	importNothing = iota
	importCreate
	importUpdate
)

// decide works out what the import stores of it.in, in it.next, and
// whether that creates an event, replaces one, or does nothing.
func (it *importItem) decide(c *Calendar, now time.Time) int {
	next := c.prepareImported(it.in, now)
	cur := it.cur
	if cur == nil {
		if it.id != "" {
			next.ID = it.id
		}
		it.next = next
		return importCreate
	}
	switch {
	case !it.bySlot && !newer(it.in, cur):
		return importNothing
	case it.bySlot && !cur.IsTBA() && !it.in.UpdatedAt.After(cur.UpdatedAt):
		return importNothing
	}
	next.ID = cur.ID
	next.CreatedAt = cur.CreatedAt
	next.CreatedBy = cur.CreatedBy
	if !cur.Slot.IsZero() {
		next.Slot = cur.Slot
	}
	if cur.Series != "" {
		next.Series = cur.Series
	}
	if isZeroReminders(next.Reminders) {
		next.Reminders = cur.Clone().Reminders
	}
	if sameImport(next, cur) {
		return importNothing
	}
	next.Version = cur.Version + 1
	it.next = next
	return importUpdate
}

func isZeroReminders(r Reminders) bool {
	return len(r.Lists) == 0 && r.Subject == "" && len(r.Schedule) == 0
}

// sameImport reports whether storing a over b would change nothing but
// the fields every write sets (Version, UpdatedAt).
func sameImport(a, b *Event) bool {
	if !a.Start.Equal(b.Start) || !a.End.Equal(b.End) || !a.Slot.Equal(b.Slot) {
		return false
	}
	x, y := comparableImport(a), comparableImport(b)
	return reflect.DeepEqual(x, y)
}

// comparableImport returns a copy of e without the fields sameImport
// compares itself or ignores, its empty lists nil, as a store may give
// them back either way.
func comparableImport(e *Event) *Event {
	c := e.Clone()
	c.Start, c.End, c.Slot, c.CreatedAt, c.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}
	c.Version = 0
	c.Status = c.status()
	if len(c.Speakers) == 0 {
		c.Speakers = nil
	}
	if len(c.Links) == 0 {
		c.Links = nil
	}
	if len(c.ResearchAreas) == 0 {
		c.ResearchAreas = nil
	}
	if len(c.ImpactAreas) == 0 {
		c.ImpactAreas = nil
	}
	if len(c.Reminders.Lists) == 0 {
		c.Reminders.Lists = nil
	}
	if len(c.Reminders.Schedule) == 0 {
		c.Reminders.Schedule = nil
	}
	return c
}

// ensureSeries makes sure, in tx, that each series the events to write
// name is stored, creating those that are not from defs, in the order of
// their IDs (the order of the locks a store may take). It returns the
// series created. A series neither stored nor in defs is a problem at the
// series of the first event naming it. A Store that keeps no series keeps
// Series as free text: there is nothing to check.
func (c *Calendar) ensureSeries(ctx context.Context, tx Tx, items []*importItem, defs map[string]*Series, now time.Time) ([]*Series, error) {
	if c.series == nil {
		return nil, nil
	}
	first := map[string]int{} // series ID -> index in the events given
	for _, it := range items {
		if id := it.next.Series; id != "" {
			if i, ok := first[id]; !ok || it.from < i {
				first[id] = it.from
			}
		}
	}
	ids := make([]string, 0, len(first))
	for id := range first {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	st, err := seriesTx(tx)
	if err != nil {
		return nil, err
	}
	v := &validator{}
	var created []*Series
	for _, id := range ids {
		_, err := st.GetSeries(ctx, id)
		switch {
		case err == nil:
			continue
		case !errors.Is(err, ErrNotFound):
			return nil, err
		}
		def := defs[id]
		if def == nil {
			v.add(elem("events", first[id]).dot("series"), "no series with ID %q; create the series first, or give it with the import", id)
			continue
		}
		s := def.Clone()
		s.Version = 1
		s.CreatedAt, s.UpdatedAt = now, now
		if err := st.CreateSeries(ctx, s); err != nil {
			return nil, fmt.Errorf("series %q: %w", id, err)
		}
		created = append(created, s)
	}
	return created, v.err()
}

// writeImports stores the replacements and the new events of an import,
// and brings their outboxes in line, in tx.
func (c *Calendar) writeImports(ctx context.Context, tx Tx, updates, creates []*importItem, now time.Time) error {
	for _, it := range updates {
		if err := tx.Update(ctx, it.next, it.cur.Version); err != nil {
			return fmt.Errorf("event %q: %w", it.in.UID, err)
		}
		if err := c.schedule(ctx, tx, it.cur.ID, it.cur, it.next, now); err != nil {
			return err
		}
	}
	if len(creates) == 0 {
		return nil
	}
	events := make([]*Event, len(creates))
	for i, it := range creates {
		events[i] = it.next
	}
	if err := tx.Create(ctx, events...); err != nil {
		return err
	}
	for _, e := range events {
		if err := c.schedule(ctx, tx, e.ID, nil, e, now); err != nil {
			return err
		}
	}
	return nil
}

func (c *Calendar) prepareImported(in *Event, now time.Time) *Event {
	e := in.Clone()
	e.ID = newID()
	normalize(e)
	e.Status = e.status()
	e.Version = 1
	if e.CreatedAt.IsZero() {
		e.CreatedAt = now
	}
	if e.UpdatedAt.IsZero() {
		e.UpdatedAt = now
	}
	e.CreatedAt = e.CreatedAt.UTC().Truncate(time.Microsecond)
	e.UpdatedAt = e.UpdatedAt.UTC().Truncate(time.Microsecond)
	if !e.Slot.IsZero() {
		e.Slot = e.Slot.UTC()
	}
	return e
}
