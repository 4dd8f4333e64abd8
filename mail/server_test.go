package mail_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"
)

// The credentials the test server accepts.
const (
	testUser     = "talks@example.org"
	testPassword = "correct horse battery staple"
)

// serverTLS says how the test server offers TLS.
type serverTLS int

const (
	offerSTARTTLS serverTLS = iota
	plaintextOnly
	implicitTLS
)

// serverConfig configures a test server.
type serverConfig struct {
	TLS serverTLS
	// Mechanisms are the AUTH mechanisms offered; nil offers none and
	// accepts mail without authentication.
	Mechanisms []string
	SMTPUTF8   bool
	MaxBytes   int64
}

// testServer is a real SMTP server (github.com/emersion/go-smtp) on
// 127.0.0.1 whose backend keeps the messages it accepts and can be told
// to refuse recipients and to fail DATA.
type testServer struct {
	Addr string

	mu sync.Mutex
	// refuse maps a recipient to the reply RCPT TO gets for it.
	refuse map[string]*smtp.SMTPError
	// dataScript is what the next DATA commands do, in order, before the
	// server goes back to accepting: a reply to give, or errDropConnection.
	dataScript []error
	received   []received
	sessions   int
}

// received is a message the test server accepted.
type received struct {
	From string
	To   []string
	Data []byte
	TLS  bool
	User string
}

// errDropConnection scripts a DATA that reads part of the message and closes
// the connection before replying.
var errDropConnection = errors.New("drop the connection mid-DATA")

var testCert = sync.OnceValues(func() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "localhost"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
})

// clientTLS trusts the test server's self-signed certificate.
func clientTLS(t testing.TB) *tls.Config {
	cert, err := testCert()
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

// startServer runs a test server until the test ends.
func startServer(t testing.TB, cfg serverConfig) *testServer {
	t.Helper()
	cert, err := testCert()
	require.NoError(t, err)
	tlsConfig := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}

	ts := &testServer{refuse: map[string]*smtp.SMTPError{}}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		ts.mu.Lock()
		ts.sessions++
		ts.mu.Unlock()
		return &testSession{ts: ts, conn: c, mechanisms: cfg.Mechanisms}, nil
	}))
	s.Domain = "localhost"
	s.ReadTimeout = 10 * time.Second
	s.WriteTimeout = 10 * time.Second
	s.AllowInsecureAuth = true // the client decides: credentials in plaintext only to localhost
	s.EnableSMTPUTF8 = cfg.SMTPUTF8
	s.MaxMessageBytes = cfg.MaxBytes
	s.ErrorLog = log.New(io.Discard, "", 0)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	switch cfg.TLS {
	case offerSTARTTLS:
		s.TLSConfig = tlsConfig
	case implicitTLS:
		ln = tls.NewListener(ln, tlsConfig)
	}
	ts.Addr = ln.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Serve(ln)
	}()
	t.Cleanup(func() {
		_ = s.Close()
		<-done
	})
	return ts
}

// Refuse makes RCPT TO answer code and message for addr.
func (ts *testServer) Refuse(addr string, code int, message string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.refuse[addr] = &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCodeNotSet, Message: message}
}

// ScriptData sets what the next DATA commands do: a reply error such as
// &smtp.SMTPError{Code: 451}, or errDropConnection.
func (ts *testServer) ScriptData(errs ...error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.dataScript = append(ts.dataScript, errs...)
}

// Received returns the messages accepted so far.
func (ts *testServer) Received() []received {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]received(nil), ts.received...)
}

// Sessions returns how many connections reached the backend.
func (ts *testServer) Sessions() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.sessions
}

type testSession struct {
	ts         *testServer
	conn       *smtp.Conn
	mechanisms []string
	user       string
	from       string
	to         []string
}

func (s *testSession) AuthMechanisms() []string { return s.mechanisms }

func (s *testSession) Auth(mech string) (sasl.Server, error) {
	check := func(username, password string) error {
		if username != testUser || password != testPassword {
			return smtp.ErrAuthFailed
		}
		s.user = username
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, username, password string) error { return check(username, password) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *testSession) Mail(from string, _ *smtp.MailOptions) error {
	if len(s.mechanisms) > 0 && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *testSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.ts.mu.Lock()
	defer s.ts.mu.Unlock()
	if err, ok := s.ts.refuse[to]; ok {
		return err
	}
	s.to = append(s.to, to)
	return nil
}

func (s *testSession) Data(r io.Reader) error {
	s.ts.mu.Lock()
	var scripted error
	if len(s.ts.dataScript) > 0 {
		scripted, s.ts.dataScript = s.ts.dataScript[0], s.ts.dataScript[1:]
	}
	s.ts.mu.Unlock()
	if scripted == errDropConnection {
		_, _ = io.ReadFull(r, make([]byte, 512))
		_ = s.conn.Conn().Close()
		return scripted
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if scripted != nil {
		return scripted
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.ts.mu.Lock()
	defer s.ts.mu.Unlock()
	s.ts.received = append(s.ts.received, received{
		From: s.from, To: append([]string(nil), s.to...), Data: bytes.Clone(data), TLS: isTLS, User: s.user,
	})
	return nil
}

func (s *testSession) Reset() { s.from, s.to = "", nil }

func (s *testSession) Logout() error { return nil }

// loginServer is the server side of AUTH LOGIN, which go-sasl lacks.
type loginServer struct {
	check    func(username, password string) error
	username string
	step     int
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	l.step++
	switch l.step {
	case 1:
		if response != nil { // an initial response is the user name
			l.username, l.step = string(response), 2
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 2:
		l.username = string(response)
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.username, string(response))
	}
}

// silentListener accepts connections and never says a word: a server that
// never greets.
func silentListener(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return ln.Addr().String()
}

// hangUpListener greets each connection and closes it at the first
// command: a server that goes away during EHLO.
func hangUpListener(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = c.Write([]byte("220 localhost ESMTP\r\n"))
				_, _ = c.Read(make([]byte, 512))
			}()
		}
	}()
	t.Cleanup(func() { _ = ln.Close() })
	return ln.Addr().String()
}
