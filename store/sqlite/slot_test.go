package sqlite_test

import (
	"database/sql"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/sqlite"
)

// TestStore_SlotColumn: a planned talk's Slot is stored in nanoseconds, and
// any other talk's zero Slot as NULL, so that a slot is never mistaken for
// a time.
func TestStore_SlotColumn(t *testing.T) {
	ctx := t.Context()
	s, _ := openFile(t)
	planned, plain := sampleEvent(1, time.Hour), sampleEvent(2, time.Hour)
	planned.Slot = planned.Start.Add(-26 * time.Hour)
	require.NoError(t, s.Create(ctx, planned, plain))

	slot := func(id string) sql.NullInt64 {
		var ns sql.NullInt64
		require.NoError(t, sqlite.DB(s).QueryRowContext(ctx, "SELECT slot_ns FROM events WHERE id = ?", id).Scan(&ns))
		return ns
	}
	assert.Equal(t, sql.NullInt64{Int64: planned.Slot.UnixNano(), Valid: true}, slot(planned.ID), "a slot must be stored in nanoseconds")
	assert.False(t, slot(plain.ID).Valid, "the zero Slot of a talk not planned must be stored as NULL")

	far := sampleEvent(3, time.Hour)
	far.Slot = time.Date(2300, time.January, 1, 0, 0, 0, 0, time.UTC)
	assert.ErrorIs(t, s.Create(ctx, far), seminar.ErrInvalid, "a slot past the years the store keeps must be refused, as any time is")
}
