package seminar

import (
	"fmt"
	"strings"
	"text/template"
	"time"
	"unicode/utf8"
)

// View is what page and reminder templates are executed with: the event
// itself (its fields are promoted, so {{.Title}} works) and the derived text
// the page shows, formatted in the event's own zone.
type View struct {
	*Event

	// Heading is the title as pages show it: the Title, or "To be
	// announced" for a planned slot whose title is not set yet (see
	// Event.IsTBA, which templates can call as {{if .IsTBA}}).
	Heading string
	// ShortTitle is Heading cut to 30 characters for menus.
	ShortTitle string
	// Date is "Monday, June 12, 2017", or a range for a talk that runs
	// over several days.
	Date string
	// Time is "4:00 PM to 5:00 PM".
	Time string
	// ZoneName is the name of the event's zone at the talk's start (see
	// ZoneNameAt): "Eastern Time", "British Summer Time". ZoneNote is the
	// sentence after a time: "all times are in the Eastern Time Zone".
	ZoneName, ZoneNote string
	// MonthName is the month the talk starts in, "June 2017".
	MonthName string
	// SpeakerLines has a line for each speaker: "Pratik Chaudhari (UCLA)",
	// or the name alone.
	SpeakerLines []string
	// Place joins the room, building and address: "32-D507, Stata Center".
	Place string
	// Where joins the room, building, address and online URL.
	Where string
	// HostLine is "Name, Affiliation"; ContactLine is "Name, email".
	HostLine, ContactLine string
	// SeriesName is the name of the talk's series (Series.Name), which
	// pages and reminders show where people read it: Event.Series holds
	// the series' ID, a slug. It is empty when not known, and the series
	// is then left out. NewView and Style.View leave it empty; the
	// Calendar's View, WritePage and reminders set it.
	SeriesName string
	// HostName is the host as pages and reminders name a person, like
	// SpeakerLines: "Bolei Zhou (MIT CSAIL)", or the name alone.
	HostName string
	// SpeakerURLs and SpeakerPhotos list the speakers' URLs that are set.
	SpeakerURLs, SpeakerPhotos []string
	// AbstractText is the abstract with line breaks as LF and no trailing
	// blank lines.
	AbstractText string
	// LinkGroups gathers the links by label, in order of first appearance:
	// "arXiv: url1, url2".
	LinkGroups []LinkGroup
	// Bio is the speaker's bio; with several speakers, each bio is prefixed
	// by the speaker's name.
	Bio string
	// Subject is the reminder subject, rendered.
	Subject string
	// Created is when the event was entered, in the event's zone: "Friday,
	// June 9, 2017 at 10:10 AM".
	Created string
}

// ToBeAnnounced is the heading of a planned slot whose title is not set
// yet, and what pages say of its speaker until one is.
const ToBeAnnounced = "To be announced"

// LinkGroup is the URLs of the links that share a label.
type LinkGroup struct {
	Label string
	URLs  []string
}

// NewView derives the page text of e. It fails only when the reminder
// subject template does not execute.
func NewView(e *Event) (*View, error) {
	v, err := Style{}.view(e)
	if err != nil {
		return nil, fmt.Errorf("seminar: view of event %q: %w", e.ID, err)
	}
	return v, nil
}

// view is NewView in style s for the package's own callers, which name
// the operation in their errors.
func (s Style) view(e *Event) (*View, error) {
	return s.viewIn(e, "")
}

// viewIn is view with the name of e's series, set before the subject is
// rendered so that a subject template may use {{.SeriesName}}.
func (s Style) viewIn(e *Event, seriesName string) (*View, error) {
	loc := e.location()
	start, end := e.Start.In(loc), e.End.In(loc)
	heading := e.Title
	if heading == "" && !e.Slot.IsZero() {
		heading = ToBeAnnounced
	}
	v := &View{
		Event:        e,
		Heading:      heading,
		ShortTitle:   shorten(heading, 30),
		Date:         s.Date(start),
		Time:         s.Clock(start) + " to " + s.Clock(end),
		ZoneName:     ZoneNameAt(e.TimeZone, e.Start),
		ZoneNote:     ZoneNoteAt(e.TimeZone, e.Start),
		MonthName:    start.Format("January 2006"),
		SeriesName:   seriesName,
		Place:        joinSet(", ", e.Location.Room, e.Location.Building, e.Location.Address),
		Where:        joinSet(", ", e.Location.Room, e.Location.Building, e.Location.Address, e.Location.URL),
		HostLine:     joinSet(", ", e.Host.Name, e.Host.Affiliation),
		HostName:     nameAndAffiliation(e.Host),
		ContactLine:  joinSet(", ", e.Contact.Name, e.Contact.Email),
		AbstractText: cleanText(e.Abstract),
		LinkGroups:   groupLinks(e.Links),
		Created:      s.Date(e.CreatedAt.In(loc)) + " at " + s.Clock(e.CreatedAt.In(loc)),
	}
	if lastDay := end.Add(-time.Nanosecond); !sameDate(start, lastDay) {
		v.Date += " to " + s.Date(lastDay)
	}
	var bios []string
	for _, s := range e.Speakers {
		v.SpeakerLines = append(v.SpeakerLines, nameAndAffiliation(s))
		if s.URL != "" {
			v.SpeakerURLs = append(v.SpeakerURLs, s.URL)
		}
		if s.PhotoURL != "" {
			v.SpeakerPhotos = append(v.SpeakerPhotos, s.PhotoURL)
		}
		if bio := cleanText(s.Bio); bio != "" {
			if len(e.Speakers) > 1 {
				bio = s.Name + ": " + bio
			}
			bios = append(bios, bio)
		}
	}
	v.Bio = strings.Join(bios, "\n")
	subject, err := renderSubject(v)
	if err != nil {
		return nil, err
	}
	v.Subject = subject
	return v, nil
}

// renderSubject executes the reminder subject template. The result is one
// line: validation keeps line breaks out of the template and of the fields,
// and any that still appear are folded into spaces so they never reach a
// mail header. The default, which most events use, is written without
// executing it ("TALK: {{.Title}}" is the title after "TALK: ").
func renderSubject(v *View) (string, error) {
	src := v.Reminders.Subject
	if src == "" || src == DefaultSubject {
		return strings.Join(strings.Fields("TALK: "+v.Title), " "), nil
	}
	t, err := template.New("subject").Option("missingkey=error").Parse(src)
	if err != nil {
		return "", fmt.Errorf("reminder subject: %w: %w", ErrInvalid, err)
	}
	var b strings.Builder
	if err := t.Execute(&b, v); err != nil {
		return "", fmt.Errorf("reminder subject: %w: %w", ErrInvalid, err)
	}
	return strings.Join(strings.Fields(b.String()), " "), nil
}

// nameAndAffiliation writes a person as a page names them: "Pratik
// Chaudhari (UCLA)".
func nameAndAffiliation(p Person) string {
	if p.Affiliation == "" || p.Name == "" {
		return p.Name
	}
	return p.Name + " (" + p.Affiliation + ")"
}

func shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-3]) + "..."
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

// cleanText turns CRLF and CR into LF and trims trailing white space, so
// text pasted from any system renders the same.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimRight(s, " \t\n")
}

func groupLinks(links []Link) []LinkGroup {
	var groups []LinkGroup
	index := map[string]int{}
	for _, l := range links {
		label := l.Label
		if label == "" {
			label = "Link"
		}
		i, ok := index[label]
		if !ok {
			i = len(groups)
			index[label] = i
			groups = append(groups, LinkGroup{Label: label})
		}
		groups[i].URLs = append(groups[i].URLs, l.URL)
	}
	return groups
}

func sameDate(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}
