package ical_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
)

// The seed talk of testdata/csail-event.txt in the root package, as the
// Calendar stores it.
const (
	seedAbstract = "Stochastic gradient descent (SGD) is the gold standard of optimization in deep learning. It does not, however, exploit the special structure and geometry of the loss functions we wish to optimize, viz. those of deep neural networks. In this talk, we will focus on the geometry of the energy landscape at local minima with an aim of understanding the generalization properties of deep networks.\r\n" +
		"In practice, optima discovered by SGD have a large proportion of almost-zero eigenvalues in the Hessian with very few positive or negative eigenvalues. We will first leverage upon this observation to construct an algorithm named Entropy-SGD that maximizes a local version of the free energy. Such a loss function favors flat regions of the energy landscape which are robust to perturbations and hence more generalizable, while simultaneously avoiding sharp, poorly-generalizable --- although possibly deep --- valleys. We will discuss connections of this algorithm with belief propagation and robust ensemble learning. Furthermore, we will establish a tight connection between such non-convex optimization algorithms and nonlinear partial differential equations. Empirical validation on CNNs and RNNs shows that Entropy-SGD and related algorithms compare favorably to state-of-the-art techniques in terms of both generalization error and training time.\r\n"
	seedBio = "Pratik Chaudhari is a PhD candidate in Computer Science at UCLA. With his advisor Stefano Soatto, he focuses on optimization algorithms for deep networks. He holds Master's and Engineer's degrees in Aeronautics and Astronautics from MIT where he worked on stochastic estimation and randomized motion planning algorithms for urban autonomous driving with Emilio Frazzoli."
)

// seedStart is Monday, June 12, 2017 at 4:00 PM Eastern.
var seedStart = time.Date(2017, time.June, 12, 20, 0, 0, 0, time.UTC)

// fixedNow is the clock of every test encoder: DTSTAMP reads 20170612T120000Z.
func fixedNow() time.Time { return time.Date(2017, time.June, 12, 12, 0, 0, 0, time.UTC) }

func seedEvent() *seminar.Event {
	return &seminar.Event{
		ID:       "k3j5x7q2m9",
		UID:      "k3j5x7q2m9@csail.mit.edu",
		Title:    "A picture of the energy landscape of deep neural networks",
		Speakers: []seminar.Person{{Name: "Pratik Chaudhari", Affiliation: "UCLA", Bio: seedBio}},
		Start:    seedStart,
		End:      seedStart.Add(time.Hour),
		TimeZone: "America/New_York",
		Public:   true,
		Location: seminar.Location{Room: "32-D507"},
		Host:     seminar.Person{Name: "Bolei Zhou", Affiliation: "MIT CSAIL"},
		Contact:  seminar.Person{Name: "Bolei Zhou", Email: "bzhou@csail.mit.edu"},
		Abstract: seedAbstract,
		Links: []seminar.Link{
			{Label: "arXiv", URL: "https://arxiv.org/abs/1611.01838"},
			{Label: "arXiv", URL: "https://arxiv.org/abs/1704.04932"},
		},
		Reminders: seminar.Reminders{
			Lists:    []string{"seminars@csail.mit.edu", "vision-meeting@csail.mit.edu"},
			Schedule: []time.Duration{7 * 24 * time.Hour, 24 * time.Hour},
		},
		Status:    seminar.StatusScheduled,
		Sequence:  0,
		Version:   1,
		CreatedBy: "Bolei Zhou",
		CreatedAt: time.Date(2017, time.June, 9, 14, 10, 0, 0, time.UTC),
		UpdatedAt: time.Date(2017, time.June, 9, 14, 10, 0, 0, time.UTC),
	}
}

// encodeAll encodes events as one calendar and returns its text.
func encodeAll(t testing.TB, opts *ical.EncodeOptions, events ...*seminar.Event) string {
	t.Helper()
	if opts == nil {
		opts = &ical.EncodeOptions{}
	}
	if opts.Now == nil {
		opts.Now = fixedNow
	}
	var b bytes.Buffer
	enc := ical.NewEncoder(&b, opts)
	for _, e := range events {
		require.NoError(t, enc.Encode(e))
	}
	require.NoError(t, enc.Close())
	return b.String()
}

// parseICS parses with golang-ical, the reference parser of these tests.
func parseICS(t testing.TB, text string) *ics.Calendar {
	t.Helper()
	cal, err := ics.ParseCalendar(strings.NewReader(text))
	require.NoError(t, err, "golang-ical must parse the output:\n%s", text)
	return cal
}

// values returns the values of every property called name.
func values(props []ics.IANAProperty, name string) []string {
	var vs []string
	for _, p := range props {
		if p.IANAToken == name {
			vs = append(vs, p.Value)
		}
	}
	return vs
}

// value returns the value of the one property called name, failing the
// test if there is not exactly one.
func value(t testing.TB, props []ics.IANAProperty, name string) string {
	t.Helper()
	vs := values(props, name)
	require.Len(t, vs, 1, "want exactly one %s", name)
	return vs[0]
}

// property returns the one property called name.
func property(t testing.TB, props []ics.IANAProperty, name string) ics.IANAProperty {
	t.Helper()
	var found []ics.IANAProperty
	for _, p := range props {
		if p.IANAToken == name {
			found = append(found, p)
		}
	}
	require.Len(t, found, 1, "want exactly one %s", name)
	return found[0]
}

// onlyEvent returns the properties of the calendar's one VEVENT.
func onlyEvent(t testing.TB, cal *ics.Calendar) *ics.VEvent {
	t.Helper()
	events := cal.Events()
	require.Len(t, events, 1)
	return events[0]
}
