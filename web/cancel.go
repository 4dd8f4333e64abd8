package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/seminarkit/seminar"
)

// cancelPage is the data of the cancel confirmation.
type cancelPage struct {
	layout
	Event     *seminar.Event
	When      string
	EventPath string
	Action    string
	Reason    formField
	Summary   []summaryItem
	// Already is set when the event is cancelled already.
	Already bool
}

func (h *Handler) cancelPage(r *http.Request, v viewer, e *seminar.Event, reason string) *cancelPage {
	root := rootOf(r.URL.Path)
	view, _, _ := h.view(e)
	when := ""
	if view != nil {
		when = view.Date + ", " + view.Time
	}
	return &cancelPage{
		layout:    h.layout(r, v, "Cancel: "+heading(e), ""),
		Event:     e,
		When:      when,
		EventPath: root + eventPath(e.ID),
		Action:    root + eventPath(e.ID) + "/cancel",
		Reason: formField{Name: "reason", ID: fieldID("reason"), Label: "Reason", Full: "Reason", Type: "textarea",
			Rows: 3, Required: true, Value: reason,
			Hint: "Shown on the talk's page and in the notice to the lists already told about the talk."},
		Already: e.Cancelled(),
	}
}

func (h *Handler) serveCancel(w http.ResponseWriter, r *http.Request) {
	v := viewer{h: h, r: r}
	e, ok := h.writable(w, r, v, ActionCancel)
	if !ok {
		return
	}
	status := http.StatusOK
	if e.Cancelled() {
		status = http.StatusConflict
	}
	h.render(w, r, status, "cancel", h.cancelPage(r, v, e, ""))
}

// cancel cancels the event with the reason given, which is required: a
// talk's page and the notice to its lists say why it will not take place.
func (h *Handler) cancel(w http.ResponseWriter, r *http.Request) {
	v := viewer{h: h, r: r}
	e, ok := h.writable(w, r, v, ActionCancel)
	if !ok || !h.parseForm(w, r) {
		return
	}
	reason := strings.TrimSpace(strings.ReplaceAll(r.PostForm.Get("reason"), "\r\n", "\n"))
	page := h.cancelPage(r, v, e, reason)
	if page.Already {
		h.render(w, r, http.StatusConflict, "cancel", page)
		return
	}
	if reason == "" {
		h.refuseReason(w, r, page, "is required: say why the talk will not take place")
		return
	}
	cancelled, err := h.cal.Cancel(r.Context(), e.ID, reason)
	var ve *seminar.ValidationError
	switch {
	case errors.Is(err, seminar.ErrCancelled):
		page.Already = true
		h.render(w, r, http.StatusConflict, "cancel", page)
		return
	case isNotFound(err):
		h.fail(w, r, http.StatusNotFound, nil)
		return
	case errors.As(err, &ve):
		msg := "is not valid"
		if f, ok := ve.Field("cancelReason"); ok {
			msg = f.Message
		}
		h.refuseReason(w, r, page, msg)
		return
	case err != nil:
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	h.wrote(r, "event cancelled", cancelled)
	h.seeOther(w, r, eventPath(e.ID)+"?cancelled=1")
}

func (h *Handler) refuseReason(w http.ResponseWriter, r *http.Request, page *cancelPage, msg string) {
	text := sentence("Reason", "", msg)
	page.Reason.Errors = []string{text}
	page.Summary = []summaryItem{{Href: "#" + page.Reason.ID, Text: text}}
	h.render(w, r, http.StatusUnprocessableEntity, "cancel", page)
}
