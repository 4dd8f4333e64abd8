package sqlite_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStore_GetManyByUID_anyBytes checks that the batch reads find keys
// that are not UTF-8, which SQLite stores as they are and which JSON, the
// form in which the keys reach the query, could not carry as they are.
func TestStore_GetManyByUID_anyBytes(t *testing.T) {
	s, _ := openFile(t)
	e := sampleEvent(1, time.Hour)
	e.ID, e.UID = "odd\xff", "odd\xff@example.org\"]\\"
	other := sampleEvent(2, time.Hour)
	require.NoError(t, s.Create(t.Context(), e, other))
	got, err := s.GetManyByUID(t.Context(), []string{e.UID, "odd\ufffd@example.org\"]\\", other.UID})
	require.NoError(t, err)
	require.Len(t, got, 2)
	uids := []string{got[0].UID, got[1].UID}
	assert.ElementsMatch(t, []string{e.UID, other.UID}, uids)
	got, err = s.GetMany(t.Context(), []string{"odd\xff"})
	require.NoError(t, err)
	if assert.Len(t, got, 1) {
		assertSameEvent(t, e, got[0])
	}
}
