// Package mail composes seminar messages as RFC 5322 bytes and sends them
// over SMTP. Mailer implements seminar.Mailer; Recorder is a stand-in for
// tests that keeps what it is asked to send.
//
//	m, err := mail.New(mail.Options{
//		Addr:     "smtp.example.org:587",
//		Username: "talks@example.org",
//		Password: password,
//	})
//	defer m.Close()
//	cal, err := seminar.New(store, &seminar.Options{Mailer: m, ...})
//
// # Composing
//
// Compose builds the message with the standard library's mime packages:
// header fields in a fixed order, folded under 78 octets where a fold
// point allows and never past 998; names and subjects RFC 2047-encoded when
// they are not ASCII; text, HTML and calendar in UTF-8, each as it is when
// it is ASCII in short lines, else in the shorter of quoted-printable and
// base64; the calendar once, as the text/calendar alternative, with its
// method, that mail clients turn into an event to add or to cancel. It is
// deterministic, MIME boundaries included, so a preview is byte for byte
// what Send transmits.
// Control characters in any single-line field are refused with an error
// matching seminar.ErrInvalid: a CR or LF would start a header of its own.
//
// # Sending
//
// Send speaks SMTP through net/smtp, one transaction per call, bounded by
// the context's deadline or Options.Timeout; SendBatch sends several, one
// transaction after another. When the server offers PIPELINING (RFC
// 2920), a transaction's MAIL FROM, RCPT TO and DATA go in one write and
// their replies are read after, which saves a round trip for each command
// but the last; the message itself goes only once DATA was answered 354.
// STARTTLS is required unless Options.TLS says otherwise; plaintext needs
// Options.AllowInsecure as well. Each recipient's refusal is reported
// without stopping the others, and every error says whether to try again:
// errors.Is(err, seminar.ErrTemporary) for 4xx replies, network errors and
// timeouts, seminar.ErrPermanent for 5xx replies and configuration
// problems.
//
// # Connections
//
// A connection carries up to Options.MessagesPerConnection messages, 100 by
// default, across calls: after a Send or SendBatch, the Mailer keeps the
// connection open and idle for Options.IdleTimeout, 5 seconds by default,
// and the next call goes on over it, without connecting, greeting, securing
// and authenticating again. Once the timeout passes, or when Close is
// called, the Mailer says QUIT. One connection is kept; concurrent calls
// that find it taken connect anew. A kept connection the server closed
// meanwhile (or answers 421) is noticed before the message's DATA, and the
// message goes over a new connection: it is never sent twice. Call Close
// when done sending, such as before a command exits.
//
// A connection lost after the message was transmitted but before the
// server's reply leaves the outcome unknown; Send reports it as temporary.
// Sending the same bytes again may deliver a second copy, with the same
// Message-ID, which receivers use to drop the duplicate.
package mail
