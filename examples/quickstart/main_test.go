package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar/internal/mailcheck"
)

// adminWords are what only the editors of a talk need; an announcement
// never shows them.
var adminWords = []string{"Public", "None", "Reminder", "Created by", "Edit Event", "Send Reminder",
	"Event Type:", "Speaker URL", "Speaker Photo"}

func TestRun_printsTheSeedPageAndTheMonth(t *testing.T) {
	seed, err := os.ReadFile(filepath.Join("..", "..", "testdata", "seed-page.txt"))
	require.NoError(t, err)
	db := filepath.Join(t.TempDir(), "seminar.db")

	var first strings.Builder
	require.NoError(t, run(context.Background(), &first, db))
	page, rest, ok := strings.Cut(first.String(), "\n\nOther events happening in June 2017\n")
	require.True(t, ok, "the month listing follows the page:\n%s", first.String())
	month, raw, ok := strings.Cut(rest, "\nReminder to 2 lists, as it would be sent:\n\n")
	require.True(t, ok, "the reminder preview follows the month:\n%s", rest)
	assert.Equal(t, strings.TrimSuffix(string(seed), "\n"), page, "the talk page is the seed talk's page, as the library writes it")
	for _, w := range adminWords {
		assert.NotContains(t, page, w, "the page is an announcement: no admin field")
	}
	assert.Equal(t, []string{
		"- Monday, June 5, 11:00 AM: Learning to see by moving (Ana Ferreira)",
		"- Thursday, June 8, 2:30 PM: Sparse recovery in sublinear time (Wei Zhang)",
		"- Friday, June 16, 1:00 PM: Scene understanding from a single image (Léa Martin)",
		"- Thursday, June 22, 10:00 AM: Thesis defense: Verified storage systems (Sam Okafor)",
		"- Wednesday, June 28, 4:00 PM: Interfaces that explain themselves (Mira Kovač)",
	}, strings.Split(strings.TrimSpace(month), "\n"))

	msg, err := mailcheck.Parse([]byte(raw))
	require.NoError(t, err, "the preview is a message")
	assert.Equal(t, "TALK: A picture of the energy landscape of deep neural networks", msg.Subject)
	require.Len(t, msg.To, 2)
	assert.Equal(t, "seminars@csail.mit.edu", msg.To[0].Address)
	assert.Equal(t, "vision-meeting@csail.mit.edu", msg.To[1].Address)
	assert.Contains(t, msg.Header.Get("Content-Type"), "multipart/")
	text := msg.Part("text/plain")
	require.NotNil(t, text, "the reminder has a text part")
	body := strings.ReplaceAll(text.Body, "\r\n", "\n")
	assert.Equal(t, page+"\n", body, "the reminder's text is the page")
	for _, w := range append(adminWords, "seminars@csail.mit.edu", "vision-meeting@csail.mit.edu") {
		assert.NotContains(t, body, w, "the reminder is an announcement: no admin field")
	}
	for i, line := range strings.Split(body, "\n") {
		assert.LessOrEqual(t, len([]rune(line)), 72, "line %d of the reminder fits a mail reader: %q", i+1, line)
	}

	ics, err := os.ReadFile(filepath.Join(filepath.Dir(db), "csail-talk.ics"))
	require.NoError(t, err, "the talk is written as csail-talk.ics beside the database")
	assert.Contains(t, string(ics), "SUMMARY:A picture of the energy landscape of deep neural networks\r\n")
	assert.Contains(t, string(ics), "UID:2017-06-12-chaudhari@csail.mit.edu\r\n")
	assert.Contains(t, string(ics), "DTSTART;TZID=America/New_York:20170612T160000\r\n")

	var second strings.Builder
	require.NoError(t, run(context.Background(), &second, db), "a second run must not fail")
	assert.Equal(t, first.String(), second.String(), "a second run adds nothing: the same page and month")
}
