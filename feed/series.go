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

// announced returns events with a title for each planned slot that has
// none yet (Event.IsTBA): "Vision Seminar: to be announced", after the name
// of its series, or seminar.ToBeAnnounced alone when the series is not
// known. Calendar clients show SUMMARY as the entry's title, and an entry
// with none reads as a mistake. The events given are not modified. It also
// returns the newest UpdatedAt of the series whose names it used, which
// the feed's DTSTAMP and Last-Modified take into account, as a rename
// changes those titles. known, if not nil, is the series of a series feed.
func (h *Handler) announced(ctx context.Context, events []*seminar.Event, known *seminar.Series) ([]*seminar.Event, time.Time, error) {
	var (
		names  map[string]string
		newest time.Time
	)
	name := func(id string) (string, error) {
		if n, ok := names[id]; ok {
			return n, nil
		}
		if names == nil {
			names = map[string]string{}
		}
		s := known
		if s == nil || s.ID != id {
			var err error
			s, err = h.cal.GetSeries(ctx, id)
			switch {
			case errors.Is(err, errors.ErrUnsupported):
				names[id] = id // free text: the name itself
				return id, nil
			case errors.Is(err, seminar.ErrNotFound):
				names[id] = ""
				return "", nil
			case err != nil:
				return "", err
			}
		}
		names[id] = s.Name
		if s.UpdatedAt.After(newest) {
			newest = s.UpdatedAt
		}
		return s.Name, nil
	}
	out := events
	copied := false
	for i, e := range events {
		if e.Title != "" || !e.IsTBA() {
			continue
		}
		title := seminar.ToBeAnnounced
		if e.Series != "" {
			n, err := name(e.Series)
			if err != nil {
				return nil, time.Time{}, err
			}
			if n != "" {
				title = n + ": to be announced"
			}
		}
		if !copied {
			out, copied = slices.Clone(events), true
		}
		c := e.Clone()
		c.Title = title
		out[i] = c
	}
	return out, newest, nil
}
