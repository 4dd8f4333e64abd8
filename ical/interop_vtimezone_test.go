package ical_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar/ical"
)

// TestEncoder_InteropVTimezoneCut has every checker read calendars whose
// VTIMEZONE holds only the observances their talks need (cutCases: across
// a change of offset, in 2006 and 2017 either side of the US rule change,
// London in summer and winter, Kolkata without DST, Sydney's summer over
// the new year, Moscow's and Pyongyang's one-off changes, Morocco's
// irregular ones): each reads every talk at its instant, and
// python3-icalendar finds the VTIMEZONE's offsets right around every
// change from the first talk to the one after the last.
func TestEncoder_InteropVTimezoneCut(t *testing.T) {
	opts := &ical.EncodeOptions{Now: func() time.Time { return interopNow }, Organizer: interopOrganizer}
	for _, c := range cutCases {
		t.Run(c.name, func(t *testing.T) {
			events := c.events(t)
			var buf bytes.Buffer
			enc := ical.NewEncoder(&buf, opts)
			for _, e := range events {
				require.NoError(t, enc.Encode(e))
			}
			require.NoError(t, enc.Close())
			checkInterop(t, buf.Bytes(), "PUBLISH", events, opts, nil)
		})
	}
}
