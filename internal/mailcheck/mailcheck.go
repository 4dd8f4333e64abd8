// Package mailcheck reads back, strictly, the messages this module's tests
// receive or compose: with Go's net/mail and mime/multipart, as a mail
// client would, and with Python's email package, as many list servers and
// mail tools do. It is the one checker the mail package's tests and the
// examples' tests share.
//
// # Go
//
// [Parse] refuses what a strict reader would stumble on (bare CR or LF,
// over-long lines, a missing Date or Message-ID, an address list or
// encoded word that does not parse, a part that does not decode) and
// returns the message with every MIME part decoded.
//
// # Python
//
// [Python] runs check_email.py under Debian's /usr/bin/python3 and
// returns what it reports for each message; [PythonMissing] says when that
// cannot be done, and fails the test instead under CI=true.
package mailcheck

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// Message is a message as Go's net/mail and mime/multipart read it.
type Message struct {
	Header mail.Header
	// Subject is the decoded Subject.
	Subject string
	// From, To, Cc and ReplyTo are the parsed addresses.
	From, To, Cc, ReplyTo []*mail.Address
	// Parts are the MIME entities depth first, the message itself the
	// first; multipart entities have an empty Body.
	Parts []Part
}

// Part is one MIME entity.
type Part struct {
	Type   string
	Params map[string]string
	Header textproto.MIMEHeader
	// Body is the decoded body of a leaf.
	Body string
}

var messageIDSyntax = regexp.MustCompile(`^<[^<>@\s]+@[^<>@\s]+>$`)

// Parse reads raw strictly: CRLF line endings throughout, the last line
// included, and lines of at most 998 octets (RFC 5322 2.1.1); a Date; one
// From and a To or Cc that parse; a decodable Subject; a Message-ID;
// MIME-Version 1.0; and every part's media type, boundary, transfer
// encoding and UTF-8 text.
func Parse(raw []byte) (*Message, error) {
	if err := checkLines(raw); err != nil {
		return nil, err
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	m := &Message{Header: msg.Header}
	if err := m.readHeader(); err != nil {
		return nil, err
	}
	if err := m.walk(contentFields(msg.Header), msg.Body); err != nil {
		return nil, err
	}
	return m, nil
}

// Require parses raw and stops the test when it does not parse.
func Require(t testing.TB, raw []byte) *Message {
	t.Helper()
	m, err := Parse(raw)
	if err != nil {
		t.Fatalf("the message does not read back with net/mail and mime/multipart: %v\n%s", err, raw)
	}
	return m
}

// contentFields returns the message's Content-* fields, the MIME header of
// the message as an entity: the Date and the rest stay out of Parts, so that
// WithoutClockReadings can drop the Date from Header alone.
func contentFields(h mail.Header) textproto.MIMEHeader {
	entity := textproto.MIMEHeader{}
	for name, values := range h {
		if strings.HasPrefix(name, "Content-") {
			entity[name] = values
		}
	}
	return entity
}

func checkLines(raw []byte) error {
	if !bytes.HasSuffix(raw, []byte("\r\n")) {
		return errors.New("the message does not end with CRLF")
	}
	for i, line := range bytes.Split(raw, []byte("\r\n")) {
		if bytes.ContainsAny(line, "\r\n") {
			return fmt.Errorf("line %d holds a bare CR or LF", i+1)
		}
		if len(line) > 998 {
			return fmt.Errorf("line %d is %d octets long", i+1, len(line))
		}
	}
	return nil
}

func (m *Message) readHeader() error {
	var err error
	if _, err = m.Header.Date(); err != nil {
		return fmt.Errorf("date: %w", err)
	}
	if m.Subject, err = m.Decode("Subject"); err != nil {
		return fmt.Errorf("subject: %w", err)
	}
	for name, dst := range map[string]*[]*mail.Address{"From": &m.From, "To": &m.To, "Cc": &m.Cc, "Reply-To": &m.ReplyTo} {
		if m.Header.Get(name) == "" {
			continue
		}
		if *dst, err = m.Header.AddressList(name); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	if len(m.From) != 1 || len(m.To)+len(m.Cc) == 0 {
		return fmt.Errorf("want one From and a To or Cc, have %d From and %d recipients", len(m.From), len(m.To)+len(m.Cc))
	}
	if id := m.Header.Get("Message-Id"); !messageIDSyntax.MatchString(id) {
		return fmt.Errorf("message-id %q is not <left@right>", id)
	}
	if v := m.Header.Get("Mime-Version"); v != "1.0" {
		return fmt.Errorf("mime-version is %q", v)
	}
	return nil
}

// walk adds the entity with header h and the given body, and its parts.
func (m *Message) walk(h textproto.MIMEHeader, body io.Reader) error {
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		return fmt.Errorf("part %d: content-type %q: %w", len(m.Parts), h.Get("Content-Type"), err)
	}
	part := Part{Type: mt, Params: params, Header: h}
	if strings.HasPrefix(mt, "multipart/") {
		if params["boundary"] == "" {
			return fmt.Errorf("part %d (%s) has no boundary", len(m.Parts), mt)
		}
		m.Parts = append(m.Parts, part)
		mr := multipart.NewReader(body, params["boundary"])
		for {
			next, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("part %d (%s): %w", len(m.Parts)-1, mt, err)
			}
			if err := m.walk(next.Header, next); err != nil {
				return err
			}
		}
	}
	data, err := decodeBody(h.Get("Content-Transfer-Encoding"), body)
	if err != nil {
		return fmt.Errorf("part %d (%s): %w", len(m.Parts), mt, err)
	}
	if strings.HasPrefix(mt, "text/") && !utf8.Valid(data) {
		return fmt.Errorf("part %d (%s) is not UTF-8", len(m.Parts), mt)
	}
	part.Body = string(data)
	m.Parts = append(m.Parts, part)
	return nil
}

func decodeBody(encoding string, r io.Reader) ([]byte, error) {
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r)
	case "", "7bit", "8bit":
	default:
		return nil, fmt.Errorf("unknown transfer encoding %q", encoding)
	}
	return io.ReadAll(r)
}

// Decode returns the header field name with its encoded words decoded.
func (m *Message) Decode(name string) (string, error) {
	return new(mime.WordDecoder).DecodeHeader(m.Header.Get(name))
}

// Types returns the media type of every entity, depth first: the MIME
// structure.
func (m *Message) Types() []string {
	types := make([]string, len(m.Parts))
	for i, p := range m.Parts {
		types[i] = p.Type
	}
	return types
}

// Leaves returns the entities that are not multipart, depth first.
func (m *Message) Leaves() []Part {
	var leaves []Part
	for _, p := range m.Parts {
		if !strings.HasPrefix(p.Type, "multipart/") {
			leaves = append(leaves, p)
		}
	}
	return leaves
}

// Part returns the first entity of the media type, or nil.
func (m *Message) Part(mediaType string) *Part {
	for i := range m.Parts {
		if m.Parts[i].Type == mediaType {
			return &m.Parts[i]
		}
	}
	return nil
}

// WithoutClockReadings returns m without what only the clock changes
// between a preview and a send: the Date header and the DTSTAMP of the
// calendar parts.
func (m *Message) WithoutClockReadings() *Message {
	q := *m
	q.Header = mail.Header{}
	for k, v := range m.Header {
		if k != "Date" {
			q.Header[k] = v
		}
	}
	q.Parts = append([]Part(nil), m.Parts...)
	for i, part := range q.Parts {
		if part.Type == "text/calendar" || part.Type == "application/ics" {
			q.Parts[i].Body = dtstampLine.ReplaceAllString(part.Body, "")
		}
	}
	return &q
}

// dtstampLine matches a DTSTAMP content line with its folded continuations.
var dtstampLine = regexp.MustCompile(`(?m)^DTSTAMP:[^\r\n]*\r\n(?:[ \t][^\r\n]*\r\n)*`)
