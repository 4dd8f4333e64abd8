package seminar_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/memstore"
)

// Calendar.Changed returns the events written after a mark as Get returns
// them, and nothing for a delete, whose mark it counts.
func TestCalendar_Changed(t *testing.T) {
	ctx := context.Background()
	cal, _ := newCalendar(t)
	_, start, err := cal.Changed(ctx, math.MaxInt64, 1)
	require.NoError(t, err)
	assert.Zero(t, start, "no write yet")

	seed, err := cal.Create(ctx, seedEvent(t))
	require.NoError(t, err)
	gone, err := cal.Create(ctx, seedEvent(t))
	require.NoError(t, err)
	require.NoError(t, cal.Delete(ctx, gone.ID))

	events, mark, err := cal.Changed(ctx, start, 10)
	require.NoError(t, err)
	require.Len(t, events, 1, "the deleted talk is not returned")
	got, err := cal.Get(ctx, seed.ID)
	require.NoError(t, err)
	assert.Equal(t, got, events[0], "presented as Get presents it")
	assert.Equal(t, got.Start.Location(), events[0].Start.Location(), "in the talk's zone")

	none, last, err := cal.Changed(ctx, mark, 10)
	require.NoError(t, err)
	assert.Empty(t, none)
	assert.Equal(t, mark+2, last, "the other talk's create and its delete took a mark each")

	_, _, err = cal.Changed(ctx, 0, 0)
	assert.ErrorIs(t, err, seminar.ErrInvalid, "limit must be positive")
	plain, err := seminar.New(storeWithoutOutbox{memstore.New()}, nil)
	require.NoError(t, err)
	_, _, err = plain.Changed(ctx, 0, 10)
	assert.True(t, errors.Is(err, errors.ErrUnsupported), "a Store without an Outbox has no marks: %v", err)
}
