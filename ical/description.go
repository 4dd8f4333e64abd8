package ical

import "github.com/seminarkit/seminar"

// description writes DESCRIPTION, the one text every client shows: the
// event page's text as the root's page template lays it out (its words,
// "Pratik Chaudhari (UCLA)", its order and its paragraphs), so that the
// calendar entry reads like the announcement mail beside it. The title,
// date and time are left out: clients show SUMMARY, DTSTART and DTEND
// themselves, in the reader's own zone, and a second, differently zoned
// time next to them invites mistakes. It is built straight into the line:
// seminar.NewView's formatting costs dozens of allocations per event.
func (enc *Encoder) description(e *seminar.Event, cancelled bool) {
	d := descriptionWriter{line: append(append(enc.line[:0], "DESCRIPTION"...), ':')}
	d.start = len(d.line)
	if cancelled {
		d.textLine("CANCELLED: this talk will not take place.")
		d.field("Reason", trimText(e.CancelReason))
		d.paragraph()
	}
	d.speakers(e)
	d.paragraph()
	l := e.Location
	d.field("Location", l.Room, l.Building, l.Address)
	d.field("Online", l.URL)
	d.field("Room", trimText(e.RoomDescription))
	if a := trimText(e.Abstract); a != "" {
		d.paragraph()
		d.textLine("Abstract:")
		d.textLine(a)
	}
	d.bios(e.Speakers)
	d.paragraph()
	d.links(e.Links)
	for _, s := range e.Speakers {
		name := s.Name
		if name == "" {
			name = "Speaker"
		}
		d.field(name, s.URL)
	}
	d.paragraph()
	if h := e.Host; h.Name != "" {
		d.begin()
		d.text("Host: ")
		d.person(h)
	}
	if enc.opts.HideContact {
		d.field("Contact", e.Contact.Name)
	} else {
		d.field("Contact", e.Contact.Name, e.Contact.Email)
	}
	d.field("Event type", e.Type)
	d.field("Series", enc.seriesName(e))
	d.field("Research areas", e.ResearchAreas...)
	d.field("Impact areas", e.ImpactAreas...)
	enc.line = d.line
	enc.endLine()
}

// descriptionWriter appends the lines of DESCRIPTION, escaped, to a
// content line.
type descriptionWriter struct {
	line  []byte
	start int  // where the value begins
	para  bool // the next line starts a paragraph
}

// paragraph puts a blank line before the next line written, if any.
func (d *descriptionWriter) paragraph() { d.para = true }

// begin starts a line: after a line break, or after a blank line at a
// paragraph; the first line of the value needs neither.
func (d *descriptionWriter) begin() {
	switch {
	case len(d.line) == d.start:
	case d.para:
		d.line = append(d.line, `\n\n`...)
	default:
		d.line = append(d.line, `\n`...)
	}
	d.para = false
}

func (d *descriptionWriter) text(s string) { d.line = appendText(d.line, s) }

// textLine writes s as a line of its own; s may span lines.
func (d *descriptionWriter) textLine(s string) {
	d.begin()
	d.text(s)
}

// field writes "Label: a, b, c" on its own line, skipping empty values,
// and nothing when every value is empty.
func (d *descriptionWriter) field(label string, values ...string) {
	sep := false
	for _, v := range values {
		if v == "" {
			continue
		}
		if sep {
			d.line = append(d.line, `\, `...)
		} else {
			d.begin()
			d.text(label)
			d.line = append(d.line, ": "...)
			sep = true
		}
		d.text(v)
	}
}

// person writes a person as pages name one: "Pratik Chaudhari (UCLA)", or
// the name alone.
func (d *descriptionWriter) person(p seminar.Person) {
	d.text(p.Name)
	if p.Affiliation != "" {
		d.line = append(d.line, " ("...)
		d.text(p.Affiliation)
		d.line = append(d.line, ')')
	}
}

// speakers writes "Speaker: " and the one speaker, or "Speakers:" and a
// line for each; a slot still to be announced has "Speaker: to be
// announced". Speakers without a name are left out.
func (d *descriptionWriter) speakers(e *seminar.Event) {
	named := 0
	for _, s := range e.Speakers {
		if s.Name != "" {
			named++
		}
	}
	switch {
	case named == 1:
		d.begin()
		d.text("Speaker: ")
	case named > 1:
		d.textLine("Speakers:")
	case e.IsTBA():
		d.textLine("Speaker: to be announced")
	}
	for _, s := range e.Speakers {
		if s.Name == "" {
			continue
		}
		if named > 1 {
			d.begin()
		}
		d.person(s)
	}
}

// links writes "Label: url" per link, grouped by label in order of first
// appearance, as the page lists them; "Link" labels the unlabelled.
func (d *descriptionWriter) links(links []seminar.Link) {
	for i, l := range links {
		label := linkLabel(l)
		if seenLabel(links[:i], label) {
			continue
		}
		for _, m := range links[i:] {
			if linkLabel(m) == label {
				d.field(label, m.URL)
			}
		}
	}
}

func linkLabel(l seminar.Link) string {
	if l.Label == "" {
		return "Link"
	}
	return l.Label
}

func seenLabel(links []seminar.Link, label string) bool {
	for _, l := range links {
		if linkLabel(l) == label {
			return true
		}
	}
	return false
}

// bios writes the speakers' bios under "About the speaker:" (or "About
// the speakers:"), each prefixed by the speaker's name when there are
// several, as the page does.
func (d *descriptionWriter) bios(speakers []seminar.Person) {
	first := true
	for _, s := range speakers {
		bio := trimText(s.Bio)
		if bio == "" {
			continue
		}
		if first {
			d.paragraph()
			if len(speakers) > 1 {
				d.textLine("About the speakers:")
			} else {
				d.textLine("About the speaker:")
			}
			first = false
		}
		d.begin()
		if len(speakers) > 1 {
			d.text(s.Name)
			d.line = append(d.line, ": "...)
		}
		d.text(bio)
	}
}
