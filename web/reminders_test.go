package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

func TestHandler_cancel(t *testing.T) {
	s := newSite(t, nil)
	seed := s.create(seedTalk(t))
	page := s.getPage("/events/"+seed.ID+"/cancel", "admin")
	require.True(t, assertStatus(t, http.StatusOK, page, "the confirmation"))
	checkHTML(t, page.body, "en")
	reason := inputByID(page.body, "field-reason")
	name, _ := attr(reason, "name")
	assert.Equal(t, "reason", name)
	_, required := attr(reason, "required")
	assert.True(t, required)

	before := s.token()
	for _, blank := range []string{"", "  \r\n "} {
		r := s.post("/events/"+seed.ID+"/cancel", "admin", url.Values{"reason": {blank}})
		require.True(t, assertStatus(t, http.StatusUnprocessableEntity, r, "no reason"))
		assert.Contains(t, text(elementByID(r.body, "field-reason-error")), "is required")
		assert.NotEmpty(t, elementByID(r.body, "error-summary"))
	}
	assert.Equal(t, before, s.token(), "a cancel without a reason changes nothing")

	r := s.post("/events/"+seed.ID+"/cancel", "admin", url.Values{"reason": {"The speaker's flight was cancelled."}})
	require.True(t, assertStatus(t, http.StatusSeeOther, r, "a cancel"))
	assert.Equal(t, "../../events/"+seed.ID+"?cancelled=1", r.Header.Get("Location"))
	e := s.get(seed.ID)
	assert.True(t, e.Cancelled())
	assert.Equal(t, "The speaker's flight was cancelled.", e.CancelReason)

	page = s.getPage("/events/"+seed.ID+"?cancelled=1", "admin")
	assert.Contains(t, text(elementByID(page.body, "cancelled")), "The speaker's flight was cancelled.")
	assert.NotContains(t, page.body, "action-cancel", "no second Cancel button")
	assert.NotContains(t, page.body, "action-send", "no reminder for a cancelled talk")
	assert.NotContains(t, page.body, "action-preview")
	assert.Contains(t, page.body, "action-edit", "it can still be edited")

	r = s.post("/events/"+seed.ID+"/cancel", "admin", url.Values{"reason": {"Again"}})
	assertStatus(t, http.StatusConflict, r, "a second cancel")
	assert.Contains(t, text(r.body), "already cancelled")
	assert.Equal(t, "The speaker's flight was cancelled.", s.get(seed.ID).CancelReason)
}

// A cancelled talk gets no reminder: Preview Reminder and Send Reminder
// both answer 409, and say what the lists were told, as the deliveries
// say, not what they might have been.
func TestHandler_remindersOfACancelledTalk(t *testing.T) {
	s := newSite(t, nil)
	untold := s.create(seedTalk(t))
	_, err := s.cal.Cancel(t.Context(), untold.ID, "Ill")
	require.NoError(t, err)
	for _, path := range []string{"/preview", "/send"} {
		r := s.getPage("/events/"+untold.ID+path, "admin")
		assertStatus(t, http.StatusConflict, r, path)
		assert.Contains(t, text(r.body), "The talk is cancelled: it gets no reminder. No reminder had been sent about it, so no list needed a cancellation notice.", path)
		assert.NotContains(t, r.body, "were sent a cancellation notice", path)
	}

	told := seedTalk(t)
	told.UID = "told@csail.mit.edu"
	told = s.create(told)
	require.True(t, assertStatus(t, http.StatusSeeOther, s.post("/events/"+told.ID+"/send", "admin", url.Values{}), "the reminder"))
	_, err = s.cal.Cancel(t.Context(), told.ID, "Ill")
	require.NoError(t, err)
	for _, path := range []string{"/preview", "/send"} {
		r := s.getPage("/events/"+told.ID+path, "admin")
		assertStatus(t, http.StatusConflict, r, path)
		assert.Contains(t, text(r.body), "A cancellation notice to the lists told about it is on its way.", path)
	}
	_, err = s.cal.DispatchDue(t.Context())
	require.NoError(t, err)
	r := s.getPage("/events/"+told.ID+"/send", "admin")
	assert.Contains(t, text(r.body), "A cancellation notice was sent to the lists told about it on June 10, 2017 at 10:00 AM.")
	r = s.post("/events/"+told.ID+"/send", "admin", url.Values{})
	assertStatus(t, http.StatusConflict, r, "a send anyway")
	assert.Contains(t, text(r.body), "A cancellation notice was sent")
}

// TestHandler_preview shows the reminder exactly as PreviewReminder
// composes it: the same raw bytes, headers, parts and recipients.
func TestHandler_preview(t *testing.T) {
	s := newSite(t, nil)
	seed := s.create(seedTalk(t))
	r := s.getPage("/events/"+seed.ID+"/preview", "admin")
	require.True(t, assertStatus(t, http.StatusOK, r, "the preview"))
	checkHTML(t, r.body, "en")
	want, err := s.cal.PreviewReminder(context.Background(), seed.ID)
	require.NoError(t, err)

	raw := elementByID(r.body, "preview-raw")
	require.NotEmpty(t, raw)
	pre := raw[strings.Index(raw, "<pre>")+len("<pre>") : strings.LastIndex(raw, "</pre>")]
	assert.Equal(t, string(want.Raw), unescape(pre), "the raw bytes are the message's")

	frame := elementByID(r.body, "preview-html")
	require.True(t, strings.HasPrefix(frame, "<iframe"), frame)
	sandbox, ok := attr(frame, "sandbox")
	assert.True(t, ok, "the HTML part is in a sandboxed frame")
	assert.NotContains(t, sandbox, "allow-scripts")
	srcdoc, _ := attr(frame, "srcdoc")
	assert.Equal(t, want.Message.HTML, srcdoc)

	textPart := elementByID(r.body, "preview-text")
	assert.Equal(t, want.Message.Text, unescape(strings.TrimSuffix(textPart[strings.Index(textPart, ">")+1:], "</pre>")))

	page := text(r.body)
	for _, h := range []string{
		"From \"CSAIL Seminars\" <seminars@csail.mit.edu>",
		"To <seminars@csail.mit.edu>, <vision-meeting@csail.mit.edu>",
		"Subject TALK: A picture of the energy landscape of deep neural networks",
		"Reply-To \"Bolei Zhou\" <bzhou@csail.mit.edu>",
		"List-Id <talks.csail.mit.edu>",
		"Recipients: 2",
	} {
		assert.Contains(t, page, h)
	}
}

func TestHandler_previewWithoutLists(t *testing.T) {
	s := newSite(t, nil)
	e := seedTalk(t)
	e.Reminders = seminar.Reminders{}
	seed := s.create(e)
	r := s.getPage("/events/"+seed.ID+"/preview", "admin")
	assertStatus(t, http.StatusConflict, r, "nothing to preview")
	assert.Contains(t, text(r.body), "no reminder lists")
}

// TestHandler_send sends the reminder, and a second send is not made
// until the user asks for it explicitly with force.
func TestHandler_send(t *testing.T) {
	s := newSite(t, nil)
	seed := s.create(seedTalk(t))
	page := s.getPage("/events/"+seed.ID+"/send", "admin")
	require.True(t, assertStatus(t, http.StatusOK, page, "the confirmation"))
	checkHTML(t, page.body, "en")
	assert.Contains(t, text(page.body), "to 2 lists: seminars@csail.mit.edu, vision-meeting@csail.mit.edu")
	assert.Empty(t, s.sent.Messages(), "the confirmation sends nothing")

	r := s.post("/events/"+seed.ID+"/send", "admin", url.Values{})
	require.True(t, assertStatus(t, http.StatusSeeOther, r, "the first send"))
	assert.Equal(t, "../../events/"+seed.ID+"?sent=1", r.Header.Get("Location"))
	require.Len(t, s.sent.Messages(), 1)
	assert.Equal(t, "TALK: A picture of the energy landscape of deep neural networks", s.sent.Messages()[0].Subject())

	r = s.post("/events/"+seed.ID+"/send", "admin", url.Values{})
	require.True(t, assertStatus(t, http.StatusConflict, r, "a second send"))
	assert.Contains(t, text(r.body), "was already sent")
	force := inputByID(r.body, "field-force")
	require.NotEmpty(t, force, "a checkbox to send again")
	typ, _ := attr(force, "type")
	name, _ := attr(force, "name")
	assert.Equal(t, "checkbox", typ)
	assert.Equal(t, "force", name)
	assert.Len(t, s.sent.Messages(), 1, "not sent twice without force")

	r = s.post("/events/"+seed.ID+"/send", "admin", url.Values{"force": {"on"}})
	require.True(t, assertStatus(t, http.StatusSeeOther, r, "a forced send"))
	assert.Len(t, s.sent.Messages(), 2)
}

func TestHandler_sendAfterTheStart(t *testing.T) {
	now := time.Date(2017, time.June, 12, 20, 30, 0, 0, time.UTC) // during the talk
	s := newSite(t, &siteOptions{now: func() time.Time { return now }})
	seed := s.create(seedTalk(t))
	r := s.post("/events/"+seed.ID+"/send", "admin", url.Values{})
	require.True(t, assertStatus(t, http.StatusConflict, r, "a send during the talk"))
	assert.Contains(t, text(r.body), "The talk has already started.")
	assert.NotEmpty(t, inputByID(r.body, "field-force"))
	assert.Empty(t, s.sent.Messages())
}

// A site whose Calendar has no Mailer leaves sending to the worker, and
// says so instead of failing.
func TestHandler_sendWithoutAMailer(t *testing.T) {
	s := newSite(t, &siteOptions{noMailer: true})
	seed := s.create(seedTalk(t))
	page := s.getPage("/events/"+seed.ID+"/send", "admin")
	require.True(t, assertStatus(t, http.StatusOK, page, "the send page"))
	assert.Contains(t, text(page.body), "reminders are sent by the reminder worker")
	assert.NotContains(t, page.body, `<button type="submit" class="primary">Send Reminder</button>`, "no button that cannot work")
	r := s.post("/events/"+seed.ID+"/send", "admin", url.Values{})
	assertStatus(t, http.StatusServiceUnavailable, r, "a send anyway")
	assert.Contains(t, text(r.body), "reminders are sent by the reminder worker")
	assertStatus(t, http.StatusOK, s.getPage("/events/"+seed.ID+"/preview", "admin"), "the preview still works")
}

func TestHandler_sendFailure(t *testing.T) {
	s := newSite(t, nil)
	seed := s.create(seedTalk(t))
	s.sent.FailNext(errPermanent)
	r := s.post("/events/"+seed.ID+"/send", "admin", url.Values{})
	assertStatus(t, http.StatusBadGateway, r, "a refused send")
	assert.Contains(t, text(r.body), "The mail server refused the reminder.")
	assert.Contains(t, text(elementByID(r.body, "history")), "Reminder sent on demand Failed", "the history shows the failed send")
}

var errPermanent = fmt.Errorf("%w: 550 no such list", seminar.ErrPermanent)
