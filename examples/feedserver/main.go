// Command feedserver serves the talks of a seminar database as iCalendar
// feeds that calendar clients subscribe to:
//
//	go run ./examples/quickstart -db seminar.db    # the June 2017 demo talks
//	go run ./examples/feedserver -db seminar.db -addr 127.0.0.1:8080
//
// It prints the URLs it serves: /calendar.ics (every public talk),
// /series/{id}.ics for each series, by its ID, such as
// /series/vision-seminar.ics, and /events/{id}.ics for each talk.
// Stop it with Ctrl-C: requests in progress finish first.
//
// # The demo's clock
//
// Feeds hold the talks from a month before now to a year after, and the
// demo talks are in June 2017. So that they show, the server's clock starts
// at -asof, by default 2017-06-10 (the day after the talks were entered),
// and runs on from there; -asof now uses the real clock, as a real service
// would. A feed also takes from and to query parameters, such as
// /calendar.ics?from=2017-06-01&to=2017-06-30.
//
// # Private feeds
//
// With a secret of at least 16 bytes in the environment variable
// SEMINAR_FEED_SECRET (or the -secret flag, which other users of the
// machine can see in the process list), the server also serves private
// feeds, which hold the talks that are not public, and prints the private
// URL of the whole calendar. Anyone holding that URL reads them: hand it out
// as you would a password. A new secret revokes every URL handed out.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/feed"
	"github.com/seminarkit/seminar/store/sqlite"
)

// config is what the flags set.
type config struct {
	db        string
	asOf      string // a date, or "now"
	zone      string
	name      string
	maxEvents int
	secret    string
}

func main() {
	var cfg config
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	flag.StringVar(&cfg.db, "db", "seminar.db", "SQLite database file, as examples/quickstart makes it")
	flag.StringVar(&cfg.asOf, "asof", "2017-06-10", `the date the server's clock starts at, or "now" for the real clock`)
	flag.StringVar(&cfg.zone, "zone", "America/New_York", "IANA zone in which from and to dates are read")
	flag.StringVar(&cfg.name, "name", "CSAIL Seminars", "calendar name subscribers see")
	flag.IntVar(&cfg.maxEvents, "max-events", feed.DefaultMaxEvents, "most events in one feed")
	flag.StringVar(&cfg.secret, "secret", "", "key of private feeds (default $SEMINAR_FEED_SECRET); none: private feeds off")
	flag.Parse()
	if cfg.secret == "" {
		// Read after parsing, so that -h never prints the secret.
		cfg.secret = os.Getenv("SEMINAR_FEED_SECRET")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	if err := run(ctx, cfg, ln, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run serves the feeds of cfg.db on ln until ctx is done, then shuts down
// gracefully. It writes the URLs it serves to out.
func run(ctx context.Context, cfg config, ln net.Listener, out io.Writer) error {
	defer ln.Close()
	if _, err := os.Stat(cfg.db); err != nil {
		return fmt.Errorf("feedserver: %w (make it with go run ./examples/quickstart -db %s)", err, cfg.db)
	}
	now, err := clock(cfg.asOf)
	if err != nil {
		return err
	}
	store, err := sqlite.Open(context.Background(), cfg.db, nil)
	if err != nil {
		return err
	}
	defer store.Close()
	cal, err := seminar.New(store, &seminar.Options{TimeZone: cfg.zone, Now: now})
	if err != nil {
		return err
	}
	opts := &feed.Options{Name: cfg.name, MaxEvents: cfg.maxEvents, Now: now}
	if cfg.secret != "" {
		opts.Secret = []byte(cfg.secret)
	}
	feeds, err := feed.NewHandler(cal, opts)
	if err != nil {
		return err
	}
	if err := printURLs(ctx, out, "http://"+ln.Addr().String(), cal, feeds, now(), opts.Secret != nil); err != nil {
		return err
	}

	srv := &http.Server{Handler: feeds, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// clock returns the server's clock: the real one for "now", and otherwise
// one that starts at midnight UTC of the date and runs on, so that MaxAge
// still expires cached feeds.
func clock(asOf string) (func() time.Time, error) {
	if asOf == "now" {
		return time.Now, nil
	}
	start, err := time.Parse("2006-01-02", asOf)
	if err != nil {
		return nil, fmt.Errorf(`feedserver: -asof %q is neither a date such as 2017-06-09 nor "now"`, asOf)
	}
	offset := time.Until(start)
	return func() time.Time { return time.Now().Add(offset) }, nil
}

// maxListed is how many event feeds printURLs lists.
const maxListed = 10

// printURLs writes the URL of each feed: the calendar, each stored series
// with its name, and the first talks of the default window.
func printURLs(ctx context.Context, out io.Writer, base string, cal *seminar.Calendar, feeds *feed.Handler, now time.Time, private bool) error {
	events, err := listWindow(ctx, cal, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "feedserver: %d public talks from %s to %s; clock at %s\n",
		len(events), now.Add(-feed.DefaultPast).Format(time.DateOnly), now.Add(feed.DefaultFuture).Format(time.DateOnly), now.Format(time.DateTime))
	fmt.Fprintf(out, "calendar  %s%s\n", base, feed.Calendar().Path())
	series, err := cal.ListSeries(ctx)
	if err != nil {
		return err
	}
	for _, s := range series {
		fmt.Fprintf(out, "series    %s%s  %s\n", base, feed.Series(s.ID).Path(), s.Name)
	}
	for i, e := range events {
		if i == maxListed {
			fmt.Fprintf(out, "          and %d more talks\n", len(events)-maxListed)
			break
		}
		title := e.Title
		if title == "" {
			title = seminar.ToBeAnnounced // a planned slot, as pages head it
		}
		fmt.Fprintf(out, "event     %s%s  %s\n", base, feed.Event(e.ID).Path(), title)
	}
	if private {
		path, err := feeds.PrivatePath(feed.Calendar())
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "private   %s%s  (every talk; keep it secret)\n", base, path)
	}
	return nil
}

// listWindow lists the public talks of the feeds' default window.
func listWindow(ctx context.Context, cal *seminar.Calendar, now time.Time) ([]*seminar.Event, error) {
	q := seminar.Query{
		From:   now.Add(-feed.DefaultPast),
		To:     now.Add(feed.DefaultFuture),
		Filter: seminar.Filter{PublicOnly: true},
		Limit:  seminar.MaxPageSize,
	}
	var events []*seminar.Event
	for {
		page, err := cal.List(ctx, q)
		if err != nil {
			return nil, err
		}
		events = append(events, page.Events...)
		if page.Next == "" {
			return events, nil
		}
		q.Cursor = page.Next
	}
}
