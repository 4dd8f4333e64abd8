package ical

import (
	"io"

	"github.com/seminarkit/seminar"
)

// Attacher writes the calendar attachment of reminder mail: give one to
// seminar.Options.ICS. Its Options apply to every attachment, except Method,
// which each message sets (PUBLISH for reminders and updates, CANCEL for
// cancellation notices).
type Attacher struct {
	Options EncodeOptions
}

var _ seminar.ICSEncoder = (*Attacher)(nil)

// EncodeEvent writes e as a calendar of one event with the given METHOD.
func (a *Attacher) EncodeEvent(w io.Writer, e *seminar.Event, method string) error {
	opts := a.Options
	opts.Method = method
	return EncodeEvent(w, e, &opts)
}
