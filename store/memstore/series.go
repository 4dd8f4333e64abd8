package memstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/seminarkit/seminar"
)

var _ seminar.SeriesStore = (*Store)(nil)

// GetSeries returns a copy of the series with the given ID.
func (s *Store) GetSeries(ctx context.Context, id string) (*seminar.Series, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.getSeries(id)
}

// ListSeries returns copies of every series, ordered by ID.
func (s *Store) ListSeries(ctx context.Context) ([]*seminar.Series, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*seminar.Series, 0, len(s.series))
	for _, series := range s.series {
		out = append(out, series.Clone())
	}
	slices.SortFunc(out, func(a, b *seminar.Series) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// getSeries returns a copy of the series with the given ID; s.mu must be
// held.
func (s *Store) getSeries(id string) (*seminar.Series, error) {
	series, ok := s.series[id]
	if !ok {
		return nil, seminar.ErrNotFound
	}
	return series.Clone(), nil
}

// A series write takes a mark, as a delete does, so that ChangeToken
// moves: pages and feeds show a talk's series by its name. Changed returns
// no event for it.

// createSeries stores series, a private copy; s.mu must be held.
func (s *Store) createSeries(series *seminar.Series, u *undo) error {
	if _, ok := s.series[series.ID]; ok {
		return fmt.Errorf("%w: series %q", seminar.ErrExists, series.ID)
	}
	s.series[series.ID] = series
	s.mark++
	u.add(func() { delete(s.series, series.ID) })
	return nil
}

// updateSeries stores next, a private copy, over the series of its ID if
// the stored Version is prevVersion; s.mu must be held.
func (s *Store) updateSeries(next *seminar.Series, prevVersion int64, u *undo) error {
	cur, ok := s.series[next.ID]
	switch {
	case !ok:
		return seminar.ErrNotFound
	case cur.Version != prevVersion:
		return fmt.Errorf("%w: stored version is %d, not %d", seminar.ErrConflict, cur.Version, prevVersion)
	}
	s.series[next.ID] = next
	s.mark++
	u.add(func() { s.series[cur.ID] = cur })
	return nil
}

// deleteSeries removes the series with the given ID; s.mu must be held.
func (s *Store) deleteSeries(id string, u *undo) error {
	cur, ok := s.series[id]
	if !ok {
		return seminar.ErrNotFound
	}
	delete(s.series, id)
	s.mark++
	u.add(func() { s.series[id] = cur })
	return nil
}

var _ seminar.SeriesTx = (*tx)(nil)

func (t *tx) GetSeries(ctx context.Context, id string) (*seminar.Series, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.s.getSeries(id)
}

func (t *tx) CreateSeries(ctx context.Context, series *seminar.Series) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	if series == nil {
		return fmt.Errorf("%w: series is nil", seminar.ErrInvalid)
	}
	return t.s.createSeries(series.Clone(), t.undo)
}

func (t *tx) UpdateSeries(ctx context.Context, series *seminar.Series, prevVersion int64) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	if series == nil {
		return fmt.Errorf("%w: series is nil", seminar.ErrInvalid)
	}
	return t.s.updateSeries(series.Clone(), prevVersion, t.undo)
}

func (t *tx) DeleteSeries(ctx context.Context, id string) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	return t.s.deleteSeries(id, t.undo)
}
