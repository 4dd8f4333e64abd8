package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
)

// GetSeries returns the series with the given ID.
func (s *FileStore) GetSeries(ctx context.Context, id string) (out *seminar.Series, err error) {
	err = s.read(ctx, func(c *contents) error { out, err = c.getSeries(id); return err })
	return out, err
}

// ListSeries returns every series, ordered by ID.
func (s *FileStore) ListSeries(ctx context.Context) (out []*seminar.Series, err error) {
	err = s.read(ctx, func(c *contents) error {
		out = c.Series
		slices.SortFunc(out, func(a, b *seminar.Series) int { return strings.Compare(a.ID, b.ID) })
		return nil
	})
	return out, err
}

var _ seminar.SeriesTx = (*fileTx)(nil)

func (t *fileTx) GetSeries(ctx context.Context, id string) (*seminar.Series, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.c.getSeries(id)
}

func (t *fileTx) CreateSeries(ctx context.Context, series *seminar.Series) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	if series == nil {
		return fmt.Errorf("%w: series is nil", seminar.ErrInvalid)
	}
	if seriesIndex(t.c.Series, series.ID) >= 0 {
		return fmt.Errorf("%w: series %q", seminar.ErrExists, series.ID)
	}
	t.c.Series = append(t.c.Series, series.Clone())
	t.c.Mark++
	return nil
}

func (t *fileTx) UpdateSeries(ctx context.Context, series *seminar.Series, prevVersion int64) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	if series == nil {
		return fmt.Errorf("%w: series is nil", seminar.ErrInvalid)
	}
	i := seriesIndex(t.c.Series, series.ID)
	switch {
	case i < 0:
		return seminar.ErrNotFound
	case t.c.Series[i].Version != prevVersion:
		return fmt.Errorf("%w: stored version is %d, not %d", seminar.ErrConflict, t.c.Series[i].Version, prevVersion)
	}
	t.c.Series[i] = series.Clone()
	t.c.Mark++
	return nil
}

func (t *fileTx) DeleteSeries(ctx context.Context, id string) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	i := seriesIndex(t.c.Series, id)
	if i < 0 {
		return seminar.ErrNotFound
	}
	t.c.Series = slices.Delete(t.c.Series, i, i+1)
	t.c.Mark++
	return nil
}

// A write of a series takes a mark, so that ChangeToken moves: pages and
// feeds show a talk's series by its name. Changed returns no event for it.

func (c *contents) getSeries(id string) (*seminar.Series, error) {
	i := seriesIndex(c.Series, id)
	if i < 0 {
		return nil, seminar.ErrNotFound
	}
	return c.Series[i].Clone(), nil
}

// seriesIndex returns the index of the series with the given ID, or -1.
func seriesIndex(series []*seminar.Series, id string) int {
	return slices.IndexFunc(series, func(s *seminar.Series) bool { return s.ID == id })
}

// migrate brings contents written before series were kept (format 0) up to
// date: there, an event's Series was free text. Each distinct non-empty
// value becomes a series named by it, as store/sqlite's migration does: a
// value that is already a slug is its own ID; the others, in byte order,
// get their Slug ("series" for one with no letter or digit), with "-2",
// "-3", ... after an ID already taken. The series is created, and last
// updated, when the first of its talks was created (at now if that is
// unknown), with empty defaults; then its talks hold its ID. Nothing else
// changes, and no event is lost. The series take a mark, so ChangeToken
// moves.
func (c *contents) migrate(now time.Time) {
	first := map[string]time.Time{}
	var names []string
	for _, e := range c.Events {
		if e.Series == "" {
			continue
		}
		at, seen := first[e.Series]
		if !seen {
			names = append(names, e.Series)
		}
		if !seen || (!e.CreatedAt.IsZero() && (at.IsZero() || e.CreatedAt.Before(at))) {
			first[e.Series] = e.CreatedAt
		}
	}
	ids := seriesIDs(names, c.Series)
	for _, name := range names {
		created := first[name]
		if created.IsZero() {
			created = now
		}
		c.Series = append(c.Series, &seminar.Series{ID: ids[name], Name: name, Version: 1, CreatedAt: created, UpdatedAt: created})
	}
	for _, e := range c.Events {
		if e.Series != "" {
			e.Series = ids[e.Series]
		}
	}
	if len(names) > 0 {
		c.Mark++
	}
	c.Format = fileFormat
}

// seriesIDs returns the ID of the series made of each free-text name, none
// of them among the IDs of stored.
func seriesIDs(names []string, stored []*seminar.Series) map[string]string {
	ids := make(map[string]string, len(names))
	taken := make(map[string]bool, len(names)+len(stored))
	for _, s := range stored {
		taken[s.ID] = true
	}
	var rest []string
	for _, name := range names {
		if seminar.Slug(name) == name && !taken[name] {
			ids[name], taken[name] = name, true
		} else {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	for _, name := range rest {
		base := seminar.Slug(name)
		if base == "" {
			base = "series"
		}
		id := base
		for n := 2; taken[id]; n++ {
			id = base + "-" + strconv.Itoa(n)
		}
		ids[name], taken[id] = id, true
	}
	return ids
}
