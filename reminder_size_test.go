package seminar_test

import (
	"fmt"
	"mime"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
	"github.com/seminarkit/seminar/internal/mailcheck"
	"github.com/seminarkit/seminar/mail"
	"github.com/seminarkit/seminar/store/memstore"
)

// The seed talk's reminder, composed by mail with the calendar ical writes,
// is under 10 KB, as the raw message PreviewReminder returns and the Mailer
// sends. It was 26 KB with the whole history of New York's zone in each of
// two copies of the calendar, and 20,861 bytes with a VTIMEZONE of the
// zone's current rule only. In octets, each part with its own header:
//
//	part                                        20,861   9,349
//	text/calendar, base64, then 7bit             7,029   3,106  without the X-SEMINAR copies of abstract and bio
//	application/ics, base64: the same again     7,067       -  the calendar goes once, with its method
//	text/html, quoted-printable                  3,739   3,395  the repeated inline styles in a <style>
//	text/plain, quoted-printable, then 7bit      2,241   2,229
//	header fields and boundaries                   785     619  one multipart level, not two
func TestCalendar_PreviewReminder_seedSize(t *testing.T) {
	clk := &clock{now: seedCreated}
	cal, err := seminar.New(memstore.New(), &seminar.Options{
		Domain: "csail.mit.edu", Now: clk.Now, Composer: mail.Composer{},
		ICS: &ical.Attacher{}, From: "CSAIL Seminars <seminars@csail.mit.edu>",
	})
	require.NoError(t, err)
	talk, err := cal.Create(t.Context(), seedEvent(t))
	require.NoError(t, err)
	p, err := cal.PreviewReminder(t.Context(), talk.ID)
	require.NoError(t, err)
	require.NotNil(t, p.Message.Calendar)

	ics := string(p.Message.Calendar.Data)
	start, end := strings.Index(ics, "BEGIN:VTIMEZONE"), strings.Index(ics, "END:VTIMEZONE")
	require.True(t, start >= 0 && end > start, "the calendar has a VTIMEZONE:\n%s", ics)
	vtimezone := ics[start:end]
	assert.Equal(t, 2, strings.Count(vtimezone, "BEGIN:STANDARD")+strings.Count(vtimezone, "BEGIN:DAYLIGHT"),
		"the VTIMEZONE holds New York's current rule only:\n%s", vtimezone)
	assert.Less(t, len(vtimezone), 512, "VTIMEZONE bytes")
	assert.NotContains(t, ics, "X-SEMINAR", "the calendar says the abstract and the bio once, in DESCRIPTION")
	assert.Less(t, len(ics), 3<<10+512, "calendar bytes")

	m := mailcheck.Require(t, p.Raw)
	assert.Equal(t, []string{"multipart/alternative", "text/plain", "text/html", "text/calendar"}, m.Types(),
		"the calendar goes once, as the last alternative")
	assert.Equal(t, "PUBLISH", m.Part("text/calendar").Params["method"])
	for mediaType, want := range map[string]string{"text/plain": "7bit", "text/html": "quoted-printable", "text/calendar": "7bit"} {
		assert.Equal(t, want, m.Part(mediaType).Header.Get("Content-Transfer-Encoding"), "%s: the seed's is ASCII, the HTML in long lines", mediaType)
	}
	sizes := partSizes(t, p.Raw)
	assert.Less(t, len(p.Raw), 10<<10, "message bytes: %s", sizes)
	t.Logf("the seed reminder: %d bytes (%s); its calendar %d (VTIMEZONE %d)", len(p.Raw), sizes, len(ics), len(vtimezone))
}

// The seed's cancellation notice, as the Mailer sends it, takes the talk
// off a calendar that added it from the reminder: METHOD:CANCEL in the
// calendar and in the part's Content-Type, the reminder's UID, a higher
// SEQUENCE. It is as small as the reminder.
func TestCalendar_Cancel_seedNoticeCancels(t *testing.T) {
	clk := &clock{now: seedCreated}
	rec := &mail.Recorder{}
	cal, err := seminar.New(memstore.New(), &seminar.Options{
		Domain: "csail.mit.edu", Now: clk.Now, Mailer: rec,
		ICS: &ical.Attacher{}, From: "CSAIL Seminars <seminars@csail.mit.edu>",
	})
	require.NoError(t, err)
	talk, err := cal.Create(t.Context(), seedEvent(t))
	require.NoError(t, err)
	_, err = cal.SendReminder(t.Context(), talk.ID, false)
	require.NoError(t, err)
	_, err = cal.Cancel(t.Context(), talk.ID, "The speaker is ill.")
	require.NoError(t, err)
	_, err = cal.DispatchDue(t.Context())
	require.NoError(t, err)
	sent := rec.Messages()
	require.Len(t, sent, 2, "the reminder, then the cancellation notice")

	reminder := mailcheck.Require(t, sent[0].Raw).Part("text/calendar")
	notice := mailcheck.Require(t, sent[1].Raw)
	assert.Equal(t, "CANCELLED: TALK: A picture of the energy landscape of deep neural networks", notice.Subject)
	assert.Equal(t, []string{"multipart/alternative", "text/plain", "text/html", "text/calendar"}, notice.Types())
	cancel := notice.Part("text/calendar")
	require.NotNil(t, reminder)
	require.NotNil(t, cancel)
	assert.Equal(t, "CANCEL", cancel.Params["method"], "the part's method")
	assert.Contains(t, cancel.Body, "\r\nMETHOD:CANCEL\r\n", "the calendar's method")
	assert.Contains(t, cancel.Body, "\r\nSTATUS:CANCELLED\r\n")
	assert.Equal(t, icsValue(t, reminder.Body, "UID"), icsValue(t, cancel.Body, "UID"), "the reminder's UID")
	before, err := strconv.Atoi(icsValue(t, reminder.Body, "SEQUENCE"))
	require.NoError(t, err)
	after, err := strconv.Atoi(icsValue(t, cancel.Body, "SEQUENCE"))
	require.NoError(t, err)
	assert.Greater(t, after, before, "a higher SEQUENCE than the reminder's")
	assert.Less(t, len(sent[1].Raw), 10<<10, "message bytes: %s", partSizes(t, sent[1].Raw))
}

// icsValue returns the value of the first property called name in an
// unfolded calendar.
func icsValue(t *testing.T, ics, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + name + `:(.*)\r$`).FindStringSubmatch(strings.ReplaceAll(ics, "\r\n ", ""))
	require.NotNil(t, m, "no %s in\n%s", name, ics)
	return m[1]
}

// partSizes says how many octets of raw each part takes, its header
// included, and the rest: the message's header fields and the boundaries.
func partSizes(t *testing.T, raw []byte) string {
	t.Helper()
	_, body, ok := strings.Cut(string(raw), "\r\n\r\n")
	require.True(t, ok)
	_, params, err := mime.ParseMediaType(mailcheck.Require(t, raw).Header.Get("Content-Type"))
	require.NoError(t, err)
	delimiter := "\r\n--" + params["boundary"]
	parts := strings.Split("\r\n"+body, delimiter)
	require.Greater(t, len(parts), 2, "a multipart body")
	var out []string
	rest := len(raw)
	for _, part := range parts[1 : len(parts)-1] {
		header, _, _ := strings.Cut(part, "\r\n\r\n")
		mediaType, _, _ := mime.ParseMediaType(headerValue(header, "Content-Type"))
		out = append(out, fmt.Sprintf("%s %d", mediaType, len(part)))
		rest -= len(part)
	}
	return strings.Join(append(out, fmt.Sprintf("header fields and boundaries %d", rest)), ", ")
}

// headerValue returns the value of the field name in a part's header.
func headerValue(header, name string) string {
	for line := range strings.SplitSeq(header, "\r\n") {
		if v, ok := strings.CutPrefix(line, name+": "); ok {
			return v
		}
	}
	return ""
}
