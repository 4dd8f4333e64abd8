package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/internal/mailcheck"
	"github.com/seminarkit/seminar/internal/smtptest"
	"github.com/seminarkit/seminar/store/sqlite"
)

// TestDispatch_sessions dispatches 45 due reminders, more than two claimed
// batches, over sessions of several messages to a server that allows 7
// messages a connection, refuses one message for good and one for now:
// every other reminder arrives once and is recorded sent, the refused
// ones are recorded failed and retrying, and the one refused for now goes
// out on the next dispatch after its backoff. One message per connection
// records the same outcomes.
func TestDispatch_sessions(t *testing.T) {
	const n = 45
	var talks []*seminar.Event
	for i := range n {
		e := talk(t, fmt.Sprintf("Talk %02d", i), 20, 9)
		e.Start, e.End = e.Start.Add(time.Duration(i)*time.Minute), e.End.Add(time.Duration(i)*time.Minute)
		e.Reminders.Schedule = []time.Duration{24 * time.Hour}
		talks = append(talks, e)
	}
	db, _ := newDB(t, time.Date(2017, time.June, 1, 12, 0, 0, 0, time.UTC), talks...)

	for _, perConn := range []int{100, 1} {
		t.Run(fmt.Sprintf("per-connection=%d", perConn), func(t *testing.T) {
			ctx := context.Background()
			ts := startServer(t, &smtptest.Options{TLS: smtptest.Plaintext, MaxMessagesPerConnection: 7, Transcripts: true})
			ts.ScriptData(nil, nil, &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "rejected"},
				nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil,
				&smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"})
			clk := &testClock{now: benchNow}
			c := &config{smtp: ts.Addr, insecure: true, perConn: perConn, from: "seminars@csail.mit.edu", domain: testDomain, now: clk.Now}
			mailer, err := c.mailer()
			require.NoError(t, err)
			store, err := sqlite.Open(ctx, copyDB(t, db), nil)
			require.NoError(t, err)
			t.Cleanup(func() { _ = store.Close() })
			cal, err := seminar.New(store, c.calendarOptions(mailer, io.Discard))
			require.NoError(t, err)

			r, err := cal.DispatchDue(ctx)
			require.NoError(t, err)
			assert.Equal(t, seminar.DispatchReport{Sent: n - 2, Retrying: 1, Failed: 1}, *r)

			states := map[seminar.DeliveryState][]*seminar.Delivery{}
			events, err := store.List(ctx, seminar.ListQuery{Limit: 2 * n})
			require.NoError(t, err)
			for _, e := range events {
				ds, err := store.Deliveries(ctx, e.ID)
				require.NoError(t, err)
				require.Len(t, ds, 1)
				states[ds[0].State] = append(states[ds[0].State], ds[0])
			}
			require.Len(t, states[seminar.StateSent], n-2)
			require.Len(t, states[seminar.StateFailed], 1)
			require.Len(t, states[seminar.StateRetry], 1)
			assert.Contains(t, states[seminar.StateFailed][0].LastError, "550")
			arrived := map[string]int{}
			for _, m := range ts.Received() {
				arrived[messageIDOf(t, m.Data)]++
			}
			for _, d := range states[seminar.StateSent] {
				assert.Equal(t, 1, arrived[d.MessageID], "%s arrived once", d.ID)
			}
			assert.Len(t, arrived, n-2, "the refused messages did not arrive")
			for _, s := range ts.Transcripts() {
				assert.LessOrEqual(t, countMessages(s), 8, "at most 7 messages a connection, and an eighth only if refused")
			}
			if perConn == 1 {
				assert.Equal(t, n, ts.Sessions(), "a connection per message")
			} else {
				assert.Less(t, ts.Sessions(), n/5, "several messages a connection")
			}

			clk.Add(time.Minute)
			r, err = cal.DispatchDue(ctx)
			require.NoError(t, err)
			assert.Equal(t, seminar.DispatchReport{Sent: 1}, *r, "the message refused for now goes out after its backoff")
			arrived = map[string]int{}
			for _, m := range ts.Received() {
				arrived[messageIDOf(t, m.Data)]++
			}
			assert.Equal(t, 1, arrived[states[seminar.StateRetry][0].MessageID])
			assert.Len(t, arrived, n-1)
		})
	}
}

// messageIDOf returns the Message-ID of raw without angle brackets.
func messageIDOf(t *testing.T, raw []byte) string {
	t.Helper()
	m, err := mailcheck.Parse(raw)
	require.NoError(t, err)
	id := m.Header.Get("Message-Id")
	require.NotEmpty(t, id)
	return id[1 : len(id)-1]
}

// countMessages counts the messages a transcript carries, each ending
// with a line holding a dot. DATA commands would count one more where the
// server refused a MAIL FROM that DATA followed, pipelined.
func countMessages(transcript []byte) int {
	return bytes.Count(transcript, []byte("\r\n.\r\n"))
}

// The command's dispatch sends its batches of reminders over one
// connection, and ends it with QUIT before it exits.
func TestRun_dispatchOneConnection(t *testing.T) {
	const n = 45 // three batches of claims
	var talks []*seminar.Event
	for i := range n {
		e := talk(t, fmt.Sprintf("Talk %02d", i), 20, 9)
		e.Start, e.End = e.Start.Add(time.Duration(i)*time.Minute), e.End.Add(time.Duration(i)*time.Minute)
		e.Reminders.Schedule = []time.Duration{24 * time.Hour}
		talks = append(talks, e)
	}
	db, _ := newDB(t, time.Date(2017, time.June, 1, 12, 0, 0, 0, time.UTC), talks...)
	ts := startServer(t, &smtptest.Options{TLS: smtptest.Plaintext, Transcripts: true})
	r := runCmd(t, "-db", db, "-smtp", ts.Addr, "-insecure", "-dispatch", "-now", "2017-06-20T06:00:00Z")
	require.Equal(t, exitOK, r.code, r.stderr)
	require.Equal(t, fmt.Sprintf("sent %d, retrying 0, failed 0, dropped 0 (0 past), repaired 0\n", n), r.stdout)
	scripts := ts.Transcripts()
	require.Len(t, scripts, 1, "every batch over one connection")
	assert.Equal(t, n, countMessages(scripts[0]))
	assert.True(t, bytes.HasSuffix(scripts[0], []byte("\r\nQUIT\r\n")), "the command ends the connection with QUIT")
}
