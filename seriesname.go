package seminar

import (
	"context"
	"errors"
	"fmt"
)

// View derives the page text of e, in the Calendar's Style, with the name
// of its series (View.SeriesName), which NewView cannot know: e.Series is
// the series' ID. A series that is not stored leaves the name empty.
func (c *Calendar) View(ctx context.Context, e *Event) (*View, error) {
	name, err := c.seriesName(ctx, e)
	if err != nil {
		return nil, fmt.Errorf("seminar: view of event %q: %w", e.ID, err)
	}
	v, err := c.style.viewIn(e, name)
	if err != nil {
		return nil, fmt.Errorf("seminar: view of event %q: %w", e.ID, err)
	}
	return v, nil
}

// seriesName returns the name of e's series as people read it: the stored
// series' Name, or e.Series itself when the Store keeps no series, where
// Series is free text and so the name. It is empty for a talk of no
// series, or of one that is not stored.
func (c *Calendar) seriesName(ctx context.Context, e *Event) (string, error) {
	if e.Series == "" {
		return "", nil
	}
	if c.series == nil {
		return e.Series, nil
	}
	s, err := c.series.GetSeries(ctx, e.Series)
	switch {
	case errors.Is(err, ErrNotFound):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("get series %q: %w", e.Series, err)
	}
	return s.Name, nil
}
