package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/web"
)

// TestHandler_escapesEveryValue stores a talk whose every text is markup
// and finds it escaped on every page that shows it, as an admin sees
// them (who sees the most).
func TestHandler_escapesEveryValue(t *testing.T) {
	const attack = `<script>alert(1)</script>`
	const quoted = `"><img src=x onerror=alert(1)>`
	s := newSite(t, nil)
	e := seedTalk(t)
	e.Title = attack
	e.Type = quoted
	series, err := s.cal.CreateSeries(t.Context(), &seminar.Series{Name: attack, Description: quoted,
		Defaults: seminar.SeriesDefaults{Public: true}})
	require.NoError(t, err)
	e.Series = series.ID
	e.Speakers[0].Name = attack
	e.Speakers[0].Affiliation = quoted
	e.Speakers[0].Bio = attack
	e.Speakers[0].URL = "https://example.org/?q=" + url.QueryEscape(quoted)
	e.Host = seminar.Person{Name: attack, Affiliation: quoted}
	e.Contact.Name = attack
	e.Location = seminar.Location{Room: attack, Building: quoted, Address: attack}
	e.RoomDescription = attack
	e.Abstract = attack + "\n" + quoted
	e.Links = []seminar.Link{{Label: attack, URL: "https://example.org/a"}}
	e.ResearchAreas = []string{attack}
	e.Reminders.Subject = "TALK: {{.Title}}"
	e.CreatedBy = attack
	seed := s.create(e)
	other := talk(t, "Other", 5, 11)
	other.Speakers[0].Name = attack
	s.create(other)
	_, err = s.cal.Cancel(t.Context(), seed.ID, attack)
	require.NoError(t, err)

	for _, path := range []string{
		"/", "/months/2017-06", "/series/" + series.ID, "/events/" + seed.ID,
		"/events/" + seed.ID + "/edit", "/events/" + seed.ID + "/cancel", "/events/" + seed.ID + "/send",
	} {
		r := s.getPage(path, "admin")
		require.Less(t, r.StatusCode, 500, path)
		assert.NotContains(t, r.body, "<script", path)
		assert.NotContains(t, r.body, "<img src=x", path)
		assert.Contains(t, r.body, "&lt;script&gt;alert(1)&lt;/script&gt;", "%s shows the text, escaped", path)
	}

	r := s.getPage("/events/"+seed.ID+".json", "")
	assert.NotContains(t, r.body, "<script", "JSON escapes markup too")
	var doc web.EventDocument
	require.NoError(t, json.Unmarshal([]byte(r.body), &doc))
	assert.Equal(t, attack, doc.Event.Title, "and decodes to the very text")

	// A form re-rendered with markup in the user's input escapes it too.
	form := seedForm()
	form.Set("title", attack)
	form.Set("speakers[0].email", quoted)
	r = s.post("/events", "admin", form)
	require.Equal(t, http.StatusUnprocessableEntity, r.StatusCode)
	assert.NotContains(t, r.body, "<script")
	assert.NotContains(t, r.body, "<img src=x")
	assert.True(t, strings.Contains(r.body, `value="&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"`), "the kept input is escaped in its attribute")
}

// The preview's HTML part is escaped into srcdoc, where it is a document
// of its own in a frame that runs no script.
func TestHandler_previewEscapesItsFrame(t *testing.T) {
	s := newSite(t, nil)
	e := seedTalk(t)
	e.Title = `</iframe><script>alert(1)</script>`
	seed := s.create(e)
	r := s.getPage("/events/"+seed.ID+"/preview", "admin")
	require.Equal(t, http.StatusOK, r.StatusCode)
	assert.NotContains(t, r.body, "<script")
	assert.Equal(t, 1, strings.Count(r.body, "</iframe>"), "the title does not close the frame")
}
