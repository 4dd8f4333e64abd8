// Package smtptest runs a real SMTP server, github.com/emersion/go-smtp on
// 127.0.0.1, for the tests, benchmarks and examples of this module. It is
// the one SMTP server they all use, so that what the mail package is tested
// against is what the examples send to.
//
// # Starting and stopping
//
// [Start] runs a server until the test or benchmark ends; [New] runs one
// for a program, such as an example, that stops it with [Server.Close].
// Close never hangs: the server creates its listener before it serves, so
// closing that listener always ends Serve, however soon after the start
// Close comes, and Close waits for Serve only for a bounded time.
//
// # What a server can do
//
// [Options] choose how TLS is offered (STARTTLS with a self-signed
// certificate, implicit TLS, or plaintext), the AUTH mechanisms (PLAIN and
// LOGIN, with [User] and [Password]), SMTPUTF8 and SIZE, and a [Behavior]:
// a server that never greets, one that hangs up at EHLO, one that never
// answers DATA. A running server can be told to refuse recipients
// ([Server.Refuse]) and what the next DATA commands answer
// ([Server.ScriptData], [ErrDropConnection]). In sink mode it accepts
// everything and keeps only each message's Message-ID, for benchmarks and
// demonstrations.
//
// Clients trust the server's certificate through [ClientTLS], or, in a
// child process, through the PEM file [CertPEM] returns and SSL_CERT_FILE.
package smtptest
