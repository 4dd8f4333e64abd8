package seminar_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/internal/browsertest"
	"github.com/seminarkit/seminar/internal/mailcheck"
	"github.com/seminarkit/seminar/mail"
	"github.com/seminarkit/seminar/store/memstore"
)

// TestCalendar_PreviewReminder_inChromium shows the seed talk's reminder, the
// HTML part as the composed message carries it, in headless Chromium: what
// a reader of the mail sees must hold every fact needed to attend.
func TestCalendar_PreviewReminder_inChromium(t *testing.T) {
	cal, err := seminar.New(memstore.New(), &seminar.Options{
		Domain: "csail.mit.edu", TimeZone: "America/New_York", Now: func() time.Time { return seedCreated },
		Composer: mail.Composer{}, ICS: fakeICS{}, From: "CSAIL Seminars <seminars@csail.mit.edu>",
	})
	require.NoError(t, err)
	e, err := cal.Create(t.Context(), seedEvent(t))
	require.NoError(t, err)
	p, err := cal.PreviewReminder(t.Context(), e.ID)
	require.NoError(t, err)
	part := mailcheck.Require(t, p.Raw).Part("text/html")
	require.NotNil(t, part, "the reminder must have an HTML part")

	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset="+part.Params["charset"])
		w.Write([]byte(part.Body))
	}))
	defer ts.Close()

	page := browsertest.New(t, nil)
	require.Equal(t, http.StatusOK, page.Navigate(ts.URL))
	text := page.Text()
	for what, want := range map[string]string{
		"title":             "A picture of the energy landscape of deep neural networks",
		"speaker":           "Pratik Chaudhari",
		"affiliation":       "UCLA",
		"date":              "Monday, June 12, 2017",
		"start":             "4:00 PM",
		"end":               "5:00 PM",
		"zone":              "Eastern Time",
		"room":              "32-D507",
		"host":              "Bolei Zhou",
		"contact":           "bzhou@csail.mit.edu",
		"abstract":          "Stochastic gradient descent (SGD) is the gold standard",
		"first arXiv link":  "https://arxiv.org/abs/1611.01838",
		"second arXiv link": "https://arxiv.org/abs/1704.04932",
	} {
		assert.Contains(t, text, want, "the reminder's HTML part, as Chromium shows it, must show the %s", what)
	}
	for _, admin := range []string{"seminars@csail.mit.edu", "vision-meeting@csail.mit.edu", "None", "TALK:"} {
		assert.NotContains(t, text, admin, "the reminder's body must not show admin fields or empty labels")
	}
	page.Screenshot("reminder")
}
