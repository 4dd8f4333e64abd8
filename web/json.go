package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/seminarkit/seminar"
)

// JSONVersion is the version of the JSON schema, the "version" field of
// every document. It is raised only when a field changes meaning or goes
// away; fields may be added within a version, so readers should ignore
// the ones they do not know.
const JSONVersion = 1

// EventDocument is the body of /events/{id}.json.
type EventDocument struct {
	Version int       `json:"version"`
	Event   EventJSON `json:"event"`
}

// EventsDocument is the body of /events.json: the events overlapping
// [From, To), in order of start.
type EventsDocument struct {
	Version int `json:"version"`
	// From and To are the window, in the calendar's zone.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// TimeZone is the calendar's IANA zone, in which dates given as from
	// and to are read.
	TimeZone string `json:"time_zone"`
	// Truncated is set when the window holds more than MaxJSONEvents
	// events: Events has the first ones, and a window starting after the
	// last one gets the next.
	Truncated bool        `json:"truncated"`
	Events    []EventJSON `json:"events"`
}

// ErrorDocument is the body of a JSON request that fails, such as a
// malformed window (400).
type ErrorDocument struct {
	Version int    `json:"version"`
	Error   string `json:"error"`
}

// EventJSON is one event, with what its page shows people and no
// settings (reminder lists and subject, who created it). Every field is
// always present: strings are empty and lists are [] when unset.
type EventJSON struct {
	ID string `json:"id"`
	// UID is the iCalendar UID, the same in .ics files and feeds.
	UID string `json:"uid"`
	// URL is the event's page; empty unless the site knows its own
	// address (Options.BaseURL).
	URL string `json:"url"`
	// Title is empty for a planned slot still to be announced
	// (ToBeAnnounced).
	Title         string `json:"title"`
	ToBeAnnounced bool   `json:"to_be_announced"`
	Type          string `json:"type"`
	// SeriesID is the series the talk belongs to, as in its page's URL
	// (/series/{id}), and SeriesName its name; both are empty for a talk
	// of no series.
	SeriesID   string `json:"series_id"`
	SeriesName string `json:"series_name"`
	// Status is "scheduled" or "cancelled"; CancelReason says why.
	Status       string `json:"status"`
	CancelReason string `json:"cancel_reason"`
	// Start and End are RFC 3339 with the offset of TimeZone, the IANA
	// zone the talk is announced in.
	Start           time.Time    `json:"start"`
	End             time.Time    `json:"end"`
	TimeZone        string       `json:"time_zone"`
	Speakers        []PersonJSON `json:"speakers"`
	Host            PersonJSON   `json:"host"`
	Contact         PersonJSON   `json:"contact"`
	Location        LocationJSON `json:"location"`
	RoomDescription string       `json:"room_description"`
	Public          bool         `json:"public"`
	Abstract        string       `json:"abstract"`
	Links           []LinkJSON   `json:"links"`
	ResearchAreas   []string     `json:"research_areas"`
	ImpactAreas     []string     `json:"impact_areas"`
	// Sequence is the iCalendar SEQUENCE: it rises when the time, place
	// or status changes.
	Sequence  int       `json:"sequence"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// PersonJSON is a speaker, the host or the contact. Email is given for the
// contact only, as the page shows it.
type PersonJSON struct {
	Name        string `json:"name"`
	Affiliation string `json:"affiliation"`
	Email       string `json:"email"`
	URL         string `json:"url"`
	PhotoURL    string `json:"photo_url"`
	Bio         string `json:"bio"`
}

// LocationJSON is where a talk happens.
type LocationJSON struct {
	Room     string `json:"room"`
	Building string `json:"building"`
	Address  string `json:"address"`
	// URL is the online or stream URL.
	URL string `json:"url"`
}

// LinkJSON is a labelled link: arXiv, slides, recording.
type LinkJSON struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// MaxJSONEvents caps the events of one /events.json response.
const MaxJSONEvents = seminar.MaxPageSize

func (h *Handler) eventJSON(e *seminar.Event, names map[string]*seminar.Series) EventJSON {
	out := EventJSON{
		ID: e.ID, UID: e.UID, URL: h.eventURL(e), Title: e.Title, ToBeAnnounced: e.IsTBA(), Type: e.Type,
		Status: string(e.Status), CancelReason: e.CancelReason,
		Start: e.Start, End: e.End, TimeZone: e.TimeZone,
		Speakers: make([]PersonJSON, 0, len(e.Speakers)),
		Host:     PersonJSON{Name: e.Host.Name, Affiliation: e.Host.Affiliation, URL: e.Host.URL},
		Contact:  PersonJSON{Name: e.Contact.Name, Affiliation: e.Contact.Affiliation, Email: e.Contact.Email, URL: e.Contact.URL},
		Location: LocationJSON{Room: e.Location.Room, Building: e.Location.Building, Address: e.Location.Address,
			URL: e.Location.URL},
		RoomDescription: e.RoomDescription,
		Public:          e.Public,
		Abstract:        e.Abstract,
		Links:           make([]LinkJSON, 0, len(e.Links)),
		ResearchAreas:   append([]string{}, e.ResearchAreas...),
		ImpactAreas:     append([]string{}, e.ImpactAreas...),
		Sequence:        e.Sequence,
		CreatedAt:       e.CreatedAt,
		UpdatedAt:       e.UpdatedAt,
	}
	if out.Status == "" {
		out.Status = string(seminar.StatusScheduled)
	}
	if e.Series != "" {
		out.SeriesID, out.SeriesName = e.Series, seriesName(names, e.Series)
	}
	for _, p := range e.Speakers {
		out.Speakers = append(out.Speakers, PersonJSON{Name: p.Name, Affiliation: p.Affiliation, URL: p.URL, PhotoURL: p.PhotoURL, Bio: p.Bio})
	}
	for _, l := range e.Links {
		out.Links = append(out.Links, LinkJSON(l))
	}
	return out
}

func (h *Handler) serveEventJSON(w http.ResponseWriter, r *http.Request, gen uint64, e *seminar.Event) {
	names, err := h.seriesByID(r.Context(), gen)
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	cls := flag(!e.Public, "v")
	h.servePage(w, r, "json:"+e.ID+"|"+cls, gen, time.Time{}, func() (*response, error) {
		return h.jsonResponse(http.StatusOK, EventDocument{Version: JSONVersion, Event: h.eventJSON(e, names)}, cls)
	})
}

// serveEventsJSON serves /events.json?from=&to=. from and to are dates
// (2017-06-01, midnight in the calendar's zone) or RFC 3339 instants; from
// defaults to now and to to DefaultWindow after from (or from to
// DefaultWindow before to); the window is at most Options.MaxSpan.
func (h *Handler) serveEventsJSON(w http.ResponseWriter, r *http.Request) {
	now := h.now()
	from, to, clock, err := h.parseWindow(r.URL.Query(), now)
	if err != nil {
		resp, _ := h.jsonResponse(http.StatusBadRequest, ErrorDocument{Version: JSONVersion, Error: err.Error()}, "")
		resp.private = true
		resp.headers()
		resp.write(w, r)
		return
	}
	v := viewer{h: h, r: r}
	ctx := r.Context()
	gen := h.changes.generation(ctx)
	var until time.Time
	if clock {
		until = now.Add(clockMaxAge)
	}
	l, cls, err := h.visibleList(ctx, v, gen, listKey{from: from, to: to, limit: MaxJSONEvents}, clock)
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	names, err := h.seriesByID(ctx, gen)
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	key := fmt.Sprintf("json:%d:%d|%s", from.Unix(), to.Unix(), cls)
	h.servePage(w, r, key, gen, until, func() (*response, error) {
		doc := EventsDocument{
			Version: JSONVersion, From: from.In(h.loc), To: to.In(h.loc), TimeZone: h.loc.String(),
			Truncated: l.truncated, Events: make([]EventJSON, 0, len(l.events)),
		}
		for _, e := range l.events {
			doc.Events = append(doc.Events, h.eventJSON(e, names))
		}
		return h.jsonResponse(http.StatusOK, doc, cls)
	})
}

func (h *Handler) jsonResponse(status int, doc any, cls string) (*response, error) {
	body, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return h.newResponse(status, "application/json", append(body, '\n'), cls), nil
}

// parseWindow reads from and to. Its errors are shown to the client as
// they are, so they say what is wrong and what is wanted. clock reports a
// window that starts at now, rounded down to the minute so that requests
// share it.
func (h *Handler) parseWindow(q url.Values, now time.Time) (from, to time.Time, clock bool, err error) {
	from, hasFrom, err := h.parseInstant(q, "from")
	if err != nil {
		return from, to, false, err
	}
	to, hasTo, err := h.parseInstant(q, "to")
	if err != nil {
		return from, to, false, err
	}
	switch {
	case hasFrom && hasTo:
	case hasFrom:
		to = from.Add(DefaultWindow)
	case hasTo:
		from = to.Add(-DefaultWindow)
	default:
		from = now.Truncate(time.Minute)
		to, clock = from.Add(DefaultWindow), true
	}
	if !from.Before(to) {
		return from, to, false, fmt.Errorf("to %s is not after from %s", to.Format(time.RFC3339), from.Format(time.RFC3339))
	}
	if span := to.Sub(from); span > h.maxSpan {
		return from, to, false, fmt.Errorf("the window from %s to %s is longer than the limit of %d days",
			from.Format(time.RFC3339), to.Format(time.RFC3339), int(h.maxSpan.Hours()/24))
	}
	return from, to, clock, nil
}

func (h *Handler) parseInstant(q url.Values, name string) (time.Time, bool, error) {
	values := q[name]
	switch {
	case len(values) > 1:
		return time.Time{}, false, fmt.Errorf("%s is given %d times; give it once", name, len(values))
	case len(values) == 0 || values[0] == "":
		return time.Time{}, false, nil
	}
	s := values[0]
	t, err := time.ParseInLocation(time.DateOnly, s, h.loc)
	if err != nil {
		if t, err = time.Parse(time.RFC3339, s); err != nil {
			return time.Time{}, false, fmt.Errorf("%s %q is neither a date such as 2017-06-01 nor an RFC 3339 time such as 2017-06-01T00:00:00-04:00", name, s)
		}
	}
	if y := t.UTC().Year(); y < seminar.MinYear || y > seminar.MaxYear {
		return time.Time{}, false, fmt.Errorf("%s %s is outside the years %d to %d", name, s, seminar.MinYear, seminar.MaxYear)
	}
	return t, true, nil
}
