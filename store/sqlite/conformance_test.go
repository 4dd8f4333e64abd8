package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/sqlite"
	"github.com/seminarkit/seminar/store/storetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStore_Conformance(t *testing.T) {
	for name, path := range map[string]func(t *testing.T) string{
		"file":   func(t *testing.T) string { return filepath.Join(t.TempDir(), "talks.db") },
		"memory": func(*testing.T) string { return sqlite.Memory },
	} {
		t.Run(name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T) seminar.Store {
				s, err := sqlite.Open(context.Background(), path(t), nil)
				require.NoError(t, err)
				t.Cleanup(func() { assert.NoError(t, s.Close()) })
				return s
			})
		})
	}
}

// BenchmarkStore runs the store benchmark suite on a file, as deployed.
func BenchmarkStore(b *testing.B) {
	storetest.RunBenchmarks(b, func(b *testing.B) seminar.Store {
		s, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "talks.db"), nil)
		require.NoError(b, err)
		b.Cleanup(func() { assert.NoError(b, s.Close()) })
		return s
	})
}
