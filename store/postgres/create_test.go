package postgres_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/postgres"
)

func countEvents(t *testing.T, s *postgres.Store) int {
	t.Helper()
	all, err := s.List(t.Context(), seminar.ListQuery{Filter: seminar.Filter{IncludeCancelled: true}, Limit: 1 << 30})
	require.NoError(t, err)
	return len(all)
}

// TestCreate_BatchAllOrNothing checks the COPY path with batches large
// enough to be sent in several messages: a duplicate anywhere, even in the
// last row, must leave nothing stored.
func TestCreate_BatchAllOrNothing(t *testing.T) {
	s := newStore(t, newPool(t))
	const n = 3000
	stored := sampleEvent(n+1, time.Hour)
	require.NoError(t, s.Create(t.Context(), stored))

	for name, spoil := range map[string]func(batch []*seminar.Event){
		"an ID repeated in the last row": func(b []*seminar.Event) { b[n-1].ID = b[0].ID },
		"a UID repeated mid-batch":       func(b []*seminar.Event) { b[n/2].UID = b[n/3].UID },
		"a stored ID":                    func(b []*seminar.Event) { b[n-2].ID = stored.ID },
		"a stored UID":                   func(b []*seminar.Event) { b[7].UID = stored.UID },
	} {
		batch := sampleEvents(0, n, time.Hour)
		spoil(batch)
		err := s.Create(t.Context(), batch...)
		assert.ErrorIsf(t, err, seminar.ErrExists, "Create must return ErrExists for a batch with %s", name)
		assert.Equalf(t, 1, countEvents(t, s), "Create must store nothing of a batch with %s", name)
	}

	batch := sampleEvents(0, n, time.Hour)
	require.NoError(t, s.Create(t.Context(), batch...), "Create must store a batch of new events")
	assert.Equal(t, n+1, countEvents(t, s))
	for _, i := range []int{0, n / 2, n - 1} {
		got, err := s.Get(t.Context(), batch[i].ID)
		require.NoError(t, err)
		assertSameEvent(t, batch[i], got, "an event stored by COPY must come back as given")
	}
}

// TestCalendar_BulkPaths runs the Calendar's bulk paths, CreateMany and
// Import, which reach the store's batch Create.
func TestCalendar_BulkPaths(t *testing.T) {
	s := newStore(t, newPool(t))
	cal, err := seminar.New(s, nil)
	require.NoError(t, err)
	createSampleSeries(t, cal)

	created, err := cal.CreateMany(t.Context(), sampleEvents(0, 500, time.Hour))
	require.NoError(t, err)
	require.Len(t, created, 500)
	assert.Equal(t, 500, countEvents(t, s))

	imported := sampleEvents(1000, 300, time.Hour)
	res, err := cal.Import(t.Context(), imported)
	require.NoError(t, err)
	assert.Len(t, res.Created, 300, "Import must create every event of a new UID")
	res, err = cal.Import(t.Context(), sampleEvents(1000, 300, time.Hour))
	require.NoError(t, err)
	assert.Empty(t, res.Created, "Import must not create events again")
	assert.Len(t, res.Unchanged, 300, "Import must leave unchanged events alone")
	assert.Equal(t, 800, countEvents(t, s))

	// A batch whose last event's UID is taken is refused whole.
	again := sampleEvents(2000, 100, time.Hour)
	again[99].UID = imported[0].UID
	_, err = cal.CreateMany(t.Context(), again)
	assert.ErrorIs(t, err, seminar.ErrExists, "CreateMany must refuse a batch holding a taken UID")
	assert.Equal(t, 800, countEvents(t, s), "CreateMany must store nothing of a refused batch")
}
