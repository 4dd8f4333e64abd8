package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// TestFileStore_migratesFreeTextSeries opens a file written before series
// were kept, whose events carry their series as free text: each distinct
// name becomes a series, the events hold its ID, and nothing is lost.
func TestFileStore_migratesFreeTextSeries(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	created := time.Date(2017, time.June, 9, 14, 10, 0, 0, time.UTC)
	talk := func(id, series string, day int) *seminar.Event {
		start := time.Date(2017, time.June, day, 20, 0, 0, 0, time.UTC)
		return &seminar.Event{
			ID: id, UID: id + "@example.org", Title: "Talk " + id, Series: series,
			Start: start, End: start.Add(time.Hour), TimeZone: "America/New_York",
			Status: seminar.StatusScheduled, Version: 1,
			CreatedAt: created.AddDate(0, 0, day), UpdatedAt: created.AddDate(0, 0, day),
		}
	}
	old := []*seminar.Event{
		talk("a", "Vision Seminar", 12), talk("b", "Vision Seminar", 5), talk("c", "vision-seminar", 13),
		talk("d", "Théorie", 14), talk("e", "theorie", 15), talk("f", "", 16), talk("g", "深層学習", 17),
	}
	data, err := json.Marshal(map[string]any{"events": old, "mark": 7})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "calendar.json"), data, 0o644))

	s, err := NewFileStore(dir)
	require.NoError(t, err)
	series, err := s.ListSeries(ctx)
	require.NoError(t, err)
	got := map[string]string{}
	for _, x := range series {
		got[x.ID] = x.Name
		assert.Equal(t, int64(1), x.Version)
	}
	assert.Equal(t, map[string]string{
		"vision-seminar":   "vision-seminar",
		"vision-seminar-2": "Vision Seminar",
		"theorie":          "theorie",
		"theorie-2":        "Théorie",
		"series":           "深層学習",
	}, got, "each distinct name is a series; a name that is a slug keeps it, the others take the next free one")
	vision, err := s.GetSeries(ctx, "vision-seminar-2")
	require.NoError(t, err)
	assert.True(t, vision.CreatedAt.Equal(created.AddDate(0, 0, 5)), "a series is as old as its first talk")

	want := map[string]string{"a": "vision-seminar-2", "b": "vision-seminar-2", "c": "vision-seminar", "d": "theorie-2", "e": "theorie", "f": "", "g": "series"}
	for _, e := range old {
		stored, err := s.Get(ctx, e.ID)
		require.NoError(t, err, "no event is lost")
		assert.Equal(t, want[e.ID], stored.Series, "event %s points at its series' ID", e.ID)
		e.Series = stored.Series
		assert.Equal(t, e, stored, "nothing else of event %s changes", e.ID)
	}

	again, err := NewFileStore(dir)
	require.NoError(t, err)
	series, err = again.ListSeries(ctx)
	require.NoError(t, err)
	assert.Len(t, series, 5, "opening the migrated file again changes nothing")

	cal, err := seminar.New(again, &seminar.Options{TimeZone: "America/New_York"})
	require.NoError(t, err)
	a, err := cal.Get(ctx, "a")
	require.NoError(t, err)
	a.Title = "Edited"
	_, err = cal.Update(ctx, a)
	require.NoError(t, err, "a migrated event's series exists")
}
