package web_test

import (
	"context"
	"errors"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
	"github.com/seminarkit/seminar/mail"
	"github.com/seminarkit/seminar/store/memstore"
	"github.com/seminarkit/seminar/web"
)

// siteNow is the clock of the test sites: Saturday, June 10, 2017, before
// the seed talk of Monday, June 12.
var siteNow = time.Date(2017, time.June, 10, 14, 0, 0, 0, time.UTC)

// secretReason is what the test Authorize says when it denies: a page
// that shows it leaks what the host meant to keep.
const secretReason = "denied-because-of-internal-rule-7"

// roles is the test sites' Authorize, by the X-Role request header:
// "admin" may do everything, "viewer" may see non-public events only, and
// anyone else nothing.
func roles(r *http.Request, a web.Action, e *seminar.Event) error {
	switch r.Header.Get("X-Role") {
	case "admin":
		return nil
	case "viewer":
		if a == web.ActionView {
			return nil
		}
	}
	return errors.New(secretReason)
}

// site is a Handler on a memstore Calendar whose reminders a Recorder
// takes.
type site struct {
	t    *testing.T
	cal  *seminar.Calendar
	h    *web.Handler
	sent *mail.Recorder
}

type siteOptions struct {
	web      web.Options
	noMailer bool
	style    seminar.Style
	store    seminar.Store
	now      func() time.Time
}

func newSite(t *testing.T, so *siteOptions) *site {
	t.Helper()
	if so == nil {
		so = &siteOptions{}
	}
	s := &site{t: t, sent: &mail.Recorder{}}
	store := so.store
	if store == nil {
		store = memstore.New()
	}
	now := so.now
	if now == nil {
		now = func() time.Time { return siteNow }
	}
	opts := &seminar.Options{
		Domain: "csail.mit.edu", TimeZone: "America/New_York", Now: now,
		ICS: &ical.Attacher{Options: ical.EncodeOptions{Now: now}}, From: "CSAIL Seminars <seminars@csail.mit.edu>", Style: so.style,
	}
	if so.noMailer {
		opts.Composer = mail.Composer{}
	} else {
		opts.Mailer = s.sent
	}
	var err error
	s.cal, err = seminar.New(store, opts)
	require.NoError(t, err)
	wo := so.web
	if wo.Authorize == nil {
		wo.Authorize = roles
	}
	if wo.Now == nil {
		wo.Now = now
	}
	s.h, err = web.New(s.cal, &wo)
	require.NoError(t, err)
	return s
}

// seedTalk is the talk of the seed page.
func seedTalk(t testing.TB) *seminar.Event {
	t.Helper()
	start, err := seminar.WallTime(2017, time.June, 12, 16, 0, "America/New_York")
	require.NoError(t, err)
	return &seminar.Event{
		UID:   "2017-06-12-chaudhari@csail.mit.edu",
		Title: "A picture of the energy landscape of deep neural networks",
		Speakers: []seminar.Person{{
			Name: "Pratik Chaudhari", Affiliation: "UCLA",
			Bio: "Pratik Chaudhari is a PhD candidate in Computer Science at UCLA.",
		}},
		Start: start, End: start.Add(time.Hour), TimeZone: "America/New_York",
		Public:   true,
		Location: seminar.Location{Room: "32-D507"},
		Host:     seminar.Person{Name: "Bolei Zhou", Affiliation: "MIT CSAIL"},
		Contact:  seminar.Person{Name: "Bolei Zhou", Email: "bzhou@csail.mit.edu"},
		Abstract: "Stochastic gradient descent (SGD) is the gold standard of optimization in deep learning.\n" +
			"In practice, optima discovered by SGD have a large proportion of almost-zero eigenvalues in the Hessian.",
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

// talk is a short public talk on a day of June 2017 at an hour, Eastern
// time.
func talk(t testing.TB, title string, day, hour int) *seminar.Event {
	t.Helper()
	return talkIn(t, title, time.June, day, hour)
}

func talkIn(t testing.TB, title string, month time.Month, day, hour int) *seminar.Event {
	t.Helper()
	start, err := seminar.WallTime(2017, month, day, hour, 0, "America/New_York")
	require.NoError(t, err)
	return &seminar.Event{
		Title: title, Start: start, End: start.Add(time.Hour), TimeZone: "America/New_York", Public: true,
		Speakers: []seminar.Person{{Name: "Ana Ferreira", Affiliation: "Example University"}},
		Location: seminar.Location{Room: "32-G449"},
	}
}

// vision is the Vision Seminar series, whose talks are not public by
// default; it is made on first use.
func (s *site) vision() *seminar.Series {
	s.t.Helper()
	if v, err := s.cal.GetSeries(context.Background(), "vision-seminar"); err == nil {
		return v
	}
	v, err := s.cal.CreateSeries(context.Background(), &seminar.Series{
		Name:        "Vision Seminar",
		Description: "Talks on computer vision, Mondays at 4.",
	})
	require.NoError(s.t, err)
	return v
}

func (s *site) create(e *seminar.Event) *seminar.Event {
	s.t.Helper()
	created, err := s.cal.Create(context.Background(), e)
	require.NoError(s.t, err)
	return created
}

func (s *site) get(id string) *seminar.Event {
	s.t.Helper()
	e, err := s.cal.Get(context.Background(), id)
	require.NoError(s.t, err)
	return e
}

// request is one request to a site.
type request struct {
	method, path string
	form         url.Values
	role         string
	header       http.Header
}

// response is an answer, with its body read.
type response struct {
	*http.Response
	body string
}

func (s *site) do(req request) response {
	s.t.Helper()
	if req.method == "" {
		req.method = http.MethodGet
	}
	var body io.Reader
	if req.form != nil {
		body = strings.NewReader(req.form.Encode())
	}
	r := httptest.NewRequest(req.method, req.path, body)
	if req.form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if req.role != "" {
		r.Header.Set("X-Role", req.role)
	}
	for name, values := range req.header {
		r.Header[name] = values
	}
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, r)
	resp := w.Result()
	b, err := io.ReadAll(resp.Body)
	require.NoError(s.t, err)
	return response{Response: resp, body: string(b)}
}

func (s *site) getPage(path, role string) response {
	s.t.Helper()
	return s.do(request{path: path, role: role})
}

func (s *site) post(path, role string, form url.Values) response {
	s.t.Helper()
	return s.do(request{method: http.MethodPost, path: path, role: role, form: form})
}

// text is a page's visible text, roughly: inline tags dropped, other tags
// made a space, entities decoded, white space collapsed. Style content is
// dropped too.
func text(page string) string {
	page = regexp.MustCompile(`(?s)<style>.*?</style>`).ReplaceAllString(page, " ")
	page = regexp.MustCompile(`(?s)</?(a|strong|span|time|em|b|i|code)\b[^>]*>`).ReplaceAllString(page, "")
	page = regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(page, " ")
	return strings.Join(strings.Fields(html.UnescapeString(page)), " ")
}

// elementByID returns the opening tag and content of the element with the
// given id, up to the first close of its tag name (enough for the elements
// tested, which do not nest their own kind), or "".
func elementByID(page, id string) string {
	re := regexp.MustCompile(`(?s)<(\w+)[^>]*\sid="` + regexp.QuoteMeta(id) + `"[^>]*>`)
	loc := re.FindStringSubmatchIndex(page)
	if loc == nil {
		return ""
	}
	tag := page[loc[2]:loc[3]]
	rest := page[loc[0]:]
	if end := strings.Index(rest, "</"+tag+">"); end >= 0 {
		return rest[:end+len(tag)+3]
	}
	return page[loc[0]:loc[1]]
}

// attr returns the value of an attribute of the first tag in s, decoded.
func attr(s, name string) (string, bool) {
	end := strings.IndexByte(s, '>')
	if end < 0 {
		return "", false
	}
	m := regexp.MustCompile(`\s` + regexp.QuoteMeta(name) + `(?:="([^"]*)")?[\s>/]`).FindStringSubmatch(s[:end+1])
	if m == nil {
		return "", false
	}
	return html.UnescapeString(m[1]), true
}

// token is the calendar's change token, to show that nothing was written.
func (s *site) token() string {
	s.t.Helper()
	tok, err := s.cal.ChangeToken(context.Background())
	require.NoError(s.t, err)
	return tok
}

// assertStatus checks a response's status, showing the start of its body
// when it is not the one wanted.
func assertStatus(t *testing.T, want int, r response, what string) bool {
	t.Helper()
	body := r.body
	if len(body) > 3000 {
		body = body[:3000] + "..."
	}
	return assert.Equal(t, want, r.StatusCode, "%s:\n%s", what, body)
}

func newMemStore() *memstore.Store { return memstore.New() }

// leakyStore lists non-public events even when asked for public ones
// only: a Store with a bug the pages must not trust.
type leakyStore struct{ *memstore.Store }

func (s leakyStore) List(ctx context.Context, q seminar.ListQuery) ([]*seminar.Event, error) {
	q.PublicOnly = false
	return s.Store.List(ctx, q)
}

// newLogger logs text records to w.
func newLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func unescape(s string) string { return html.UnescapeString(s) }
