package mail

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"time"

	"github.com/seminarkit/seminar"
)

// SendBatch sends each message of msgs as Send does and calls done with
// each one's result, in order, as soon as it is known: over one
// connection for up to Options.MessagesPerConnection messages. A message
// after one the server accepted follows it directly: the reply to the end
// of DATA ended that transaction (RFC 5321 4.1.1.4), and RSET would add a
// round trip that changes nothing. After a transaction that failed, RSET
// clears what the server may still hold of it before the next MAIL FROM.
//
// The connection outlives the call: SendBatch starts on the Mailer's idle
// connection when there is one, and leaves its own connection idle at its
// end, for the next call, when it can carry more messages (see
// Options.IdleTimeout and Close); otherwise it says QUIT. The count of
// Options.MessagesPerConnection goes on across calls.
//
// A message is sent again, once, over a new connection when the
// connection it was to go over turned out to be gone before the server
// answered DATA with 354 (the server closed it, answered 421, or the
// network failed), as happens with a server that allows fewer messages in
// one session than Options.MessagesPerConnection, or one that closed an
// idle connection. Nothing is sent again
// once DATA began: an error from then on is the message's, as it would be
// Send's. A reply refusing one message (a 5xx to MAIL FROM, every
// recipient refused, a 552 at the end of DATA) fails that message alone,
// and the next one goes over the same connection. Each message has its
// own Options.Timeout when ctx has no deadline.
func (m *Mailer) SendBatch(ctx context.Context, msgs []seminar.Outgoing, done func(i int, res *seminar.SendResult, err error)) {
	if m.opts.MessagesPerConnection == 1 || len(msgs) < 2 {
		for i, msg := range msgs {
			res, err := m.Send(ctx, msg.Envelope, msg.Raw)
			done(i, res, err)
		}
		return
	}
	b := &batch{m: m}
	defer m.park(b)
	for i, msg := range msgs {
		res, err := b.send(ctx, msg.Envelope, msg.Raw)
		done(i, res, err)
	}
}

// batch is the connection a SendBatch, or a Send, holds between messages:
// the Mailer's idle connection it took, or one it dialled, until the
// Mailer parks it at the end of the call.
type batch struct {
	m    *Mailer
	conn net.Conn     // nil when there is none
	c    *smtp.Client // the client on conn
	sent int          // the transactions begun on conn
	// open is set when the last transaction on conn did not end with the
	// server taking the message: RSET must clear it first.
	open bool
}

// send sends one message, over the batch's connection if it has one that
// has not reached the limit.
func (b *batch) send(ctx context.Context, env seminar.Envelope, raw []byte) (*seminar.SendResult, error) {
	if err := b.m.checkSend(env, raw); err != nil {
		return nil, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, b.m.opts.Timeout)
		defer cancel()
	}
	if b.conn == nil {
		b.take()
	}
	if b.conn != nil && b.sent >= b.m.opts.MessagesPerConnection {
		b.quit()
	}
	for {
		reused := b.conn != nil
		s := &session{m: b.m, ctx: ctx}
		res, err := b.transact(s, env, raw)
		if err == nil {
			return res, nil
		}
		if b.conn == nil && reused && !s.data && !usable(err) && ctx.Err() == nil {
			continue // the connection was gone: try once over a new one
		}
		return res, fmt.Errorf("mail: send via %s: %w", b.m.opts.Addr, err)
	}
}

// transact sends one message over the batch's connection, after RSET when
// the transaction before did not end with the message taken, or over a new
// connection when the batch has none. It drops the connection after an
// error that leaves it unusable.
func (b *batch) transact(s *session, env seminar.Envelope, raw []byte) (*seminar.SendResult, error) {
	if b.conn == nil {
		if err := b.connect(s); err != nil {
			return nil, err
		}
	}
	// The deadline bounds every read and write; cancelling the context
	// moves it to the past, which wakes whatever is blocked.
	deadline, _ := s.ctx.Deadline()
	_ = b.conn.SetDeadline(deadline)
	conn := b.conn
	stop := context.AfterFunc(s.ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer func() {
		// The context ended as the transaction did: the connection's
		// deadline may move to the past at any moment, under the next
		// transaction's feet.
		if !stop() {
			b.drop()
		}
	}()
	if b.open {
		if err := b.c.Reset(); err != nil {
			b.drop()
			return nil, s.fail("RSET", err)
		}
	}
	if err := s.check(b.c, env, raw); err != nil {
		return nil, err
	}
	b.sent++
	res, err := s.transact(b.c, env, raw)
	b.open = err != nil
	if err != nil && (s.lost || !usable(err)) {
		b.drop()
	}
	return res, err
}

// connect dials, reads the greeting and greets, securing and
// authenticating the connection, which it keeps in b.
func (b *batch) connect(s *session) error {
	conn, err := b.m.dial(s.ctx)
	if err != nil {
		return s.fail("connect", err)
	}
	deadline, _ := s.ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(s.ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	c, err := smtp.NewClient(conn, b.m.host)
	if err != nil {
		_ = conn.Close()
		return s.fail("greeting", err)
	}
	if err := s.greet(c); err != nil {
		_ = c.Close()
		return err
	}
	b.conn, b.c, b.sent, b.open = conn, c, 0, false
	return nil
}

// usable reports whether the connection can carry another transaction
// after a transaction failed with err: the server refused the message
// with a reply other than 421, which closes the connection.
func usable(err error) bool {
	var reply *textproto.Error
	if errors.As(err, &reply) {
		return reply.Code != 421
	}
	return errors.Is(err, errRefused)
}

// take makes the Mailer's idle connection the batch's, if there is one.
func (b *batch) take() {
	if idle := b.m.takeIdle(); idle != nil {
		b.conn, b.c, b.sent, b.open = idle.conn, idle.c, idle.sent, idle.open
	}
}

// quit says QUIT, waiting a bounded time for the reply, and closes the
// connection.
func (b *batch) quit() {
	if b.conn == nil {
		return
	}
	quit(b.conn, b.c)
	b.conn, b.c, b.sent, b.open = nil, nil, 0, false
}

// drop closes the connection without QUIT: a failed connection, or a
// server that stopped answering, would hold the error back.
func (b *batch) drop() {
	if b.conn == nil {
		return
	}
	_ = b.c.Close()
	b.conn, b.c, b.sent, b.open = nil, nil, 0, false
}
