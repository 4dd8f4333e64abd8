package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/internal/deploytest"
	"github.com/seminarkit/seminar/store/storetest"
)

func TestFileStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) seminar.Store {
		s, err := NewFileStore(t.TempDir())
		require.NoError(t, err)
		return s
	})
}

func TestFileStore_deployments(t *testing.T) {
	deploytest.Run(t, func(t *testing.T) (seminar.Store, seminar.Store) {
		s, err := NewFileStore(t.TempDir())
		require.NoError(t, err)
		return s, s
	})
}

func BenchmarkFileStore(b *testing.B) {
	storetest.RunBenchmarks(b, func(b *testing.B) seminar.Store {
		s, err := NewFileStore(b.TempDir())
		require.NoError(b, err)
		return s
	})
}

// TestFileStore_reopen checks what the example promises: events outlive the
// store value that wrote them.
func TestFileStore_reopen(t *testing.T) {
	dir := t.TempDir()
	var first, second bytes.Buffer
	require.NoError(t, run(t.Context(), &first, dir))
	require.NoError(t, run(t.Context(), &second, dir))

	assert.Contains(t, first.String(), "Events happening in June 2017 (1):")
	assert.Contains(t, second.String(), "Events happening in June 2017 (2):")
	assert.Equal(t, 2, strings.Count(second.String(), "Mon Jun 12 4:00 PM EDT  A picture of the energy landscape"),
		"the second run must list the talk of the first run and its own")
}

func TestRun_tempDir(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), &out, ""))
	assert.Contains(t, out.String(), "No -dir given, so the events go to a new temporary directory: ")
	assert.Contains(t, out.String(), `Created "A picture of the energy landscape of deep neural networks"`)
}
