package mail_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/internal/smtptest"
	smail "github.com/seminarkit/seminar/mail"
)

// batchOf composes n copies of the seed reminder, each with a Message-ID
// of its own, "batch-I@csail.mit.edu".
func batchOf(t *testing.T, n int) []seminar.Outgoing {
	t.Helper()
	msgs := make([]seminar.Outgoing, n)
	for i := range msgs {
		msg := seedReminder()
		msg.MessageID = fmt.Sprintf("batch-%d@csail.mit.edu", i)
		raw, err := smail.Compose(msg)
		require.NoError(t, err)
		env := seminar.Envelope{From: "bounces@csail.mit.edu"}
		for _, a := range msg.To {
			env.To = append(env.To, a.Address)
		}
		msgs[i] = seminar.Outgoing{Envelope: env, Raw: raw}
	}
	return msgs
}

// batchResult is what SendBatch reported for one message.
type batchResult struct {
	res *seminar.SendResult
	err error
}

// sendBatch runs SendBatch and returns what it reported for each message,
// failing t unless it reported each message once, in order.
func sendBatch(t *testing.T, m *smail.Mailer, msgs []seminar.Outgoing) []batchResult {
	t.Helper()
	var got []batchResult
	m.SendBatch(testContext(t), msgs, func(i int, res *seminar.SendResult, err error) {
		require.Equal(t, len(got), i, "SendBatch reports each message once, in order")
		got = append(got, batchResult{res, err})
	})
	require.Len(t, got, len(msgs), "SendBatch reports every message")
	return got
}

// plainMailer is a Mailer for a plaintext test server.
func plainMailer(t *testing.T, addr string, perConn int) *smail.Mailer {
	t.Helper()
	return plainMailerWith(t, addr, smail.Options{MessagesPerConnection: perConn})
}

// plainMailerWith is a Mailer with opts for a plaintext test server,
// closed when t ends.
func plainMailerWith(t *testing.T, addr string, opts smail.Options) *smail.Mailer {
	t.Helper()
	opts.Addr, opts.TLS, opts.AllowInsecure = addr, smail.TLSNone, true
	m, err := smail.New(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = m.Close() })
	return m
}

// requireArrivedOnce checks that the server holds each message of msgs
// whose index is in sent exactly once, unchanged, and no other message.
func requireArrivedOnce(t *testing.T, ts *smtptest.Server, msgs []seminar.Outgoing, sent ...int) {
	t.Helper()
	got := ts.Received()
	require.Len(t, got, len(sent), "the server holds each message sent once, and no other")
	for _, i := range sent {
		n := 0
		for _, g := range got {
			if bytes.Equal(g.Data, msgs[i].Raw) {
				n++
				assert.Equal(t, msgs[i].Envelope.To, g.To, "RCPT TO of message %d", i)
			}
		}
		assert.Equal(t, 1, n, "message %d arrived once, unchanged", i)
	}
}

func all(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// Messages the server takes follow each other in one session without RSET:
// the reply to the end of DATA ended each transaction.
func TestMailer_SendBatch_OneSession(t *testing.T) {
	ts := smtptest.Start(t, &smtptest.Options{TLS: smtptest.Plaintext, Transcripts: true})
	msgs := batchOf(t, 5)
	m := plainMailer(t, ts.Addr, 0)
	for i, r := range sendBatch(t, m, msgs) {
		require.NoError(t, r.err, "message %d", i)
		assert.Equal(t, msgs[i].Envelope.To, r.res.Accepted, "message %d", i)
	}
	require.NoError(t, m.Close())
	requireArrivedOnce(t, ts, msgs, all(5)...)
	assert.Equal(t, 1, ts.Sessions(), "five messages go over one connection")
	scripts := ts.Transcripts()
	require.Len(t, scripts, 1)
	assert.Zero(t, bytes.Count(scripts[0], []byte("\r\nRSET\r\n")), "no RSET after a message the server took")
	assert.Equal(t, 5, bytes.Count(scripts[0], []byte("\r\nDATA\r\n")))
	assert.Equal(t, 4, bytes.Count(scripts[0], []byte("\r\n.\r\nMAIL FROM:")), "each MAIL FROM after the first follows the end of the DATA before")
	assert.True(t, bytes.HasSuffix(scripts[0], []byte("\r\nQUIT\r\n")), "Close ends the session with QUIT")
}

func TestMailer_SendBatch_HonoursMessagesPerConnection(t *testing.T) {
	for _, tt := range []struct{ perConn, sessions int }{{1, 5}, {2, 3}, {5, 1}} {
		t.Run(fmt.Sprint(tt.perConn), func(t *testing.T) {
			ts := smtptest.Start(t, &smtptest.Options{TLS: smtptest.Plaintext, Transcripts: true})
			msgs := batchOf(t, 5)
			for i, r := range sendBatch(t, plainMailer(t, ts.Addr, tt.perConn), msgs) {
				require.NoError(t, r.err, "message %d", i)
			}
			requireArrivedOnce(t, ts, msgs, all(5)...)
			assert.Equal(t, tt.sessions, ts.Sessions())
			for _, s := range ts.Transcripts() {
				assert.LessOrEqual(t, bytes.Count(s, []byte("\r\nDATA\r\n")), tt.perConn, "messages on one connection")
			}
		})
	}
}

// A server that allows fewer messages in a session than the Mailer sends
// gets the rest over new connections, each message once.
func TestMailer_SendBatch_ServerLimitReconnects(t *testing.T) {
	for _, hangUp := range []bool{false, true} {
		t.Run(fmt.Sprintf("hangUp=%v", hangUp), func(t *testing.T) {
			ts := smtptest.Start(t, &smtptest.Options{TLS: smtptest.Plaintext, MaxMessagesPerConnection: 2, HangUpAtLimit: hangUp})
			msgs := batchOf(t, 7)
			for i, r := range sendBatch(t, plainMailer(t, ts.Addr, 0), msgs) {
				require.NoError(t, r.err, "message %d", i)
			}
			requireArrivedOnce(t, ts, msgs, all(7)...)
			assert.Equal(t, 4, ts.Sessions(), "two messages per connection, the 421 or the hang-up starting the next")
		})
	}
}

// A reply that refuses one message fails that message alone, and the
// session goes on; a temporary one is not sent again by SendBatch.
func TestMailer_SendBatch_OneMessageRefused(t *testing.T) {
	tests := []struct {
		name  string
		reply error
		want  error
	}{
		{"552 at the end of DATA", &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4}, Message: "message too big"}, seminar.ErrPermanent},
		{"451 at the end of DATA", &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}, seminar.ErrTemporary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := smtptest.Start(t, &smtptest.Options{TLS: smtptest.Plaintext})
			ts.ScriptData(nil, tt.reply)
			msgs := batchOf(t, 4)
			got := sendBatch(t, plainMailer(t, ts.Addr, 0), msgs)
			for i, r := range got {
				if i == 1 {
					require.ErrorIs(t, r.err, tt.want, "the refused message")
					assert.False(t, errors.Is(r.err, seminar.ErrTemporary) && errors.Is(r.err, seminar.ErrPermanent))
					continue
				}
				require.NoError(t, r.err, "message %d", i)
			}
			requireArrivedOnce(t, ts, msgs, 0, 2, 3)
			assert.Equal(t, 1, ts.Sessions(), "a refusal leaves the connection in use")
		})
	}
}

// Every recipient of one message refused: that message fails, the next
// goes over the same connection.
func TestMailer_SendBatch_RecipientsRefused(t *testing.T) {
	ts := smtptest.Start(t, &smtptest.Options{TLS: smtptest.Plaintext, Transcripts: true})
	msgs := batchOf(t, 3)
	msgs[1].Envelope = seminar.Envelope{From: msgs[1].Envelope.From, To: []string{"gone@example.org"}}
	ts.Refuse("gone@example.org", 550, "no such user")
	got := sendBatch(t, plainMailer(t, ts.Addr, 0), msgs)
	require.ErrorIs(t, got[1].err, seminar.ErrPermanent)
	require.NotNil(t, got[1].res)
	assert.Equal(t, 550, got[1].res.Refused[0].Code)
	require.NoError(t, got[0].err)
	require.NoError(t, got[2].err)
	requireArrivedOnce(t, ts, msgs, 0, 2)
	assert.Equal(t, 1, ts.Sessions())
	scripts := ts.Transcripts()
	require.Len(t, scripts, 1)
	assert.Equal(t, 1, bytes.Count(scripts[0], []byte("\r\nRSET\r\nMAIL FROM:")),
		"RSET ends the transaction whose recipients were all refused, before the next MAIL FROM, and only that one")
}

// A connection lost during DATA fails that message for now (the server
// may or may not have it: it is for the caller to send again), and the
// next one goes over a new connection.
func TestMailer_SendBatch_ConnectionLostInDATA(t *testing.T) {
	ts := smtptest.Start(t, &smtptest.Options{TLS: smtptest.Plaintext})
	ts.ScriptData(nil, smtptest.ErrDropConnection)
	msgs := batchOf(t, 4)
	got := sendBatch(t, plainMailer(t, ts.Addr, 0), msgs)
	require.ErrorIs(t, got[1].err, seminar.ErrTemporary)
	for _, i := range []int{0, 2, 3} {
		require.NoError(t, got[i].err, "message %d", i)
	}
	requireArrivedOnce(t, ts, msgs, 0, 2, 3)
	assert.Equal(t, 2, ts.Sessions())
}

// A message that cannot be sent at all fails alone, as Send's would.
func TestMailer_SendBatch_InvalidMessage(t *testing.T) {
	ts := smtptest.Start(t, &smtptest.Options{TLS: smtptest.Plaintext})
	msgs := batchOf(t, 3)
	msgs[1].Envelope.To = nil
	got := sendBatch(t, plainMailer(t, ts.Addr, 0), msgs)
	require.ErrorIs(t, got[1].err, seminar.ErrInvalid)
	require.ErrorIs(t, got[1].err, seminar.ErrPermanent)
	requireArrivedOnce(t, ts, msgs, 0, 2)
	assert.Equal(t, 1, ts.Sessions())
}

func TestNew_MessagesPerConnection(t *testing.T) {
	_, err := smail.New(smail.Options{MessagesPerConnection: -1})
	require.ErrorIs(t, err, seminar.ErrInvalid)
	assert.Contains(t, err.Error(), "messagesPerConnection")
}
