package mail_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/internal/smtptest"
	smail "github.com/seminarkit/seminar/mail"
)

// scriptedServer serves one connection: it greets, answers EHLO offering
// extensions, and hands the connection to converse, whose error fails t.
// It returns the server's address.
func scriptedServer(t *testing.T, extensions []string, converse func(c *textproto.Conn) error) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan struct{})
	t.Cleanup(func() {
		_ = ln.Close()
		<-done
	})
	go func() {
		defer close(done)
		conn, err := ln.Accept()
		if err != nil {
			t.Errorf("server: accept: %v", err)
			return
		}
		defer conn.Close()
		c := textproto.NewConn(conn)
		if err := greet(c, extensions); err != nil {
			t.Errorf("server: greeting: %v", err)
			return
		}
		if err := converse(c); err != nil {
			t.Errorf("server: %v", err)
		}
	}()
	return ln.Addr().String()
}

func greet(c *textproto.Conn, extensions []string) error {
	if err := c.PrintfLine("220 localhost ESMTP"); err != nil {
		return err
	}
	if _, err := expectLines(c, "EHLO localhost"); err != nil {
		return err
	}
	reply := "250-localhost"
	for _, ext := range extensions {
		reply += "\r\n250-" + ext
	}
	return c.PrintfLine("%s\r\n250 HELP", reply)
}

// expectLines reads one line for each of want, and fails unless they are
// want.
func expectLines(c *textproto.Conn, want ...string) ([]string, error) {
	got := make([]string, len(want))
	for i := range want {
		line, err := c.ReadLine()
		if err != nil {
			return got[:i], fmt.Errorf("read %q: %w", want[i], err)
		}
		got[i] = line
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		return got, fmt.Errorf("got %q, want %q", got, want)
	}
	return got, nil
}

// reply writes lines, each a reply, in one write.
func reply(c *textproto.Conn, lines ...string) error {
	return c.PrintfLine("%s", strings.Join(lines, "\r\n"))
}

var twoRecipients = seminar.Envelope{From: "bounces@csail.mit.edu",
	To: []string{"nobody@csail.mit.edu", "seminars@csail.mit.edu"}}

// A server that offers PIPELINING gets MAIL FROM, every RCPT TO and DATA
// before the client waits for a reply: this one answers none until it
// has them all, so a client waiting for each reply would never send.
func TestMailer_Send_Pipelines(t *testing.T) {
	_, raw := composeSeed(t)
	addr := scriptedServer(t, []string{"PIPELINING"}, func(c *textproto.Conn) error {
		if _, err := expectLines(c, "MAIL FROM:<bounces@csail.mit.edu>",
			"RCPT TO:<nobody@csail.mit.edu>", "RCPT TO:<seminars@csail.mit.edu>", "DATA"); err != nil {
			return err
		}
		if err := reply(c, "250 sender ok", "550 5.1.1 no such user", "250 recipient ok", "354 go ahead"); err != nil {
			return err
		}
		body, err := c.ReadDotBytes()
		if err != nil {
			return fmt.Errorf("read the message: %w", err)
		}
		if !bytes.Equal(body, bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))) {
			return errors.New("the message arrived changed")
		}
		if err := reply(c, "250 queued"); err != nil {
			return err
		}
		if _, err := expectLines(c, "QUIT"); err != nil {
			return err
		}
		return reply(c, "221 bye")
	})
	m := plainMailer(t, addr, 1)
	res, err := m.Send(testContext(t), twoRecipients, raw)
	require.NoError(t, err, "one refusal does not stop the other")
	assert.Equal(t, []string{"seminars@csail.mit.edu"}, res.Accepted)
	require.Len(t, res.Refused, 1)
	assert.Equal(t, seminar.RecipientError{Address: "nobody@csail.mit.edu", Code: 550, Message: "5.1.1 no such user"},
		res.Refused[0])
}

// Every recipient refused, the client sends no message, even to a server
// that answers DATA with 354 all the same: the empty message ends the
// transaction, and the error is the refusals', as without pipelining.
func TestMailer_Send_PipelinedAllRefused(t *testing.T) {
	_, raw := composeSeed(t)
	addr := scriptedServer(t, []string{"PIPELINING"}, func(c *textproto.Conn) error {
		if _, err := expectLines(c, "MAIL FROM:<bounces@csail.mit.edu>",
			"RCPT TO:<nobody@csail.mit.edu>", "RCPT TO:<seminars@csail.mit.edu>", "DATA"); err != nil {
			return err
		}
		if err := reply(c, "250 sender ok", "550 no such user", "451 greylisted", "354 go ahead"); err != nil {
			return err
		}
		if _, err := expectLines(c, "."); err != nil {
			return fmt.Errorf("the message after DATA: %w", err)
		}
		if err := reply(c, "554 no valid recipients"); err != nil {
			return err
		}
		// The client closes the connection of a failed Send.
		if line, err := c.ReadLine(); !errors.Is(err, io.EOF) {
			return fmt.Errorf("after the empty message, got %q, %v; want the connection closed", line, err)
		}
		return nil
	})
	m := plainMailer(t, addr, 1)
	res, err := m.Send(testContext(t), twoRecipients, raw)
	require.Error(t, err)
	assert.ErrorIs(t, err, seminar.ErrTemporary, "one refusal was for now")
	assert.Contains(t, err.Error(), "every recipient refused")
	assert.NotContains(t, err.Error(), "554", "DATA's reply is not the message's error")
	require.NotNil(t, res)
	assert.Empty(t, res.Accepted)
	assert.Len(t, res.Refused, 2)
}

// A server without PIPELINING gets one command at a time: MAIL FROM
// refused, the client says nothing more.
func TestMailer_Send_WithoutPipelining(t *testing.T) {
	_, raw := composeSeed(t)
	addr := scriptedServer(t, []string{"8BITMIME"}, func(c *textproto.Conn) error {
		if _, err := expectLines(c, "MAIL FROM:<bounces@csail.mit.edu> BODY=8BITMIME"); err != nil {
			return err
		}
		if err := reply(c, "553 sender not allowed"); err != nil {
			return err
		}
		if line, err := c.ReadLine(); !errors.Is(err, io.EOF) {
			return fmt.Errorf("after the refused MAIL FROM, got %q, %v; want the connection closed", line, err)
		}
		return nil
	})
	m := plainMailer(t, addr, 1)
	res, err := m.Send(testContext(t), twoRecipients, raw)
	require.Error(t, err)
	assert.ErrorIs(t, err, seminar.ErrPermanent)
	assert.Contains(t, err.Error(), "MAIL FROM: ")
	assert.Contains(t, err.Error(), "553")
	assert.Nil(t, res)
}

// A refused MAIL FROM fails the message with its own reply, though the
// recipients' and DATA's came after it in the same group; the next
// message goes over the same connection after RSET.
func TestMailer_SendBatch_PipelinedMailRefused(t *testing.T) {
	_, raw := composeSeed(t)
	addr := scriptedServer(t, []string{"PIPELINING"}, func(c *textproto.Conn) error {
		if _, err := expectLines(c, "MAIL FROM:<bounces@csail.mit.edu>",
			"RCPT TO:<nobody@csail.mit.edu>", "RCPT TO:<seminars@csail.mit.edu>", "DATA"); err != nil {
			return err
		}
		if err := reply(c, "553 sender not allowed", "503 no sender", "503 no sender", "503 no sender"); err != nil {
			return err
		}
		if _, err := expectLines(c, "RSET"); err != nil {
			return err
		}
		if err := reply(c, "250 reset"); err != nil {
			return err
		}
		if _, err := expectLines(c, "MAIL FROM:<>", "RCPT TO:<seminars@csail.mit.edu>", "DATA"); err != nil {
			return err
		}
		if err := reply(c, "250 sender ok", "250 recipient ok", "354 go ahead"); err != nil {
			return err
		}
		if _, err := c.ReadDotBytes(); err != nil {
			return fmt.Errorf("read the message: %w", err)
		}
		if err := reply(c, "250 queued"); err != nil {
			return err
		}
		if _, err := expectLines(c, "QUIT"); err != nil {
			return err
		}
		return reply(c, "221 bye")
	})
	m := plainMailerWith(t, addr, smail.Options{IdleTimeout: -1})
	got := sendBatch(t, m, []seminar.Outgoing{
		{Envelope: twoRecipients, Raw: raw},
		{Envelope: seminar.Envelope{To: []string{"seminars@csail.mit.edu"}}, Raw: raw},
	})
	require.Error(t, got[0].err)
	assert.ErrorIs(t, got[0].err, seminar.ErrPermanent)
	assert.Contains(t, got[0].err.Error(), "MAIL FROM: ")
	assert.Contains(t, got[0].err.Error(), "553")
	assert.Nil(t, got[0].res)
	require.NoError(t, got[1].err)
	assert.Equal(t, []string{"seminars@csail.mit.edu"}, got[1].res.Accepted)
}

// With go-smtp, which offers PIPELINING, and with it turned off: the same
// messages arrive, a message whose recipients were all refused is not
// sent, and RSET follows it; DATA goes out for that message only when
// pipelined, with the commands before it.
func TestMailer_SendBatch_PipeliningOrNot(t *testing.T) {
	for _, tt := range []struct {
		name         string
		noPipelining bool
		wantDATA     int
	}{
		{"pipelined", false, 3},
		{"one command at a time", true, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts := smtptest.Start(t, &smtptest.Options{TLS: smtptest.Plaintext, Transcripts: true, NoPipelining: tt.noPipelining})
			msgs := batchOf(t, 3)
			msgs[1].Envelope = seminar.Envelope{From: msgs[1].Envelope.From, To: []string{"gone@example.org"}}
			ts.Refuse("gone@example.org", 550, "no such user")
			got := sendBatch(t, plainMailer(t, ts.Addr, 0), msgs)
			require.NoError(t, got[0].err)
			require.ErrorIs(t, got[1].err, seminar.ErrPermanent)
			assert.NotErrorIs(t, got[1].err, seminar.ErrTemporary)
			assert.Contains(t, got[1].err.Error(), "every recipient refused")
			require.NotNil(t, got[1].res)
			assert.Equal(t, 550, got[1].res.Refused[0].Code)
			require.NoError(t, got[2].err)
			requireArrivedOnce(t, ts, msgs, 0, 2)
			scripts := ts.Transcripts()
			require.Len(t, scripts, 1)
			assert.Equal(t, tt.wantDATA, bytes.Count(scripts[0], []byte("\r\nDATA\r\n")))
			assert.Equal(t, 2, bytes.Count(scripts[0], []byte("\r\n.\r\n")), "two messages sent")
			assert.Equal(t, 1, bytes.Count(scripts[0], []byte("\r\nRSET\r\nMAIL FROM:")))
		})
	}
}

// Pipelined or not, the server receives the same bytes: a message in CRLF
// lines as it is, a leading dot doubled on the wire and undone by the
// server, a bare LF ended with CR.
func TestMailer_Send_PipelinedBody(t *testing.T) {
	_, composed := composeSeed(t)
	for _, tt := range []struct {
		name string
		raw  string
		want string // what the server receives, when not raw
	}{
		{name: "composed", raw: string(composed)},
		{name: "a line with a leading dot", raw: "Subject: x\r\n\r\nfirst\r\n.second\r\n..third\r\n"},
		{name: "a leading dot first", raw: ".Subject: x\r\n\r\nbody\r\n"},
		{name: "bare LF", raw: "Subject: x\n\nbody\n.dot\r\n", want: "Subject: x\r\n\r\nbody\r\n.dot\r\n"},
		{name: "no final line break", raw: "Subject: x\r\n\r\nbody", want: "Subject: x\r\n\r\nbody\r\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			if want == "" {
				want = tt.raw
			}
			for _, noPipelining := range []bool{false, true} {
				ts := smtptest.Start(t, &smtptest.Options{TLS: smtptest.Plaintext, NoPipelining: noPipelining})
				m := plainMailer(t, ts.Addr, 0)
				_, err := m.Send(testContext(t), twoRecipients, []byte(tt.raw))
				require.NoError(t, err)
				got := ts.Received()
				require.Len(t, got, 1)
				assert.Equal(t, want, string(got[0].Data), "the message the server got, NoPipelining %v", noPipelining)
			}
		})
	}
}

// A refused MAIL FROM decides the message even when the server then
// closes the connection: the message fails with that reply, and is not
// sent again over a new connection (which this server would never
// answer), as a connection gone before any reply would be.
func TestMailer_SendBatch_RefusedThenClosed(t *testing.T) {
	_, raw := composeSeed(t)
	one := seminar.Envelope{To: []string{"seminars@csail.mit.edu"}}
	addr := scriptedServer(t, []string{"PIPELINING"}, func(c *textproto.Conn) error {
		if _, err := expectLines(c, "MAIL FROM:<>", "RCPT TO:<seminars@csail.mit.edu>", "DATA"); err != nil {
			return err
		}
		if err := reply(c, "250 sender ok", "250 recipient ok", "354 go ahead"); err != nil {
			return err
		}
		if _, err := c.ReadDotBytes(); err != nil {
			return fmt.Errorf("read the message: %w", err)
		}
		if err := reply(c, "250 queued"); err != nil {
			return err
		}
		if _, err := expectLines(c, "MAIL FROM:<>", "RCPT TO:<seminars@csail.mit.edu>", "DATA"); err != nil {
			return err
		}
		return reply(c, "550 sender refused") // and the connection closes
	})
	m := plainMailerWith(t, addr, smail.Options{IdleTimeout: -1, Timeout: 3 * time.Second})
	got := sendBatch(t, m, []seminar.Outgoing{{Envelope: one, Raw: raw}, {Envelope: one, Raw: raw}})
	require.NoError(t, got[0].err)
	require.Error(t, got[1].err)
	assert.ErrorIs(t, got[1].err, seminar.ErrPermanent)
	assert.Contains(t, got[1].err.Error(), "550")
}
