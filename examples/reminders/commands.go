package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
)

// list prints every talk that is not cancelled, ordered by start, a page at
// a time.
func list(ctx context.Context, cal *seminar.Calendar, stdout io.Writer) error {
	w := bufio.NewWriter(stdout)
	q := seminar.Query{Limit: seminar.MaxPageSize}
	for {
		page, err := cal.List(ctx, q)
		if err != nil {
			return err
		}
		for _, e := range page.Events {
			fmt.Fprintf(w, "%s\t%s\t%s\n", e.ID, e.Start.Format(time.RFC3339), e.Title)
		}
		if page.Next == "" {
			return w.Flush()
		}
		q.Cursor = page.Next
	}
}

// preview prints the raw reminder of the talk id on stdout, and to whom it
// would go on stderr.
func preview(ctx context.Context, cal *seminar.Calendar, id string, stdout, stderr io.Writer) error {
	p, err := cal.PreviewReminder(ctx, id)
	if err != nil {
		return err
	}
	if _, err := stdout.Write(p.Raw); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "reminders: preview of %s: %d recipients (%s), envelope sender <%s>, Message-ID <%s>; nothing sent\n",
		id, p.Recipients, strings.Join(p.Envelope.To, ", "), p.Envelope.From, p.Message.MessageID)
	return nil
}

// send sends the reminder of the talk id now, and says what became of it.
// force both resends and sends for a talk that has started, as
// SendReminder's force does.
func send(ctx context.Context, cal *seminar.Calendar, id string, force bool, stdout, stderr io.Writer) error {
	d, err := cal.SendReminder(ctx, id, force)
	switch {
	case errors.Is(err, seminar.ErrAlreadySent):
		return fmt.Errorf("%w\nreminders: -force sends it again, as a new message", err)
	case errors.Is(err, seminar.ErrStarted):
		return fmt.Errorf("%w\nreminders: -force sends it anyway; for a demo on past talks, -now sets the clock to an instant before the talk", err)
	case errors.Is(err, seminar.ErrTemporary):
		// A forced send for a talk that has started is not retried:
		// -dispatch drops it.
		return fmt.Errorf("%w\nreminders: not sent for now; the outbox keeps it and -dispatch tries again while the talk is ahead", err)
	case err != nil:
		return err
	}
	fmt.Fprintf(stdout, "sent the reminder of %s to %d recipients (%s), Message-ID <%s>\n",
		id, len(d.Recipients), strings.Join(d.Recipients, ", "), d.MessageID)
	if d.LastError != "" {
		fmt.Fprintf(stderr, "reminders: %s\n", d.LastError)
	}
	return nil
}

// dispatch sends what is due once and prints the report, also when it
// stopped early: one line of counts on stdout, always the same fields for
// scripts, and a hint on stderr when reminders were dropped as past.
func dispatch(ctx context.Context, cal *seminar.Calendar, stdout, stderr io.Writer) error {
	r, err := cal.DispatchDue(ctx)
	if r == nil {
		return err
	}
	fmt.Fprintf(stdout, "sent %d, retrying %d, failed %d, dropped %d (%d past), repaired %d\n",
		r.Sent, r.Retrying, r.Failed, r.Dropped, r.Past, r.Repaired)
	if r.Past > 0 {
		// With the real clock, the quickstart's talks of June 2017 are all
		// past: the likeliest reason for a user trying the command.
		fmt.Fprintf(stderr, "reminders: dropped %d as past: their talks had started, or were over; -now sets the clock, for a demo\n", r.Past)
	}
	return err
}
