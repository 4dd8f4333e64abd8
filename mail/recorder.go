package mail

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"mime"
	"net/mail"
	"slices"
	"sync"

	"github.com/seminarkit/seminar"
)

// Recorder is a seminar.Mailer for tests that keeps what it is asked to
// send instead of sending it. It composes with Compose, so the bytes it
// records are the bytes a Mailer would send, and it can be told to fail
// the way a server does. Its zero value is ready to use; it is safe for
// concurrent use and must not be copied after first use.
type Recorder struct {
	// Fail, when set, is asked first on each Send that no FailNext error
	// decided: a non-nil error is returned as Send's error and nothing is
	// recorded. Return errors wrapping seminar.ErrTemporary or
	// seminar.ErrPermanent, as Mailer.Send does. It may be called
	// concurrently.
	Fail func(env seminar.Envelope) error
	// Refuse, when set, is asked for each recipient: a non-nil refusal
	// leaves the recipient out of the delivery and lists it in the result,
	// as a server refusing RCPT TO does. When it refuses every recipient,
	// Send fails as Mailer.Send does: temporarily if any refusal is
	// temporary (a 4xx Code), permanently otherwise. It may be called
	// concurrently.
	Refuse func(addr string) *seminar.RecipientError

	mu   sync.Mutex
	next []error
	sent []Sent
}

var _ seminar.Mailer = (*Recorder)(nil)

// Sent is one message a Recorder took.
type Sent struct {
	// Envelope is the envelope Send was given.
	Envelope seminar.Envelope
	// Accepted are the recipients that got the message: the envelope's,
	// less those Refuse refused.
	Accepted []string
	// Raw is the message as Send was given it.
	Raw []byte
	// Header is Raw's top-level header, parsed by net/mail.
	Header mail.Header
}

// Subject returns the decoded Subject header.
func (s Sent) Subject() string {
	v := s.Header.Get("Subject")
	if d, err := new(mime.WordDecoder).DecodeHeader(v); err == nil {
		return d
	}
	return v
}

// Compose returns msg as bytes; see the package function Compose.
func (r *Recorder) Compose(msg *seminar.Message) ([]byte, error) {
	return Compose(msg)
}

// FailNext makes the next len(errs) calls of Send return these errors, in
// order, before Fail is asked; a nil entry lets that call go through. Each
// failing call records nothing.
func (r *Recorder) FailNext(errs ...error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.next = append(r.next, errs...)
}

// Send records raw for the recipients of env that are not refused. It
// fails like Mailer.Send on a done context (temporary), on an envelope
// without recipients or raw bytes that do not parse as a message
// (permanent, and matching seminar.ErrInvalid), and as FailNext, Fail and
// Refuse say.
func (r *Recorder) Send(ctx context.Context, env seminar.Envelope, raw []byte) (*seminar.SendResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("mail: recorder: send: %w: %w", seminar.ErrTemporary, err)
	}
	if err := checkEnvelope(env, raw); err != nil {
		return nil, fmt.Errorf("mail: recorder: send: %w: %w: %s", seminar.ErrPermanent, seminar.ErrInvalid, err)
	}
	parsed, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("mail: recorder: send: %w: %w: raw is not a message: %v",
			seminar.ErrPermanent, seminar.ErrInvalid, err)
	}
	if err := r.scripted(env); err != nil {
		return nil, err
	}
	res := &seminar.SendResult{}
	for _, to := range env.To {
		if r.Refuse != nil {
			if refusal := r.Refuse(to); refusal != nil {
				refusal.Address = to
				res.Refused = append(res.Refused, *refusal)
				continue
			}
		}
		res.Accepted = append(res.Accepted, to)
	}
	if len(res.Accepted) == 0 {
		return res, fmt.Errorf("mail: recorder: send: %w", refusedError(res.Refused))
	}
	s := Sent{Envelope: env, Accepted: res.Accepted, Raw: raw, Header: parsed.Header}
	r.mu.Lock()
	r.sent = append(r.sent, s.clone())
	r.mu.Unlock()
	return res, nil
}

// scripted returns the error FailNext queued for this call, or else Fail's.
func (r *Recorder) scripted(env seminar.Envelope) error {
	r.mu.Lock()
	var err error
	if len(r.next) > 0 {
		err, r.next = r.next[0], r.next[1:]
	}
	r.mu.Unlock()
	if err != nil || r.Fail == nil {
		return err
	}
	return r.Fail(env)
}

// Messages returns copies of the messages sent so far, in the order Send
// took them.
func (r *Recorder) Messages() []Sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Sent, len(r.sent))
	for i, s := range r.sent {
		out[i] = s.clone()
	}
	return out
}

// Reset forgets the messages sent and the queued FailNext errors.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent, r.next = nil, nil
}

func (s Sent) clone() Sent {
	c := Sent{
		Envelope: seminar.Envelope{From: s.Envelope.From, To: slices.Clone(s.Envelope.To)},
		Accepted: slices.Clone(s.Accepted),
		Raw:      bytes.Clone(s.Raw),
		Header:   make(mail.Header, len(s.Header)),
	}
	for k, v := range maps.All(s.Header) {
		c.Header[k] = slices.Clone(v)
	}
	return c
}
