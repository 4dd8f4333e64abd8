package web

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
)

// The event form. Its fields are named by the paths seminar.Validate
// reports ("title", "speakers[0].email", "location.room", "timeZone"), so
// that each problem lands at its input; a few have companions ("start.time"
// beside the date "start"), and lists are textareas of one entry a line.

// formValues are an event form's fields by name.
type formValues map[string]string

// formFrom reads the fields of a posted form, line breaks as LF. Only the
// first value of a name counts.
func formFrom(post url.Values) formValues {
	v := formValues{}
	for name, values := range post {
		if len(values) == 0 || name == "version" || name == "orig" {
			continue
		}
		v[name] = strings.ReplaceAll(values[0], "\r\n", "\n")
	}
	return v
}

// speakerFields are the fields of each speaker block.
var speakerFields = []string{"name", "affiliation", "email", "url", "photoUrl", "bio"}

// eventValues are the form fields of e, as its edit form starts.
func eventValues(e *seminar.Event) formValues {
	v := formValues{
		"title":              e.Title,
		"type":               e.Type,
		"series":             e.Series,
		"timeZone":           e.TimeZone,
		"host.name":          e.Host.Name,
		"host.affiliation":   e.Host.Affiliation,
		"host.email":         e.Host.Email,
		"host.url":           e.Host.URL,
		"contact.name":       e.Contact.Name,
		"contact.email":      e.Contact.Email,
		"location.room":      e.Location.Room,
		"location.building":  e.Location.Building,
		"location.address":   e.Location.Address,
		"location.url":       e.Location.URL,
		"roomDescription":    e.RoomDescription,
		"abstract":           e.Abstract,
		"researchAreas":      strings.Join(e.ResearchAreas, "\n"),
		"impactAreas":        strings.Join(e.ImpactAreas, "\n"),
		"reminders.lists":    strings.Join(e.Reminders.Lists, "\n"),
		"reminders.subject":  e.Reminders.Subject,
		"reminders.schedule": leadLines(e.Reminders.Schedule),
	}
	for i, p := range e.Speakers {
		for _, f := range speakerFields {
			v[speakerName(i, f)] = personField(p, f)
		}
	}
	if !e.Start.IsZero() {
		v["start"], v["start.time"] = wallDate(e.Start), wallClock(e.Start)
	}
	if !e.End.IsZero() {
		v["end"], v["end.time"] = wallDate(e.End), wallClock(e.End)
	}
	if e.Public {
		v["public"] = "on"
	}
	var links []string
	for _, l := range e.Links {
		links = append(links, linkLine(l))
	}
	v["links"] = strings.Join(links, "\n")
	if e.Cancelled() {
		v["status"] = string(seminar.StatusCancelled)
		v["cancelReason"] = e.CancelReason
	}
	for name, value := range v {
		if value == "" {
			delete(v, name)
		}
	}
	return v
}

func speakerName(i int, field string) string {
	return "speakers[" + strconv.Itoa(i) + "]." + field
}

func personField(p seminar.Person, field string) string {
	switch field {
	case "name":
		return p.Name
	case "affiliation":
		return p.Affiliation
	case "email":
		return p.Email
	case "url":
		return p.URL
	case "photoUrl":
		return p.PhotoURL
	}
	return p.Bio
}

// wallDate and wallClock write an instant as its own zone reads it (the
// Calendar presents events in their zone), as date and time inputs take
// them; seconds only when there are some.
func wallDate(t time.Time) string { return t.Format(time.DateOnly) }

func wallClock(t time.Time) string {
	if t.Second() != 0 {
		return t.Format("15:04:05")
	}
	return t.Format("15:04")
}

func linkLine(l seminar.Link) string {
	if l.Label == "" {
		return l.URL
	}
	return l.Label + ": " + l.URL
}

// speakerBlocks is how many speaker blocks the fields hold: one more than
// the highest index.
func (v formValues) speakerBlocks() int {
	n := 0
	for name := range v {
		if i, _, ok := speakerIndex(name); ok && i+1 > n {
			n = i + 1
		}
	}
	return n
}

// speakerIndex splits "speakers[3].email" into 3 and "email".
func speakerIndex(name string) (int, string, bool) {
	rest, ok := strings.CutPrefix(name, "speakers[")
	if !ok {
		return 0, "", false
	}
	num, field, ok := strings.Cut(rest, "].")
	i, err := strconv.Atoi(num)
	if !ok || err != nil || i < 0 || i >= seminar.MaxListLen {
		return 0, "", false
	}
	return i, field, true
}

// placement maps the paths of an event built from a form back to the
// form's fields: speakers whose blocks were left empty are skipped, and
// lists are lines of a textarea where blank lines are skipped.
type placement struct {
	speakers []int            // event index -> form block
	lines    map[string][]int // list path -> event index -> line number from 1
	// unzoned is set when the dates could not be read for want of a
	// zone: the zone's problem is the one to show, not missing times.
	unzoned bool
}

// fieldProblem is one problem placed on the form: at a field (Name) or, for
// a path with no field of its own, in the summary only (Name empty).
type fieldProblem struct {
	Name    string
	Path    string
	Where   string // within the field: "line 2, the URL"
	Message string // as Validate words it: "is required"
}

var indexedPath = regexp.MustCompile(`^([A-Za-z.]+)\[(\d+)\](?:\.(\w+))?$`)

// place finds the form field of a validation path, and the words that say
// where in the field the problem is.
func (p *placement) place(path string) (name, where string) {
	m := indexedPath.FindStringSubmatch(path)
	if m == nil {
		return path, ""
	}
	head, tail := m[1], m[3]
	i, _ := strconv.Atoi(m[2])
	if head == "speakers" {
		if i >= len(p.speakers) || tail == "" {
			return "", ""
		}
		return speakerName(p.speakers[i], tail), ""
	}
	lines, ok := p.lines[head]
	if !ok || i >= len(lines) {
		return "", ""
	}
	where = "line " + strconv.Itoa(lines[i])
	switch tail {
	case "label":
		where += ", the label"
	case "url":
		where += ", the URL"
	}
	return head, where
}

// event builds the event the form describes on top of base (a copy of the
// stored event when editing, so that what the form does not show is kept).
// It returns the problems found reading the fields, such as a date that is
// not one or a time that a daylight-saving transition skips, by path;
// seminar.Validate finds the rest.
func (v formValues) event(base *seminar.Event) (*seminar.Event, *placement, []seminar.FieldError) {
	e := base.Clone()
	p := &placement{lines: map[string][]int{}}
	var problems []seminar.FieldError
	add := func(path, format string, args ...any) {
		problems = append(problems, seminar.FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	line := func(name string) string { return strings.TrimSpace(v[name]) }

	e.Title, e.Type, e.Series = line("title"), line("type"), line("series")
	e.Speakers = nil
	for i := range v.speakerBlocks() {
		var s seminar.Person
		s.Name, s.Affiliation = line(speakerName(i, "name")), line(speakerName(i, "affiliation"))
		s.Email, s.URL = line(speakerName(i, "email")), line(speakerName(i, "url"))
		s.PhotoURL, s.Bio = line(speakerName(i, "photoUrl")), strings.TrimSpace(v[speakerName(i, "bio")])
		if s.IsZero() {
			continue
		}
		e.Speakers = append(e.Speakers, s)
		p.speakers = append(p.speakers, i)
	}
	e.Host.Name, e.Host.Affiliation = line("host.name"), line("host.affiliation")
	e.Host.Email, e.Host.URL = line("host.email"), line("host.url")
	e.Contact.Name, e.Contact.Email = line("contact.name"), line("contact.email")
	e.Location = seminar.Location{
		Room: line("location.room"), Building: line("location.building"),
		Address: line("location.address"), URL: line("location.url"),
	}
	e.RoomDescription = strings.TrimSpace(v["roomDescription"])
	e.Abstract = strings.TrimSpace(v["abstract"])
	e.Public = v["public"] != ""

	e.TimeZone = line("timeZone")
	e.Start, e.End = time.Time{}, time.Time{}
	_, err := time.LoadLocation(e.TimeZone)
	p.unzoned = e.TimeZone == "" || e.TimeZone == "Local" || err != nil
	if !p.unzoned {
		var err error
		if e.Start, err = v.wallTime("start", "", e.TimeZone); err != nil {
			add("start", "%v", err)
		}
		if e.End, err = v.wallTime("end", v["start"], e.TimeZone); err != nil {
			add("end", "%v", err)
		}
	}

	var links []string
	links, p.lines["links"] = lines(v["links"])
	e.Links = nil
	for _, l := range links {
		e.Links = append(e.Links, parseLink(l))
	}
	e.ResearchAreas, p.lines["researchAreas"] = lines(v["researchAreas"])
	e.ImpactAreas, p.lines["impactAreas"] = lines(v["impactAreas"])
	e.Reminders.Lists, p.lines["reminders.lists"] = lines(v["reminders.lists"])
	e.Reminders.Subject = line("reminders.subject")
	var leads []string
	leads, p.lines["reminders.schedule"] = lines(v["reminders.schedule"])
	e.Reminders.Schedule = nil
	for i, s := range leads {
		d, err := parseLead(s)
		if err != nil {
			add(fmt.Sprintf("reminders.schedule[%d]", i), "%v", err)
			continue
		}
		e.Reminders.Schedule = append(e.Reminders.Schedule, d)
	}

	if status, ok := v["status"]; ok {
		switch seminar.Status(status) {
		case seminar.StatusCancelled:
			e.Status, e.CancelReason = seminar.StatusCancelled, strings.TrimSpace(v["cancelReason"])
		default:
			e.Status, e.CancelReason = seminar.StatusScheduled, ""
		}
	}
	return e, p, problems
}

// wallTime reads the date field name and its time field name+".time" in
// zone tz. An empty end date is the start's day. Nothing at all is the zero
// time, which Validate reports as missing.
func (v formValues) wallTime(name, defaultDate, tz string) (time.Time, error) {
	date, clock := strings.TrimSpace(v[name]), strings.TrimSpace(v[name+".time"])
	if date == "" {
		date = strings.TrimSpace(defaultDate)
	}
	if date == "" && clock == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		if date == "" {
			return time.Time{}, errors.New("needs a date")
		}
		return time.Time{}, fmt.Errorf("%q is not a date such as 2017-06-12", date)
	}
	if clock == "" {
		return time.Time{}, errors.New("needs a time of day")
	}
	c, err := time.Parse("15:04:05", clock)
	if err != nil {
		if c, err = time.Parse("15:04", clock); err != nil {
			return time.Time{}, fmt.Errorf("%q is not a time of day such as 16:00", clock)
		}
	}
	t, err := seminar.WallTime(d.Year(), d.Month(), d.Day(), c.Hour(), c.Minute(), tz)
	switch {
	case errors.Is(err, seminar.ErrNonexistentTime):
		return time.Time{}, fmt.Errorf("%s %s does not exist in %s: clocks skip from %s that night (daylight-saving time); choose another time",
			date, c.Format("15:04"), tz, after(err, seminar.ErrNonexistentTime, "clocks skip from "))
	case errors.Is(err, seminar.ErrAmbiguousTime):
		return time.Time{}, fmt.Errorf("%s %s happens twice in %s, %s, as clocks fall back (daylight-saving time); choose another time",
			date, c.Format("15:04"), tz, after(err, seminar.ErrAmbiguousTime, ""))
	case err != nil:
		return time.Time{}, fmt.Errorf("%s %s is not a date and time", date, clock)
	}
	return t.Add(time.Duration(c.Second()) * time.Second), nil
}

// after returns what err says after the sentinel's words and a prefix:
// "02:00 to 03:00" of "...: clocks skip from 02:00 to 03:00".
func after(err, sentinel error, prefix string) string {
	_, rest, ok := strings.Cut(err.Error(), sentinel.Error()+": "+prefix)
	if !ok {
		return "at this hour"
	}
	return rest
}

// lines splits a textarea into its non-blank lines, trimmed, and the line
// number of each.
func lines(s string) ([]string, []int) {
	var out []string
	var numbers []int
	for i, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
			numbers = append(numbers, i+1)
		}
	}
	return out, numbers
}

// parseLink reads "arXiv: https://arxiv.org/abs/1611.01838": the last word
// is the URL, what comes before it (without a trailing colon) the label.
func parseLink(line string) seminar.Link {
	i := strings.LastIndexAny(line, " \t")
	if i < 0 {
		return seminar.Link{URL: line}
	}
	label := strings.TrimSpace(line[:i])
	label = strings.TrimSpace(strings.TrimSuffix(label, ":"))
	return seminar.Link{Label: label, URL: strings.TrimSpace(line[i+1:])}
}

// Reminder leads are written "7 days", "1 day", "2 hours", "30 minutes".
func leadLines(leads []time.Duration) string {
	out := make([]string, len(leads))
	for i, d := range leads {
		out[i] = leadText(d)
	}
	return strings.Join(out, "\n")
}

func leadText(d time.Duration) string {
	n, unit := int64(d/time.Minute), "minute"
	switch {
	case d%(24*time.Hour) == 0:
		n, unit = int64(d/(24*time.Hour)), "day"
	case d%time.Hour == 0:
		n, unit = int64(d/time.Hour), "hour"
	case d%time.Minute != 0:
		return d.String()
	}
	if n == 1 {
		return "1 " + unit
	}
	return strconv.FormatInt(n, 10) + " " + unit + "s"
}

// scheduleText is the schedule as the event page writes it: "7 days and 1
// day before the talk".
func scheduleText(leads []time.Duration) string {
	if len(leads) == 0 {
		return ""
	}
	sorted := append([]time.Duration(nil), leads...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] > sorted[j] })
	words := make([]string, len(sorted))
	for i, d := range sorted {
		words[i] = leadText(d)
	}
	text := words[len(words)-1]
	if len(words) > 1 {
		text = strings.Join(words[:len(words)-1], ", ") + " and " + text
	}
	return text + " before the talk"
}

var leadUnits = map[string]time.Duration{
	"w": 7 * 24 * time.Hour, "week": 7 * 24 * time.Hour,
	"d": 24 * time.Hour, "day": 24 * time.Hour,
	"h": time.Hour, "hour": time.Hour, "hr": time.Hour,
	"m": time.Minute, "min": time.Minute, "minute": time.Minute,
}

// parseLead reads a reminder lead: "7 days", "1 day", "2 hours", "90
// minutes", "1 week", "7d", or a Go duration such as "1h30m".
func parseLead(s string) (time.Duration, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimSpace(strings.TrimSuffix(t, "before"))
	num := strings.TrimRightFunc(t, func(r rune) bool { return r < '0' || r > '9' })
	unit := strings.TrimSuffix(strings.TrimSpace(t[len(num):]), "s")
	if n, err := strconv.Atoi(strings.TrimSpace(num)); err == nil && num != "" {
		if u, ok := leadUnits[unit]; ok && n <= 10000 {
			return time.Duration(n) * u, nil
		}
	}
	if d, err := time.ParseDuration(t); err == nil {
		return d, nil
	}
	return 0, fmt.Errorf("%q is not a time before the talk such as 7 days, 1 day or 2 hours", s)
}

// fieldID is the id of a field's input: "field-" and the name with every
// run of other characters than ASCII letters and digits made one "-", so
// "speakers[0].email" is "field-speakers-0-email".
func fieldID(name string) string {
	var b strings.Builder
	b.WriteString("field-")
	dash := false
	for i := range len(name) {
		c := name[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
			dash = false
			continue
		}
		if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	return b.String()
}
