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
	// Past counts, among Dropped, the messages dropped because their talk
	// had started (or, for a cancellation notice, was over) when they came
	// due: a worker that was down, or a clock far from the talks' times.
	Past int
	// Repaired counts the events whose outbox Reconcile repaired first.
	Repaired int
}

// DispatchDue sends every delivery that is due: scheduled reminders, update
// and cancellation notices, and retries. Run it periodically (every minute,
// say). Several calls may run at once, in one process or several sharing the
// Store: each delivery is claimed by exactly one of them, with a lease held in
// the Store.
//
// The policy:
//   - First, Reconcile repairs the outbox of events written since the last
//     call (all of them, on a Calendar's first call).
//   - A reminder goes out only while its talk is ahead: one due after the
//     talk started is dropped, as is any message but a cancellation for a
//     cancelled event, and a scheduled reminder made for an older version of
//     the event (a newer one was scheduled when it changed). A delivery
//     left sending by a dispatcher that died is taken over once its lease
//     expires, and dropped by the same rules.
//   - A 4xx reply or a network error is retried with exponential backoff
//     (ReminderOptions.RetryBase up to RetryMax) until MaxAttempts; a 5xx
//     reply marks the delivery failed, with the reason in LastError.
//   - Recipients a server refused for now while it accepted others get a
//     follow-up delivery of the same message.
//   - Deliveries are claimed in batches of up to 20. The messages of a
//     batch go to the Mailer together (one after another over one SMTP
//     connection, when it is a BatchMailer such as mail.Mailer, which
//     keeps that connection open for the next batch, up to its
//     Options.MessagesPerConnection), while the next batch is read and
//     composed, and the batch's outcomes are recorded in one transaction
//     once its last message was answered (or each on its own if that
//     transaction fails) while the next batch is sent.
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
	repaired, err := c.Reconcile(ctx)
	report.Repaired = repaired
	if err != nil {
		return report, fmt.Errorf("seminar: dispatch: %w", err)
	}
	// One goroutine claims deliveries and composes their messages, a
	// batch at a time, while this one sends the batch before and records
	// its outcomes: the reads and the composing of a batch overlap the
	// network's round trips of the one before.
	batches := make(chan *claimedBatch)
	go c.prepareDue(ctx, batches)
	// A third goroutine records the outcomes of a sent batch while this
	// one sends the next: at most two batches are sent and not yet
	// recorded, and a dispatcher that dies leaves them to their leases.
	sent := make(chan *claimedBatch)
	recorded := make(chan struct{})
	go func() {
		defer close(recorded)
		for b := range sent {
			for _, d := range c.recordAll(ctx, b.outs) {
				report.count(d)
			}
		}
	}()
	var claimErr error
	for b := range batches {
		if b.err != nil {
			claimErr = b.err
			continue
		}
		c.send(ctx, b)
		sent <- b
	}
	close(sent)
	<-recorded
	switch {
	case claimErr != nil:
		return report, fmt.Errorf("seminar: dispatch: %w", claimErr)
	case ctx.Err() != nil:
		return report, fmt.Errorf("seminar: dispatch: %w", ctx.Err())
	}
	return report, nil
}

// claimedBatch is a batch of claimed deliveries made ready to send: the
// outcome of each, so far, and the messages of those to send.
type claimedBatch struct {
	now     time.Time
	outs    []outcome
	msgs    []Outgoing
	sending []int // the index in outs of each message of msgs
	err     error // the claim's, when it failed
}

// prepareDue claims due deliveries a batch at a time, prepares each batch
// and hands it over on batches, until none is due, ctx is done or a claim
// fails; it closes batches when it is done. Every batch it claimed is
// handed over, so that its outcomes are recorded.
func (c *Calendar) prepareDue(ctx context.Context, batches chan<- *claimedBatch) {
	defer close(batches)
	for ctx.Err() == nil {
		now := c.clock()
		claimed, err := c.outbox.ClaimDue(ctx, now, c.owner, c.rem.Lease, dispatchBatch)
		if err != nil {
			batches <- &claimedBatch{err: err}
			return
		}
		if len(claimed) == 0 {
			return
		}
		batches <- c.prepare(ctx, claimed, now)
	}
}

// dispatchBatch is how many deliveries DispatchDue claims at a time: their
// messages go to the Mailer together (over one connection, with a
// BatchMailer that can; mail.Mailer goes on over it with the next batch),
// and their outcomes are recorded in one transaction.
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
		if d.LastError == reasonStarted || d.LastError == reasonOver {
			r.Past++
		}
	}
}

// outcome is what became of one claimed delivery: d as it is to be
// recorded, the follow-up delivery of the recipients refused for now, if
// any, and the error of its send or composing.
type outcome struct {
	d, follow *Delivery
	err       error
}

// prepare reads the events of the claimed deliveries (in one call, with a
// BatchGetter), drops those no longer wanted and composes the messages of
// the others. A delivery whose event could not be read is left to its
// lease.
func (c *Calendar) prepare(ctx context.Context, claimed []*Delivery, now time.Time) *claimedBatch {
	b := &claimedBatch{now: now, outs: make([]outcome, 0, len(claimed)), msgs: make([]Outgoing, 0, len(claimed))}
	events := c.getClaimed(ctx, claimed)
	for _, d := range claimed {
		e, err := c.eventOf(ctx, d, events)
		if errors.Is(err, ErrNotFound) {
			b.outs = append(b.outs, c.dropped(d, "the event was deleted"))
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			c.log.LogAttrs(ctx, slog.LevelWarn, "delivery left to its lease: its event could not be read",
				slog.String("delivery", d.ID), slog.Any("error", err))
			continue
		}
		if reason := c.stale(e, d, now); reason != "" {
			b.outs = append(b.outs, c.dropped(d, reason))
			continue
		}
		if len(d.Recipients) == 0 {
			d.Recipients = slices.Clone(e.Reminders.Lists)
		}
		p, err := c.compose(ctx, e, d)
		if err != nil {
			d.State, d.LastError, d.UpdatedAt = StateFailed, err.Error(), c.clock()
			b.outs = append(b.outs, outcome{d: d, err: err})
			continue
		}
		b.sending = append(b.sending, len(b.outs))
		b.outs = append(b.outs, outcome{d: d})
		b.msgs = append(b.msgs, Outgoing{Envelope: p.Envelope, Raw: p.Raw})
	}
	return b
}

// getClaimed reads the events of the claimed deliveries in one call when
// the Store is a BatchGetter, and returns them by ID; nil, when it is not
// or the call failed, leaves eventOf to read each event on its own.
func (c *Calendar) getClaimed(ctx context.Context, claimed []*Delivery) map[string]*Event {
	bg, ok := c.store.(BatchGetter)
	if !ok || len(claimed) < 2 {
		return nil
	}
	ids := make([]string, 0, len(claimed))
	for _, d := range claimed {
		ids = append(ids, d.EventID)
	}
	got, err := bg.GetMany(ctx, ids)
	if err != nil {
		c.log.LogAttrs(ctx, slog.LevelWarn, "the events of a batch not read together; reading each",
			slog.Int("deliveries", len(claimed)), slog.Any("error", err))
		return nil
	}
	events := make(map[string]*Event, len(got))
	for _, e := range got {
		events[e.ID] = c.present(e)
	}
	return events
}

// eventOf returns the event of d from events, as getClaimed read them, or
// reads it when events is nil. Deliveries of one event share it: nothing
// that prepares a message changes the event.
func (c *Calendar) eventOf(ctx context.Context, d *Delivery, events map[string]*Event) (*Event, error) {
	if events == nil {
		return c.get(ctx, d.EventID)
	}
	e, ok := events[d.EventID]
	if !ok {
		return nil, fmt.Errorf("event %q: %w", d.EventID, ErrNotFound)
	}
	return e, nil
}

// send sends the messages of a prepared batch and settles the outcome of
// each in b.outs, for recordAll.
func (c *Calendar) send(ctx context.Context, b *claimedBatch) {
	outs := b.outs
	c.sendAll(ctx, b.msgs, func(i int, res *SendResult, err error) {
		o := &outs[b.sending[i]]
		o.follow, o.err = c.settle(o.d, res, err, b.now), err
	})
}

// sendAll sends msgs through the Mailer, together when it is a BatchMailer,
// and calls done with the result of each, once, in order.
func (c *Calendar) sendAll(ctx context.Context, msgs []Outgoing, done func(i int, res *SendResult, err error)) {
	if len(msgs) == 0 {
		return
	}
	if bm, ok := c.mailer.(BatchMailer); ok && len(msgs) > 1 {
		reported := 0
		bm.SendBatch(ctx, msgs, func(i int, res *SendResult, err error) {
			if i != reported {
				return // out of order or twice: a broken BatchMailer
			}
			reported++
			done(i, res, err)
		})
		for i := reported; i < len(msgs); i++ {
			done(i, nil, fmt.Errorf("%w: the mailer did not report this message", ErrTemporary))
		}
		return
	}
	for i, m := range msgs {
		res, err := c.mailer.Send(ctx, m.Envelope, m.Raw)
		done(i, res, err)
	}
}

// stale says why a due delivery must not be sent any more, or "".
func (c *Calendar) stale(e *Event, d *Delivery, now time.Time) string {
	switch {
	case d.Kind == KindCancel && !now.Before(e.End):
		return reasonOver
	case d.Kind != KindCancel && !now.Before(e.Start):
		return reasonStarted
	}
	return superseded(e, d)
}

// The reasons of deliveries dropped as past.
const (
	reasonStarted = "the talk has already started"
	reasonOver    = "the talk is over"
)

// dropped returns the outcome of dropping d for reason.
func (c *Calendar) dropped(d *Delivery, reason string) outcome {
	d.State = StateDropped
	d.LastError = reason
	d.UpdatedAt = c.clock()
	return outcome{d: d}
}

// attempt sends a claimed delivery and records the outcome.
func (c *Calendar) attempt(ctx context.Context, e *Event, d *Delivery, now time.Time) (*Delivery, error) {
	p, err := c.compose(ctx, e, d)
	if err != nil {
		d.State, d.LastError, d.UpdatedAt = StateFailed, err.Error(), c.clock()
		return c.finish(ctx, outcome{d: d, err: err}, false)
	}
	res, sendErr := c.mailer.Send(ctx, p.Envelope, p.Raw)
	follow := c.settle(d, res, sendErr, now)
	return c.finish(ctx, outcome{d: d, follow: follow, err: sendErr}, false)
}

// settle sets the outcome of sending d, which Send returned as res and
// sendErr, and returns the follow-up delivery of the recipients refused
// for now, if any.
func (c *Calendar) settle(d *Delivery, res *SendResult, sendErr error, now time.Time) *Delivery {
	d.UpdatedAt = c.clock()
	switch {
	case sendErr == nil:
		d.State, d.SentAt, d.LastError = StateSent, d.UpdatedAt, ""
		var accepted []string
		var refused []RecipientError
		if res != nil {
			accepted, refused = res.Accepted, res.Refused
		}
		d.Recipients = slices.Clone(accepted)
		return c.followUp(d, refused, now)
	case errors.Is(sendErr, ErrTemporary) && d.Attempts < c.rem.MaxAttempts:
		d.State, d.LastError = StateRetry, sendErr.Error()
		d.DueAt = now.Add(c.backoff(d.Attempts))
	default:
		d.State, d.LastError = StateFailed, sendErr.Error()
	}
	return nil
}

// followUp records recipients refused along an accepted send: those refused
// for good in d.Refused, those refused for now in a new delivery of the same
// message, retried later, which it returns.
func (c *Calendar) followUp(d *Delivery, refused []RecipientError, now time.Time) *Delivery {
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
	return f
}

func (c *Calendar) backoff(attempts int) time.Duration {
	d := c.rem.RetryBase
	for i := 1; i < attempts && d < c.rem.RetryMax; i++ {
		d *= 2
	}
	return min(d, c.rem.RetryMax)
}

// finish records the outcome o of an attempt, and its follow-up delivery
// if any, and returns the delivery recorded, or nil, and the error of the
// send, if any, joined with that of the record. maybeRecorded says that an
// earlier try may have recorded o already.
func (c *Calendar) finish(ctx context.Context, o outcome, maybeRecorded bool) (*Delivery, error) {
	if err := c.record(ctx, o.d, o.follow, maybeRecorded); err != nil {
		c.log.LogAttrs(ctx, slog.LevelError, "delivery outcome not recorded", slog.String("delivery", o.d.ID),
			slog.String("state", string(o.d.State)), slog.Any("error", err))
		return nil, errors.Join(o.err, err)
	}
	c.logOutcome(ctx, o.d)
	return o.d, o.err
}

// logOutcome logs the recorded outcome of d.
func (c *Calendar) logOutcome(ctx context.Context, d *Delivery) {
	if d.State == StateDropped {
		c.log.LogAttrs(ctx, slog.LevelInfo, "delivery dropped", slog.String("delivery", d.ID), slog.String("reason", d.LastError))
		return
	}
	c.log.LogAttrs(ctx, slog.LevelInfo, "delivery attempted", slog.String("delivery", d.ID),
		slog.String("state", string(d.State)), slog.Int("attempts", d.Attempts), slog.String("error", d.LastError))
}

// recordAll records the outcomes outs of a claimed batch, in one
// transaction when it can, and returns the deliveries it recorded. When
// that transaction fails (one delivery's lease was lost, say), it records
// each outcome on its own, so that one outcome that cannot be recorded does
// not hold back the others.
func (c *Calendar) recordAll(ctx context.Context, outs []outcome) []*Delivery {
	recorded := make([]*Delivery, 0, len(outs))
	if len(outs) > 1 {
		err := c.recordBatch(ctx, outs)
		if err == nil {
			for _, o := range outs {
				c.logOutcome(ctx, o.d)
				recorded = append(recorded, o.d)
			}
			return recorded
		}
		c.log.LogAttrs(ctx, slog.LevelWarn, "delivery outcomes not recorded together; recording each",
			slog.Int("deliveries", len(outs)), slog.Any("error", err))
	}
	for _, o := range outs {
		if d, _ := c.finish(ctx, o, len(outs) > 1); d != nil {
			recorded = append(recorded, d)
		}
	}
	return recorded
}

// recordBatch records every outcome of outs, with their follow-up
// deliveries, in one transaction, once: whatever the failure, recordAll
// goes on with record, which tries again.
func (c *Calendar) recordBatch(ctx context.Context, outs []outcome) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	return c.outbox.Atomic(ctx, func(tx Tx) error {
		for _, o := range outs {
			if err := tx.Finish(ctx, o.d); err != nil {
				return err
			}
			if o.follow != nil {
				if err := tx.AddDeliveries(ctx, o.follow); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// recordTries and recordWait bound how record retries: about 2 seconds in
// all, far within any lease.
const (
	recordTries = 4
	recordWait  = 100 * time.Millisecond
)

// record stores the outcome d of a claim, and the follow-up delivery f if
// any, in one step. Once a server took a message, losing its record would
// send it again when the lease expires: so record goes on when ctx is
// cancelled (within recordTimeout), and tries again after a store error
// that may be transient. A retry that finds the claim already finished
// with this very outcome (the first try committed, but its reply was lost)
// counts as done, as does a first try that finds it so when maybeRecorded
// says that an earlier step may have committed it. Neither a retry nor a
// failure ever sends anything.
func (c *Calendar) record(ctx context.Context, d, f *Delivery, maybeRecorded bool) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	wait := recordWait
	var err error
	for try := range recordTries {
		if try > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return errors.Join(err, ctx.Err())
			}
			wait *= 4
		}
		err = c.outbox.Atomic(ctx, func(tx Tx) error {
			if err := tx.Finish(ctx, d); err != nil {
				return err
			}
			if f == nil {
				return nil
			}
			return tx.AddDeliveries(ctx, f)
		})
		switch {
		case err == nil:
			return nil
		case (try > 0 || maybeRecorded) && errors.Is(err, ErrConflict) && c.recorded(ctx, d):
			return nil
		case errors.Is(err, ErrConflict), errors.Is(err, ErrNotFound), errors.Is(err, ErrInvalid):
			return err
		}
		c.log.LogAttrs(ctx, slog.LevelWarn, "delivery outcome not recorded; trying again", slog.String("delivery", d.ID),
			slog.Int("try", try+1), slog.Any("error", err))
	}
	return err
}

// recordTimeout bounds the time record spends, whatever its caller's
// context says.
const recordTimeout = 30 * time.Second

// recorded reports whether the stored delivery holds the outcome d.
func (c *Calendar) recorded(ctx context.Context, d *Delivery) bool {
	stored, err := c.outbox.GetDelivery(ctx, d.ID)
	return err == nil && stored.State == d.State && stored.UpdatedAt.Equal(d.UpdatedAt) &&
		stored.LeaseOwner == d.LeaseOwner
}
