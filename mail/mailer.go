package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/seminarkit/seminar"
)

// TLSMode says how Send protects the connection to the server.
type TLSMode int

// The TLS modes. The zero value, TLSStartTLS, is the default.
const (
	// TLSStartTLS connects in plaintext and upgrades with STARTTLS before
	// anything else is said (port 587 or 25). A server that does not offer
	// STARTTLS is a permanent error: the message is never sent in the clear.
	TLSStartTLS TLSMode = iota
	// TLSImplicit speaks TLS from the first byte (SMTPS, port 465).
	TLSImplicit
	// TLSNone sends in plaintext. It needs Options.AllowInsecure, and is
	// meant for a relay on the same host or a test server.
	TLSNone
)

// String returns the mode's name: "starttls", "implicit" or "none".
func (m TLSMode) String() string {
	switch m {
	case TLSStartTLS:
		return "starttls"
	case TLSImplicit:
		return "implicit"
	case TLSNone:
		return "none"
	}
	return "TLSMode(" + strconv.Itoa(int(m)) + ")"
}

// The AUTH mechanisms Send speaks.
const (
	AuthPlain = "PLAIN"
	AuthLogin = "LOGIN"
)

// DefaultTimeout bounds a Send whose context has no deadline.
const DefaultTimeout = time.Minute

// Options configure a Mailer. The zero value composes messages but cannot
// send them: Send needs Addr.
type Options struct {
	// Addr is the server's host:port, such as "smtp.example.org:587".
	Addr string
	// HeloName is the name given in EHLO; default "localhost".
	HeloName string
	// TLS says how the connection is protected; default TLSStartTLS.
	TLS TLSMode
	// TLSConfig, when set, is used for STARTTLS and implicit TLS; its
	// ServerName defaults to Addr's host. Leave it nil to verify the server
	// against the system's roots.
	TLSConfig *tls.Config
	// AllowInsecure must be set for TLS: TLSNone. Even then credentials
	// are only ever sent in plaintext to localhost, as net/smtp's PlainAuth
	// rules.
	AllowInsecure bool
	// Username and Password, when Username is set, authenticate with AUTH.
	// A server that offers no mechanism Send speaks is a permanent error.
	Username, Password string
	// AuthMechanism is AuthPlain or AuthLogin; empty means PLAIN when the
	// server offers it, LOGIN otherwise.
	AuthMechanism string
	// Timeout bounds a Send whose context has no deadline, and each
	// message of a SendBatch; default DefaultTimeout. A context deadline
	// always wins.
	Timeout time.Duration
	// MessagesPerConnection is how many messages the Mailer sends over
	// one connection, one transaction after another (RSET only after one
	// that failed), in one SendBatch or across calls, before it says QUIT
	// and connects again; default DefaultMessagesPerConnection. 1 sends
	// each message over a connection of its own.
	MessagesPerConnection int
	// IdleTimeout is how long the Mailer keeps a connection open after a
	// Send or SendBatch, for the next one to go on with, before it says
	// QUIT; default DefaultIdleTimeout. A negative value keeps none: each
	// call says QUIT at its end. Close says QUIT at once.
	IdleTimeout time.Duration
}

// DefaultMessagesPerConnection is the default of
// Options.MessagesPerConnection. A server that allows fewer in one session
// says so by closing the connection or answering 421, and SendBatch goes
// on over a new connection.
const DefaultMessagesPerConnection = 100

// Mailer is a seminar.Mailer that speaks SMTP with net/smtp: one
// transaction per Send, and, as a seminar.BatchMailer, several
// transactions one after another in SendBatch. With a server that offers
// PIPELINING, a transaction's commands up to DATA go in one write. A
// connection carries up to Options.MessagesPerConnection messages, across
// calls: one that can carry more is kept idle for the next call, for
// Options.IdleTimeout, as net/http keeps a connection alive. Call Close
// when done sending, to say QUIT on it at once. A Mailer is safe for
// concurrent use; calls that find the idle connection taken connect anew.
type Mailer struct {
	opts Options
	host string // Addr's host: the TLS server name and the AUTH host

	mu       sync.Mutex
	idle     *idleConn // the connection kept between calls, or nil
	closed   bool      // set by Close: keep no connection idle
	expiring sync.WaitGroup
}

var _ seminar.BatchMailer = (*Mailer)(nil)

// New returns a Mailer for opts, or an error matching seminar.ErrInvalid
// when an option is wrong.
func New(opts Options) (*Mailer, error) {
	if err := checkOptions(&opts); err != nil {
		return nil, fmt.Errorf("mail: new mailer: %w: %s", seminar.ErrInvalid, err)
	}
	m := &Mailer{opts: opts}
	if opts.Addr != "" {
		m.host, _, _ = net.SplitHostPort(opts.Addr)
	}
	return m, nil
}

// checkOptions fills the defaults into opts and reports the first wrong
// option.
func checkOptions(o *Options) error {
	if o.Addr != "" {
		host, port, err := net.SplitHostPort(o.Addr)
		if err != nil {
			return fmt.Errorf("addr: %q is not host:port: %v", o.Addr, err)
		}
		if p, err := strconv.Atoi(port); host == "" || err != nil || p < 1 || p > 65535 {
			return fmt.Errorf("addr: %q is not host:port with a port from 1 to 65535", o.Addr)
		}
	}
	if o.HeloName == "" {
		o.HeloName = "localhost"
	}
	if err := checkLine(o.HeloName); err != nil || !isASCII(o.HeloName) || strings.ContainsRune(o.HeloName, ' ') {
		return fmt.Errorf("heloName: %q is not a host name", o.HeloName)
	}
	switch o.TLS {
	case TLSStartTLS, TLSImplicit:
	case TLSNone:
		if !o.AllowInsecure {
			return errors.New("tls: TLSNone sends mail in plaintext; set AllowInsecure to mean it")
		}
	default:
		return fmt.Errorf("tls: unknown mode %v", o.TLS)
	}
	switch o.AuthMechanism {
	case "", AuthPlain, AuthLogin:
	default:
		return fmt.Errorf("authMechanism: %q is neither %s nor %s", o.AuthMechanism, AuthPlain, AuthLogin)
	}
	if o.Timeout < 0 {
		return fmt.Errorf("timeout: %v is negative", o.Timeout)
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MessagesPerConnection < 0 {
		return fmt.Errorf("messagesPerConnection: %d is negative", o.MessagesPerConnection)
	}
	if o.MessagesPerConnection == 0 {
		o.MessagesPerConnection = DefaultMessagesPerConnection
	}
	if o.IdleTimeout == 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	return nil
}

// Compose returns msg as bytes; see the package function Compose.
func (m *Mailer) Compose(msg *seminar.Message) ([]byte, error) {
	return Compose(msg)
}

// Send transmits raw to the recipients of env in one SMTP transaction and
// reports which recipients the server accepted and which it refused; one
// refusal does not stop the others. A nil error means the server answered
// 250 to the end of DATA.
//
// An error matches seminar.ErrTemporary when trying again may succeed: a
// 4xx reply, a network error, a timeout, a connection lost before the
// server's answer to DATA (then the server may have the message: sending
// the same bytes again carries the same Message-ID, and receivers drop the
// duplicate). It matches seminar.ErrPermanent otherwise: a 5xx reply such
// as 535 for a wrong password or 552 for a message too large, a server
// without STARTTLS, a certificate that does not verify. When the server
// refuses every recipient, Send returns the result listing the refusals
// with an error that is temporary if any refusal was.
//
// The context bounds the whole transaction; without a deadline,
// Options.Timeout does.
//
// Send goes over the Mailer's idle connection when there is one, and
// leaves its connection idle for the next call as SendBatch does, unless
// Options.MessagesPerConnection is 1 or Options.IdleTimeout negative: then
// it connects, sends and says QUIT. A message whose idle connection turns
// out to be gone before the server answered DATA with 354 is sent over a
// new connection; pipelined, that is a connection found gone while
// reading the replies to MAIL FROM, RCPT TO and DATA.
func (m *Mailer) Send(ctx context.Context, env seminar.Envelope, raw []byte) (*seminar.SendResult, error) {
	if m.keepsConnections() {
		b := &batch{m: m}
		defer m.park(b)
		return b.send(ctx, env, raw)
	}
	if err := m.checkSend(env, raw); err != nil {
		return nil, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, m.opts.Timeout)
		defer cancel()
	}
	s := &session{m: m, ctx: ctx}
	res, err := s.run(env, raw)
	if err != nil {
		return res, fmt.Errorf("mail: send via %s: %w", m.opts.Addr, err)
	}
	return res, nil
}

// keepsConnections reports whether a connection may carry more than one
// message and stay open between calls.
func (m *Mailer) keepsConnections() bool {
	return m.opts.MessagesPerConnection > 1 && m.opts.IdleTimeout >= 0
}

// checkSend returns Send's error for a message that cannot be sent at all.
func (m *Mailer) checkSend(env seminar.Envelope, raw []byte) error {
	if m.opts.Addr == "" {
		return fmt.Errorf("mail: send: %w: %w: Options.Addr is not set", seminar.ErrPermanent, seminar.ErrInvalid)
	}
	if err := checkEnvelope(env, raw); err != nil {
		return fmt.Errorf("mail: send via %s: %w: %w: %s", m.opts.Addr, seminar.ErrPermanent, seminar.ErrInvalid, err)
	}
	return nil
}

// checkEnvelope accepts a bare sender address or the null sender "", one
// or more bare recipient addresses and a non-empty message.
func checkEnvelope(env seminar.Envelope, raw []byte) error {
	if env.From != "" {
		if err := checkAddrSpec(env.From, true); err != nil {
			return fmt.Errorf("envelope.from: %w", err)
		}
	}
	if len(env.To) == 0 {
		return errors.New("envelope.to: no recipient")
	}
	for i, to := range env.To {
		if err := checkAddrSpec(to, true); err != nil {
			return fmt.Errorf("envelope.to[%d]: %w", i, err)
		}
	}
	if len(raw) == 0 {
		return errors.New("raw: empty message")
	}
	return nil
}

// dial connects to the server, through TLS from the start in TLSImplicit.
func (m *Mailer) dial(ctx context.Context) (net.Conn, error) {
	d := &net.Dialer{}
	if m.opts.TLS == TLSImplicit {
		td := &tls.Dialer{NetDialer: d, Config: m.tlsConfig()}
		return td.DialContext(ctx, "tcp", m.opts.Addr)
	}
	return d.DialContext(ctx, "tcp", m.opts.Addr)
}

func (m *Mailer) tlsConfig() *tls.Config {
	var c *tls.Config
	if m.opts.TLSConfig != nil {
		c = m.opts.TLSConfig.Clone()
	} else {
		c = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if c.ServerName == "" {
		c.ServerName = m.host
	}
	return c
}

func (m *Mailer) auth(offered string) (smtp.Auth, error) {
	mech := m.opts.AuthMechanism
	if mech == "" {
		switch {
		case hasWord(offered, AuthPlain):
			mech = AuthPlain
		case hasWord(offered, AuthLogin):
			mech = AuthLogin
		}
	}
	if mech == "" || !hasWord(offered, mech) {
		return nil, fmt.Errorf("server offers AUTH %q, which has no mechanism to use (%s or %s, or Options.AuthMechanism)",
			offered, AuthPlain, AuthLogin)
	}
	if mech == AuthLogin {
		return &loginAuth{username: m.opts.Username, password: m.opts.Password, host: m.host}, nil
	}
	return smtp.PlainAuth("", m.opts.Username, m.opts.Password, m.host), nil
}
