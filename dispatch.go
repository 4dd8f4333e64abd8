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
	e, err := c.get(ctx, d.EventID)
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
	return c.addDeliveries(ctx, f)
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
