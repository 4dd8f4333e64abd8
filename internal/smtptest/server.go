package smtptest

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// The credentials a server that offers AUTH accepts.
const (
	User     = "talks@example.org"
	Password = "correct horse battery staple"
)

// TLSMode says how a server offers TLS.
type TLSMode int

const (
	// StartTLS offers STARTTLS with the self-signed certificate.
	StartTLS TLSMode = iota
	// Plaintext offers no TLS at all.
	Plaintext
	// ImplicitTLS speaks TLS from the first byte, as on port 465.
	ImplicitTLS
)

// Behavior is how a server misbehaves, if it does.
type Behavior int

const (
	// Answer is a working server.
	Answer Behavior = iota
	// NeverGreet accepts connections and never says a word.
	NeverGreet
	// HangUpAtEHLO greets and closes the connection at EHLO: a server
	// that goes away before its extensions are known.
	HangUpAtEHLO
	// StallData reads each message, hands it to [Server.Stalled] and
	// never answers until the server closes.
	StallData
)

// Options configure a server; the zero value is a working server offering
// STARTTLS and no AUTH, which keeps every message it accepts.
type Options struct {
	TLS TLSMode
	// Mechanisms are the AUTH mechanisms offered, of PLAIN and LOGIN.
	// With any, mail is refused until the session authenticates as User;
	// nil offers none and accepts mail without authentication.
	Mechanisms []string
	SMTPUTF8   bool
	// MaxBytes is the SIZE the server announces and enforces; 0 is none.
	MaxBytes int64
	Behavior Behavior
	// Sink keeps no message, only how many arrived and their Message-IDs,
	// so that a long run holds little memory.
	Sink bool
	// Delay is how long each DATA takes to answer, as a real server's
	// would.
	Delay time.Duration
	// MaxMessagesPerConnection, when positive, is how many messages one
	// connection may carry: the MAIL FROM of the next is answered 421 and
	// the connection closed after the reply, or, with HangUpAtLimit,
	// closed without a reply.
	MaxMessagesPerConnection int
	HangUpAtLimit            bool
	// Transcripts keeps what clients send on each connection, for
	// [Server.Transcripts]; meant for Plaintext servers.
	Transcripts bool
	// NoPipelining leaves PIPELINING out of the reply to EHLO, which
	// go-smtp always offers; meant for Plaintext servers.
	NoPipelining bool
}

// Message is a message the server accepted.
type Message struct {
	From string
	To   []string
	Data []byte
	// TLS says whether the message came over TLS.
	TLS bool
	// User is whom the session authenticated as, or "".
	User string
}

// ErrDropConnection, given to [Server.ScriptData], makes a DATA read part
// of the message and close the connection without replying.
var ErrDropConnection = errors.New("smtptest: drop the connection mid-DATA")

// closeBound is how long Close waits for Serve to return once its
// listener is closed, which is at once unless something is badly wrong.
const closeBound = 5 * time.Second

// Server is a running SMTP server. Its methods may be called concurrently.
type Server struct {
	// Addr is the host:port the server listens on.
	Addr string
	// Stalled receives each message a StallData server read and left
	// unanswered; it holds 16 before a stalled session blocks.
	Stalled chan []byte

	opts     Options
	ln       net.Listener
	conns    *trackingListener
	smtp     *smtp.Server // nil for NeverGreet
	served   chan struct{}
	release  chan struct{}
	closeErr error
	close    sync.Once

	mu         sync.Mutex
	refuse     map[string]*smtp.SMTPError
	dataScript []error
	received   []Message
	messageIDs []string
	count      int
	sessions   int
	scripts    []*transcript
}

// transcript is what a client sent on one connection.
type transcript struct {
	mu   sync.Mutex
	sent []byte
}

// Start runs a server until t ends, and fails t if it cannot start or
// does not stop.
func Start(t testing.TB, opts *Options) *Server {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatalf("smtptest: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("smtptest: %v", err)
		}
	})
	return s
}

// New runs a server until Close; nil opts is the zero Options.
func New(opts *Options) (*Server, error) {
	if opts == nil {
		opts = &Options{}
	}
	s := &Server{
		Stalled: make(chan []byte, 16),
		opts:    *opts,
		served:  make(chan struct{}),
		release: make(chan struct{}),
		refuse:  map[string]*smtp.SMTPError{},
	}
	ln, err := s.listen()
	if err != nil {
		return nil, err
	}
	s.Addr = ln.Addr().String()
	if opts.Behavior == NeverGreet {
		go s.holdSilently()
		return s, nil
	}
	if s.smtp, err = s.newSMTP(); err != nil {
		_ = ln.Close()
		return nil, err
	}
	go func() {
		defer close(s.served)
		_ = s.smtp.Serve(ln)
	}()
	return s, nil
}

// listen makes the listener before anything serves it, so that Close can
// always end Serve by closing it: go-smtp's own Close knows only the
// listeners Serve has already registered.
// The tracking sits under TLS so that go-smtp still sees a *tls.Conn.
func (s *Server) listen() (net.Listener, error) {
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	s.conns = &trackingListener{Listener: tcp, srv: s, conns: map[net.Conn]struct{}{}}
	s.ln = s.conns
	if s.opts.TLS == ImplicitTLS {
		cfg, err := serverTLS()
		if err != nil {
			_ = tcp.Close()
			return nil, fmt.Errorf("certificate: %w", err)
		}
		s.ln = tls.NewListener(s.conns, cfg)
	}
	return s.ln, nil
}

func (s *Server) newSMTP() (*smtp.Server, error) {
	srv := smtp.NewServer(smtp.BackendFunc(s.newSession))
	srv.Domain = "localhost"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.AllowInsecureAuth = true // the client decides: credentials in plaintext only to loopback
	srv.EnableSMTPUTF8 = s.opts.SMTPUTF8
	srv.MaxMessageBytes = s.opts.MaxBytes
	srv.ErrorLog = log.New(io.Discard, "", 0)
	if s.opts.TLS == StartTLS {
		cfg, err := serverTLS()
		if err != nil {
			return nil, fmt.Errorf("certificate: %w", err)
		}
		srv.TLSConfig = cfg
	}
	return srv, nil
}

// holdSilently accepts connections and keeps them open without a word,
// until Close closes them all.
func (s *Server) holdSilently() {
	defer close(s.served)
	for {
		if _, err := s.ln.Accept(); err != nil {
			return
		}
	}
}

// Close stops the server: it closes the listener and every connection,
// releases stalled sessions, and waits a bounded time for Serve to
// return. Later calls return the first call's result.
func (s *Server) Close() error {
	s.close.Do(func() {
		close(s.release)
		_ = s.ln.Close()
		if s.smtp != nil {
			_ = s.smtp.Close()
		}
		select {
		case <-s.served:
		case <-time.After(closeBound):
			s.closeErr = fmt.Errorf("close %s: Serve did not return within %v", s.Addr, closeBound)
		}
		// Serve has stopped accepting, so no connection can slip in
		// after this; go-smtp misses one it accepted as Close ran.
		s.conns.closeConns()
	})
	return s.closeErr
}

// HangUp closes every connection open now, without a word, as a server
// does with a connection idle too long; the server goes on accepting new
// ones.
func (s *Server) HangUp() {
	s.conns.closeConns()
}

// Refuse makes RCPT TO answer code and message for addr.
func (s *Server) Refuse(addr string, code int, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse[addr] = &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCodeNotSet, Message: message}
}

// ScriptData sets what the next DATA commands do, in order, before the
// server goes back to accepting: give a reply such as
// &smtp.SMTPError{Code: 451}, or ErrDropConnection.
func (s *Server) ScriptData(replies ...error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dataScript = append(s.dataScript, replies...)
}

// Received returns the messages accepted so far, none in sink mode.
func (s *Server) Received() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.received...)
}

// MessageIDs returns the Message-ID header fields of the messages a sink
// accepted so far, in the order they arrived.
func (s *Server) MessageIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.messageIDs...)
}

// Count returns how many messages were accepted so far.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// Transcripts returns what clients sent on each connection so far, in
// the order the connections were accepted, for a server with
// Options.Transcripts.
func (s *Server) Transcripts() [][]byte {
	s.mu.Lock()
	scripts := slices.Clone(s.scripts)
	s.mu.Unlock()
	out := make([][]byte, len(scripts))
	for i, t := range scripts {
		t.mu.Lock()
		out[i] = bytes.Clone(t.sent)
		t.mu.Unlock()
	}
	return out
}

// Sessions returns how many connections got as far as EHLO.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

// trackingListener remembers the connections it accepted and not yet
// closed, so that Close can close every one of them.
type trackingListener struct {
	net.Listener
	srv   *Server
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, l: l}
	tc.noPipelining = l.srv != nil && l.srv.opts.NoPipelining
	if l.srv != nil && l.srv.opts.Transcripts {
		tc.script = &transcript{}
		l.srv.mu.Lock()
		l.srv.scripts = append(l.srv.scripts, tc.script)
		l.srv.mu.Unlock()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.conns[tc] = struct{}{}
	return tc, nil
}

func (l *trackingListener) closeConns() {
	l.mu.Lock()
	conns := make([]net.Conn, 0, len(l.conns))
	for c := range l.conns {
		conns = append(conns, c)
	}
	l.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
	}
}

// trackedConn forgets itself on Close, so that a sink serving thousands
// of connections holds only the open ones.
type trackedConn struct {
	net.Conn
	l      *trackingListener
	script *transcript // nil unless Options.Transcripts
	// noPipelining drops the PIPELINING line from what the server writes.
	noPipelining bool
}

// pipeliningLine is how go-smtp offers PIPELINING: first of its
// extensions, so never on the reply's last line.
var pipeliningLine = []byte("250-PIPELINING\r\n")

func (c *trackedConn) Write(p []byte) (int, error) {
	if !c.noPipelining || !bytes.Contains(p, pipeliningLine) {
		return c.Conn.Write(p)
	}
	if _, err := c.Conn.Write(bytes.ReplaceAll(p, pipeliningLine, nil)); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (c *trackedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if c.script != nil && n > 0 {
		c.script.mu.Lock()
		c.script.sent = append(c.script.sent, p[:n]...)
		c.script.mu.Unlock()
	}
	return n, err
}

func (c *trackedConn) Close() error {
	c.l.mu.Lock()
	delete(c.l.conns, c)
	c.l.mu.Unlock()
	return c.Conn.Close()
}
