package seminar_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/memstore"
)

// fakeICS writes a minimal calendar naming the method, the UID and the
// sequence: enough to see which event and version a message carries.
type fakeICS struct{}

func (fakeICS) EncodeEvent(w io.Writer, e *seminar.Event, method string) error {
	_, err := fmt.Fprintf(w, "BEGIN:VCALENDAR\r\nMETHOD:%s\r\nUID:%s\r\nSEQUENCE:%d\r\nEND:VCALENDAR\r\n", method, e.UID, e.Sequence)
	return err
}

// sent is one message a fakeMailer was asked to send.
type sent struct {
	env seminar.Envelope
	raw string
}

// fakeMailer composes a plain rendering of every field and records sends.
// fail, when set, decides the outcome of each send.
type fakeMailer struct {
	mu   sync.Mutex
	sent []sent
	fail func(env seminar.Envelope) (*seminar.SendResult, error)
}

func (m *fakeMailer) Compose(msg *seminar.Message) ([]byte, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %v\r\nSubject: %s\r\nMessage-ID: <%s>\r\n", msg.From.String(), msg.To, msg.Subject, msg.MessageID)
	if msg.ReplyTo != nil {
		fmt.Fprintf(&b, "Reply-To: %s\r\n", msg.ReplyTo.String())
	}
	for _, h := range msg.Headers {
		fmt.Fprintf(&b, "%s: %s\r\n", h.Name, h.Value)
	}
	fmt.Fprintf(&b, "\r\n%s\r\n--html--\r\n%s\r\n--calendar %s--\r\n%s", msg.Text, msg.HTML, msg.Calendar.Method, msg.Calendar.Data)
	return []byte(b.String()), nil
}

func (m *fakeMailer) Send(ctx context.Context, env seminar.Envelope, raw []byte) (*seminar.SendResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		if res, err := m.fail(env); res != nil || err != nil {
			if err == nil {
				m.sent = append(m.sent, sent{env, string(raw)})
			}
			return res, err
		}
	}
	m.sent = append(m.sent, sent{env, string(raw)})
	return &seminar.SendResult{Accepted: env.To}, nil
}

func (m *fakeMailer) messages() []sent {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]sent(nil), m.sent...)
}

// clock is a settable clock for tests.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

func newReminderCalendar(t *testing.T, store seminar.Store, opts *seminar.ReminderOptions) (*seminar.Calendar, *fakeMailer, *clock) {
	t.Helper()
	mailer := &fakeMailer{}
	clk := &clock{now: seedCreated}
	cal, err := seminar.New(store, &seminar.Options{
		Domain: "csail.mit.edu", TimeZone: "America/New_York", Now: clk.Now,
		Mailer: mailer, ICS: fakeICS{}, From: "CSAIL Seminars <seminars@csail.mit.edu>", Reminders: opts,
	})
	require.NoError(t, err)
	return cal, mailer, clk
}

// storeWithoutOutbox hides memstore's outbox.
type storeWithoutOutbox struct{ seminar.Store }

func TestNew_reminders(t *testing.T) {
	base := func() *seminar.Options {
		return &seminar.Options{Mailer: &fakeMailer{}, ICS: fakeICS{}, From: "seminars@csail.mit.edu"}
	}
	tests := []struct {
		name  string
		store seminar.Store
		edit  func(o *seminar.Options)
		want  string
	}{
		{"no calendar encoder", memstore.New(), func(o *seminar.Options) { o.ICS = nil }, "Options.ICS is nil"},
		{"store without outbox", storeWithoutOutbox{memstore.New()}, func(o *seminar.Options) {}, "does not implement seminar.Outbox"},
		{"bad sender", memstore.New(), func(o *seminar.Options) { o.From = "seminars" }, "not an email address"},
		{"sender with line break", memstore.New(), func(o *seminar.Options) { o.From = "a@b.c\r\nBcc: x@y.z" }, "not an email address"},
		{"template naming a missing field", memstore.New(), func(o *seminar.Options) {
			tmpl, err := seminar.ParseReminderTemplates("{{.NoSuchField}}", "")
			require.NoError(t, err, "the template parses; only executing it finds the mistake")
			o.Reminders = &seminar.ReminderOptions{Templates: tmpl}
		}, "NoSuchField"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := base()
			tt.edit(o)
			_, err := seminar.New(tt.store, o)
			require.ErrorIs(t, err, seminar.ErrInvalid)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	_, err := seminar.New(memstore.New(), base())
	assert.NoError(t, err)
}

func TestCalendar_PreviewReminder(t *testing.T) {
	ctx := context.Background()
	cal, mailer, _ := newReminderCalendar(t, memstore.New(), &seminar.ReminderOptions{RecipientZone: "Europe/Berlin"})
	in := seedEvent(t)
	in.Abstract = "We show that <script>alert(1)</script> & friends are harmless."
	e, err := cal.Create(ctx, in)
	require.NoError(t, err)

	p, err := cal.PreviewReminder(ctx, e.ID)
	require.NoError(t, err)
	assert.Equal(t, 2, p.Recipients)
	assert.Equal(t, []string{"seminars@csail.mit.edu", "vision-meeting@csail.mit.edu"}, p.Envelope.To)
	assert.Equal(t, "seminars@csail.mit.edu", p.Envelope.From)
	m := p.Message
	assert.Equal(t, "TALK: A picture of the energy landscape of deep neural networks", m.Subject)
	assert.Equal(t, "\"CSAIL Seminars\" <seminars@csail.mit.edu>", m.From.String())
	require.NotNil(t, m.ReplyTo)
	assert.Equal(t, "bzhou@csail.mit.edu", m.ReplyTo.Address, "replies go to the contact")
	assert.Contains(t, m.Headers, seminar.Header{Name: "Auto-Submitted", Value: "auto-generated"})
	assert.Contains(t, m.Headers, seminar.Header{Name: "List-Id", Value: "<talks.csail.mit.edu>"})
	assert.Equal(t, e.ID+".manual.s0@csail.mit.edu", m.MessageID)
	assert.Equal(t, "PUBLISH", m.Calendar.Method)
	assert.Contains(t, string(m.Calendar.Data), "METHOD:PUBLISH")

	assert.Contains(t, m.Text, "Time: 4:00 PM to 5:00 PM (all times are in the Eastern Time Zone)\n"+
		"Your time: Monday, June 12, 2017, 10:00 PM to 11:00 PM\n(Central European Summer Time)\n",
		"the text part has the zone note, and the time in the recipients' zone as it is on the day")
	assert.Contains(t, m.HTML, "Your time: Monday, June 12, 2017, 10:00 PM to 11:00 PM (Central European Summer Time)")
	assert.Contains(t, m.Text, "Contact: Bolei Zhou, bzhou@csail.mit.edu")
	assert.Contains(t, m.Text, in.Abstract, "the text part carries the abstract as written")
	assert.NotContains(t, m.HTML, "<script>", "user values are escaped in the HTML part")
	assert.Contains(t, m.HTML, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; friends")
	assert.NotContains(t, strings.ToLower(m.HTML), "<link", "no remote stylesheets")

	assert.Empty(t, mailer.messages(), "a preview sends nothing")
	ds, err := cal.Deliveries(ctx, e.ID)
	require.NoError(t, err)
	for _, d := range ds {
		assert.NotEqual(t, seminar.KindManual, d.Kind, "a preview stores no delivery")
	}

	_, err = cal.SendReminder(ctx, e.ID, false)
	require.NoError(t, err)
	got := mailer.messages()
	require.Len(t, got, 1)
	assert.Equal(t, string(p.Raw), got[0].raw, "the preview is exactly what was sent")
	assert.Equal(t, p.Envelope, got[0].env)
}

func TestCalendar_SendReminder(t *testing.T) {
	ctx := context.Background()
	cal, mailer, _ := newReminderCalendar(t, memstore.New(), nil)
	e, err := cal.Create(ctx, seedEvent(t))
	require.NoError(t, err)

	d, err := cal.SendReminder(ctx, e.ID, false)
	require.NoError(t, err)
	assert.Equal(t, seminar.StateSent, d.State)
	assert.Equal(t, []string{"seminars@csail.mit.edu", "vision-meeting@csail.mit.edu"}, d.Recipients)

	_, err = cal.SendReminder(ctx, e.ID, false)
	assert.ErrorIs(t, err, seminar.ErrAlreadySent, "the same reminder is not sent twice without force")
	assert.Len(t, mailer.messages(), 1)

	forced, err := cal.SendReminder(ctx, e.ID, true)
	require.NoError(t, err)
	assert.NotEqual(t, d.MessageID, forced.MessageID, "a forced resend is a new message")
	require.Len(t, mailer.messages(), 2)
	assert.Contains(t, mailer.messages()[1].raw, "Message-ID: <"+forced.MessageID+">")

	_, err = cal.Cancel(ctx, e.ID, "ill")
	require.NoError(t, err)
	_, err = cal.SendReminder(ctx, e.ID, true)
	assert.ErrorIs(t, err, seminar.ErrCancelled, "a cancelled event never gets a reminder")
	_, err = cal.PreviewReminder(ctx, e.ID)
	assert.ErrorIs(t, err, seminar.ErrCancelled)

	noMail, err := seminar.New(memstore.New(), nil)
	require.NoError(t, err)
	_, err = noMail.SendReminder(ctx, e.ID, false)
	assert.ErrorIs(t, err, seminar.ErrNoMailer)
}

func deliveries(t *testing.T, cal *seminar.Calendar, id string) map[seminar.DeliveryState][]*seminar.Delivery {
	t.Helper()
	ds, err := cal.Deliveries(context.Background(), id)
	require.NoError(t, err)
	out := map[seminar.DeliveryState][]*seminar.Delivery{}
	for _, d := range ds {
		out[d.State] = append(out[d.State], d)
	}
	return out
}

func subjects(ms []sent) []string {
	var out []string
	for _, m := range ms {
		_, rest, _ := strings.Cut(m.raw, "Subject: ")
		subject, _, _ := strings.Cut(rest, "\r\n")
		out = append(out, subject)
	}
	return out
}

func TestCalendar_DispatchDue_lifecycle(t *testing.T) {
	ctx := context.Background()
	cal, mailer, clk := newReminderCalendar(t, memstore.New(), nil)
	e, err := cal.Create(ctx, seedEvent(t)) // created June 9, talk June 12: the one-week reminder is overdue
	require.NoError(t, err)
	pending := deliveries(t, cal, e.ID)[seminar.StatePending]
	require.Len(t, pending, 1, "an overdue reminder is skipped while a later one is ahead")
	assert.Equal(t, 24*time.Hour, pending[0].Lead)
	assert.True(t, pending[0].DueAt.Equal(e.Start.Add(-24*time.Hour)))

	report, err := cal.DispatchDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, seminar.DispatchReport{}, *report, "nothing is due yet")

	clk.Set(e.Start.Add(-24 * time.Hour))
	report, err = cal.DispatchDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, report.Sent)
	report, err = cal.DispatchDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 0, report.Sent, "a delivery is sent once")

	moved := e.Clone()
	moved.Start, moved.End = e.Start.Add(time.Hour), e.End.Add(time.Hour)
	moved.Location.Room = "32-G449"
	_, err = cal.Update(ctx, moved)
	require.NoError(t, err)
	report, err = cal.DispatchDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, report.Sent, "a change of time and place after a reminder sends an update")
	last := mailer.messages()[len(mailer.messages())-1]
	assert.Contains(t, last.raw, "Subject: UPDATED: TALK: A picture")
	text, _, _ := strings.Cut(last.raw, "\r\n--html--\r\n")
	assert.Contains(t, strings.Join(strings.Fields(text), " "),
		"UPDATED: the time is now Monday, June 12, 2017, 5:00 PM to 6:00 PM (was Monday, June 12, 2017, 4:00 PM to 5:00 PM); the place is now 32-G449 (was 32-D507)",
		"the text part says what changed")
	assert.Contains(t, last.raw, "SEQUENCE:1", "the update carries the new version")

	pending = deliveries(t, cal, e.ID)[seminar.StatePending]
	assert.Empty(t, pending, "the one-day reminder went out already; it is not scheduled again")

	_, err = cal.Cancel(ctx, e.ID, "The speaker is ill.")
	require.NoError(t, err)
	report, err = cal.DispatchDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, report.Sent)
	last = mailer.messages()[len(mailer.messages())-1]
	assert.Contains(t, last.raw, "Subject: CANCELLED: TALK: A picture")
	assert.Contains(t, last.raw, "Reason: The speaker is ill.")
	assert.Contains(t, last.raw, "--calendar CANCEL--\r\nBEGIN:VCALENDAR\r\nMETHOD:CANCEL")
	assert.Equal(t, []string{"seminars@csail.mit.edu", "vision-meeting@csail.mit.edu"}, last.env.To,
		"the cancellation goes to every list that got a reminder")
	assert.Equal(t, []string{
		"TALK: A picture of the energy landscape of deep neural networks",
		"UPDATED: TALK: A picture of the energy landscape of deep neural networks",
		"CANCELLED: TALK: A picture of the energy landscape of deep neural networks",
	}, subjects(mailer.messages()))
}

func TestCalendar_DispatchDue_retime(t *testing.T) {
	ctx := context.Background()
	cal, mailer, clk := newReminderCalendar(t, memstore.New(), nil)
	in := seedEvent(t)
	in.Start, in.End = in.Start.AddDate(0, 0, 14), in.End.AddDate(0, 0, 14)
	e, err := cal.Create(ctx, in)
	require.NoError(t, err)
	require.Len(t, deliveries(t, cal, e.ID)[seminar.StatePending], 2, "one week and one day before")

	later := e.Clone()
	later.Start, later.End = e.Start.Add(48*time.Hour), e.End.Add(48*time.Hour)
	later, err = cal.Update(ctx, later)
	require.NoError(t, err)
	byState := deliveries(t, cal, e.ID)
	require.Len(t, byState[seminar.StatePending], 2)
	for _, d := range byState[seminar.StatePending] {
		assert.Equal(t, 1, d.Sequence)
		assert.True(t, d.DueAt.Equal(later.Start.Add(-d.Lead)), "unsent reminders follow the new time")
	}
	assert.Len(t, byState[seminar.StateDropped], 2, "the old ones are dropped, not deleted")

	clk.Set(e.Start.Add(-7 * 24 * time.Hour)) // the old one-week time: the dropped reminder is not sent
	report, err := cal.DispatchDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 0, report.Sent)
	assert.Empty(t, mailer.messages(), "no update notice: nothing had been sent")

	clk.Set(later.Start.Add(time.Minute)) // both are overdue once the talk started
	report, err = cal.DispatchDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, report.Dropped, "a reminder never goes out once its talk has started")
	assert.Empty(t, mailer.messages())
}

func TestCalendar_DispatchDue_failures(t *testing.T) {
	ctx := context.Background()
	cal, mailer, clk := newReminderCalendar(t, memstore.New(), &seminar.ReminderOptions{
		RetryBase: time.Minute, RetryMax: 4 * time.Minute, MaxAttempts: 4,
	})
	e, err := cal.Create(ctx, seedEvent(t))
	require.NoError(t, err)
	due := e.Start.Add(-24 * time.Hour)
	clk.Set(due)

	calls := 0
	mailer.fail = func(env seminar.Envelope) (*seminar.SendResult, error) {
		calls++
		return nil, fmt.Errorf("451 try later: %w", seminar.ErrTemporary)
	}
	var dueTimes []time.Duration
	for range 4 {
		report, err := cal.DispatchDue(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, report.Retrying+report.Failed)
		var d *seminar.Delivery
		for _, ds := range deliveries(t, cal, e.ID) {
			d = ds[0]
		}
		if d.State == seminar.StateFailed {
			break
		}
		dueTimes = append(dueTimes, d.DueAt.Sub(clk.Now()))
		clk.Set(d.DueAt)
	}
	assert.Equal(t, []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute}, dueTimes, "backoff doubles, capped")
	failed := deliveries(t, cal, e.ID)[seminar.StateFailed]
	require.Len(t, failed, 1, "after MaxAttempts the delivery is failed and visible")
	assert.Contains(t, failed[0].LastError, "451 try later")
	assert.Equal(t, 4, calls)
	assert.Empty(t, mailer.messages())
}

func TestCalendar_DispatchDue_permanentAndPartial(t *testing.T) {
	ctx := context.Background()
	cal, mailer, clk := newReminderCalendar(t, memstore.New(), nil)
	in := seedEvent(t)
	in.Reminders.Lists = []string{"a@csail.mit.edu", "b@csail.mit.edu", "c@csail.mit.edu"}
	e, err := cal.Create(ctx, in)
	require.NoError(t, err)
	clk.Set(e.Start.Add(-24 * time.Hour))

	first := true
	mailer.fail = func(env seminar.Envelope) (*seminar.SendResult, error) {
		if !first {
			return nil, nil
		}
		first = false
		return &seminar.SendResult{Accepted: []string{"a@csail.mit.edu"}, Refused: []seminar.RecipientError{
			{Address: "b@csail.mit.edu", Code: 550, Message: "550 no such user"},
			{Address: "c@csail.mit.edu", Code: 451, Message: "451 greylisted"},
		}}, nil
	}
	report, err := cal.DispatchDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, report.Sent)
	byState := deliveries(t, cal, e.ID)
	require.Len(t, byState[seminar.StateSent], 1)
	assert.Equal(t, []string{"b@csail.mit.edu"}, byState[seminar.StateSent][0].Refused)
	assert.Contains(t, byState[seminar.StateSent][0].LastError, "550 no such user")
	require.Len(t, byState[seminar.StateRetry], 1, "a recipient refused for now gets a follow-up")
	follow := byState[seminar.StateRetry][0]
	assert.Equal(t, []string{"c@csail.mit.edu"}, follow.Recipients)
	assert.Equal(t, byState[seminar.StateSent][0].MessageID, follow.MessageID, "the follow-up is the same message")

	clk.Set(follow.DueAt)
	report, err = cal.DispatchDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, report.Sent)
	msgs := mailer.messages()
	require.Len(t, msgs, 2)
	assert.Equal(t, []string{"c@csail.mit.edu"}, msgs[1].env.To)

	mailer.fail = func(env seminar.Envelope) (*seminar.SendResult, error) {
		return nil, fmt.Errorf("552 message too large: %w", seminar.ErrPermanent)
	}
	d, err := cal.SendReminder(ctx, e.ID, false)
	require.ErrorIs(t, err, seminar.ErrPermanent)
	assert.Equal(t, seminar.StateFailed, d.State, "a permanent failure is final and visible")
	assert.Contains(t, d.LastError, "552")
}

func TestCalendar_DispatchDue_concurrent(t *testing.T) {
	ctx := context.Background()
	store := memstore.New()
	const dispatchers, talks = 4, 60
	mailer := &fakeMailer{}
	clk := &clock{now: seedCreated}
	cals := make([]*seminar.Calendar, dispatchers)
	for i := range cals {
		cal, err := seminar.New(store, &seminar.Options{
			Domain: "csail.mit.edu", Now: clk.Now, Mailer: mailer, ICS: fakeICS{}, From: "seminars@csail.mit.edu",
		})
		require.NoError(t, err)
		cals[i] = cal
	}
	var batch []*seminar.Event
	for i := range talks {
		e := seedEvent(t)
		e.Title = fmt.Sprintf("Talk %d", i)
		e.Start, e.End = e.Start.AddDate(0, 0, 10).Add(time.Duration(i)*time.Minute), e.End.AddDate(0, 0, 10).Add(time.Duration(i)*time.Minute)
		batch = append(batch, e)
	}
	_, err := cals[0].CreateMany(ctx, batch)
	require.NoError(t, err)
	clk.Set(seedCreated.AddDate(0, 0, 12).Add(8 * time.Hour)) // both reminders of every talk are due, no talk has started

	var wg sync.WaitGroup
	reports := make([]*seminar.DispatchReport, dispatchers)
	for i, cal := range cals {
		wg.Go(func() {
			r, err := cal.DispatchDue(ctx)
			assert.NoError(t, err)
			reports[i] = r
		})
	}
	wg.Wait()
	total := 0
	for _, r := range reports {
		total += r.Sent
	}
	ids := map[string]int{}
	for _, m := range mailer.messages() {
		_, rest, _ := strings.Cut(m.raw, "Message-ID: <")
		id, _, _ := strings.Cut(rest, ">")
		ids[id]++
	}
	assert.Equal(t, 2*talks, total, "every due reminder is sent by exactly one dispatcher")
	assert.Len(t, ids, 2*talks)
	for id, n := range ids {
		assert.Equal(t, 1, n, "message %s sent once", id)
	}
}

func TestCalendar_SendReminder_afterFailure(t *testing.T) {
	ctx := context.Background()
	cal, mailer, _ := newReminderCalendar(t, memstore.New(), nil)
	e, err := cal.Create(ctx, seedEvent(t))
	require.NoError(t, err)

	mailer.fail = func(seminar.Envelope) (*seminar.SendResult, error) {
		return nil, fmt.Errorf("535 authentication failed: %w", seminar.ErrPermanent)
	}
	_, err = cal.SendReminder(ctx, e.ID, false)
	require.ErrorIs(t, err, seminar.ErrPermanent)
	mailer.fail = nil

	p, err := cal.PreviewReminder(ctx, e.ID)
	require.NoError(t, err)
	d, err := cal.SendReminder(ctx, e.ID, false)
	require.NoError(t, err, "a reminder that failed for good was not sent: sending again needs no force")
	assert.Equal(t, p.Message.MessageID, d.MessageID, "the preview showed the message that was then sent")
	assert.Len(t, mailer.messages(), 1)

	p, err = cal.PreviewReminder(ctx, e.ID)
	require.NoError(t, err)
	forced, err := cal.SendReminder(ctx, e.ID, true)
	require.NoError(t, err)
	assert.Equal(t, p.Message.MessageID, forced.MessageID, "after a send, the preview shows the forced resend")
	assert.NotEqual(t, d.MessageID, forced.MessageID)
}

// textPart returns the text part of a message the fakeMailer composed.
func textPart(raw string) string {
	_, body, _ := strings.Cut(raw, "\r\n\r\n")
	text, _, _ := strings.Cut(body, "\r\n--html--\r\n")
	return text
}

func TestCalendar_PreviewReminder_forAttendees(t *testing.T) {
	ctx := context.Background()
	cal, _, _ := newReminderCalendar(t, memstore.New(), nil)
	e, err := cal.Create(ctx, seedEvent(t))
	require.NoError(t, err)
	p, err := cal.PreviewReminder(ctx, e.ID)
	require.NoError(t, err)
	text, html := p.Message.Text, p.Message.HTML

	assertReadable(t, text)
	assert.True(t, strings.HasPrefix(text, "A picture of the energy landscape of deep neural networks\n\nSpeaker: Pratik Chaudhari (UCLA)\n\n"),
		"the text starts with the title and the speaker:\n%s", text)
	order := []string{"Speaker:", "Date: Monday, June 12, 2017", "Time: 4:00 PM to 5:00 PM (all times are in the Eastern Time Zone)",
		"Location: 32-D507", "Abstract:", "About the speaker:", "arXiv: https://arxiv.org/abs/1611.01838", "Host: Bolei Zhou (MIT CSAIL)",
		"Contact: Bolei Zhou, bzhou@csail.mit.edu"}
	last := -1
	for _, s := range order {
		i := strings.Index(text, s)
		require.GreaterOrEqual(t, i, 0, "the text has %q", s)
		assert.Greater(t, i, last, "%q comes in reading order", s)
		last = i
	}

	for _, w := range []string{"Public", "None", "Reminder", "Created", "seminars@csail.mit.edu", "vision-meeting@csail.mit.edu"} {
		assert.NotContains(t, html, w, "the HTML part is for people: no admin field")
	}
	for _, s := range []string{"<strong>Pratik Chaudhari</strong> (UCLA)", "Monday, June 12, 2017", "4:00 PM to 5:00 PM",
		"(all times are in the Eastern Time Zone)", "32-D507", "Stochastic gradient descent", "About the speaker",
		`<a href="https://arxiv.org/abs/1704.04932"`, "Host: Bolei Zhou (MIT CSAIL)", `<a href="mailto:bzhou@csail.mit.edu"`} {
		assert.Contains(t, html, s, "the HTML part carries the facts of the text part")
	}
	assert.NotContains(t, strings.ToLower(html), "<img", "no remote images in mail")
}

func TestCalendar_PreviewReminder_severalSpeakersOnline(t *testing.T) {
	ctx := context.Background()
	cal, _, _ := newReminderCalendar(t, memstore.New(), nil)
	in := seedEvent(t)
	in.Speakers = append(in.Speakers, seminar.Person{Name: "Stefano Soatto", Affiliation: "UCLA", URL: "https://vision.ucla.edu/", PhotoURL: "https://vision.ucla.edu/soatto.jpg"})
	in.Location = seminar.Location{Room: "32-G449", Building: "Stata Center", URL: "https://mit.zoom.us/j/1234567890?pwd=aVeryLongTokenThatRunsPastTheEndOfAnyLine"}
	e, err := cal.Create(ctx, in)
	require.NoError(t, err)
	p, err := cal.PreviewReminder(ctx, e.ID)
	require.NoError(t, err)
	text := p.Message.Text

	assertReadable(t, text)
	assert.Contains(t, text, "\nSpeakers:\nPratik Chaudhari (UCLA)\nStefano Soatto (UCLA)\n\n")
	assert.Contains(t, text, "\nLocation: 32-G449, Stata Center\nOnline:\nhttps://mit.zoom.us/j/1234567890?pwd=aVeryLongTokenThatRunsPastTheEndOfAnyLine\n",
		"a long URL is never broken")
	assert.Contains(t, text, "\nStefano Soatto: https://vision.ucla.edu/\n")
	assert.NotContains(t, text, "soatto.jpg", "a photo is no use in text")
	assert.NotContains(t, p.Message.HTML, "soatto.jpg", "nor as a remote image in mail")
}

func TestCalendar_PreviewReminder_style(t *testing.T) {
	ctx := context.Background()
	mailer := &fakeMailer{}
	clk := &clock{now: seedCreated}
	cal, err := seminar.New(memstore.New(), &seminar.Options{
		Domain: "csail.mit.edu", Now: clk.Now, Mailer: mailer, ICS: fakeICS{}, From: "seminars@csail.mit.edu",
		Style:     seminar.Style{Clock24: true, DayFirst: true},
		Reminders: &seminar.ReminderOptions{RecipientZone: "Europe/London"},
	})
	require.NoError(t, err)
	e, err := cal.Create(ctx, seedEvent(t))
	require.NoError(t, err)

	p, err := cal.PreviewReminder(ctx, e.ID)
	require.NoError(t, err)
	for part, body := range map[string]string{"text": p.Message.Text, "HTML": p.Message.HTML} {
		assert.Contains(t, body, "Monday 12 June 2017", "the %s part writes the date in the calendar's style", part)
		assert.Contains(t, body, "16:00 to 17:00", "the %s part writes the time in the calendar's style", part)
		assert.Contains(t, body, "Your time: Monday 12 June 2017, 21:00 to 22:00", "the %s part writes the recipients' time in style", part)
		assert.NotContains(t, body, "PM", "the %s part has no 12-hour time", part)
	}
	assert.Contains(t, p.Message.Text, "(British Summer Time)")

	_, err = cal.SendReminder(ctx, e.ID, false)
	require.NoError(t, err)
	moved := e.Clone()
	moved.Start, moved.End = e.Start.Add(time.Hour), e.End.Add(time.Hour)
	_, err = cal.Update(ctx, moved)
	require.NoError(t, err)
	clk.Set(e.Start.Add(-2 * time.Hour))
	_, err = cal.DispatchDue(ctx)
	require.NoError(t, err)
	var notice string
	for _, m := range mailer.messages() {
		if strings.Contains(m.raw, "Subject: UPDATED:") {
			notice = textPart(m.raw)
		}
	}
	require.NotEmpty(t, notice, "the move sent an update notice")
	assert.Contains(t, strings.Join(strings.Fields(notice), " "),
		"UPDATED: the time is now Monday 12 June 2017, 17:00 to 18:00 (was Monday 12 June 2017, 16:00 to 17:00)",
		"the update notice writes times in the calendar's style")
}

func TestParseReminderTemplates_yourTime(t *testing.T) {
	ctx := context.Background()
	tmpl, err := seminar.ParseReminderTemplates(
		"{{define \"your time\"}}In Berlin: {{.RecipientTime}}\n{{end}}{{template \"details\" .}}", "")
	require.NoError(t, err)
	cal, _, _ := newReminderCalendar(t, memstore.New(), &seminar.ReminderOptions{Templates: tmpl, RecipientZone: "Europe/Berlin"})
	e, err := cal.Create(ctx, seedEvent(t))
	require.NoError(t, err)
	p, err := cal.PreviewReminder(ctx, e.ID)
	require.NoError(t, err)
	assert.Contains(t, p.Message.Text, "(all times are in the Eastern Time Zone)\nIn Berlin: Monday, June 12, 2017, 10:00 PM to 11:00 PM (Central European Summer Time)\nLocation: 32-D507\n",
		"a custom text template may reuse the page body and define what follows the time")

	plain, err := seminar.ParseReminderTemplates("{{template \"details\" .}}", "")
	require.NoError(t, err)
	cal, _, _ = newReminderCalendar(t, memstore.New(), &seminar.ReminderOptions{Templates: plain, RecipientZone: "Europe/Berlin"})
	e, err = cal.Create(ctx, seedEvent(t))
	require.NoError(t, err)
	p, err = cal.PreviewReminder(ctx, e.ID)
	require.NoError(t, err)
	assert.Contains(t, p.Message.Text, "(all times are in the Eastern Time Zone)\nLocation: 32-D507\n",
		"\"your time\" is empty unless a template defines it")
}

// A Calendar with the default templates writes its reminders as one given
// the same templates parsed as custom ones, which executes them: byte for
// byte, for every kind of message, with and without the recipient's time.
func TestCalendar_PreviewReminder_defaultTemplatesAsParsed(t *testing.T) {
	parsed, err := seminar.ParseReminderTemplates("", "")
	require.NoError(t, err)
	for _, zone := range []string{"", "Europe/Berlin"} {
		store := memstore.New()
		cal, _, _ := newReminderCalendar(t, store, &seminar.ReminderOptions{RecipientZone: zone})
		custom, _, _ := newReminderCalendar(t, store, &seminar.ReminderOptions{RecipientZone: zone, Templates: parsed})
		e := seedEvent(t)
		e.Speakers = append(e.Speakers, seminar.Person{Name: "Second Speaker", URL: "https://example.org/s2", Bio: "Another bio."})
		e.Type, e.ResearchAreas = "Seminar", []string{"AI", "Vision"}
		e, err := cal.Create(t.Context(), e)
		require.NoError(t, err)
		want, err := custom.PreviewReminder(t.Context(), e.ID)
		require.NoError(t, err)
		got, err := cal.PreviewReminder(t.Context(), e.ID)
		require.NoError(t, err)
		assert.Equal(t, string(want.Raw), string(got.Raw), "the reminder with recipient zone %q", zone)
		assert.Contains(t, string(got.Raw), "Speakers:\nPratik Chaudhari (UCLA)\nSecond Speaker\n")
		assert.Contains(t, string(got.Raw), "<p>Second Speaker: <a href=\"https://example.org/s2\">https://example.org/s2</a></p>")
	}
}
