package seminar_test

import (
	"context"
	"fmt"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/memstore"
)

// A department seminar is a series first: create it, plan the term's
// slots, then fill in speakers as they confirm.
func ExampleCalendar_PlanSeries() {
	ctx := context.Background()
	cal, _ := seminar.New(memstore.New(), &seminar.Options{Domain: "csail.mit.edu", TimeZone: "America/New_York"})
	series, err := cal.CreateSeries(ctx, &seminar.Series{
		Name: "Vision Seminar",
		Defaults: seminar.SeriesDefaults{
			Location:  seminar.Location{Room: "32-D507"},
			Duration:  time.Hour,
			Public:    true,
			Reminders: seminar.Reminders{Lists: []string{"vision-meeting@csail.mit.edu"}, Schedule: []time.Duration{24 * time.Hour}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	start, _ := seminar.WallTime(2017, time.September, 11, 16, 0, "America/New_York")
	plan := seminar.Plan{Start: start, Rule: "FREQ=WEEKLY;BYDAY=MO;UNTIL=20171212T000000Z", Except: []string{"2017-10-09"}}
	res, err := cal.PlanSeries(ctx, series.ID, plan)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(series.ID, "has", len(res.Slots), "slots:")
	for _, slot := range res.Slots[6:8] {
		view, _ := seminar.NewView(slot)
		fmt.Println(slot.Start.Format(time.RFC3339), view.Heading)
	}

	first := res.Slots[0]
	first.Title = "Scene understanding"
	first.Speakers = []seminar.Person{{Name: "Antonio Torralba", Affiliation: "MIT"}}
	if _, err := cal.Update(ctx, first); err != nil {
		fmt.Println(err)
		return
	}
	again, _ := cal.PlanSeries(ctx, series.ID, plan)
	fmt.Println("planned again:", again.Added, "added;", again.Slots[0].Title)
	// Output:
	// vision-seminar has 13 slots:
	// 2017-10-30T16:00:00-04:00 To be announced
	// 2017-11-06T16:00:00-05:00 To be announced
	// planned again: 0 added; Scene understanding
}

// "From November on, in 32-G449": one call changes that talk, every later
// one, and the series' defaults, in one atomic step.
func ExampleCalendar_UpdateFollowing() {
	ctx := context.Background()
	cal, _ := seminar.New(memstore.New(), &seminar.Options{TimeZone: "America/New_York"})
	series, _ := cal.CreateSeries(ctx, &seminar.Series{Name: "Vision Seminar", Defaults: seminar.SeriesDefaults{Location: seminar.Location{Room: "32-D507"}}})
	start, _ := seminar.WallTime(2017, time.October, 23, 16, 0, "America/New_York")
	res, _ := cal.PlanSeries(ctx, series.ID, seminar.Plan{Start: start, Rule: "FREQ=WEEKLY;COUNT=4"})

	changed, err := cal.UpdateFollowing(ctx, res.Slots[2].ID,
		func(e *seminar.Event) { e.Location.Room = "32-G449" },
		&seminar.FollowingOptions{Defaults: func(d *seminar.SeriesDefaults) { d.Location.Room = "32-G449" }})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(changed), "talks changed")
	for _, slot := range res.Slots {
		e, _ := cal.Get(ctx, slot.ID)
		fmt.Println(e.Start.Format("Jan 2"), e.Location.Room)
	}
	// Output:
	// 2 talks changed
	// Oct 23 32-D507
	// Oct 30 32-D507
	// Nov 6 32-G449
	// Nov 13 32-G449
}
