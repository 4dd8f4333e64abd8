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

// privateTalk is a talk that is not public, in June 2017, of the Vision
// Seminar, which has no other talk.
func privateTalk(s *site) *seminar.Event {
	e := talk(s.t, "Vision group retreat planning", 16, 13)
	e.Public = false
	e.Series = s.vision().ID
	return e
}

// TestHandler_privateEventsStayPrivate asks for a non-public talk every
// way there is, as each role: only a request allowed to view it finds it,
// and the others get exactly what a missing event gets.
func TestHandler_privateEventsStayPrivate(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts web.Options
		role string
		sees bool
	}{
		{"anonymous", web.Options{}, "", false},
		{"an editor without view", web.Options{}, "nobody", false},
		{"a viewer", web.Options{}, "viewer", true},
		{"an admin", web.Options{}, "admin", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t, &siteOptions{web: tt.opts})
			seed := s.create(seedTalk(t))
			priv := s.create(privateTalk(s))
			missing := s.getPage("/events/aaaaaaaaaaaaaaaaaaaaaaaaaa", tt.role)

			for _, path := range []string{"/events/" + priv.ID, "/events/" + priv.ID + ".ics", "/events/" + priv.ID + ".json"} {
				r := s.getPage(path, tt.role)
				if tt.sees {
					assertStatus(t, http.StatusOK, r, path)
					assert.Equal(t, "private, no-store", r.Header.Get("Cache-Control"), path)
					continue
				}
				assertStatus(t, http.StatusNotFound, r, path)
				assert.Equal(t, missing.body, r.body, "%s: a private event is answered as a missing one", path)
			}
			for _, path := range []string{
				"/", "/months/2017-06", "/series/vision-seminar", "/events/" + seed.ID,
				"/events.json?from=2017-06-01&to=2017-07-01", "/events.json",
			} {
				r := s.getPage(path, tt.role)
				if !tt.sees && strings.HasPrefix(path, "/series/") {
					// The series is not public by default and has no
					// other talk: for this request it does not exist.
					assertStatus(t, http.StatusNotFound, r, path)
					continue
				}
				assertStatus(t, http.StatusOK, r, path)
				assert.Equal(t, tt.sees, strings.Contains(r.body, priv.Title), "%s lists the private talk", path)
				assert.Equal(t, tt.sees, strings.Contains(r.body, priv.ID), "%s links the private talk", path)
			}
			for _, path := range []string{"/events/" + priv.ID + "/edit", "/events/" + priv.ID + "/cancel", "/events/" + priv.ID + "/preview", "/events/" + priv.ID + "/send"} {
				r := s.getPage(path, tt.role)
				switch tt.role {
				case "admin":
					assert.Less(t, r.StatusCode, 500, path)
				case "viewer":
					assertStatus(t, http.StatusForbidden, r, path+": seen, not editable")
					assert.Contains(t, r.body, "You are not allowed to do this.", path)
					assert.NotContains(t, r.body, "another site", "%s: a plain refusal does not speak of other sites", path)
				default:
					assertStatus(t, http.StatusNotFound, r, path+": not even there")
				}
			}
		})
	}
}

// A Store that ignores the public filter must not put a private talk on a
// public page: the pages check Public themselves.
func TestHandler_checksPublicItself(t *testing.T) {
	s := newSite(t, &siteOptions{store: leakyStore{newMemStore()}})
	s.create(seedTalk(t))
	priv := s.create(privateTalk(s))
	for _, path := range []string{"/", "/events.json?from=2017-06-01&to=2017-07-01", "/series/vision-seminar"} {
		r := s.getPage(path, "")
		assert.NotContains(t, r.body, priv.ID, path)
	}
}

func TestHandler_eventsJSONHidesPrivateFromAnonymous(t *testing.T) {
	s := newSite(t, nil)
	seed := s.create(seedTalk(t))
	priv := s.create(privateTalk(s))
	ids := func(role string) []string {
		r := s.getPage("/events.json?from=2017-06-01&to=2017-07-01", role)
		require.Equal(t, http.StatusOK, r.StatusCode)
		var doc web.EventsDocument
		require.NoError(t, json.Unmarshal([]byte(r.body), &doc))
		var out []string
		for _, e := range doc.Events {
			out = append(out, e.ID)
		}
		return out
	}
	assert.Equal(t, []string{seed.ID}, ids(""))
	assert.Equal(t, []string{seed.ID, priv.ID}, ids("viewer"))
}

// TestHandler_anonymousWritesAreRefused posts every write anonymously
// (and as a viewer, who may only look): each is refused, the reason is not
// shown, and nothing is stored or sent.
func TestHandler_anonymousWritesAreRefused(t *testing.T) {
	for _, role := range []string{"", "viewer"} {
		t.Run("role "+role, func(t *testing.T) {
			s := newSite(t, nil)
			seed := s.create(seedTalk(t))
			before := s.token()
			form := url.Values{"title": {"Hijacked"}, "version": {"1"}, "reason": {"because"}, "force": {"on"},
				"start": {"2017-06-12"}, "start.time": {"16:00"}, "end.time": {"17:00"}, "timeZone": {"America/New_York"}}
			for _, path := range []string{"/events", "/events/" + seed.ID + "/edit", "/events/" + seed.ID + "/cancel", "/events/" + seed.ID + "/send"} {
				r := s.post(path, role, form)
				assertStatus(t, http.StatusForbidden, r, path)
				assert.NotContains(t, r.body, secretReason, "the reason Authorize gave is never shown")
			}
			for _, path := range []string{"/events/new", "/events/" + seed.ID + "/edit", "/events/" + seed.ID + "/cancel", "/events/" + seed.ID + "/preview", "/events/" + seed.ID + "/send"} {
				assertStatus(t, http.StatusForbidden, s.getPage(path, role), path)
			}
			assert.Equal(t, before, s.token(), "nothing was written")
			assert.Equal(t, seed.Title, s.get(seed.ID).Title)
			assert.Empty(t, s.sent.Messages(), "nothing was sent")
		})
	}
}

// Without Authorize, every write is denied and every private event hidden.
func TestHandler_nilAuthorizeDeniesEverything(t *testing.T) {
	s := newSite(t, nil)
	h, err := web.New(s.cal, nil)
	require.NoError(t, err)
	s.h = h
	seed := s.create(seedTalk(t))
	priv := s.create(privateTalk(s))
	assertStatus(t, http.StatusNotFound, s.getPage("/events/"+priv.ID, "admin"), "a private event")
	assertStatus(t, http.StatusForbidden, s.getPage("/events/new", "admin"), "the new form")
	r := s.post("/events/"+seed.ID+"/cancel", "admin", url.Values{"reason": {"x"}})
	assertStatus(t, http.StatusForbidden, r, "a cancel")
	assert.False(t, s.get(seed.ID).Cancelled())
	assert.NotContains(t, s.getPage("/", "admin").body, "New event")
}
