package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHandler_editConflict: Alice opens the edit form; Bob saves a new
// room and title meanwhile; Alice saves her abstract and her own title.
// She gets 409 with what Bob changed, and a form at the current version
// holding Bob's room, her abstract and her title (flagged: both changed
// it), so that one more save applies hers.
func TestHandler_editConflict(t *testing.T) {
	s := newSite(t, nil)
	seed := s.create(seedTalk(t))
	alice := formOf(t, s.getPage("/events/"+seed.ID+"/edit", "admin").body)

	bob := s.get(seed.ID)
	bob.Location.Room = "32-G449"
	bob.Title = "Bob's title"
	_, err := s.cal.Update(context.Background(), bob)
	require.NoError(t, err)

	alice.Set("abstract", "Alice's abstract.")
	alice.Set("title", "Alice's title")
	r := s.post("/events/"+seed.ID+"/edit", "admin", alice)
	require.True(t, assertStatus(t, http.StatusConflict, r, "a stale edit"))
	assert.Equal(t, "Bob's title", s.get(seed.ID).Title, "nothing of Alice's is saved yet")

	conflict := elementByID(r.body, "conflict")
	require.NotEmpty(t, conflict, "the conflict section")
	what := text(conflict)
	assert.Contains(t, what, "Room 32-D507 32-G449", "their change: field, value before, value now")
	assert.Contains(t, what, "Title you changed it too A picture of the energy landscape of deep neural networks Bob's title",
		"the field both changed is flagged")
	assert.NotContains(t, what, "Abstract", "Alice's own change is not the other edit's")

	again := formOf(t, r.body)
	assert.Equal(t, "2", again.Get("version"), "the form is at the current version")
	assert.Equal(t, "32-G449", again.Get("location.room"), "Bob's change is in the form")
	assert.Equal(t, "Alice's abstract.", again.Get("abstract"), "Alice's change is re-applied")
	assert.Equal(t, "Alice's title", again.Get("title"), "where both changed, Alice's value is kept")
	title := elementByID(r.body, "field-title-conflict")
	assert.Contains(t, text(title), "Theirs: “Bob's title”", "and the field says what Bob's was")
	described, _ := attr(inputByID(r.body, "field-title"), "aria-describedby")
	assert.Contains(t, described, "field-title-conflict")

	r = s.post("/events/"+seed.ID+"/edit", "admin", again)
	require.True(t, assertStatus(t, http.StatusSeeOther, r, "the second save"))
	e := s.get(seed.ID)
	assert.Equal(t, "Alice's title", e.Title)
	assert.Equal(t, "Alice's abstract.", e.Abstract)
	assert.Equal(t, "32-G449", e.Location.Room, "Bob's room survives")
	assert.Equal(t, int64(3), e.Version)
}

// A conflict with a cancellation brings the status fields into the form,
// with the cancellation kept unless the user changes it.
func TestHandler_editConflictWithACancellation(t *testing.T) {
	s := newSite(t, nil)
	seed := s.create(seedTalk(t))
	form := formOf(t, s.getPage("/events/"+seed.ID+"/edit", "admin").body)
	_, err := s.cal.Cancel(context.Background(), seed.ID, "The speaker is ill.")
	require.NoError(t, err)

	form.Set("location.room", "32-G449")
	r := s.post("/events/"+seed.ID+"/edit", "admin", form)
	require.True(t, assertStatus(t, http.StatusConflict, r, "an edit after a cancellation"))
	what := text(elementByID(r.body, "conflict"))
	assert.Contains(t, what, "Status Scheduled Cancelled")
	assert.Contains(t, what, "Reason for cancelling empty The speaker is ill.")
	again := formOf(t, r.body)
	assert.Equal(t, "cancelled", again.Get("status"))
	require.True(t, assertStatus(t, http.StatusSeeOther, s.post("/events/"+seed.ID+"/edit", "admin", again), "saved"))
	e := s.get(seed.ID)
	assert.True(t, e.Cancelled(), "the cancellation stands")
	assert.Equal(t, "32-G449", e.Location.Room)
}

// An edit whose version is not a number is refused, not guessed.
func TestHandler_editWithoutVersion(t *testing.T) {
	s := newSite(t, nil)
	seed := s.create(seedTalk(t))
	form := formOf(t, s.getPage("/events/"+seed.ID+"/edit", "admin").body)
	form.Del("version")
	r := s.post("/events/"+seed.ID+"/edit", "admin", form)
	assertStatus(t, http.StatusBadRequest, r, "no version")
	assert.False(t, strings.Contains(r.body, "strconv"), "no internals")
}
