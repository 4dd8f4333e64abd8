package feed_test

import (
	"bufio"
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/feed"
	"github.com/seminarkit/seminar/store/memstore"
)

// A service mounts the feeds under a prefix of its own. The talk is in June
// 2017, outside the default window around today, so the request names its
// window.
func ExampleNewHandler() {
	ctx := context.Background()
	cal, err := seminar.New(memstore.New(), &seminar.Options{Domain: "csail.mit.edu", TimeZone: "America/New_York"})
	if err != nil {
		log.Fatal(err)
	}
	series, err := cal.CreateSeries(ctx, &seminar.Series{Name: "Vision Seminar"})
	if err != nil {
		log.Fatal(err)
	}
	start, err := seminar.WallTime(2017, time.June, 12, 16, 0, "America/New_York")
	if err != nil {
		log.Fatal(err)
	}
	_, err = cal.Create(ctx, &seminar.Event{
		Title:    "A picture of the energy landscape of deep neural networks",
		Series:   series.ID, // "vision-seminar"
		Speakers: []seminar.Person{{Name: "Pratik Chaudhari", Affiliation: "UCLA"}},
		Start:    start,
		End:      start.Add(time.Hour),
		TimeZone: "America/New_York",
		Location: seminar.Location{Room: "32-D507"},
		Public:   true,
	})
	if err != nil {
		log.Fatal(err)
	}

	feeds, err := feed.NewHandler(cal, &feed.Options{Name: "CSAIL Seminars"})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/feeds/", http.StripPrefix("/feeds", feeds))

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/feeds"+feed.Series(series.ID).Path()+"?from=2017-06-01&to=2017-06-30", nil))
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	lines := bufio.NewScanner(rec.Body)
	for lines.Scan() {
		line := lines.Text()
		for _, name := range []string{"X-WR-CALNAME:", "DTSTART;", "SUMMARY:"} {
			if strings.HasPrefix(line, name) {
				fmt.Println(line)
			}
		}
	}
	// Output:
	// 200 text/calendar; charset=utf-8
	// X-WR-CALNAME:Vision Seminar
	// DTSTART;TZID=America/New_York:20170612T160000
	// SUMMARY:A picture of the energy landscape of deep neural networks
}

// A host hands out the private link of a feed to the people allowed to see
// the talks that are not public. The token depends on the secret and the
// feed only: the same link works after a restart, and a new secret revokes
// every link.
func ExampleHandler_PrivatePath() {
	cal, err := seminar.New(memstore.New(), nil)
	if err != nil {
		log.Fatal(err)
	}
	feeds, err := feed.NewHandler(cal, &feed.Options{Secret: []byte("keep this out of the repository")})
	if err != nil {
		log.Fatal(err)
	}
	path, err := feeds.PrivatePath(feed.Series("vision-seminar"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("https://seminars.example.edu/feeds" + path)
	// Output:
	// https://seminars.example.edu/feeds/private/p4adlwbP5e8OJHIHhWQrHtDRPBszoOS1ki2RL94_WWM/series/vision-seminar.ics
}
