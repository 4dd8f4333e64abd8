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
func send(ctx context.Context, cal *seminar.Calendar, id string, force bool, stdout, stderr io.Writer) error {
	d, err := cal.SendReminder(ctx, id, force)
	switch {
	case errors.Is(err, seminar.ErrAlreadySent):
		return fmt.Errorf("%w\nreminders: %s; add -force to send it again, as a new message", err, lastManual(ctx, cal, id))
	case errors.Is(err, seminar.ErrTemporary):
		return fmt.Errorf("%w\nreminders: not sent for now; the outbox keeps it and -dispatch tries again", err)
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

// lastManual says what became of the last reminder sent with -send, which
// SendReminder reports as already sent even when it failed.
func lastManual(ctx context.Context, cal *seminar.Calendar, id string) string {
	outbox, ok := cal.Store().(seminar.Outbox)
	if !ok {
		return "the outbox cannot be read"
	}
	ds, err := outbox.Deliveries(ctx, id)
	if err != nil {
		return fmt.Sprintf("the outbox cannot be read: %v", err)
	}
	var last *seminar.Delivery
	for _, d := range ds {
		if d.Kind == seminar.KindManual && (last == nil || !d.UpdatedAt.Before(last.UpdatedAt)) {
			last = d
		}
	}
	switch {
	case last == nil:
		return "no earlier reminder is in the outbox"
	case last.State == seminar.StateSent:
		return fmt.Sprintf("the last one, <%s>, was sent at %s", last.MessageID, last.SentAt.Format(time.RFC3339))
	case last.LastError != "":
		return fmt.Sprintf("the last one, <%s>, is %s: %s", last.MessageID, last.State, last.LastError)
	}
	return fmt.Sprintf("the last one, <%s>, is %s", last.MessageID, last.State)
}

// dispatch sends what is due once and prints the report, also when it
// stopped early.
func dispatch(ctx context.Context, cal *seminar.Calendar, stdout io.Writer) error {
	r, err := cal.DispatchDue(ctx)
	if r != nil {
		fmt.Fprintf(stdout, "sent %d, retrying %d, failed %d, dropped %d\n", r.Sent, r.Retrying, r.Failed, r.Dropped)
	}
	return err
}
