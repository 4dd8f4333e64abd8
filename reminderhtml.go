package seminar

import (
	"bytes"
	"strings"

	"github.com/seminarkit/seminar/internal/htmlesc"
)

// writeReminderHTML writes what the default reminder HTML template
// (templates/reminder.html) writes for d, escaped as html/template escapes
// each value in its place, without executing it: the template's
// reflective calls of its escapers cost more than the rest of the HTML.
// Reminders of a Calendar with the default templates are written here;
// remindertext_test.go holds the two to the same bytes. A change to the
// template must be made to this function too.
func writeReminderHTML(b *bytes.Buffer, d *reminderData) {
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>")
	htmlesc.Text(b, d.Subject)
	b.WriteString("</title>\n<style>h2{margin:16px 0 4px;font-size:16px}p{margin:0 0 8px}td{padding:2px 0}" +
		"td.l{padding:2px 12px 2px 0;color:#555;vertical-align:top}.m{color:#555}a{color:#0b57d0}</style></head>\n" +
		"<body style=\"margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.45;" +
		"color:#1a1a1a;background:#fff\">\n<div style=\"max-width:640px\">")
	switch d.Kind {
	case KindCancel:
		b.WriteString("\n<p style=\"margin:0 0 12px;padding:8px 12px;background:#fdecea;color:#8a1c12;font-weight:bold\">" +
			"CANCELLED: this talk will not take place.")
		if d.CancelReason != "" {
			b.WriteString("<br><span style=\"font-weight:normal\">Reason: ")
			htmlesc.Text(b, d.CancelReason)
			b.WriteString("</span>")
		}
		b.WriteString("</p>")
	case KindUpdate:
		b.WriteString("\n<p style=\"margin:0 0 12px;padding:8px 12px;background:#fff4e5;color:#7a4b00;font-weight:bold\">UPDATED: ")
		htmlesc.Text(b, d.Note)
		b.WriteString("</p>")
	}
	b.WriteString("\n<h1 style=\"margin:0 0 8px;font-size:20px;line-height:1.3\">")
	htmlesc.Text(b, d.Title)
	b.WriteString("</h1>")
	for _, s := range d.Speakers {
		b.WriteString("\n<p style=\"margin:0 0 4px\"><strong>")
		htmlesc.Text(b, s.Name)
		b.WriteString("</strong>")
		if s.Affiliation != "" {
			b.WriteString(" (")
			htmlesc.Text(b, s.Affiliation)
			b.WriteString(")")
		}
		b.WriteString("</p>")
	}
	b.WriteString("\n<table role=\"presentation\" style=\"margin:12px 0;border-collapse:collapse;font-size:15px\">\n" +
		"<tr><td class=\"l\">Date</td><td>")
	htmlesc.Text(b, d.Date)
	b.WriteString("</td></tr>\n<tr><td class=\"l\">Time</td><td>")
	htmlesc.Text(b, d.Time)
	b.WriteString(" <span class=\"m\">(")
	htmlesc.Text(b, d.ZoneNote)
	b.WriteString(")</span>")
	if d.RecipientTime != "" {
		b.WriteString("<br>Your time: ")
		htmlesc.Text(b, d.RecipientTime)
	}
	b.WriteString("</td></tr>")
	row := func(label, value string) {
		if value == "" {
			return
		}
		b.WriteString("\n<tr><td class=\"l\">" + label + "</td><td>")
		htmlesc.Text(b, value)
		b.WriteString("</td></tr>")
	}
	row("Location", d.Place)
	if u := d.Location.URL; u != "" {
		b.WriteString("\n<tr><td class=\"l\">Online</td><td>")
		htmlesc.Link(b, u, u)
		b.WriteString("</td></tr>")
	}
	row("Room", d.RoomDescription)
	b.WriteString("\n</table>")
	if d.AbstractText != "" {
		b.WriteString("\n<h2>Abstract</h2>")
		writeHTMLParagraphs(b, d.AbstractText)
	}
	if d.Bio != "" {
		if len(d.Speakers) > 1 {
			b.WriteString("\n<h2>About the speakers</h2>")
		} else {
			b.WriteString("\n<h2>About the speaker</h2>")
		}
		writeHTMLParagraphs(b, d.Bio)
	}
	for _, g := range d.LinkGroups {
		b.WriteString("\n<p>")
		htmlesc.Text(b, g.Label)
		b.WriteString(": ")
		for i, u := range g.URLs {
			if i > 0 {
				b.WriteString(", ")
			}
			htmlesc.Link(b, u, u)
		}
		b.WriteString("</p>")
	}
	for _, s := range d.Speakers {
		if s.URL != "" {
			b.WriteString("\n<p>")
			htmlesc.Text(b, s.Name)
			b.WriteString(": ")
			htmlesc.Link(b, s.URL, s.URL)
			b.WriteString("</p>")
		}
	}
	if d.HostName != "" || d.ContactLine != "" {
		b.WriteString("\n<p style=\"margin:16px 0 0\">")
		if d.HostName != "" {
			b.WriteString("Host: ")
			htmlesc.Text(b, d.HostName)
			if d.ContactLine != "" {
				b.WriteString("<br>")
			}
		}
		writeHTMLContact(b, d.Contact)
		b.WriteString("</p>")
	}
	if d.Type != "" || d.SeriesName != "" || len(d.ResearchAreas) > 0 || len(d.ImpactAreas) > 0 {
		b.WriteString("\n<p class=\"m\" style=\"margin:8px 0\">")
		sep := false // whether a line was written, which the next follows after <br>
		item := func(label, value string) {
			if sep {
				b.WriteString("<br>")
			}
			b.WriteString(label)
			htmlesc.Text(b, value)
			sep = true
		}
		if d.Type != "" {
			item("Event type: ", d.Type)
		}
		if d.SeriesName != "" {
			item("Series: ", d.SeriesName)
		}
		if len(d.ResearchAreas) > 0 {
			item("Research areas: ", strings.Join(d.ResearchAreas, ", "))
		}
		if len(d.ImpactAreas) > 0 {
			item("Impact areas: ", strings.Join(d.ImpactAreas, ", "))
		}
		b.WriteString("</p>")
	}
	b.WriteString("\n</div>\n</body>\n</html>\n")
}

// writeHTMLContact writes the contact as the template's
// {{with .Contact}} does: the name, then the address as a mailto link.
func writeHTMLContact(b *bytes.Buffer, c Person) {
	switch {
	case c.Name != "":
		b.WriteString("Contact: ")
		htmlesc.Text(b, c.Name)
		if c.Email != "" {
			b.WriteString(", ")
			htmlesc.Mailto(b, c.Email)
		}
	case c.Email != "":
		b.WriteString("Contact: ")
		htmlesc.Mailto(b, c.Email)
	}
}

// writeHTMLParagraphs writes each paragraph of s as <p>, as the template's
// {{range paragraphs .}} does.
func writeHTMLParagraphs(b *bytes.Buffer, s string) {
	for _, p := range paragraphs(s) {
		b.WriteString("\n<p>")
		htmlesc.Text(b, p)
		b.WriteString("</p>")
	}
}
