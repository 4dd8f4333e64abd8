package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
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
// mime, mime/multipart and mime/quotedprintable, used here directly.

// defaultFilename names the calendar attachment when the Message has none.
const defaultFilename = "invite.ics"

// Compose returns msg as RFC 5322 bytes with CRLF line endings, ready for
// Send. It is deterministic: the same Message gives the same bytes, MIME
// boundaries included, so a preview is byte for byte what is sent.
//
// A field that cannot be written safely, a CR or LF in a name, subject or
// header above all, gives an error matching seminar.ErrInvalid, never a
// message.
//
// With a calendar, the layout of Google Calendar's own invitations: mail
// clients that handle calendar messages find the text/calendar alternative
// with its method and offer to add the event; the others show an .ics
// attachment:
//
//	multipart/mixed
//	  multipart/alternative
//	    text/plain; charset=utf-8          quoted-printable
//	    text/html; charset=utf-8           quoted-printable (when HTML is set)
//	    text/calendar; charset=utf-8; method=PUBLISH   base64
//	  application/ics; name=invite.ics     base64, attachment
//
// Without a calendar, multipart/alternative of the text and the HTML, or
// the text alone. Alternatives go from plainest to richest (RFC 2046
// 5.1.4): a client shows the last one it can display.
func Compose(msg *seminar.Message) ([]byte, error) {
	if err := checkMessage(msg); err != nil {
		return nil, fmt.Errorf("mail: compose: %w: %s", seminar.ErrInvalid, err)
	}
	var buf bytes.Buffer
	buf.Grow(2*(len(msg.Text)+len(msg.HTML)) + 2*len(calendarData(msg)) + 2048)
	if err := writeHeader(&buf, msg); err != nil {
		return nil, fmt.Errorf("mail: compose: %w: %s", seminar.ErrInvalid, err)
	}
	if err := writeBody(&buf, msg); err != nil {
		return nil, fmt.Errorf("mail: compose: %w", err)
	}
	return buf.Bytes(), nil
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

// writeBody writes the Content-Type of the message, the blank line and the
// body. Boundaries are derived from the Message-ID so that the bytes are
// the same on every call; they begin with "=_", which cannot occur in
// quoted-printable or base64 text, so no part can contain them.
func writeBody(buf *bytes.Buffer, msg *seminar.Message) error {
	switch {
	case msg.Calendar != nil:
		mixed := multipart.NewWriter(buf)
		if err := mixed.SetBoundary(boundary(msg.MessageID, "mixed")); err != nil {
			return err
		}
		writeContentType(buf, "multipart/mixed", mixed.Boundary())
		altBoundary := boundary(msg.MessageID, "alternative")
		w, err := mixed.CreatePart(textproto.MIMEHeader{
			"Content-Type": {mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": altBoundary})},
		})
		if err != nil {
			return err
		}
		if err := writeAlternatives(w, altBoundary, msg); err != nil {
			return err
		}
		if err := writeAttachment(mixed, msg.Calendar); err != nil {
			return err
		}
		return mixed.Close()
	case msg.HTML != "":
		b := boundary(msg.MessageID, "alternative")
		writeContentType(buf, "multipart/alternative", b)
		return writeAlternatives(buf, b, msg)
	default:
		buf.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
		buf.WriteString("Content-Transfer-Encoding: quoted-printable\r\n\r\n")
		if err := writeQuotedPrintable(buf, msg.Text); err != nil {
			return err
		}
		if !bytes.HasSuffix(buf.Bytes(), []byte("\r\n")) {
			buf.WriteString("\r\n")
		}
		return nil
	}
}

func writeContentType(buf *bytes.Buffer, mediaType, boundary string) {
	buf.WriteString("Content-Type: ")
	buf.WriteString(mime.FormatMediaType(mediaType, map[string]string{"boundary": boundary}))
	buf.WriteString("\r\n\r\n")
}

// boundary derives a MIME boundary for one level of the message from its
// Message-ID: "=_" and 24 hex digits, short enough for the Content-Type
// line to stay under 78 octets.
func boundary(messageID, level string) string {
	sum := sha256.Sum256([]byte(level + "\x00" + messageID))
	return "=_" + hex.EncodeToString(sum[:12])
}

// writeAlternatives writes the multipart/alternative body: text, HTML when
// set, and the calendar when set.
func writeAlternatives(w io.Writer, b string, msg *seminar.Message) error {
	alt := multipart.NewWriter(w)
	if err := alt.SetBoundary(b); err != nil {
		return err
	}
	if err := writeTextPart(alt, "text/plain", msg.Text); err != nil {
		return err
	}
	if msg.HTML != "" {
		if err := writeTextPart(alt, "text/html", msg.HTML); err != nil {
			return err
		}
	}
	if c := msg.Calendar; c != nil {
		p, err := alt.CreatePart(textproto.MIMEHeader{
			"Content-Type": {mime.FormatMediaType("text/calendar",
				map[string]string{"charset": "utf-8", "method": c.Method})},
			"Content-Transfer-Encoding": {"base64"},
		})
		if err != nil {
			return err
		}
		if err := writeBase64(p, c.Data); err != nil {
			return err
		}
	}
	return alt.Close()
}

func writeTextPart(mw *multipart.Writer, mediaType, text string) error {
	p, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {mediaType + "; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return err
	}
	return writeQuotedPrintable(p, text)
}

// writeQuotedPrintable encodes text, turning every line break (CR, LF or
// CRLF) into CRLF as MIME's canonical text form wants.
func writeQuotedPrintable(w io.Writer, text string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := io.WriteString(qp, text); err != nil {
		return err
	}
	return qp.Close()
}

// writeAttachment writes the calendar again as an application/ics
// attachment, for clients that offer attachments but not invitations. A
// second text/calendar part would be taken for a second invitation.
func writeAttachment(mw *multipart.Writer, c *seminar.CalendarPart) error {
	name := c.Filename
	if name == "" {
		name = defaultFilename
	}
	p, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {mime.FormatMediaType("application/ics", map[string]string{"name": name})},
		"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": name})},
		"Content-Transfer-Encoding": {"base64"},
	})
	if err != nil {
		return err
	}
	return writeBase64(p, c.Data)
}

// writeBase64 writes data in base64 lines of 76 characters (RFC 2045 6.8).
func writeBase64(w io.Writer, data []byte) error {
	const perLine = 57 // octets per 76-character line
	line := make([]byte, 0, 78)
	for len(data) > 0 {
		n := min(perLine, len(data))
		line = base64.StdEncoding.AppendEncode(line[:0], data[:n])
		line = append(line, '\r', '\n')
		if _, err := w.Write(line); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

// Composer is the seminar.Composer of this package: Compose as a value, for
// a Calendar that previews reminders without sending them (Options.Composer),
// such as a web process whose worker holds the Mailer. A Mailer composes
// with the same code, so its preview and its send are the same bytes.
type Composer struct{}

// Compose returns msg as RFC 5322 bytes; see the package function Compose.
func (Composer) Compose(msg *seminar.Message) ([]byte, error) { return Compose(msg) }

var _ seminar.Composer = Composer{}
