package sqlstoretest

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

// MigrationsBefore returns the migrations of fsys, a store's embedded
// ones, of the versions below version: those that make a database of the
// schema the migration of that version starts from.
func MigrationsBefore(t *testing.T, fsys fs.FS, version int) fstest.MapFS {
	t.Helper()
	entries, err := fs.ReadDir(fsys, ".")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(entries), version, "there is no migration of version %d", version)
	older := fstest.MapFS{}
	for _, entry := range entries[:version-1] {
		data, err := fs.ReadFile(fsys, entry.Name())
		require.NoError(t, err)
		older[entry.Name()] = &fstest.MapFile{Data: data}
	}
	return older
}
