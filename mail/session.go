package mail

import (
	"context"
	"errors"
	"fmt"
	"net/smtp"
	"net/textproto"
	"os"
	"strconv"
	"time"

	"github.com/seminarkit/seminar"
)

// quitTimeout bounds the wait for the reply to QUIT after a message was
// sent.
const quitTimeout = 2 * time.Second

// session is one transaction. Its run is a Send over a connection of its
// own, for a Mailer that keeps no connection between calls; a batch uses
// its other methods over the connection it holds.
type session struct {
	m   *Mailer
	ctx context.Context
	// data is set once the server answered DATA with 354: from then on,
	// the message may be on its way.
	data bool
	// lost is set when the connection failed while the replies to a
	// pipelined group were read: it can carry no other transaction.
	lost bool
}

// run connects, prepares the connection and sends. Every error it returns
// matches seminar.ErrTemporary or seminar.ErrPermanent.
func (s *session) run(env seminar.Envelope, raw []byte) (*seminar.SendResult, error) {
	conn, err := s.m.dial(s.ctx)
	if err != nil {
		return nil, s.fail("connect", err)
	}
	// The deadline bounds every read and write; cancelling the context
	// moves it to the past, which wakes whatever is blocked.
	deadline, _ := s.ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(s.ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c, err := smtp.NewClient(conn, s.m.host)
	if err != nil {
		_ = conn.Close()
		return nil, s.fail("greeting", err)
	}
	// A failed transaction ends with the connection closed, without QUIT:
	// a server that stopped answering would hold the error back until the
	// deadline.
	defer c.Close()
	if err := s.prepare(c, env, raw); err != nil {
		return nil, err
	}
	res, err := s.transact(c, env, raw)
	if err != nil {
		return res, err
	}
	// The server took the message: a failed QUIT changes nothing, and a
	// server slow to answer it must not hold the result back.
	if quit := time.Now().Add(quitTimeout); quit.Before(deadline) {
		_ = conn.SetDeadline(quit)
	}
	_ = c.Quit()
	return res, nil
}

// prepare says EHLO, secures the connection, authenticates, and checks the
// extensions the message needs, before MAIL FROM.
func (s *session) prepare(c *smtp.Client, env seminar.Envelope, raw []byte) error {
	if err := s.greet(c); err != nil {
		return err
	}
	return s.check(c, env, raw)
}

// greet says EHLO, secures the connection and authenticates.
func (s *session) greet(c *smtp.Client) error {
	// Hello says EHLO (HELO if refused) at once: its error is the
	// connection's, and Extension below can trust the list it got.
	if err := c.Hello(s.m.opts.HeloName); err != nil {
		return s.fail("EHLO", err)
	}
	if s.m.opts.TLS == TLSStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return s.fail("STARTTLS", errors.New("the server does not offer STARTTLS, and "+
				"Options.TLS requires it; use TLSNone with AllowInsecure to send in plaintext"))
		}
		if err := c.StartTLS(s.m.tlsConfig()); err != nil {
			return s.fail("STARTTLS", err)
		}
	}
	if s.m.opts.Username != "" {
		ok, offered := c.Extension("AUTH")
		if !ok {
			return s.fail("AUTH", errors.New("the server offers no AUTH, and Options.Username is set"))
		}
		a, err := s.m.auth(offered)
		if err != nil {
			return s.fail("AUTH", err)
		}
		if err := c.Auth(a); err != nil {
			return s.fail("AUTH", err)
		}
	}
	return nil
}

// check checks that the server offers the extensions the message needs.
func (s *session) check(c *smtp.Client, env seminar.Envelope, raw []byte) error {
	if addr, ok := firstNonASCII(env); ok {
		if has, _ := c.Extension("SMTPUTF8"); !has {
			return s.fail("MAIL FROM", fmt.Errorf("the server does not offer SMTPUTF8, "+
				"which the address %q needs", addr))
		}
	}
	if ok, param := c.Extension("SIZE"); ok {
		if limit, err := strconv.ParseInt(param, 10, 64); err == nil && limit > 0 && int64(len(raw)) > limit {
			return s.fail("MAIL FROM", fmt.Errorf("the message of %d octets exceeds the server's SIZE of %d",
				len(raw), limit))
		}
	}
	return nil
}

// transact sends MAIL FROM, RCPT TO for each recipient, collecting
// refusals, and DATA when any recipient was accepted: all in one write
// when the server pipelines, one command at a time otherwise.
func (s *session) transact(c *smtp.Client, env seminar.Envelope, raw []byte) (*seminar.SendResult, error) {
	if pipelines(c, env) {
		return s.pipeline(c, env, raw)
	}
	if err := c.Mail(env.From); err != nil {
		return nil, s.fail("MAIL FROM", err)
	}
	res := &seminar.SendResult{}
	for _, to := range env.To {
		err := c.Rcpt(to)
		var reply *textproto.Error
		switch {
		case err == nil:
			res.Accepted = append(res.Accepted, to)
		case errors.As(err, &reply):
			res.Refused = append(res.Refused, seminar.RecipientError{Address: to, Code: reply.Code, Message: reply.Msg})
		default:
			return nil, s.fail("RCPT TO", err)
		}
	}
	if len(res.Accepted) == 0 {
		return res, refusedError(res.Refused)
	}
	w, err := c.Data()
	if err != nil {
		return nil, s.fail("DATA", err)
	}
	s.data = true
	if _, err := w.Write(raw); err != nil {
		return nil, s.fail("DATA", err)
	}
	// Close sends the final dot and reads the reply: its 250 means sent.
	if err := w.Close(); err != nil {
		return nil, s.fail("end of DATA", err)
	}
	return res, nil
}

// fail names the step and classifies err.
func (s *session) fail(step string, err error) error {
	if ctxErr := s.contextErr(err); ctxErr != nil {
		return fmt.Errorf("%s: %w: %w: %w", step, seminar.ErrTemporary, ctxErr, err)
	}
	return fmt.Errorf("%s: %w: %w", step, classify(err), err)
}

// contextErr returns the context's error when err comes from it: also when
// err is the connection's deadline, which is the context's, passing a
// moment before the context's own timer notices.
func (s *session) contextErr(err error) error {
	if ctxErr := s.ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if d, ok := s.ctx.Deadline(); ok && errors.Is(err, os.ErrDeadlineExceeded) && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return nil
}

func firstNonASCII(env seminar.Envelope) (string, bool) {
	if !isASCII(env.From) {
		return env.From, true
	}
	for _, to := range env.To {
		if !isASCII(to) {
			return to, true
		}
	}
	return "", false
}
