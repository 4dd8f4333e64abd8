package seminar_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
	"github.com/seminarkit/seminar/mail"
	"github.com/seminarkit/seminar/store/memstore"
)

const (
	geometrySeries = "seminaire-de-geometrie"
	geometryName   = "Séminaire de géométrie"
)

// newGeometryCalendar returns a Calendar that previews reminders with the
// calendar part ical writes, and a talk of the Séminaire de géométrie in
// it: by the series' ID when the store keeps series, else by its name.
func newGeometryCalendar(t *testing.T, keepsSeries bool) (*seminar.Calendar, *seminar.Event) {
	t.Helper()
	ctx := context.Background()
	m := memstore.New()
	var store seminar.Store = storeWithoutSeries{m, m}
	if keepsSeries {
		store = m
	}
	cal, err := seminar.New(store, &seminar.Options{
		Domain: "csail.mit.edu", Now: (&clock{now: seedCreated}).Now, Composer: mail.Composer{},
		ICS: &ical.Attacher{}, From: "CSAIL Seminars <seminars@csail.mit.edu>",
	})
	require.NoError(t, err)
	talk := seedEvent(t)
	talk.Series = geometryName
	if keepsSeries {
		s, err := cal.CreateSeries(ctx, &seminar.Series{Name: geometryName})
		require.NoError(t, err)
		require.Equal(t, geometrySeries, s.ID, "the series' ID is the slug of its name")
		talk.Series = s.ID
	}
	talk, err = cal.Create(ctx, talk)
	require.NoError(t, err)
	return cal, talk
}

// A reminder names the talk's series as people read it, in every part:
// the text, the HTML, and the calendar's DESCRIPTION and CATEGORIES. The
// series' ID, a slug for URLs, appears in none.
func TestCalendar_PreviewReminder_seriesName(t *testing.T) {
	for _, tt := range []struct {
		name        string
		keepsSeries bool
	}{
		{"store that keeps series", true},
		{"store whose series are free text", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cal, talk := newGeometryCalendar(t, tt.keepsSeries)
			p, err := cal.PreviewReminder(context.Background(), talk.ID)
			require.NoError(t, err)
			msg := p.Message
			require.NotNil(t, msg.Calendar)
			ics := strings.ReplaceAll(string(msg.Calendar.Data), "\r\n ", "") // unfolded

			assert.Contains(t, msg.Text, "\nSeries: "+geometryName+"\n", "the text names the series")
			assert.Contains(t, msg.HTML, "Series: "+geometryName, "the HTML names the series")
			assert.Contains(t, contentLine(ics, "DESCRIPTION:")+`\n`, `\nSeries: `+geometryName+`\n`, "DESCRIPTION names the series")
			assert.Contains(t, ics, "\r\nCATEGORIES:"+geometryName+"\r\n", "the series' name is a category")
			for part, s := range map[string]string{"text": msg.Text, "HTML": msg.HTML, "calendar": ics, "raw message": string(p.Raw)} {
				assert.NotContains(t, s, geometrySeries, "the %s never shows the series' ID", part)
			}
		})
	}
}

// A Calendar's pages name the talk's series; WritePage, which has no
// Calendar to ask, leaves out the series it cannot name.
func TestCalendar_WritePage_seriesName(t *testing.T) {
	ctx := context.Background()
	for _, keepsSeries := range []bool{true, false} {
		cal, talk := newGeometryCalendar(t, keepsSeries)
		var page strings.Builder
		require.NoError(t, cal.WritePage(ctx, &page, talk, nil))
		assert.Contains(t, page.String(), "\nSeries: "+geometryName+"\n", "keeps series: %v", keepsSeries)
		assert.NotContains(t, page.String(), geometrySeries)

		view, err := cal.View(ctx, talk)
		require.NoError(t, err)
		assert.Equal(t, geometryName, view.SeriesName)
	}

	_, talk := newGeometryCalendar(t, true)
	var page strings.Builder
	require.NoError(t, seminar.WritePage(&page, talk, nil))
	assert.NotContains(t, page.String(), "Series:", "WritePage does not show the ID for a name")
}

// contentLine returns the unfolded iCalendar content line that starts
// with prefix, or "".
func contentLine(ics, prefix string) string {
	for line := range strings.SplitSeq(ics, "\r\n") {
		if strings.HasPrefix(line, prefix) {
			return line
		}
	}
	return ""
}
