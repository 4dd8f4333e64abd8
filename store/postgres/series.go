package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/internal/sqlstore"
)

var (
	_ seminar.SeriesStore = (*Store)(nil)
	_ seminar.SeriesTx    = (*tx)(nil)
)

// seriesColumns are the columns of the series table in the order that
// seriesArgs writes them and scanSeries reads them.
var seriesColumns = append(sqlstore.SeriesColumns[:], "created_at", "updated_at")

// seriesArgs returns the values of s for the seriesColumns, in order.
func seriesArgs(s *seminar.Series) ([]any, error) {
	args, err := sqlstore.SeriesValues(make([]any, 0, len(seriesColumns)+2), s)
	if err != nil {
		return nil, err
	}
	return append(args, s.CreatedAt, s.UpdatedAt), nil
}

// scanSeries reads a row of the seriesColumns.
func scanSeries(row pgx.Row) (*seminar.Series, error) {
	var r sqlstore.SeriesRow
	var s seminar.Series
	if err := row.Scan(append(r.Dest(), &s.CreatedAt, &s.UpdatedAt)...); err != nil {
		return nil, err
	}
	return r.Series(s.CreatedAt.UTC(), s.UpdatedAt.UTC())
}

// seriesLockKey returns the key of the advisory lock that Tx.GetSeries
// takes for a series it does not find, and Tx.CreateSeries for the series
// it creates: a transaction that looked for a series and did not find it
// holds its ID against creation until it ends. A collision of two keys
// only makes two transactions wait for each other.
func seriesLockKey(schema, id string) int64 {
	h := fnv.New64a()
	h.Write([]byte("github.com/seminarkit/seminar/store/postgres series\x00"))
	h.Write([]byte(schema))
	h.Write([]byte{0})
	h.Write([]byte(id))
	return int64(h.Sum64())
}

// GetSeries returns the series with the given ID, or an error matching
// seminar.ErrNotFound.
func (s *Store) GetSeries(ctx context.Context, id string) (*seminar.Series, error) {
	return s.db().getSeries(ctx, s.sql.getSeries, id)
}

// ListSeries returns every series, ordered by ID.
func (s *Store) ListSeries(ctx context.Context) ([]*seminar.Series, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("postgres: list series: %w", err)
	}
	rows, err := s.pool.Query(ctx, s.sql.listSeries)
	if err != nil {
		return nil, fmt.Errorf("postgres: list series: %w", dbError(ctx, err))
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*seminar.Series, error) { return scanSeries(row) })
	if err != nil {
		return nil, fmt.Errorf("postgres: list series: %w", dbError(ctx, err))
	}
	return list, nil
}

// getSeries runs query, which selects the series id.
func (d db) getSeries(ctx context.Context, query, id string) (*seminar.Series, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("postgres: get series %q: %w", id, err)
	}
	s, err := scanSeries(d.q.QueryRow(ctx, query, id))
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, fmt.Errorf("postgres: get series %q: %w", id, seminar.ErrNotFound)
	case err != nil:
		return nil, fmt.Errorf("postgres: get series %q: %w", id, dbError(ctx, err))
	}
	return s, nil
}

// GetSeries returns the series with the given ID, locked until the
// transaction ends. When there is no such series it holds the ID instead,
// with the advisory lock that CreateSeries takes: no other transaction
// creates the series meanwhile.
func (t *tx) GetSeries(ctx context.Context, id string) (*seminar.Series, error) {
	s, err := t.db.getSeries(ctx, t.db.sql.getSeriesForUpdate, id)
	if !errors.Is(err, seminar.ErrNotFound) {
		return s, err
	}
	if _, err := t.db.q.Exec(ctx, t.db.sql.lockSeriesID, seriesLockKey(t.db.sql.schema, id)); err != nil {
		return nil, fmt.Errorf("postgres: get series %q: %w", id, dbError(ctx, err))
	}
	// Another transaction may have created it before the lock was taken.
	return t.db.getSeries(ctx, t.db.sql.getSeriesForUpdate, id)
}

// CreateSeries stores s, taking a mark, or returns an error matching
// seminar.ErrExists when its ID is taken. It takes the advisory lock of the
// ID first, and the marks after, in the order of Tx.GetSeries and then a
// write.
func (t *tx) CreateSeries(ctx context.Context, s *seminar.Series) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: create series: %w", err)
	}
	if s == nil {
		return fmt.Errorf("postgres: create series: %w: series is nil", seminar.ErrInvalid)
	}
	args, err := seriesArgs(s)
	if err != nil {
		return fmt.Errorf("postgres: create series %q: %w", s.ID, err)
	}
	if _, err := t.db.q.Exec(ctx, t.db.sql.lockSeriesID, seriesLockKey(t.db.sql.schema, s.ID)); err != nil {
		return fmt.Errorf("postgres: create series %q: %w", s.ID, dbError(ctx, err))
	}
	if _, err := t.db.q.Exec(ctx, t.db.sql.insertSeries, args...); err != nil {
		return fmt.Errorf("postgres: create series %q: %w", s.ID, dbError(ctx, err))
	}
	return nil
}

// UpdateSeries replaces the series s.ID by s if its stored Version is
// prevVersion, taking a mark, in one statement (see updateSeriesSQL). It
// returns an error matching seminar.ErrNotFound when there is no such
// series, and seminar.ErrConflict when the Version differs.
func (t *tx) UpdateSeries(ctx context.Context, s *seminar.Series, prevVersion int64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: update series: %w", err)
	}
	if s == nil {
		return fmt.Errorf("postgres: update series: %w: series is nil", seminar.ErrInvalid)
	}
	args, err := seriesArgs(s)
	if err != nil {
		return fmt.Errorf("postgres: update series %q: %w", s.ID, err)
	}
	tag, err := t.db.q.Exec(ctx, t.db.sql.updateSeries, append(args[1:], s.ID, prevVersion)...)
	if err != nil {
		return fmt.Errorf("postgres: update series %q: %w", s.ID, dbError(ctx, err))
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	return fmt.Errorf("postgres: update series %q: %w", s.ID, t.db.refused(ctx, t.db.sql.seriesVersion, s.ID, prevVersion))
}

// DeleteSeries removes the series with the given ID, taking a mark, or
// returns an error matching seminar.ErrNotFound.
func (t *tx) DeleteSeries(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: delete series %q: %w", id, err)
	}
	tag, err := t.db.q.Exec(ctx, t.db.sql.removeSeries, id)
	if err != nil {
		return fmt.Errorf("postgres: delete series %q: %w", id, dbError(ctx, err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: delete series %q: %w", id, seminar.ErrNotFound)
	}
	return nil
}

// updateSeriesSQL returns the statement of Tx.UpdateSeries, made as
// updateSQL's of events: it locks the series if it is at the expected
// version, then takes a mark only if it found it, then writes.
//
// Parameters: the seriesColumns but id, in order, then id and the
// previous version.
func updateSeriesSQL(series, marks string) string {
	id, version := fmt.Sprintf("$%d", len(seriesColumns)), fmt.Sprintf("$%d", len(seriesColumns)+1)
	return "WITH target AS (SELECT id FROM " + series + " WHERE id = " + id + " AND version = " + version + " FOR UPDATE),\n" +
		"next AS (UPDATE " + marks + " SET last = last + 1 WHERE id = 1 AND EXISTS (SELECT FROM target) RETURNING last)\n" +
		"UPDATE " + series + " AS s SET " + assignments(seriesColumns[1:], 1) + " FROM next" +
		" WHERE s.id = " + id + " AND s.version = " + version
}

// seriesStatements fills in the statements of series.
func (st *statements) seriesStatements(schema string) {
	series := table(schema, "series")
	marks := table(schema, "marks")
	selectSeries := "SELECT " + strings.Join(seriesColumns, ", ") + " FROM " + series
	st.getSeries = selectSeries + " WHERE id = $1"
	st.getSeriesForUpdate = selectSeries + " WHERE id = $1 FOR UPDATE"
	st.listSeries = selectSeries + " ORDER BY id"
	st.lockSeriesID = "SELECT pg_advisory_xact_lock($1)"
	// A data-modifying WITH runs whether or not the INSERT reads it: the
	// mark is taken in the statement that inserts.
	st.insertSeries = "WITH next AS (UPDATE " + marks + " SET last = last + 1 WHERE id = 1)\n" +
		"INSERT INTO " + series + " (" + strings.Join(seriesColumns, ", ") + ") VALUES (" +
		placeholders(1, len(seriesColumns)) + ")"
	st.updateSeries = updateSeriesSQL(series, marks)
	st.seriesVersion = "SELECT version FROM " + series + " WHERE id = $1"
	st.removeSeries = "WITH gone AS (DELETE FROM " + series + " WHERE id = $1 RETURNING id)\n" +
		"UPDATE " + marks + " SET last = last + 1 WHERE id = 1 AND EXISTS (SELECT FROM gone)"
}
