package feed_test

import (
	"context"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/feed"
	"github.com/seminarkit/seminar/store/memstore"
)

func TestHandler_seriesNameAndDescription(t *testing.T) {
	f := newFixture(t, &feed.Options{Description: "Talks at the lab"})
	tests := []struct {
		path, wantName, wantDescription string
	}{
		{feed.Series(visionSeries).Path(), visionSeriesName, visionDescription},
		{feed.Series(theorySeries).Path(), theorySeriesName, "Talks at the lab"},
		{f.privatePath(feed.Series(visionSeries)), visionSeriesName, visionDescription},
	}
	for _, tt := range tests {
		t.Run(tt.wantName, func(t *testing.T) {
			resp := f.get(tt.path)
			require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
			p := parse(t, resp.body)
			assert.Equal(t, tt.wantName, p.calendarProperty("NAME"), "the series' name, not its ID")
			assert.Equal(t, tt.wantName, p.calendarProperty("X-WR-CALNAME"))
			assert.Equal(t, tt.wantDescription, p.calendarProperty("X-WR-CALDESC"),
				"the series' description, or Options.Description when it has none")
			assert.Equal(t, tt.wantDescription, p.calendarProperty("DESCRIPTION"))
		})
	}
}

// A subscriber's calendar shows the new name of a renamed series at its
// next poll: the rename moves the change token, and with it the ETag.
func TestHandler_seriesRenamed(t *testing.T) {
	f := newFixture(t, nil)
	path := feed.Series(visionSeries).Path()
	first := f.get(path)
	require.Equal(t, http.StatusOK, first.status)
	require.Equal(t, http.StatusNotModified, f.get(path, "If-None-Match: "+first.header.Get("ETag")).status)

	f.clock.Add(10 * time.Second) // within MaxAge: only the change token can tell
	s, err := f.cal.GetSeries(context.Background(), visionSeries)
	require.NoError(t, err)
	s.Name = "Vision and Graphics Seminar"
	_, err = f.cal.UpdateSeries(context.Background(), s)
	require.NoError(t, err)

	resp := f.get(path, "If-None-Match: "+first.header.Get("ETag"))
	require.Equal(t, http.StatusOK, resp.status, "the rename changes the feed's ETag")
	assert.NotEqual(t, first.header.Get("ETag"), resp.header.Get("ETag"))
	p := parse(t, resp.body)
	assert.Equal(t, "Vision and Graphics Seminar", p.calendarProperty("X-WR-CALNAME"))
	assert.Equal(t, []string{visionTalk, cancelledTalk}, p.titles(), "the talks stay")
	renamedAt := feedNow.Add(10 * time.Second).Format(http.TimeFormat)
	assert.Equal(t, renamedAt, resp.header.Get("Last-Modified"))

	fresh, err := feed.NewHandler(f.cal, &feed.Options{Now: f.clock.Now})
	require.NoError(t, err)
	rec := serve(fresh, http.MethodGet, path)
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, renamedAt, rec.Header().Get("Last-Modified"),
		"a handler that knows no earlier body dates it at the rename, newer than every talk")
}

// A feed subscribed to by the series' name, as its path read before series
// had IDs, redirects to the feed of its ID, under any prefix.
func TestHandler_seriesByName(t *testing.T) {
	f := newFixture(t, nil)
	mux := http.NewServeMux()
	mux.Handle("/feeds/", http.StripPrefix("/feeds", f.h))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	t.Run("public", func(t *testing.T) {
		resp, err := noFollow.Get(srv.URL + "/feeds/series/Vision%20Seminar.ics?from=2024-02-01")
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusMovedPermanently, resp.StatusCode)
		assert.Equal(t, "./vision-seminar.ics?from=2024-02-01", resp.Header.Get("Location"), "relative, so any prefix holds")

		resp, err = http.Get(srv.URL + "/feeds/series/Vision%20Seminar.ics")
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "/feeds/series/vision-seminar.ics", resp.Request.URL.Path)
	})
	t.Run("private", func(t *testing.T) {
		byName := f.privatePath(feed.Series(visionSeriesName))
		resp, err := http.Get(srv.URL + "/feeds" + byName)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "/feeds"+f.privatePath(feed.Series(visionSeries)), resp.Request.URL.Path,
			"the link of the series' ID, with its own token")
		assert.Equal(t, "private, max-age=3600", resp.Header.Get("Cache-Control"))
	})
	t.Run("a wrong token opens nothing", func(t *testing.T) {
		byName := f.privatePath(feed.Series(theorySeriesName))
		wrong := strings.Replace(byName, "Theory%2FAlgorithms", "Vision%20Seminar", 1)
		resp, err := noFollow.Get(srv.URL + "/feeds" + wrong)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		assert.Empty(t, resp.Header.Get("Location"))
	})
}

// A planned slot still to be announced is in the feeds as such: a title
// after its series, tentative, and no speaker.
func TestHandler_toBeAnnounced(t *testing.T) {
	f := newFixture(t, &feed.Options{Participants: true})
	ctx := context.Background()
	first, err := seminar.WallTime(2024, time.March, 4, 16, 0, "America/New_York")
	require.NoError(t, err)
	planned, err := f.cal.PlanSeries(ctx, visionSeries, seminar.Plan{Start: first, Rule: "FREQ=WEEKLY;COUNT=3"})
	require.NoError(t, err)
	require.Len(t, planned.Slots, 3)
	const tba = visionSeriesName + ": to be announced"

	seriesFeed := parse(t, f.get(feed.Series(visionSeries).Path()).body)
	assert.Equal(t, []string{visionTalk, tba, cancelledTalk, tba, tba}, seriesFeed.titles())
	for _, slot := range planned.Slots {
		e := seriesFeed.uid(slot.UID)
		require.NotNil(t, e, "slot %s", slot.Start)
		assert.Equal(t, "TENTATIVE", e.GetProperty(ics.ComponentPropertyStatus).Value)
		assert.True(t, strings.HasPrefix(e.GetProperty(ics.ComponentPropertyDescription).Value, "Speaker: to be announced"))
		for _, p := range e.Properties {
			assert.NotEqual(t, "X-SEMINAR-SPEAKER", p.IANAToken, "no speaker")
		}
		assert.Empty(t, e.Components, "no PARTICIPANT")
	}
	assert.Equal(t, "CONFIRMED", seriesFeed.event(visionTalk).GetProperty(ics.ComponentPropertyStatus).Value)

	assert.Equal(t, []string{visionTalk, tba, theoryTalk, cancelledTalk, tba, tba},
		parse(t, f.get("/calendar.ics").body).titles(), "the calendar feed names each slot's series too")
	eventFeed := parse(t, f.get(feed.Event(planned.Slots[0].ID).Path()).body)
	assert.Equal(t, tba, eventFeed.calendarProperty("X-WR-CALNAME"))

	stored, err := f.cal.Get(ctx, planned.Slots[0].ID)
	require.NoError(t, err)
	assert.Empty(t, stored.Title, "the feed titles its copy, not the stored slot")

	t.Run("renamed", func(t *testing.T) {
		s, err := f.cal.GetSeries(ctx, visionSeries)
		require.NoError(t, err)
		s.Name = "Vision and Graphics Seminar"
		_, err = f.cal.UpdateSeries(ctx, s)
		require.NoError(t, err)
		assert.Contains(t, parse(t, f.get("/calendar.ics").body).titles(), "Vision and Graphics Seminar: to be announced")
	})
	t.Run("filled in", func(t *testing.T) {
		slot, err := f.cal.Get(ctx, planned.Slots[1].ID)
		require.NoError(t, err)
		slot.Title = "Seeing through walls"
		slot.Speakers = []seminar.Person{{Name: "Ana Ferreira"}}
		_, err = f.cal.Update(ctx, slot)
		require.NoError(t, err)
		e := parse(t, f.get(feed.Series(visionSeries).Path()).body).uid(slot.UID)
		require.NotNil(t, e)
		assert.Equal(t, "Seeing through walls", e.GetProperty(ics.ComponentPropertySummary).Value)
		assert.Equal(t, "CONFIRMED", e.GetProperty(ics.ComponentPropertyStatus).Value)
	})
}

// storeWithoutSeries hides memstore's series (and change token), as a
// Store written before series were.
type storeWithoutSeries struct {
	seminar.Store
	seminar.Outbox
}

// With a Store that keeps no series, an event's Series is free text and a
// series feed holds the events that name it, as before series had IDs.
func TestHandler_storeWithoutSeries(t *testing.T) {
	m := memstore.New()
	cal, err := seminar.New(storeWithoutSeries{m, m}, &seminar.Options{Domain: "example.edu", Now: func() time.Time { return feedNow }})
	require.NoError(t, err)
	start := feedNow.Add(2 * day)
	_, err = cal.Create(context.Background(), &seminar.Event{
		Title: theoryTalk, Series: theorySeriesName, Speakers: []seminar.Person{{Name: "Ana Ferreira"}},
		Start: start, End: start.Add(time.Hour), TimeZone: "America/New_York", Public: true,
	})
	require.NoError(t, err)
	h, err := feed.NewHandler(cal, &feed.Options{Now: func() time.Time { return feedNow }})
	require.NoError(t, err)

	tests := []struct {
		name, path, wantName, wantFile string
		want                           []string
	}{
		{"escaped slash", "/series/Theory%2FAlgorithms.ics", theorySeriesName, "Theory_Algorithms.ics", []string{theoryTalk}},
		{"path from Feed.Path", feed.Series(theorySeriesName).Path(), theorySeriesName, "Theory_Algorithms.ics", []string{theoryTalk}},
		{"series nobody gives", "/series/Nothing.ics", "Nothing", "Nothing.ics", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := serve(h, http.MethodGet, tt.path)
			require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
			_, params, err := mime.ParseMediaType(rec.Header().Get("Content-Disposition"))
			require.NoError(t, err)
			assert.Equal(t, tt.wantFile, params["filename"])
			p := parse(t, rec.Body.Bytes())
			assert.Equal(t, tt.wantName, p.calendarProperty("X-WR-CALNAME"))
			assert.Equal(t, tt.want, p.titles())
		})
	}
}

// A talk's DESCRIPTION and CATEGORIES name its series as people read it,
// by its name: the ID is a slug for URLs, and a subscriber filters by the
// name. Every feed a talk is in says the same.
func TestHandler_seriesNamesOfTalks(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		feed       feed.Feed
		title      string
		id, wantIn string
	}{
		{feed.Calendar(), visionTalk, visionSeries, visionSeriesName},
		{feed.Calendar(), theoryTalk, theorySeries, theorySeriesName},
		{feed.Series(visionSeries), visionTalk, visionSeries, visionSeriesName},
		{feed.Event(f.events[theoryTalk].ID), theoryTalk, theorySeries, theorySeriesName},
	}
	for _, tt := range tests {
		t.Run(tt.feed.Path()+" "+tt.title, func(t *testing.T) {
			resp := f.get(tt.feed.Path())
			require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
			e := parse(t, resp.body).event(tt.title)
			require.NotNil(t, e, "the talk is in the feed")
			desc := e.GetProperty(ics.ComponentPropertyDescription)
			require.NotNil(t, desc)
			assert.Contains(t, desc.Value, "Series: "+tt.wantIn, "DESCRIPTION names the series")
			assert.NotContains(t, desc.Value, tt.id, "DESCRIPTION never shows the series' ID")
			var categories []string
			for _, p := range e.Properties {
				if p.IANAToken == string(ics.ComponentPropertyCategories) {
					categories = append(categories, p.Value)
				}
			}
			assert.Contains(t, categories, tt.wantIn, "the series' name is a category")
			assert.NotContains(t, categories, tt.id, "the series' ID is not a category")
		})
	}
}
