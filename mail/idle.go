package mail

import (
	"net"
	"net/smtp"
	"time"
)

// DefaultIdleTimeout is the default of Options.IdleTimeout: long enough to
// carry the batches of one dispatch over one connection, far shorter than
// the 5 minutes a server waits for the next command (RFC 5321 4.5.3.2).
const DefaultIdleTimeout = 5 * time.Second

// idleConn is the connection a Mailer keeps between calls, with what a
// batch holds of it.
type idleConn struct {
	conn  net.Conn
	c     *smtp.Client
	sent  int
	open  bool
	timer *time.Timer // says QUIT once the connection was idle too long
}

// Close says QUIT on the connection the Mailer keeps idle, if any, closes
// it and stops keeping connections: from then on each Send and SendBatch
// ends its connection with QUIT, as with a negative Options.IdleTimeout.
// Sending still works after Close. Close waits for an idle connection
// whose timeout fired to be closed, so that nothing of the Mailer runs
// once it returns. It always returns nil.
func (m *Mailer) Close() error {
	m.mu.Lock()
	m.closed = true
	idle := m.takeIdleLocked()
	m.mu.Unlock()
	if idle != nil {
		quit(idle.conn, idle.c)
	}
	m.expiring.Wait()
	return nil
}

// takeIdle returns the idle connection, which is then the caller's, or
// nil when there is none.
func (m *Mailer) takeIdle() *idleConn {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.takeIdleLocked()
}

func (m *Mailer) takeIdleLocked() *idleConn {
	idle := m.idle
	if idle == nil {
		return nil
	}
	m.idle = nil
	if idle.timer.Stop() {
		m.expiring.Done() // the timer will not run: it was counted when set
	}
	return idle
}

// park keeps the batch's connection as the Mailer's idle connection, for
// the next call to take, when it can carry another transaction and the
// Mailer keeps none yet; it says QUIT on it otherwise. The batch has no
// connection afterwards.
func (m *Mailer) park(b *batch) {
	if b.conn == nil {
		return
	}
	if m.opts.IdleTimeout < 0 || b.sent >= m.opts.MessagesPerConnection {
		b.quit()
		return
	}
	m.mu.Lock()
	if m.closed || m.idle != nil {
		m.mu.Unlock()
		b.quit()
		return
	}
	idle := &idleConn{conn: b.conn, c: b.c, sent: b.sent, open: b.open}
	m.expiring.Add(1)
	idle.timer = time.AfterFunc(m.opts.IdleTimeout, func() { m.expire(idle) })
	m.idle = idle
	m.mu.Unlock()
	b.conn, b.c, b.sent, b.open = nil, nil, 0, false
}

// expire says QUIT on idle once its timeout passed, unless a call took it
// meanwhile.
func (m *Mailer) expire(idle *idleConn) {
	defer m.expiring.Done()
	m.mu.Lock()
	mine := m.idle == idle
	if mine {
		m.idle = nil
	}
	m.mu.Unlock()
	if mine {
		quit(idle.conn, idle.c)
	}
}

// quit says QUIT on c, waiting a bounded time for the reply, and closes
// its connection.
func quit(conn net.Conn, c *smtp.Client) {
	_ = conn.SetDeadline(time.Now().Add(quitTimeout))
	_ = c.Quit()
	_ = c.Close()
}
