package web_test

import (
	"bytes"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar/web"
)

func TestHandler_eventJSON(t *testing.T) {
	s := newSite(t, &siteOptions{web: web.Options{BaseURL: "https://talks.example.edu/seminars"}})
	seed := s.create(seedTalk(t))
	r := s.getPage("/events/"+seed.ID+".json", "")
	require.True(t, assertStatus(t, http.StatusOK, r, "the event as JSON"))
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))

	var raw map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.body), &raw))
	assert.Equal(t, float64(web.JSONVersion), raw["version"])
	ev := raw["event"].(map[string]any)
	assert.Equal(t, "2017-06-12T16:00:00-04:00", ev["start"], "RFC 3339 with the zone's offset")
	assert.Equal(t, "2017-06-12T17:00:00-04:00", ev["end"])
	assert.Equal(t, "America/New_York", ev["time_zone"])
	assert.Equal(t, "https://talks.example.edu/seminars/events/"+seed.ID, ev["url"])
	assert.Equal(t, "scheduled", ev["status"])
	for _, key := range []string{"id", "uid", "title", "to_be_announced", "type", "series_id", "series_name", "cancel_reason", "speakers", "host", "contact",
		"location", "room_description", "public", "abstract", "links", "research_areas", "impact_areas", "sequence",
		"created_at", "updated_at"} {
		assert.Contains(t, ev, key, "every field is always present")
	}
	assert.Equal(t, []any{}, ev["impact_areas"], "an empty list is [], not null")
	for _, admin := range []string{"reminders", "created_by", "lists", "version"} {
		assert.NotContains(t, ev, admin, "no settings in JSON")
	}
	assert.NotContains(t, r.body, "seminars@csail.mit.edu", "no reminder list")

	var doc web.EventDocument
	require.NoError(t, json.Unmarshal([]byte(r.body), &doc))
	assert.Equal(t, "Pratik Chaudhari", doc.Event.Speakers[0].Name)
	assert.Equal(t, "UCLA", doc.Event.Speakers[0].Affiliation)
	assert.Equal(t, "bzhou@csail.mit.edu", doc.Event.Contact.Email)
	assert.Equal(t, []web.LinkJSON{{Label: "arXiv", URL: "https://arxiv.org/abs/1611.01838"}, {Label: "arXiv", URL: "https://arxiv.org/abs/1704.04932"}}, doc.Event.Links)
	assert.True(t, doc.Event.Start.Equal(seed.Start))
}

func TestHandler_eventsJSONWindow(t *testing.T) {
	s := newSite(t, nil)
	seed := s.create(seedTalk(t))
	s.create(talkIn(t, "A talk in July", time.July, 10, 11))
	titles := func(query string) []string {
		r := s.getPage("/events.json?"+query, "")
		require.Equal(t, http.StatusOK, r.StatusCode, r.body)
		var doc web.EventsDocument
		require.NoError(t, json.Unmarshal([]byte(r.body), &doc))
		assert.Equal(t, web.JSONVersion, doc.Version)
		assert.Equal(t, "America/New_York", doc.TimeZone)
		var out []string
		for _, e := range doc.Events {
			out = append(out, e.Title)
		}
		return out
	}
	assert.Equal(t, []string{seed.Title}, titles("from=2017-06-01&to=2017-07-01"), "to is exclusive: June")
	assert.Equal(t, []string{seed.Title, "A talk in July"}, titles("from=2017-06-01&to=2017-08-01"))
	assert.Equal(t, []string{seed.Title, "A talk in July"}, titles(""), "default: from now")
	assert.Equal(t, []string{"A talk in July"}, titles("from="+url.QueryEscape("2017-06-12T17:00:00-04:00")), "an RFC 3339 from")

	r := s.getPage("/events.json?from=2017-06-01&to=2017-07-01", "")
	var doc web.EventsDocument
	require.NoError(t, json.Unmarshal([]byte(r.body), &doc))
	assert.Equal(t, "2017-06-01T00:00:00-04:00", doc.From.Format(time.RFC3339), "a date is midnight in the calendar's zone")
	assert.Equal(t, "2017-07-01T00:00:00-04:00", doc.To.Format(time.RFC3339))

	for query, want := range map[string]string{
		"from=2017-07-01&to=2017-06-01":   "is not after",
		"from=June":                       "is neither a date such as 2017-06-01",
		"from=2017-01-01&to=2019-01-01":   "longer than the limit of 366 days",
		"from=2017-01-01&from=2017-02-01": "is given 2 times",
		"from=1066-10-14":                 "outside the years",
	} {
		r := s.getPage("/events.json?"+query, "")
		assert.Equal(t, http.StatusBadRequest, r.StatusCode, query)
		var e web.ErrorDocument
		require.NoError(t, json.Unmarshal([]byte(r.body), &e), query)
		assert.Equal(t, web.JSONVersion, e.Version)
		assert.Contains(t, e.Error, want, query)
	}
}

func TestHandler_eventICS(t *testing.T) {
	s := newSite(t, nil)
	seed := s.create(seedTalk(t))
	r := s.getPage("/events/"+seed.ID+".ics", "")
	require.True(t, assertStatus(t, http.StatusOK, r, "the .ics"))
	assert.Equal(t, "text/calendar; charset=utf-8", r.Header.Get("Content-Type"))
	assert.Contains(t, r.Header.Get("Content-Disposition"), seed.ID+".ics")
	assert.Contains(t, r.body, "\r\nDTSTART;TZID=America/New_York:20170612T160000\r\n")
	cal, err := ics.ParseCalendar(bytes.NewReader([]byte(r.body)))
	require.NoError(t, err, "golang-ical reads it")
	require.Len(t, cal.Events(), 1)
	ev := cal.Events()[0]
	assert.Equal(t, seed.Title, ev.GetProperty(ics.ComponentPropertySummary).Value)
	assert.Equal(t, seed.UID, ev.GetProperty(ics.ComponentPropertyUniqueId).Value)
}

// TestHandler_addToCalendarLinks reads the Google Calendar and Outlook
// links of the event page back as URLs and checks each parameter.
func TestHandler_addToCalendarLinks(t *testing.T) {
	s := newSite(t, &siteOptions{web: web.Options{BaseURL: "https://talks.example.edu/"}})
	seed := s.create(seedTalk(t))
	r := s.getPage("/events/"+seed.ID, "")
	links := map[string]*url.URL{}
	for _, m := range regexp.MustCompile(`href="(https://(calendar\.google\.com|outlook\.office\.com)/[^"]*)"`).FindAllStringSubmatch(r.body, -1) {
		u, err := url.Parse(html.UnescapeString(m[1]))
		require.NoError(t, err)
		links[m[2]] = u
	}
	require.Len(t, links, 2, "both links are on the page")

	g := links["calendar.google.com"]
	assert.Equal(t, "/calendar/render", g.Path)
	gq := g.Query()
	assert.Equal(t, "TEMPLATE", gq.Get("action"))
	assert.Equal(t, seed.Title, gq.Get("text"))
	assert.Equal(t, "20170612T200000Z/20170612T210000Z", gq.Get("dates"), "UTC instants")
	assert.Equal(t, "America/New_York", gq.Get("ctz"))
	assert.Equal(t, "32-D507", gq.Get("location"))
	assert.Contains(t, gq.Get("details"), "Pratik Chaudhari, UCLA")
	assert.Contains(t, gq.Get("details"), "https://talks.example.edu/events/"+seed.ID, "links back to the page")
	assert.Contains(t, gq.Get("details"), "Stochastic gradient descent")
	assert.NotContains(t, g.RawQuery, "+", "spaces are %20")

	o := links["outlook.office.com"]
	assert.Equal(t, "/calendar/0/deeplink/compose", o.Path)
	oq := o.Query()
	assert.Equal(t, "/calendar/action/compose", oq.Get("path"))
	assert.Equal(t, "addevent", oq.Get("rru"))
	assert.Equal(t, seed.Title, oq.Get("subject"))
	assert.Equal(t, "2017-06-12T16:00:00-04:00", oq.Get("startdt"))
	assert.Equal(t, "2017-06-12T17:00:00-04:00", oq.Get("enddt"))
	assert.Equal(t, "32-D507", oq.Get("location"))
	assert.Equal(t, gq.Get("details"), oq.Get("body"))
}

// A long abstract is cut so that the links stay short enough for the
// services, at a character boundary.
func TestHandler_addToCalendarLinksAreBounded(t *testing.T) {
	s := newSite(t, nil)
	e := seedTalk(t)
	e.Abstract = strings.Repeat("Énergie ", 2000)
	seed := s.create(e)
	r := s.getPage("/events/"+seed.ID, "")
	m := regexp.MustCompile(`href="(https://calendar\.google\.com/[^"]*)"`).FindStringSubmatch(r.body)
	require.NotNil(t, m)
	u, err := url.Parse(html.UnescapeString(m[1]))
	require.NoError(t, err)
	details := u.Query().Get("details")
	assert.LessOrEqual(t, len(details), 1000)
	assert.True(t, strings.HasSuffix(details, "…"))
	assert.Less(t, len(m[1]), 8000)
}
