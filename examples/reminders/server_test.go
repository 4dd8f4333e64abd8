package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar/internal/mailcheck"
	"github.com/seminarkit/seminar/internal/smtptest"
)

// startServer runs the test SMTP server until the test ends, and then
// checks every message it accepted with Go's and Python's mail parsers, so
// that no test of the command can send a malformed message unnoticed.
func startServer(t testing.TB, opts *smtptest.Options) *smtptest.Server {
	t.Helper()
	ts := smtptest.Start(t, opts)
	t.Cleanup(func() {
		var raws [][]byte
		for _, m := range ts.Received() {
			raws = append(raws, m.Data)
		}
		mailcheck.Check(t, raws)
	})
	return ts
}

// certFile writes the test server's certificate as PEM, for SSL_CERT_FILE:
// a child process given it trusts the server as it would a real one.
func certFile(t testing.TB) string {
	t.Helper()
	pem, err := smtptest.CertPEM()
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "cert.pem")
	require.NoError(t, os.WriteFile(path, pem, 0o644))
	return path
}
