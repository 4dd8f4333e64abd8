package sqlstoretest

import (
	"context"
	"errors"
	"testing"

	"github.com/seminarkit/seminar"
)

// CreateSeries stores a series of each name through cal, but those it holds
// already, so that cal writes events of those series: the Calendar refuses
// an event whose Series names no stored series. Each series' ID is the
// slug of its name.
func CreateSeries(tb testing.TB, cal *seminar.Calendar, names ...string) {
	tb.Helper()
	for _, name := range names {
		_, err := cal.CreateSeries(context.Background(), &seminar.Series{Name: name})
		if err != nil && !errors.Is(err, seminar.ErrExists) {
			tb.Fatalf("create the series %q: %v", name, err)
		}
	}
}
