package seminar_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/mail"
	"github.com/seminarkit/seminar/store/memstore"
)

// kinds returns the kind and state of each delivery of the event.
func kinds(t *testing.T, o seminar.Outbox, id string) []string {
	t.Helper()
	ds, err := o.Deliveries(t.Context(), id)
	require.NoError(t, err)
	var out []string
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%s s%d %s", d.Kind, d.Sequence, d.State))
	}
	return out
}

func TestCalendar_withoutMailer_schedules(t *testing.T) {
	store := memstore.New()
	clk := &clock{now: seedCreated}
	cal, err := seminar.New(store, &seminar.Options{Now: clk.Now})
	require.NoError(t, err, "a Calendar needs no Mailer, ICS or From to write talks")

	talk, err := cal.Create(t.Context(), seedEvent(t))
	require.NoError(t, err)
	assert.Equal(t, []string{"reminder s0 pending"}, kinds(t, store, talk.ID),
		"a Calendar without a Mailer must schedule the reminder, for a worker to send")

	moved := talk.Clone()
	moved.Start, moved.End = talk.Start.Add(time.Hour), talk.End.Add(time.Hour)
	_, err = cal.Update(t.Context(), moved)
	require.NoError(t, err)
	assert.Equal(t, []string{"reminder s0 dropped", "reminder s1 pending"}, kinds(t, store, talk.ID),
		"a Calendar without a Mailer must re-time the reminder when the talk moves")

	_, err = cal.DispatchDue(t.Context())
	assert.ErrorIs(t, err, seminar.ErrNoMailer, "dispatching needs a Mailer")
	_, err = cal.PreviewReminder(t.Context(), talk.ID)
	assert.ErrorIs(t, err, seminar.ErrNoMailer, "previewing needs a Composer")
	assert.Contains(t, err.Error(), "Options.Composer", "the error must say how to preview without sending")
}

func TestCalendar_PreviewReminder_withComposerOnly(t *testing.T) {
	store := memstore.New()
	clk := &clock{now: seedCreated}
	opts := func(m seminar.Mailer) *seminar.Options {
		return &seminar.Options{Domain: "csail.mit.edu", Now: clk.Now, Composer: mail.Composer{}, Mailer: m,
			ICS: fakeICS{}, From: "CSAIL Seminars <seminars@csail.mit.edu>"}
	}
	web, err := seminar.New(store, opts(nil))
	require.NoError(t, err, "a Calendar with a Composer and no Mailer must be made")
	rec := &mail.Recorder{}
	worker, err := seminar.New(store, opts(rec))
	require.NoError(t, err)

	talk, err := web.Create(t.Context(), seedEvent(t))
	require.NoError(t, err)
	p, err := web.PreviewReminder(t.Context(), talk.ID)
	require.NoError(t, err, "a Calendar with a Composer must preview without an SMTP server")
	_, err = web.SendReminder(t.Context(), talk.ID, false)
	assert.ErrorIs(t, err, seminar.ErrNoMailer, "a Calendar without a Mailer must not send")

	_, err = worker.SendReminder(t.Context(), talk.ID, false)
	require.NoError(t, err)
	msgs := rec.Messages()
	require.Len(t, msgs, 1)
	assert.Equal(t, string(p.Raw), string(msgs[0].Raw),
		"the web process's preview must be byte for byte what the worker sends, at the same clock")
}

func TestNew_previewOrSendNeeds(t *testing.T) {
	for name, tc := range map[string]struct {
		opts *seminar.Options
		want string
	}{
		"composer without From": {&seminar.Options{Composer: mail.Composer{}, ICS: fakeICS{}}, "Options.From is empty"},
		"composer without ICS":  {&seminar.Options{Composer: mail.Composer{}, From: "a@b.c"}, "Options.ICS is nil"},
		"mailer without From":   {&seminar.Options{Mailer: &fakeMailer{}, ICS: fakeICS{}}, "a Calendar that sends reminders needs the sender"},
		"bad From, no mailer":   {&seminar.Options{From: "not an address"}, "not an email address"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := seminar.New(memstore.New(), tc.opts)
			require.ErrorIs(t, err, seminar.ErrInvalid)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestCalendar_SendReminder_startedTalk(t *testing.T) {
	cal, mailer, clk := newReminderCalendar(t, memstore.New(), nil)
	talk, err := cal.Create(t.Context(), seedEvent(t))
	require.NoError(t, err)
	clk.Set(talk.Start.Add(5 * time.Minute))

	_, err = cal.SendReminder(t.Context(), talk.ID, false)
	require.ErrorIs(t, err, seminar.ErrStarted, "a manual send of a started talk must be refused")
	assert.Contains(t, err.Error(), "force", "the refusal must say how to send anyway")
	assert.Empty(t, mailer.messages(), "a refused send must send nothing")

	d, err := cal.SendReminder(t.Context(), talk.ID, true)
	require.NoError(t, err, "a forced send of a started talk must go out")
	assert.Equal(t, seminar.StateSent, d.State)
	assert.Len(t, mailer.messages(), 1)
}

func TestCalendar_templatesCheckedPerEvent(t *testing.T) {
	cal, _ := newCalendar(t)
	bad := seedEvent(t)
	bad.Reminders.Subject = "TALK: {{.NoSuchField}}"
	_, err := cal.Create(t.Context(), bad)
	var verr *seminar.ValidationError
	require.ErrorAs(t, err, &verr, "a subject that cannot be written for the event must be refused at Create")
	assert.Equal(t, "reminders.subject", verr.Fields[0].Path)

	// The sample event New tries templates on has one link; the seed talk
	// has two.
	tmpl, err := seminar.ParseReminderTemplates(`{{if and (eq .Kind "cancel") (gt (len .Links) 1)}}{{index .Speakers 3}}{{end}}ok`, "")
	require.NoError(t, err)
	store := memstore.New()
	custom, err := seminar.New(store, &seminar.Options{Reminders: &seminar.ReminderOptions{Templates: tmpl}})
	require.NoError(t, err, "the template holds for New's sample event")
	_, err = custom.Create(t.Context(), seedEvent(t))
	require.ErrorAs(t, err, &verr, "a body template that fails for the event, even for one kind of message, must be refused at Create")
	assert.Equal(t, "reminders", verr.Fields[0].Path)
	assert.Contains(t, verr.Fields[0].Message, "cancel")
}

func TestCalendar_Reconcile(t *testing.T) {
	store := memstore.New()
	rec := &mail.Recorder{}
	clk := &clock{now: seedCreated}
	cal, err := seminar.New(store, &seminar.Options{Domain: "csail.mit.edu", Now: clk.Now, Mailer: rec, ICS: fakeICS{},
		From: "seminars@csail.mit.edu"})
	require.NoError(t, err)

	// Talks written straight into the store, as an older version of the
	// package or another tool would: no deliveries.
	e := seedEvent(t)
	e.ID, e.UID, e.Version, e.CreatedAt, e.UpdatedAt = "old", "old@csail.mit.edu", 1, seedCreated, seedCreated
	require.NoError(t, store.Create(t.Context(), e))
	n, err := cal.Reconcile(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 1, n, "Reconcile must repair the talk without deliveries")
	assert.Equal(t, []string{"reminder s0 pending"}, kinds(t, store, "old"), "Reconcile must schedule the talk's reminder")

	n, err = cal.Reconcile(t.Context())
	require.NoError(t, err)
	assert.Zero(t, n, "a second Reconcile with nothing written must repair nothing")

	// The reminder goes out; then another tool moves the talk without
	// touching the outbox.
	clk.Set(e.Start.Add(-23 * time.Hour))
	r, err := cal.DispatchDue(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 1, r.Sent)
	cur, err := store.Get(t.Context(), "old")
	require.NoError(t, err)
	moved := cur.Clone()
	moved.Start, moved.End, moved.Sequence, moved.Version = cur.Start.Add(2*time.Hour), cur.End.Add(2*time.Hour), 1, 2
	require.NoError(t, store.Update(t.Context(), moved, 1))
	r, err = cal.DispatchDue(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 1, r.Repaired, "DispatchDue must reconcile the talk written behind its back")
	assert.Equal(t, 1, r.Sent, "the lists reminded must get an update notice")
	msgs := rec.Messages()
	require.Len(t, msgs, 2)
	assert.Equal(t, "UPDATED: "+msgs[0].Subject(), msgs[1].Subject())

	// A store restored from a backup goes back in time: everything is
	// looked at again.
	restored := memstore.New()
	require.NoError(t, restored.Create(t.Context(), e))
	cal2, err := seminar.New(restored, &seminar.Options{Now: clk.Now})
	require.NoError(t, err)
	for range 3 {
		_, err := cal2.Update(t.Context(), mustGet(t, cal2, "old"))
		require.NoError(t, err)
	}
	_, err = cal2.Reconcile(t.Context())
	require.NoError(t, err)
}

func mustGet(t *testing.T, cal *seminar.Calendar, id string) *seminar.Event {
	t.Helper()
	e, err := cal.Get(t.Context(), id)
	require.NoError(t, err)
	return e
}

// flakyOutbox is a memstore whose transactions fail while failAtomic is
// positive, as a store that lost its connection does, committing nothing.
type flakyOutbox struct {
	*memstore.Store
	failAtomic atomic.Int32
	// failAdd makes each transaction's AddDeliveries and Drop fail.
	failAdd bool
}

var errConnection = errors.New("connection reset by peer")

func (s *flakyOutbox) Atomic(ctx context.Context, fn func(tx seminar.Tx) error) error {
	if s.failAtomic.Add(-1) >= 0 {
		return errConnection
	}
	return s.Store.Atomic(ctx, func(tx seminar.Tx) error {
		if s.failAdd {
			return fn(refusingTx{tx})
		}
		return fn(tx)
	})
}

type refusingTx struct{ seminar.Tx }

func (refusingTx) AddDeliveries(context.Context, ...*seminar.Delivery) error {
	return fmt.Errorf("%w: the outbox is full", seminar.ErrInvalid)
}

func (refusingTx) Drop(context.Context, string, ...string) (int, error) {
	return 0, fmt.Errorf("%w: the outbox is read-only", seminar.ErrInvalid)
}

func TestCalendar_writeAndOutboxAreOneStep(t *testing.T) {
	store := &flakyOutbox{Store: memstore.New()}
	cal, _, clk := newReminderCalendar(t, store, nil)
	talk, err := cal.Create(t.Context(), seedEvent(t))
	require.NoError(t, err)

	store.failAdd = true
	moved := talk.Clone()
	moved.Start, moved.End = talk.Start.Add(time.Hour), talk.End.Add(time.Hour)
	_, err = cal.Update(t.Context(), moved)
	require.ErrorIs(t, err, seminar.ErrInvalid, "a write whose outbox part fails must fail")
	_, err = cal.Cancel(t.Context(), talk.ID, "ill")
	require.ErrorIs(t, err, seminar.ErrInvalid)
	got := mustGet(t, cal, talk.ID)
	assert.Equal(t, talk.Version, got.Version, "a write whose outbox part fails must leave the event at its old Version")
	assert.True(t, got.Start.Equal(talk.Start))
	assert.Equal(t, []string{"reminder s0 pending"}, kinds(t, store, talk.ID), "and its outbox as it was")

	store.failAdd = false
	clk.Set(talk.Start.Add(-time.Hour))
	_, err = cal.Cancel(t.Context(), talk.ID, "ill")
	require.NoError(t, err)
	assert.Equal(t, []string{"reminder s0 dropped"}, kinds(t, store, talk.ID),
		"cancelling before the reminder went out must drop it and send no notice")
}

func TestCalendar_DispatchDue_recordRetried(t *testing.T) {
	store := &flakyOutbox{Store: memstore.New()}
	cal, mailer, clk := newReminderCalendar(t, store, nil)
	talk, err := cal.Create(t.Context(), seedEvent(t))
	require.NoError(t, err)
	clk.Set(talk.Start.Add(-time.Hour))
	// Reconcile reads without a transaction; the claim needs none; the
	// first two transactions, recording the send, fail.
	store.failAtomic.Store(2)
	r, err := cal.DispatchDue(t.Context())
	require.NoError(t, err, "a record that fails twice for a transient reason must be tried again")
	assert.Equal(t, 1, r.Sent)
	assert.Len(t, mailer.messages(), 1)
	assert.Equal(t, []string{"reminder s0 sent"}, kinds(t, store, talk.ID))

	r, err = cal.DispatchDue(t.Context())
	require.NoError(t, err)
	assert.Zero(t, r.Sent, "a recorded send is never sent again")
	assert.Len(t, mailer.messages(), 1)
}

func TestCalendar_DispatchDue_sendingForCancelledEventEndsDropped(t *testing.T) {
	store := memstore.New()
	cal, mailer, clk := newReminderCalendar(t, store, &seminar.ReminderOptions{Lease: time.Minute})
	talk, err := cal.Create(t.Context(), seedEvent(t))
	require.NoError(t, err)
	due := talk.Start.Add(-24 * time.Hour)
	// A dispatcher claims the reminder and dies.
	claimed, err := store.ClaimDue(t.Context(), due, "dead", time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	clk.Set(due.Add(10 * time.Second))
	_, err = cal.Cancel(t.Context(), talk.ID, "ill")
	require.NoError(t, err)

	clk.Set(due.Add(2 * time.Minute))
	r, err := cal.DispatchDue(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 1, r.Dropped)
	d, err := store.GetDelivery(t.Context(), claimed[0].ID)
	require.NoError(t, err)
	assert.Equal(t, seminar.StateDropped, d.State, "a delivery left sending for a cancelled event must end dropped")
	assert.Equal(t, "the event is cancelled", d.LastError)
	msgs := mailer.messages()
	require.Len(t, msgs, 1, "the lists that may have got the reminder get the cancellation notice, and nothing else")
	assert.Contains(t, msgs[0].raw, "Subject: CANCELLED: ")
}
