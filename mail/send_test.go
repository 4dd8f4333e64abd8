package mail_test

import (
	"context"
	"crypto/tls"
	"net"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/internal/mailcheck"
	"github.com/seminarkit/seminar/internal/smtptest"
	smail "github.com/seminarkit/seminar/mail"
)

// newMailer returns a Mailer for a test server: STARTTLS trusting the test
// certificate, the test credentials, and opts' other fields.
func newMailer(t testing.TB, addr string, opts smail.Options) *smail.Mailer {
	t.Helper()
	opts.Addr = addr
	if opts.TLSConfig == nil {
		opts.TLSConfig = clientTLS(t)
	}
	m, err := smail.New(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = m.Close() })
	return m
}

// clientTLS trusts the test server's self-signed certificate.
func clientTLS(t testing.TB) *tls.Config {
	cfg, err := smtptest.ClientTLS()
	require.NoError(t, err)
	return cfg
}

func authOptions() smail.Options {
	return smail.Options{Username: smtptest.User, Password: smtptest.Password}
}

// composeSeed composes the seed reminder and returns it with its envelope.
func composeSeed(t testing.TB) (seminar.Envelope, []byte) {
	t.Helper()
	msg := seedReminder()
	raw, err := smail.Compose(msg)
	require.NoError(t, err)
	env := seminar.Envelope{From: "bounces@csail.mit.edu"}
	for _, a := range msg.To {
		env.To = append(env.To, a.Address)
	}
	return env, raw
}

func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// requireDelivered checks that the server holds exactly raw, once, for env,
// and that it reads back as a message.
func requireDelivered(t *testing.T, ts *smtptest.Server, env seminar.Envelope, raw []byte) smtptest.Message {
	t.Helper()
	got := ts.Received()
	require.Len(t, got, 1, "the server holds exactly one message")
	assert.Equal(t, env.From, got[0].From, "MAIL FROM")
	assert.Equal(t, env.To, got[0].To, "RCPT TO")
	assert.Equal(t, string(raw), string(got[0].Data), "the server got the composed bytes unchanged")
	mailcheck.Require(t, got[0].Data)
	return got[0]
}

func TestMailer_Send_Delivers(t *testing.T) {
	tests := []struct {
		name    string
		server  smtptest.Options
		opts    smail.Options
		wantTLS bool
	}{
		{"STARTTLS and AUTH PLAIN", smtptest.Options{Mechanisms: []string{"PLAIN", "LOGIN"}}, authOptions(), true},
		{"STARTTLS and AUTH LOGIN offered alone", smtptest.Options{Mechanisms: []string{"LOGIN"}}, authOptions(), true},
		{"STARTTLS and AUTH LOGIN chosen", smtptest.Options{Mechanisms: []string{"PLAIN", "LOGIN"}},
			smail.Options{Username: smtptest.User, Password: smtptest.Password, AuthMechanism: smail.AuthLogin}, true},
		{"implicit TLS", smtptest.Options{TLS: smtptest.ImplicitTLS, Mechanisms: []string{"PLAIN"}},
			smail.Options{Username: smtptest.User, Password: smtptest.Password, TLS: smail.TLSImplicit}, true},
		{"STARTTLS without AUTH", smtptest.Options{}, smail.Options{}, true},
		{"plaintext when allowed", smtptest.Options{TLS: smtptest.Plaintext, Mechanisms: []string{"PLAIN"}},
			smail.Options{Username: smtptest.User, Password: smtptest.Password, TLS: smail.TLSNone, AllowInsecure: true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := smtptest.Start(t, &tt.server)
			m := newMailer(t, ts.Addr, tt.opts)
			env, raw := composeSeed(t)
			res, err := m.Send(testContext(t), env, raw)
			require.NoError(t, err)
			assert.Equal(t, env.To, res.Accepted)
			assert.Empty(t, res.Refused)
			got := requireDelivered(t, ts, env, raw)
			assert.Equal(t, tt.wantTLS, got.TLS, "TLS")
			assert.Equal(t, tt.opts.Username, got.User, "authenticated as")
		})
	}
}

func TestMailer_Send_OneRecipientRefused(t *testing.T) {
	ts := smtptest.Start(t, &smtptest.Options{Mechanisms: []string{"PLAIN"}})
	ts.Refuse("nobody@csail.mit.edu", 550, "5.1.1 no such user")
	m := newMailer(t, ts.Addr, authOptions())
	_, raw := composeSeed(t)
	env := seminar.Envelope{From: "bounces@csail.mit.edu",
		To: []string{"seminars@csail.mit.edu", "nobody@csail.mit.edu", "vision-meeting@csail.mit.edu"}}

	res, err := m.Send(testContext(t), env, raw)
	require.NoError(t, err, "one refusal does not stop the others")
	assert.Equal(t, []string{"seminars@csail.mit.edu", "vision-meeting@csail.mit.edu"}, res.Accepted)
	require.Len(t, res.Refused, 1)
	assert.Equal(t, "nobody@csail.mit.edu", res.Refused[0].Address)
	assert.Equal(t, 550, res.Refused[0].Code)
	assert.Contains(t, res.Refused[0].Message, "no such user")
	assert.False(t, res.Refused[0].Temporary())
	got := ts.Received()
	require.Len(t, got, 1)
	assert.Equal(t, res.Accepted, got[0].To, "the other two got it")
}

func TestMailer_Send_Fails(t *testing.T) {
	tests := []struct {
		name    string
		server  smtptest.Options
		opts    smail.Options
		prepare func(ts *smtptest.Server)
		want    error // ErrTemporary or ErrPermanent
		message string
		refused []int // the codes in the result, when every recipient is refused
	}{
		{name: "wrong password", server: smtptest.Options{Mechanisms: []string{"PLAIN"}},
			opts: smail.Options{Username: smtptest.User, Password: "wrong"}, want: seminar.ErrPermanent, message: "535"},
		{name: "wrong password over LOGIN", server: smtptest.Options{Mechanisms: []string{"LOGIN"}},
			opts: smail.Options{Username: smtptest.User, Password: "wrong"}, want: seminar.ErrPermanent, message: "535"},
		{name: "no AUTH offered", server: smtptest.Options{}, opts: authOptions(),
			want: seminar.ErrPermanent, message: "offers no AUTH"},
		{name: "message too large", server: smtptest.Options{}, want: seminar.ErrPermanent, message: "552",
			prepare: func(ts *smtptest.Server) {
				ts.ScriptData(&smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4}, Message: "message too big"})
			}},
		{name: "SIZE exceeded before sending", server: smtptest.Options{MaxBytes: 1000}, want: seminar.ErrPermanent,
			message: "exceeds the server's SIZE of 1000"},
		{name: "temporary failure at the end of DATA", server: smtptest.Options{}, want: seminar.ErrTemporary, message: "451",
			prepare: func(ts *smtptest.Server) {
				ts.ScriptData(&smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"})
			}},
		{name: "every recipient refused for good", server: smtptest.Options{}, want: seminar.ErrPermanent,
			message: "every recipient refused", refused: []int{550, 550},
			prepare: func(ts *smtptest.Server) {
				ts.Refuse("seminars@csail.mit.edu", 550, "no such user")
				ts.Refuse("vision-meeting@csail.mit.edu", 550, "no such user")
			}},
		{name: "every recipient refused, one for now", server: smtptest.Options{}, want: seminar.ErrTemporary,
			message: "every recipient refused", refused: []int{550, 451},
			prepare: func(ts *smtptest.Server) {
				ts.Refuse("seminars@csail.mit.edu", 550, "no such user")
				ts.Refuse("vision-meeting@csail.mit.edu", 451, "greylisted")
			}},
		{name: "plaintext server while STARTTLS is required", server: smtptest.Options{TLS: smtptest.Plaintext},
			want: seminar.ErrPermanent, message: "does not offer STARTTLS"},
		{name: "certificate not trusted", server: smtptest.Options{},
			opts: smail.Options{TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12}}, want: seminar.ErrPermanent,
			message: "certificate"},
		{name: "implicit TLS to a plaintext server", server: smtptest.Options{TLS: smtptest.Plaintext},
			opts: smail.Options{TLS: smail.TLSImplicit}, want: seminar.ErrPermanent, message: "TLS handshake"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := smtptest.Start(t, &tt.server)
			if tt.prepare != nil {
				tt.prepare(ts)
			}
			m := newMailer(t, ts.Addr, tt.opts)
			env, raw := composeSeed(t)
			res, err := m.Send(testContext(t), env, raw)
			require.Error(t, err)
			t.Log(err)
			assert.ErrorIs(t, err, tt.want)
			other := seminar.ErrTemporary
			if tt.want == seminar.ErrTemporary {
				other = seminar.ErrPermanent
			}
			assert.NotErrorIs(t, err, other)
			assert.Contains(t, err.Error(), tt.message)
			assert.Contains(t, err.Error(), "mail: send via "+ts.Addr)
			assert.Empty(t, ts.Received(), "nobody got it")
			if tt.refused == nil {
				assert.Nil(t, res)
				return
			}
			require.NotNil(t, res, "the result lists the refusals")
			assert.Empty(t, res.Accepted)
			var codes []int
			for _, r := range res.Refused {
				codes = append(codes, r.Code)
			}
			assert.Equal(t, tt.refused, codes)
		})
	}
}

func TestMailer_Send_RetryAfter451(t *testing.T) {
	ts := smtptest.Start(t, &smtptest.Options{Mechanisms: []string{"PLAIN"}})
	ts.ScriptData(&smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"})
	m := newMailer(t, ts.Addr, authOptions())
	env, raw := composeSeed(t)

	_, err := m.Send(testContext(t), env, raw)
	require.ErrorIs(t, err, seminar.ErrTemporary, "the first attempt fails for now")
	assert.Empty(t, ts.Received())

	res, err := m.Send(testContext(t), env, raw)
	require.NoError(t, err, "the second attempt delivers")
	assert.Equal(t, env.To, res.Accepted)
	requireDelivered(t, ts, env, raw)
}

// TestMailer_Send_DroppedMidData loses the connection while the server
// reads the message: the outcome is unknown, so the error is temporary, and
// the same bytes sent again arrive once with the same Message-ID.
func TestMailer_Send_DroppedMidData(t *testing.T) {
	ts := smtptest.Start(t, &smtptest.Options{Mechanisms: []string{"PLAIN"}})
	ts.ScriptData(smtptest.ErrDropConnection)
	m := newMailer(t, ts.Addr, authOptions())
	env, raw := composeSeed(t)

	_, err := m.Send(testContext(t), env, raw)
	require.ErrorIs(t, err, seminar.ErrTemporary)
	t.Log(err)
	assert.Contains(t, err.Error(), "DATA")
	assert.Empty(t, ts.Received())

	_, err = m.Send(testContext(t), env, raw)
	require.NoError(t, err)
	got := requireDelivered(t, ts, env, raw)
	assert.Equal(t, "<"+seedReminder().MessageID+">", mailcheck.Require(t, got.Data).Header.Get("Message-ID"))
}

// TestMailer_Send_NeverGreets bounds a Send to a server that accepts the
// connection and says nothing: it returns by the deadline, give or take
// 10%, with a temporary error.
func TestMailer_Send_NeverGreets(t *testing.T) {
	const limit = 3 * time.Second // long enough that 10% outlasts a stall of a loaded CI machine
	addr := smtptest.Start(t, &smtptest.Options{Behavior: smtptest.NeverGreet}).Addr
	env, raw := composeSeed(t)

	t.Run("context deadline", func(t *testing.T) {
		m := newMailer(t, addr, smail.Options{})
		elapsed, err := withinBound(t, limit, func() error {
			ctx, cancel := context.WithTimeout(context.Background(), limit)
			defer cancel()
			_, err := m.Send(ctx, env, raw)
			return err
		})
		assert.ErrorIs(t, err, seminar.ErrTemporary)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Less(t, elapsed, limit+limit/10, "Send returns within the deadline plus 10%%")
	})
	t.Run("Options.Timeout", func(t *testing.T) {
		m := newMailer(t, addr, smail.Options{Timeout: limit})
		elapsed, err := withinBound(t, limit, func() error {
			_, err := m.Send(context.Background(), env, raw)
			return err
		})
		assert.ErrorIs(t, err, seminar.ErrTemporary)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Less(t, elapsed, limit+limit/10, "Send returns within the timeout plus 10%%")
		assert.GreaterOrEqual(t, elapsed, limit-limit/10, "the timeout is the one configured")
	})
	t.Run("cancel", func(t *testing.T) {
		m := newMailer(t, addr, smail.Options{})
		elapsed, err := withinBound(t, limit, func() error {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			time.AfterFunc(limit, cancel)
			_, err := m.Send(ctx, env, raw)
			return err
		})
		assert.ErrorIs(t, err, seminar.ErrTemporary)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Less(t, elapsed, limit+limit/10, "Send returns when the context is cancelled")
	})
}

// withinBound times send, trying up to three times until a try returns
// within limit plus 10%, and returns the last try's time and error. A
// loaded machine (CI runs packages in parallel on two cores) can stall one
// try past the bound; a Send that overruns its deadline overruns every try.
func withinBound(t *testing.T, limit time.Duration, send func() error) (time.Duration, error) {
	var (
		elapsed time.Duration
		err     error
	)
	for try := 1; try <= 3; try++ {
		start := time.Now()
		err = send()
		elapsed = time.Since(start)
		t.Logf("try %d returned after %v: %v", try, elapsed, err)
		if elapsed < limit+limit/10 {
			break
		}
	}
	return elapsed, err
}

// TestMailer_Send_HangUpDuringEHLO checks that a connection lost before
// the extensions are known is temporary, not taken for a server without
// STARTTLS or AUTH.
func TestMailer_Send_HangUpDuringEHLO(t *testing.T) {
	addr := smtptest.Start(t, &smtptest.Options{Behavior: smtptest.HangUpAtEHLO}).Addr
	env, raw := composeSeed(t)
	for name, opts := range map[string]smail.Options{
		"STARTTLS required":   {},
		"plaintext with AUTH": {TLS: smail.TLSNone, AllowInsecure: true, Username: smtptest.User, Password: smtptest.Password},
		"plaintext":           {TLS: smail.TLSNone, AllowInsecure: true},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := newMailer(t, addr, opts).Send(testContext(t), env, raw)
			t.Log(err)
			assert.ErrorIs(t, err, seminar.ErrTemporary)
			assert.NotErrorIs(t, err, seminar.ErrPermanent)
		})
	}
}

func TestMailer_Send_ConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	m := newMailer(t, addr, smail.Options{})
	env, raw := composeSeed(t)
	_, err = m.Send(testContext(t), env, raw)
	assert.ErrorIs(t, err, seminar.ErrTemporary)
	assert.Contains(t, err.Error(), "connect")
}

func TestMailer_Send_SMTPUTF8(t *testing.T) {
	env, raw := composeSeed(t)
	env.To = append(env.To, "jérôme@exämple.org")

	t.Run("offered", func(t *testing.T) {
		ts := smtptest.Start(t, &smtptest.Options{SMTPUTF8: true})
		_, err := newMailer(t, ts.Addr, smail.Options{}).Send(testContext(t), env, raw)
		require.NoError(t, err)
		requireDelivered(t, ts, env, raw)
	})
	t.Run("not offered", func(t *testing.T) {
		ts := smtptest.Start(t, nil)
		_, err := newMailer(t, ts.Addr, smail.Options{}).Send(testContext(t), env, raw)
		assert.ErrorIs(t, err, seminar.ErrPermanent)
		assert.Contains(t, err.Error(), "SMTPUTF8")
		assert.Empty(t, ts.Received())
	})
}

func TestMailer_Send_RefusesBadInput(t *testing.T) {
	ts := smtptest.Start(t, nil)
	m := newMailer(t, ts.Addr, smail.Options{})
	_, raw := composeSeed(t)
	tests := map[string]struct {
		env seminar.Envelope
		raw []byte
	}{
		"no recipient":         {seminar.Envelope{From: "a@example.org"}, raw},
		"CRLF in a recipient":  {seminar.Envelope{To: []string{"a@example.org\r\nDATA"}}, raw},
		"CRLF in the sender":   {seminar.Envelope{From: "a@example.org\r\nRSET", To: []string{"b@example.org"}}, raw},
		"recipient with name":  {seminar.Envelope{To: []string{"Jane <jane@example.org>"}}, raw},
		"recipient without @":  {seminar.Envelope{To: []string{"jane"}}, raw},
		"empty message":        {seminar.Envelope{To: []string{"jane@example.org"}}, nil},
		"angle-bracketed from": {seminar.Envelope{From: "<a@example.org>", To: []string{"b@example.org"}}, raw},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := m.Send(testContext(t), tt.env, tt.raw)
			assert.ErrorIs(t, err, seminar.ErrInvalid)
			assert.ErrorIs(t, err, seminar.ErrPermanent)
		})
	}
	assert.Zero(t, ts.Sessions(), "nothing reached the server")

	unset, err := smail.New(smail.Options{})
	require.NoError(t, err, "a Mailer without Addr composes")
	_, err = unset.Send(testContext(t), seminar.Envelope{To: []string{"a@example.org"}}, raw)
	assert.ErrorIs(t, err, seminar.ErrPermanent)
	assert.ErrorIs(t, err, seminar.ErrInvalid)
}

func TestNew(t *testing.T) {
	tests := map[string]smail.Options{
		"no port":                    {Addr: "smtp.example.org"},
		"port out of range":          {Addr: "smtp.example.org:70000"},
		"no host":                    {Addr: ":587"},
		"plaintext without AllowIns": {Addr: "smtp.example.org:25", TLS: smail.TLSNone},
		"unknown TLS mode":           {Addr: "smtp.example.org:25", TLS: smail.TLSMode(9)},
		"unknown mechanism":          {Addr: "smtp.example.org:25", AuthMechanism: "CRAM-MD5"},
		"negative timeout":           {Addr: "smtp.example.org:25", Timeout: -time.Second},
		"HELO name with CRLF":        {Addr: "smtp.example.org:25", HeloName: "a\r\nRSET"},
		"HELO name with a space":     {Addr: "smtp.example.org:25", HeloName: "a b"},
	}
	for name, opts := range tests {
		t.Run(name, func(t *testing.T) {
			m, err := smail.New(opts)
			assert.ErrorIs(t, err, seminar.ErrInvalid)
			assert.Nil(t, m)
		})
	}
	for _, opts := range []smail.Options{
		{},
		{Addr: "smtp.example.org:587"},
		{Addr: "[::1]:25", TLS: smail.TLSNone, AllowInsecure: true},
		{Addr: "smtp.example.org:465", TLS: smail.TLSImplicit, AuthMechanism: smail.AuthLogin},
	} {
		_, err := smail.New(opts)
		assert.NoError(t, err, "%+v", opts)
	}
}
