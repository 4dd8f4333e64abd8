package web

import (
	"bytes"
	"errors"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
)

// eventPage is the data of an event's page.
type eventPage struct {
	layout
	*seminar.View
	// Flash is the feedback after a write: "Saved.", ...
	Flash  string
	Rights eventRights
	// CanPreview and CanSend are the Calendar's: with no Composer there is
	// nothing to preview.
	CanPreview bool
	// SubjectBroken is set when the reminder subject does not execute.
	SubjectBroken bool
	Schedule      string
	Updated       string
	// Place is the room, building and address; the online URL is
	// Location.URL.
	Place string
	// Photos are the speakers with a photo.
	Photos     []seminar.Person
	EventPath  string
	SeriesPath string
	SeriesName string
	ICS, JSON  string
	Google     string
	Outlook    string
	MonthPath  string
	MonthName  string
	Others     []talkItem
}

// flashes are the feedback a write's redirect asks for (?saved=1): only
// these, so that a query cannot put text on the page or make a cache key.
var flashes = []struct{ param, text string }{
	{"created", "Created."},
	{"saved", "Saved."},
	{"cancelled", "The talk is cancelled."},
	{"sent", "The reminder was sent."},
}

func flashOf(r *http.Request) (param, text string) {
	if r.URL.RawQuery == "" {
		return "", ""
	}
	q := r.URL.Query()
	for _, f := range flashes {
		if q.Get(f.param) != "" {
			return f.param, f.text
		}
	}
	return "", ""
}

// serveEvent serves /events/{id}, {id}.ics and {id}.json. An event the
// request may not see is answered exactly as a missing one.
func (h *Handler) serveEvent(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	id, ext := file, ""
	for _, x := range []string{".ics", ".json"} {
		if s, ok := strings.CutSuffix(file, x); ok {
			id, ext = s, x
		}
	}
	ctx := r.Context()
	gen := h.changes.generation(ctx)
	e, err := h.event(ctx, gen, id)
	switch {
	case isNotFound(err):
		h.fail(w, r, http.StatusNotFound, nil)
		return
	case err != nil:
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	v := viewer{h: h, r: r}
	if !v.sees(e) {
		h.fail(w, r, http.StatusNotFound, nil)
		return
	}
	switch ext {
	case ".ics":
		h.serveICS(w, r, gen, e)
	case ".json":
		h.serveEventJSON(w, r, gen, e)
	default:
		h.serveEventPage(w, r, v, gen, e)
	}
}

func (h *Handler) serveEventPage(w http.ResponseWriter, r *http.Request, v viewer, gen uint64, e *seminar.Event) {
	m := monthOf(e.Start.In(h.loc))
	month, err := h.month(r.Context(), gen, m)
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	names, err := h.seriesByID(r.Context(), gen)
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	others, digest := v.visible(month)
	rights := v.rights(e)
	param, flash := flashOf(r)
	cls := class(flag(v.creates(), "n"), rights.flags(), digest)
	h.servePage(w, r, "event:"+e.ID+"|"+cls+"|"+param, gen, time.Time{}, func() (*response, error) {
		page, err := h.eventPage(r, v, e, rights, m, others, names)
		if err != nil {
			return nil, err
		}
		page.Flash = flash
		return h.htmlResponse("event", page, cls)
	})
}

func (h *Handler) eventPage(r *http.Request, v viewer, e *seminar.Event, rights eventRights, m month,
	month []*seminar.Event, names map[string]*seminar.Series) (*eventPage, error) {
	view, broken, err := h.view(e)
	if err != nil {
		return nil, err
	}
	page := &eventPage{
		layout:        h.layout(r, v, heading(e), ""),
		View:          view,
		Rights:        rights,
		CanPreview:    h.cal.CanPreview(),
		SubjectBroken: broken,
		Schedule:      scheduleText(e.Reminders.Schedule),
		Updated:       h.style.Date(e.UpdatedAt) + ", " + h.style.Clock(e.UpdatedAt),
		Place:         joinSet(", ", e.Location.Room, e.Location.Building, e.Location.Address),
		EventPath:     eventPath(e.ID),
		ICS:           eventPath(e.ID) + ".ics",
		JSON:          eventPath(e.ID) + ".json",
		MonthPath:     monthPath(m),
		MonthName:     monthName(m),
	}
	for _, p := range e.Speakers {
		if p.PhotoURL != "" {
			page.Photos = append(page.Photos, p)
		}
	}
	if e.Series != "" {
		page.SeriesPath, page.SeriesName = seriesPath(e.Series), seriesName(names, e.Series)
	}
	if !e.Cancelled() {
		details, where := addDetails(e, h.eventURL(e)), addLocation(e)
		page.Google = googleCalendarURL(e, details, where)
		page.Outlook = outlookURL(e, details, where)
	}
	l := h.lister(r, "", names)
	for _, o := range month {
		if o.ID != e.ID {
			page.Others = append(page.Others, l.item(o))
		}
	}
	return page, nil
}

// view derives the page text of e in the calendar's style. A reminder
// subject that does not execute (validation keeps such events out, but a
// store may hold older ones) does not take the page down: the page is made
// without it, and says so to those who see the settings.
func (h *Handler) view(e *seminar.Event) (*seminar.View, bool, error) {
	view, err := h.style.View(e)
	if err == nil {
		return view, false, nil
	}
	plain := e.Clone()
	plain.Reminders.Subject = ""
	view, err2 := h.style.View(plain)
	if err2 != nil {
		return nil, false, errors.Join(err, err2)
	}
	view.Event = e
	return view, true, nil
}

// eventURL is the absolute URL of e's page, when Options.BaseURL is set.
func (h *Handler) eventURL(e *seminar.Event) string {
	if h.base == "" {
		return ""
	}
	return h.base + eventPath(e.ID)
}

// serveICS serves the event as a calendar of one event, written by package
// ical as the feeds are. DTSTAMP is the event's UpdatedAt, so the bytes,
// and the ETag, change only when the event does.
func (h *Handler) serveICS(w http.ResponseWriter, r *http.Request, gen uint64, e *seminar.Event) {
	cls := flag(!e.Public, "v")
	h.servePage(w, r, "ics:"+e.ID+"|"+cls, gen, time.Time{}, func() (*response, error) {
		var buf bytes.Buffer
		opts := &ical.EncodeOptions{
			Name:  e.Title,
			Now:   func() time.Time { return e.UpdatedAt },
			Zones: &h.icsZones,
		}
		if h.base != "" {
			opts.EventURL = h.eventURL
		}
		if err := ical.EncodeEvent(&buf, e, opts); err != nil {
			return nil, err
		}
		resp := h.newResponse(http.StatusOK, "text/calendar; charset=utf-8", buf.Bytes(), cls)
		resp.disposition = mime.FormatMediaType("attachment", map[string]string{"filename": e.ID + ".ics"})
		resp.headers()
		return resp, nil
	})
}
