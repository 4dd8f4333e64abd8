// Command reminders previews and sends the reminder emails of a talk
// calendar kept in SQLite, such as the database examples/quickstart makes:
//
//	go run ./examples/quickstart -db seminar.db
//	go run ./examples/reminders -db seminar.db -list
//	go run ./examples/reminders -db seminar.db -preview ID
//	go run ./examples/reminders -db seminar.db -smtp smtp.example.org:587 -user U -pass P -send ID
//	go run ./examples/reminders -db seminar.db -smtp smtp.example.org:587 -user U -pass P -dispatch
//
// # Commands
//
// Exactly one command is given:
//
//   - -list prints one talk per line, ordered by start: its ID, a tab, its
//     start in RFC 3339 (in the talk's own zone), a tab and its title.
//     Cancelled talks are left out.
//   - -preview ID prints the talk's reminder on standard output exactly as
//     -send would transmit it, the raw RFC 5322 message and nothing else;
//     who it would go to is written on standard error. It needs no -smtp:
//     without one, it composes with mail.Composer, the code the SMTP mailer
//     sends with. Only the Date header and the DTSTAMP of the attached
//     calendar differ from a later send. Once the reminder was sent, it
//     shows the resend -send -force would make.
//   - -send ID sends the talk's reminder now: one message, with every list
//     of the talk in To, in one SMTP transaction. A reminder is sent once per
//     version of the talk, and only before the talk starts: -send refuses a
//     second time, and for a talk that has started, unless -force is given.
//     -force lifts both refusals, as seminar.Calendar.SendReminder's force
//     does: a forced resend is a new message with a new Message-ID, and a
//     forced send that fails for now is not retried by -dispatch once the
//     talk has started.
//   - -dispatch sends every reminder that is due, once (run it from cron
//     every minute or so; several at once are safe) and prints what it did
//     (see below). It never sends a reminder for a talk that has started:
//     those are dropped. A failed delivery is counted in the report, which
//     is not a failure of the command; the outbox keeps the reason.
//
// # What -dispatch prints
//
// One line on standard output, with the same fields in the same order every
// time, for scripts:
//
//	sent 1, retrying 0, failed 0, dropped 2 (2 past), repaired 0
//
// sent, retrying and failed count the deliveries attempted: taken by the
// server, to be tried again, failed for good. dropped counts those that
// were due but must not go out any more, and past, among them, those
// dropped because their talk had started (or, for a cancellation notice,
// was over): a dispatcher that was not running, or the real clock on the
// quickstart's talks. When past is not 0, a hint saying so, and that -now
// sets the clock, follows on standard error. repaired counts the talks
// whose outbox was repaired before anything was sent, because it disagreed
// with the talk (written by another tool, or restored from a backup; see
// seminar.Calendar.Reconcile); the log on standard error says what changed.
//
// # The mail server
//
// -send and -dispatch need -smtp, the server's host:port. The connection is
// upgraded with STARTTLS, which the server must offer and whose certificate
// must verify against the system's roots, unless -insecure allows plaintext
// (for a relay on the same host, or a test server). -user and -pass
// authenticate with AUTH; the password may come from the environment
// variable SEMINAR_SMTP_PASSWORD instead, since other users of the machine
// see -pass in the process list. -from is the From header and the envelope
// sender, in previews too; -domain, by default the domain of -from, is the
// Calendar's domain (seminar.Options.Domain): the right-hand side of the
// Message-IDs of reminders sent with -send and of the List-Id, and of the
// UIDs of talks a Calendar so configured would create. Scheduled reminders
// keep the Message-ID they were given when their talk was stored (or when
// -dispatch repaired its outbox), and talks their UID.
//
// # The demo's clock
//
// The quickstart's talks are in June 2017, so with the real clock they have
// all started: -send refuses them without -force, and -dispatch drops
// their reminders as past. Correct, if dull. -now sets the clock to a fixed
// instant in RFC 3339, such as
//
//	go run ./examples/reminders -db seminar.db -smtp 127.0.0.1:2525 -insecure -now 2017-06-11T21:00:00Z -dispatch
//
// which finds the one-day reminder of the June 12 talk and the one-week
// reminder of the June 16 talk due, or
//
//	go run ./examples/reminders -db seminar.db -smtp 127.0.0.1:2525 -insecure -now 2017-06-10T12:00:00Z -send ID
//
// which sends the reminder of a talk after June 10 without -force. Use it
// for demonstrations and tests only: the clock decides which reminders are
// due and when leases expire.
//
// # Exit status
//
// 0 on success, 1 when the command failed, 2 when the command line is wrong.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
	"github.com/seminarkit/seminar/mail"
	"github.com/seminarkit/seminar/store/sqlite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// run runs the command line args and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	switch {
	case errors.Is(err, errHelp):
		return exitOK
	case errors.Is(err, errUsageShown):
		return exitUsage
	case err != nil:
		fmt.Fprintf(stderr, "reminders: %v\nRun reminders -h for help.\n", err)
		return exitUsage
	}
	err = c.run(ctx, stdout, stderr)
	var usage usageError
	switch {
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "reminders: %v\n", err)
		return exitUsage
	case err != nil:
		fmt.Fprintf(stderr, "reminders: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// run opens the database, builds the Calendar and runs the command.
func (c *config) run(ctx context.Context, stdout, stderr io.Writer) error {
	// sqlite.Open would make an empty database of a mistyped path.
	if _, err := os.Stat(c.db); err != nil {
		return fmt.Errorf("%w (make one with go run ./examples/quickstart -db %s)", err, c.db)
	}
	store, err := sqlite.Open(context.Background(), c.db, nil)
	if err != nil {
		return err
	}
	defer store.Close()
	mailer, err := c.mailer()
	if err != nil {
		return usageError{err}
	}
	if m, ok := mailer.(*mail.Mailer); ok {
		// Ends the connection the Mailer keeps between batches.
		defer m.Close()
	}
	cal, err := seminar.New(store, c.calendarOptions(mailer, stderr))
	if err != nil {
		return usageError{err}
	}
	switch c.cmd {
	case cmdList:
		return list(ctx, cal, stdout)
	case cmdPreview:
		return preview(ctx, cal, c.id, stdout, stderr)
	case cmdSend:
		return send(ctx, cal, c.id, c.force, stdout, stderr)
	default:
		return dispatch(ctx, cal, stdout, stderr)
	}
}

// mailer returns the SMTP mailer of -smtp, or nil without -smtp: -list and
// -preview need no mail server.
func (c *config) mailer() (seminar.Mailer, error) {
	if c.smtp == "" {
		return nil, nil
	}
	m, err := mail.New(c.mailOptions())
	if err != nil {
		return nil, err
	}
	return m, nil
}

// mailOptions says how to reach the mail server.
func (c *config) mailOptions() mail.Options {
	o := mail.Options{Addr: c.smtp, Username: c.user, Password: c.pass, MessagesPerConnection: c.perConn}
	if c.insecure {
		o.TLS, o.AllowInsecure = mail.TLSNone, true
	}
	return o
}

// logger writes records to log as text; when log is io.Discard it is
// slog.DiscardHandler's, which is off and so formats nothing.
func logger(log io.Writer) *slog.Logger {
	if log == io.Discard {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(log, nil))
}

// calendarOptions are the Calendar's: mailer sends, log receives a record
// of every delivery attempted or dropped. A nil mailer makes a Calendar
// that previews with mail.Composer, the code mail.Mailer composes with, so
// that a preview without -smtp is still what -send transmits.
func (c *config) calendarOptions(mailer seminar.Mailer, log io.Writer) *seminar.Options {
	// The Attacher keeps its own ZoneCache: each zone's VTIMEZONE is
	// generated once, not for every message.
	ics := &ical.Attacher{Options: ical.EncodeOptions{Now: c.now}}
	o := &seminar.Options{
		Domain: c.domain,
		Now:    c.now,
		Logger: logger(log),
		Mailer: mailer,
		ICS:    ics,
		From:   c.from,
	}
	if mailer == nil {
		o.Composer = mail.Composer{}
	}
	return o
}

// fixedClock is the clock of -now.
func fixedClock(t time.Time) func() time.Time {
	return func() time.Time { return t }
}
