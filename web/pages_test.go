package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/web"
)

// checkHTML checks what every page must be: one h1, the language, a
// viewport for phones, its own style with a print stylesheet, and no
// script or remote asset.
func checkHTML(t *testing.T, page, lang string) {
	t.Helper()
	assert.Equal(t, 1, strings.Count(page, "<h1"), "exactly one h1")
	assert.Contains(t, page, `<html lang="`+lang+`">`)
	assert.Contains(t, page, `<meta name="viewport" content="width=device-width, initial-scale=1">`)
	assert.Contains(t, page, "<style>")
	assert.Contains(t, page, "@media print")
	assert.NotContains(t, strings.ToLower(page), "<script", "no JavaScript at all")
	assert.NotRegexp(t, `(?i)<link[^>]+stylesheet`, page, "no remote stylesheet")
	assert.NotRegexp(t, `(?i)(src|href)="//`, page, "no protocol-relative asset")
}

func TestHandler_eventPage(t *testing.T) {
	s := newSite(t, nil)
	seed := s.create(seedTalk(t))
	other := s.create(talk(t, "Learning to see by moving", 5, 11))
	july := s.create(talkIn(t, "A talk in July", time.July, 10, 11))

	r := s.getPage("/events/"+seed.ID, "")
	require.True(t, assertStatus(t, http.StatusOK, r, "the seed talk's page"))
	checkHTML(t, r.body, "en")
	assert.Equal(t, "text/html; charset=utf-8", r.Header.Get("Content-Type"))
	page := text(r.body)
	for _, want := range []string{
		"A picture of the energy landscape of deep neural networks",
		"Speaker Pratik Chaudhari, UCLA",
		"Date Monday, June 12, 2017",
		"Time 4:00 PM to 5:00 PM Note: all times are in the Eastern Time Zone",
		"Location 32-D507",
		"Host Bolei Zhou, MIT CSAIL",
		"Contact Bolei Zhou, bzhou@csail.mit.edu",
		"Abstract Stochastic gradient descent (SGD) is the gold standard",
		"arXiv https://arxiv.org/abs/1611.01838, https://arxiv.org/abs/1704.04932",
		"Bio Pratik Chaudhari is a PhD candidate",
		"Other events happening in June 2017 Learning to see by moving",
	} {
		assert.Contains(t, page, want)
	}
	assert.NotContains(t, page, "None", "nothing is shown as None")
	for _, label := range []string{"Event type", "Room", "Series", "Research areas", "Impact areas", "Online"} {
		assert.NotContains(t, r.body, "<dt>"+label+"</dt>", "no empty label %q", label)
	}
	for _, admin := range []string{"seminars@csail.mit.edu", "Reminder subject", "Created", "Public", "Edit Event", "Cancel Event", "Preview Reminder", "Send Reminder"} {
		assert.NotContains(t, page, admin, "an anonymous visitor sees no admin fact or button")
	}
	assert.Contains(t, r.body, `href="../events/`+other.ID+`"`, "the other talk of June is linked")
	assert.NotContains(t, r.body, july.ID, "a talk of July is not among June's")
	assert.Contains(t, r.body, `href="../events/`+seed.ID+`.ics"`)
	assert.Contains(t, r.body, `href="../months/2017-06"`)
}

func TestHandler_eventPageForAnAdmin(t *testing.T) {
	s := newSite(t, nil)
	seed := s.create(seedTalk(t))
	r := s.getPage("/events/"+seed.ID, "admin")
	require.True(t, assertStatus(t, http.StatusOK, r, "the seed talk's page"))
	page := text(r.body)
	for _, want := range []string{
		"Edit Event", "Cancel Event", "Preview Reminder", "Send Reminder",
		"Public Yes",
		"Reminders to seminars@csail.mit.edu, vision-meeting@csail.mit.edu",
		"Reminder subject TALK: A picture of the energy landscape of deep neural networks",
		"Schedule Reminders go out 7 days and 1 day before the talk.",
		"Created Saturday, June 10, 2017 at 10:00 AM, by Bolei Zhou",
	} {
		assert.Contains(t, page, want)
	}
	for _, action := range []string{"edit", "cancel", "preview", "send"} {
		link := elementByID(r.body, "action-"+action)
		href, _ := attr(link, "href")
		assert.Equal(t, "../events/"+seed.ID+"/"+action, href)
	}
	assert.Equal(t, "private, no-store", r.Header.Get("Cache-Control"), "an authorized page is kept by no cache")
}

// An Authorize that allows some actions shows only their buttons.
func TestHandler_eventPageButtonsFollowAuthorize(t *testing.T) {
	s := newSite(t, &siteOptions{web: web.Options{Authorize: func(r *http.Request, a web.Action, e *seminar.Event) error {
		if a == web.ActionPreview {
			return nil
		}
		return assert.AnError
	}}})
	seed := s.create(seedTalk(t))
	r := s.getPage("/events/"+seed.ID, "")
	page := text(r.body)
	assert.Contains(t, page, "Preview Reminder")
	for _, hidden := range []string{"Edit Event", "Cancel Event", "Send Reminder", "Reminders to", "New event"} {
		assert.NotContains(t, page, hidden)
	}
}

func TestHandler_cancelledEventPage(t *testing.T) {
	s := newSite(t, nil)
	seed := s.create(seedTalk(t))
	_, err := s.cal.Cancel(t.Context(), seed.ID, "The speaker's flight was cancelled.")
	require.NoError(t, err)
	r := s.getPage("/events/"+seed.ID, "")
	banner := elementByID(r.body, "cancelled")
	require.NotEmpty(t, banner, "a cancelled talk says so prominently")
	assert.Contains(t, text(banner), "CANCELLED: this talk will not take place. Reason: The speaker's flight was cancelled.")
	assert.Less(t, strings.Index(r.body, `id="cancelled"`), strings.Index(r.body, "<dl"), "before the facts")
	assert.NotContains(t, r.body, "calendar.google.com", "no invitation to add a cancelled talk")

	m := s.getPage("/months/2017-06", "")
	assert.Contains(t, text(m.body), "A picture of the energy landscape of deep neural networks Cancelled", "listings mark it")
}

func TestHandler_styleOfTheCalendar(t *testing.T) {
	s := newSite(t, &siteOptions{style: seminar.Style{Clock24: true, DayFirst: true}, web: web.Options{Lang: "en-GB"}})
	seed := s.create(seedTalk(t))
	r := s.getPage("/events/"+seed.ID, "")
	checkHTML(t, r.body, "en-GB")
	page := text(r.body)
	assert.Contains(t, page, "Date Monday 12 June 2017")
	assert.Contains(t, page, "Time 16:00 to 17:00")
	m := text(s.getPage("/months/2017-06", "").body)
	assert.Contains(t, m, "Monday 12 June 2017 16:00 to 17:00")
}

func TestHandler_monthPage(t *testing.T) {
	s := newSite(t, nil)
	seed := s.create(seedTalk(t))
	early := s.create(talk(t, "Learning to see by moving", 5, 11))
	s.create(talkIn(t, "A talk in July", time.July, 10, 11))

	r := s.getPage("/months/2017-06", "")
	require.True(t, assertStatus(t, http.StatusOK, r, "June"))
	checkHTML(t, r.body, "en")
	page := text(r.body)
	assert.Contains(t, page, "Talks in June 2017 ← May 2017 July 2017 → All times are in the Eastern Time Zone.")
	assert.Regexp(t, `Monday, June 5, 2017 11:00 AM to 12:00 PM Learning to see by moving .*Monday, June 12, 2017 4:00 PM to 5:00 PM A picture of the energy`, page,
		"grouped by day, in order")
	assert.NotContains(t, page, "A talk in July")
	assert.Contains(t, r.body, `href="../months/2017-05" rel="prev"`)
	assert.Contains(t, r.body, `href="../months/2017-07" rel="next"`)
	assert.Contains(t, r.body, `href="../events/`+early.ID+`"`)
	assert.Contains(t, r.body, `href="../events/`+seed.ID+`"`)

	empty := s.getPage("/months/2017-02", "")
	assertStatus(t, http.StatusOK, empty, "a month without talks")
	assert.Contains(t, text(empty.body), "No talks in February 2017.")

	for _, bad := range []string{"2017-13", "2017-6", "june", "1066-10"} {
		assertStatus(t, http.StatusNotFound, s.getPage("/months/"+bad, ""), bad)
	}
}

// A month is read in the calendar's zone: a talk at 11 PM Eastern on June
// 30 is in June, though it is July in UTC.
func TestHandler_monthInTheCalendarZone(t *testing.T) {
	s := newSite(t, nil)
	late := talk(t, "Late talk", 30, 23)
	late.End = late.Start.Add(30 * time.Minute)
	s.create(late)
	assert.Contains(t, text(s.getPage("/months/2017-06", "").body), "Late talk")
	assert.NotContains(t, text(s.getPage("/months/2017-07", "").body), "Late talk")
}

func TestHandler_homePage(t *testing.T) {
	s := newSite(t, nil)
	s.create(talk(t, "A past talk", 5, 11))
	s.create(seedTalk(t))
	s.create(talkIn(t, "A talk in July", time.July, 10, 11))

	r := s.getPage("/", "")
	require.True(t, assertStatus(t, http.StatusOK, r, "home"))
	checkHTML(t, r.body, "en")
	page := text(r.body)
	assert.Regexp(t, `Upcoming talks This month, June 2017 Next month, July 2017 → .*Monday, June 12, 2017 4:00 PM to 5:00 PM A picture.*Monday, July 10, 2017 11:00 AM to 12:00 PM A talk in July`, page)
	assert.NotContains(t, page, "A past talk", "upcoming means from now")
	assert.Contains(t, r.body, `href="./months/2017-06"`)
	assert.Contains(t, r.body, `href="./months/2017-07"`)
}

func TestHandler_seriesPage(t *testing.T) {
	s := newSite(t, nil)
	vision := s.vision()
	past := talk(t, "Vision talk past", 5, 11)
	past.Series = vision.ID
	s.create(past)
	next := talk(t, "Vision talk next", 16, 13)
	next.Series = vision.ID
	next = s.create(next)
	s.create(seedTalk(t))

	r := s.getPage("/series/vision-seminar", "")
	require.True(t, assertStatus(t, http.StatusOK, r, "the series"))
	checkHTML(t, r.body, "en")
	page := text(r.body)
	assert.Contains(t, page, "Vision Seminar Talks on computer vision, Mondays at 4.", "its name and description")
	assert.Contains(t, page, "Vision talk next")
	assert.NotContains(t, page, "Vision talk past", "its upcoming talks")
	assert.NotContains(t, page, "A picture of the energy", "another series' talk")

	ev := s.getPage("/events/"+next.ID, "")
	assert.Contains(t, ev.body, `<a href="../series/vision-seminar">Vision Seminar</a>`, "the event links its series by name")
	m := text(s.getPage("/months/2017-06", "").body)
	assert.Contains(t, m, "Vision talk next Ana Ferreira (Example University) · 32-G449 · Vision Seminar", "listings name the series")
	var doc web.EventDocument
	require.NoError(t, json.Unmarshal([]byte(s.getPage("/events/"+next.ID+".json", "").body), &doc))
	assert.Equal(t, "vision-seminar", doc.Event.SeriesID)
	assert.Equal(t, "Vision Seminar", doc.Event.SeriesName)

	renamed := s.vision()
	renamed.Name = "Computer Vision Seminar"
	_, err := s.cal.UpdateSeries(t.Context(), renamed)
	require.NoError(t, err)
	assert.Contains(t, text(s.getPage("/series/vision-seminar", "").body), "Computer Vision Seminar", "a renamed series keeps its URL")

	assertStatus(t, http.StatusNotFound, s.getPage("/series/no-such-series", ""), "a series that is not there")

	admin := s.getPage("/series/vision-seminar", "admin")
	assert.Contains(t, admin.body, `href="../events/new?series=vision-seminar"`, "an admin may add a talk to the series")
	assert.NotContains(t, r.body, "New talk in this series")
	form := formOf(t, s.getPage("/events/new?series=vision-seminar", "admin").body)
	assert.Equal(t, "vision-seminar", form.Get("series"), "the new talk starts in the series")
}

// A planned slot with no title yet is "to be announced" wherever it shows.
func TestHandler_slotToBeAnnounced(t *testing.T) {
	s := newSite(t, nil)
	vision := s.vision()
	start, err := seminar.WallTime(2017, time.June, 19, 16, 0, "America/New_York")
	require.NoError(t, err)
	_, err = s.cal.PlanSeries(t.Context(), vision.ID, seminar.Plan{Start: start, Rule: "FREQ=WEEKLY;COUNT=2"})
	require.NoError(t, err)
	r := s.getPage("/months/2017-06", "viewer")
	assert.Contains(t, text(r.body), "Monday, June 19, 2017 4:00 PM to 5:00 PM To be announced")
	id := regexp.MustCompile(`href="\.\./events/([a-z0-9-]+)"`).FindStringSubmatch(r.body)
	require.NotNil(t, id, r.body)
	ev := s.getPage("/events/"+id[1], "viewer")
	assert.Contains(t, ev.body, "<h1>To be announced</h1>")
	assert.Contains(t, text(ev.body), "Speaker To be announced")
	home := text(s.getPage("/", "viewer").body)
	assert.Contains(t, home, "Monday, June 19, 2017 4:00 PM to 5:00 PM To be announced", "the home page")
	series := text(s.getPage("/series/"+vision.ID, "viewer").body)
	assert.Contains(t, series, "Monday, June 19, 2017 4:00 PM to 5:00 PM To be announced", "the series page")
	var doc struct {
		Event struct {
			Title         string `json:"title"`
			ToBeAnnounced bool   `json:"to_be_announced"`
		} `json:"event"`
	}
	require.NoError(t, json.Unmarshal([]byte(s.getPage("/events/"+id[1]+".json", "viewer").body), &doc))
	assert.True(t, doc.Event.ToBeAnnounced, "the JSON says so")
	assert.Empty(t, doc.Event.Title)

	// A slot gets no reminder until it is announced: its page offers none,
	// and the reminder pages say why.
	admin := s.getPage("/events/"+id[1], "admin")
	assert.NotContains(t, admin.body, "action-preview")
	assert.NotContains(t, admin.body, "action-send")
	assert.Contains(t, admin.body, "action-edit")
	for _, path := range []string{"/preview", "/send"} {
		r := s.getPage("/events/"+id[1]+path, "admin")
		assertStatus(t, http.StatusConflict, r, path)
		assert.Contains(t, text(r.body), "The talk is to be announced: it gets no reminder", path)
	}

	// Titled, still without a speaker: to be announced, the title shown.
	slot := s.get(id[1])
	slot.Title = "Vision and touch"
	_, err = s.cal.Update(t.Context(), slot)
	require.NoError(t, err)
	ev = s.getPage("/events/"+id[1], "viewer")
	assert.Contains(t, ev.body, "<h1>Vision and touch</h1>")
	assert.Contains(t, text(ev.body), "Speaker To be announced")
	assert.Contains(t, text(s.getPage("/months/2017-06", "viewer").body), "Vision and touch Not public Speaker to be announced · Vision Seminar")
}

func TestHandler_notFound(t *testing.T) {
	s := newSite(t, nil)
	for _, path := range []string{"/events/nosuchevent", "/events/nosuchevent.ics", "/events/nosuchevent.json", "/nowhere", "/events/x/nowhere"} {
		r := s.getPage(path, "admin")
		assertStatus(t, http.StatusNotFound, r, path)
		assert.Contains(t, r.body, "<h1>Page not found</h1>", path)
		checkHTML(t, r.body, "en")
	}
	r := s.do(request{method: http.MethodDelete, path: "/events/x"})
	assertStatus(t, http.StatusMethodNotAllowed, r, "DELETE")
	assert.NotEmpty(t, r.Header.Get("Allow"))
}

// Options.Now decides what is upcoming; Poll and clock ages are checked
// in cache_test.go.
func TestNew_refusesBadOptions(t *testing.T) {
	s := newSite(t, nil)
	for name, o := range map[string]web.Options{
		"lang":     {Lang: "en GB"},
		"base URL": {BaseURL: "talks.example.edu"},
		"max body": {MaxBody: -1},
		"upcoming": {Upcoming: seminar.MaxPageSize + 1},
	} {
		_, err := web.New(s.cal, &o)
		assert.Error(t, err, name)
	}
	_, err := web.New(nil, nil)
	assert.Error(t, err)
}

func TestHandler_mountedUnderAPrefix(t *testing.T) {
	s := newSite(t, nil)
	seed := s.create(seedTalk(t))
	mux := http.NewServeMux()
	mux.Handle("/talks/", http.StripPrefix("/talks", s.h))
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/talks/events/"+seed.ID, nil))
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Contains(t, w.Body.String(), `href="../months/2017-06"`, "relative links resolve under the prefix")
	assert.Contains(t, w.Body.String(), `<a class="site-name" href="../">`)
}
