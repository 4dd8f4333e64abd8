package sqlite_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/sqlite"
)

func ExampleOpen() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	store, err := sqlite.Open(context.Background(), filepath.Join(dir, "talks.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	cal, err := seminar.New(store, &seminar.Options{Domain: "csail.mit.edu"})
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	start, err := seminar.WallTime(2017, time.June, 13, 16, 0, "America/New_York")
	if err != nil {
		log.Fatal(err)
	}
	talk, err := cal.Create(ctx, &seminar.Event{
		Title:    "Countable sets, uncountable worries",
		Start:    start,
		End:      start.Add(time.Hour),
		TimeZone: "America/New_York",
	})
	if err != nil {
		log.Fatal(err)
	}
	got, err := cal.Get(ctx, talk.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.Title)
	fmt.Println(got.Start.Format("Mon Jan 2 2006, 3:04 PM MST"))
	// Output:
	// Countable sets, uncountable worries
	// Tue Jun 13 2017, 4:00 PM EDT
}
