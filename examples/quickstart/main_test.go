package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun_printsTheSeedPageAndTheMonth(t *testing.T) {
	seed, err := os.ReadFile(filepath.Join("..", "..", "testdata", "csail-event.txt"))
	require.NoError(t, err)
	db := filepath.Join(t.TempDir(), "seminar.db")

	var first strings.Builder
	require.NoError(t, run(context.Background(), &first, db))
	page, month, ok := strings.Cut(first.String(), "\n\nOther events happening in June 2017\n")
	require.True(t, ok, "the month listing follows the page:\n%s", first.String())
	assert.Equal(t, string(seed), page, "the talk page is printed exactly in the seed's layout")
	assert.Equal(t, []string{
		"- Monday, June 5, 11:00 AM: Learning to see by moving (Ana Ferreira)",
		"- Thursday, June 8, 2:30 PM: Sparse recovery in sublinear time (Wei Zhang)",
		"- Friday, June 16, 1:00 PM: Scene understanding from a single image (Léa Martin)",
		"- Thursday, June 22, 10:00 AM: Thesis defense: Verified storage systems (Sam Okafor)",
		"- Wednesday, June 28, 4:00 PM: Interfaces that explain themselves (Mira Kovač)",
	}, strings.Split(strings.TrimSpace(month), "\n"))

	var second strings.Builder
	require.NoError(t, run(context.Background(), &second, db), "a second run must not fail")
	assert.Equal(t, first.String(), second.String(), "a second run adds nothing: the same page and month")
}
