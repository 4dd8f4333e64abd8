// Command customstore shows a Calendar on a Store of one's own: FileStore,
// in filestore.go and series.go, keeps every event, series and reminder
// delivery in a JSON file, implementing seminar.Store, seminar.Outbox
// (transactions included), seminar.SeriesStore (and seminar.SeriesTx in its
// transactions) and seminar.ChangeTracker; it brings a file written before
// series were kept up to date when it opens it. customstore_test.go proves it with the
// conformance suite, storetest.Run, and with the check that a writer and a
// separate worker send what one process sends. Copy both files to
// start a Store for your own database.
//
// Usage:
//
//	go run ./examples/customstore [-dir directory]
//
// Without -dir, the events go to a new temporary directory, which the
// program names. Run it twice with the same -dir to see the events of the
// first run kept.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/seminarkit/seminar"
)

func main() {
	dir := flag.String("dir", "", "directory to keep calendar.json in (default: a new temporary directory)")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "customstore:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, dir string) error {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "customstore-")
		if err != nil {
			return err
		}
		dir = tmp
		fmt.Fprintf(w, "No -dir given, so the events go to a new temporary directory: %s\n", dir)
	}
	store, err := NewFileStore(dir)
	if err != nil {
		return err
	}
	cal, err := seminar.New(store, &seminar.Options{Domain: "csail.example.edu", TimeZone: "America/New_York"})
	if err != nil {
		return err
	}

	start, err := seminar.WallTime(2017, time.June, 12, 16, 0, "America/New_York")
	if err != nil {
		return err
	}
	talk, err := cal.Create(ctx, &seminar.Event{
		Title:    "A picture of the energy landscape of deep neural networks",
		Type:     "Seminar",
		Speakers: []seminar.Person{{Name: "Pratik Chaudhari", Affiliation: "UCLA"}},
		Host:     seminar.Person{Name: "Bolei Zhou", Affiliation: "MIT CSAIL"},
		Contact:  seminar.Person{Name: "Bolei Zhou", Email: "bzhou@csail.mit.edu"},
		Start:    start,
		End:      start.Add(time.Hour),
		TimeZone: "America/New_York",
		Location: seminar.Location{Room: "32-D507"},
		Public:   true,
		Links:    []seminar.Link{{Label: "arXiv", URL: "https://arxiv.org/abs/1611.01838"}},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Created %q as event %s in %s\n", talk.Title, talk.ID, store.Path())

	june, err := cal.Month(ctx, 2017, time.June, seminar.Filter{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Events happening in June 2017 (%d):\n", len(june))
	for _, e := range june {
		fmt.Fprintf(w, "  %s  %s, %s\n", e.Start.Format("Mon Jan 2 3:04 PM MST"), e.Title, e.Location.Room)
	}
	return nil
}
