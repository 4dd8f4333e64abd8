package web

import (
	"bytes"
	"errors"
	"html/template"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
)

// eventPage is the data of an event's page: eventPage.main writes its main
// part from the fields, and templates/layout.html what is around it from
// layout's.
type eventPage struct {
	layout
	View      *seminar.View
	Event     *seminar.Event
	Cancelled bool
	// Flash is the feedback after a write: "Saved.", ...
	Flash  string
	Rights eventRights
	// Manage is set when the request may do any of the actions the page
	// offers.
	Manage bool
	// CanPreview is the Calendar's: with no Composer there is nothing to
	// preview.
	CanPreview bool
	// Remindable is set when the talk may get a reminder: it is not
	// cancelled, nor a slot still to be announced.
	Remindable bool
	// SubjectBroken is set when the reminder subject does not execute.
	SubjectBroken bool
	// Schedule is "Reminders go out 7 days and 1 day before the talk."
	Schedule string
	Updated  string
	// Place is the room, building and address; the online URL is
	// Location.URL.
	Place string
	// Host is "Bolei Zhou, MIT CSAIL".
	Host string
	// SpeakerTBA is set for a planned slot whose speaker is not known yet.
	SpeakerTBA bool
	// Photos are the speakers with a photo.
	Photos []seminar.Person
	// Abstract and Bio are paragraphs.
	Abstract, Bio []string
	// The paths from the page: the actions, the series, the .ics and JSON
	// of the talk, its month.
	EditPath, CancelPath, PreviewPath, SendPath string
	SeriesPath, ICSPath, JSONPath, MonthPath    string
	SeriesName, MonthName                       string
	Google, Outlook                             string
	// Others are the other talks of the month, as lines.
	Others template.HTML
	// Main is where templates/event.html shows the main part: the
	// template is executed only with a marker there, to make the page's
	// shell (see shell.go), around which eventPage.main writes the main
	// part from the fields above.
	Main template.HTML
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
	var (
		e     *seminar.Event
		month *listing
		err   error
	)
	if ext == "" {
		e, month, err = h.eventInMonth(ctx, gen, id)
	} else {
		e, err = h.event(ctx, gen, id)
	}
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
		h.serveEventPage(w, r, v, gen, e, month)
	}
}

// serveEventPage serves the page of e, with the other talks of month, the
// listing of the month it starts in.
func (h *Handler) serveEventPage(w http.ResponseWriter, r *http.Request, v viewer, gen uint64, e *seminar.Event, month *listing) {
	m := monthOf(e.Start.In(h.loc))
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
		return h.eventResponse(page, cls)
	})
}

func (h *Handler) eventPage(r *http.Request, v viewer, e *seminar.Event, rights eventRights, m month,
	month []*seminar.Event, names map[string]*seminar.Series) (*eventPage, error) {
	view, broken, err := h.view(e)
	if err != nil {
		return nil, err
	}
	root, path := rootOf(r.URL.Path), eventPath(e.ID)
	page := &eventPage{
		layout:        h.layout(r, v, heading(e), ""),
		View:          view,
		Event:         e,
		Cancelled:     e.Cancelled(),
		Rights:        rights,
		CanPreview:    h.cal.CanPreview(),
		SubjectBroken: broken,
		Updated:       h.style.Date(e.UpdatedAt) + " at " + h.style.Clock(e.UpdatedAt),
		Place:         joinSet(", ", e.Location.Room, e.Location.Building, e.Location.Address),
		SpeakerTBA:    e.IsTBA() && len(e.Speakers) == 0,
		Abstract:      paragraphs(view.AbstractText),
		Bio:           paragraphs(view.Bio),
		EditPath:      root + path + "/edit",
		CancelPath:    root + path + "/cancel",
		PreviewPath:   root + path + "/preview",
		SendPath:      root + path + "/send",
		ICSPath:       root + path + ".ics",
		JSONPath:      root + path + ".json",
		MonthPath:     root + monthPath(m),
		MonthName:     monthName(m),
	}
	if e.Host.Name != "" {
		page.Host = view.HostLine
	}
	if when := scheduleText(e.Reminders.Schedule); when != "" {
		page.Schedule = "Reminders go out " + when + "."
	}
	page.Remindable = !page.Cancelled && !e.IsTBA()
	page.Manage = rights.Edit || !page.Cancelled && rights.Cancel || page.Remindable && (rights.Preview && page.CanPreview || rights.Send)
	for _, p := range e.Speakers {
		if p.PhotoURL != "" {
			page.Photos = append(page.Photos, p)
		}
	}
	if e.Series != "" {
		page.SeriesPath, page.SeriesName = root+seriesPath(e.Series), seriesName(names, e.Series)
	}
	if !page.Cancelled {
		text := newAddText(e, addDetails(e, h.eventURL(e)), addLocation(e))
		page.Google, page.Outlook = googleCalendarURL(e, text), outlookURL(e, text)
	}
	others := make([]*seminar.Event, 0, len(month))
	for _, o := range month {
		if o.ID != e.ID {
			others = append(others, o)
		}
	}
	page.Others, err = h.lister(r, "", names).talks(talkLine, others)
	if err != nil {
		return nil, err
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
