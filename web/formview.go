package web

import (
	"sort"
	"strconv"
	"strings"

	"github.com/seminarkit/seminar"
)

// The event form as the template shows it: fieldsets of fields, each with
// its label, value, hint and problems.

// formField is one input.
type formField struct {
	Name, ID string
	// Label is shown at the input; Full names the field out of its
	// fieldset, in the error summary and the conflict table.
	Label, Full string
	// Type is an input type (text, email, url, date, time, checkbox), or
	// textarea or select.
	Type     string
	Value    string
	Required bool
	Hint     string
	Rows     int
	Options  []option
	List     string // the id of a datalist of suggestions
	// Width is "narrow" (dates and times), "half" (a short line beside
	// another) or empty: the whole row.
	Width  string
	Auto   string // autocomplete
	Errors []string
	// Theirs is set on a field that both the user and another editor
	// changed: the other editor's value, which the user's replaces.
	Theirs  *string
	Flagged bool
	// Companion is the error id of the date a time input belongs to, when
	// that date has problems: they are about the time too.
	Companion string
}

type option struct {
	Value, Label string
}

// HintID and ErrorID are the ids of the field's hint and problems, which
// aria-describedby names.
func (f formField) HintID() string  { return f.ID + "-hint" }
func (f formField) ErrorID() string { return f.ID + "-error" }

// DescribedBy is the aria-describedby of the input.
func (f formField) DescribedBy() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.HintID())
	}
	if len(f.Errors) > 0 {
		ids = append(ids, f.ErrorID())
	}
	if f.Companion != "" {
		ids = append(ids, f.Companion)
	}
	if f.Flagged {
		ids = append(ids, f.ID+"-conflict")
	}
	return strings.Join(ids, " ")
}

// Checked reports a checkbox's state.
func (f formField) Checked() bool { return f.Value != "" }

type fieldset struct {
	Legend string
	Fields []formField
}

// commonZones are suggested in the time zone field, besides the calendar's
// and the event's own.
var commonZones = []string{
	"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
	"America/Anchorage", "Pacific/Honolulu", "America/Toronto", "America/Vancouver", "America/Mexico_City",
	"America/Sao_Paulo", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin",
	"Europe/Madrid", "Europe/Rome", "Europe/Amsterdam", "Europe/Zurich", "Europe/Stockholm", "Europe/Warsaw",
	"Europe/Athens", "Europe/Helsinki", "Europe/Moscow", "Asia/Jerusalem", "Asia/Kolkata", "Asia/Shanghai",
	"Asia/Hong_Kong", "Asia/Singapore", "Asia/Tokyo", "Asia/Seoul", "Australia/Sydney", "Australia/Perth",
	"Pacific/Auckland", "UTC",
}

// formLayout lays out the fields of v: speaker blocks for each speaker
// the fields hold and one empty one, the series to choose from, and the
// status fields when the event is cancelled.
func formLayout(v formValues, series []option) []fieldset {
	text := func(name, label, full string) formField {
		return formField{Name: name, Label: label, Full: full, Type: "text"}
	}
	area := func(name, label, full string, rows int, hint string) formField {
		return formField{Name: name, Label: label, Full: full, Type: "textarea", Rows: rows, Hint: hint}
	}
	typed := func(f formField, typ string) formField { f.Type = typ; return f }
	narrow := func(f formField) formField { f.Width = "narrow"; return f }
	half := func(f formField) formField { f.Width = "half"; return f }
	hint := func(f formField, h string) formField { f.Hint = h; return f }

	title := text("title", "Title", "Title")
	title.Required = true
	sets := []fieldset{{Legend: "Talk", Fields: []formField{
		title,
		hint(text("type", "Event type", "Event type"), "Seminar, colloquium, thesis defense…"),
		hint(formField{Name: "series", Label: "Series", Full: "Series", Type: "select", Options: series},
			"Talks of one series are listed together on its page."),
	}}}

	blocks := v.speakerBlocks()
	if blocks == 0 || !v.blockEmpty(blocks-1) {
		blocks++
	}
	for i := range blocks {
		n := "Speaker " + strconv.Itoa(i+1)
		sets = append(sets, fieldset{Legend: n, Fields: []formField{
			half(text(speakerName(i, "name"), "Name", n+": name")),
			half(text(speakerName(i, "affiliation"), "Affiliation", n+": affiliation")),
			half(typed(text(speakerName(i, "email"), "Email (not shown)", n+": email"), "email")),
			half(typed(text(speakerName(i, "url"), "Web page", n+": web page"), "url")),
			typed(text(speakerName(i, "photoUrl"), "Photo URL", n+": photo URL"), "url"),
			area(speakerName(i, "bio"), "Bio", n+": bio", 4, ""),
		}})
	}
	if blocks > 0 {
		sets[len(sets)-1].Legend += " (add another)"
		if blocks == 1 {
			sets[len(sets)-1].Legend = "Speaker 1"
		}
	}

	zone := text("timeZone", "Time zone", "Time zone")
	zone.List, zone.Required = "zones", true
	zone.Hint = "An IANA name such as America/New_York; date and times are read in it."
	start := narrow(typed(text("start", "Date", "Date"), "date"))
	start.Required = true
	sets = append(sets, fieldset{Legend: "When", Fields: []formField{
		start,
		narrow(typed(text("start.time", "Start time", "Start time"), "time")),
		narrow(typed(text("end", "End date", "End date"), "date")),
		narrow(typed(text("end.time", "End time", "End time"), "time")),
		zone,
	}})

	sets = append(sets, fieldset{Legend: "Where", Fields: []formField{
		half(text("location.room", "Room", "Room")),
		half(text("location.building", "Building", "Building")),
		text("location.address", "Address", "Address"),
		hint(typed(text("location.url", "Online URL", "Online URL"), "url"), "A stream or video call, if any."),
		area("roomDescription", "Room description", "Room description", 2, ""),
	}})

	sets = append(sets, fieldset{Legend: "Host and contact", Fields: []formField{
		half(text("host.name", "Host", "Host")),
		half(text("host.affiliation", "Host's affiliation", "Host's affiliation")),
		half(typed(text("host.email", "Host's email", "Host's email"), "email")),
		half(typed(text("host.url", "Host's web page", "Host's web page"), "url")),
		half(text("contact.name", "Contact", "Contact")),
		half(typed(text("contact.email", "Contact's email", "Contact's email"), "email")),
	}})

	sets = append(sets, fieldset{Legend: "About the talk", Fields: []formField{
		area("abstract", "Abstract", "Abstract", 10, ""),
		area("links", "Links", "Links", 3, "One a line: a label, a colon and the URL, such as arXiv: https://arxiv.org/abs/1611.01838"),
		area("researchAreas", "Research areas", "Research areas", 2, "One a line."),
		area("impactAreas", "Impact areas", "Impact areas", 2, "One a line."),
	}})

	sets = append(sets, fieldset{Legend: "Announcement", Fields: []formField{
		hint(formField{Name: "public", Label: "Public", Full: "Public", Type: "checkbox"},
			"Public talks are listed on the site and in feeds; others only to those allowed to see them."),
		area("reminders.lists", "Reminder lists", "Reminder lists", 2, "Email addresses, one a line."),
		hint(text("reminders.subject", "Reminder subject", "Reminder subject"), "Empty for “TALK: ” and the title."),
		area("reminders.schedule", "Reminder schedule", "Reminder schedule", 2, "One a line, how long before the talk: 7 days, 1 day, 2 hours."),
	}})

	if _, ok := v["status"]; ok {
		sets = append(sets, fieldset{Legend: "Status", Fields: []formField{
			{Name: "status", Label: "Status", Full: "Status", Type: "select",
				Options: []option{{"scheduled", "Scheduled"}, {"cancelled", "Cancelled"}}},
			area("cancelReason", "Reason for cancelling", "Reason for cancelling", 2, ""),
		}})
	}
	for i := range sets {
		for j := range sets[i].Fields {
			f := &sets[i].Fields[j]
			f.ID = fieldID(f.Name)
			f.Value = v[f.Name]
		}
	}
	return sets
}

// seriesOptions are the choices of the series field: none, then each
// series by name, and the form's own value if it names none of them.
func seriesOptions(byID map[string]*seminar.Series, current string) []option {
	opts := []option{{"", "None"}}
	for id, s := range byID {
		opts = append(opts, option{id, s.Name})
	}
	sort.Slice(opts[1:], func(i, j int) bool {
		a, b := opts[1+i], opts[1+j]
		return a.Label < b.Label || a.Label == b.Label && a.Value < b.Value
	})
	if _, ok := byID[current]; current != "" && !ok {
		opts = append(opts, option{current, current})
	}
	return opts
}

// blockEmpty reports whether speaker block i has no value.
func (v formValues) blockEmpty(i int) bool {
	for _, f := range speakerFields {
		if strings.TrimSpace(v[speakerName(i, f)]) != "" {
			return false
		}
	}
	return true
}

// summaryItem is one problem in the summary at the top of the form.
type summaryItem struct {
	// Href is the fragment of the field's input, empty for a problem
	// with no field.
	Href string
	Text string
}

// placeProblems puts each problem at its field in sets, and returns the
// summary of them all in the order of the fields, the problems with no
// field last.
func placeProblems(sets []fieldset, problems []fieldProblem) []summaryItem {
	byName := map[string]*formField{}
	order := map[string]int{}
	for i := range sets {
		for j := range sets[i].Fields {
			f := &sets[i].Fields[j]
			byName[f.Name] = f
			order[f.Name] = len(order)
		}
	}
	type ranked struct {
		summaryItem
		rank int
	}
	var items []ranked
	for _, p := range problems {
		f := byName[p.Name]
		if f == nil {
			items = append(items, ranked{summaryItem{Text: sentence(pathLabel(p.Path), p.Where, p.Message)}, len(order)})
			continue
		}
		text := sentence(f.Full, p.Where, p.Message)
		f.Errors = append(f.Errors, text)
		items = append(items, ranked{summaryItem{Href: "#" + f.ID, Text: text}, order[f.Name]})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].rank < items[j].rank })
	summary := make([]summaryItem, len(items))
	for i, it := range items {
		summary[i] = it.summaryItem
	}
	for _, date := range []string{"start", "end"} {
		if d, t := byName[date], byName[date+".time"]; d != nil && t != nil && len(d.Errors) > 0 {
			t.Companion = d.ErrorID()
		}
	}
	return summary
}

// sentence writes a problem as a sentence: "Title is required", "Links,
// line 2, the URL must be an absolute http or https URL", "Time zone:
// unknown time zone". Validate words most problems as the rest of a
// sentence about the field; the others follow a colon.
func sentence(label, where, msg string) string {
	if where != "" {
		label += ", " + where
	}
	for _, verb := range []string{"is ", "must ", "has ", "contains ", "repeats ", "holds ", "needs "} {
		if strings.HasPrefix(msg, verb) {
			return label + " " + msg
		}
	}
	return label + ": " + msg
}

// pathLabel names a path that has no field of its own, such as
// "host.photoUrl" of an imported event.
func pathLabel(path string) string {
	switch path {
	case "event":
		return "The event"
	case "speakers":
		return "Speakers"
	case "reminders":
		return "Reminders"
	}
	return path
}
