package ical_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
)

func TestAttacher_EncodeEvent(t *testing.T) {
	start := time.Date(2017, time.June, 12, 20, 0, 0, 0, time.UTC)
	e := &seminar.Event{
		ID: "abc", UID: "abc@csail.mit.edu", Title: "Energy landscapes", Start: start, End: start.Add(time.Hour),
		TimeZone: "America/New_York", Sequence: 2, Status: seminar.StatusCancelled,
	}
	a := &ical.Attacher{Options: ical.EncodeOptions{Method: "PUBLISH", Name: "CSAIL"}}
	for _, method := range []string{"PUBLISH", "CANCEL"} {
		var b strings.Builder
		require.NoError(t, a.EncodeEvent(&b, e, method))
		out := b.String()
		assert.Contains(t, out, "\r\nMETHOD:"+method+"\r\n", "the message's method is the calendar's")
		assert.Contains(t, out, "\r\nUID:abc@csail.mit.edu\r\n")
		assert.Contains(t, out, "\r\nSEQUENCE:2\r\n")
		assert.Contains(t, out, "\r\nSTATUS:CANCELLED\r\n")
	}
	assert.Equal(t, "PUBLISH", a.Options.Method, "EncodeEvent leaves the Attacher's options alone")
	assert.False(t, a.Options.NoExtensions, "EncodeEvent leaves the Attacher's options alone")
}

// A reminder's calendar says everything once: DESCRIPTION holds the
// abstract and the bio, and no X-SEMINAR property repeats them for an
// import that a mail's calendar never gets. The seed talk's calendar is
// then about half as long as its feed entry.
func TestAttacher_EncodeEvent_noExtensions(t *testing.T) {
	e := trickyEvents()[0]
	e.Start = time.Date(2017, time.November, 5, 5, 30, 0, 0, time.UTC) // 1:30 AM in New York's fall-back fold
	e.End = e.Start.Add(time.Hour)
	e.TimeZone = "America/New_York"
	var b bytes.Buffer
	require.NoError(t, (&ical.Attacher{Options: ical.EncodeOptions{Now: fixedNow}}).EncodeEvent(&b, e, "PUBLISH"))
	out := b.String()
	assert.NotContains(t, out, "X-SEMINAR", "no X-SEMINAR property or parameter")
	p := onlyEvent(t, parseICS(t, out)).Properties
	desc := value(t, p, "DESCRIPTION")
	for _, s := range e.Speakers {
		assert.Contains(t, desc, s.Name)
		if bio := strings.TrimRight(lf(s.Bio), "\n"); bio != "" {
			assert.Contains(t, desc, bio, "DESCRIPTION holds every bio")
		}
	}
	assert.Contains(t, desc, "Lorem ipsum", "DESCRIPTION holds the abstract")
	assert.Len(t, categoryProps(p), 2+len(e.ResearchAreas)+len(e.ImpactAreas), "the categories stay, without X-SEMINAR-KIND")

	res, err := ical.Decode(bytes.NewReader(b.Bytes()), nil)
	require.NoError(t, err)
	require.Len(t, res.Occurrences, 1)
	got := res.Occurrences[0].Event()
	assert.Equal(t, e.Title, got.Title, "an import reads the standard properties")
	assert.True(t, got.Start.Equal(e.Start) && got.End.Equal(e.End), "an import reads the instants")
	assert.Contains(t, got.Abstract, "Lorem ipsum", "without X-SEMINAR properties, an import reads DESCRIPTION as another product's")

	var seed, feed bytes.Buffer
	require.NoError(t, (&ical.Attacher{Options: ical.EncodeOptions{Now: fixedNow}}).EncodeEvent(&seed, seedEvent(), "PUBLISH"))
	require.NoError(t, ical.EncodeEvent(&feed, seedEvent(), &ical.EncodeOptions{Now: fixedNow}))
	assert.Less(t, seed.Len(), feed.Len()*6/10, "the seed's attachment against its feed entry")
	t.Logf("the seed talk: %d bytes attached, %d in a feed", seed.Len(), feed.Len())
}

// TestAttacher_Interop has every checker read calendars as reminder mail
// carries them, without X-SEMINAR properties: announcements (PUBLISH) and
// cancellation notices (CANCEL) of the corpus's hardest events.
func TestAttacher_Interop(t *testing.T) {
	corpus := interopCorpus(t)
	a := &ical.Attacher{Options: ical.EncodeOptions{Now: func() time.Time { return interopNow }, Organizer: interopOrganizer}}
	for _, uid := range []string{"seed-talk@csail.mit.edu", "punctuation@seminar.invalid", "unicode-😀@seminar.invalid",
		"ny-fold-first@seminar.invalid", "cancelled@seminar.invalid"} {
		i := slices.IndexFunc(corpus, func(e *seminar.Event) bool { return e.UID == uid })
		require.GreaterOrEqual(t, i, 0, uid)
		for _, method := range []string{"PUBLISH", "CANCEL"} {
			t.Run(uid+"/"+method, func(t *testing.T) {
				t.Parallel()
				var buf bytes.Buffer
				require.NoError(t, a.EncodeEvent(&buf, corpus[i], method))
				require.NotContains(t, buf.String(), "X-SEMINAR")
				opts := a.Options
				opts.Method, opts.NoExtensions = method, true
				checkInterop(t, buf.Bytes(), method, corpus[i:i+1], &opts, nil)
			})
		}
	}
}

// A reminder's calendar, written without the X-SEMINAR properties, is read
// back as another product's: its abstract, contact and place are in
// DESCRIPTION, ORGANIZER and LOCATION, and Decode finds them there even
// though the PRODID is ours.
func TestAttacher_EncodeEvent_decodedAsForeign(t *testing.T) {
	e := seedEvent()
	var b bytes.Buffer
	require.NoError(t, (&ical.Attacher{Options: ical.EncodeOptions{Now: fixedNow}}).EncodeEvent(&b, e, "PUBLISH"))
	require.Contains(t, b.String(), "PRODID:"+ical.DefaultProdID)
	res, err := ical.Decode(&b, nil)
	require.NoError(t, err)
	require.Len(t, res.Occurrences, 1)
	got := res.Occurrences[0].Event()
	assert.Contains(t, got.Abstract, "Stochastic gradient descent", "the abstract, read from DESCRIPTION")
	assert.Equal(t, e.Contact.Email, got.Contact.Email, "the contact, read from ORGANIZER")
	assert.Contains(t, got.Location.Room, e.Location.Room, "the place, read from LOCATION")
}
