package sqlstoretest

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

// tracker is what CheckSeriesWritesChangeToken writes and reads with.
type tracker interface {
	seminar.Outbox
	seminar.ChangeTracker
}

// CheckSeriesWritesChangeToken checks that each committed series write,
// CreateSeries, UpdateSeries or DeleteSeries, changes the ChangeToken of s
// (the pages and feeds of a series' talks show its name), and that a
// refused or undone one leaves it.
func CheckSeriesWritesChangeToken(t *testing.T, s tracker) {
	t.Helper()
	ctx := t.Context()
	token := func() string {
		t.Helper()
		tok, err := s.ChangeToken(ctx)
		require.NoError(t, err)
		return tok
	}
	write := func(fn func(st seminar.SeriesTx) error) error {
		return s.Atomic(ctx, func(tx seminar.Tx) error { return fn(tx.(seminar.SeriesTx)) })
	}
	series := &seminar.Series{ID: "vision", Name: "Vision", Version: 1}
	renamed := &seminar.Series{ID: "vision", Name: "Vision Seminar", Version: 2}
	seen := map[string]string{"before": token()}
	for _, w := range []struct {
		name string
		fn   func(st seminar.SeriesTx) error
	}{
		{"CreateSeries", func(st seminar.SeriesTx) error { return st.CreateSeries(ctx, series) }},
		{"UpdateSeries", func(st seminar.SeriesTx) error { return st.UpdateSeries(ctx, renamed, 1) }},
		{"DeleteSeries", func(st seminar.SeriesTx) error { return st.DeleteSeries(ctx, "vision") }},
	} {
		require.NoError(t, write(w.fn), w.name)
		tok := token()
		for earlier, old := range seen {
			assert.NotEqualf(t, old, tok, "the token after %s must differ from the one after %s", w.name, earlier)
		}
		seen[w.name] = tok
	}

	tok := token()
	assert.ErrorIs(t, write(func(st seminar.SeriesTx) error { return st.DeleteSeries(ctx, "vision") }), seminar.ErrNotFound)
	assert.ErrorIs(t, write(func(st seminar.SeriesTx) error { return st.UpdateSeries(ctx, renamed, 1) }), seminar.ErrNotFound)
	undone := errors.New("undone")
	assert.ErrorIs(t, write(func(st seminar.SeriesTx) error {
		if err := st.CreateSeries(ctx, series); err != nil {
			return err
		}
		return undone
	}), undone)
	assert.Equal(t, tok, token(), "a refused or undone series write must not change the token")
}
