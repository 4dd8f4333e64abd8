package mail

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strings"

	"github.com/seminarkit/seminar"
)

// classify says whether err, from a step of an SMTP transaction, may clear
// up by itself (seminar.ErrTemporary) or not (seminar.ErrPermanent).
//
// Replies go by their code: 4xx temporary, 5xx permanent (RFC 5321
// 4.2.1). Network errors, timeouts, and a connection closed or a reply
// garbled midway are temporary. A certificate that does not verify or a
// TLS alert is permanent: it needs someone to change the configuration. So
// is anything else, such as a server without an extension Send needs.
func classify(err error) error {
	var reply *textproto.Error
	if errors.As(err, &reply) {
		if reply.Code >= 500 {
			return seminar.ErrPermanent
		}
		return seminar.ErrTemporary
	}
	var (
		verify   *tls.CertificateVerificationError
		alert    tls.AlertError
		header   tls.RecordHeaderError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	if errors.As(err, &verify) || errors.As(err, &alert) || errors.As(err, &header) ||
		errors.As(err, &unknown) || errors.As(err, &hostname) || errors.As(err, &invalid) {
		return seminar.ErrPermanent
	}
	var (
		netErr   net.Error
		protocol textproto.ProtocolError
	)
	if errors.As(err, &netErr) || errors.As(err, &protocol) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return seminar.ErrTemporary
	}
	return seminar.ErrPermanent
}

// refusedError is the error of a send whose every recipient was refused:
// temporary if any refusal is, since trying again may reach that one.
func refusedError(refused []seminar.RecipientError) error {
	class := seminar.ErrPermanent
	parts := make([]string, len(refused))
	for i, r := range refused {
		if r.Temporary() {
			class = seminar.ErrTemporary
		}
		parts[i] = fmt.Sprintf("%s: %d %s", r.Address, r.Code, r.Message)
	}
	return fmt.Errorf("%w: %w: %s", errRefused, class, strings.Join(parts, "; "))
}

// errRefused begins the error of a send whose every recipient was refused.
var errRefused = errors.New("every recipient refused")
