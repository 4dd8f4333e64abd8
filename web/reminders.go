package web

import (
	"bytes"
	"errors"
	"mime"
	"net/http"
	"strings"

	"github.com/seminarkit/seminar"
)

// The reminder pages: Preview Reminder shows the message exactly as it
// will be sent; Send Reminder sends it after a confirmation.

// previewPage is the data of the preview.
type previewPage struct {
	layout
	Event     *seminar.Event
	EventPath string
	SendPath  string
	// Problem says why there is nothing to preview, if so.
	Problem    string
	Headers    []headerField
	Recipients int
	To         []string
	Text, HTML string
	// FrameHeight is the height of the HTML part's frame, in rem: about
	// that of the text part, so that a typical reminder fits without
	// a blank below it. The frame can be made taller (CSS resize).
	FrameHeight int
	Raw         string
	CanSend     bool
}

type headerField struct {
	Name, Value string
}

func (h *Handler) servePreview(w http.ResponseWriter, r *http.Request) {
	v := viewer{h: h, r: r}
	e, ok := h.writable(w, r, v, ActionPreview)
	if !ok {
		return
	}
	root := rootOf(r.URL.Path)
	page := &previewPage{
		layout:    h.layout(r, v, "Reminder: "+heading(e), ""),
		Event:     e,
		EventPath: root + eventPath(e.ID),
		SendPath:  root + eventPath(e.ID) + "/send",
		CanSend:   v.can(ActionSend, e) && h.cal.CanSend(),
	}
	p, err := h.cal.PreviewReminder(r.Context(), e.ID)
	status := http.StatusOK
	switch {
	case err == nil:
		page.Headers = headerFields(p.Raw)
		page.Recipients, page.To = p.Recipients, p.Envelope.To
		page.Text, page.HTML, page.Raw = p.Message.Text, p.Message.HTML, string(p.Raw)
		page.FrameHeight = frameHeight(p.Message.Text)
	case isNotFound(err):
		h.fail(w, r, http.StatusNotFound, nil)
		return
	default:
		if status, page.Problem = reminderProblem(e, err); status == 0 {
			h.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		if errors.Is(err, seminar.ErrCancelled) {
			if ds, err := h.cal.Deliveries(r.Context(), e.ID); err == nil {
				page.Problem = joinSet(" ", page.Problem, h.noticeText(e, ds))
			}
		}
		page.CanSend = false
	}
	h.render(w, r, status, "preview", page)
}

// frameHeight is the height, in rem, of a frame showing the HTML part of
// a message whose text part is text: the HTML part says what the text part
// says in wider lines of about the same height, so the text's line count,
// with room for the frame's margins, within bounds.
func frameHeight(text string) int {
	lines := strings.Count(text, "\n") + 1
	return min(max(lines*23/20+3, 12), 60)
}

// reminderProblem explains why the reminder of e cannot be previewed or
// sent, for the errors that are the event's or the site's set-up rather
// than a failure; status 0 means err is a failure.
func reminderProblem(e *seminar.Event, err error) (int, string) {
	switch {
	case errors.Is(err, seminar.ErrCancelled):
		return http.StatusConflict, "The talk is cancelled: it gets no reminder."
	case errors.Is(err, seminar.ErrNoMailer):
		return http.StatusServiceUnavailable, "This site does not compose or send mail itself: reminders are sent by the reminder worker, on the talk's schedule."
	case errors.Is(err, seminar.ErrInvalid) && e.IsTBA():
		return http.StatusConflict, "The talk is to be announced: it gets no reminder until it has a title and a speaker. Add them by editing the talk."
	case errors.Is(err, seminar.ErrInvalid):
		return http.StatusConflict, "The talk has no reminder lists: add them by editing the talk."
	}
	return 0, ""
}

// noticeText says what the lists were told of the cancelled event e, as
// its deliveries ds say: whether a cancellation notice went, is on its way
// or failed, or was not needed.
func (h *Handler) noticeText(e *seminar.Event, ds []*seminar.Delivery) string {
	var notice *seminar.Delivery // the last, of the latest cancellation
	told := false
	for _, d := range ds {
		switch {
		case d.Kind == seminar.KindCancel:
			notice = d
		case d.State == seminar.StateSent:
			told = true
		}
	}
	if notice == nil {
		if !told {
			return "No reminder had been sent about it, so no list needed a cancellation notice."
		}
		return "No cancellation notice was sent to the lists told about it."
	}
	switch notice.State {
	case seminar.StateSent:
		at := notice.SentAt.In(e.Start.Location())
		return "A cancellation notice was sent to the lists told about it on " + h.style.ShortDate(at) + " at " + h.style.Clock(at) + "."
	case seminar.StateFailed:
		return "The cancellation notice to the lists told about it could not be sent."
	case seminar.StateDropped:
		return "The cancellation notice to the lists told about it was not sent."
	}
	return "A cancellation notice to the lists told about it is on its way."
}

// headerFields reads the header of a raw message, in order, each field
// unfolded and its encoded words (RFC 2047) decoded for reading.
func headerFields(raw []byte) []headerField {
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	var out []headerField
	dec := new(mime.WordDecoder)
	for line := range strings.SplitSeq(string(head), "\r\n") {
		if (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) && len(out) > 0 {
			out[len(out)-1].Value += " " + strings.TrimSpace(line)
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		out = append(out, headerField{Name: name, Value: strings.TrimSpace(value)})
	}
	for i := range out {
		if decoded, err := dec.DecodeHeader(out[i].Value); err == nil {
			out[i].Value = decoded
		}
	}
	return out
}

// sendPage is the data of the send confirmation and its answers.
type sendPage struct {
	layout
	// status is the page's status when it has a Problem.
	status    int
	Event     *seminar.Event
	EventPath string
	Action    string
	When      string
	Lists     []string
	// CanSend is the Calendar's: without a Mailer, a worker sends.
	CanSend bool
	// Problem says why the reminder cannot be sent at all; Refused why
	// it was not sent this time, with AskForce to send it anyway.
	Problem  string
	Refused  string
	AskForce bool
	Failed   string
	History  []deliveryRow
}

type deliveryRow struct {
	Kind, State, When, Error string
	Recipients               int
}

func (h *Handler) sendPage(r *http.Request, v viewer, e *seminar.Event) *sendPage {
	root := rootOf(r.URL.Path)
	page := &sendPage{
		layout:    h.layout(r, v, "Send reminder: "+heading(e), ""),
		Event:     e,
		EventPath: root + eventPath(e.ID),
		Action:    root + eventPath(e.ID) + "/send",
		Lists:     e.Reminders.Lists,
		CanSend:   h.cal.CanSend(),
	}
	if view, _, _ := h.view(e); view != nil {
		page.When = view.Date + ", " + view.Time
	}
	// The history is a help, not the page's purpose: a Store without an
	// outbox has none to show.
	ds, err := h.cal.Deliveries(r.Context(), e.ID)
	if err == nil {
		for _, d := range ds {
			when := d.DueAt
			if !d.SentAt.IsZero() {
				when = d.SentAt
			}
			when = when.In(e.Start.Location())
			page.History = append(page.History, deliveryRow{
				Kind: deliveryKind(d), State: deliveryState(d.State), Error: d.LastError, Recipients: len(d.Recipients),
				When: h.style.ShortDate(when) + ", " + h.style.Clock(when),
			})
		}
	}
	switch {
	case e.Cancelled():
		page.status, page.Problem = reminderProblem(e, seminar.ErrCancelled)
		if err == nil {
			page.Problem += " " + h.noticeText(e, ds)
		}
	case len(e.Reminders.Lists) == 0 || e.IsTBA():
		page.status, page.Problem = reminderProblem(e, seminar.ErrInvalid)
	case !page.CanSend:
		// Not the talk's state but the site's set-up: the page tells
		// who sends, and answers 200.
		_, page.Problem = reminderProblem(e, seminar.ErrNoMailer)
	}
	return page
}

func (h *Handler) serveSend(w http.ResponseWriter, r *http.Request) {
	v := viewer{h: h, r: r}
	e, ok := h.writable(w, r, v, ActionSend)
	if !ok {
		return
	}
	// A talk that cannot get a reminder is answered as the preview
	// answers it, 409.
	page := h.sendPage(r, v, e)
	status := http.StatusOK
	if page.status != 0 {
		status = page.status
	}
	h.render(w, r, status, "send", page)
}

// send sends the reminder now. One already sent for this version of the
// talk, or a talk that has started, is sent only with force: the answer
// says so and asks.
func (h *Handler) send(w http.ResponseWriter, r *http.Request) {
	v := viewer{h: h, r: r}
	e, ok := h.writable(w, r, v, ActionSend)
	if !ok || !h.parseForm(w, r) {
		return
	}
	force := r.PostForm.Get("force") != ""
	d, err := h.cal.SendReminder(r.Context(), e.ID, force)
	if err == nil {
		h.log.Info("web: reminder sent", "id", e.ID, "delivery", d.ID)
		h.seeOther(w, r, eventPath(e.ID)+"?sent=1")
		return
	}
	if isNotFound(err) {
		h.fail(w, r, http.StatusNotFound, nil)
		return
	}
	// Made after the attempt, so that its history shows it.
	page := h.sendPage(r, v, e)
	status := http.StatusConflict
	switch {
	case errors.Is(err, seminar.ErrAlreadySent):
		page.AskForce, page.Refused = true, "The reminder for this version of the talk was already sent."
	case errors.Is(err, seminar.ErrStarted):
		page.AskForce, page.Refused = true, "The talk has already started."
	case errors.Is(err, seminar.ErrTemporary):
		h.log.Warn("web: reminder not sent for now", "id", e.ID, "error", err)
		status = http.StatusBadGateway
		page.Failed = "The mail server did not take the reminder for now. It will be tried again automatically: there is no need to send it again."
	case errors.Is(err, seminar.ErrPermanent):
		h.log.Warn("web: reminder refused", "id", e.ID, "error", err)
		status = http.StatusBadGateway
		page.Failed = "The mail server refused the reminder. The history below shows its answer."
	case errors.Is(err, seminar.ErrCancelled) && page.Problem != "":
		// Cancelled before the page was made: it says what the lists
		// were told.
	default:
		if status, page.Problem = reminderProblem(e, err); status == 0 {
			h.fail(w, r, http.StatusInternalServerError, err)
			return
		}
	}
	h.render(w, r, status, "send", page)
}

// deliveryKind and deliveryState write a delivery for people.
func deliveryKind(d *seminar.Delivery) string {
	switch d.Kind {
	case seminar.KindReminder:
		return "Reminder, " + leadText(d.Lead) + " before"
	case seminar.KindManual:
		return "Reminder sent on demand"
	case seminar.KindUpdate:
		return "Update notice"
	case seminar.KindCancel:
		return "Cancellation notice"
	}
	return string(d.Kind)
}

func deliveryState(s seminar.DeliveryState) string {
	switch s {
	case seminar.StatePending:
		return "Due"
	case seminar.StateSending:
		return "Sending"
	case seminar.StateRetry:
		return "To be tried again"
	case seminar.StateSent:
		return "Sent"
	case seminar.StateFailed:
		return "Failed"
	case seminar.StateDropped:
		return "Not sent"
	}
	return string(s)
}
