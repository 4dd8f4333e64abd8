// Package deploytest checks that the way a Calendar is deployed does not
// change what it sends: a web process that writes talks without a Mailer
// and a worker that dispatches must deliver the same messages, in the same
// order, reading the same (the talks' random IDs aside), as one process
// holding a Mailer. Each store's tests run it on that store.
package deploytest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	stdmail "net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
	"github.com/seminarkit/seminar/mail"
)

// Open returns two handles on one new, empty store, as two processes would
// hold them: the first for the writer, the second for the worker. A store
// that lives in one process returns the same value twice.
type Open func(t *testing.T) (writer, worker seminar.Store)

// Run plays one term of a talk series twice: once with a writer and a
// worker, once in a single process, and checks that both sent the same
// messages. The term: two talks are created; the first is reminded, moved
// to another room (an update notice to the lists reminded) and cancelled
// (a cancellation notice); the second is cancelled before its reminder is
// due, which sends nothing.
func Run(t *testing.T, open Open) {
	t.Helper()
	split := play(t, open, true)
	single := play(t, open, false)
	want := []string{
		"TALK: Deep Learning and the Geometry of Flat Minima",
		"UPDATED: TALK: Deep Learning and the Geometry of Flat Minima",
		"CANCELLED: TALK: Deep Learning and the Geometry of Flat Minima",
	}
	assert.Equal(t, want, subjects(single),
		"one process with a Mailer must send the reminder, the update and the cancellation of the first talk, and nothing for the second")
	assert.Equal(t, subjects(single), subjects(split),
		"a writer without a Mailer and a separate worker must send what one process sends, in the same order")
	if len(split) == len(single) {
		for i := range single {
			assert.Equal(t, single[i].Envelope.To, split[i].Envelope.To, "message %d must go to the same lists", i)
			assert.Equal(t, single[i].text, split[i].text,
				"message %d must read the same, header fields and every part, with the talks' IDs written alike", i)
		}
	}
}

// sent is a message as a deployment sent it, with the talks' IDs replaced
// by their names.
type sent struct {
	mail.Sent
	text string
}

func subjects(ms []sent) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Subject()
	}
	return out
}

// clock is a settable clock shared by the deployment's Calendars.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

const (
	domain = "csail.mit.edu"
	from   = "CSAIL Seminars <seminars@csail.mit.edu>"
)

// play runs the term on a new store, split between a writer and a worker
// or in one process, and returns what the worker's Mailer took.
func play(t *testing.T, open Open, split bool) []sent {
	t.Helper()
	ctx := t.Context()
	writerStore, workerStore := open(t)
	clk := &clock{now: time.Date(2017, time.June, 1, 14, 0, 0, 0, time.UTC)}
	rec := &mail.Recorder{}
	sendOpts := &seminar.Options{
		Domain: domain, TimeZone: "America/New_York", Now: clk.Now,
		Mailer: rec, ICS: &ical.Attacher{Options: ical.EncodeOptions{Now: clk.Now}}, From: from,
	}
	worker, err := seminar.New(workerStore, sendOpts)
	require.NoError(t, err)
	writer := worker
	if split {
		writer, err = seminar.New(writerStore, &seminar.Options{Domain: domain, TimeZone: "America/New_York", Now: clk.Now})
		require.NoError(t, err, "a Calendar without a Mailer must be made")
	}
	dispatch := func() {
		t.Helper()
		_, err := worker.DispatchDue(ctx)
		require.NoError(t, err, "the worker must dispatch")
	}

	first, err := writer.Create(ctx, talk("Deep Learning and the Geometry of Flat Minima", time.Date(2017, time.June, 12, 20, 0, 0, 0, time.UTC)))
	require.NoError(t, err)
	second, err := writer.Create(ctx, talk("Robust Statistics in High Dimensions", time.Date(2017, time.June, 16, 17, 0, 0, 0, time.UTC)))
	require.NoError(t, err)
	dispatch() // nothing due yet

	clk.set(time.Date(2017, time.June, 11, 21, 0, 0, 0, time.UTC))
	dispatch() // the first talk's one-day reminder

	clk.set(clk.Now().Add(time.Hour))
	moved := first.Clone()
	moved.Location.Room = "32-G449 (Kiva)"
	moved, err = writer.Update(ctx, moved)
	require.NoError(t, err)
	dispatch() // the update notice

	clk.set(clk.Now().Add(time.Hour))
	_, err = writer.Cancel(ctx, second.ID, "The speaker cannot travel")
	require.NoError(t, err)
	dispatch() // nothing: the second talk's lists were told nothing yet

	clk.set(clk.Now().Add(time.Hour))
	_, err = writer.Cancel(ctx, moved.ID, "The speaker is ill")
	require.NoError(t, err)
	dispatch() // the cancellation notice

	clk.set(time.Date(2017, time.June, 15, 18, 0, 0, 0, time.UTC))
	dispatch() // nothing: the second talk is cancelled

	var out []sent
	for _, m := range rec.Messages() {
		text := readable(t, m.Raw)
		text = strings.ReplaceAll(text, first.ID, "first-talk")
		text = strings.ReplaceAll(text, second.ID, "second-talk")
		out = append(out, sent{Sent: m, text: text})
	}
	return out
}

// readable returns what a reader of the message raw sees: its header
// fields, and each part's type and decoded body. MIME boundaries, derived
// from the random IDs, are left out.
func readable(t *testing.T, raw []byte) string {
	t.Helper()
	msg, err := stdmail.ReadMessage(bytes.NewReader(raw))
	require.NoError(t, err, "a sent message must parse")
	var b strings.Builder
	for _, name := range []string{"From", "To", "Reply-To", "Subject", "Date", "Message-Id", "Auto-Submitted", "List-Id"} {
		fmt.Fprintf(&b, "%s: %s\n", name, msg.Header.Get(name))
	}
	writePart(t, &b, textproto.MIMEHeader(msg.Header), msg.Body)
	return b.String()
}

func writePart(t *testing.T, b *strings.Builder, h textproto.MIMEHeader, body io.Reader) {
	t.Helper()
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	require.NoError(t, err, "every part must have a Content-Type")
	if strings.HasPrefix(mediaType, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextRawPart()
			if errors.Is(err, io.EOF) {
				return
			}
			require.NoError(t, err)
			writePart(t, b, p.Header, p)
		}
	}
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	}
	data, err := io.ReadAll(body)
	require.NoError(t, err, "every part must decode")
	delete(params, "boundary")
	fmt.Fprintf(b, "--- %s %v %s\n%s\n", mediaType, params, h.Get("Content-Disposition"), data)
}

// talk returns a talk of the series with two lists and a one-day reminder.
func talk(title string, start time.Time) *seminar.Event {
	return &seminar.Event{
		Title:    title,
		Start:    start,
		End:      start.Add(time.Hour),
		TimeZone: "America/New_York",
		Public:   true,
		Speakers: []seminar.Person{{Name: "Pratik Chaudhari", Affiliation: "UCLA"}},
		Location: seminar.Location{Room: "32-D463 (Star)", Building: "Stata Center"},
		Host:     seminar.Person{Name: "Stefanie Jegelka"},
		Contact:  seminar.Person{Name: "Seminar Desk", Email: "seminars@csail.mit.edu"},
		Reminders: seminar.Reminders{
			Lists:    []string{"seminars@csail.mit.edu", "ml-reading@lists.csail.mit.edu"},
			Schedule: []time.Duration{24 * time.Hour},
		},
	}
}
