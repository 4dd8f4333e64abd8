package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/internal/sqlstore"
)

var (
	_ seminar.SeriesStore = (*Store)(nil)
	_ seminar.SeriesTx    = tx{}
)

// seriesColumns are the columns of the series table in the order that
// seriesArgs writes them and scanSeries reads them.
var seriesColumns = append(sqlstore.SeriesColumns[:], "created_ns", "updated_ns")

var (
	selectSeriesSQL = "SELECT " + strings.Join(seriesColumns, ", ") + " FROM series"
	insertSeriesSQL = "INSERT INTO series (" + strings.Join(seriesColumns, ", ") + ") VALUES (?" +
		strings.Repeat(", ?", len(seriesColumns)-1) + ")"
	// updateSeriesSQL takes seriesArgs(s)[1:], then the ID and the
	// expected version.
	updateSeriesSQL = "UPDATE series SET " + strings.Join(seriesColumns[1:], " = ?, ") + " = ? WHERE id = ? AND version = ?"
)

// seriesArgs returns the values of s for the seriesColumns, in order.
func seriesArgs(s *seminar.Series) ([]any, error) {
	created, err := toNS(s.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("created at: %w", err)
	}
	updated, err := toNS(s.UpdatedAt)
	if err != nil {
		return nil, fmt.Errorf("updated at: %w", err)
	}
	args, err := sqlstore.SeriesValues(make([]any, 0, len(seriesColumns)+2), s)
	if err != nil {
		return nil, err
	}
	return append(args, created, updated), nil
}

// scanSeries reads a row of the seriesColumns.
func scanSeries(rows *sql.Rows) (*seminar.Series, error) {
	var (
		row              sqlstore.SeriesRow
		created, updated int64
	)
	if err := rows.Scan(append(row.Dest(), &created, &updated)...); err != nil {
		return nil, err
	}
	return row.Series(fromNS(created), fromNS(updated))
}

// GetSeries returns the series with the given ID, or an error matching
// seminar.ErrNotFound.
func (s *Store) GetSeries(ctx context.Context, id string) (*seminar.Series, error) {
	return s.pool().getSeries(ctx, id)
}

// ListSeries returns every series, ordered by ID.
func (s *Store) ListSeries(ctx context.Context) ([]*seminar.Series, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list series: %w", err)
	}
	rows, err := s.listSeries.QueryContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list series: %w", dbError(ctx, err))
	}
	defer rows.Close()
	var list []*seminar.Series
	for rows.Next() {
		series, err := scanSeries(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list series: %w", dbError(ctx, err))
		}
		list = append(list, series)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list series: %w", dbError(ctx, err))
	}
	return list, nil
}

func (h handle) getSeries(ctx context.Context, id string) (*seminar.Series, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: get series %q: %w", id, err)
	}
	rows, err := h.stmt(ctx, h.s.getSeries).QueryContext(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("sqlite: get series %q: %w", id, dbError(ctx, err))
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlite: get series %q: %w", id, dbError(ctx, err))
		}
		return nil, fmt.Errorf("sqlite: get series %q: %w", id, seminar.ErrNotFound)
	}
	series, err := scanSeries(rows)
	if err != nil {
		return nil, fmt.Errorf("sqlite: get series %q: %w", id, dbError(ctx, err))
	}
	return series, nil
}

// createSeries inserts s; a trigger takes a mark for it.
func (h handle) createSeries(ctx context.Context, s *seminar.Series) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlite: create series: %w", err)
	}
	if s == nil {
		return fmt.Errorf("sqlite: create series: %w: series is nil", seminar.ErrInvalid)
	}
	args, err := seriesArgs(s)
	if err != nil {
		return fmt.Errorf("sqlite: create series %q: %w", s.ID, err)
	}
	if _, err := h.stmt(ctx, h.s.insertSeries).ExecContext(ctx, args...); err != nil {
		return fmt.Errorf("sqlite: create series %q: %w", s.ID, dbError(ctx, err))
	}
	return nil
}

// updateSeries replaces the series s.ID by s if it is at prevVersion; a
// trigger takes a mark for it.
func (h handle) updateSeries(ctx context.Context, s *seminar.Series, prevVersion int64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlite: update series: %w", err)
	}
	if s == nil {
		return fmt.Errorf("sqlite: update series: %w: series is nil", seminar.ErrInvalid)
	}
	args, err := seriesArgs(s)
	if err != nil {
		return fmt.Errorf("sqlite: update series %q: %w", s.ID, err)
	}
	n, err := h.exec(ctx, h.s.updateSeries, append(args[1:], s.ID, prevVersion)...)
	if err != nil {
		return fmt.Errorf("sqlite: update series %q: %w", s.ID, dbError(ctx, err))
	}
	if n == 1 {
		return nil
	}
	return fmt.Errorf("sqlite: update series %q: %w", s.ID, h.refused(ctx, h.s.seriesVersion, s.ID, prevVersion))
}

// deleteSeries removes the series id; a trigger takes a mark for it.
func (h handle) deleteSeries(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlite: delete series %q: %w", id, err)
	}
	n, err := h.exec(ctx, h.s.removeSeries, id)
	if err != nil {
		return fmt.Errorf("sqlite: delete series %q: %w", id, dbError(ctx, err))
	}
	if n == 0 {
		return fmt.Errorf("sqlite: delete series %q: %w", id, seminar.ErrNotFound)
	}
	return nil
}
