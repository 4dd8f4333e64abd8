package mail_test

import (
	"context"
	"fmt"
	"net/smtp"
	"testing"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/internal/smtptest"
	smail "github.com/seminarkit/seminar/mail"
)

// BenchmarkCompose composes the seed reminder: text, HTML, calendar and
// list headers.
func BenchmarkCompose(b *testing.B) {
	msg := seedReminder()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := smail.Compose(msg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSend sends pre-composed reminders, one per op, to the loopback
// go-smtp server: through Mailer.Send, which goes on over the connection
// the Send before kept (a new one every Options.MessagesPerConnection
// messages), and through a bare net/smtp loop doing the same steps (dial,
// EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, QUIT) as the baseline; "one
// connection" is the bare loop's transactions over a single connection.
// "plaintext-unpipelined" is "plaintext" with a server that does not offer
// PIPELINING, so that the Mailer sends one command at a time.
// Run with -benchtime=1000x to send 1,000 messages per run.
func BenchmarkSend(b *testing.B) {
	const distinct = 1000
	msgs := make([][]byte, distinct)
	for i := range msgs {
		m := seedReminder()
		m.MessageID = fmt.Sprintf("bench%d.reminder-10080m.s0@csail.mit.edu", i)
		raw, err := smail.Compose(m)
		if err != nil {
			b.Fatal(err)
		}
		msgs[i] = raw
	}
	env := seminar.Envelope{From: "bounces@csail.mit.edu", To: []string{"seminars@csail.mit.edu", "vision-meeting@csail.mit.edu"}}

	for _, mode := range []struct {
		name   string
		server smtptest.Options
		opts   smail.Options
	}{
		{"starttls+auth", smtptest.Options{Mechanisms: []string{"PLAIN"}}, authOptions()},
		{"plaintext", smtptest.Options{TLS: smtptest.Plaintext}, smail.Options{TLS: smail.TLSNone, AllowInsecure: true}},
		{"plaintext-unpipelined", smtptest.Options{TLS: smtptest.Plaintext, NoPipelining: true},
			smail.Options{TLS: smail.TLSNone, AllowInsecure: true}},
	} {
		ts := smtptest.Start(b, &mode.server)
		tlsConfig := clientTLS(b)
		tlsConfig.ServerName = "127.0.0.1"
		var auth smtp.Auth
		if mode.opts.Username != "" {
			auth = smtp.PlainAuth("", smtptest.User, smtptest.Password, "127.0.0.1")
		}
		if mode.opts.TLS != smail.TLSStartTLS {
			tlsConfig = nil
		}

		b.Run(mode.name+"/mailer", func(b *testing.B) {
			m := newMailer(b, ts.Addr, mode.opts)
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := m.Send(ctx, env, msgs[i%distinct]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(mode.name+"/net-smtp", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				c, err := smtp.Dial(ts.Addr)
				if err != nil {
					b.Fatal(err)
				}
				if err := smtptest.BaselineHello(c, tlsConfig, auth); err != nil {
					b.Fatal(err)
				}
				if err := smtptest.BaselineSend(c, env.From, env.To, msgs[i%distinct]); err != nil {
					b.Fatal(err)
				}
				if err := c.Quit(); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(mode.name+"/net-smtp-one-connection", func(b *testing.B) {
			c, err := smtp.Dial(ts.Addr)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			if err := smtptest.BaselineHello(c, tlsConfig, auth); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if err := smtptest.BaselineSend(c, env.From, env.To, msgs[i%distinct]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
