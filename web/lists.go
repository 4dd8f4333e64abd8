package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
)

// The listing pages: upcoming talks (the home page), a month, a series.

// listPage is the data of the home, month and series pages.
type listPage struct {
	layout
	// Days are the sections of the days listed, their talks in rows.
	Days      []template.HTML
	ZoneNote  string
	Truncated bool
	Empty     string
	// Links are the neighbouring pages: this month and the next one, or
	// the previous and next month.
	Links []navLink
	// Description is a series page's description of the series.
	Description string
	// NewTalk is a series page's link to a new talk of the series, for
	// those who may create one.
	NewTalk string
}

type navLink struct {
	Path, Label, Rel string
}

// seriesName is the name of the series id, or id itself for one the
// Store does not know.
func seriesName(names map[string]*seminar.Series, id string) string {
	if s, ok := names[id]; ok && s.Name != "" {
		return s.Name
	}
	return id
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
	names, err := h.seriesByID(ctx, gen)
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	cls := class(flag(v.creates(), "n"), digest)
	h.servePage(w, r, "home|"+cls, gen, now.Add(clockMaxAge), func() (*response, error) {
		days, err := h.lister(r, "", names).days(l.events)
		if err != nil {
			return nil, err
		}
		this := monthOf(now.In(h.loc))
		page := &listPage{
			layout:    h.layout(r, v, "Upcoming talks", "upcoming"),
			Days:      days,
			ZoneNote:  h.zoneNote(now),
			Truncated: l.truncated,
			Empty:     "No talks are scheduled yet.",
			Links: []navLink{
				{Path: monthPath(this), Label: "This month, " + monthName(this)},
				{Path: monthPath(this.add(1)), Label: "Next month, " + monthName(this.add(1)) + " →"},
			},
		}
		return h.htmlResponse("list", page, htmlSize(page.Days), cls)
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
	names, err := h.seriesByID(ctx, gen)
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	shown, digest := v.visible(events)
	cls := class(flag(v.creates(), "n"), digest)
	h.servePage(w, r, "month:"+m.String()+"|"+cls, gen, time.Time{}, func() (*response, error) {
		days, err := h.lister(r, "", names).days(shown)
		if err != nil {
			return nil, err
		}
		page := &listPage{
			layout:   h.layout(r, v, "Talks in "+monthName(m), "month"),
			Days:     days,
			ZoneNote: h.zoneNote(time.Date(m.year, m.month, 15, 12, 0, 0, 0, h.loc)),
			Empty:    "No talks in " + monthName(m) + ".",
			Links: []navLink{
				{Path: monthPath(m.add(-1)), Label: "← " + monthName(m.add(-1)), Rel: "prev"},
				{Path: monthPath(m.add(1)), Label: monthName(m.add(1)) + " →", Rel: "next"},
			},
		}
		return h.htmlResponse("list", page, htmlSize(page.Days), cls)
	})
}

// serveSeries lists the upcoming talks of a series, with its name and
// description. A series whose talks are not public by default is shown only
// to a request that sees at least one of its talks: its name may say more
// than its talks' visitors should learn.
func (h *Handler) serveSeries(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	v := viewer{h: h, r: r}
	ctx := r.Context()
	gen := h.changes.generation(ctx)
	names, err := h.seriesByID(ctx, gen)
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	series, ok := names[id]
	if !ok {
		h.fail(w, r, http.StatusNotFound, nil)
		return
	}
	now := h.now()
	from := now.Truncate(time.Minute)
	upcoming, digest, err := h.visibleList(ctx, v, gen, listKey{from: from, series: id, limit: h.upcoming}, true)
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if !series.Defaults.Public && len(upcoming.events) == 0 {
		any, _, err := h.visibleList(ctx, v, gen, listKey{series: id, limit: 1}, false)
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
	h.servePage(w, r, "series:"+id+"|"+cls, gen, now.Add(clockMaxAge), func() (*response, error) {
		days, err := h.lister(r, id, names).days(upcoming.events)
		if err != nil {
			return nil, err
		}
		page := &listPage{
			layout:      h.layout(r, v, seriesName(names, id), ""),
			Description: series.Description,
			Days:        days,
			ZoneNote:    h.zoneNote(now),
			Truncated:   upcoming.truncated,
			Empty:       "No upcoming talks in this series.",
		}
		if page.CanCreate {
			page.NewTalk = page.Root + "events/new?series=" + url.QueryEscape(id)
		}
		return h.htmlResponse("list", page, htmlSize(page.Days), cls)
	})
}

// servePage answers with the page cached under key, building it if it is
// missing or stale: built before generation gen, or (for a page that
// depends on the clock) past until. Every page is stale at the end of the
// month, when the menu's link to this month moves.
func (h *Handler) servePage(w http.ResponseWriter, r *http.Request, key string, gen uint64, until time.Time, build func() (*response, error)) {
	now := h.now()
	val, err := h.cache.get(r.Context(), "p:"+key, gen, now, func(context.Context) (built, error) {
		resp, err := build()
		if err != nil {
			return built{}, err
		}
		this := monthOf(now.In(h.loc))
		_, monthEnd := h.cal.MonthRange(this.year, this.month)
		if until.IsZero() || monthEnd.Before(until) {
			until = monthEnd
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

// htmlResponse renders the page name with data; listed is the length of
// what it lists, HTML made already.
func (h *Handler) htmlResponse(name string, data any, listed int, cls string) (*response, error) {
	body, err := h.execute(name, data, pageSize+listed)
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

// htmlSize is the length of parts.
func htmlSize(parts []template.HTML) int {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	return n
}

func eventPath(id string) string { return "events/" + url.PathEscape(id) }

func seriesPath(id string) string { return "series/" + url.PathEscape(id) }

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
