package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
)

// The listing pages: upcoming talks (the home page), a month, a series.

// talkItem is one talk in a listing, its times in the calendar's zone. A
// month may list hundreds, so each is written with few template actions:
// the texts are joined here (and escaped by the template all the same).
type talkItem struct {
	Href  string // from the page: "../events/ID"
	Title string
	Start string // RFC 3339, for <time datetime>
	Date  string // "Monday, June 12, 2017"
	Time  string // "4:00 PM – 5:00 PM"
	// Meta is the speakers, place and series: "Pratik Chaudhari (UCLA)
	// · 32-D507 · Vision Seminar".
	Meta      string
	Cancelled bool
	Private   bool
}

// dayGroup is the talks of one day.
type dayGroup struct {
	Date  string // "Monday, June 12, 2017"
	ISO   string // "2017-06-12"
	Talks []talkItem
}

// listPage is the data of the home, month and series pages.
type listPage struct {
	layout
	Days      []dayGroup
	ZoneNote  string
	Truncated bool
	Empty     string
	// Links are the neighbouring pages: this month and the next one, or
	// the previous and next month.
	Links []navLink
	// Series is the series name of a series page.
	Series string
}

type navLink struct {
	Path, Label, Rel string
}

// item is e in a listing on a page whose root is root; series is the
// series the page is of, which its items need not name.
func (h *Handler) item(e *seminar.Event, root, series string) talkItem {
	start, end := e.Start.In(h.loc), e.End.In(h.loc)
	t := h.style.Clock(start) + " – " + h.style.Clock(end)
	if last := end.Add(-time.Nanosecond); !sameDay(start, last) {
		t = h.style.Clock(start) + " – " + h.style.ShortDate(end) + ", " + h.style.Clock(end)
	}
	var speakers []string
	for _, p := range e.Speakers {
		s := p.Name
		if p.Affiliation != "" {
			s += " (" + p.Affiliation + ")"
		}
		speakers = append(speakers, s)
	}
	where := joinSet(", ", e.Location.Room, e.Location.Building)
	if where == "" && e.Location.URL != "" {
		where = "Online"
	}
	if e.Series == series {
		series = ""
	} else {
		series = e.Series
	}
	return talkItem{
		Href:      root + eventPath(e.ID),
		Title:     e.Title,
		Start:     start.Format(time.RFC3339),
		Date:      h.style.Date(start),
		Time:      t,
		Meta:      joinSet(" · ", strings.Join(speakers, ", "), where, series),
		Cancelled: e.Cancelled(),
		Private:   !e.Public,
	}
}

// days groups events, in order, by the day they start in the calendar's
// zone, as items of a page whose root is root.
func (h *Handler) days(events []*seminar.Event, root, series string) []dayGroup {
	var out []dayGroup
	for _, e := range events {
		start := e.Start.In(h.loc)
		iso := start.Format(time.DateOnly)
		if len(out) == 0 || out[len(out)-1].ISO != iso {
			out = append(out, dayGroup{Date: h.style.Date(start), ISO: iso})
		}
		last := &out[len(out)-1]
		last.Talks = append(last.Talks, h.item(e, root, series))
	}
	return out
}

func (h *Handler) serveHome(w http.ResponseWriter, r *http.Request) {
	v := viewer{h: h, r: r}
	ctx := r.Context()
	gen := h.changes.generation(ctx)
	now := h.now()
	from := now.Truncate(time.Minute)
	l, digest, err := h.visibleList(ctx, v, gen, listKey{from: from, limit: h.upcoming}, true)
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	cls := class(flag(v.creates(), "n"), digest)
	h.servePage(w, r, "home|"+cls, gen, now.Add(clockMaxAge), func() (*response, error) {
		this := monthOf(now.In(h.loc))
		page := &listPage{
			layout:    h.layout(r, v, "Upcoming talks", "upcoming"),
			Days:      h.days(l.events, rootOf(r.URL.Path), ""),
			ZoneNote:  h.zoneNote(now),
			Truncated: l.truncated,
			Empty:     "No talks are scheduled yet.",
			Links: []navLink{
				{Path: monthPath(this), Label: monthName(this)},
				{Path: monthPath(this.add(1)), Label: monthName(this.add(1))},
			},
		}
		return h.htmlResponse("list", page, cls)
	})
}

func (h *Handler) serveMonth(w http.ResponseWriter, r *http.Request) {
	m, ok := parseMonth(r.PathValue("month"))
	if !ok {
		h.fail(w, r, http.StatusNotFound, nil)
		return
	}
	v := viewer{h: h, r: r}
	ctx := r.Context()
	gen := h.changes.generation(ctx)
	events, err := h.month(ctx, gen, m)
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	shown, digest := v.visible(events)
	cls := class(flag(v.creates(), "n"), digest)
	h.servePage(w, r, "month:"+m.String()+"|"+cls, gen, time.Time{}, func() (*response, error) {
		page := &listPage{
			layout:   h.layout(r, v, "Talks in "+monthName(m), "month"),
			Days:     h.days(shown, rootOf(r.URL.Path), ""),
			ZoneNote: h.zoneNote(time.Date(m.year, m.month, 15, 12, 0, 0, 0, h.loc)),
			Empty:    "No talks in " + monthName(m) + ".",
			Links: []navLink{
				{Path: monthPath(m.add(-1)), Label: "← " + monthName(m.add(-1)), Rel: "prev"},
				{Path: monthPath(m.add(1)), Label: monthName(m.add(1)) + " →", Rel: "next"},
			},
		}
		return h.htmlResponse("list", page, cls)
	})
}

// serveSeries lists the upcoming talks of a series: today a series is the
// free text of Event.Series. A name that no visible event carries is 404.
func (h *Handler) serveSeries(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if name == "" {
		h.fail(w, r, http.StatusNotFound, nil)
		return
	}
	v := viewer{h: h, r: r}
	ctx := r.Context()
	gen := h.changes.generation(ctx)
	now := h.now()
	from := now.Truncate(time.Minute)
	upcoming, digest, err := h.visibleList(ctx, v, gen, listKey{from: from, series: name, limit: h.upcoming}, true)
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if len(upcoming.events) == 0 {
		// No upcoming talk: the series exists if any talk, past ones
		// too, carries its name.
		any, _, err := h.visibleList(ctx, v, gen, listKey{series: name, limit: 1}, false)
		if err != nil {
			h.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		if len(any.events) == 0 {
			h.fail(w, r, http.StatusNotFound, nil)
			return
		}
	}
	cls := class(flag(v.creates(), "n"), digest)
	h.servePage(w, r, "series:"+name+"|"+cls, gen, now.Add(clockMaxAge), func() (*response, error) {
		page := &listPage{
			layout:    h.layout(r, v, name, ""),
			Series:    name,
			Days:      h.days(upcoming.events, rootOf(r.URL.Path), name),
			ZoneNote:  h.zoneNote(now),
			Truncated: upcoming.truncated,
			Empty:     "No upcoming talks in this series.",
		}
		return h.htmlResponse("list", page, cls)
	})
}

// servePage answers with the page cached under key, building it if it is
// missing or stale: built before generation gen, or (for a page that
// depends on the clock) past until.
func (h *Handler) servePage(w http.ResponseWriter, r *http.Request, key string, gen uint64, until time.Time, build func() (*response, error)) {
	val, err := h.cache.get(r.Context(), "p:"+key, gen, h.now(), func(context.Context) (built, error) {
		resp, err := build()
		if err != nil {
			return built{}, err
		}
		return built{val: resp, size: resp.size(), until: until}, nil
	})
	if err != nil {
		if r.Context().Err() == nil {
			h.fail(w, r, http.StatusInternalServerError, err)
		}
		return
	}
	val.(*response).write(w, r)
}

func (h *Handler) htmlResponse(name string, data any, cls string) (*response, error) {
	body, err := h.execute(name, data)
	if err != nil {
		return nil, err
	}
	return h.newResponse(http.StatusOK, "text/html; charset=utf-8", body, cls), nil
}

// zoneNote is the note of a listing from t, whose times are in the
// calendar's zone: "All times are in the Eastern Time Zone."
func (h *Handler) zoneNote(t time.Time) string {
	note := seminar.ZoneNoteAt(h.loc.String(), t)
	return strings.ToUpper(note[:1]) + note[1:] + "."
}

func eventPath(id string) string { return "events/" + url.PathEscape(id) }

func seriesPath(name string) string { return "series/" + url.PathEscape(name) }

func monthPath(m month) string { return "months/" + m.String() }

func monthName(m month) string {
	return time.Date(m.year, m.month, 1, 0, 0, 0, 0, time.UTC).Format("January 2006")
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

func joinSet(sep string, parts ...string) string {
	var set []string
	for _, p := range parts {
		if p != "" {
			set = append(set, p)
		}
	}
	return strings.Join(set, sep)
}

// isNotFound reports whether err means there is no such event.
func isNotFound(err error) bool { return errors.Is(err, seminar.ErrNotFound) }
