package smtptest_test

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/smtp"
	"net/textproto"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar/internal/smtptest"
)

const message = "From: a@example.org\r\nTo: b@example.org\r\nMessage-ID: <1@example.org>\r\nSubject: hi\r\n\r\nhello\r\n"

// send delivers message from a@example.org to each of to, with STARTTLS
// when the server offers it and AUTH PLAIN when auth is set.
func send(t *testing.T, c *smtp.Client, auth bool, to ...string) error {
	t.Helper()
	startTLS(t, c)
	if auth {
		if err := c.Auth(smtp.PlainAuth("", smtptest.User, smtptest.Password, "127.0.0.1")); err != nil {
			return err
		}
	}
	if err := c.Mail("a@example.org"); err != nil {
		return err
	}
	for _, addr := range to {
		if err := c.Rcpt(addr); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, message); err != nil {
		return err
	}
	return w.Close()
}

// startTLS says STARTTLS, trusting the server's certificate, when the
// server offers it.
func startTLS(t *testing.T, c *smtp.Client) {
	t.Helper()
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg, err := smtptest.ClientTLS()
		require.NoError(t, err)
		cfg.ServerName = "127.0.0.1"
		require.NoError(t, c.StartTLS(cfg))
	}
}

func dial(t *testing.T, addr string) *smtp.Client {
	t.Helper()
	c, err := smtp.Dial(addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// TestServer_Close_neverHangs starts and closes servers as fast as it can,
// some with a client connected: Close must return every time, however
// soon it comes after the start (a Close before Serve registered its
// listener once left Serve in Accept for good).
func TestServer_Close_neverHangs(t *testing.T) {
	behaviors := []smtptest.Behavior{smtptest.Answer, smtptest.NeverGreet, smtptest.HangUpAtEHLO, smtptest.StallData}
	for i := range 400 {
		s, err := smtptest.New(&smtptest.Options{Behavior: behaviors[i%len(behaviors)]})
		require.NoError(t, err)
		if i%8 == 0 {
			c, err := net.Dial("tcp", s.Addr)
			require.NoError(t, err)
			defer c.Close()
		}
		start := time.Now()
		require.NoError(t, s.Close(), "close %d", i)
		require.Less(t, time.Since(start), 2*time.Second, "close %d returned at once", i)
		assert.NoError(t, s.Close(), "a second Close returns the first one's result")
	}
}

func TestServer_delivers(t *testing.T) {
	tests := []struct {
		name     string
		opts     smtptest.Options
		implicit bool
		auth     bool
		wantTLS  bool
	}{
		{"STARTTLS", smtptest.Options{}, false, false, true},
		{"STARTTLS and AUTH PLAIN", smtptest.Options{Mechanisms: []string{"PLAIN"}}, false, true, true},
		{"implicit TLS", smtptest.Options{TLS: smtptest.ImplicitTLS}, true, false, true},
		{"plaintext", smtptest.Options{TLS: smtptest.Plaintext}, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := smtptest.Start(t, &tt.opts)
			var c *smtp.Client
			if tt.implicit {
				cfg, err := smtptest.ClientTLS()
				require.NoError(t, err)
				conn, err := tls.Dial("tcp", s.Addr, cfg)
				require.NoError(t, err, "the certificate is trusted for 127.0.0.1")
				c, err = smtp.NewClient(conn, "127.0.0.1")
				require.NoError(t, err)
				t.Cleanup(func() { _ = c.Close() })
			} else {
				c = dial(t, s.Addr)
			}
			require.NoError(t, send(t, c, tt.auth, "b@example.org", "c@example.org"))
			got := s.Received()
			require.Len(t, got, 1)
			assert.Equal(t, "a@example.org", got[0].From)
			assert.Equal(t, []string{"b@example.org", "c@example.org"}, got[0].To)
			assert.Equal(t, message, string(got[0].Data))
			assert.Equal(t, tt.wantTLS, got[0].TLS)
			if tt.auth {
				assert.Equal(t, smtptest.User, got[0].User)
			}
			assert.Equal(t, 1, s.Count())
		})
	}
}

func TestServer_auth(t *testing.T) {
	s := smtptest.Start(t, &smtptest.Options{Mechanisms: []string{"PLAIN", "LOGIN"}})
	c := dial(t, s.Addr)
	var tp *textproto.Error
	require.ErrorAs(t, send(t, c, false, "b@example.org"), &tp)
	assert.Equal(t, 502, tp.Code, "mail without AUTH is refused")
	assert.Contains(t, tp.Msg, "authenticate first")

	wrong := dial(t, s.Addr)
	startTLS(t, wrong)
	err := wrong.Auth(smtp.PlainAuth("", smtptest.User, "wrong", "127.0.0.1"))
	require.ErrorAs(t, err, &tp)
	assert.Equal(t, 535, tp.Code)
	assert.Empty(t, s.Received())
}

func TestServer_Refuse(t *testing.T) {
	s := smtptest.Start(t, &smtptest.Options{TLS: smtptest.Plaintext})
	s.Refuse("nobody@example.org", 550, "no such user")
	c := dial(t, s.Addr)
	require.NoError(t, c.Mail("a@example.org"))
	require.NoError(t, c.Rcpt("b@example.org"))
	err := c.Rcpt("nobody@example.org")
	var tp *textproto.Error
	require.ErrorAs(t, err, &tp)
	assert.Equal(t, 550, tp.Code)
	assert.Contains(t, tp.Msg, "no such user")
}

func TestServer_ScriptData(t *testing.T) {
	s := smtptest.Start(t, &smtptest.Options{TLS: smtptest.Plaintext})
	s.ScriptData(&gosmtp.SMTPError{Code: 451, Message: "try later"}, smtptest.ErrDropConnection)

	var tp *textproto.Error
	require.ErrorAs(t, send(t, dial(t, s.Addr), false, "b@example.org"), &tp)
	assert.Equal(t, 451, tp.Code, "the first DATA gets the scripted reply")

	err := send(t, dial(t, s.Addr), false, "b@example.org")
	require.Error(t, err, "the second DATA loses its connection")
	assert.False(t, errors.As(err, &tp), "no reply, only a lost connection: %v", err)
	assert.Empty(t, s.Received())

	require.NoError(t, send(t, dial(t, s.Addr), false, "b@example.org"), "then the server accepts again")
	assert.Len(t, s.Received(), 1)
}

func TestServer_NeverGreet(t *testing.T) {
	s := smtptest.Start(t, &smtptest.Options{Behavior: smtptest.NeverGreet})
	conn, err := net.Dial("tcp", s.Addr)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(300*time.Millisecond)))
	n, err := conn.Read(make([]byte, 64))
	assert.Zero(t, n)
	var ne net.Error
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.Timeout(), "no greeting by the deadline")
	require.NoError(t, s.Close())
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	_, err = conn.Read(make([]byte, 64))
	assert.ErrorIs(t, err, io.EOF, "Close closes the held connection")
}

func TestServer_HangUpAtEHLO(t *testing.T) {
	s := smtptest.Start(t, &smtptest.Options{Behavior: smtptest.HangUpAtEHLO})
	c := dial(t, s.Addr)
	err := c.Hello("localhost")
	require.Error(t, err)
	var tp *textproto.Error
	assert.False(t, errors.As(err, &tp), "no reply to EHLO, a lost connection: %v", err)
}

func TestServer_StallData(t *testing.T) {
	s := smtptest.Start(t, &smtptest.Options{TLS: smtptest.Plaintext, Behavior: smtptest.StallData})
	result := make(chan error, 1)
	go func() {
		c, err := smtp.Dial(s.Addr)
		if err != nil {
			result <- err
			return
		}
		defer c.Close()
		if err := c.Mail("a@example.org"); err != nil {
			result <- err
			return
		}
		if err := c.Rcpt("b@example.org"); err != nil {
			result <- err
			return
		}
		w, err := c.Data()
		if err != nil {
			result <- err
			return
		}
		_, _ = io.WriteString(w, message)
		result <- w.Close()
	}()
	select {
	case data := <-s.Stalled:
		assert.Equal(t, message, string(data))
	case err := <-result:
		t.Fatalf("the send ended before DATA stalled: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("DATA never reached the server")
	}
	select {
	case err := <-result:
		t.Fatalf("DATA was answered: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	require.NoError(t, s.Close())
	select {
	case err := <-result:
		assert.Error(t, err, "the stalled DATA fails when the server closes")
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not release the stalled session")
	}
	assert.Empty(t, s.Received())
}

func TestServer_Sink(t *testing.T) {
	s := smtptest.Start(t, &smtptest.Options{TLS: smtptest.Plaintext, Sink: true})
	for range 3 {
		require.NoError(t, send(t, dial(t, s.Addr), false, "b@example.org"))
	}
	assert.Equal(t, 3, s.Count())
	assert.Empty(t, s.Received(), "a sink keeps no message")
	assert.Equal(t, []string{"<1@example.org>", "<1@example.org>", "<1@example.org>"}, s.MessageIDs())
}

// go-smtp offers PIPELINING; NoPipelining takes it, and only it, away.
func TestServer_NoPipelining(t *testing.T) {
	for _, off := range []bool{false, true} {
		ts := smtptest.Start(t, &smtptest.Options{TLS: smtptest.Plaintext, NoPipelining: off})
		c, err := smtp.Dial(ts.Addr)
		require.NoError(t, err)
		require.NoError(t, c.Hello("localhost"))
		ok, _ := c.Extension("PIPELINING")
		assert.Equal(t, !off, ok, "PIPELINING offered with NoPipelining %v", off)
		ok, _ = c.Extension("8BITMIME")
		assert.True(t, ok, "8BITMIME offered with NoPipelining %v", off)
		require.NoError(t, send(t, c, false, "b@example.org"))
		require.NoError(t, c.Quit())
	}
}
