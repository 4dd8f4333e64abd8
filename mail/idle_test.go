package mail_test

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/internal/smtptest"
	smail "github.com/seminarkit/seminar/mail"
)

// sendEach sends msgs[from:to] with SendBatch and requires each to succeed.
func sendEach(t *testing.T, m *smail.Mailer, msgs []seminar.Outgoing, from, to int) {
	t.Helper()
	for i, r := range sendBatch(t, m, msgs[from:to]) {
		require.NoError(t, r.err, "message %d", from+i)
	}
}

// requireQUIT waits until the client's last words on the connection of
// transcript i are QUIT, and fails t if they never are.
func requireQUIT(t *testing.T, ts *smtptest.Server, i int, why string) {
	t.Helper()
	require.Eventually(t, func() bool {
		scripts := ts.Transcripts()
		return len(scripts) > i && bytes.HasSuffix(scripts[i], []byte("\r\nQUIT\r\n"))
	}, 10*time.Second, time.Millisecond, why)
}

// One SendBatch after another, and a Send after them, go on over the
// connection the first opened, without a new greeting.
func TestMailer_KeepsConnectionBetweenCalls(t *testing.T) {
	ts := smtptest.Start(t, &smtptest.Options{TLS: smtptest.Plaintext, Transcripts: true})
	m := plainMailer(t, ts.Addr, 0)
	msgs := batchOf(t, 7)
	sendEach(t, m, msgs, 0, 3)
	sendEach(t, m, msgs, 3, 6)
	_, err := m.Send(testContext(t), msgs[6].Envelope, msgs[6].Raw)
	require.NoError(t, err)
	requireArrivedOnce(t, ts, msgs, all(7)...)
	scripts := ts.Transcripts()
	require.Len(t, scripts, 1, "three calls, one connection")
	assert.Equal(t, 1, bytes.Count(scripts[0], []byte("EHLO ")), "one greeting")
	assert.Equal(t, 7, bytes.Count(scripts[0], []byte("\r\nDATA\r\n")))
	assert.False(t, bytes.Contains(scripts[0], []byte("QUIT")), "the connection stays open between calls")
}

// Options.MessagesPerConnection counts the messages of every call on a
// connection: the 101st goes over a new one, and the first connection
// ends with QUIT.
func TestMailer_MessagesPerConnectionAcrossCalls(t *testing.T) {
	ts := smtptest.Start(t, &smtptest.Options{TLS: smtptest.Plaintext, Transcripts: true})
	m := plainMailer(t, ts.Addr, 0)
	msgs := batchOf(t, smail.DefaultMessagesPerConnection+1)
	sendEach(t, m, msgs, 0, 60)
	sendEach(t, m, msgs, 60, 100)
	require.Len(t, ts.Transcripts(), 1, "the first 100 messages over one connection")
	sendEach(t, m, msgs, 100, 101)
	requireArrivedOnce(t, ts, msgs, all(101)...)
	scripts := ts.Transcripts()
	require.Len(t, scripts, 2, "the 101st message over a new connection")
	assert.Equal(t, 100, bytes.Count(scripts[0], []byte("\r\nDATA\r\n")))
	assert.True(t, bytes.HasSuffix(scripts[0], []byte("\r\nQUIT\r\n")), "the full connection ends with QUIT")
	assert.Equal(t, 1, bytes.Count(scripts[1], []byte("\r\nDATA\r\n")))
}

// An idle connection is ended with QUIT once Options.IdleTimeout passed,
// and the next call connects anew.
func TestMailer_IdleTimeout(t *testing.T) {
	ts := smtptest.Start(t, &smtptest.Options{TLS: smtptest.Plaintext, Transcripts: true})
	m := plainMailerWith(t, ts.Addr, smail.Options{IdleTimeout: time.Millisecond})
	msgs := batchOf(t, 4)
	sendEach(t, m, msgs, 0, 2)
	requireQUIT(t, ts, 0, "the idle connection ends with QUIT after the timeout")
	require.Eventually(t, func() bool { return len(mailGoroutines()) == 0 }, 10*time.Second, time.Millisecond,
		"the timer's goroutine ends with the connection")
	sendEach(t, m, msgs, 2, 4)
	requireArrivedOnce(t, ts, msgs, all(4)...)
	assert.Len(t, ts.Transcripts(), 2, "the call after the timeout connects anew")
}

// A negative Options.IdleTimeout keeps no connection: each call ends its
// own with QUIT.
func TestMailer_IdleTimeoutNegative(t *testing.T) {
	ts := smtptest.Start(t, &smtptest.Options{TLS: smtptest.Plaintext, Transcripts: true})
	m := plainMailerWith(t, ts.Addr, smail.Options{IdleTimeout: -1})
	msgs := batchOf(t, 3)
	sendEach(t, m, msgs, 0, 2)
	_, err := m.Send(testContext(t), msgs[2].Envelope, msgs[2].Raw)
	require.NoError(t, err)
	requireArrivedOnce(t, ts, msgs, all(3)...)
	scripts := ts.Transcripts()
	require.Len(t, scripts, 2, "a connection per call")
	for i, s := range scripts {
		assert.True(t, bytes.HasSuffix(s, []byte("\r\nQUIT\r\n")), "connection %d ends with QUIT at the end of its call", i)
	}
}

// A kept connection the server closed, or answers 421 on, meanwhile is
// noticed before DATA: the next message goes over a new connection, once,
// and succeeds.
func TestMailer_IdleConnectionGone(t *testing.T) {
	tests := []struct {
		name string
		opts smtptest.Options
		drop func(ts *smtptest.Server)
	}{
		{"closed while idle", smtptest.Options{}, (*smtptest.Server).HangUp},
		{"421 at the next MAIL FROM", smtptest.Options{MaxMessagesPerConnection: 2}, func(*smtptest.Server) {}},
		{"closed at the next MAIL FROM", smtptest.Options{MaxMessagesPerConnection: 2, HangUpAtLimit: true}, func(*smtptest.Server) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.TLS, opts.Transcripts = smtptest.Plaintext, true
			ts := smtptest.Start(t, &opts)
			m := plainMailer(t, ts.Addr, 0)
			msgs := batchOf(t, 4)
			sendEach(t, m, msgs, 0, 2)
			tt.drop(ts)
			_, err := m.Send(testContext(t), msgs[2].Envelope, msgs[2].Raw)
			require.NoError(t, err, "the message goes over a new connection")
			sendEach(t, m, msgs, 3, 4)
			requireArrivedOnce(t, ts, msgs, all(4)...)
			scripts := ts.Transcripts()
			require.Len(t, scripts, 2)
			// A message ends with a line holding a dot; DATA itself may
			// have gone out with MAIL FROM, pipelined.
			assert.Equal(t, 2, bytes.Count(scripts[0], []byte("\r\n.\r\n")), "no message on the connection that was gone")
			assert.Equal(t, 2, bytes.Count(scripts[1], []byte("\r\n.\r\n")), "the new connection is kept in turn")
		})
	}
}

// Close ends the idle connection with QUIT; sending still works after it,
// each call ending its connection with QUIT.
func TestMailer_Close(t *testing.T) {
	ts := smtptest.Start(t, &smtptest.Options{TLS: smtptest.Plaintext, Transcripts: true})
	m := plainMailer(t, ts.Addr, 0)
	msgs := batchOf(t, 4)
	sendEach(t, m, msgs, 0, 2)
	require.NoError(t, m.Close())
	requireQUIT(t, ts, 0, "Close ends the idle connection with QUIT")
	sendEach(t, m, msgs, 2, 4)
	requireArrivedOnce(t, ts, msgs, all(4)...)
	scripts := ts.Transcripts()
	require.Len(t, scripts, 2, "a call after Close connects anew")
	assert.True(t, bytes.HasSuffix(scripts[1], []byte("\r\nQUIT\r\n")), "after Close, a call ends its connection with QUIT")
	require.NoError(t, m.Close(), "a second Close")
}

// Close returns once the idle connection was ended with QUIT, also when
// its timeout fired and another goroutine is saying QUIT, and nothing of
// the Mailer keeps running. The timeout of a nanosecond fires as the call
// ends, so that Close often finds the QUIT under way.
func TestMailer_Close_LeavesNoGoroutine(t *testing.T) {
	ts := smtptest.Start(t, &smtptest.Options{TLS: smtptest.Plaintext, Transcripts: true})
	msgs := batchOf(t, 2)
	for i := range 300 {
		m := plainMailerWith(t, ts.Addr, smail.Options{IdleTimeout: time.Nanosecond})
		sendEach(t, m, msgs, 0, 2)
		runtime.Gosched() // let the timer's goroutine begin its QUIT
		require.NoError(t, m.Close())
		scripts := ts.Transcripts()
		require.Len(t, scripts, i+1)
		require.True(t, bytes.HasSuffix(scripts[i], []byte("\r\nQUIT\r\n")), "the connection ended with QUIT when Close returned, in round %d", i)
	}
	// A goroutine that ended its work may still be returning.
	require.Eventually(t, func() bool { return len(mailGoroutines()) == 0 }, 10*time.Second, time.Millisecond,
		"no goroutine of package mail keeps running after Close")
}

// mailGoroutines returns the stacks of goroutines running code of package
// mail.
func mailGoroutines() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var found []string
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		if strings.Contains(g, "seminarkit/seminar/mail.") {
			found = append(found, g)
		}
	}
	return found
}

// Concurrent calls deliver each message exactly once, over the kept
// connection or new ones.
func TestMailer_ConcurrentCalls(t *testing.T) {
	ts := smtptest.Start(t, &smtptest.Options{TLS: smtptest.Plaintext, MaxMessagesPerConnection: 7})
	m := plainMailerWith(t, ts.Addr, smail.Options{MessagesPerConnection: 10})
	const callers, each = 6, 8
	msgs := batchOf(t, callers*each)
	ctx := testContext(t)
	var wg sync.WaitGroup
	errs := make([]error, len(msgs))
	for g := range callers {
		wg.Go(func() {
			part := msgs[g*each : (g+1)*each]
			for round := range 2 {
				half := part[round*each/2 : (round+1)*each/2]
				if g%2 == 0 {
					m.SendBatch(ctx, half, func(i int, _ *seminar.SendResult, err error) {
						errs[g*each+round*each/2+i] = err
					})
					continue
				}
				for i, msg := range half {
					_, errs[g*each+round*each/2+i] = m.Send(ctx, msg.Envelope, msg.Raw)
				}
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, fmt.Sprintf("message %d", i))
	}
	requireArrivedOnce(t, ts, msgs, all(len(msgs))...)
}
