package seminar_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

const seedAbstract = "Stochastic gradient descent (SGD) is the gold standard of optimization in deep learning. It does not, however, exploit the special structure and geometry of the loss functions we wish to optimize, viz. those of deep neural networks. In this talk, we will focus on the geometry of the energy landscape at local minima with an aim of understanding the generalization properties of deep networks.\r\n" +
	"In practice, optima discovered by SGD have a large proportion of almost-zero eigenvalues in the Hessian with very few positive or negative eigenvalues. We will first leverage upon this observation to construct an algorithm named Entropy-SGD that maximizes a local version of the free energy. Such a loss function favors flat regions of the energy landscape which are robust to perturbations and hence more generalizable, while simultaneously avoiding sharp, poorly-generalizable --- although possibly deep --- valleys. We will discuss connections of this algorithm with belief propagation and robust ensemble learning. Furthermore, we will establish a tight connection between such non-convex optimization algorithms and nonlinear partial differential equations. Empirical validation on CNNs and RNNs shows that Entropy-SGD and related algorithms compare favorably to state-of-the-art techniques in terms of both generalization error and training time.\r\n"

const seedBio = "Pratik Chaudhari is a PhD candidate in Computer Science at UCLA. With his advisor Stefano Soatto, he focuses on optimization algorithms for deep networks. He holds Master's and Engineer's degrees in Aeronautics and Astronautics from MIT where he worked on stochastic estimation and randomized motion planning algorithms for urban autonomous driving with Emilio Frazzoli."

// seedEvent is the talk of testdata/csail-event.txt, as a user would enter it.
func seedEvent(t testing.TB) *seminar.Event {
	t.Helper()
	start, err := seminar.WallTime(2017, time.June, 12, 16, 0, "America/New_York")
	require.NoError(t, err)
	return &seminar.Event{
		Title:    "A picture of the energy landscape of deep neural networks",
		Speakers: []seminar.Person{{Name: "Pratik Chaudhari", Affiliation: "UCLA", Bio: seedBio}},
		Start:    start,
		End:      start.Add(time.Hour),
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
		CreatedBy: "Bolei Zhou",
	}
}

// seedCreated is when the seed talk was entered: Friday, June 09, 2017 at
// 10:10 AM Eastern.
var seedCreated = time.Date(2017, time.June, 9, 14, 10, 0, 0, time.UTC)
