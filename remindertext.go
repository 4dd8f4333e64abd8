package seminar

import (
	"bytes"
	"strings"
)

// writeReminderText writes what the default reminder text template
// (templates/reminder.txt, with "details" of templates/page.txt) writes
// for d, without executing it: text/template calls each function of the
// template through reflection, which made it the largest cost of a
// reminder's rendering. Reminders of a Calendar with the default templates
// are written here; remindertext_test.go holds the two to the same bytes.
// A change to either template must be made to this function too.
func writeReminderText(b *bytes.Buffer, d *reminderData) {
	line := func(s string) {
		b.WriteString(wrap(72, s))
		b.WriteByte('\n')
	}
	switch d.Kind {
	case KindCancel:
		b.WriteString("CANCELLED: this talk will not take place.\n")
		if d.CancelReason != "" {
			line("Reason: " + d.CancelReason)
		}
		b.WriteByte('\n')
	case KindUpdate:
		line("UPDATED: " + d.Note)
		b.WriteByte('\n')
	}
	line(d.Heading)
	switch {
	case len(d.SpeakerLines) == 1:
		b.WriteByte('\n')
		line("Speaker: " + d.SpeakerLines[0])
	case len(d.SpeakerLines) > 1:
		b.WriteString("\nSpeakers:\n")
		for _, s := range d.SpeakerLines {
			line(s)
		}
	case d.IsTBA():
		b.WriteString("\nSpeaker: to be announced\n")
	}
	b.WriteByte('\n')
	line("Date: " + d.Date)
	line("Time: " + d.Time + " (" + d.ZoneNote + ")")
	lineIf := func(label, value string) {
		if value != "" {
			line(label + value)
		}
	}
	lineIf("Your time: ", d.RecipientTime)
	lineIf("Location: ", d.Place)
	lineIf("Online: ", d.Location.URL)
	lineIf("Room: ", d.RoomDescription)
	if d.AbstractText != "" {
		b.WriteString("\nAbstract:\n")
		line(d.AbstractText)
	}
	if d.Bio != "" {
		if len(d.Speakers) > 1 {
			b.WriteString("\nAbout the speakers:\n")
		} else {
			b.WriteString("\nAbout the speaker:\n")
		}
		line(d.Bio)
	}
	if len(d.LinkGroups) > 0 || len(d.SpeakerURLs) > 0 {
		b.WriteByte('\n')
		for _, g := range d.LinkGroups {
			for _, u := range g.URLs {
				line(g.Label + ": " + u)
			}
		}
		for _, s := range d.Speakers {
			if s.URL != "" {
				line(s.Name + ": " + s.URL)
			}
		}
	}
	if d.HostName != "" || d.ContactLine != "" || d.Type != "" || d.SeriesName != "" ||
		len(d.ResearchAreas) > 0 || len(d.ImpactAreas) > 0 {
		b.WriteByte('\n')
		lineIf("Host: ", d.HostName)
		lineIf("Contact: ", d.ContactLine)
		lineIf("Event type: ", d.Type)
		lineIf("Series: ", d.SeriesName)
		if len(d.ResearchAreas) > 0 {
			line("Research areas: " + strings.Join(d.ResearchAreas, ", "))
		}
		if len(d.ImpactAreas) > 0 {
			line("Impact areas: " + strings.Join(d.ImpactAreas, ", "))
		}
	}
}
