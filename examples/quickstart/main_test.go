package main

import (
	"context"
	netmail "net/mail"
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
	page, rest, ok := strings.Cut(first.String(), "\n\nOther events happening in June 2017\n")
	require.True(t, ok, "the month listing follows the page:\n%s", first.String())
	month, raw, ok := strings.Cut(rest, "\nReminder to 2 lists, as it would be sent:\n\n")
	require.True(t, ok, "the reminder preview follows the month:\n%s", rest)
	assert.Equal(t, string(seed), page, "the talk page is printed exactly in the seed's layout")
	assert.Equal(t, []string{
		"- Monday, June 5, 11:00 AM: Learning to see by moving (Ana Ferreira)",
		"- Thursday, June 8, 2:30 PM: Sparse recovery in sublinear time (Wei Zhang)",
		"- Friday, June 16, 1:00 PM: Scene understanding from a single image (Léa Martin)",
		"- Thursday, June 22, 10:00 AM: Thesis defense: Verified storage systems (Sam Okafor)",
		"- Wednesday, June 28, 4:00 PM: Interfaces that explain themselves (Mira Kovač)",
	}, strings.Split(strings.TrimSpace(month), "\n"))

	msg, err := netmail.ReadMessage(strings.NewReader(raw))
	require.NoError(t, err, "the preview is a message")
	assert.Equal(t, "TALK: A picture of the energy landscape of deep neural networks", msg.Header.Get("Subject"))
	to, err := msg.Header.AddressList("To")
	require.NoError(t, err)
	require.Len(t, to, 2)
	assert.Equal(t, "seminars@csail.mit.edu", to[0].Address)
	assert.Equal(t, "vision-meeting@csail.mit.edu", to[1].Address)
	assert.Contains(t, msg.Header.Get("Content-Type"), "multipart/")

	ics, err := os.ReadFile(filepath.Join(filepath.Dir(db), "csail-talk.ics"))
	require.NoError(t, err, "the talk is written as csail-talk.ics beside the database")
	assert.Contains(t, string(ics), "SUMMARY:A picture of the energy landscape of deep neural networks\r\n")
	assert.Contains(t, string(ics), "UID:2017-06-12-chaudhari@csail.mit.edu\r\n")
	assert.Contains(t, string(ics), "DTSTART;TZID=America/New_York:20170612T160000\r\n")

	var second strings.Builder
	require.NoError(t, run(context.Background(), &second, db), "a second run must not fail")
	assert.Equal(t, first.String(), second.String(), "a second run adds nothing: the same page and month")
}
