package mail_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/internal/mailcheck"
	smail "github.com/seminarkit/seminar/mail"
)

// FuzzCompose feeds arbitrary names, subjects and header values to
// Compose: it refuses them with ErrInvalid, or the message reads back with
// the same subject, name and value, and every line stays within 998
// octets and every Subject line within 78.
func FuzzCompose(f *testing.F) {
	f.Add("Bolei Zhou", "TALK: A picture of the energy landscape", "<talks.csail.mit.edu>")
	f.Add("Müller, Jürgen", "TALK: Über die Zeit — 深層学習 ✓", "Séminaires <talks.ens.fr>")
	f.Add("  two  spaces ", " =?utf-8?q?x?= ", "a\r\nBcc: x@example.org")
	f.Add(strings.Repeat("Jérôme ", 30), strings.Repeat("x", 300), strings.Repeat("é", 100))
	f.Fuzz(func(t *testing.T, name, subject, value string) {
		msg := seedReminder()
		msg.ReplyTo.Name = name
		msg.Subject = subject
		msg.Headers[0].Value = value
		raw, err := smail.Compose(msg)
		if err != nil {
			if !errors.Is(err, seminar.ErrInvalid) {
				t.Fatalf("Compose failed without ErrInvalid: %v", err)
			}
			return
		}
		p := mailcheck.Require(t, raw)
		if p.Subject != subject {
			t.Errorf("subject %q reads back as %q", subject, p.Subject)
		}
		replyTo, err := p.Header.AddressList("Reply-To")
		if err != nil || len(replyTo) != 1 || replyTo[0].Name != name {
			t.Errorf("Reply-To name %q reads back as %v (%v)", name, replyTo, err)
		}
		if got, err := p.Decode(msg.Headers[0].Name); err != nil || got != strings.TrimSpace(value) {
			t.Errorf("header value %q reads back as %q (%v)", value, got, err)
		}
		inSubject := false
		for _, line := range headerLines(raw) {
			if len(line) > 998 {
				t.Errorf("line of %d octets", len(line))
			}
			if !strings.HasPrefix(line, " ") {
				inSubject = strings.HasPrefix(line, "Subject:")
			}
			if inSubject && len(line) > 78 {
				t.Errorf("Subject line of %d octets: %q", len(line), line)
			}
		}
	})
}
