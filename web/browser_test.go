package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
	"github.com/seminarkit/seminar/internal/browsertest"
	"github.com/seminarkit/seminar/mail"
	"github.com/seminarkit/seminar/store/sqlite"
	"github.com/seminarkit/seminar/web"
)

// The browser tests serve the site of a calendar like the seed's
// (testdata/csail-event.txt at the module root): the seed talk, other talks
// of June 2017 and one talk that is not public, on SQLite, with the clock
// on the day the seed talk was entered. A request may write when it
// carries the editor's cookie, which the tests set in the browser.

const (
	seedTitle   = "A picture of the energy landscape of deep neural networks"
	editorName  = "seminar-editor"
	editorValue = "bolei"
)

// enteredAt is Friday, June 9, 2017 at 10:10 AM Eastern.
var enteredAt = time.Date(2017, time.June, 9, 14, 10, 0, 0, time.UTC)

// juneOthers are the other talks of June 2017: title, speaker, room, day, hour.
var juneOthers = []struct {
	title, speaker, room string
	day, hour            int
}{
	{"Learning to see by moving", "Ana Ferreira", "32-G449", 5, 11},
	{"Sparse recovery in sublinear time", "Wei Zhang", "32-G575", 8, 14},
	{"Scene understanding from a single image", "Léa Martin", "32-D463", 16, 13},
	{"Interfaces that explain themselves", "Mira Kovač", "32-D507", 28, 16},
}

// privateTitle is a June talk that is not public.
const privateTitle = "Closed lab meeting: budget"

// browserSite is a web.Handler served over HTTP on a seed-like calendar.
type browserSite struct {
	cal  *seminar.Calendar
	ts   *httptest.Server
	seed *seminar.Event

	mu sync.Mutex
	// asked records each Authorize call as "METHOD action".
	asked []string
}

func (s *browserSite) authorize(r *http.Request, a web.Action, e *seminar.Event) error {
	s.mu.Lock()
	s.asked = append(s.asked, r.Method+" "+string(a))
	s.mu.Unlock()
	if c, err := r.Cookie(editorName); err == nil && c.Value == editorValue {
		return nil
	}
	return fmt.Errorf("not the editor")
}

// askedFor returns the Authorize calls made for requests of the method.
func (s *browserSite) askedFor(method string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, a := range s.asked {
		if strings.HasPrefix(a, method+" ") {
			out = append(out, a)
		}
	}
	return out
}

func newBrowserSite(t *testing.T) *browserSite {
	t.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "seminar.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	clock := func() time.Time { return enteredAt }
	cal, err := seminar.New(store, &seminar.Options{
		Domain: "csail.mit.edu", TimeZone: "America/New_York", Now: clock,
		Composer: mail.Composer{}, ICS: &ical.Attacher{Options: ical.EncodeOptions{Now: clock}},
		From: "CSAIL Seminars <seminars@csail.mit.edu>",
	})
	require.NoError(t, err)

	s := &browserSite{cal: cal}
	talks := []*seminar.Event{browserSeed(t)}
	for _, o := range juneOthers {
		talks = append(talks, browserTalk(t, o.title, o.speaker, o.room, o.day, o.hour, true))
	}
	talks = append(talks, browserTalk(t, privateTitle, "Bolei Zhou", "32-D451", 20, 9, false))
	created, err := cal.CreateMany(t.Context(), talks)
	require.NoError(t, err)
	s.seed = created[0]

	// Poll -1: the tests write through the Calendar too, as another
	// process would, and the pages must show it at once.
	h, err := web.New(cal, &web.Options{Authorize: s.authorize, Now: clock, Poll: -1, Title: "CSAIL Seminars"})
	require.NoError(t, err)
	s.ts = httptest.NewServer(h)
	t.Cleanup(s.ts.Close)
	return s
}

func browserSeed(t *testing.T) *seminar.Event {
	start, err := seminar.WallTime(2017, time.June, 12, 16, 0, "America/New_York")
	require.NoError(t, err)
	return &seminar.Event{
		Title: seedTitle,
		Speakers: []seminar.Person{{Name: "Pratik Chaudhari", Affiliation: "UCLA",
			Bio: "Pratik Chaudhari is a PhD candidate in Computer Science at UCLA."}},
		Start: start, End: start.Add(time.Hour), TimeZone: "America/New_York",
		Public:   true,
		Location: seminar.Location{Room: "32-D507"},
		Host:     seminar.Person{Name: "Bolei Zhou", Affiliation: "MIT CSAIL"},
		Contact:  seminar.Person{Name: "Bolei Zhou", Email: "bzhou@csail.mit.edu"},
		Abstract: "Stochastic gradient descent (SGD) is the gold standard of optimization in deep learning.",
		Links: []seminar.Link{
			{Label: "arXiv", URL: "https://arxiv.org/abs/1611.01838"},
			{Label: "arXiv", URL: "https://arxiv.org/abs/1704.04932"},
		},
		Reminders: seminar.Reminders{
			Lists:    []string{"seminars@csail.mit.edu", "vision-meeting@csail.mit.edu"},
			Schedule: []time.Duration{7 * 24 * time.Hour, 24 * time.Hour},
		},
		CreatedBy: "Bolei Zhou",
	}
}

func browserTalk(t *testing.T, title, speaker, room string, day, hour int, public bool) *seminar.Event {
	start, err := seminar.WallTime(2017, time.June, day, hour, 0, "America/New_York")
	require.NoError(t, err)
	return &seminar.Event{
		Title: title, Speakers: []seminar.Person{{Name: speaker}},
		Start: start, End: start.Add(time.Hour), TimeZone: "America/New_York",
		Public: public, Location: seminar.Location{Room: room},
		Contact: seminar.Person{Name: "Bolei Zhou", Email: "bzhou@csail.mit.edu"},
	}
}

func (s *browserSite) url(path string) string { return s.ts.URL + path }

// eventPath is the seed talk's page, or one of its actions.
func (s *browserSite) eventPath(action string) string {
	p := "/events/" + s.seed.ID
	if action != "" {
		p += "/" + action
	}
	return p
}

// editor opens a browser that carries the editor's cookie, with the time
// for about ten page loads: under CI's load (go test -race ./..., two
// packages at once on two cores) the edit flow took 16 s of the default 30.
func (s *browserSite) editor(t *testing.T) *browsertest.Page {
	p := browsertest.New(t, &browsertest.Options{Timeout: time.Minute})
	p.SetCookie(s.ts.URL, editorName, editorValue)
	return p
}

// icsProperty fetches the seed talk's .ics and returns the value of the
// property, unfolded.
func (s *browserSite) icsProperty(t *testing.T, name string) string {
	t.Helper()
	resp, err := http.Get(s.url(s.eventPath("") + ".ics"))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	unfolded := strings.ReplaceAll(string(body), "\r\n ", "")
	for line := range strings.SplitSeq(unfolded, "\r\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return v
		}
	}
	t.Fatalf("the .ics has no %s:\n%s", name, body)
	return ""
}

var notAlnum = regexp.MustCompile(`[^A-Za-z0-9]+`)

// fieldID is the id of the input for a validation path, as the forms name
// them: speakers[0].email is field-speakers-0-email.
func fieldID(path string) string { return "field-" + notAlnum.ReplaceAllString(path, "-") }

// submitOf is the submit button of the form holding the field.
func submitOf(path string) string { return "form:has(#" + fieldID(path) + ") [type=submit]" }

// wantText checks that text holds each of want, saying what is missing.
func wantText(t *testing.T, page, text string, want map[string]string) {
	t.Helper()
	for what, s := range want {
		assert.Contains(t, text, s, "the %s must show the %s", page, what)
	}
}

func TestHandler_eventAndMonthPages_inChromium(t *testing.T) {
	s := newBrowserSite(t)
	p := browsertest.New(t, nil)

	require.Equal(t, http.StatusOK, p.Navigate(s.url(s.eventPath(""))))
	text := p.Text()
	wantText(t, "event page", text, map[string]string{
		"title":       seedTitle,
		"speaker":     "Pratik Chaudhari",
		"affiliation": "UCLA",
		"date":        "Monday, June 12, 2017",
		"start":       "4:00 PM",
		"end":         "5:00 PM",
		"zone note":   "all times are in the Eastern Time Zone",
		"room":        "32-D507",
		"host":        "Bolei Zhou",
		"abstract":    "Stochastic gradient descent",
		"month link":  "Other events happening in June 2017",
	})
	for _, o := range juneOthers {
		assert.Contains(t, text, o.title, "the event page must list the other public talks of June 2017")
	}
	for _, leak := range []string{"vision-meeting@csail.mit.edu", privateTitle} {
		assert.NotContains(t, text, leak, "an anonymous visitor must not see the reminder lists or a talk that is not public")
	}
	p.Screenshot("event")

	require.Equal(t, http.StatusOK, p.Navigate(s.url("/months/2017-06")))
	text = p.Text()
	assert.Contains(t, text, seedTitle, "the month page must list the seed talk")
	for _, o := range juneOthers {
		assert.Contains(t, text, o.title, "the month page must list every public talk of June 2017")
		assert.Contains(t, text, o.speaker, "the month page must name each talk's speaker")
	}
	assert.NotContains(t, text, privateTitle, "an anonymous visitor must not see a talk that is not public")
	p.Screenshot("month")

	p.SetCookie(s.ts.URL, editorName, editorValue)
	require.Equal(t, http.StatusOK, p.Navigate(s.url("/months/2017-06")))
	assert.Contains(t, p.Text(), privateTitle, "the editor, allowed to view it, must see the talk that is not public")
}

func TestHandler_edit_inChromium(t *testing.T) {
	s := newBrowserSite(t)
	p := s.editor(t)
	before, err := strconv.Atoi(s.icsProperty(t, "SEQUENCE"))
	require.NoError(t, err)

	// A bad email: the page answers with the form again, the error beside
	// its field and every value as typed.
	require.Equal(t, http.StatusOK, p.Navigate(s.url(s.eventPath("edit"))))
	assert.Equal(t, seedTitle, p.Value(fieldID("title")), "the edit form must be filled with the event")
	assert.Equal(t, "32-D507", p.Value(fieldID("location.room")))
	status := p.Submit(submitOf("title"), map[string]string{
		fieldID("contact.email"): "bzhou at csail", fieldID("location.room"): "32-G449",
	})
	assert.GreaterOrEqual(t, status, 400, "an invalid form must not be answered as a success")
	assert.Less(t, status, 500)
	errID := fieldID("contact.email") + "-error"
	require.True(t, p.Has(errID), "the field's error must be in #%s", errID)
	assert.NotEmpty(t, strings.TrimSpace(p.TextOf(errID)), "the field's error must say what is wrong")
	assert.Equal(t, "bzhou at csail", p.Value(fieldID("contact.email")), "the form must keep what was typed")
	assert.Equal(t, "32-G449", p.Value(fieldID("location.room")), "the form must keep the other edits too")
	near := besideField(t, p, fieldID("contact.email"))
	assert.True(t, near.Visible, "the error must be visible")
	assert.True(t, near.FieldError, "the error must have the class field-error")
	assert.Less(t, near.Gap, 40.0, "the error must be beside its field, not %.0f px away", near.Gap)
	p.Screenshot("edit-error")
	got, err := s.cal.Get(t.Context(), s.seed.ID)
	require.NoError(t, err)
	assert.Equal(t, "32-D507", got.Location.Room, "an invalid form must change nothing")

	// A stale version: another edit lands between loading the form and
	// submitting it.
	require.Equal(t, http.StatusOK, p.Navigate(s.url(s.eventPath("edit"))))
	other := got.Clone()
	other.Location.Room = "32-G882"
	_, err = s.cal.Update(t.Context(), other)
	require.NoError(t, err)
	status = p.Submit(submitOf("title"), map[string]string{fieldID("title"): seedTitle + " (revised)"})
	assert.Equal(t, http.StatusConflict, status, "a stale version must be answered 409")
	require.True(t, p.Has("conflict"), "a stale version must show the section #conflict")
	conflict := p.TextOf("conflict")
	assert.Contains(t, conflict, "32-D507", "the conflict section must show what the other edit changed, from")
	assert.Contains(t, conflict, "32-G882", "the conflict section must show what the other edit changed, to")
	assert.Equal(t, seedTitle+" (revised)", p.Value(fieldID("title")), "the form must be filled to reapply the edit")
	p.Screenshot("conflict")
	status = p.Click(submitOf("title"))
	assert.Equal(t, http.StatusOK, status, "the reapplied edit must be saved")
	got, err = s.cal.Get(t.Context(), s.seed.ID)
	require.NoError(t, err)
	assert.Equal(t, seedTitle+" (revised)", got.Title, "the reapplied edit must be saved")
	assert.Equal(t, "32-G882", got.Location.Room, "reapplying an edit must keep what the other edit changed")

	// A good edit: the new room on the event page, and a higher SEQUENCE
	// for calendars that subscribed.
	require.Equal(t, http.StatusOK, p.Navigate(s.url(s.eventPath("edit"))))
	status = p.Submit(submitOf("title"), map[string]string{fieldID("location.room"): "32-G449"})
	assert.Equal(t, http.StatusOK, status)
	assert.True(t, strings.HasPrefix(p.URL(), s.url(s.eventPath(""))), "a saved edit must lead to the event's page, not %s", p.URL())
	assert.Contains(t, p.Text(), "32-G449", "the event page must show the new room")
	after, err := strconv.Atoi(s.icsProperty(t, "SEQUENCE"))
	require.NoError(t, err)
	assert.Greater(t, after, before, "moving the talk must raise the .ics SEQUENCE")
}

// placement is where a field's error stands.
type placement struct {
	Visible    bool    `json:"visible"`
	FieldError bool    `json:"fieldError"`
	Gap        float64 `json:"gap"`
}

// besideField measures the error of the field with the given id: whether
// it shows, and the vertical gap between the two boxes (0 when they share
// a line).
func besideField(t *testing.T, p *browsertest.Page, id string) placement {
	t.Helper()
	got, err := chromedp.Run(p.Context(), chromedp.Evaluate[placement](`((i, e) => {
		const a = i.getBoundingClientRect(), b = e.getBoundingClientRect();
		const style = getComputedStyle(e);
		return {
			visible: b.width > 0 && b.height > 0 && style.visibility !== "hidden",
			fieldError: e.classList.contains("field-error"),
			gap: Math.max(0, b.top - a.bottom, a.top - b.bottom),
		};
	})(document.getElementById(`+strconv.Quote(id)+`), document.getElementById(`+strconv.Quote(id+"-error")+`))`))
	require.NoError(t, err)
	return got
}

func TestHandler_cancel_inChromium(t *testing.T) {
	s := newBrowserSite(t)
	p := s.editor(t)

	require.Equal(t, http.StatusOK, p.Navigate(s.url(s.eventPath("cancel"))))
	status := p.Submit(submitOf("reason"), map[string]string{fieldID("reason"): "The speaker's flight was cancelled."})
	assert.Equal(t, http.StatusOK, status)
	text := p.Text()
	assert.Contains(t, strings.ToLower(text), "cancelled", "the event page must say the talk is cancelled")
	assert.Contains(t, text, "The speaker's flight was cancelled.", "the event page must give the reason")
	p.Screenshot("cancelled")

	assert.Equal(t, "CANCELLED", s.icsProperty(t, "STATUS"), "the .ics must tell calendars the talk is cancelled")
	got, err := s.cal.Get(t.Context(), s.seed.ID)
	require.NoError(t, err)
	assert.True(t, got.Cancelled())
	assert.Equal(t, "The speaker's flight was cancelled.", got.CancelReason)

	feed := s.eventsJSON(t)
	require.Contains(t, feed, s.seed.ID, "the JSON feed must keep the cancelled talk")
	assert.Equal(t, "cancelled", feed[s.seed.ID].Status, "the JSON feed must say the talk is cancelled")
	assert.Equal(t, "The speaker's flight was cancelled.", feed[s.seed.ID].CancelReason)

	require.Equal(t, http.StatusOK, p.Navigate(s.url("/months/2017-06")))
	text = p.Text()
	assert.Contains(t, text, seedTitle, "a cancelled talk must stay listed, so that people learn of it")
	assert.Contains(t, strings.ToLower(text), "cancelled", "the month must mark the talk cancelled")
}

// eventsJSON returns the events of June 2017 in /events.json by ID.
func (s *browserSite) eventsJSON(t *testing.T) map[string]web.EventJSON {
	t.Helper()
	q := url.Values{"from": {"2017-06-01T00:00:00-04:00"}, "to": {"2017-07-01T00:00:00-04:00"}}
	resp, err := http.Get(s.url("/events.json?" + q.Encode()))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var feed web.EventsDocument
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&feed))
	byID := map[string]web.EventJSON{}
	for _, e := range feed.Events {
		byID[e.ID] = e
	}
	return byID
}

func TestHandler_preview_inChromium(t *testing.T) {
	s := newBrowserSite(t)
	p := s.editor(t)

	require.Equal(t, http.StatusOK, p.Navigate(s.url(s.eventPath("preview"))))
	sandbox, err := chromedp.Run(p.Context(), chromedp.AttributeValue(chromedp.CSS("#preview-html"), "sandbox"))
	require.NoError(t, err)
	require.True(t, sandbox.Exists, "the preview iframe must be sandboxed")
	assert.NotContains(t, sandbox.Value, "allow-scripts", "the preview must not run scripts of the message")
	assert.NotContains(t, sandbox.Value, "allow-same-origin", "the preview must not share the browserSite's origin")
	frame := p.FrameText("#preview-html")
	wantText(t, "reminder preview", frame, map[string]string{
		"title":   seedTitle,
		"speaker": "Pratik Chaudhari",
		"date":    "Monday, June 12, 2017",
		"room":    "32-D507",
	})
	p.Screenshot("preview")
}

func TestHandler_crossOriginPost_inChromium(t *testing.T) {
	s := newBrowserSite(t)
	// Another origin (same host, another port: the editor's cookie goes
	// along, so only the origin check stands in the way).
	target := s.url(s.eventPath("cancel"))
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><title>win a prize</title><form method="post" action="%s">
<input type="hidden" name="reason" value="forged"><button id="go">Win</button></form>`, html.EscapeString(target))
	}))
	defer evil.Close()

	p := s.editor(t)
	require.Equal(t, http.StatusOK, p.Navigate(evil.URL))
	status := p.Click("#go")
	assert.Equal(t, target, p.URL(), "the form must have posted to the browserSite")
	assert.Equal(t, http.StatusForbidden, status, "a cross-origin post must be refused")
	got, err := s.cal.Get(t.Context(), s.seed.ID)
	require.NoError(t, err)
	assert.False(t, got.Cancelled(), "a cross-origin post must not cancel the talk")
	assert.NotContains(t, s.askedFor(http.MethodPost), "POST "+string(web.ActionCancel),
		"a cross-origin post must be refused before Authorize is asked to cancel")
}
