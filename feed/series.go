package feed

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
)

// movedError is what a build returns for a series feed asked for by the
// series' name, as its path read before series had IDs: it is answered
// with a permanent redirect to the path of the ID, and never cached.
type movedError struct{ id string }

func (m *movedError) Error() string { return "feed: series moved to " + m.id }

// seriesOf returns the series id of a series feed. It returns nil and no
// error when the Calendar's Store keeps no series: there a series feed
// holds the events whose Series is id, as free text. A series that is not
// stored is errNoFeed, or a *movedError when id is the name of a stored
// series.
func (h *Handler) seriesOf(ctx context.Context, id string) (*seminar.Series, error) {
	s, err := h.cal.GetSeries(ctx, id)
	switch {
	case errors.Is(err, errors.ErrUnsupported):
		return nil, nil
	case errors.Is(err, seminar.ErrNotFound):
		return nil, h.renamed(ctx, id)
	case err != nil:
		return nil, err
	}
	return s, nil
}

// renamed returns a *movedError when name, which is no series' ID, is the
// Name of a stored series, and errNoFeed otherwise. A feed subscribed to
// as /series/Vision%20Seminar.ics, before a Store's migration turned the
// events' free-text series into stored series with slugs for IDs, keeps
// working: calendar clients follow the redirect.
func (h *Handler) renamed(ctx context.Context, name string) error {
	if seminar.Slug(name) == name {
		return errNoFeed // a slug is asked for by its ID
	}
	all, err := h.cal.ListSeries(ctx)
	if err != nil {
		return err
	}
	for _, s := range all {
		if s.Name == name {
			return &movedError{id: s.ID}
		}
	}
	return errNoFeed
}

// redirectPath returns the path of the feed of the series by its ID
// relative to the path it was asked for at, the feed of the series by its
// old name: relative, so that it holds under any prefix the Handler is
// mounted at. A private feed's path gets the token of the new feed, which
// the request's token, checked for the old one, entitles it to.
func (h *Handler) redirectPath(m *movedError, private bool, query string) string {
	to := Series(m.id)
	path := "." + strings.TrimPrefix(to.Path(), "/series")
	if private {
		// From /private/{token}/series/ up to the Handler's root.
		p, _ := h.PrivatePath(to) // a private request means a Secret
		path = "../../.." + p
	}
	if query != "" {
		path += "?" + query
	}
	return path
}

// seriesNames looks up the names of the series a feed's events belong
// to, each once per build: calendar clients show the name, not the ID, in
// a talk's description and categories, and in the title of a slot still to
// be announced.
type seriesNames struct {
	cal   *seminar.Calendar
	known *seminar.Series // of a series feed, if any
	names map[string]string
	// newest is the newest UpdatedAt of the series whose names were found,
	// which the feed's DTSTAMP and Last-Modified take into account, as a
	// rename changes what the feed says.
	newest time.Time
}

// resolve looks up the series of every event. The name of a series is its
// Name; id itself when the Store keeps no series, where Series is free
// text and so the name; empty for a series that is not stored.
func (n *seriesNames) resolve(ctx context.Context, events []*seminar.Event) error {
	n.names = map[string]string{}
	for _, e := range events {
		id := e.Series
		if _, ok := n.names[id]; ok || id == "" {
			continue
		}
		s := n.known
		if s == nil || s.ID != id {
			var err error
			s, err = n.cal.GetSeries(ctx, id)
			switch {
			case errors.Is(err, errors.ErrUnsupported):
				n.names[id] = id
				continue
			case errors.Is(err, seminar.ErrNotFound):
				n.names[id] = ""
				continue
			case err != nil:
				return err
			}
		}
		n.names[id] = s.Name
		if s.UpdatedAt.After(n.newest) {
			n.newest = s.UpdatedAt
		}
	}
	return nil
}

// of returns the name of series id found by resolve, or "" when there is
// none: ical.EncodeOptions.SeriesName then writes the ID.
func (n *seriesNames) of(id string) string { return n.names[id] }

// announced returns events with a title for each planned slot that has
// none yet (Event.IsTBA): "Vision Seminar: to be announced", after the name
// of its series, or seminar.ToBeAnnounced alone when the series is not
// known. Calendar clients show SUMMARY as the entry's title, and an entry
// with none reads as a mistake. The events given are not modified.
func announced(events []*seminar.Event, names *seriesNames) []*seminar.Event {
	out := events
	copied := false
	for i, e := range events {
		if e.Title != "" || !e.IsTBA() {
			continue
		}
		title := seminar.ToBeAnnounced
		if n := names.of(e.Series); n != "" {
			title = n + ": to be announced"
		}
		if !copied {
			out, copied = slices.Clone(events), true
		}
		c := e.Clone()
		c.Title = title
		out[i] = c
	}
	return out
}
