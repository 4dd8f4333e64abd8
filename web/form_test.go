package web_test

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/web"
)

// seedForm is the new form filled in with the seed talk.
func seedForm() url.Values {
	return url.Values{
		"title":                   {"A picture of the energy landscape of deep neural networks"},
		"speakers[0].name":        {"Pratik Chaudhari"},
		"speakers[0].affiliation": {"UCLA"},
		"speakers[1].name":        {""},
		"start":                   {"2017-06-12"},
		"start.time":              {"16:00"},
		"end":                     {""},
		"end.time":                {"17:00"},
		"timeZone":                {"America/New_York"},
		"location.room":           {"32-D507"},
		"host.name":               {"Bolei Zhou"},
		"host.affiliation":        {"MIT CSAIL"},
		"contact.name":            {"Bolei Zhou"},
		"contact.email":           {"bzhou@csail.mit.edu"},
		"public":                  {"on"},
		"abstract":                {"Stochastic gradient descent (SGD) is the gold standard.\r\nSecond line."},
		"links":                   {"arXiv: https://arxiv.org/abs/1611.01838\r\n\r\narXiv: https://arxiv.org/abs/1704.04932"},
		"researchAreas":           {"Machine learning\r\nOptimization"},
		"reminders.lists":         {"seminars@csail.mit.edu\r\nvision-meeting@csail.mit.edu"},
		"reminders.schedule":      {"7 days\r\n1 day"},
	}
}

func TestHandler_create(t *testing.T) {
	s := newSite(t, &siteOptions{web: web.Options{User: func(*http.Request) string { return "Bolei Zhou" }}})
	form := s.getPage("/events/new", "admin")
	require.True(t, assertStatus(t, http.StatusOK, form, "the new form"))
	checkHTML(t, form.body, "en")
	assert.Contains(t, form.body, `<form method="post" action="../events" novalidate>`)

	r := s.post("/events", "admin", seedForm())
	require.True(t, assertStatus(t, http.StatusSeeOther, r, "a valid new talk"))
	loc := r.Header.Get("Location")
	require.Regexp(t, `^\./events/[a-z2-7]{26}\?created=1$`, loc)
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "./events/"), "?created=1")

	e := s.get(id)
	assert.Equal(t, "A picture of the energy landscape of deep neural networks", e.Title)
	assert.Equal(t, []seminar.Person{{Name: "Pratik Chaudhari", Affiliation: "UCLA"}}, e.Speakers, "the empty block is dropped")
	assert.True(t, e.Start.Equal(time.Date(2017, time.June, 12, 20, 0, 0, 0, time.UTC)), "%v", e.Start)
	assert.True(t, e.End.Equal(time.Date(2017, time.June, 12, 21, 0, 0, 0, time.UTC)), "an empty end date is the start's day: %v", e.End)
	assert.Equal(t, "America/New_York", e.TimeZone)
	assert.True(t, e.Public)
	assert.Equal(t, "Stochastic gradient descent (SGD) is the gold standard.\nSecond line.", e.Abstract)
	assert.Equal(t, []seminar.Link{{Label: "arXiv", URL: "https://arxiv.org/abs/1611.01838"}, {Label: "arXiv", URL: "https://arxiv.org/abs/1704.04932"}}, e.Links)
	assert.Equal(t, []string{"Machine learning", "Optimization"}, e.ResearchAreas)
	assert.Equal(t, []string{"seminars@csail.mit.edu", "vision-meeting@csail.mit.edu"}, e.Reminders.Lists)
	assert.Equal(t, []time.Duration{7 * 24 * time.Hour, 24 * time.Hour}, e.Reminders.Schedule)
	assert.Equal(t, "Bolei Zhou", e.CreatedBy)

	page := s.getPage("/events/"+id+"?created=1", "admin")
	assert.Contains(t, elementByID(page.body, "main"), `<p class="flash" role="status">Created.</p>`)
}

// TestHandler_createRefusesInvalidInput posts a form with several
// problems: 422, every problem at its field at once, the user's input kept,
// and nothing stored.
func TestHandler_createRefusesInvalidInput(t *testing.T) {
	s := newSite(t, nil)
	before := s.token()
	form := seedForm()
	form.Set("title", "")
	form.Set("speakers[0].email", "not an email")
	form.Set("contact.email", "bzhou at csail")
	form.Set("end.time", "15:00")
	form.Set("links", "arXiv: https://arxiv.org/abs/1611.01838\nslides: ftp://example.org/slides.pdf")
	form.Set("reminders.schedule", "7 days\nfortnight")
	r := s.post("/events", "admin", form)
	require.True(t, assertStatus(t, http.StatusUnprocessableEntity, r, "an invalid talk"))
	assert.Equal(t, before, s.token(), "nothing stored")

	for path, want := range map[string]string{
		"title":              "is required",
		"speakers[0].email":  "is not an email address",
		"contact.email":      "is not an email address",
		"end":                "must be after start",
		"links":              "Links, line 2, the URL must be an absolute http or https URL",
		"reminders.schedule": `Reminder schedule, line 2: "fortnight" is not a time before the talk`,
	} {
		id := fieldIDOf(path)
		input := inputByID(r.body, id)
		require.NotEmpty(t, input, "the input of %s", path)
		name, _ := attr(input, "name")
		assert.Equal(t, path, name, "the input of %s is named by its path", path)
		problem := elementByID(r.body, id+"-error")
		require.NotEmpty(t, problem, "the problem of %s", path)
		cls, _ := attr(problem, "class")
		assert.Equal(t, "field-error", cls)
		assert.Contains(t, text(problem), want, path)
		described, _ := attr(input, "aria-describedby")
		assert.Contains(t, strings.Fields(described), id+"-error", "%s is described by its problem", path)
		label := regexp.MustCompile(`<label for="` + regexp.QuoteMeta(id) + `">`)
		assert.Regexp(t, label, r.body, "%s has a label", path)
	}
	summary := elementByID(r.body, "error-summary")
	require.NotEmpty(t, summary, "a summary at the top")
	assert.Contains(t, text(summary), "There are 6 problems")
	assert.Contains(t, summary, `href="#field-speakers-0-email"`)
	assert.Less(t, strings.Index(r.body, `id="error-summary"`), strings.Index(r.body, "<form"), "the summary is above the form")

	value := func(id string) string {
		v, _ := attr(inputByID(r.body, id), "value")
		return v
	}
	assert.Equal(t, "not an email", value("field-speakers-0-email"), "the user's input is kept")
	assert.Equal(t, "Pratik Chaudhari", value("field-speakers-0-name"))
	assert.Equal(t, "15:00", value("field-end-time"))
	assert.Contains(t, elementByID(r.body, "field-links"), "slides: ftp://example.org/slides.pdf")
}

// A wall time that daylight saving skips or repeats is a problem of its
// field, not a silent shift.
func TestHandler_createRefusesDaylightSavingGaps(t *testing.T) {
	s := newSite(t, nil)
	form := seedForm()
	form.Set("start", "2017-03-12")
	form.Set("start.time", "02:30")
	form.Set("end", "2017-11-05")
	form.Set("end.time", "01:30")
	r := s.post("/events", "admin", form)
	require.True(t, assertStatus(t, http.StatusUnprocessableEntity, r, "times in a gap and a fold"))
	assert.Contains(t, text(elementByID(r.body, "field-start-error")), "2017-03-12 02:30 does not exist in America/New_York: clocks skip from 02:00 to 03:00")
	assert.Contains(t, text(elementByID(r.body, "field-end-error")), "2017-11-05 01:30 happens twice in America/New_York")
	described, _ := attr(inputByID(r.body, "field-start-time"), "aria-describedby")
	assert.Contains(t, described, "field-start-error", "the time input is described by its date's problem")
	assert.NotContains(t, text(r.body), "start: is required", "no second, wrong problem")
}

func TestHandler_createRefusesAnUnknownZone(t *testing.T) {
	s := newSite(t, nil)
	form := seedForm()
	form.Set("timeZone", "Mars/Olympus_Mons")
	r := s.post("/events", "admin", form)
	require.True(t, assertStatus(t, http.StatusUnprocessableEntity, r, "an unknown zone"))
	assert.Contains(t, text(elementByID(r.body, "field-timeZone-error")), "unknown time zone")
	assert.Empty(t, elementByID(r.body, "field-start-error"), "the date is not blamed")
}

// TestHandler_formFieldsAreValidationPaths breaks every field Validate
// checks and finds each problem at an input named by its path, or, for a
// path the form has no field for, in the summary.
func TestHandler_formFieldsAreValidationPaths(t *testing.T) {
	s := newSite(t, nil)
	bad := strings.Repeat("x", seminar.MaxLineLen+1)
	form := url.Values{
		"title": {bad}, "type": {bad}, "series": {bad},
		"speakers[0].name": {""}, "speakers[0].affiliation": {bad}, "speakers[0].email": {"x"},
		"speakers[0].url": {"x"}, "speakers[0].photoUrl": {"x"}, "speakers[0].bio": {"\x01"},
		"host.name": {bad}, "host.affiliation": {bad}, "host.email": {"x"}, "host.url": {"x"},
		"contact.name": {bad}, "contact.email": {"x"},
		"location.room": {bad}, "location.building": {bad}, "location.address": {bad}, "location.url": {"x"},
		"roomDescription": {"\x01"}, "abstract": {"\x01"},
		"links": {"label x"}, "researchAreas": {"a, b"}, "impactAreas": {"a, b"},
		"reminders.lists": {"x"}, "reminders.subject": {"{{"}, "reminders.schedule": {"-1h"},
		"start": {"2017-06-12"}, "start.time": {"16:00"}, "end.time": {"15:00"}, "timeZone": {"America/New_York"},
	}
	r := s.post("/events", "admin", form)
	require.True(t, assertStatus(t, http.StatusUnprocessableEntity, r, "everything wrong"))

	e := &seminar.Event{
		Title: bad, Type: bad, Series: bad,
		Speakers:        []seminar.Person{{Affiliation: bad, Email: "x", URL: "x", PhotoURL: "x", Bio: "\x01"}},
		Host:            seminar.Person{Name: bad, Affiliation: bad, Email: "x", URL: "x"},
		Contact:         seminar.Person{Name: bad, Email: "x"},
		Location:        seminar.Location{Room: bad, Building: bad, Address: bad, URL: "x"},
		RoomDescription: "\x01", Abstract: "\x01",
		Links: []seminar.Link{{Label: "label", URL: "x"}}, ResearchAreas: []string{"a, b"}, ImpactAreas: []string{"a, b"},
		Reminders: seminar.Reminders{Lists: []string{"x"}, Subject: "{{", Schedule: []time.Duration{-time.Hour}},
		Start:     time.Date(2017, 6, 12, 20, 0, 0, 0, time.UTC), End: time.Date(2017, 6, 12, 19, 0, 0, 0, time.UTC),
		TimeZone: "America/New_York",
	}
	var ve *seminar.ValidationError
	require.True(t, errors.As(e.Validate(), &ve))
	lists := regexp.MustCompile(`^(links|researchAreas|impactAreas|reminders\.lists|reminders\.schedule)\[\d+\]`)
	for _, f := range ve.Fields {
		field := lists.ReplaceAllString(f.Path, "$1")
		if m := lists.FindStringSubmatch(f.Path); m != nil {
			field = m[1]
		}
		problem := elementByID(r.body, fieldIDOf(field)+"-error")
		assert.NotEmpty(t, problem, "the form shows the problem of %s (%s) at its field", f.Path, f.Message)
	}
}

func TestHandler_edit(t *testing.T) {
	s := newSite(t, nil)
	seed := s.create(seedTalk(t))
	page := s.getPage("/events/"+seed.ID+"/edit", "admin")
	require.True(t, assertStatus(t, http.StatusOK, page, "the edit form"))
	checkHTML(t, page.body, "en")
	form := formOf(t, page.body)
	assert.Equal(t, "1", form.Get("version"))
	assert.NotEmpty(t, form.Get("orig"))
	assert.Equal(t, "2017-06-12", form.Get("start"))
	assert.Equal(t, "16:00", form.Get("start.time"))
	assert.Equal(t, "17:00", form.Get("end.time"))
	assert.Equal(t, "America/New_York", form.Get("timeZone"))
	assert.Equal(t, "Pratik Chaudhari", form.Get("speakers[0].name"))
	assert.Equal(t, "", form.Get("speakers[1].name"), "one empty speaker block to add another")
	assert.Equal(t, "arXiv: https://arxiv.org/abs/1611.01838\narXiv: https://arxiv.org/abs/1704.04932", form.Get("links"))
	assert.Equal(t, "7 days\n1 day", form.Get("reminders.schedule"))
	assert.Equal(t, "on", form.Get("public"))

	form.Set("location.room", "32-G449")
	form.Set("speakers[1].name", "Stefano Soatto")
	form.Set("speakers[1].affiliation", "UCLA")
	form.Del("public")
	r := s.post("/events/"+seed.ID+"/edit", "admin", form)
	require.True(t, assertStatus(t, http.StatusSeeOther, r, "a valid edit"))
	assert.Equal(t, "../../events/"+seed.ID+"?saved=1", r.Header.Get("Location"))
	e := s.get(seed.ID)
	assert.Equal(t, "32-G449", e.Location.Room)
	assert.Equal(t, []seminar.Person{
		{Name: "Pratik Chaudhari", Affiliation: "UCLA", Bio: seed.Speakers[0].Bio},
		{Name: "Stefano Soatto", Affiliation: "UCLA"},
	}, e.Speakers)
	assert.False(t, e.Public)
	assert.Equal(t, seed.Abstract, e.Abstract, "what was not changed is kept")
	assert.Equal(t, seed.Reminders, e.Reminders)
	assert.Equal(t, "Bolei Zhou", e.CreatedBy)
	assert.Equal(t, int64(2), e.Version)

	saved := s.getPage("/events/"+seed.ID+"?saved=1", "admin")
	assert.Contains(t, saved.body, `<p class="flash" role="status">Saved.</p>`)
	assert.Contains(t, text(saved.body), "Location 32-G449", "the page shows the edit at once")
}

// An edit form of an event with seconds in its times, as imports bring,
// keeps them.
func TestHandler_editKeepsSeconds(t *testing.T) {
	s := newSite(t, nil)
	e := seedTalk(t)
	e.Start = e.Start.Add(30 * time.Second)
	seed := s.create(e)
	form := formOf(t, s.getPage("/events/"+seed.ID+"/edit", "admin").body)
	assert.Equal(t, "16:00:30", form.Get("start.time"))
	r := s.post("/events/"+seed.ID+"/edit", "admin", form)
	require.True(t, assertStatus(t, http.StatusSeeOther, r, "saved unchanged"))
	assert.True(t, seed.Start.Equal(s.get(seed.ID).Start))
}

// fieldIDOf is the documented rule: "field-" and the path with each run of
// other characters than letters and digits made a "-".
func fieldIDOf(path string) string {
	return "field-" + regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(path, "-")
}

// inputByID returns the input, textarea or select with the id.
func inputByID(page, id string) string {
	m := regexp.MustCompile(`<(input|textarea|select)\s[^>]*\bid="` + regexp.QuoteMeta(id) + `"[^>]*>`).FindString(page)
	return m
}

// formOf reads the values of the first form of page, as a browser would
// submit them: inputs (checkboxes when checked), textareas and selects.
func formOf(t *testing.T, page string) url.Values {
	t.Helper()
	start := strings.Index(page, "<form")
	end := strings.Index(page, "</form>")
	require.True(t, start >= 0 && end > start, "a form")
	f := page[start:end]
	v := url.Values{}
	for _, in := range regexp.MustCompile(`<input\s[^>]*>`).FindAllString(f, -1) {
		name, ok := attr(in, "name")
		if !ok {
			continue
		}
		typ, _ := attr(in, "type")
		value, _ := attr(in, "value")
		if typ == "checkbox" {
			if _, checked := attr(in, "checked"); !checked {
				continue
			}
		}
		v.Add(name, value)
	}
	for _, m := range regexp.MustCompile(`(?s)<textarea\s[^>]*name="([^"]*)"[^>]*>(.*?)</textarea>`).FindAllStringSubmatch(f, -1) {
		v.Add(m[1], unescape(strings.TrimPrefix(m[2], "\n")))
	}
	for _, m := range regexp.MustCompile(`(?s)<select\s[^>]*name="([^"]*)"[^>]*>(.*?)</select>`).FindAllStringSubmatch(f, -1) {
		if sel := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(m[2]); sel != nil {
			v.Add(m[1], sel[1])
		}
	}
	return v
}
