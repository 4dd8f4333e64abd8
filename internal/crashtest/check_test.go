package crashtest

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/internal/smtptest"
)

// snapshot is the store's outbox and the SMTP server's messages at one
// moment.
type snapshot struct {
	// events are the stored events by ID.
	events map[string]*seminar.Event
	// deliveries are the deliveries of every event by its ID: of stored
	// events, and of deleted ones (those the children deleted, or that
	// a message the server took names).
	deliveries map[string][]*seminar.Delivery
	// received are the messages the server took, by Message-ID, and
	// arrivals their Message-IDs in the order they arrived.
	received map[string][]smtptest.Message
	arrivals []string
	// byMessageID are the deliveries by Message-ID.
	byMessageID map[string]*seminar.Delivery
}

func (r *run) snapshot(ctx context.Context) *snapshot {
	t := r.t
	t.Helper()
	s := &snapshot{
		events:      map[string]*seminar.Event{},
		deliveries:  map[string][]*seminar.Delivery{},
		received:    map[string][]smtptest.Message{},
		byMessageID: map[string]*seminar.Delivery{},
	}
	for _, m := range r.smtp.Received() {
		id := messageID(m.Data)
		s.received[id] = append(s.received[id], m)
		s.arrivals = append(s.arrivals, id)
	}
	events, err := r.store.List(ctx, seminar.ListQuery{Filter: seminar.Filter{IncludeCancelled: true}, Limit: 1 << 20})
	require.NoError(t, err)
	ids := r.journal.deletedIDs()
	for _, e := range events {
		s.events[e.ID] = e
		ids = append(ids, e.ID)
	}
	for id := range s.received {
		event, _, _ := strings.Cut(id, ".") // a Message-ID is <event>.<kind>...@domain
		ids = append(ids, event)
	}
	for _, id := range ids {
		if _, ok := s.deliveries[id]; ok {
			continue
		}
		ds, err := r.store.Deliveries(ctx, id)
		require.NoError(t, err)
		s.deliveries[id] = ds
		for _, d := range ds {
			s.byMessageID[d.MessageID] = d
		}
	}
	return s
}

// measures are what a run counted, for its log.
type measures struct {
	events, deleted, deliveries int
	byState                     map[seminar.DeliveryState]int
	// arrivals counts the messages the server took, messageIDs the
	// distinct Message-IDs among them.
	arrivals, messageIDs int
	// duplicated counts the Message-IDs the server took more than once,
	// extra the copies beyond the first, and duplicatedTargeted those
	// taken just before a kill that aimed at the moment after the send.
	duplicated, extra, duplicatedTargeted int
	// late counts the reminders and notices that came due and were
	// dropped because their talk started before the outbox recovered.
	late int
	// unrecorded counts the messages the server took whose delivery is
	// recorded as not sent: the record was lost in a crash, and the
	// delivery was dropped when taken over (its talk had changed).
	unrecorded int
}

func (m measures) String() string {
	return fmt.Sprintf("%d events (%d deleted), %d deliveries %v; the server took %d messages with %d Message-IDs: "+
		"%d Message-IDs more than once (%d copies too many; %d of them right after a send whose outcome a kill cut off); "+
		"%d due messages dropped because the talk started before recovery; %d messages that went out recorded as not sent",
		m.events, m.deleted, m.deliveries, m.byState, m.arrivals, m.messageIDs,
		m.duplicated, m.extra, m.duplicatedTargeted, m.late, m.unrecorded)
}

// check runs the checks of the outbox and the messages once the outbox,
// recovered at recovered, settled at settled; targeted are the
// Message-IDs the server took just before a kill.
func check(t *testing.T, s *snapshot, recovered, settled time.Time, targeted map[string]bool) measures {
	t.Helper()
	m := measures{events: len(s.events), byState: map[seminar.DeliveryState]int{}}
	for id, ds := range s.deliveries {
		e := s.events[id]
		if e == nil {
			m.deleted++
		}
		for _, d := range ds {
			m.deliveries++
			m.byState[d.State]++
			if checkDelivery(t, e, d, recovered, settled) {
				m.late++
			}
		}
	}
	checkMessages(t, s, targeted, &m)
	checkLastMessages(t, s, recovered, settled)
	return m
}

// checkDelivery checks one delivery of the event e (nil once deleted) and
// reports whether it is late: due, and dropped because its talk started
// before the outbox recovered.
func checkDelivery(t *testing.T, e *seminar.Event, d *seminar.Delivery, recovered, settled time.Time) bool {
	t.Helper()
	waiting := d.State == seminar.StatePending || d.State == seminar.StateRetry
	due := !d.DueAt.After(settled)
	switch {
	case d.State == seminar.StateSending:
		t.Errorf("nothing may be left sending once the outbox recovered: %s is sending, lease until %s", d.ID, d.LeaseUntil)
	case d.State == seminar.StateFailed:
		t.Errorf("no delivery to a server that takes every message may fail: %s failed: %s", d.ID, d.LastError)
	case waiting && e == nil:
		t.Errorf("a deleted event must have nothing waiting to be sent: %s is %s", d.ID, d.State)
	case waiting && e.Cancelled() && d.Kind != seminar.KindCancel:
		t.Errorf("a cancelled event must have no reminder or update waiting to be sent: %s is %s", d.ID, d.State)
	case waiting && due:
		t.Errorf("every delivery due when the outbox settled must be sent or dropped: %s is %s, due %s", d.ID, d.State, d.DueAt)
	}
	if !due || !wanted(e, d) || d.State == seminar.StateSent {
		return false
	}
	if late(e, d, recovered) {
		return true
	}
	t.Errorf("every reminder and notice that came due for the current version of an event, whose talk had not started when "+
		"the outbox recovered, must arrive: %s is %s (%s), due %s, talk at %s, recovered at %s",
		d.ID, d.State, d.LastError, d.DueAt, e.Start, recovered)
	return false
}

// late reports whether d was dropped because the talk e had started, which
// only a talk that started before the outbox recovered excuses.
func late(e *seminar.Event, d *seminar.Delivery, recovered time.Time) bool {
	return d.State == seminar.StateDropped && d.LastError == "the talk has already started" &&
		e.Start.Before(recovered.Add(recoverySlack))
}

// wanted reports whether the delivery d must go out for the event e as it
// is: a reminder or update notice of its current version while it is on,
// or the cancellation notice of its current version once it is cancelled.
func wanted(e *seminar.Event, d *seminar.Delivery) bool {
	if e == nil || d.Sequence != e.Sequence {
		return false
	}
	if e.Cancelled() {
		return d.Kind == seminar.KindCancel
	}
	return d.Kind == seminar.KindReminder || d.Kind == seminar.KindUpdate
}

// checkMessages checks the messages the server took against the outbox:
// every delivery recorded as sent arrived, to its recipients; every message
// is a delivery; a Message-ID that arrived more than once was the same
// message each time.
func checkMessages(t *testing.T, s *snapshot, targeted map[string]bool, m *measures) {
	t.Helper()
	for _, d := range s.byMessageID {
		if d.State == seminar.StateSent {
			checkArrived(t, d, s.received[d.MessageID])
		}
	}
	for id, copies := range s.received {
		m.messageIDs++
		m.arrivals += len(copies)
		d := s.byMessageID[id]
		switch {
		case d == nil:
			t.Errorf("every message the server took must be a delivery of the outbox: no delivery has Message-ID %q", id)
		case d.State != seminar.StateSent:
			m.unrecorded++
		}
		if len(copies) > 1 {
			m.duplicated++
			m.extra += len(copies) - 1
			if targeted[id] {
				m.duplicatedTargeted++
			}
			checkSameMessage(t, id, copies)
		}
	}
}

// checkArrived checks that the sent delivery d reached the server, to its
// recipients.
func checkArrived(t *testing.T, d *seminar.Delivery, copies []smtptest.Message) {
	t.Helper()
	if len(copies) == 0 {
		t.Errorf("every delivery recorded as sent must have reached the SMTP server: %s (Message-ID %s) did not", d.ID, d.MessageID)
		return
	}
	want := slices.Sorted(slices.Values(d.Recipients))
	for _, c := range copies {
		if slices.Equal(slices.Sorted(slices.Values(c.To)), want) {
			return
		}
	}
	t.Errorf("a delivery recorded as sent must have reached the server for its recipients: %s went to %v, recorded %v",
		d.ID, copies[0].To, d.Recipients)
}

// checkSameMessage checks that the copies of one Message-ID are one
// message, sent again: the same envelope and the same text but for the
// time of writing, so that a receiver that collapses copies by Message-ID
// loses nothing.
func checkSameMessage(t *testing.T, id string, copies []smtptest.Message) {
	t.Helper()
	first, err := resent(copies[0].Data)
	require.NoError(t, err, "a message the server took must parse")
	for _, c := range copies[1:] {
		again, err := resent(c.Data)
		require.NoError(t, err, "a message the server took must parse")
		assert.Equal(t, copies[0].To, c.To, "a message sent again with Message-ID %s must go to the same recipients", id)
		assert.Equal(t, first, again, "a message sent again with Message-ID %s must be the same message, so that receivers collapse the copies", id)
	}
}

// checkReconcile checks that a Calendar made afresh, whose first Reconcile
// looks at every event, finds every event's deliveries agreeing with its
// state.
func checkReconcile(ctx context.Context, t *testing.T, store seminar.Store) {
	t.Helper()
	var log strings.Builder
	cal, err := seminar.New(store, &seminar.Options{Domain: domain, Logger: slog.New(slog.NewTextHandler(&log, nil))})
	require.NoError(t, err)
	repaired, err := cal.Reconcile(ctx)
	require.NoError(t, err)
	assert.Zero(t, repaired, "every event's deliveries must agree with its state: a Calendar made afresh repaired %d events:\n%s",
		repaired, log.String())
}

// checkLastMessages checks that the lists of every event that got a
// message about it got the state it is in last: a cancelled talk's last
// message is its cancellation notice, and a talk that is on has had a
// message about its current version, or has one still to come, or its
// talk started before the outbox recovered. It counts the messages that
// went out while their record was lost in a crash, which Reconcile cannot
// see.
func checkLastMessages(t *testing.T, s *snapshot, recovered, settled time.Time) {
	t.Helper()
	last := map[string]*seminar.Delivery{}
	for _, id := range s.arrivals {
		if d := s.byMessageID[id]; d != nil {
			last[d.EventID] = d
		}
	}
	for id, d := range last {
		e := s.events[id]
		switch {
		case e == nil:
		case e.Cancelled():
			if d.Kind != seminar.KindCancel {
				t.Errorf("lists told about a talk that was then cancelled must get its cancellation notice last: "+
					"the last message about %s was %s, and it is cancelled at sequence %d", id, d.ID, e.Sequence)
			}
		case d.Kind == seminar.KindCancel || d.Sequence != e.Sequence:
			if !toCome(e, s.deliveries[id], recovered, settled) {
				t.Errorf("lists told about a talk must be told about the version it is at, by a reminder or an update "+
					"notice: the last message about %s was %s, and it is on at sequence %d with nothing to come", id, d.ID, e.Sequence)
			}
		}
	}
}

// toCome reports whether the event e, which is on, has a reminder or
// update notice of its current version still to come after settled, or
// one that its talk's start before the outbox recovered excuses.
func toCome(e *seminar.Event, ds []*seminar.Delivery, recovered, settled time.Time) bool {
	for _, d := range ds {
		if !wanted(e, d) {
			continue
		}
		pending := d.State == seminar.StatePending || d.State == seminar.StateRetry
		if (pending && d.DueAt.After(settled)) || late(e, d, recovered) {
			return true
		}
	}
	return false
}
