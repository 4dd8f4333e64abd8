// Command benchdb fills a SQLite database with synthetic public talks for
// bench.sh: -n talks, four hours apart from -start on, in three series.
//
//	go run ./examples/feedserver/benchdb -db /tmp/bench.db -n 2000 -start 2017-06-10
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/sqlite"
)

func main() {
	db := flag.String("db", "bench.db", "SQLite database file; must not exist yet")
	n := flag.Int("n", 2000, "number of talks")
	startFlag := flag.String("start", "2017-06-10", "date of the first talk")
	flag.Parse()
	if err := run(context.Background(), *db, *n, *startFlag); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, db string, n int, startDate string) error {
	if _, err := os.Stat(db); err == nil {
		return fmt.Errorf("benchdb: %s exists; give a new file", db)
	}
	first, err := time.Parse(time.DateOnly, startDate)
	if err != nil {
		return fmt.Errorf("benchdb: -start: %w", err)
	}
	store, err := sqlite.Open(context.Background(), db, nil)
	if err != nil {
		return err
	}
	defer store.Close()
	cal, err := seminar.New(store, &seminar.Options{Domain: "bench.example.edu", TimeZone: "America/New_York",
		Now: func() time.Time { return first.Add(-24 * time.Hour) }})
	if err != nil {
		return err
	}
	var series []string
	for _, name := range []string{"Vision Seminar", "Theory Colloquium", "HCI Seminar"} {
		s, err := cal.CreateSeries(ctx, &seminar.Series{Name: name})
		if err != nil {
			return err
		}
		series = append(series, s.ID)
	}
	events := make([]*seminar.Event, n)
	for i := range events {
		start := first.Add(time.Duration(i) * 4 * time.Hour)
		events[i] = &seminar.Event{
			Title:    fmt.Sprintf("Talk %d: a picture of the energy landscape of deep neural networks", i),
			Series:   series[i%3],
			Speakers: []seminar.Person{{Name: "Pratik Chaudhari", Affiliation: "UCLA"}},
			Host:     seminar.Person{Name: "Bolei Zhou", Affiliation: "MIT CSAIL"},
			Contact:  seminar.Person{Name: "Bolei Zhou", Email: "bzhou@example.edu"},
			Start:    start,
			End:      start.Add(time.Hour),
			TimeZone: "America/New_York",
			Location: seminar.Location{Room: "32-D507", Building: "Stata Center"},
			Public:   true,
			Abstract: "Stochastic gradient descent (SGD) is the gold standard of optimization in deep learning. It does not, however, exploit the special structure and geometry of the loss functions we wish to optimize.",
		}
	}
	if _, err := cal.CreateMany(ctx, events); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "benchdb: %d talks in %s\n", n, db)
	return nil
}
