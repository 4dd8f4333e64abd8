package ical

import (
	"io"

	"github.com/seminarkit/seminar"
)

// Attacher writes the calendar attachment of reminder mail: give one to
// seminar.Options.ICS. Its Options apply to every attachment, except Method,
// which each message sets (PUBLISH for reminders and updates, CANCEL for
// cancellation notices), and NoExtensions, which is always set: a mail's
// calendar is read by calendar clients, which show DESCRIPTION and ignore
// the X-SEMINAR copies of what it says, and not imported back into a
// Calendar, which feeds are for. Without Options.Zones, the Attacher keeps
// its own ZoneCache, so each time zone is read from Go's zone data once and
// not for every message. Use it through a pointer, and from any goroutine.
type Attacher struct {
	Options EncodeOptions
	zones   ZoneCache
}

var (
	_ seminar.ICSEncoder       = (*Attacher)(nil)
	_ seminar.ICSSeriesEncoder = (*Attacher)(nil)
)

// EncodeEvent writes e as a calendar of one event with the given METHOD.
func (a *Attacher) EncodeEvent(w io.Writer, e *seminar.Event, method string) error {
	return a.EncodeEventInSeries(w, e, method, "")
}

// EncodeEventInSeries writes e as EncodeEvent does, with seriesName, the
// name of e's series, in DESCRIPTION and CATEGORIES instead of the ID that
// e.Series holds. An empty seriesName leaves Options.SeriesName to name
// it.
func (a *Attacher) EncodeEventInSeries(w io.Writer, e *seminar.Event, method, seriesName string) error {
	opts := a.Options
	opts.Method, opts.NoExtensions = method, true
	if opts.Zones == nil {
		opts.Zones = &a.zones
	}
	if seriesName != "" {
		opts.SeriesName = func(string) string { return seriesName }
	}
	return EncodeEvent(w, e, &opts)
}
