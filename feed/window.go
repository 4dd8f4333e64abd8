package feed

import (
	"fmt"
	"net/url"
	"time"

	"github.com/seminarkit/seminar"
)

// dateLayout is the layout of the from and to query parameters.
const dateLayout = "2006-01-02"

// window is the range of a calendar or series feed. The zero window is the
// default one, which moves with the clock and is taken when the body is
// built; a custom one is fixed by the request.
type window struct {
	from, to time.Time
	custom   bool
}

// key returns the window's part of the cache key: zero for the default
// window, so that every poll of it shares one body.
func (w window) key() (from, to int64) {
	if !w.custom {
		return 0, 0
	}
	return w.from.Unix(), w.to.Unix()
}

// bounds returns the instants the window spans when built at now.
func (h *Handler) bounds(w window, now time.Time) (from, to time.Time) {
	if w.custom {
		return w.from, w.to
	}
	return now.Add(-h.past), now.Add(h.future)
}

// parseWindow reads the from and to query parameters. Its errors are shown
// to the client as they are, so they say what was wrong and what is wanted.
func (h *Handler) parseWindow(q url.Values) (window, error) {
	from, hasFrom, err := h.parseDate(q, "from")
	if err != nil {
		return window{}, err
	}
	last, hasTo, err := h.parseDate(q, "to")
	if err != nil {
		return window{}, err
	}
	length := h.past + h.future
	var w window
	switch {
	case hasFrom && hasTo:
		w = window{from: from, to: last.AddDate(0, 0, 1), custom: true}
	case hasFrom:
		w = window{from: from, to: from.Add(length), custom: true}
	case hasTo:
		to := last.AddDate(0, 0, 1)
		w = window{from: to.Add(-length), to: to, custom: true}
	default:
		return window{}, nil
	}
	if !w.from.Before(w.to) {
		return window{}, fmt.Errorf("feed: to %s is before from %s", q.Get("to"), q.Get("from"))
	}
	if span := w.to.Sub(w.from); span > h.span {
		return window{}, fmt.Errorf("feed: from %s to %s spans %s, more than the limit of %s",
			w.from.Format(dateLayout), w.to.AddDate(0, 0, -1).Format(dateLayout), days(span), days(h.span))
	}
	return w, nil
}

// parseDate reads one date parameter as the first instant of that day in
// the Calendar's zone. An empty value counts as absent, as URL templates
// leave it.
func (h *Handler) parseDate(q url.Values, name string) (t time.Time, ok bool, err error) {
	values := q[name]
	switch {
	case len(values) > 1:
		return time.Time{}, false, fmt.Errorf("feed: %s is given %d times; give it once", name, len(values))
	case len(values) == 0 || values[0] == "":
		return time.Time{}, false, nil
	}
	d, err := time.ParseInLocation(dateLayout, values[0], h.loc)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("feed: %s %q is not a date such as 2017-06-01", name, values[0])
	}
	if y := d.Year(); y < seminar.MinYear || y > seminar.MaxYear {
		return time.Time{}, false, fmt.Errorf("feed: %s %s is outside the years %d to %d", name, values[0], seminar.MinYear, seminar.MaxYear)
	}
	return d, true, nil
}

// days writes a span for people: "731 days", rounding part days up so that
// a span just over the limit never reads as equal to it.
func days(d time.Duration) string {
	n := (d + 24*time.Hour - 1) / (24 * time.Hour)
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}
