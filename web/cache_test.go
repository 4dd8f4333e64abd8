package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/sqlite"
	"github.com/seminarkit/seminar/web"
)

func TestHandler_etagAndNotModified(t *testing.T) {
	s := newSite(t, nil)
	seed := s.create(seedTalk(t))
	for _, path := range []string{"/", "/months/2017-06", "/events/" + seed.ID, "/events/" + seed.ID + ".ics", "/events/" + seed.ID + ".json", "/events.json?from=2017-06-01&to=2017-07-01"} {
		t.Run(path, func(t *testing.T) {
			first := s.getPage(path, "")
			require.Equal(t, http.StatusOK, first.StatusCode)
			tag := first.Header.Get("Etag")
			require.Regexp(t, `^"[^"]+"$`, tag, "a strong ETag")
			assert.Equal(t, "public, no-cache", first.Header.Get("Cache-Control"))
			assert.Contains(t, first.Header.Get("Vary"), "Cookie")

			again := s.getPage(path, "")
			assert.Equal(t, tag, again.Header.Get("Etag"), "an unchanged page keeps its ETag")
			assert.Equal(t, first.body, again.body)

			for _, inm := range []string{tag, "W/" + tag, `"other", ` + tag, "*"} {
				r := s.do(request{path: path, header: http.Header{"If-None-Match": {inm}}})
				assert.Equal(t, http.StatusNotModified, r.StatusCode, "If-None-Match: %s", inm)
				assert.Empty(t, r.body)
				assert.Equal(t, tag, r.Header.Get("Etag"))
			}
			r := s.do(request{path: path, header: http.Header{"If-None-Match": {`"stale"`}}})
			assert.Equal(t, http.StatusOK, r.StatusCode)

			head := s.do(request{method: http.MethodHead, path: path})
			assert.Equal(t, http.StatusOK, head.StatusCode)
			assert.Empty(t, head.body, "HEAD has no body")
			assert.Equal(t, first.Header.Get("Content-Length"), head.Header.Get("Content-Length"))
			assert.Equal(t, tag, head.Header.Get("Etag"))

			admin := s.getPage(path, "admin")
			if !strings.Contains(path, ".") {
				assert.NotEqual(t, tag, admin.Header.Get("Etag"), "an authorized rendering has its own ETag")
				assert.Equal(t, "private, no-store", admin.Header.Get("Cache-Control"))
				r = s.do(request{path: path, role: "admin", header: http.Header{"If-None-Match": {tag}}})
				assert.Equal(t, http.StatusOK, r.StatusCode, "an anonymous ETag does not validate an authorized page")
				return
			}
			// The data of public events is the same for everyone.
			assert.Equal(t, tag, admin.Header.Get("Etag"))
			assert.Equal(t, first.body, admin.body)
		})
	}
}

// An authorized rendering differs from the anonymous one only by what the
// request is allowed: a viewer who may not see any private event and may
// not write gets the anonymous page, ETag and all.
func TestHandler_classesShareRenderings(t *testing.T) {
	s := newSite(t, nil)
	seed := s.create(seedTalk(t))
	anon := s.getPage("/events/"+seed.ID, "")
	viewer := s.getPage("/events/"+seed.ID, "viewer")
	assert.Equal(t, anon.Header.Get("Etag"), viewer.Header.Get("Etag"))
	s.create(privateTalk(s))
	viewer = s.getPage("/events/"+seed.ID, "viewer")
	assert.NotEqual(t, s.getPage("/events/"+seed.ID, "").Header.Get("Etag"), viewer.Header.Get("Etag"),
		"now the viewer sees a private talk among the others")
	assert.Contains(t, viewer.body, "Vision group retreat planning")
	assert.Equal(t, anon.Header.Get("Etag"), s.getPage("/events/"+seed.ID, "").Header.Get("Etag"),
		"and an anonymous visitor the same page as before")
}

func TestHandler_gzip(t *testing.T) {
	s := newSite(t, nil)
	seed := s.create(seedTalk(t))
	plain := s.getPage("/events/"+seed.ID, "")
	// The page is compressed beside the first request, which is served
	// plain.
	var r response
	require.Eventually(t, func() bool {
		r = s.do(request{path: "/events/" + seed.ID, header: http.Header{"Accept-Encoding": {"gzip, deflate"}}})
		return r.Header.Get("Content-Encoding") == "gzip"
	}, 5*time.Second, time.Millisecond, "the page is served gzipped once compressed")
	require.Equal(t, http.StatusOK, r.StatusCode)
	assert.NotEqual(t, plain.Header.Get("Etag"), r.Header.Get("Etag"), "the gzipped body has its own ETag")
	zr, err := gzip.NewReader(bytes.NewReader([]byte(r.body)))
	require.NoError(t, err)
	body, err := io.ReadAll(zr)
	require.NoError(t, err)
	assert.Equal(t, plain.body, string(body))
	r = s.do(request{path: "/events/" + seed.ID, header: http.Header{"Accept-Encoding": {"gzip;q=0"}}})
	assert.Empty(t, r.Header.Get("Content-Encoding"))

	for _, tag := range []string{plain.Header.Get("Etag"), gzipTag(t, s, seed.ID)} {
		r = s.do(request{path: "/events/" + seed.ID, header: http.Header{"Accept-Encoding": {"gzip"}, "If-None-Match": {tag}}})
		assert.Equal(t, http.StatusNotModified, r.StatusCode, "a client holding either form revalidates it: %s", tag)
		assert.Equal(t, tag, r.Header.Get("Etag"))
	}
}

func gzipTag(t *testing.T, s *site, id string) string {
	r := s.do(request{path: "/events/" + id, header: http.Header{"Accept-Encoding": {"gzip"}}})
	require.Equal(t, "gzip", r.Header.Get("Content-Encoding"))
	return r.Header.Get("Etag")
}

// A write through the Handler, or through its Calendar by other code,
// shows at once, whatever Options.Poll is.
func TestHandler_ownWritesShowAtOnce(t *testing.T) {
	s := newSite(t, &siteOptions{web: web.Options{Poll: time.Hour}})
	seed := s.create(seedTalk(t))
	before := s.getPage("/events/"+seed.ID, "")
	r := s.post("/events/"+seed.ID+"/cancel", "admin", url.Values{"reason": {"Snow."}})
	require.Equal(t, http.StatusSeeOther, r.StatusCode)
	after := s.getPage("/events/"+seed.ID, "")
	assert.NotEqual(t, before.Header.Get("Etag"), after.Header.Get("Etag"))
	assert.Contains(t, text(after.body), "Reason: Snow.")
	assert.Contains(t, text(s.getPage("/months/2017-06", "").body), "Cancelled", "the month too")

	e := s.get(seed.ID)
	e.Location.Room = "32-G449"
	_, err := s.cal.Update(context.Background(), e)
	require.NoError(t, err)
	assert.Contains(t, text(s.getPage("/events/"+seed.ID, "").body), "Location 32-G449", "a write by other code through the Calendar")
}

// TestHandler_writesOfAnotherProcess serves from one SQLite handle and
// writes through another, as a second process would: the pages show the
// write within one Poll, with a new ETag.
func TestHandler_writesOfAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "talks.db")
	open := func() *sqlite.Store {
		st, err := sqlite.Open(context.Background(), path, nil)
		require.NoError(t, err)
		t.Cleanup(func() { st.Close() })
		return st
	}
	const poll = 50 * time.Millisecond
	s := newSite(t, &siteOptions{store: open(), web: web.Options{Poll: poll}})
	other, err := seminar.New(open(), &seminar.Options{Domain: "csail.mit.edu", TimeZone: "America/New_York",
		Now: func() time.Time { return siteNow }})
	require.NoError(t, err)
	seed, err := other.Create(context.Background(), seedTalk(t))
	require.NoError(t, err)

	time.Sleep(2 * poll)
	first := s.getPage("/events/"+seed.ID, "")
	require.Equal(t, http.StatusOK, first.StatusCode, "a talk created by another process is found")
	month := s.getPage("/months/2017-06", "")

	e, err := other.Get(context.Background(), seed.ID)
	require.NoError(t, err)
	e.Location.Room = "32-G449"
	_, err = other.Update(context.Background(), e)
	require.NoError(t, err)

	time.Sleep(2 * poll)
	after := s.getPage("/events/"+seed.ID, "")
	assert.NotEqual(t, first.Header.Get("Etag"), after.Header.Get("Etag"))
	assert.Contains(t, text(after.body), "Location 32-G449")
	r := s.do(request{path: "/months/2017-06", header: http.Header{"If-None-Match": {month.Header.Get("Etag")}}})
	assert.Equal(t, http.StatusOK, r.StatusCode, "the month page's old ETag no longer matches")
	assert.True(t, strings.Contains(r.body, "32-G449"))
}

// The upcoming talks move with the clock, not only with writes.
func TestHandler_upcomingFollowsTheClock(t *testing.T) {
	now := siteNow
	s := newSite(t, &siteOptions{now: func() time.Time { return now }})
	s.create(seedTalk(t))
	assert.Contains(t, text(s.getPage("/", "").body), "A picture of the energy")
	now = time.Date(2017, time.June, 13, 0, 0, 0, 0, time.UTC)
	assert.NotContains(t, text(s.getPage("/", "").body), "A picture of the energy", "an ended talk leaves the upcoming ones")
}

// The menu links to this month: at the turn of the month every page, cached
// or not, links to the new one.
func TestHandler_menuFollowsTheMonth(t *testing.T) {
	now := siteNow
	s := newSite(t, &siteOptions{now: func() time.Time { return now }})
	seed := s.create(seedTalk(t))
	assert.Contains(t, s.getPage("/events/"+seed.ID, "").body, `href="../months/2017-06"`)
	now = time.Date(2017, time.July, 1, 4, 30, 0, 0, time.UTC) // 12:30 AM Eastern
	assert.Contains(t, s.getPage("/events/"+seed.ID, "").body, `href="../months/2017-07">Months`)
}

// Listings keep each talk's HTML for as long as it reads the same: every
// change a talk's line shows must show, on every page that lists it, and
// a talk moved to another month is found there.
func TestHandler_listingsFollowEveryChange(t *testing.T) {
	s := newSite(t, nil)
	vision := s.vision()
	seed := s.create(seedTalk(t))
	o := talk(t, "Learning to see by moving", 12, 11)
	o.Series = vision.ID
	other := s.create(o)
	pages := map[string]string{"home": "/", "month": "/months/2017-06", "event page": "/events/" + seed.ID}
	links := map[string]string{"home": `href="./events/` + other.ID + `"`, "month": `href="../events/` + other.ID + `"`,
		"event page": `href="../events/` + other.ID + `"`}
	check := func(what string, want ...string) {
		t.Helper()
		for name, path := range pages {
			r := s.getPage(path, "")
			page := text(r.body)
			for _, w := range want {
				assert.Contains(t, page, w, "%s: %s", what, name)
			}
			assert.Contains(t, r.body, links[name], "%s: %s links from where it is", what, name)
		}
	}
	check("at first", "Learning to see by moving", "11:00 AM to 12:00 PM", "Ana Ferreira (Example University) · 32-G449 · Vision Seminar")

	e := s.get(other.ID)
	e.Title = "Seeing by moving"
	e.Start, e.End = e.Start.Add(time.Hour), e.End.Add(2*time.Hour)
	e.Speakers[0].Affiliation = "MIT"
	e.Location.Room = "32-D463"
	_, err := s.cal.Update(t.Context(), e)
	require.NoError(t, err)
	check("after an edit", "Seeing by moving", "12:00 PM to 2:00 PM", "Ana Ferreira (MIT) · 32-D463 · Vision Seminar")
	for _, path := range pages {
		assert.NotContains(t, text(s.getPage(path, "").body), "Learning to see", path)
	}

	v := vision.Clone()
	v.Name = "Computer Vision Seminar"
	_, err = s.cal.UpdateSeries(t.Context(), v)
	require.NoError(t, err)
	check("after the series is renamed", "32-D463 · Computer Vision Seminar")

	_, err = s.cal.Cancel(t.Context(), other.ID, "Ill")
	require.NoError(t, err)
	check("after a cancel", "Seeing by moving Cancelled")

	e = s.get(other.ID)
	e.Public = false
	_, err = s.cal.Update(t.Context(), e)
	require.NoError(t, err)
	for name, path := range pages {
		assert.NotContains(t, s.getPage(path, "").body, other.ID, "a talk made private leaves the %s", name)
		assert.Contains(t, text(s.getPage(path, "viewer").body), "Seeing by moving Cancelled Not public", "%s, for a viewer", name)
	}

	july := s.create(talkIn(t, "A talk in July", time.July, 10, 11))
	e = s.get(seed.ID)
	e.Start, e.End = e.Start.AddDate(0, 1, 0), e.End.AddDate(0, 1, 0)
	_, err = s.cal.Update(t.Context(), e)
	require.NoError(t, err)
	r := s.getPage("/events/"+seed.ID, "")
	require.Equal(t, http.StatusOK, r.StatusCode, "a talk moved to July")
	assert.Contains(t, text(r.body), "Other events happening in July 2017")
	assert.Contains(t, r.body, `href="../events/`+july.ID+`"`)
	assert.NotContains(t, s.getPage("/months/2017-06", "").body, seed.ID)

	require.Equal(t, http.StatusOK, s.getPage("/events/"+july.ID, "").StatusCode)
	require.NoError(t, s.cal.Delete(t.Context(), july.ID))
	assert.Equal(t, http.StatusNotFound, s.getPage("/events/"+july.ID, "").StatusCode, "a deleted talk is gone")
	assert.NotContains(t, s.getPage("/events/"+seed.ID, "").body, july.ID, "and gone from its month")
}
