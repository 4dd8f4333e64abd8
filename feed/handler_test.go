package feed_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
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

func TestHandler_routes(t *testing.T) {
	f := newFixture(t, nil)
	vision := f.events[visionTalk]
	tests := []struct {
		name, path  string
		wantTitles  []string
		wantCalName string
		wantFile    string
	}{
		{"whole calendar", "/calendar.ics", []string{visionTalk, theoryTalk, cancelledTalk}, "Seminars", "calendar.ics"},
		{"series", "/series/vision-seminar.ics", []string{visionTalk, cancelledTalk}, visionSeriesName, "vision-seminar.ics"},
		{"another series", "/series/theory-algorithms.ics", []string{theoryTalk}, theorySeriesName, "theory-algorithms.ics"},
		{"series path from Feed.Path", feed.Series(theorySeries).Path(), []string{theoryTalk}, theorySeriesName, "theory-algorithms.ics"},
		{"series with no talks", "/series/" + emptySeries + ".ics", []string{}, emptySeriesName, emptySeries + ".ics"},
		{"one event", "/events/" + vision.ID + ".ics", []string{visionTalk}, visionTalk, vision.ID + ".ics"},
		{"event path from Feed.Path", feed.Event(vision.ID).Path(), []string{visionTalk}, visionTalk, vision.ID + ".ics"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.get(tt.path)
			require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
			assert.Equal(t, "text/calendar; charset=utf-8", resp.header.Get("Content-Type"))
			assert.Equal(t, "public, max-age=3600", resp.header.Get("Cache-Control"))
			assert.Equal(t, "Accept-Encoding", resp.header.Get("Vary"))
			assert.Empty(t, resp.header.Get("Content-Encoding"), "no gzip unless asked for")
			assert.Empty(t, resp.header.Get("Feed-Truncated"))
			disposition, params, err := mime.ParseMediaType(resp.header.Get("Content-Disposition"))
			require.NoError(t, err)
			assert.Equal(t, "inline", disposition)
			assert.Equal(t, tt.wantFile, params["filename"])

			p := parse(t, resp.body)
			assert.Equal(t, tt.wantTitles, p.titles())
			assert.Equal(t, tt.wantCalName, p.calendarProperty("X-WR-CALNAME"))
			assert.Equal(t, "PUBLISH", p.calendarProperty("METHOD"))
			assert.Equal(t, "PT1H", p.calendarProperty("REFRESH-INTERVAL"), "the default refresh interval, as Cache-Control says")
			assert.Equal(t, "PT1H", p.calendarProperty("X-PUBLISHED-TTL"))
		})
	}
}

func TestHandler_nameAndRefreshInterval(t *testing.T) {
	f := newFixture(t, &feed.Options{Name: "CSAIL Seminars", Description: "Talks at the lab", RefreshInterval: 15 * time.Minute})
	resp := f.get("/calendar.ics")
	require.Equal(t, http.StatusOK, resp.status)
	assert.Equal(t, "public, max-age=900", resp.header.Get("Cache-Control"))
	p := parse(t, resp.body)
	assert.Equal(t, "CSAIL Seminars", p.calendarProperty("X-WR-CALNAME"))
	assert.Equal(t, "Talks at the lab", p.calendarProperty("X-WR-CALDESC"))
	assert.Equal(t, "PT15M", p.calendarProperty("REFRESH-INTERVAL"))
	assert.Equal(t, "PT15M", p.calendarProperty("X-PUBLISHED-TTL"))
}

func TestHandler_notFound(t *testing.T) {
	f := newFixture(t, nil)
	for _, path := range []string{
		"/events/nosuchevent.ics",
		"/events/" + f.events[visionTalk].ID, // no .ics
		"/events/.ics",
		"/series/.ics",
		"/series/vision-seminar",
		"/series/nothing.ics",
		"/series/Nothing.ics",
		"/series/Vision-Seminar.ics",
		"/calendar.ical",
		"/",
		"/private/calendar.ics",
	} {
		t.Run(path, func(t *testing.T) {
			assert.Equal(t, http.StatusNotFound, f.get(path).status)
		})
	}
}

func TestHandler_publicFeedsHoldNoPrivateEvent(t *testing.T) {
	f := newFixture(t, nil)
	private := f.events[privateTalk]
	for _, path := range []string{"/calendar.ics", feed.Series(visionSeries).Path()} {
		t.Run(path, func(t *testing.T) {
			resp := f.get(path)
			require.Equal(t, http.StatusOK, resp.status)
			assert.NotContains(t, parse(t, resp.body).titles(), privateTalk)
			assert.NotContains(t, string(resp.body), private.UID)

			privateResp := f.get(f.privatePath(feedOf(path)))
			require.Equal(t, http.StatusOK, privateResp.status)
			assert.Contains(t, parse(t, privateResp.body).titles(), privateTalk, "the private feed holds it")
			assert.Equal(t, "private, max-age=3600", privateResp.header.Get("Cache-Control"))
		})
	}
	t.Run("its event feed", func(t *testing.T) {
		resp := f.get(feed.Event(private.ID).Path())
		assert.Equal(t, http.StatusNotFound, resp.status, "a private event is not there publicly")
		assert.NotContains(t, string(resp.body), privateTalk)
		assert.Equal(t, http.StatusOK, f.get(f.privatePath(feed.Event(private.ID))).status)
	})
}

// ignoresPublicOnly is a Store that lists private events even when asked
// for public ones only, as a custom store with a bug might.
type ignoresPublicOnly struct{ *memstore.Store }

func (s ignoresPublicOnly) List(ctx context.Context, q seminar.ListQuery) ([]*seminar.Event, error) {
	q.PublicOnly = false
	return s.Store.List(ctx, q)
}

// TestHandler_publicFeedsRecheckPublic checks that a public feed leaves out
// a private talk that its Store returns despite the PublicOnly filter.
func TestHandler_publicFeedsRecheckPublic(t *testing.T) {
	cal, err := seminar.New(ignoresPublicOnly{memstore.New()}, &seminar.Options{Domain: "example.edu", Now: func() time.Time { return feedNow }})
	require.NoError(t, err)
	_, err = cal.CreateSeries(context.Background(), &seminar.Series{Name: visionSeriesName})
	require.NoError(t, err)
	talk := func(title string, public bool) *seminar.Event {
		start := feedNow.Add(2 * day)
		e, err := cal.Create(context.Background(), &seminar.Event{
			Title: title, Series: visionSeries, Speakers: []seminar.Person{{Name: "Ana Ferreira"}},
			Start: start, End: start.Add(time.Hour), TimeZone: "America/New_York", Public: public,
		})
		require.NoError(t, err)
		return e
	}
	talk(visionTalk, true)
	private := talk(privateTalk, false)
	h, err := feed.NewHandler(cal, &feed.Options{Now: func() time.Time { return feedNow }, Secret: testSecret})
	require.NoError(t, err)

	for _, of := range []feed.Feed{feed.Calendar(), feed.Series(visionSeries)} {
		t.Run(of.Path(), func(t *testing.T) {
			rec := serve(h, http.MethodGet, of.Path())
			require.Equal(t, http.StatusOK, rec.Code)
			assert.Equal(t, []string{visionTalk}, parse(t, rec.Body.Bytes()).titles())
			assert.NotContains(t, rec.Body.String(), private.UID)

			privatePath, err := h.PrivatePath(of)
			require.NoError(t, err)
			rec = serve(h, http.MethodGet, privatePath)
			require.Equal(t, http.StatusOK, rec.Code)
			assert.Contains(t, parse(t, rec.Body.Bytes()).titles(), privateTalk, "the private feed holds it")
		})
	}
}

// feedOf maps the public paths the tests use back to their Feed.
func feedOf(path string) feed.Feed {
	if path == "/calendar.ics" {
		return feed.Calendar()
	}
	name, _ := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(path, "/series/"), ".ics"))
	return feed.Series(name)
}

func TestHandler_privateTokens(t *testing.T) {
	f := newFixture(t, nil)
	private := f.events[privateTalk]
	vision := f.events[visionTalk]
	calendarPath := f.privatePath(feed.Calendar())
	token := strings.Split(calendarPath, "/")[2]
	seriesPath := f.privatePath(feed.Series(visionSeries))
	seriesToken := strings.Split(seriesPath, "/")[2]
	eventToken := strings.Split(f.privatePath(feed.Event(vision.ID)), "/")[2]

	other, err := feed.NewHandler(f.cal, &feed.Options{Secret: []byte("another secret of 32 bytes......")})
	require.NoError(t, err)
	otherPath, err := other.PrivatePath(feed.Calendar())
	require.NoError(t, err)

	tests := []struct {
		name, path string
		want       int
	}{
		{"calendar with its token", calendarPath, http.StatusOK},
		{"series with its token", seriesPath, http.StatusOK},
		{"event with its token", "/private/" + eventToken + "/events/" + vision.ID + ".ics", http.StatusOK},
		{"wrong token", "/private/" + strings.Repeat("A", len(token)) + "/calendar.ics", http.StatusNotFound},
		{"token cut short", "/private/" + token[:len(token)-1] + "/calendar.ics", http.StatusNotFound},
		{"token not base64url", "/private/" + token[:len(token)-1] + "!/calendar.ics", http.StatusNotFound},
		{"empty token", "/private//calendar.ics", http.StatusNotFound},
		{"token of another secret", otherPath, http.StatusNotFound},
		{"series token on the calendar", "/private/" + seriesToken + "/calendar.ics", http.StatusNotFound},
		{"calendar token on a series", "/private/" + token + "/series/vision-seminar.ics", http.StatusNotFound},
		{"series token on another series", "/private/" + seriesToken + "/series/theory-algorithms.ics", http.StatusNotFound},
		{"event token on another event", "/private/" + eventToken + "/events/" + private.ID + ".ics", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.get(tt.path)
			assert.Equal(t, tt.want, resp.status, "%s", tt.path)
			if tt.want != http.StatusOK {
				assert.NotContains(t, string(resp.body), privateTalk)
			}
		})
	}
	assert.True(t, strings.HasPrefix(seriesPath, "/private/"+seriesToken+"/series/vision-seminar.ics"), seriesPath)
}

func TestHandler_privateFeedsOffWithoutSecret(t *testing.T) {
	f := newFixture(t, nil)
	open, err := feed.NewHandler(f.cal, &feed.Options{Now: f.clock.Now})
	require.NoError(t, err)
	_, err = open.PrivatePath(feed.Calendar())
	assert.ErrorContains(t, err, "feed: ")
	assert.ErrorContains(t, err, "Secret")

	// A token made with a secret opens nothing on a handler without one.
	path := f.privatePath(feed.Calendar())
	rec := serve(open, http.MethodGet, path)
	assert.Equal(t, http.StatusNotFound, rec.Code)
	assert.NotContains(t, rec.Body.String(), privateTalk)
}

func TestHandler_PrivatePath(t *testing.T) {
	f := newFixture(t, nil)
	_, err := f.h.PrivatePath(feed.Series(""))
	assert.ErrorContains(t, err, "feed: ", "a series feed needs a name")
	_, err = f.h.PrivatePath(feed.Event(""))
	assert.ErrorContains(t, err, "feed: ", "an event feed needs an ID")

	a := f.privatePath(feed.Series("a"))
	b := f.privatePath(feed.Event("a"))
	assert.NotEqual(t, strings.Split(a, "/")[2], strings.Split(b, "/")[2], "a series and an event of one name have different tokens")
	assert.Equal(t, a, f.privatePath(feed.Series("a")), "a token is stable")
}

func TestFeed_Path(t *testing.T) {
	tests := []struct {
		feed feed.Feed
		want string
	}{
		{feed.Calendar(), "/calendar.ics"},
		{feed.Series("vision-seminar"), "/series/vision-seminar.ics"},
		{feed.Series("Vision Seminar"), "/series/Vision%20Seminar.ics"},
		{feed.Series("AI/ML?#"), "/series/AI%2FML%3F%23.ics"},
		{feed.Series("Séminaire"), "/series/S%C3%A9minaire.ics"},
		{feed.Event("abc234"), "/events/abc234.ics"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.feed.Path())
		})
	}
}

func TestHandler_window(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		name, query string
		want        []string
	}{
		{"default: a month back, a year ahead", "", []string{visionTalk, theoryTalk, cancelledTalk}},
		{"from and to, to inclusive", "?from=2024-01-01&to=2024-03-03", []string{oldTalk, visionTalk}},
		{"a single day", "?from=2024-03-03&to=2024-03-03", []string{visionTalk}},
		{"from alone spans the default length", "?from=2023-12-01", []string{oldTalk, visionTalk, theoryTalk, cancelledTalk}},
		{"to alone spans the default length", "?to=2025-04-30", []string{farTalk}},
		{"empty values count as absent", "?from=&to=", []string{visionTalk, theoryTalk, cancelledTalk}},
		{"other parameters are ignored", "?nocache=12345", []string{visionTalk, theoryTalk, cancelledTalk}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.get("/calendar.ics" + tt.query)
			require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
			assert.Equal(t, tt.want, parse(t, resp.body).titles())
		})
	}
}

func TestHandler_badWindow(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		name, query, want string
	}{
		{"not a date", "?from=yesterday", `from "yesterday" is not a date such as 2017-06-01`},
		{"no such day", "?to=2024-02-30", `to "2024-02-30" is not a date such as 2017-06-01`},
		{"a time too", "?from=2024-03-01T10:00:00Z", `from "2024-03-01T10:00:00Z" is not a date such as 2017-06-01`},
		{"too early", "?from=1850-01-01&to=1850-02-01", "from 1850-01-01 is outside the years 1900 to 2199"},
		{"to before from", "?from=2024-03-01&to=2024-02-01", "to 2024-02-01 is before from 2024-03-01"},
		{"too wide", "?from=2020-01-01&to=2024-12-31", "from 2020-01-01 to 2024-12-31 spans 1827 days, more than the limit of 731 days"},
		{"given twice", "?from=2024-01-01&from=2024-02-01", "from is given 2 times; give it once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, path := range []string{"/calendar.ics", "/series/vision-seminar.ics"} {
				resp := f.get(path + tt.query)
				assert.Equal(t, http.StatusBadRequest, resp.status)
				assert.Contains(t, string(resp.body), "feed: "+tt.want)
			}
		})
	}
	t.Run("an event feed has no window", func(t *testing.T) {
		assert.Equal(t, http.StatusOK, f.get(feed.Event(f.events[oldTalk].ID).Path()+"?from=yesterday").status)
	})
}

func TestHandler_maxEvents(t *testing.T) {
	tests := []struct {
		max           int
		want          []string
		wantTruncated string
	}{
		{1, []string{visionTalk}, "1"},
		{2, []string{visionTalk, theoryTalk}, "2"},
		{3, []string{visionTalk, theoryTalk, cancelledTalk}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.wantTruncated, func(t *testing.T) {
			f := newFixture(t, &feed.Options{MaxEvents: tt.max})
			resp := f.get("/calendar.ics")
			require.Equal(t, http.StatusOK, resp.status)
			assert.Equal(t, tt.want, parse(t, resp.body).titles(), "the earliest events of the window are kept")
			assert.Equal(t, tt.wantTruncated, resp.header.Get("Feed-Truncated"))
		})
	}
}

func TestHandler_cancelled(t *testing.T) {
	t.Run("kept for the grace as STATUS:CANCELLED", func(t *testing.T) {
		f := newFixture(t, nil)
		p := parse(t, f.get("/calendar.ics").body)
		e := p.event(cancelledTalk)
		require.NotNil(t, e, "cancelled yesterday: within the 30-day grace")
		assert.Equal(t, "CANCELLED", e.GetProperty(ics.ComponentPropertyStatus).Value)
		assert.Equal(t, "CONFIRMED", p.event(visionTalk).GetProperty(ics.ComponentPropertyStatus).Value)
		assert.Nil(t, p.event(longCancelled), "cancelled 40 days ago: past the grace")
	})
	t.Run("dropped once the grace is over", func(t *testing.T) {
		f := newFixture(t, nil)
		f.clock.Add(30*day + time.Second)
		assert.NotContains(t, parse(t, f.get("/calendar.ics").body).titles(), cancelledTalk)
	})
	t.Run("a longer grace keeps older cancellations", func(t *testing.T) {
		f := newFixture(t, &feed.Options{CancelledGrace: 50 * day})
		assert.Contains(t, parse(t, f.get("/calendar.ics").body).titles(), longCancelled)
	})
	t.Run("a negative grace drops them at once", func(t *testing.T) {
		f := newFixture(t, &feed.Options{CancelledGrace: -1})
		assert.Equal(t, []string{visionTalk, theoryTalk}, parse(t, f.get("/calendar.ics").body).titles())
	})
	t.Run("prefix for clients that hide cancelled events", func(t *testing.T) {
		f := newFixture(t, &feed.Options{CancelledPrefix: true})
		titles := parse(t, f.get("/series/vision-seminar.ics").body).titles()
		assert.Equal(t, []string{visionTalk, "Cancelled: " + cancelledTalk}, titles)
	})
	t.Run("an event feed serves its event past the grace", func(t *testing.T) {
		f := newFixture(t, nil)
		resp := f.get(feed.Event(f.events[longCancelled].ID).Path())
		require.Equal(t, http.StatusOK, resp.status)
		e := parse(t, resp.body).event(longCancelled)
		require.NotNil(t, e)
		assert.Equal(t, "CANCELLED", e.GetProperty(ics.ComponentPropertyStatus).Value)
	})
}

func TestHandler_conditional(t *testing.T) {
	f := newFixture(t, nil)
	first := f.get("/calendar.ics")
	require.Equal(t, http.StatusOK, first.status)
	tag := first.header.Get("ETag")
	modified := first.header.Get("Last-Modified")
	require.True(t, strings.HasPrefix(tag, `"`) && strings.HasSuffix(tag, `"`), "a strong, quoted ETag: %s", tag)
	require.NotEmpty(t, modified)
	lastMod, err := http.ParseTime(modified)
	require.NoError(t, err)
	gz := f.get("/calendar.ics", "Accept-Encoding: gzip")
	gzTag := gz.header.Get("ETag")
	require.NotEqual(t, tag, gzTag, "the gzipped body has its own ETag")

	before := lastMod.Add(-time.Second).Format(http.TimeFormat)
	tests := []struct {
		name   string
		header []string
		want   int
	}{
		{"If-None-Match its ETag", []string{"If-None-Match: " + tag}, http.StatusNotModified},
		{"If-None-Match in a list", []string{`If-None-Match: "old", ` + tag + `, "older"`}, http.StatusNotModified},
		{"If-None-Match weak", []string{"If-None-Match: W/" + tag}, http.StatusNotModified},
		{"If-None-Match star", []string{"If-None-Match: *"}, http.StatusNotModified},
		{"If-None-Match after a tag holding a comma", []string{`If-None-Match: "a, b", ` + tag}, http.StatusNotModified},
		{"If-None-Match on a second header line", []string{`If-None-Match: "old"`, "If-None-Match: " + tag}, http.StatusNotModified},
		{"If-None-Match another", []string{`If-None-Match: "old"`}, http.StatusOK},
		{"If-None-Match unquoted", []string{"If-None-Match: " + strings.Trim(tag, `"`)}, http.StatusOK},
		{"If-None-Match malformed before the tag", []string{"If-None-Match: junk, " + tag}, http.StatusOK},
		{"If-Modified-Since not a date", []string{"If-Modified-Since: yesterday"}, http.StatusOK},
		{"If-None-Match the gzip ETag on a plain request", []string{"If-None-Match: " + gzTag}, http.StatusOK},
		{"If-None-Match the gzip ETag on a gzip request", []string{"If-None-Match: " + gzTag, "Accept-Encoding: gzip"}, http.StatusNotModified},
		{"If-None-Match the plain ETag on a gzip request", []string{"If-None-Match: " + tag, "Accept-Encoding: gzip"}, http.StatusOK},
		{"If-Modified-Since Last-Modified", []string{"If-Modified-Since: " + modified}, http.StatusNotModified},
		{"If-Modified-Since later", []string{"If-Modified-Since: " + lastMod.Add(time.Hour).Format(http.TimeFormat)}, http.StatusNotModified},
		{"If-Modified-Since earlier", []string{"If-Modified-Since: " + before}, http.StatusOK},
		{"If-None-Match takes precedence (no match)", []string{`If-None-Match: "old"`, "If-Modified-Since: " + modified}, http.StatusOK},
		{"If-None-Match takes precedence (match)", []string{"If-None-Match: " + tag, "If-Modified-Since: " + before}, http.StatusNotModified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.get("/calendar.ics", tt.header...)
			require.Equal(t, tt.want, resp.status)
			if tt.want == http.StatusNotModified {
				assert.Empty(t, resp.body)
				assert.NotEmpty(t, resp.header.Get("ETag"), "a 304 carries the ETag")
				assert.Equal(t, "public, max-age=3600", resp.header.Get("Cache-Control"))
				assert.Equal(t, "Accept-Encoding", resp.header.Get("Vary"))
			} else {
				assert.NotEmpty(t, resp.body)
			}
		})
	}
}

func TestHandler_head(t *testing.T) {
	f := newFixture(t, nil)
	for _, enc := range []string{"identity", "gzip"} {
		t.Run(enc, func(t *testing.T) {
			get := f.get("/calendar.ics", "Accept-Encoding: "+enc)
			head := f.do(http.MethodHead, "/calendar.ics", "Accept-Encoding: "+enc)
			require.Equal(t, http.StatusOK, head.status)
			assert.Empty(t, head.body)
			for _, name := range []string{"Content-Type", "Content-Length", "Content-Encoding", "ETag", "Last-Modified", "Cache-Control", "Content-Disposition"} {
				assert.Equal(t, get.header.Get(name), head.header.Get(name), name)
			}
			assert.Equal(t, get.header.Get("Content-Length"), strconv.Itoa(len(get.body)))
		})
	}
}

func TestHandler_gzip(t *testing.T) {
	f := newFixture(t, nil)
	plain := f.get("/calendar.ics")
	require.Equal(t, http.StatusOK, plain.status)
	tests := []struct {
		accept   string
		wantGzip bool
	}{
		{"gzip", true},
		{"GZip", true},
		{"x-gzip", true},
		{"deflate, gzip;q=0.5", true},
		{"*", true},
		{"*;q=0.1", true},
		{"gzip;q=0", false},
		{"gzip; q=0.000", false},
		{"gzip;q=0, *", false},
		{"*;q=0", false},
		{"identity", false},
		{"br", false},
		{"gzip;q=nonsense", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			resp := f.get("/calendar.ics", "Accept-Encoding: "+tt.accept)
			require.Equal(t, http.StatusOK, resp.status)
			assert.Equal(t, "Accept-Encoding", resp.header.Get("Vary"))
			if !tt.wantGzip {
				assert.Empty(t, resp.header.Get("Content-Encoding"))
				assert.Equal(t, plain.body, resp.body)
				return
			}
			assert.Equal(t, "gzip", resp.header.Get("Content-Encoding"))
			assert.Less(t, len(resp.body), len(plain.body))
			zr, err := gzip.NewReader(bytes.NewReader(resp.body))
			require.NoError(t, err)
			inflated, err := io.ReadAll(zr)
			require.NoError(t, err)
			assert.Equal(t, plain.body, inflated, "the gzipped body is the plain body")
		})
	}
}

// addingWriter adds a value to some headers when the response is written,
// as a middleware might.
type addingWriter struct {
	http.ResponseWriter
	value string
}

func (w addingWriter) WriteHeader(status int) {
	for _, name := range []string{"Vary", "Etag", "Cache-Control", "Content-Type", "Last-Modified"} {
		w.Header().Add(name, w.value)
	}
	w.ResponseWriter.WriteHeader(status)
}

// The handler shares header values between the responses of a body; what
// one response's middleware adds to its header shows in no other.
func TestHandler_headerValuesAreNotShared(t *testing.T) {
	f := newFixture(t, nil)
	first := serve(f.h, http.MethodGet, "/calendar.ics")
	require.Equal(t, http.StatusOK, first.Code)
	var added []*httptest.ResponseRecorder
	for _, value := range []string{"one", "two"} {
		adding := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			f.h.ServeHTTP(addingWriter{w, value}, r)
		})
		rec := serve(adding, http.MethodGet, "/calendar.ics")
		require.Equal(t, http.StatusOK, rec.Code)
		added = append(added, rec)
	}
	assert.Equal(t, []string{"Accept-Encoding", "one"}, added[0].Header().Values("Vary"), "the second response's Add left the first alone")
	assert.Equal(t, []string{"Accept-Encoding", "two"}, added[1].Header().Values("Vary"))
	again := serve(f.h, http.MethodGet, "/calendar.ics")
	for _, name := range []string{"Vary", "Etag", "Cache-Control", "Content-Type", "Last-Modified"} {
		assert.Equal(t, first.Header().Values(name), again.Header().Values(name), name)
		assert.Len(t, again.Header().Values(name), 1, name)
	}
	assert.Equal(t, first.Body.Bytes(), again.Body.Bytes())
}

func TestHandler_methods(t *testing.T) {
	f := newFixture(t, nil)
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		t.Run(method, func(t *testing.T) {
			resp := f.do(method, "/calendar.ics")
			assert.Equal(t, http.StatusMethodNotAllowed, resp.status)
			assert.Equal(t, "GET, HEAD", resp.header.Get("Allow"))
		})
	}
}

func TestHandler_lastModified(t *testing.T) {
	f := newFixture(t, nil)
	first := f.get("/calendar.ics")
	require.Equal(t, http.StatusOK, first.status)
	// The newest UpdatedAt among the events: the last ones were created at
	// feedNow.
	assert.Equal(t, feedNow.Format(http.TimeFormat), first.header.Get("Last-Modified"))

	// Deleting an event changes the feed without a newer UpdatedAt; a client
	// polling with If-Modified-Since alone must still get the new body.
	f.clock.Add(time.Hour)
	require.NoError(t, f.cal.Delete(context.Background(), f.events[theoryTalk].ID))
	resp := f.get("/calendar.ics", "If-Modified-Since: "+first.header.Get("Last-Modified"))
	require.Equal(t, http.StatusOK, resp.status)
	assert.NotContains(t, parse(t, resp.body).titles(), theoryTalk)
	assert.Equal(t, feedNow.Add(time.Hour).Format(http.TimeFormat), resp.header.Get("Last-Modified"))
}

func TestHandler_caching(t *testing.T) {
	t.Run("an unchanged poll makes no store call", func(t *testing.T) {
		f := newFixture(t, nil)
		paths := []string{"/calendar.ics", "/series/vision-seminar.ics", feed.Event(f.events[visionTalk].ID).Path(),
			f.privatePath(feed.Calendar()), "/calendar.ics?from=2024-01-01&to=2024-06-30"}
		first := map[string]response{}
		for _, p := range paths {
			first[p] = f.get(p)
			require.Equal(t, http.StatusOK, first[p].status)
		}
		f.clock.Add(DefaultMaxAgeLess)
		before := f.store.calls.Load()
		for _, p := range paths {
			for _, header := range [][]string{nil, {"Accept-Encoding: gzip"}, {"If-None-Match: " + first[p].header.Get("ETag")}} {
				resp := f.do(http.MethodGet, p, header...)
				assert.Contains(t, []int{http.StatusOK, http.StatusNotModified}, resp.status)
			}
			assert.Equal(t, http.StatusOK, f.do(http.MethodHead, p).status)
		}
		assert.Equal(t, before, f.store.calls.Load(), "repeated polls are served from the cache")
		assert.Equal(t, first["/calendar.ics"].body, f.get("/calendar.ics").body)
	})
	t.Run("a write through the Calendar invalidates", func(t *testing.T) {
		f := newFixture(t, nil)
		first := f.get("/calendar.ics")
		e := f.events[visionTalk]
		e.Title = "Learning to see by walking"
		_, err := f.cal.Update(context.Background(), e)
		require.NoError(t, err)
		before := f.store.calls.Load()
		resp := f.get("/calendar.ics", "If-None-Match: "+first.header.Get("ETag"))
		require.Equal(t, http.StatusOK, resp.status, "the old ETag no longer matches")
		assert.Greater(t, f.store.calls.Load(), before, "the feed was built again")
		assert.Contains(t, parse(t, resp.body).titles(), "Learning to see by walking")
	})
	t.Run("MaxAge bounds what writes of other processes wait for", func(t *testing.T) {
		f := newFixture(t, &feed.Options{MaxAge: 5 * time.Minute})
		first := f.get("/calendar.ics")
		// Another process writes to the shared store: this Calendar does
		// not count it.
		e := f.events[visionTalk].Clone()
		e.Title = "Edited elsewhere"
		e.Version++
		require.NoError(t, f.store.Store.Update(context.Background(), e, e.Version-1))

		f.clock.Add(5*time.Minute - time.Second)
		assert.Equal(t, first.body, f.get("/calendar.ics").body, "younger than MaxAge: served from the cache")
		f.clock.Add(time.Second)
		assert.Contains(t, parse(t, f.get("/calendar.ics").body).titles(), "Edited elsewhere")
	})
	// f.cal stands for another process writing to the same store; here is
	// this instance's Calendar and Handler.
	otherProcess := func(t *testing.T, poll time.Duration) *fixture {
		f := newFixture(t, &feed.Options{MaxAge: time.Hour})
		here, err := seminar.New(trackingStore{f.store}, &seminar.Options{Domain: "example.edu", TimeZone: "America/New_York", Now: f.clock.Now})
		require.NoError(t, err)
		f.h, err = feed.NewHandler(here, &feed.Options{MaxAge: time.Hour, Poll: poll, Now: f.clock.Now})
		require.NoError(t, err)
		return f
	}
	edit := func(t *testing.T, f *fixture, title string) {
		e := f.events[visionTalk]
		e.Title = title
		_, err := f.cal.Update(context.Background(), e)
		require.NoError(t, err)
	}
	t.Run("with a store that tracks changes, another process's write shows within Poll", func(t *testing.T) {
		f := otherProcess(t, 0)
		first := f.get("/calendar.ics")
		before := f.store.calls.Load()
		assert.Equal(t, first.body, f.get("/calendar.ics").body)
		assert.Equal(t, before, f.store.calls.Load(), "an unchanged poll lists nothing")

		edit(t, f, "Edited by another instance")
		f.clock.Add(feed.DefaultPoll - time.Millisecond)
		resp := f.get("/calendar.ics", "If-None-Match: "+first.header.Get("ETag"))
		require.Equal(t, http.StatusNotModified, resp.status, "within Poll the token read before the write still holds")
		assert.Equal(t, before, f.store.calls.Load(), "requests within Poll share one reading of the token")
		f.clock.Add(time.Millisecond)
		resp = f.get("/calendar.ics", "If-None-Match: "+first.header.Get("ETag"))
		require.Equal(t, http.StatusOK, resp.status, "the old ETag no longer matches once Poll passed, well within MaxAge")
		assert.Contains(t, parse(t, resp.body).titles(), "Edited by another instance")
	})
	t.Run("with a negative Poll, another process's write shows at the next poll", func(t *testing.T) {
		f := otherProcess(t, -1)
		first := f.get("/calendar.ics")
		edit(t, f, "Edited by another instance")
		resp := f.get("/calendar.ics", "If-None-Match: "+first.header.Get("ETag"))
		require.Equal(t, http.StatusOK, resp.status, "the old ETag no longer matches, with no time passed")
		assert.Contains(t, parse(t, resp.body).titles(), "Edited by another instance")
	})
	t.Run("a write through the Calendar shows at once, whatever Poll is", func(t *testing.T) {
		f := newFixture(t, &feed.Options{MaxAge: time.Hour, Poll: time.Hour})
		first := f.get("/calendar.ics")
		edit(t, f, "Edited through this Calendar")
		resp := f.get("/calendar.ics", "If-None-Match: "+first.header.Get("ETag"))
		require.Equal(t, http.StatusOK, resp.status)
		assert.Contains(t, parse(t, resp.body).titles(), "Edited through this Calendar")
	})
	t.Run("an unchanged rebuild keeps ETag and Last-Modified", func(t *testing.T) {
		f := newFixture(t, nil)
		first := f.get("/calendar.ics")
		f.clock.Add(2 * time.Minute)
		before := f.store.calls.Load()
		resp := f.get("/calendar.ics", "If-None-Match: "+first.header.Get("ETag"))
		assert.Greater(t, f.store.calls.Load(), before, "older than MaxAge: built again")
		assert.Equal(t, http.StatusNotModified, resp.status, "the same bytes, so the client's copy is current")
		assert.Equal(t, first.header.Get("ETag"), resp.header.Get("ETag"))
		again := f.get("/calendar.ics", "If-Modified-Since: "+first.header.Get("Last-Modified"))
		assert.Equal(t, http.StatusNotModified, again.status)
	})
}

// DefaultMaxAgeLess is a step of the clock that stays within the default
// MaxAge.
const DefaultMaxAgeLess = feed.DefaultMaxAge - time.Second

func TestHandler_cacheBytes(t *testing.T) {
	tests := []struct {
		name       string
		cacheBytes int64
		wantBuilds int64
	}{
		{"room for both feeds", 0, 0},
		{"room for one feed", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, &feed.Options{CacheBytes: tt.cacheBytes})
			require.Equal(t, http.StatusOK, f.get("/calendar.ics").status)
			require.Equal(t, http.StatusOK, f.get("/series/vision-seminar.ics").status)
			before := f.store.lists.Load()
			require.Equal(t, http.StatusOK, f.get("/series/vision-seminar.ics").status)
			require.Equal(t, http.StatusOK, f.get("/calendar.ics").status)
			assert.Equal(t, tt.wantBuilds, f.store.lists.Load()-before,
				"the least recently served feed is dropped when the cache is full; the newest is kept")
		})
	}
}

func TestHandler_storeFailure(t *testing.T) {
	var logs strings.Builder
	f := newFixture(t, &feed.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	f.store.failing.Store(true)
	privatePath := f.privatePath(feed.Calendar())
	for _, path := range []string{"/calendar.ics", privatePath} {
		resp := f.get(path)
		assert.Equal(t, http.StatusInternalServerError, resp.status)
		assert.NotContains(t, string(resp.body), "unexpected EOF", "store errors are logged, not shown")
	}
	assert.Contains(t, logs.String(), "unexpected EOF", "the cause is logged")
	assert.NotContains(t, logs.String(), strings.Split(privatePath, "/")[2], "a private feed's token is never logged")

	f.store.failing.Store(false)
	assert.Equal(t, http.StatusOK, f.get("/calendar.ics").status, "a failed build is not cached")
}

func TestNewHandler_options(t *testing.T) {
	cal, err := seminar.New(newCountingStore(), nil)
	require.NoError(t, err)
	tests := []struct {
		name string
		opts feed.Options
		want string
	}{
		{"short secret", feed.Options{Secret: []byte("short")}, "feed: new handler: secret is 5 bytes, shorter than 16"},
		{"negative future", feed.Options{Future: -time.Hour}, "feed: new handler: future -1h0m0s is negative"},
		{"negative max events", feed.Options{MaxEvents: -1}, "feed: new handler: max events -1 is negative"},
		{"negative max age", feed.Options{MaxAge: -time.Second}, "feed: new handler: max age -1s is negative"},
		{"sub-second refresh", feed.Options{RefreshInterval: time.Millisecond}, "feed: new handler: refresh interval 1ms is shorter than a second"},
		{"span shorter than the window", feed.Options{MaxSpan: 10 * day}, "feed: new handler: max span 240h0m0s is shorter than the default window (past 720h0m0s, future 8760h0m0s)"},
		{"negative cache", feed.Options{CacheBytes: -1}, "feed: new handler: cache bytes -1 is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := feed.NewHandler(cal, &tt.opts)
			assert.EqualError(t, err, tt.want)
		})
	}
	_, err = feed.NewHandler(nil, nil)
	assert.EqualError(t, err, "feed: new handler: calendar is nil")
	_, err = feed.NewHandler(cal, nil)
	assert.NoError(t, err, "nil options mean the defaults")
}
