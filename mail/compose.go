package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"net/mail"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
)

// Why the standard library and not github.com/jordan-wright/email, the
// composer the design names: its Email.Bytes cannot meet Compose's contract.
//   - It writes the header fields in Go map order and draws MIME boundaries
//     at random, so two calls give different bytes: a preview would not be
//     what is sent.
//   - It writes the Subject as one line of encoded-words however long: 506
//     octets for a 300-character German title, past RFC 5322's 78.
//   - It splits To and Cc at every comma, so "Doe, Jane" becomes
//     "Doe,  Jane", and encodes a non-ASCII Reply-To whole, address
//     included, which readers take for a local part without a domain.
//   - It writes a header name containing CRLF through as separate fields.
//   - It can only add the calendar as an attachment beside the
//     alternatives, not as the text/calendar alternative that makes mail
//     clients show the invitation.
//
// What is left after working around all of that is the standard library's
// mime, and MIME's multipart and quoted-printable formats written here
// directly.

// defaultFilename names the calendar part when the Message has none.
const defaultFilename = "invite.ics"

// Compose returns msg as RFC 5322 bytes with CRLF line endings, ready for
// Send. It is deterministic: the same Message gives the same bytes, MIME
// boundaries included, so a preview is byte for byte what is sent.
//
// A field that cannot be written safely, a CR or LF in a name, subject or
// header above all, gives an error matching seminar.ErrInvalid, never a
// message.
//
// With a calendar, the calendar is the last alternative, as RFC 6047 (iMIP)
// binds iCalendar to mail and as Outlook and Exchange write every
// invitation (MS-OXCMAIL 2.1.3.3.8.2):
//
//	multipart/alternative
//	  text/plain; charset=utf-8
//	  text/html; charset=utf-8                   (when HTML is set)
//	  text/calendar; charset=utf-8; method=PUBLISH; name=talk.ics
//
// Gmail, Outlook, Apple Mail and Thunderbird read that part, by its method,
// as an event to add (PUBLISH) or one to take off the calendar (CANCEL,
// with the UID and a higher SEQUENCE), while they show the HTML; a client
// that does not lists it as a file named by Message.Calendar.Filename. The
// calendar goes once: Google Calendar's own invitations, and composers that
// copy them, add it a second time as an application/ics attachment, which
// carries no method, so it cannot cancel anything, and which doubles the
// largest part of a reminder.
//
// Without a calendar, multipart/alternative of the text and the HTML, or
// the text alone. Alternatives go from plainest to richest (RFC 2046
// 5.1.4): a client shows the last one it can display.
//
// Each part goes in the transfer encoding that suits it (see appendText):
// 7bit when it is ASCII in short lines, as the text, the calendar (folded
// at 75 octets) and most reminders are, else the shorter of
// quoted-printable and base64.
func Compose(msg *seminar.Message) ([]byte, error) {
	if err := checkMessage(msg); err != nil {
		return nil, fmt.Errorf("mail: compose: %w: %s", seminar.ErrInvalid, err)
	}
	var buf bytes.Buffer
	buf.Grow(len(msg.Text) + len(msg.HTML) + len(calendarData(msg)) + 2048)
	if err := writeHeader(&buf, msg); err != nil {
		return nil, fmt.Errorf("mail: compose: %w: %s", seminar.ErrInvalid, err)
	}
	return appendBody(buf.Bytes(), msg), nil
}

func calendarData(msg *seminar.Message) []byte {
	if msg.Calendar == nil {
		return nil
	}
	return msg.Calendar.Data
}

// writeHeader writes the message's own header fields in a fixed order, then
// msg.Headers in theirs. The MIME fields follow in writeBody.
func writeHeader(buf *bytes.Buffer, msg *seminar.Message) error {
	h := &headerWriter{buf: buf}
	h.field("Date", msg.Date.Format(time.RFC1123Z))
	h.field("From", addressTokens([]mail.Address{msg.From})...)
	if msg.ReplyTo != nil {
		h.field("Reply-To", addressTokens([]mail.Address{*msg.ReplyTo})...)
	}
	if len(msg.To) > 0 {
		h.field("To", addressTokens(msg.To)...)
	}
	if len(msg.Cc) > 0 {
		h.field("Cc", addressTokens(msg.Cc)...)
	}
	h.field("Subject", textTokens(msg.Subject, lineSoftMax-len("Subject: "), isText)...)
	h.field("Message-ID", "<"+msg.MessageID+">")
	for _, x := range msg.Headers {
		h.field(x.Name, textTokens(strings.TrimSpace(x.Value), lineSoftMax-len(x.Name)-2, isPlain)...)
	}
	h.field("MIME-Version", "1.0")
	return h.err
}

// appendBody appends the Content-Type of the message, the blank line and
// the body. Boundaries are derived from the Message-ID so that the bytes
// are the same on every call; they begin with "=_", which cannot occur in
// quoted-printable or base64 text and which appendText keeps from the
// start of a 7bit line, so no part can contain them.
func appendBody(dst []byte, msg *seminar.Message) []byte {
	if msg.HTML == "" && msg.Calendar == nil {
		dst = appendText(dst, msg.Text, func(dst []byte, encoding string) []byte {
			dst = append(dst, "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: "...)
			dst = append(dst, encoding...)
			return append(dst, "\r\n\r\n"...)
		})
		if !bytes.HasSuffix(dst, []byte("\r\n")) {
			dst = append(dst, "\r\n"...)
		}
		return dst
	}
	b := boundary(msg.MessageID, "alternative")
	// What mime.FormatMediaType gives: "=" is a tspecial, so the boundary
	// is quoted.
	dst = append(dst, `Content-Type: multipart/alternative; boundary="`...)
	dst = append(dst, b...)
	dst = append(dst, "\"\r\n\r\n"...)
	return appendAlternatives(dst, b, msg)
}

// boundary derives a MIME boundary for one level of the message from its
// Message-ID: "=_" and 24 hex digits, short enough for the Content-Type
// line to stay under 78 octets.
func boundary(messageID, level string) string {
	sum := sha256.Sum256([]byte(level + "\x00" + messageID))
	return "=_" + hex.EncodeToString(sum[:12])
}

// appendAlternatives appends the multipart/alternative body: text, HTML
// when set, and the calendar when set, delimited as mime/multipart's
// Writer delimits parts.
func appendAlternatives(dst []byte, b string, msg *seminar.Message) []byte {
	dst = appendPart(dst, b, true, "text/plain; charset=utf-8", msg.Text)
	if msg.HTML != "" {
		dst = appendPart(dst, b, false, "text/html; charset=utf-8", msg.HTML)
	}
	if c := msg.Calendar; c != nil {
		name := c.Filename
		if name == "" {
			name = defaultFilename
		}
		dst = appendPart(dst, b, false, calendarType(c.Method, name), string(c.Data))
	}
	dst = append(dst, "\r\n--"...)
	dst = append(dst, b...)
	return append(dst, "--\r\n"...)
}

// calendarType returns the Content-Type of the calendar part. A file name
// that is a MIME token, as most are, goes as it is, which is what
// mime.FormatMediaType writes for it; others go through FormatMediaType to
// be quoted or encoded. The method is a token already (checkCalendar).
func calendarType(method, filename string) string {
	if isToken(filename) {
		return "text/calendar; charset=utf-8; method=" + method + "; name=" + filename
	}
	return mime.FormatMediaType("text/calendar",
		map[string]string{"charset": "utf-8", "method": method, "name": filename})
}

// isToken reports whether s is a token of RFC 2045 5.1: one or more
// printable ASCII octets but the tspecials.
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c > '~' || strings.IndexByte(`()<>@,;:\"/[]?=`, c) >= 0 {
			return false
		}
	}
	return s != ""
}

// appendPart appends the delimiter line, the part's header fields, in
// the order of their names, and its text.
func appendPart(dst []byte, b string, first bool, contentType, text string) []byte {
	if !first {
		dst = append(dst, "\r\n"...)
	}
	dst = append(dst, "--"...)
	dst = append(dst, b...)
	dst = append(dst, "\r\n"...)
	return appendText(dst, text, func(dst []byte, encoding string) []byte {
		dst = append(dst, "Content-Transfer-Encoding: "...)
		dst = append(dst, encoding...)
		dst = append(dst, "\r\nContent-Type: "...)
		dst = append(dst, contentType...)
		return append(dst, "\r\n\r\n"...)
	})
}

// Composer is the seminar.Composer of this package: Compose as a value, for
// a Calendar that previews reminders without sending them (Options.Composer),
// such as a web process whose worker holds the Mailer. A Mailer composes
// with the same code, so its preview and its send are the same bytes.
type Composer struct{}

// Compose returns msg as RFC 5322 bytes; see the package function Compose.
func (Composer) Compose(msg *seminar.Message) ([]byte, error) { return Compose(msg) }

var _ seminar.Composer = Composer{}
