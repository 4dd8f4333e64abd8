// Command multiinstance shows two processes sending the reminders of one
// calendar kept in PostgreSQL, each reminder delivered once.
//
//	go run ./examples/multiinstance -db postgres://postgres@127.0.0.1:5432/test?sslmode=disable
//
// The database is the -db flag, or SEMINAR_POSTGRES_URL when the flag is
// not given. The command makes a schema of its own in it, adds talks whose
// reminders are due at once, starts an SMTP server on 127.0.0.1 that accepts
// every message, and runs itself twice more as dispatchers (-role
// dispatcher): two processes, each with its own connection pool and
// Calendar, calling DispatchDue until nothing is left. It then counts what
// the SMTP server received: one message per reminder, no Message-ID twice.
// The schema is dropped at the end unless -keep is given.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
	"github.com/seminarkit/seminar/internal/smtptest"
	"github.com/seminarkit/seminar/mail"
	"github.com/seminarkit/seminar/store/postgres"
)

// config is what the flags say.
type config struct {
	role   string
	db     string
	schema string
	smtp   string
	name   string
	talks  int
	keep   bool
}

func main() {
	var c config
	flag.StringVar(&c.role, "role", "demo", `"demo" runs the whole demonstration; "dispatcher" is one of the processes it starts`)
	flag.StringVar(&c.db, "db", "", "PostgreSQL connection URL; default $SEMINAR_POSTGRES_URL")
	flag.StringVar(&c.schema, "schema", "", "schema to use; default a new one, dropped at the end")
	flag.StringVar(&c.smtp, "smtp", "", "dispatcher: the SMTP server's host:port")
	flag.StringVar(&c.name, "name", "dispatcher", "dispatcher: its name in the report")
	flag.IntVar(&c.talks, "talks", 40, "demo: how many talks, each with one reminder due")
	flag.BoolVar(&c.keep, "keep", false, "demo: keep the schema")
	flag.Parse()
	if c.db == "" {
		c.db = os.Getenv("SEMINAR_POSTGRES_URL")
	}
	if c.db == "" {
		fmt.Fprintln(os.Stderr, "multiinstance needs a PostgreSQL database: give -db postgres://user@host:5432/db, or set SEMINAR_POSTGRES_URL\n"+
			"(for example SEMINAR_POSTGRES_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable')")
		os.Exit(2)
	}
	var err error
	switch c.role {
	case "demo":
		err = demo(context.Background(), os.Stdout, c)
	case "dispatcher":
		err = dispatch(context.Background(), os.Stdout, c)
	default:
		err = fmt.Errorf("unknown -role %q", c.role)
	}
	if err != nil {
		log.Fatalf("multiinstance: %v", err)
	}
}

const (
	domain = "csail.mit.edu"
	from   = "CSAIL Seminars <seminars@csail.mit.edu>"
)

// newMailer returns a Mailer that sends through the SMTP server at addr,
// in plaintext: it is on the loopback interface. Close it when done, to
// end the connection it keeps between dispatches.
func newMailer(addr string) (*mail.Mailer, error) {
	return mail.New(mail.Options{Addr: addr, TLS: mail.TLSNone, AllowInsecure: true, Timeout: 10 * time.Second})
}

// newCalendar returns a Calendar on store that sends through mailer.
func newCalendar(store seminar.Store, mailer *mail.Mailer) (*seminar.Calendar, error) {
	return seminar.New(store, &seminar.Options{
		Domain:   domain,
		TimeZone: "America/New_York",
		Mailer:   mailer,
		ICS:      &ical.Attacher{},
		From:     from,
	})
}

// demo runs the whole demonstration and writes what happened to out.
func demo(ctx context.Context, out io.Writer, c config) (err error) {
	if c.schema == "" {
		c.schema = fmt.Sprintf("multiinstance_%d", time.Now().UnixNano())
	}
	store, err := postgres.Open(ctx, c.db, &postgres.Options{Schema: c.schema})
	if err != nil {
		return err
	}
	defer store.Close()
	if !c.keep {
		defer func() {
			_, derr := store.Pool().Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{c.schema}.Sanitize()+" CASCADE")
			err = errors.Join(err, derr)
		}()
	}
	// The demonstration's mail server accepts every message and keeps its
	// Message-ID; each takes 20 ms to accept, as a real server's would, so
	// that both dispatchers get work.
	smtpSink, err := smtptest.New(&smtptest.Options{TLS: smtptest.Plaintext, Sink: true, Delay: 20 * time.Millisecond})
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, smtpSink.Close()) }()

	mailer, err := newMailer(smtpSink.Addr)
	if err != nil {
		return err
	}
	defer mailer.Close()
	cal, err := newCalendar(store, mailer)
	if err != nil {
		return err
	}
	if _, err := cal.CreateSeries(ctx, &seminar.Series{Name: "ML Tea"}); err != nil && !errors.Is(err, seminar.ErrExists) {
		return err
	}
	if _, err := cal.CreateMany(ctx, talks(c.talks, time.Now())); err != nil {
		return err
	}
	fmt.Fprintf(out, "added %d talks to schema %q, each with a reminder due now\n", c.talks, c.schema)

	reports, err := runDispatchers(ctx, c, smtpSink.Addr, "dispatcher A", "dispatcher B")
	if err != nil {
		return err
	}
	total := 0
	for _, r := range reports {
		fmt.Fprintf(out, "%s sent %d\n", r.name, r.sent)
		total += r.sent
	}
	return check(out, smtpSink.MessageIDs(), total, c.talks)
}

// talks returns n talks starting two hours after now, each announced to
// two lists a day before: too late for that, so the reminder is due at
// once.
func talks(n int, now time.Time) []*seminar.Event {
	events := make([]*seminar.Event, n)
	start := now.Add(2 * time.Hour).Truncate(time.Minute)
	for i := range events {
		events[i] = &seminar.Event{
			Title:    fmt.Sprintf("Talk %d: Entropy-SGD", i+1),
			Type:     "Seminar",
			Series:   "ml-tea", // the ID of the series "ML Tea"
			Speakers: []seminar.Person{{Name: "Pratik Chaudhari", Affiliation: "UCLA"}},
			Start:    start.Add(time.Duration(i) * time.Minute),
			End:      start.Add(time.Duration(i)*time.Minute + time.Hour),
			TimeZone: "America/New_York",
			Location: seminar.Location{Room: "32-D507", Building: "Stata Center"},
			Public:   true,
			Reminders: seminar.Reminders{
				Lists:    []string{"seminars@csail.mit.edu", "ml@csail.mit.edu"},
				Schedule: []time.Duration{24 * time.Hour},
			},
		}
	}
	return events
}

// report is what one dispatcher process says it did.
type report struct {
	name string
	sent int
}

// runDispatchers starts one dispatcher process per name, at once, and
// returns their reports.
func runDispatchers(ctx context.Context, c config, smtpAddr string, names ...string) ([]report, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	reports := make([]report, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			cmd := exec.CommandContext(ctx, self, "-role", "dispatcher", "-db", c.db, "-schema", c.schema,
				"-smtp", smtpAddr, "-name", name)
			var stdout bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
			if err := cmd.Run(); err != nil {
				errs[i] = fmt.Errorf("%s: %w", name, err)
				return
			}
			reports[i], errs[i] = parseReport(name, &stdout)
		})
	}
	wg.Wait()
	return reports, errors.Join(errs...)
}

// A dispatcher's report is one line: "sent N".
func parseReport(name string, r io.Reader) (report, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if n, ok := strings.CutPrefix(sc.Text(), "sent "); ok {
			sent, err := strconv.Atoi(n)
			return report{name: name, sent: sent}, err
		}
	}
	return report{}, fmt.Errorf("%s printed no report", name)
}

// check compares what the SMTP server received with what the dispatchers
// say they sent.
func check(out io.Writer, ids []string, sent, want int) error {
	distinct := slices.Clone(ids)
	slices.Sort(distinct)
	distinct = slices.Compact(distinct)
	fmt.Fprintf(out, "the SMTP server received %d messages with %d distinct Message-IDs\n", len(ids), len(distinct))
	switch {
	case len(distinct) != len(ids):
		return fmt.Errorf("a reminder was delivered more than once")
	case len(ids) != want || sent != want:
		return fmt.Errorf("want %d reminders delivered, the dispatchers sent %d and the server received %d", want, sent, len(ids))
	}
	fmt.Fprintf(out, "each of the %d reminders was delivered once\n", want)
	return nil
}

// dispatch is one dispatcher process: it calls DispatchDue until a call
// finds nothing to send, then prints how many it sent.
func dispatch(ctx context.Context, out io.Writer, c config) error {
	if c.schema == "" || c.smtp == "" {
		return errors.New("a dispatcher needs -schema and -smtp")
	}
	store, err := postgres.Open(ctx, c.db, &postgres.Options{Schema: c.schema})
	if err != nil {
		return err
	}
	defer store.Close()
	mailer, err := newMailer(c.smtp)
	if err != nil {
		return err
	}
	defer mailer.Close()
	cal, err := newCalendar(store, mailer)
	if err != nil {
		return err
	}
	sent := 0
	for {
		r, err := cal.DispatchDue(ctx)
		if err != nil {
			return err
		}
		if r.Retrying+r.Failed > 0 {
			return fmt.Errorf("%s: %d deliveries to retry and %d failed", c.name, r.Retrying, r.Failed)
		}
		sent += r.Sent
		if r.Sent+r.Dropped == 0 {
			break
		}
	}
	_, err = fmt.Fprintf(out, "sent %d\n", sent)
	return err
}
