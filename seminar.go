// Package seminar keeps the talks of a seminar series: the event model and its
// validation, and a Calendar that creates, edits, cancels and lists talks on
// a pluggable Store.
//
// # Getting started
//
// A service holds one *Calendar, made by New on a Store: store/sqlite is the
// embedded default, store/memstore keeps everything in memory, and any type
// that passes store/storetest will do.
//
//	store, err := sqlite.Open(ctx, "talks.db", nil)
//	...
//	cal, err := seminar.New(store, &seminar.Options{Domain: "csail.mit.edu"})
//	talk, err := cal.Create(ctx, &seminar.Event{Title: "...", ...})
//
// # Times
//
// Start and End are instants; TimeZone names the IANA zone the talk is
// announced in, a place such as America/New_York: Create and Update refuse
// abbreviations such as "EST" or "CET". Pages show wall times in that zone
// with a note that names the zone as it is at the talk: "all times are in
// the Eastern Time Zone", "all times are in British Summer Time" (see
// ZoneNameAt). WallTime builds an instant from a wall clock reading and
// refuses readings that a daylight-saving transition skips or repeats,
// rather than shifting them silently.
//
// # Pages and mail
//
// WritePage and the reminders write the talk for the people who may attend:
// the facts in reading order, wrapped for mail readers, with no admin field
// and no empty label. Options.Style sets how dates and clock times read
// ("Monday 12 June 2017", "16:00"); Calendar.WritePage writes a page in
// that style, naming the talk's series. ParsePageTemplate and
// ParseReminderTemplates take custom templates.
//
// # Series
//
// A series is a thing of its own (Series): "Vision Seminar, Mondays 4 pm,
// 32-D507, to vision-meeting@", with the defaults its talks start from.
// CreateSeries, GetSeries, ListSeries, UpdateSeries and DeleteSeries keep
// series; an event's Series holds its series' ID. PlanSeries plans a term
// of slots from a recurrence rule, talks "to be announced" that get no
// reminder until they have a title and a speaker; UpdateFollowing changes
// a talk and the ones after it in one step; NewTalk starts a talk from its
// series' defaults.
//
// # Edits and conflicts
//
// Every write raises Version. Update takes the event as the caller read it
// and fails with ErrConflict if someone else wrote in between, so no edit is
// lost. Changes to time, place or status also raise Sequence, the iCalendar
// SEQUENCE that tells subscribed calendars to replace their copy.
//
// # Errors
//
// Errors wrap the sentinels ErrNotFound, ErrConflict, ErrExists, ErrInvalid,
// ErrCancelled, ErrAlreadySent, ErrStarted and ErrNoMailer; test them with errors.Is.
// Invalid input gives a *ValidationError listing every problem with a path
// such as "speakers[0].email", and never stores anything. Each layer names
// itself once: "seminar: update event "x": conflict: ...", with a Store's
// own words, such as "sqlite: ...", after the Calendar's.
//
// # For Store authors
//
// The Calendar does all validation, ID assignment, versioning and reminder
// scheduling, so that every backend behaves alike; a Store only keeps what it
// is given. The contracts are in store.go: Store (six methods: a batch
// Create, Get, GetByUID, Update with a version check, Delete, and List of a
// ListQuery), and the optional Outbox, found by type assertion, that a Store
// implements to keep reminder deliveries: a transaction (Atomic and Tx) in
// which the Calendar writes an event together with its deliveries, the
// claim and finish of due deliveries, and Changed, the write marks that
// Reconcile follows. A Store that keeps series also implements SeriesStore
// (series.go), and its transactions SeriesTx, so that a series and its
// talks are written in one step. A Store that can read many events in one
// query implements BatchGetter, which an import uses to match its events
// with the stored ones. ListQuery.Match and Compare state the
// listing rules in Go, for stores that filter in memory. Package
// store/storetest checks every rule: run storetest.Run in your tests and
// storetest.RunBenchmarks beside them; store/memstore is the reference.
package seminar

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Options configures a Calendar. The zero value, and a nil *Options, mean the
// defaults written on each field.
type Options struct {
	// Domain is the right-hand side of generated iCalendar UIDs
	// (ID@Domain). Default "seminar.invalid".
	Domain string
	// TimeZone is the IANA zone that decides which month an event falls in
	// for Month. Default "UTC".
	TimeZone string
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Logger receives a record for each write. Default: discard.
	Logger *slog.Logger

	// Mailer sends reminders: SendReminder and DispatchDue need it. A
	// Calendar without one still schedules every reminder and notice in
	// the Store's outbox, for a worker holding a Mailer to send. With a
	// Mailer, ICS and From are required and the Store must implement
	// Outbox.
	Mailer Mailer
	// Composer writes previews on a Calendar that does not send, such as a
	// web process whose worker holds the SMTP settings: pass the same
	// composer as the worker's Mailer uses (mail.Composer for mail.Mailer)
	// and the same From, ICS and Reminders, and a preview is byte for byte
	// what the worker sends, Date and DTSTAMP aside. Default: the Mailer.
	// With a Composer, ICS and From are required.
	Composer Composer
	// ICS writes the calendar attachment of each reminder; use ical.Attacher
	// from package ical.
	ICS ICSEncoder
	// From is the From header and envelope sender of reminders, such as
	// "CSAIL Seminars <seminars@csail.mit.edu>".
	From string
	// Reminders configures reminder messages and their dispatch.
	Reminders *ReminderOptions
	// Style is how reminders write dates and clock times: both parts, the
	// time in ReminderOptions.RecipientZone and the "UPDATED:" notice's
	// account of a new time. Pages in the same style are cal.WritePage.
	// Default: the American "Monday, June 12, 2017" and "4:00 PM".
	Style Style
}

// Calendar is the seminar calendar a service holds. It validates, versions
// and stores events. It is safe for concurrent use; several Calendars in
// several processes may share one Store that supports it.
type Calendar struct {
	store  Store
	domain string
	loc    *time.Location
	now    func() time.Time
	log    *slog.Logger
	style  Style

	changes atomic.Uint64 // writes made through this Calendar, for ChangeToken

	// Reminders. outbox is the Store's, when it has one: every write
	// schedules through it. composer and mailer are nil on a Calendar that
	// neither previews nor sends, ics and from may be.
	outbox Outbox
	// series is the Store's, when it keeps series: an event's Series must
	// then name one.
	series   SeriesStore
	composer Composer
	mailer   Mailer
	ics      ICSEncoder
	from     *mail.Address
	rem      ReminderOptions
	tmpl     *ReminderTemplates
	// customTemplates is set when Reminders.Templates replaced the default
	// bodies, which are then tried on each event that has lists.
	customTemplates bool
	owner           string // this Calendar's name in delivery leases

	reconcile reconcileState
}

// New returns a Calendar keeping its events in store.
func New(store Store, opts *Options) (*Calendar, error) {
	if store == nil {
		return nil, fmt.Errorf("seminar: new calendar: %w: store is nil", ErrInvalid)
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	c := &Calendar{store: store, domain: o.Domain, now: o.Now, log: o.Logger, loc: time.UTC, style: o.Style}
	if c.domain == "" {
		c.domain = "seminar.invalid"
	}
	if !isHostName(c.domain) {
		return nil, fmt.Errorf("seminar: new calendar: %w: domain %q is not an ASCII host name (write an internationalized one in punycode)", ErrInvalid, c.domain)
	}
	if o.TimeZone != "" {
		loc, err := loadZone(o.TimeZone)
		if err != nil {
			return nil, fmt.Errorf("seminar: new calendar: %w: %w", ErrInvalid, err)
		}
		c.loc = loc
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if err := c.setUpReminders(&o); err != nil {
		return nil, fmt.Errorf("seminar: new calendar: %w", err)
	}
	if c.series, _ = store.(SeriesStore); c.series != nil && c.outbox == nil {
		return nil, fmt.Errorf("seminar: new calendar: %w: the store (%T) implements seminar.SeriesStore but not seminar.Outbox, whose transactions write series", ErrInvalid, store)
	}
	return c, nil
}

// setUpReminders checks what reminders need: templates and options always,
// as every write schedules; the store's outbox, ICS and From for a Calendar
// that previews or sends.
func (c *Calendar) setUpReminders(o *Options) error {
	c.outbox, _ = c.store.(Outbox)
	c.mailer, c.composer, c.ics = o.Mailer, o.Composer, o.ICS
	if c.composer == nil && c.mailer != nil {
		c.composer = c.mailer
	}
	if c.mailer != nil && c.outbox == nil {
		return fmt.Errorf("%w: the store (%T) does not implement seminar.Outbox, which sending reminders needs", ErrInvalid, c.store)
	}
	role := "previews"
	if c.mailer != nil {
		role = "sends"
	}
	if c.composer != nil && c.ics == nil {
		return fmt.Errorf("%w: Options.ICS is nil: a Calendar that %s reminders attaches the talk's .ics (pass ical.Attacher{})", ErrInvalid, role)
	}
	if c.composer != nil || o.From != "" {
		from, err := mail.ParseAddress(o.From)
		if err != nil || strings.ContainsAny(o.From, "\r\n") {
			if o.From == "" {
				return fmt.Errorf("%w: Options.From is empty: a Calendar that %s reminders needs the sender, such as \"Seminars <seminars@example.edu>\"", ErrInvalid, role)
			}
			return fmt.Errorf("%w: Options.From %q is not an email address, such as \"Seminars <seminars@example.edu>\"", ErrInvalid, o.From)
		}
		c.from = from
	}
	c.rem = o.Reminders.withDefaults(c.domain)
	if c.rem.RecipientZone != "" {
		if _, err := loadZone(c.rem.RecipientZone); err != nil {
			return fmt.Errorf("%w: recipient zone: %w", ErrInvalid, err)
		}
	}
	c.tmpl, c.customTemplates = c.rem.Templates, c.rem.Templates != nil
	if c.tmpl == nil {
		var err error
		if c.tmpl, err = ParseReminderTemplates("", ""); err != nil {
			return err
		}
	}
	c.owner = newID()
	return c.checkTemplates()
}

// ChangeToken returns a token that differs once an event was created,
// updated, cancelled or deleted: a cache of anything derived from the
// calendar (a feed body, say) that remembers the token it was built at is
// stale once the token differs. With a Store that implements ChangeTracker,
// as every store in this module does, the token follows the writes of every
// process sharing the Store. With any other Store it counts only the writes
// made through this Calendar, and caches also need a maximum age.
func (c *Calendar) ChangeToken(ctx context.Context) (string, error) {
	tracker, ok := c.store.(ChangeTracker)
	if !ok {
		return "calendar:" + strconv.FormatUint(c.changes.Load(), 10), nil
	}
	token, err := tracker.ChangeToken(ctx)
	if err != nil {
		return "", fmt.Errorf("seminar: change token: %w", err)
	}
	return token, nil
}

// Style returns how the calendar writes dates and times (Options.Style).
func (c *Calendar) Style() Style { return c.style }

// Location returns the calendar's zone (Options.TimeZone), in which months
// and dates without a zone are read.
func (c *Calendar) Location() *time.Location { return c.loc }

// Create validates e and stores a copy of it as a new event, which it
// returns. It assigns ID, CreatedAt, UpdatedAt, Version 1 and Sequence 0, and
// UID unless e.UID is set; Status defaults to scheduled. e is not modified.
//
// Besides Validate's rules, Create and Update refuse a time zone that names
// no place: an abbreviation or rule such as "EST", "CET" or "EST5EDT", or a
// fixed offset such as "Etc/GMT+5" or "GMT". Someone who types "EST" for a
// talk in New York in July means Eastern Daylight Time and would announce
// it an hour off. UTC and Etc/UTC are accepted. Validate itself accepts
// every zone that loads, because events read from other calendars carry
// such zones and are still exact; Import takes them (see Import).
//
// When the Store keeps series (SeriesStore), e.Series must be empty or the
// ID of a stored series, checked in the atomic step that stores the event:
// a problem at "series" otherwise. With any other Store, Series is free
// text.
func (c *Calendar) Create(ctx context.Context, e *Event) (*Event, error) {
	events, err := c.CreateMany(ctx, []*Event{e})
	if err != nil {
		return nil, err
	}
	return events[0], nil
}

// CreateMany validates every event and then stores all of them in one atomic
// step, or none: a bulk import path. A *ValidationError names each problem
// with the index of its event ("events[3].title"). The events' reminders
// are scheduled in the same step.
func (c *Calendar) CreateMany(ctx context.Context, events []*Event) ([]*Event, error) {
	now := c.clock()
	out := make([]*Event, len(events))
	v := &validator{}
	for i, e := range events {
		if e == nil {
			v.add(elem("events", i), "is nil")
			continue
		}
		if err := c.checkWrite(e); err != nil {
			if len(events) == 1 {
				return nil, fmt.Errorf("seminar: create event: %w", err)
			}
			for _, f := range err.(*ValidationError).Fields {
				v.add(elem("events", i).dot(f.Path), "%s", f.Message)
			}
			continue
		}
		out[i] = c.prepareNew(e, now)
	}
	if err := v.err(); err != nil {
		return nil, fmt.Errorf("seminar: create events: %w", err)
	}
	at := func(i int) path { return elem("events", i) }
	if len(events) == 1 {
		at = func(int) path { return path{index: -1} }
	}
	if err := c.createScheduled(ctx, out, at, now); err != nil {
		if len(events) == 1 {
			return nil, fmt.Errorf("seminar: create event: %w", err)
		}
		return nil, fmt.Errorf("seminar: create events: %w", err)
	}
	for _, e := range out {
		c.log.LogAttrs(ctx, slog.LevelInfo, "event created", slog.String("id", e.ID), slog.String("title", e.Title))
		// The store kept copies, so out is the caller's to have.
		c.present(e)
	}
	return out, nil
}

// checkWrite validates an event that Create or Update is to store:
// Validate, the rule that its zone names a place, and the custom reminder
// templates. Every field problem comes in one *ValidationError.
func (c *Calendar) checkWrite(e *Event) error {
	v := &validator{}
	if err := e.Validate(); err != nil {
		v.fields = err.(*ValidationError).Fields
	}
	v.placeZone(e.TimeZone)
	if err := v.err(); err != nil {
		return err
	}
	return c.checkReminders(e)
}

// createScheduled stores new events and their reminders in one step, once
// every event's Series names a stored series; at(i) is where the problems of
// events[i] are reported.
func (c *Calendar) createScheduled(ctx context.Context, events []*Event, at func(i int) path, now time.Time) error {
	err := c.atomic(ctx, func(tx Tx) error {
		v := &validator{}
		for i, e := range events {
			if err := c.checkSeries(ctx, tx, v, at(i).dot("series"), e.Series); err != nil {
				return err
			}
		}
		if err := v.err(); err != nil {
			return err
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
	})
	if err == nil && len(events) > 0 {
		c.changes.Add(1)
	}
	return err
}

// atomic runs fn as one step of the store: a transaction of its Outbox, or,
// on a store without one, directly on the store, whose every write is
// atomic on its own (and which has no deliveries to keep in step).
func (c *Calendar) atomic(ctx context.Context, fn func(tx Tx) error) error {
	if c.outbox != nil {
		return c.outbox.Atomic(ctx, fn)
	}
	return fn(storeTx{c.store})
}

func (c *Calendar) prepareNew(in *Event, now time.Time) *Event {
	e := in.Clone()
	e.ID = newID()
	if e.UID == "" {
		e.UID = e.ID + "@" + c.domain
	}
	normalize(e)
	e.Status = e.status()
	e.Sequence = 0
	e.Version = 1
	e.CreatedAt = now
	e.UpdatedAt = now
	return e
}

// Get returns the event with the given ID, or an error matching ErrNotFound.
func (c *Calendar) Get(ctx context.Context, id string) (*Event, error) {
	e, err := c.get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("seminar: get event %q: %w", id, err)
	}
	return e, nil
}

// get is Get for the Calendar's own methods, which name the operation in
// their errors.
func (c *Calendar) get(ctx context.Context, id string) (*Event, error) {
	e, err := c.store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return c.present(e), nil
}

// Update stores e as the new state of the event e.ID. e.Version must be the
// Version the caller read: if the stored event has moved on, Update returns
// an error matching ErrConflict and changes nothing. Update raises Version,
// and raises Sequence when the time, zone, place or status changed. ID, UID,
// CreatedAt, CreatedBy and Slot keep their stored values: a slot moved to
// another time is still the slot it was planned as. A Series the update
// changes must name a stored series, as for Create. It returns the stored
// event.
//
// In the same atomic step, the write reschedules the event's reminders and
// queues an update or cancellation notice to the lists already told about
// it, where one is due.
func (c *Calendar) Update(ctx context.Context, e *Event) (*Event, error) {
	if e == nil {
		return nil, fmt.Errorf("seminar: update event: %w: event is nil", ErrInvalid)
	}
	if err := c.checkWrite(e); err != nil {
		return nil, fmt.Errorf("seminar: update event %q: %w", e.ID, err)
	}
	return c.write(ctx, "update event", e.ID, func(cur *Event) (*Event, error) {
		if cur.Version != e.Version {
			return nil, fmt.Errorf("%w: it is at version %d, the edit was made on version %d", ErrConflict, cur.Version, e.Version)
		}
		next := e.Clone()
		normalize(next)
		next.Status = next.status()
		if next.Status != StatusCancelled {
			next.CancelReason = ""
		}
		return next, nil
	})
}

// Cancel marks the event cancelled with the given reason and raises its
// Sequence; the event stays in the calendar so that feeds can tell
// subscribers. Cancelling a cancelled event returns an error matching
// ErrCancelled. In the same atomic step, the event's unsent reminders are
// dropped and lists already told about it get a cancellation notice.
func (c *Calendar) Cancel(ctx context.Context, id, reason string) (*Event, error) {
	v := &validator{}
	v.text(field("cancelReason"), reason)
	if err := v.err(); err != nil {
		return nil, fmt.Errorf("seminar: cancel event %q: %w", id, err)
	}
	return c.write(ctx, "cancel event", id, func(cur *Event) (*Event, error) {
		if cur.Cancelled() {
			return nil, ErrCancelled
		}
		next := cur.Clone()
		next.Status = StatusCancelled
		next.CancelReason = reason
		return next, nil
	})
}

// write changes the stored event id in one atomic step with its outbox:
// change turns the stored event into the next one, and write keeps the
// fields the Calendar owns.
func (c *Calendar) write(ctx context.Context, op, id string, change func(cur *Event) (*Event, error)) (*Event, error) {
	now := c.clock()
	var next *Event
	var changed []string
	err := c.atomic(ctx, func(tx Tx) error {
		cur, err := tx.Get(ctx, id)
		if err != nil {
			return err
		}
		if next, err = change(cur); err != nil {
			return err
		}
		changed, err = c.rewrite(ctx, tx, cur, next, field(""), now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("seminar: %s %q: %w", op, id, err)
	}
	c.changes.Add(1)
	c.log.LogAttrs(ctx, slog.LevelInfo, op, slog.String("id", next.ID),
		slog.Int64("version", next.Version), slog.Int("sequence", next.Sequence),
		slog.Any("changed", changed))
	return c.present(next), nil
}

// rewrite stores next over cur, the event as tx read it, with its outbox:
// it keeps the fields the Calendar owns (ID, UID, CreatedAt, CreatedBy and
// Slot), raises Sequence on a significant change and Version always, and
// checks that a Series changed by the write names a stored series, as a
// problem at at.series. It returns what changed significantly.
func (c *Calendar) rewrite(ctx context.Context, tx Tx, cur, next *Event, at path, now time.Time) ([]string, error) {
	if next.Series != cur.Series {
		v := &validator{}
		if err := c.checkSeries(ctx, tx, v, at.dot("series"), next.Series); err != nil {
			return nil, err
		}
		if err := v.err(); err != nil {
			return nil, err
		}
	}
	next.ID = cur.ID
	next.UID = cur.UID
	next.CreatedAt = cur.CreatedAt
	next.CreatedBy = cur.CreatedBy
	next.Slot = cur.Slot
	next.Sequence = cur.Sequence
	changed := significantChange(cur, next)
	if len(changed) > 0 {
		next.Sequence++
	}
	next.Version = cur.Version + 1
	next.UpdatedAt = now
	if err := tx.Update(ctx, next, cur.Version); err != nil {
		return nil, err
	}
	return changed, c.schedule(ctx, tx, cur.ID, cur, next, now)
}

// Delete removes the event for good and, in the same atomic step, drops its
// unsent messages. Subscribed calendars and mailing lists are not told:
// prefer Cancel for a talk that was announced.
//
// Deleting a planned slot also adds its date to the Except list of its
// series' Plan, in the same step, so that planning the series again does
// not bring the slot back (see PlanSeries).
func (c *Calendar) Delete(ctx context.Context, id string) error {
	now := c.clock()
	// A slot's series is locked before the slot, in the order every
	// transaction takes them (series, then events), so that deleting a slot
	// cannot deadlock against planning or editing its series. The series is
	// read before the transaction to know which one to lock.
	var lockFirst string
	if c.series != nil {
		if pre, err := c.store.Get(ctx, id); err == nil && !pre.Slot.IsZero() {
			lockFirst = pre.Series
		}
	}
	err := c.atomic(ctx, func(tx Tx) error {
		if lockFirst != "" {
			st, err := seriesTx(tx)
			if err != nil {
				return err
			}
			if _, err := st.GetSeries(ctx, lockFirst); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		if c.series != nil {
			cur, err := tx.Get(ctx, id)
			if err != nil {
				return err
			}
			if err := c.exceptSlot(ctx, tx, cur, now); err != nil {
				return err
			}
		}
		if err := tx.Delete(ctx, id); err != nil {
			return err
		}
		if c.outbox == nil {
			return nil
		}
		ds, err := tx.Deliveries(ctx, id)
		if err != nil {
			return err
		}
		p := c.plan(nil, nil, ds, now)
		return p.apply(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("seminar: delete event %q: %w", id, err)
	}
	c.changes.Add(1)
	c.log.LogAttrs(ctx, slog.LevelInfo, "event deleted", slog.String("id", id))
	return nil
}

// clock returns the current time at the precision every Store keeps.
func (c *Calendar) clock() time.Time {
	return c.now().UTC().Truncate(time.Microsecond)
}

// present moves an event's times into its own zone, as pages show them.
func (c *Calendar) present(e *Event) *Event {
	loc := e.location()
	e.Start = e.Start.In(loc)
	e.End = e.End.In(loc)
	e.CreatedAt = e.CreatedAt.In(loc)
	e.UpdatedAt = e.UpdatedAt.In(loc)
	return e
}

// normalize brings times to the resolution iCalendar carries (seconds) and
// strips monotonic clock readings, so that what is stored is what comes back.
func normalize(e *Event) {
	e.Start = e.Start.UTC().Truncate(time.Second)
	e.End = e.End.UTC().Truncate(time.Second)
}

// idEncoding is lowercase base32 without padding: IDs are safe in URLs, file
// names and email Message-IDs.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newID returns 128 random bits as 26 characters.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return idEncoding.EncodeToString(b[:])
}

// isHostName reports whether s is an ASCII host name, as UIDs and Message-IDs
// need on their right-hand side.
func isHostName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}
