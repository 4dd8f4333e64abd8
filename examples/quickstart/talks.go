package main

import (
	"time"

	"github.com/seminarkit/seminar"
)

// series are the talk series the June talks belong to. Their IDs are the
// slugs of their names, which the talks name in Series.
func series() []*seminar.Series {
	const zone = "America/New_York"
	return []*seminar.Series{
		{Name: "Vision Seminar", Description: "Talks on computer vision.", Defaults: seminar.SeriesDefaults{
			TimeZone: zone, Duration: time.Hour, Public: true, Location: seminar.Location{Room: "32-D507"},
			Reminders: seminar.Reminders{Lists: []string{"vision-meeting@csail.mit.edu"}, Schedule: []time.Duration{24 * time.Hour}},
		}},
		{Name: "Theory Colloquium", Description: "Talks on the theory of computation.", Defaults: seminar.SeriesDefaults{TimeZone: zone, Duration: 90 * time.Minute}},
		{Name: "HCI Seminar", Description: "Talks on human-computer interaction.", Defaults: seminar.SeriesDefaults{TimeZone: zone, Duration: time.Hour}},
	}
}

// juneTalks returns the talks of June 2017. Each has a fixed UID, so a second
// run finds them stored (seminar.ErrExists) instead of adding copies.
func juneTalks() ([]*seminar.Event, error) {
	const zone = "America/New_York"
	at := func(day, hour, minute int) (time.Time, error) {
		return seminar.WallTime(2017, time.June, day, hour, minute, zone)
	}
	reminders := seminar.Reminders{
		Lists:    []string{"seminars@csail.mit.edu", "vision-meeting@csail.mit.edu"},
		Schedule: []time.Duration{7 * 24 * time.Hour, 24 * time.Hour},
	}
	host := seminar.Person{Name: "Bolei Zhou", Affiliation: "MIT CSAIL"}
	contact := seminar.Person{Name: "Bolei Zhou", Email: "bzhou@csail.mit.edu"}

	seedStart, err := at(12, 16, 0)
	if err != nil {
		return nil, err
	}
	talks := []*seminar.Event{{
		UID:   seedUID,
		Title: "A picture of the energy landscape of deep neural networks",
		Speakers: []seminar.Person{{
			Name:        "Pratik Chaudhari",
			Affiliation: "UCLA",
			Bio:         "Pratik Chaudhari is a PhD candidate in Computer Science at UCLA. With his advisor Stefano Soatto, he focuses on optimization algorithms for deep networks. He holds Master's and Engineer's degrees in Aeronautics and Astronautics from MIT where he worked on stochastic estimation and randomized motion planning algorithms for urban autonomous driving with Emilio Frazzoli.",
		}},
		Start:    seedStart,
		End:      seedStart.Add(time.Hour),
		TimeZone: zone,
		Public:   true,
		Location: seminar.Location{Room: "32-D507"},
		Host:     host,
		Contact:  contact,
		Abstract: "Stochastic gradient descent (SGD) is the gold standard of optimization in deep learning. It does not, however, exploit the special structure and geometry of the loss functions we wish to optimize, viz. those of deep neural networks. In this talk, we will focus on the geometry of the energy landscape at local minima with an aim of understanding the generalization properties of deep networks.\n" +
			"In practice, optima discovered by SGD have a large proportion of almost-zero eigenvalues in the Hessian with very few positive or negative eigenvalues. We will first leverage upon this observation to construct an algorithm named Entropy-SGD that maximizes a local version of the free energy. Such a loss function favors flat regions of the energy landscape which are robust to perturbations and hence more generalizable, while simultaneously avoiding sharp, poorly-generalizable --- although possibly deep --- valleys. We will discuss connections of this algorithm with belief propagation and robust ensemble learning. Furthermore, we will establish a tight connection between such non-convex optimization algorithms and nonlinear partial differential equations. Empirical validation on CNNs and RNNs shows that Entropy-SGD and related algorithms compare favorably to state-of-the-art techniques in terms of both generalization error and training time.",
		Links: []seminar.Link{
			{Label: "arXiv", URL: "https://arxiv.org/abs/1611.01838"},
			{Label: "arXiv", URL: "https://arxiv.org/abs/1704.04932"},
		},
		Reminders: reminders,
		CreatedBy: "Bolei Zhou",
	}}

	others := []struct {
		uid, title, speaker, affiliation, room string
		day, hour, minute                      int
		minutes                                int
		series                                 string
	}{
		{"2017-06-05-vision@csail.mit.edu", "Learning to see by moving", "Ana Ferreira", "Example University", "32-G449", 5, 11, 0, 60, "vision-seminar"},
		{"2017-06-08-theory@csail.mit.edu", "Sparse recovery in sublinear time", "Wei Zhang", "Example Institute of Technology", "32-G575", 8, 14, 30, 90, "theory-colloquium"},
		{"2017-06-16-vision@csail.mit.edu", "Scene understanding from a single image", "Léa Martin", "Université Exemple", "32-D463", 16, 13, 0, 60, "vision-seminar"},
		{"2017-06-22-thesis@csail.mit.edu", "Thesis defense: Verified storage systems", "Sam Okafor", "MIT CSAIL", "32-G882", 22, 10, 0, 120, ""},
		{"2017-06-28-hci@csail.mit.edu", "Interfaces that explain themselves", "Mira Kovač", "Example College", "32-D507", 28, 16, 0, 60, "hci-seminar"},
	}
	for _, o := range others {
		start, err := at(o.day, o.hour, o.minute)
		if err != nil {
			return nil, err
		}
		talks = append(talks, &seminar.Event{
			UID:       o.uid,
			Title:     o.title,
			Series:    o.series,
			Speakers:  []seminar.Person{{Name: o.speaker, Affiliation: o.affiliation}},
			Start:     start,
			End:       start.Add(time.Duration(o.minutes) * time.Minute),
			TimeZone:  zone,
			Public:    true,
			Location:  seminar.Location{Room: o.room},
			Host:      host,
			Contact:   contact,
			Reminders: reminders,
			CreatedBy: "Bolei Zhou",
		})
	}
	return talks, nil
}
