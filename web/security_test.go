package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/web"
)

// TestHandler_refusesCrossOriginPosts posts an admin's writes as another
// site would make the browser post them: refused, and nothing changes.
func TestHandler_refusesCrossOriginPosts(t *testing.T) {
	for _, tt := range []struct {
		name   string
		header http.Header
	}{
		{"Sec-Fetch-Site cross-site", http.Header{"Sec-Fetch-Site": {"cross-site"}}},
		{"Sec-Fetch-Site same-site", http.Header{"Sec-Fetch-Site": {"same-site"}}},
		{"a foreign Origin", http.Header{"Origin": {"https://evil.example"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t, nil)
			seed := s.create(seedTalk(t))
			before := s.token()
			for path, form := range map[string]url.Values{
				"/events/" + seed.ID + "/cancel": {"reason": {"Cancelled by another site"}},
				"/events/" + seed.ID + "/send":   {"force": {"on"}},
				"/events":                        {"title": {"Planted"}, "start": {"2017-06-20"}, "start.time": {"10:00"}, "end.time": {"11:00"}, "timeZone": {"UTC"}},
			} {
				r := s.do(request{method: http.MethodPost, path: path, role: "admin", form: form, header: tt.header})
				assertStatus(t, http.StatusForbidden, r, path)
				assert.Contains(t, r.body, "<h1>Not allowed</h1>")
				assert.Contains(t, r.body, "sent from a page of another site", "the refusal says why")
			}
			assert.Equal(t, before, s.token(), "nothing was written")
			assert.False(t, s.get(seed.ID).Cancelled())
			assert.Empty(t, s.sent.Messages())
		})
	}
	t.Run("same origin", func(t *testing.T) {
		s := newSite(t, nil)
		seed := s.create(seedTalk(t))
		r := s.do(request{method: http.MethodPost, path: "/events/" + seed.ID + "/cancel", role: "admin",
			form: url.Values{"reason": {"Ill"}}, header: http.Header{"Sec-Fetch-Site": {"same-origin"}}})
		assertStatus(t, http.StatusSeeOther, r, "a same-origin post")
		assert.True(t, s.get(seed.ID).Cancelled())
	})
}

func TestHandler_securityHeaders(t *testing.T) {
	s := newSite(t, nil)
	seed := s.create(seedTalk(t))
	for _, path := range []string{"/", "/events/" + seed.ID, "/events/" + seed.ID + ".json", "/events/" + seed.ID + "/preview", "/nowhere"} {
		r := s.getPage(path, "admin")
		csp := r.Header.Get("Content-Security-Policy")
		assert.Contains(t, csp, "default-src 'none'", path)
		assert.NotContains(t, csp, "script-src", path)
		assert.Contains(t, csp, "form-action 'self'", path)
		assert.Contains(t, csp, "base-uri 'none'", path)
		assert.Contains(t, csp, "frame-ancestors 'self'", path)
		assert.Equal(t, "nosniff", r.Header.Get("X-Content-Type-Options"), path)
		assert.Equal(t, "same-origin", r.Header.Get("Referrer-Policy"), path)
	}
}

// Nothing changes on GET or HEAD: every page, the forms included, as an
// admin.
func TestHandler_getChangesNothing(t *testing.T) {
	s := newSite(t, nil)
	seed := s.create(seedTalk(t))
	before := s.token()
	for _, path := range []string{
		"/", "/months/2017-06", "/events/" + seed.ID, "/events/" + seed.ID + ".ics", "/events/" + seed.ID + ".json",
		"/events.json", "/events/new", "/events/" + seed.ID + "/edit", "/events/" + seed.ID + "/cancel",
		"/events/" + seed.ID + "/preview", "/events/" + seed.ID + "/send",
		"/events/" + seed.ID + "/send?force=on", "/events/" + seed.ID + "/cancel?reason=x",
	} {
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			r := s.do(request{method: method, path: path, role: "admin"})
			assert.Less(t, r.StatusCode, 400, "%s %s", method, path)
		}
	}
	assert.Equal(t, before, s.token())
	assert.Empty(t, s.sent.Messages())
	ds, err := s.cal.Deliveries(context.Background(), seed.ID)
	require.NoError(t, err)
	for _, d := range ds {
		assert.NotEqual(t, seminar.KindManual, d.Kind, "no manual send was recorded")
	}
}

func TestHandler_capsRequestBodies(t *testing.T) {
	s := newSite(t, &siteOptions{web: web.Options{MaxBody: 1 << 10}})
	seed := s.create(seedTalk(t))
	before := s.token()
	r := s.post("/events/"+seed.ID+"/cancel", "admin", url.Values{"reason": {strings.Repeat("x", 2<<10)}})
	assertStatus(t, http.StatusRequestEntityTooLarge, r, "a body over MaxBody")
	assert.Contains(t, r.body, "more data than this site accepts")
	assert.Equal(t, before, s.token())

	r = s.post("/events/"+seed.ID+"/cancel", "admin", url.Values{"reason": {"Short enough"}})
	assertStatus(t, http.StatusSeeOther, r, "a body within it")
}

// failingStore fails every read with an error whose words must not reach
// a page.
type failingStore struct{ seminar.Store }

var errDatabase = errors.New("sqlite: disk I/O error at /var/lib/secret/talks.db")

func (failingStore) Get(context.Context, string) (*seminar.Event, error) { return nil, errDatabase }
func (failingStore) List(context.Context, seminar.ListQuery) ([]*seminar.Event, error) {
	return nil, errDatabase
}

func TestHandler_errorsShowNoInternals(t *testing.T) {
	var logged strings.Builder
	s := newSite(t, &siteOptions{noMailer: true, store: failingStore{newMemStore()},
		web: web.Options{Logger: newLogger(&logged)}})
	for _, path := range []string{"/", "/months/2017-06", "/events/abc", "/events/abc/edit", "/events.json"} {
		r := s.getPage(path, "admin")
		assertStatus(t, http.StatusInternalServerError, r, path)
		assert.NotContains(t, r.body, "secret", path)
		assert.NotContains(t, r.body, "sqlite", path)
		assert.Contains(t, r.body, "Something went wrong on our side", path)
	}
	assert.Contains(t, logged.String(), "disk I/O error", "the cause is logged for the operator")
}
