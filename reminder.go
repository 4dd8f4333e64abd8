package seminar

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	htmltemplate "html/template"
	"io"
	"log/slog"
	"net/mail"
	"strings"
	texttemplate "text/template"
	"time"
)

//go:embed templates/reminder.txt
var reminderTextSource string

//go:embed templates/reminder.html
var reminderHTMLSource string

// ICSEncoder writes one event as a complete iCalendar object with the given
// METHOD ("PUBLISH" or "CANCEL"). Package ical provides one; the root
// package cannot import it, so a Calendar that sends reminders is handed one
// in Options.ICS, the way database/sql is handed a driver.
type ICSEncoder interface {
	EncodeEvent(w io.Writer, e *Event, method string) error
}

// ICSSeriesEncoder is an ICSEncoder that can also write the name of the
// event's series where people read it (a description, a category), which
// e.Series, the series' ID, is not. The Calendar calls EncodeEventInSeries
// when its ICSEncoder has it, with seriesName empty when the name is not
// known; ical.Attacher has it. An ICSEncoder without it gets EncodeEvent.
type ICSSeriesEncoder interface {
	EncodeEventInSeries(w io.Writer, e *Event, method, seriesName string) error
}

// ReminderTemplates are the text and HTML bodies of reminder messages. The
// subject comes from each event's Reminders.Subject.
type ReminderTemplates struct {
	Text *texttemplate.Template
	HTML *htmltemplate.Template
}

// ParseReminderTemplates parses replacements for the reminder bodies; an
// empty source keeps the default for that part. Both are executed with
// the fields and methods of a *ReminderView, flattened into one struct
// (so that each is found without searching the embedded structs). The text template may use {{template "details" .}}, the
// body of the default event page (see ParsePageTemplate), and may define
// "your time", which "details" executes after the time of the talk and
// which is empty unless defined; it may call join (strings.Join) and wrap
// ({{wrap 72 .AbstractText}}; see ParsePageTemplate). The HTML template
// may call join and paragraphs, which splits text at line breaks. The
// defaults are templates/reminder.txt and templates/reminder.html in this
// module: every fact an attendee needs, in reading order, and no admin
// field. Templates are also executed once on a sample event when the
// Calendar is made, so that a mistake shows at start-up and not at send
// time.
func ParseReminderTemplates(text, html string) (*ReminderTemplates, error) {
	if text == "" {
		text = reminderTextSource
	}
	if html == "" {
		html = reminderHTMLSource
	}
	t, err := texttemplate.New("reminder.txt").Funcs(templateFuncs).Parse(pageSource)
	if err == nil {
		t, err = t.New("reminder").Parse(text)
	}
	if err != nil {
		return nil, fmt.Errorf("seminar: reminder text template: %w: %w", ErrInvalid, err)
	}
	h, err := htmltemplate.New("reminder.html").Funcs(htmltemplate.FuncMap{
		"join":       strings.Join,
		"paragraphs": paragraphs,
	}).Parse(html)
	if err != nil {
		return nil, fmt.Errorf("seminar: reminder HTML template: %w: %w", ErrInvalid, err)
	}
	return &ReminderTemplates{Text: t.Lookup("reminder"), HTML: h}, nil
}

func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ReminderView is what reminder templates are executed with: the event page
// view plus what the message is for.
type ReminderView struct {
	*View
	// Kind is why the message is sent: reminder, manual, update or cancel.
	Kind DeliveryKind
	// Note says what an update changed.
	Note string
	// RecipientTime is the talk's time in the recipient's zone, in the
	// Calendar's style, such as "Monday, June 12, 2017, 10:00 PM to 11:00
	// PM (Central European Summer Time)", when ReminderOptions.RecipientZone
	// is set and differs from the event's.
	RecipientTime string
}

// ReminderOptions configures reminder messages and their dispatch. The zero
// value means the defaults written on each field.
type ReminderOptions struct {
	// Templates replace the default bodies; see ParseReminderTemplates.
	Templates *ReminderTemplates
	// ListID is the List-Id header, identifying the talk announcements;
	// default "<talks.DOMAIN>".
	ListID string
	// Unsubscribe, when set, gives the one-click unsubscribe URL for a
	// message (List-Unsubscribe and List-Unsubscribe-Post, RFC 8058): for
	// services that mail subscribers directly rather than mailing lists.
	Unsubscribe func(e *Event) string
	// RecipientZone, when set, also shows each talk's time in this IANA
	// zone.
	RecipientZone string
	// NoUpdateNotices and NoCancelNotices turn off the "UPDATED:" and
	// "CANCELLED:" messages to lists that already got a reminder.
	NoUpdateNotices, NoCancelNotices bool
	// Lease is how long a dispatcher holds a claimed delivery before another
	// may take it over; default 2 minutes. It must exceed the time one send
	// can take, times 40: DispatchDue claims 20 deliveries at a time, while
	// it sends the 20 before.
	Lease time.Duration
	// RetryBase and RetryMax bound the backoff between attempts after a
	// temporary failure: RetryBase doubled each attempt, at most RetryMax.
	// Defaults 1 minute and 1 hour.
	RetryBase, RetryMax time.Duration
	// MaxAttempts is how many attempts a delivery gets before it is marked
	// failed; default 10.
	MaxAttempts int
}

func (o *ReminderOptions) withDefaults(domain string) ReminderOptions {
	var r ReminderOptions
	if o != nil {
		r = *o
	}
	if r.ListID == "" {
		r.ListID = "<talks." + domain + ">"
	}
	if r.Lease <= 0 {
		r.Lease = 2 * time.Minute
	}
	if r.RetryBase <= 0 {
		r.RetryBase = time.Minute
	}
	if r.RetryMax <= 0 {
		r.RetryMax = time.Hour
	}
	if r.MaxAttempts <= 0 {
		r.MaxAttempts = 10
	}
	return r
}

// render builds the message of delivery d for event e. The name of e's
// series is looked up once, for the bodies and the calendar part; a
// failed look-up leaves it out rather than failing the delivery, which a
// read that fails now would otherwise fail for good.
func (c *Calendar) render(ctx context.Context, e *Event, d *Delivery) (*Message, error) {
	series, err := c.seriesName(ctx, e)
	if err != nil {
		c.log.LogAttrs(ctx, slog.LevelWarn, "reminder without its series' name",
			slog.String("delivery", d.ID), slog.String("error", err.Error()))
	}
	view, err := c.style.viewIn(e, series)
	if err != nil {
		return nil, err
	}
	rv := &ReminderView{View: view, Kind: d.Kind, Note: d.Note, RecipientTime: c.recipientTime(e)}
	msg := &Message{
		From:      *c.from,
		Subject:   subjectFor(d.Kind, view.Subject),
		Date:      c.now(),
		MessageID: d.MessageID,
		Headers:   []Header{{"Auto-Submitted", "auto-generated"}, {"List-Id", c.rem.ListID}},
	}
	for _, addr := range d.Recipients {
		msg.To = append(msg.To, mail.Address{Address: addr})
	}
	if e.Contact.Email != "" {
		msg.ReplyTo = &mail.Address{Name: e.Contact.Name, Address: e.Contact.Email}
	}
	if c.rem.Unsubscribe != nil {
		if u := c.rem.Unsubscribe(e); u != "" {
			msg.Headers = append(msg.Headers, Header{"List-Unsubscribe", "<" + u + ">"},
				Header{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"})
		}
	}
	var text, html bytes.Buffer
	data := newReminderData(rv)
	if !c.customTemplates {
		writeReminderText(&text, data)
		writeReminderHTML(&html, data)
	} else {
		if err := c.tmpl.Text.Execute(&text, data); err != nil {
			return nil, fmt.Errorf("reminder text: %w", err)
		}
		if err := c.tmpl.HTML.Execute(&html, data); err != nil {
			return nil, fmt.Errorf("reminder HTML: %w", err)
		}
	}
	msg.Text, msg.HTML = text.String(), html.String()
	method := "PUBLISH"
	if d.Kind == KindCancel {
		method = "CANCEL"
	}
	var ics bytes.Buffer
	if err := c.encodeICS(&ics, e, method, series); err != nil {
		return nil, fmt.Errorf("calendar attachment: %w", err)
	}
	msg.Calendar = &CalendarPart{Method: method, Filename: "talk.ics", Data: ics.Bytes()}
	return msg, nil
}

// encodeICS writes the calendar part with the series' name, when the
// ICSEncoder can write it.
func (c *Calendar) encodeICS(w io.Writer, e *Event, method, seriesName string) error {
	if enc, ok := c.ics.(ICSSeriesEncoder); ok {
		return enc.EncodeEventInSeries(w, e, method, seriesName)
	}
	return c.ics.EncodeEvent(w, e, method)
}

func subjectFor(kind DeliveryKind, subject string) string {
	switch kind {
	case KindUpdate:
		return "UPDATED: " + subject
	case KindCancel:
		return "CANCELLED: " + subject
	}
	return subject
}

func (c *Calendar) recipientTime(e *Event) string {
	if c.rem.RecipientZone == "" || c.rem.RecipientZone == e.TimeZone {
		return ""
	}
	loc, err := loadZone(c.rem.RecipientZone)
	if err != nil {
		return ""
	}
	start, end := e.Start.In(loc), e.End.In(loc)
	s := c.style.Date(start) + ", " + c.style.Clock(start) + " to "
	if !sameDate(start, end.Add(-time.Nanosecond)) {
		s += c.style.Date(end) + ", "
	}
	return s + c.style.Clock(end) + " (" + ZoneNameAt(c.rem.RecipientZone, e.Start) + ")"
}

// checkTemplates executes the reminder templates once on a sample event, so
// that a template naming a missing field fails at New.
func (c *Calendar) checkTemplates() error {
	start := time.Date(2017, time.June, 12, 20, 0, 0, 0, time.UTC)
	sample := &Event{
		ID: "sample", Title: "Sample", Start: start, End: start.Add(time.Hour), TimeZone: "UTC",
		Speakers:  []Person{{Name: "Speaker", Affiliation: "University", Bio: "Bio."}},
		Contact:   Person{Name: "Contact", Email: "contact@example.org"},
		Abstract:  "Abstract.",
		Links:     []Link{{Label: "arXiv", URL: "https://arxiv.org/abs/1611.01838"}},
		Reminders: Reminders{Lists: []string{"list@example.org"}},
		Series:    "sample-series",
	}
	view, err := c.style.viewIn(sample, "Sample Series")
	if err != nil {
		return err
	}
	for _, kind := range []DeliveryKind{KindReminder, KindUpdate, KindCancel} {
		data := newReminderData(&ReminderView{View: view, Kind: kind, Note: "the time changed"})
		if err := c.tmpl.Text.Execute(io.Discard, data); err != nil {
			return fmt.Errorf("reminder text template: %w: %w", ErrInvalid, err)
		}
		if err := c.tmpl.HTML.Execute(io.Discard, data); err != nil {
			return fmt.Errorf("reminder HTML template: %w: %w", ErrInvalid, err)
		}
	}
	return nil
}

// checkReminders tries custom reminder templates on e, for each kind of
// message, so that a template that cannot be written for an event is an
// error of the write that stores it, not of a dispatch days later. The
// default templates hold for every valid event, and an event without lists
// gets no messages: neither is tried.
func (c *Calendar) checkReminders(e *Event) error {
	if !c.customTemplates || len(e.Reminders.Lists) == 0 {
		return nil
	}
	view, err := c.style.view(e)
	if err != nil {
		return nil // Validate reports the subject
	}
	v := &validator{}
	for _, kind := range []DeliveryKind{KindReminder, KindUpdate, KindCancel} {
		data := newReminderData(&ReminderView{View: view, Kind: kind, Note: genericChange, RecipientTime: c.recipientTime(e)})
		if err := c.tmpl.Text.Execute(io.Discard, data); err != nil {
			v.add(field("reminders"), "the reminder text template cannot be written for this event (a %s message): %v", kind, err)
			break
		}
		if err := c.tmpl.HTML.Execute(io.Discard, data); err != nil {
			v.add(field("reminders"), "the reminder HTML template cannot be written for this event (a %s message): %v", kind, err)
			break
		}
	}
	return v.err()
}

// templateError returns the words of a template execution error without
// the prefixes of the layers it went through.
func templateError(err error) string {
	msg := err.Error()
	for _, prefix := range []string{"reminder subject: ", ErrInvalid.Error() + ": "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	return msg
}
