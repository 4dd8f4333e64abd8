package seminar

import (
	"context"
	"errors"
	"net/mail"
	"time"
)

// Message is one email the Calendar sends: a reminder, an update or a
// cancellation notice. Every field is filled by the Calendar; a Mailer turns
// it into bytes with Compose.
type Message struct {
	From    mail.Address
	To      []mail.Address
	Cc      []mail.Address
	ReplyTo *mail.Address // the event's contact, when it has an email
	Subject string
	// Date is the Date header.
	Date time.Time
	// MessageID is the Message-ID header without angle brackets, derived
	// from the delivery so that a resend after a crash carries the same one.
	MessageID string
	// Text and HTML are the two alternatives of the body; Text carries
	// every fact.
	Text, HTML string
	// Calendar is the .ics attachment.
	Calendar *CalendarPart
	// Headers are further header fields, in order: Auto-Submitted,
	// List-Id, List-Unsubscribe, ...
	Headers []Header
}

// CalendarPart is a text/calendar body part.
type CalendarPart struct {
	// Method is the iCalendar METHOD inside Data: "PUBLISH" or "CANCEL".
	// It is also the method parameter of the Content-Type.
	Method   string
	Filename string
	Data     []byte
}

// Header is one header field.
type Header struct {
	Name, Value string
}

// Envelope is the SMTP envelope of a message: MAIL FROM and RCPT TO.
type Envelope struct {
	From string
	To   []string
}

// Composer turns messages into bytes. Preview and send go through the same
// Compose, so a preview is exactly what would be sent. Package mail
// provides one, mail.Composer, which mail.Mailer uses.
//
// Implementations must be safe for concurrent use.
type Composer interface {
	// Compose returns msg as RFC 5322 bytes, with CRLF line endings, exactly
	// as Send will transmit them. It must return an error matching ErrInvalid,
	// never a malformed message, when a field cannot be encoded safely.
	Compose(msg *Message) ([]byte, error)
}

// Mailer composes and sends messages.
//
// Implementations must be safe for concurrent use.
type Mailer interface {
	Composer

	// Send transmits raw in one transaction to every recipient of env that
	// the server accepts. A nil error means the server took the message
	// (after DATA) for the recipients in the result's Accepted list; those
	// it refused are in Refused. A non-nil error means nobody got it: it
	// matches ErrTemporary when trying again later may succeed (4xx replies,
	// network errors, timeouts) and ErrPermanent otherwise (5xx replies, and
	// an envelope that cannot be sent, which also matches ErrInvalid). When
	// the server refused every recipient, Send returns the result listing
	// the refusals together with the error. An empty env.From is the null
	// sender.
	Send(ctx context.Context, env Envelope, raw []byte) (*SendResult, error)
}

// BatchMailer is a Mailer that can also send several messages in one go,
// such as one after the other over one SMTP connection, which saves a
// connection and a greeting for every message after the first. DispatchDue
// hands the messages of the deliveries it claimed together to SendBatch
// when its Mailer has it, and each to Send otherwise; mail.Mailer has it.
//
// A type that wraps a Mailer by embedding it, to watch or change what Send
// does, inherits the embedded Mailer's SendBatch, which does not call the
// wrapper's Send: such a wrapper must define SendBatch too.
type BatchMailer interface {
	Mailer

	// SendBatch sends each message of msgs as Send would, in order, and
	// calls done once for each, from the goroutine that called SendBatch,
	// with its index in msgs and what Send would have returned for it:
	// the result and the error, which means what Send's would. It calls
	// done for a message as soon as its outcome is known, before it sends
	// the next one, and returns once it called done for every message.
	// A message the server did not take for a reason of the connection
	// rather than of the message (a server that closes the connection
	// between messages, say) is sent again on a new connection, never one
	// the server answered 250 at the end of DATA.
	SendBatch(ctx context.Context, msgs []Outgoing, done func(i int, res *SendResult, err error))
}

// Outgoing is one message for BatchMailer.SendBatch.
type Outgoing struct {
	Envelope Envelope
	// Raw is the message as Composer.Compose returned it.
	Raw []byte
}

// SendResult says which recipients the server accepted and refused.
type SendResult struct {
	Accepted []string
	Refused  []RecipientError
}

// RecipientError is the server's refusal of one recipient.
type RecipientError struct {
	Address string
	Code    int // the SMTP reply code, such as 550 or 451
	Message string
}

// Temporary reports whether the refusal may clear up (a 4xx reply).
func (r RecipientError) Temporary() bool { return r.Code >= 400 && r.Code < 500 }

func (r RecipientError) Error() string {
	return r.Address + ": " + r.Message
}

// Errors a Mailer's Send wraps to say whether to try again.
var (
	// ErrTemporary means the send failed for now: try again later.
	ErrTemporary = errors.New("temporary failure")
	// ErrPermanent means the send failed for good.
	ErrPermanent = errors.New("permanent failure")
)
