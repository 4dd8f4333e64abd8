package ical_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
)

func TestAttacher_EncodeEvent(t *testing.T) {
	start := time.Date(2017, time.June, 12, 20, 0, 0, 0, time.UTC)
	e := &seminar.Event{
		ID: "abc", UID: "abc@csail.mit.edu", Title: "Energy landscapes", Start: start, End: start.Add(time.Hour),
		TimeZone: "America/New_York", Sequence: 2, Status: seminar.StatusCancelled,
	}
	a := &ical.Attacher{Options: ical.EncodeOptions{Method: "PUBLISH", Name: "CSAIL"}}
	for _, method := range []string{"PUBLISH", "CANCEL"} {
		var b strings.Builder
		require.NoError(t, a.EncodeEvent(&b, e, method))
		out := b.String()
		assert.Contains(t, out, "\r\nMETHOD:"+method+"\r\n", "the message's method is the calendar's")
		assert.Contains(t, out, "\r\nUID:abc@csail.mit.edu\r\n")
		assert.Contains(t, out, "\r\nSEQUENCE:2\r\n")
		assert.Contains(t, out, "\r\nSTATUS:CANCELLED\r\n")
	}
	assert.Equal(t, "PUBLISH", a.Options.Method, "EncodeEvent leaves the Attacher's options alone")
}
