package seminar_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/memstore"
)

func ExampleNew() {
	cal, err := seminar.New(memstore.New(), &seminar.Options{
		Domain:   "csail.mit.edu",
		TimeZone: "America/New_York",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cal.MonthRange(2017, time.June))
	// Output: 2017-06-01 00:00:00 -0400 EDT 2017-07-01 00:00:00 -0400 EDT
}

func ExampleCalendar_Create() {
	ctx := context.Background()
	cal, _ := seminar.New(memstore.New(), &seminar.Options{Domain: "csail.mit.edu"})

	start, err := seminar.WallTime(2017, time.June, 12, 16, 0, "America/New_York")
	if err != nil {
		fmt.Println(err)
		return
	}
	talk, err := cal.Create(ctx, &seminar.Event{
		Title:    "A picture of the energy landscape of deep neural networks",
		Speakers: []seminar.Person{{Name: "Pratik Chaudhari", Affiliation: "UCLA"}},
		Start:    start,
		End:      start.Add(time.Hour),
		TimeZone: "America/New_York",
		Location: seminar.Location{Room: "32-D507"},
		Public:   true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(talk.Start, "version", talk.Version, talk.Status)
	// Output: 2017-06-12 16:00:00 -0400 EDT version 1 scheduled
}

func ExampleEvent_Validate() {
	e := &seminar.Event{
		Title:    "TALK\r\nBcc: everyone@example.org",
		Speakers: []seminar.Person{{Name: "Pratik Chaudhari", Email: "pratik at ucla"}},
		Start:    time.Date(2017, 6, 12, 21, 0, 0, 0, time.UTC),
		End:      time.Date(2017, 6, 12, 20, 0, 0, 0, time.UTC),
		TimeZone: "America/New_York",
	}
	err := e.Validate()
	fmt.Println(errors.Is(err, seminar.ErrInvalid))
	var ve *seminar.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fmt.Println(f.Path+":", f.Message)
		}
	}
	// Output:
	// true
	// title: contains a control character (such as a line break); it must be a single line
	// end: must be after start
	// speakers[0].email: is not an email address: "pratik at ucla"
}

func ExampleCalendar_Month() {
	ctx := context.Background()
	cal, _ := seminar.New(memstore.New(), &seminar.Options{TimeZone: "America/New_York"})
	for _, talk := range []struct {
		title     string
		day, hour int
	}{{"Energy landscapes", 12, 16}, {"Robot learning", 5, 11}, {"Summer break", 3, 10}} {
		start, _ := seminar.WallTime(2017, time.June, talk.day, talk.hour, 0, "America/New_York")
		_, err := cal.Create(ctx, &seminar.Event{
			Title: talk.title, Start: start, End: start.Add(time.Hour), TimeZone: "America/New_York",
		})
		if err != nil {
			fmt.Println(err)
			return
		}
	}

	events, err := cal.Month(ctx, 2017, time.June, seminar.Filter{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("Other events happening in June 2017")
	for _, e := range events {
		fmt.Println(e.Start.Format("Mon Jan 2 3:04 PM"), e.Title)
	}
	// Output:
	// Other events happening in June 2017
	// Sat Jun 3 10:00 AM Summer break
	// Mon Jun 5 11:00 AM Robot learning
	// Mon Jun 12 4:00 PM Energy landscapes
}

func ExampleWritePage() {
	start, _ := seminar.WallTime(2017, time.June, 12, 16, 0, "America/New_York")
	e := &seminar.Event{
		Title:    "A picture of the energy landscape of deep neural networks",
		Speakers: []seminar.Person{{Name: "Pratik Chaudhari", Affiliation: "UCLA"}},
		Start:    start,
		End:      start.Add(time.Hour),
		TimeZone: "America/New_York",
		Public:   true,
		Location: seminar.Location{Room: "32-D507"},
		Host:     seminar.Person{Name: "Bolei Zhou", Affiliation: "MIT CSAIL"},
		Contact:  seminar.Person{Name: "Bolei Zhou", Email: "bzhou@csail.mit.edu"},
		Abstract: "Stochastic gradient descent (SGD) is the gold standard of optimization in deep learning.",
		Links:    []seminar.Link{{Label: "arXiv", URL: "https://arxiv.org/abs/1611.01838"}},
		Reminders: seminar.Reminders{
			Lists: []string{"seminars@csail.mit.edu"},
		},
		CreatedBy: "Bolei Zhou",
		CreatedAt: time.Date(2017, 6, 9, 14, 10, 0, 0, time.UTC),
	}
	if err := seminar.WritePage(os.Stdout, e, nil); err != nil {
		fmt.Println(err)
	}
	// Output:
	// A picture of the energy landscape of deep neural networks
	//
	// Speaker: Pratik Chaudhari (UCLA)
	//
	// Date: Monday, June 12, 2017
	// Time: 4:00 PM to 5:00 PM (all times are in the Eastern Time Zone)
	// Location: 32-D507
	//
	// Abstract:
	// Stochastic gradient descent (SGD) is the gold standard of optimization
	// in deep learning.
	//
	// arXiv: https://arxiv.org/abs/1611.01838
	//
	// Host: Bolei Zhou (MIT CSAIL)
	// Contact: Bolei Zhou, bzhou@csail.mit.edu
}

func ExampleStyle_WritePage() {
	start, _ := seminar.WallTime(2025, time.July, 8, 14, 0, "Europe/London")
	e := &seminar.Event{
		Title:    "Sheaves for data science",
		Speakers: []seminar.Person{{Name: "Ada Byron", Affiliation: "University of Cambridge"}},
		Start:    start,
		End:      start.Add(90 * time.Minute),
		TimeZone: "Europe/London",
		Location: seminar.Location{Room: "MR2", Building: "Centre for Mathematical Sciences"},
	}
	uk := seminar.Style{Clock24: true, DayFirst: true}
	if err := uk.WritePage(os.Stdout, e, nil); err != nil {
		fmt.Println(err)
	}
	// Output:
	// Sheaves for data science
	//
	// Speaker: Ada Byron (University of Cambridge)
	//
	// Date: Tuesday 8 July 2025
	// Time: 14:00 to 15:30 (all times are in British Summer Time)
	// Location: MR2, Centre for Mathematical Sciences
}
