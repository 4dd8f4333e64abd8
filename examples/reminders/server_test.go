package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"
)

// The credentials a test server with auth accepts.
const (
	testUser     = "talks@example.org"
	testPassword = "correct horse battery staple"
)

// serverConfig configures a test server.
type serverConfig struct {
	// StartTLS offers STARTTLS with a self-signed certificate for
	// 127.0.0.1 (see certFile); otherwise the server speaks plaintext only.
	StartTLS bool
	// Auth offers AUTH PLAIN and refuses mail from a session that did not
	// authenticate as testUser.
	Auth bool
	// Stall makes DATA read the message, hand it to Stalled, and never
	// answer: a dispatcher sending to it hangs until it is killed.
	Stall bool
	// Discard counts the messages accepted and keeps none, so that none is
	// checked either: for benchmarks.
	Discard bool
}

// testServer is a real SMTP server (github.com/emersion/go-smtp) on
// 127.0.0.1 that keeps the messages it accepts. Unless told otherwise, when
// the test ends it checks that every one of them parses cleanly with
// net/mail and mime/multipart, and with Python's email package.
type testServer struct {
	Addr string
	// Stalled receives each message a stalling server read and left
	// unanswered.
	Stalled chan []byte

	mu       sync.Mutex
	received []received
	count    int
}

// received is a message the test server accepted.
type received struct {
	From string
	To   []string
	Data []byte
	TLS  bool
	User string
}

var testCert = sync.OnceValues(func() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
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

// certFile writes the test server's certificate as PEM, for SSL_CERT_FILE:
// a child process given it trusts the server as it would a real one.
func certFile(t testing.TB) string {
	t.Helper()
	cert, err := testCert()
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "cert.pem")
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Leaf.Raw}), 0o644))
	return path
}

// startServer runs a test server until the test ends.
func startServer(t testing.TB, cfg serverConfig) *testServer {
	t.Helper()
	ts := &testServer{Stalled: make(chan []byte, 16)}
	release := make(chan struct{})
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &testSession{ts: ts, conn: c, cfg: cfg, release: release}, nil
	}))
	s.Domain = "localhost"
	s.ReadTimeout = 10 * time.Second
	s.WriteTimeout = 10 * time.Second
	s.AllowInsecureAuth = true // the client decides: credentials in plaintext only to localhost
	s.ErrorLog = log.New(io.Discard, "", 0)
	if cfg.StartTLS {
		cert, err := testCert()
		require.NoError(t, err)
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ts.Addr = ln.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Serve(ln)
	}()
	t.Cleanup(func() {
		checkMessages(t, ts.Received())
		close(release)
		_ = s.Close()
		<-done
	})
	return ts
}

// Count returns how many messages were accepted so far.
func (ts *testServer) Count() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.count
}

// Received returns the messages accepted so far.
func (ts *testServer) Received() []received {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]received(nil), ts.received...)
}

type testSession struct {
	ts      *testServer
	conn    *smtp.Conn
	cfg     serverConfig
	release chan struct{}
	user    string
	from    string
	to      []string
}

func (s *testSession) AuthMechanisms() []string {
	if s.cfg.Auth {
		return []string{sasl.Plain}
	}
	return nil
}

func (s *testSession) Auth(mech string) (sasl.Server, error) {
	if !s.cfg.Auth || mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != testUser || password != testPassword {
			return smtp.ErrAuthFailed
		}
		s.user = username
		return nil
	}), nil
}

func (s *testSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.cfg.Auth && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *testSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *testSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.cfg.Stall {
		s.ts.Stalled <- data
		<-s.release
		return &smtp.SMTPError{Code: 421, Message: "shutting down"}
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.ts.mu.Lock()
	defer s.ts.mu.Unlock()
	s.ts.count++
	if s.cfg.Discard {
		return nil
	}
	s.ts.received = append(s.ts.received, received{
		From: s.from, To: append([]string(nil), s.to...), Data: bytes.Clone(data), TLS: isTLS, User: s.user,
	})
	return nil
}

func (s *testSession) Reset() { s.from, s.to = "", nil }

func (s *testSession) Logout() error { return nil }
