package mail

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/seminarkit/seminar"
)

// ownHeaders are the fields Compose writes itself; Message.Headers may not
// set them, nor any Content-* field, which belongs to the MIME structure.
var ownHeaders = []string{
	"Date", "From", "Reply-To", "To", "Cc", "Bcc", "Subject", "Message-ID", "MIME-Version",
}

// checkMessage returns the first reason msg cannot be composed safely.
// Every single-line value is checked for control characters before it
// goes near a header: a CR or LF would start a header of its own.
func checkMessage(msg *seminar.Message) error {
	if msg == nil {
		return errors.New("message is nil")
	}
	if err := checkMailbox(msg.From); err != nil {
		return fmt.Errorf("from.%w", err)
	}
	if len(msg.To)+len(msg.Cc) == 0 {
		return errors.New("to: no recipient in To or Cc")
	}
	for i, a := range msg.To {
		if err := checkMailbox(a); err != nil {
			return fmt.Errorf("to[%d].%w", i, err)
		}
	}
	for i, a := range msg.Cc {
		if err := checkMailbox(a); err != nil {
			return fmt.Errorf("cc[%d].%w", i, err)
		}
	}
	if msg.ReplyTo != nil {
		if err := checkMailbox(*msg.ReplyTo); err != nil {
			return fmt.Errorf("replyTo.%w", err)
		}
	}
	if err := checkLine(msg.Subject); err != nil {
		return fmt.Errorf("subject: %w", err)
	}
	if y := msg.Date.Year(); msg.Date.IsZero() || y < 1900 || y > 9999 {
		return fmt.Errorf("date: %v is not a date a Date header can carry", msg.Date)
	}
	if err := checkMessageID(msg.MessageID); err != nil {
		return err
	}
	if msg.Text == "" {
		return errors.New("text: empty; the text part carries every fact and is required")
	}
	if !utf8.ValidString(msg.Text) {
		return errors.New("text: not valid UTF-8")
	}
	if !utf8.ValidString(msg.HTML) {
		return errors.New("html: not valid UTF-8")
	}
	for i, h := range msg.Headers {
		if err := checkHeader(h); err != nil {
			return fmt.Errorf("headers[%d]%w", i, err)
		}
	}
	if msg.Calendar != nil {
		return checkCalendar(msg.Calendar)
	}
	return nil
}

// The checks below return errors that do not name the field; their
// callers do, so that no field name is formatted for a value that passes.

// checkLine accepts valid UTF-8 without control characters (C0, DEL, C1).
func checkLine(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("not valid UTF-8")
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return fmt.Errorf("contains the control character %U", r)
		}
	}
	return nil
}

// checkMailbox accepts a display name without control characters and a
// bare ASCII addr-spec. Non-ASCII addresses would need UTF-8 headers (RFC
// 6532), which readers without SMTPUTF8 support flag as defects. Its
// error begins with "name: " or "address: ".
func checkMailbox(a mail.Address) error {
	if err := checkLine(a.Name); err != nil {
		return fmt.Errorf("name: %w", err)
	}
	if err := checkAddrSpec(a.Address, false); err != nil {
		return fmt.Errorf("address: %w", err)
	}
	return nil
}

// checkAddrSpec accepts one bare address such as "jane@example.org":
// no display name, no angle brackets, an "@" and, unless utf8 is set,
// ASCII only.
func checkAddrSpec(addr string, utf8OK bool) error {
	if err := checkLine(addr); err != nil {
		return err
	}
	if addr == "" {
		return errors.New("empty")
	}
	if !utf8OK && !isASCII(addr) {
		return fmt.Errorf("%q is not ASCII; internationalized addresses are not supported", addr)
	}
	if isDotAtomAddr(addr) {
		return nil // as mail.ParseAddress would accept it, without parsing
	}
	p, err := mail.ParseAddress(addr)
	if err != nil || p.Name != "" || p.Address != addr || !strings.Contains(addr, "@") {
		return fmt.Errorf("%q is not a bare address such as jane@example.org", addr)
	}
	return nil
}

// checkMessageID accepts id-left "@" id-right, each a dot-atom-text (RFC
// 5322 3.6.4), in ASCII.
func checkMessageID(id string) error {
	if !isDotAtomAddr(id) {
		return fmt.Errorf("messageID: %q is not of the form left@right with dot-atom sides, without angle brackets, in ASCII", id)
	}
	return nil
}

// isDotAtomAddr reports whether s is dot-atom-text "@" dot-atom-text in
// ASCII, the form of nearly every address, which mail.ParseAddress reads
// back as the same address without a name.
func isDotAtomAddr(s string) bool {
	left, right, ok := strings.Cut(s, "@")
	return ok && isDotAtom(left) && isDotAtom(right)
}

func isDotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '.' && !isAtext(c) {
			return false
		}
	}
	return true
}

// isAtext reports whether c is an atext character of RFC 5322 3.2.3.
func isAtext(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// checkHeader accepts a field name of printable ASCII without a colon that
// Compose does not own, and a value without control characters. Its error
// begins with ": " or ".value: ", to follow the field's name.
func checkHeader(h seminar.Header) error {
	if h.Name == "" {
		return errors.New(": empty name")
	}
	for i := 0; i < len(h.Name); i++ {
		if c := h.Name[i]; c <= ' ' || c > '~' || c == ':' {
			return fmt.Errorf(": name %q: only printable ASCII without a colon is allowed", h.Name)
		}
	}
	for _, own := range ownHeaders {
		if strings.EqualFold(h.Name, own) {
			return fmt.Errorf(": %s is written by Compose from the Message's fields", h.Name)
		}
	}
	if len(h.Name) >= 8 && strings.EqualFold(h.Name[:8], "Content-") {
		return fmt.Errorf(": %s belongs to the MIME structure Compose builds", h.Name)
	}
	if err := checkLine(h.Value); err != nil {
		return fmt.Errorf(".value: %w", err)
	}
	return nil
}

// checkCalendar accepts a METHOD that is an iCalendar token and matches the
// METHOD property inside the data (RFC 6047 2.4), and a plain file name.
func checkCalendar(c *seminar.CalendarPart) error {
	if c.Method == "" {
		return errors.New("calendar.method: empty")
	}
	for i := 0; i < len(c.Method); i++ {
		if ch := c.Method[i]; !('A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' || ch == '-') {
			return fmt.Errorf("calendar.method: %q is not an upper-case iCalendar method such as PUBLISH", c.Method)
		}
	}
	inside, ok := calendarMethod(c.Data)
	if !ok {
		return errors.New("calendar.data: no METHOD property in the calendar")
	}
	if inside != c.Method {
		return fmt.Errorf("calendar.method: %s, but the calendar says METHOD:%s", c.Method, inside)
	}
	if err := checkLine(c.Filename); err != nil {
		return fmt.Errorf("calendar.filename: %w", err)
	}
	if len(c.Filename) > 100 || strings.ContainsAny(c.Filename, `/\"`) {
		return fmt.Errorf("calendar.filename: %q is not a plain file name of at most 100 octets", c.Filename)
	}
	return nil
}

// calendarMethod returns the value of the first METHOD property line.
func calendarMethod(data []byte) (string, bool) {
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		name, value, ok := bytes.Cut(bytes.TrimSuffix(line, []byte("\r")), []byte(":"))
		if ok && bytes.EqualFold(name, []byte("METHOD")) {
			return strings.ToUpper(string(value)), true
		}
	}
	return "", false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
