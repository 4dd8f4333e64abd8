package web

import (
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strconv"

	"github.com/seminarkit/seminar"
)

// formPage is the data of the new and edit forms.
type formPage struct {
	layout
	// Action is where the form posts, from the page's own URL.
	Action string
	Submit string
	// Event is the event being edited; nil on the new form.
	Event     *seminar.Event
	Version   int64
	Orig      string
	Fieldsets []fieldset
	Summary   []summaryItem
	Conflict  *conflictView
	Zones     []string
}

type formState struct {
	event    *seminar.Event // nil: the new form
	values   formValues
	problems []fieldProblem
	version  int64
	orig     string
	conflict *conflictView // set by conflicted
	both     map[string]bool
	theirs   formValues
}

func (h *Handler) renderForm(w http.ResponseWriter, r *http.Request, v viewer, status int, st formState) {
	series, err := h.seriesByID(r.Context(), h.changes.generation(r.Context()))
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	sets := formLayout(st.values, seriesOptions(series, st.values["series"]))
	page := &formPage{
		Fieldsets: sets,
		Version:   st.version,
		Orig:      st.orig,
		Conflict:  st.conflict,
		Zones:     h.zones(st.values["timeZone"]),
	}
	root := rootOf(r.URL.Path)
	if st.event == nil {
		page.layout = h.layout(r, v, "New event", "new")
		page.Action, page.Submit = root+"events", "Create event"
	} else {
		page.layout = h.layout(r, v, "Edit: "+heading(st.event), "")
		page.Event = st.event
		page.Action, page.Submit = root+eventPath(st.event.ID)+"/edit", "Save"
	}
	page.Summary = placeProblems(page.Fieldsets, st.problems)
	for i := range page.Fieldsets {
		for j := range page.Fieldsets[i].Fields {
			f := &page.Fieldsets[i].Fields[j]
			if st.both[f.Name] {
				theirs := st.theirs[f.Name]
				f.Flagged, f.Theirs = true, &theirs
			}
		}
	}
	h.render(w, r, status, "form", page)
}

// zones are the time zones the form suggests: the calendar's, the one in
// the form, then the common ones.
func (h *Handler) zones(current string) []string {
	out := []string{h.loc.String()}
	if current != "" && current != out[0] {
		out = append(out, current)
	}
	for _, z := range commonZones {
		if !slices.Contains(out, z) {
			out = append(out, z)
		}
	}
	return out
}

func (h *Handler) serveNew(w http.ResponseWriter, r *http.Request) {
	v := viewer{h: h, r: r}
	if !v.can(ActionCreate, nil) {
		h.fail(w, r, http.StatusForbidden, nil)
		return
	}
	values := formValues{"timeZone": h.loc.String(), "public": "on"}
	// ?series=ID starts the talk from the series' defaults.
	if id := r.URL.Query().Get("series"); id != "" {
		talk, err := h.cal.NewTalk(r.Context(), id)
		switch {
		case err == nil:
			values = eventValues(talk)
		case !isNotFound(err) && !errors.Is(err, errors.ErrUnsupported):
			h.fail(w, r, http.StatusInternalServerError, err)
			return
		}
	}
	h.renderForm(w, r, v, http.StatusOK, formState{values: values})
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) {
	v := viewer{h: h, r: r}
	if !v.can(ActionCreate, nil) {
		h.fail(w, r, http.StatusForbidden, nil)
		return
	}
	if !h.parseForm(w, r) {
		return
	}
	values := formFrom(r.PostForm)
	e, place, problems := values.event(&seminar.Event{})
	if h.user != nil {
		e.CreatedBy = h.user(r)
	}
	if all := check(e, place, problems); len(all) > 0 {
		h.renderForm(w, r, v, http.StatusUnprocessableEntity, formState{values: values, problems: all})
		return
	}
	created, err := h.cal.Create(r.Context(), e)
	var ve *seminar.ValidationError
	switch {
	case errors.As(err, &ve):
		h.renderForm(w, r, v, http.StatusUnprocessableEntity, formState{values: values, problems: placed(place, ve.Fields)})
		return
	case err != nil:
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	h.wrote(r, "event created", created)
	h.seeOther(w, r, eventPath(created.ID)+"?created=1")
}

func (h *Handler) serveEdit(w http.ResponseWriter, r *http.Request) {
	v := viewer{h: h, r: r}
	e, ok := h.writable(w, r, v, ActionEdit)
	if !ok {
		return
	}
	values := eventValues(e)
	h.renderForm(w, r, v, http.StatusOK, formState{event: e, values: values, version: e.Version, orig: encodeOrig(values)})
}

func (h *Handler) update(w http.ResponseWriter, r *http.Request) {
	v := viewer{h: h, r: r}
	cur, ok := h.writable(w, r, v, ActionEdit)
	if !ok || !h.parseForm(w, r) {
		return
	}
	version, err := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	if err != nil || version < 1 {
		h.fail(w, r, http.StatusBadRequest, nil)
		return
	}
	values := formFrom(r.PostForm)
	origText := r.PostForm.Get("orig")
	if version != cur.Version {
		h.conflicted(w, r, v, cur, values, origText)
		return
	}
	e, place, problems := values.event(cur)
	e.Version = version
	state := formState{event: cur, values: values, version: version, orig: origText}
	if state.problems = check(e, place, problems); len(state.problems) > 0 {
		h.renderForm(w, r, v, http.StatusUnprocessableEntity, state)
		return
	}
	updated, err := h.cal.Update(r.Context(), e)
	var ve *seminar.ValidationError
	switch {
	case errors.Is(err, seminar.ErrConflict):
		now, err := h.cal.Get(r.Context(), cur.ID)
		if err != nil {
			h.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		h.conflicted(w, r, v, now, values, origText)
		return
	case isNotFound(err):
		h.fail(w, r, http.StatusNotFound, nil)
		return
	case errors.As(err, &ve):
		state.problems = placed(place, ve.Fields)
		h.renderForm(w, r, v, http.StatusUnprocessableEntity, state)
		return
	case err != nil:
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	h.wrote(r, "event updated", updated)
	h.seeOther(w, r, eventPath(updated.ID)+"?saved=1")
}

// conflicted answers a stale edit with 409: what the other edit changed,
// and the form at the current Version holding the current event with the
// user's own changes re-applied, so that saving it again applies them.
func (h *Handler) conflicted(w http.ResponseWriter, r *http.Request, v viewer, cur *seminar.Event, mine formValues, origText string) {
	theirs := eventValues(cur)
	orig, ok := decodeOrig(origText)
	if !ok {
		// Without the starting values the user's changes are unknown:
		// show the current event, and everything the user sent that
		// differs from it as the other edit's doing.
		orig = mine
	}
	merged, changed, both := merge(orig, theirs, mine)
	series, err := h.seriesByID(r.Context(), h.changes.generation(r.Context()))
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	sets := formLayout(merged, seriesOptions(series, merged["series"]))
	h.log.LogAttrs(r.Context(), slog.LevelInfo, "web: edit conflict", slog.String("id", cur.ID),
		slog.Int64("version", cur.Version), slog.Int("changed", len(changed)), slog.Int("both", len(both)))
	h.renderForm(w, r, v, http.StatusConflict, formState{
		event: cur, values: merged, version: cur.Version, orig: encodeOrig(theirs),
		conflict: conflictSection(sets, orig, theirs, mine, changed, both), both: both, theirs: theirs,
	})
}

// check validates e as the Calendar will, and joins the problems found
// reading the form: those first, and of Validate's only those about other
// paths, so that a date that is not one is not also "required" (nor are
// dates that could not be read in an unknown zone).
func check(e *seminar.Event, place *placement, problems []seminar.FieldError) []fieldProblem {
	all := problems
	var ve *seminar.ValidationError
	if err := e.Validate(); errors.As(err, &ve) {
		seen := map[string]bool{}
		for _, p := range problems {
			seen[p.Path] = true
		}
		for _, f := range ve.Fields {
			if seen[f.Path] || place.unzoned && (f.Path == "start" || f.Path == "end") {
				continue
			}
			all = append(all, f)
		}
	}
	return placed(place, all)
}

// placed puts each problem at its form field; see placement.
func placed(place *placement, errs []seminar.FieldError) []fieldProblem {
	out := make([]fieldProblem, 0, len(errs))
	for _, f := range errs {
		name, where := place.place(f.Path)
		out = append(out, fieldProblem{Name: name, Path: f.Path, Where: where, Message: f.Message})
	}
	return out
}

// writable reads the event of a write route, fresh from the Calendar, and
// checks that the request may take action a on it. A request that may not
// see it gets 404, as for a missing event; one that sees it but may not act
// gets 403.
func (h *Handler) writable(w http.ResponseWriter, r *http.Request, v viewer, a Action) (*seminar.Event, bool) {
	e, err := h.cal.Get(r.Context(), r.PathValue("id"))
	switch {
	case isNotFound(err):
		h.fail(w, r, http.StatusNotFound, nil)
		return nil, false
	case err != nil:
		h.fail(w, r, http.StatusInternalServerError, err)
		return nil, false
	case !v.sees(e):
		h.fail(w, r, http.StatusNotFound, nil)
		return nil, false
	case !v.can(a, e):
		h.fail(w, r, http.StatusForbidden, nil)
		return nil, false
	}
	return e, true
}

// parseForm reads a posted form within Options.MaxBody: a larger one is
// answered 413, a malformed one 400.
func (h *Handler) parseForm(w http.ResponseWriter, r *http.Request) bool {
	err := r.ParseForm()
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		h.fail(w, r, http.StatusRequestEntityTooLarge, nil)
		return false
	case err != nil:
		h.fail(w, r, http.StatusBadRequest, nil)
		return false
	}
	return true
}

// wrote logs a write made here. The page it redirects to shows it: the
// write moved the Calendar's WriteCount, so the change token is read again.
func (h *Handler) wrote(r *http.Request, msg string, e *seminar.Event) {
	h.log.LogAttrs(r.Context(), slog.LevelInfo, "web: "+msg, slog.String("id", e.ID), slog.Int64("version", e.Version))
}

// seeOther redirects a write to the page at path (from the site's root)
// with 303. Location is relative to the request's own URL, so it is right
// under any mount prefix, which r.URL.Path (http.Redirect's base) lacks.
func (h *Handler) seeOther(w http.ResponseWriter, r *http.Request, path string) {
	w.Header().Set("Location", rootOf(r.URL.Path)+path)
	w.Header().Set("Cache-Control", privateCacheControl)
	w.WriteHeader(http.StatusSeeOther)
}
