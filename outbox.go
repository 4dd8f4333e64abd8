package seminar

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Errors of the reminder methods.
var (
	// ErrAlreadySent means the reminder was already sent for this version
	// of the event; SendReminder sends it again only when forced.
	ErrAlreadySent = errors.New("reminder already sent")
	// ErrNoMailer means the Calendar was made without Options.Mailer.
	ErrNoMailer = errors.New("calendar has no mailer")
)

// Preview is a reminder exactly as SendReminder would send it.
type Preview struct {
	Message *Message
	// Raw is the RFC 5322 message, as the Mailer will transmit it. Only
	// the Date header and the calendar's DTSTAMP differ from a later send.
	Raw      []byte
	Envelope Envelope
	// Recipients counts the addresses the message goes to.
	Recipients int
}

// PreviewReminder returns the reminder SendReminder would send for the event
// now, through the same rendering and composing code, without sending or
// storing anything. Once the reminder was sent, it shows the resend that a
// forced SendReminder would make, with its new Message-ID.
func (c *Calendar) PreviewReminder(ctx context.Context, id string) (*Preview, error) {
	if c.mailer == nil {
		return nil, fmt.Errorf("seminar: preview reminder of %q: %w", id, ErrNoMailer)
	}
	e, err := c.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("seminar: preview reminder: %w", err)
	}
	now := c.clock()
	if err := sendable(e); err != nil {
		return nil, fmt.Errorf("seminar: preview reminder of %q: %w", id, err)
	}
	resend, _, err := c.nextManual(ctx, e)
	if err != nil {
		return nil, fmt.Errorf("seminar: preview reminder of %q: %w", id, err)
	}
	d := c.newDelivery(e, KindManual, 0, resend, now)
	d.Recipients = e.Reminders.Lists
	p, err := c.compose(e, d)
	if err != nil {
		return nil, fmt.Errorf("seminar: preview reminder of %q: %w", id, err)
	}
	return p, nil
}

// SendReminder sends the event's reminder now, to all its lists in one
// message: the "Send Reminder" button. A reminder is sent once per version
// (Sequence) of the event: a second call returns an error matching
// ErrAlreadySent unless force is set, and a forced resend is a new message
// with a new Message-ID. A reminder that failed for good does not count as
// sent. Sending is the caller's decision even for a talk that has started;
// if such a send fails for now, DispatchDue drops it rather than retry it. It returns the delivery as recorded. A temporary
// failure leaves the delivery to be retried by DispatchDue and is returned
// as an error matching ErrTemporary; a permanent one marks it failed.
func (c *Calendar) SendReminder(ctx context.Context, id string, force bool) (*Delivery, error) {
	if c.mailer == nil {
		return nil, fmt.Errorf("seminar: send reminder of %q: %w", id, ErrNoMailer)
	}
	e, err := c.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("seminar: send reminder: %w", err)
	}
	now := c.clock()
	if err := sendable(e); err != nil {
		return nil, fmt.Errorf("seminar: send reminder of %q: %w", id, err)
	}
	d, err := c.claimManual(ctx, e, force, now)
	if err != nil {
		return nil, fmt.Errorf("seminar: send reminder of %q: %w", id, err)
	}
	d, err = c.attempt(ctx, e, d, now)
	if err != nil {
		return d, fmt.Errorf("seminar: send reminder of %q: %w", id, err)
	}
	return d, nil
}

func sendable(e *Event) error {
	if e.Cancelled() {
		return ErrCancelled
	}
	if len(e.Reminders.Lists) == 0 {
		return fmt.Errorf("%w: the event has no reminder lists", ErrInvalid)
	}
	return nil
}

// nextManual finds the first unused resend number of the event's manual
// reminder at its current Sequence, and the latest earlier one that was sent
// or is on its way (nil if all earlier ones failed or were dropped).
func (c *Calendar) nextManual(ctx context.Context, e *Event) (int, *Delivery, error) {
	var live *Delivery
	for resend := 0; resend < maxResends; resend++ {
		d, err := c.outbox.GetDelivery(ctx, deliveryID(e.ID, KindManual, 0, e.Sequence, resend))
		switch {
		case errors.Is(err, ErrNotFound):
			return resend, live, nil
		case err != nil:
			return 0, nil, err
		case d.State != StateFailed && d.State != StateDropped:
			live = d
		}
	}
	return 0, nil, fmt.Errorf("%w: more than %d manual sends of one version", ErrInvalid, maxResends)
}

const maxResends = 100

// claimManual stores a manual delivery already claimed by this Calendar, so
// that a crash during the send leaves it to DispatchDue once the lease
// expires: it is then sent again with the same Message-ID.
func (c *Calendar) claimManual(ctx context.Context, e *Event, force bool, now time.Time) (*Delivery, error) {
	resend, live, err := c.nextManual(ctx, e)
	if err != nil {
		return nil, err
	}
	if live != nil && !force {
		return nil, fmt.Errorf("%w (for sequence %d, %s); force to send it again", ErrAlreadySent, e.Sequence, live.State)
	}
	d := c.newDelivery(e, KindManual, 0, resend, now)
	d.Recipients = slices.Clone(e.Reminders.Lists)
	d.State = StateSending
	d.Attempts = 1
	d.LeaseOwner = c.owner
	d.LeaseUntil = now.Add(c.rem.Lease)
	if err := c.outbox.AddDeliveries(ctx, d); err != nil {
		return nil, err
	}
	stored, err := c.outbox.GetDelivery(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	if stored.LeaseOwner != d.LeaseOwner || !stored.LeaseUntil.Equal(d.LeaseUntil) {
		return nil, fmt.Errorf("%w (for sequence %d, just now by another process)", ErrAlreadySent, e.Sequence)
	}
	return stored, nil
}

// newDelivery returns a pending delivery of e with its derived IDs.
func (c *Calendar) newDelivery(e *Event, kind DeliveryKind, lead time.Duration, resend int, due time.Time) *Delivery {
	id := deliveryID(e.ID, kind, lead, e.Sequence, resend)
	return &Delivery{
		ID: id, EventID: e.ID, Kind: kind, Lead: lead, Sequence: e.Sequence,
		DueAt: due, State: StatePending, MessageID: id + "@" + c.domain, UpdatedAt: due,
	}
}

// compose renders and composes the message of d: the one code path of
// preview and send.
func (c *Calendar) compose(e *Event, d *Delivery) (*Preview, error) {
	msg, err := c.render(e, d)
	if err != nil {
		return nil, err
	}
	raw, err := c.mailer.Compose(msg)
	if err != nil {
		return nil, err
	}
	env := Envelope{From: c.from.Address, To: slices.Clone(d.Recipients)}
	return &Preview{Message: msg, Raw: raw, Envelope: env, Recipients: len(env.To)}, nil
}

// DispatchReport counts what one DispatchDue did.
type DispatchReport struct {
	Sent, Retrying, Failed, Dropped int
}

// DispatchDue sends every delivery that is due: scheduled reminders, update
// and cancellation notices, and retries. Run it periodically (every minute,
// say). Several calls may run at once, in one process or several sharing the
// Store: each delivery is claimed by exactly one of them, with a lease held in
// the Store.
//
// The policy:
//   - A reminder goes out only while its talk is ahead: one due after the
//     talk started is dropped, as is any message but a cancellation for a
//     cancelled event, and a scheduled reminder made for an older version of
//     the event (a newer one was scheduled when it changed).
//   - A 4xx reply or a network error is retried with exponential backoff
//     (ReminderOptions.RetryBase up to RetryMax) until MaxAttempts; a 5xx
//     reply marks the delivery failed, with the reason in LastError.
//   - Recipients a server refused for now while it accepted others get a
//     follow-up delivery of the same message.
//   - A delivery is marked sent only after the server accepted the message.
//     If a dispatcher dies between claiming and recording the result, the
//     lease expires and another dispatcher sends the message again, with
//     the same Message-ID, so that receiving systems that deduplicate by
//     Message-ID show it once: at-least-once delivery, collapsed by the
//     receiver, is the strongest guarantee SMTP allows.
func (c *Calendar) DispatchDue(ctx context.Context) (*DispatchReport, error) {
	if c.mailer == nil {
		return nil, fmt.Errorf("seminar: dispatch: %w", ErrNoMailer)
	}
	report := &DispatchReport{}
	for {
		now := c.clock()
		claimed, err := c.outbox.ClaimDue(ctx, now, c.owner, c.rem.Lease, dispatchBatch)
		if err != nil {
			return report, fmt.Errorf("seminar: dispatch: %w", err)
		}
		if len(claimed) == 0 {
			return report, nil
		}
		for _, d := range claimed {
			d, err := c.dispatchOne(ctx, d, now)
			if err != nil && ctx.Err() != nil {
				return report, fmt.Errorf("seminar: dispatch: %w", ctx.Err())
			}
			report.count(d)
		}
	}
}

const dispatchBatch = 20

func (r *DispatchReport) count(d *Delivery) {
	if d == nil {
		return
	}
	switch d.State {
	case StateSent:
		r.Sent++
	case StateRetry:
		r.Retrying++
	case StateFailed:
		r.Failed++
	case StateDropped:
		r.Dropped++
	}
}

// dispatchOne checks that a claimed delivery is still wanted and sends it.
func (c *Calendar) dispatchOne(ctx context.Context, d *Delivery, now time.Time) (*Delivery, error) {
	e, err := c.Get(ctx, d.EventID)
	if errors.Is(err, ErrNotFound) {
		return c.drop(ctx, d, "the event was deleted")
	}
	if err != nil {
		return nil, err
	}
	if reason := c.stale(e, d, now); reason != "" {
		return c.drop(ctx, d, reason)
	}
	if len(d.Recipients) == 0 {
		d.Recipients = slices.Clone(e.Reminders.Lists)
	}
	return c.attempt(ctx, e, d, now)
}

// stale says why a due delivery must not be sent any more, or "".
func (c *Calendar) stale(e *Event, d *Delivery, now time.Time) string {
	switch {
	case e.Cancelled() && d.Kind != KindCancel:
		return "the event is cancelled"
	case d.Kind == KindCancel && !now.Before(e.End):
		return "the talk is over"
	case d.Kind != KindCancel && !now.Before(e.Start):
		return "the talk has already started"
	case d.Kind == KindReminder && d.Sequence != e.Sequence:
		return "superseded by a change of the event"
	case d.Kind == KindReminder && !slices.Contains(e.Reminders.Schedule, d.Lead):
		return "no longer in the event's schedule"
	case len(d.Recipients) == 0 && len(e.Reminders.Lists) == 0:
		return "the event has no reminder lists"
	}
	return ""
}

func (c *Calendar) drop(ctx context.Context, d *Delivery, reason string) (*Delivery, error) {
	d.State = StateDropped
	d.LastError = reason
	d.UpdatedAt = c.clock()
	if err := c.outbox.Finish(ctx, d); err != nil {
		return nil, err
	}
	c.log.LogAttrs(ctx, slog.LevelInfo, "delivery dropped", slog.String("delivery", d.ID), slog.String("reason", reason))
	return d, nil
}

// attempt sends a claimed delivery and records the outcome.
func (c *Calendar) attempt(ctx context.Context, e *Event, d *Delivery, now time.Time) (*Delivery, error) {
	p, err := c.compose(e, d)
	if err != nil {
		d.State, d.LastError = StateFailed, err.Error()
		return c.finish(ctx, d, err)
	}
	res, sendErr := c.mailer.Send(ctx, p.Envelope, p.Raw)
	d.UpdatedAt = c.clock()
	switch {
	case sendErr == nil:
		d.State, d.SentAt, d.LastError = StateSent, d.UpdatedAt, ""
		d.Recipients = slices.Clone(res.Accepted)
		if err := c.followUp(ctx, d, res.Refused, now); err != nil {
			return c.finish(ctx, d, err)
		}
	case errors.Is(sendErr, ErrTemporary) && d.Attempts < c.rem.MaxAttempts:
		d.State, d.LastError = StateRetry, sendErr.Error()
		d.DueAt = now.Add(c.backoff(d.Attempts))
	default:
		d.State, d.LastError = StateFailed, sendErr.Error()
	}
	return c.finish(ctx, d, sendErr)
}

// followUp records recipients refused along an accepted send: those refused
// for good in d.Refused, those refused for now in a new delivery of the same
// message, retried later.
func (c *Calendar) followUp(ctx context.Context, d *Delivery, refused []RecipientError, now time.Time) error {
	var later []string
	var notes []string
	for _, r := range refused {
		if r.Temporary() {
			later = append(later, r.Address)
			continue
		}
		d.Refused = append(d.Refused, r.Address)
		notes = append(notes, r.Error())
	}
	if len(notes) > 0 {
		d.LastError = "refused: " + strings.Join(notes, "; ")
	}
	if len(later) == 0 {
		return nil
	}
	f := d.Clone()
	f.ID = d.ID + ".t" + strconv.Itoa(d.Attempts)
	f.State, f.Recipients, f.Refused = StateRetry, later, nil
	f.Attempts, f.LeaseOwner, f.LeaseUntil, f.SentAt = 0, "", time.Time{}, time.Time{}
	f.DueAt = now.Add(c.backoff(1))
	f.LastError = "refused for now by the server"
	return c.outbox.AddDeliveries(ctx, f)
}

func (c *Calendar) backoff(attempts int) time.Duration {
	d := c.rem.RetryBase
	for i := 1; i < attempts && d < c.rem.RetryMax; i++ {
		d *= 2
	}
	return min(d, c.rem.RetryMax)
}

// finish records the outcome of an attempt; sendErr, if any, is returned
// with it.
func (c *Calendar) finish(ctx context.Context, d *Delivery, sendErr error) (*Delivery, error) {
	if err := c.outbox.Finish(ctx, d); err != nil {
		c.log.LogAttrs(ctx, slog.LevelError, "delivery outcome not recorded", slog.String("delivery", d.ID),
			slog.String("state", string(d.State)), slog.Any("error", err))
		return nil, errors.Join(sendErr, err)
	}
	c.log.LogAttrs(ctx, slog.LevelInfo, "delivery attempted", slog.String("delivery", d.ID),
		slog.String("state", string(d.State)), slog.Int("attempts", d.Attempts), slog.String("error", d.LastError))
	return d, sendErr
}

// reschedule brings an event's outbox in line with a write: cur is the
// event before (nil for a new one), next after it (nil once deleted).
func (c *Calendar) reschedule(ctx context.Context, cur, next *Event) error {
	if c.outbox == nil {
		return nil
	}
	if next == nil {
		_, err := c.outbox.DropPending(ctx, cur.ID, "the event was deleted",
			KindReminder, KindManual, KindUpdate, KindCancel)
		return err
	}
	if cur != nil && cur.Sequence != next.Sequence {
		if _, err := c.outbox.DropPending(ctx, next.ID, "superseded by a change of the event",
			KindReminder, KindManual, KindUpdate); err != nil {
			return err
		}
	}
	past, err := c.outbox.Deliveries(ctx, next.ID)
	if err != nil {
		return err
	}
	now := c.clock()
	var add []*Delivery
	switch {
	case next.Cancelled():
		if cur != nil && !cur.Cancelled() && !c.rem.NoCancelNotices {
			add = c.notice(next, KindCancel, past, "", now)
		}
	default:
		add = c.scheduled(next, past, now)
		if cur != nil && !c.rem.NoUpdateNotices {
			if note := describeChange(cur, next); note != "" {
				add = append(add, c.notice(next, KindUpdate, past, note, now)...)
			}
		}
	}
	return c.outbox.AddDeliveries(ctx, add...)
}

// scheduled returns the reminders of e's schedule not sent yet for any
// version. Reminders already overdue are skipped while a later one is still
// ahead: a talk added two days before it starts gets its one-day reminder,
// not also a late one-week reminder. When all are overdue, the one closest
// to the start goes out at once.
func (c *Calendar) scheduled(e *Event, past []*Delivery, now time.Time) []*Delivery {
	if len(e.Reminders.Lists) == 0 || len(e.Reminders.Schedule) == 0 || !now.Before(e.Start) {
		return nil
	}
	sent := map[time.Duration]bool{}
	for _, d := range past {
		if d.Kind == KindReminder && d.State == StateSent {
			sent[d.Lead] = true
		}
	}
	var ahead []time.Duration
	for _, lead := range e.Reminders.Schedule {
		if e.Start.Add(-lead).After(now) {
			ahead = append(ahead, lead)
		}
	}
	if len(ahead) == 0 {
		ahead = []time.Duration{slices.Min(e.Reminders.Schedule)}
	}
	var out []*Delivery
	for _, lead := range ahead {
		if !sent[lead] {
			out = append(out, c.newDelivery(e, KindReminder, lead, 0, e.Start.Add(-lead)))
		}
	}
	return out
}

// notice returns an update or cancellation notice to every address that
// already got a message about e, or nothing when none was sent.
func (c *Calendar) notice(e *Event, kind DeliveryKind, past []*Delivery, note string, now time.Time) []*Delivery {
	var to []string
	for _, d := range past {
		if d.State != StateSent || d.Kind == KindCancel {
			continue
		}
		for _, addr := range d.Recipients {
			if !slices.Contains(to, addr) {
				to = append(to, addr)
			}
		}
	}
	if len(to) == 0 {
		return nil
	}
	d := c.newDelivery(e, kind, 0, 0, now)
	d.Recipients = to
	d.Note = note
	return []*Delivery{d}
}

// describeChange says, for an update notice, what changed in a way
// subscribers care about: time, place or status; "" if none of those.
func describeChange(before, after *Event) string {
	var parts []string
	for _, what := range significantChange(before, after) {
		switch what {
		case "time":
			b, _ := NewView(before)
			a, _ := NewView(after)
			if b != nil && a != nil {
				parts = append(parts, fmt.Sprintf("the time is now %s, %s (was %s, %s)", a.Date, a.Time, b.Date, b.Time))
			}
		case "location":
			parts = append(parts, fmt.Sprintf("the place is now %s (was %s)",
				orNone(joinSet(", ", after.Location.Room, after.Location.Building, after.Location.Address, after.Location.URL)),
				orNone(joinSet(", ", before.Location.Room, before.Location.Building, before.Location.Address, before.Location.URL))))
		case "status":
			parts = append(parts, "the talk is on again")
		}
	}
	return strings.Join(parts, "; ")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
