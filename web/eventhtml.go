package web

import (
	"strconv"
	"strings"
)

// The main part of an event's page is written here rather than by a
// template: it shows some fifty values, and html/template calls each
// value's escapers through reflection, which cost more than the rest of a
// page made after a change. htmlWriter escapes as html/template does in
// the same places (through internal/htmlesc, whose tests hold it to that;
// the golden pages of testdata/pages hold the page to the bytes);
// templates/layout.html still
// writes what is around it.

// main writes the main part of page as HTML, which templates/event.html
// shows.
func (page *eventPage) main(w *htmlWriter) {
	e, view := page.Event, page.View
	if page.Flash != "" {
		w.raw("<p class=\"flash\" role=\"status\">")
		w.text(page.Flash)
		w.raw("</p>")
	}
	w.raw("\n<article class=\"event\">\n<h1>")
	w.text(view.Heading)
	w.raw("</h1>")
	if page.Cancelled {
		w.raw("\n<div class=\"cancelled-banner\" id=\"cancelled\">\n<strong>CANCELLED</strong>: this talk will not take place.")
		if e.CancelReason != "" {
			w.raw("\n<p>Reason: ")
			w.text(e.CancelReason)
			w.raw("</p>")
		}
		w.raw("\n</div>")
	}
	if !e.Public {
		w.raw("\n<p><span class=\"badge private\">Not public</span> <span class=\"muted\">Only people allowed to see it find this talk.</span></p>")
	}
	if page.Manage {
		page.actions(w)
	}
	page.details(w)
	if page.Rights.Edit {
		page.settings(w)
	}
	w.raw("\n</article>\n\n<section class=\"others\" aria-labelledby=\"others-h\">\n<h2 id=\"others-h\">Other events happening in ")
	w.text(page.MonthName)
	w.raw("</h2>")
	if page.Others != "" {
		w.raw("\n<ul class=\"talks others\">")
		w.raw(string(page.Others))
		w.raw("\n</ul>")
	} else {
		w.raw("\n<p class=\"muted\">No other talks this month.</p>")
	}
	w.raw("\n<p><a href=\"")
	w.url(page.MonthPath)
	w.raw("\">All talks in ")
	w.text(page.MonthName)
	w.raw("</a> · <a href=\"")
	w.url(page.JSONPath)
	w.raw("\" type=\"application/json\">This talk as JSON</a></p>\n</section>")
}

// actions writes the buttons of the actions the request may take.
func (page *eventPage) actions(w *htmlWriter) {
	button := func(class, id, href, label string) {
		w.raw("\n<a class=\"" + class + "\" id=\"" + id + "\" href=\"")
		w.url(href)
		w.raw("\">" + label + "</a>")
	}
	w.raw("\n<nav class=\"actions\" aria-labelledby=\"actions-h\">\n<h2 id=\"actions-h\">Manage this talk</h2>")
	r := page.Rights
	if r.Edit {
		button("button", "action-edit", page.EditPath, "Edit Event")
	}
	if r.Cancel && !page.Cancelled {
		button("button danger", "action-cancel", page.CancelPath, "Cancel Event")
	}
	if page.Remindable {
		if r.Preview && page.CanPreview {
			button("button", "action-preview", page.PreviewPath, "Preview Reminder")
		}
		if r.Send {
			button("button", "action-send", page.SendPath, "Send Reminder")
		}
	}
	w.raw("\n</nav>")
}

// settings writes what only those who may edit the talk see.
func (page *eventPage) settings(w *htmlWriter) {
	e := page.Event
	w.raw("\n<section class=\"settings\" aria-labelledby=\"settings-h\">\n<h2 id=\"settings-h\">Settings</h2>\n<dl class=\"facts\">\n<dt>Public</dt>\n<dd>")
	if e.Public {
		w.raw("Yes")
	} else {
		w.raw("No")
	}
	w.raw("</dd>\n<dt>Reminders to</dt>\n<dd>")
	if lists := e.Reminders.Lists; len(lists) > 0 {
		w.text(strings.Join(lists, ", "))
	} else {
		w.raw("<span class=\"muted\">no lists</span>")
	}
	w.raw("</dd>")
	if len(e.Reminders.Lists) > 0 {
		w.raw("\n<dt>Reminder subject</dt>\n<dd>")
		if page.SubjectBroken {
			w.raw("<span class=\"field-error\">The subject template cannot be written for this talk: edit it.</span>")
		} else {
			w.text(page.View.Subject)
		}
		w.raw("</dd>")
		if page.Schedule != "" {
			w.fact("Schedule", page.Schedule)
		}
	}
	w.raw("\n<dt>Created</dt>\n<dd>")
	w.text(page.View.Created)
	if e.CreatedBy != "" {
		w.raw(", by ")
		w.text(e.CreatedBy)
	}
	w.raw("</dd>\n<dt>Last changed</dt>\n<dd>")
	w.text(page.Updated)
	w.raw(" (version " + strconv.FormatInt(e.Version, 10) + ")</dd>\n</dl>\n</section>")
}

// details writes the photos, facts, calendar links, abstract, links, bio
// and areas.
func (page *eventPage) details(w *htmlWriter) {
	e, view := page.Event, page.View
	for _, p := range page.Photos {
		w.raw("\n<img class=\"speaker-photo\" src=\"")
		w.url(p.PhotoURL)
		w.raw("\" alt=\"Photo of ")
		w.text(p.Name)
		w.raw("\">")
	}
	w.raw("\n<dl class=\"facts\">")
	switch {
	case len(e.Speakers) > 0:
		w.raw("\n<dt>Speaker")
		if len(e.Speakers) > 1 {
			w.raw("s")
		}
		w.raw("</dt>\n<dd>")
		for i, s := range e.Speakers {
			if i > 0 {
				w.raw("<br>")
			}
			if s.URL != "" {
				w.link(s.URL, s.Name)
			} else {
				w.text(s.Name)
			}
			if s.Affiliation != "" {
				w.raw(", ")
				w.text(s.Affiliation)
			}
		}
		w.raw("</dd>")
	case page.SpeakerTBA:
		w.raw("\n<dt>Speaker</dt>\n<dd>To be announced</dd>")
	}
	w.fact("Date", view.Date)
	w.raw("\n<dt>Time</dt>\n<dd>")
	w.text(view.Time)
	w.raw(" <span class=\"zone-note\">Note: ")
	w.text(view.ZoneNote)
	w.raw("</span></dd>")
	if page.Place != "" {
		w.fact("Location", page.Place)
	}
	if u := e.Location.URL; u != "" {
		w.raw("\n<dt>Online</dt>\n<dd>")
		w.link(u, u)
		w.raw("</dd>")
	}
	if e.RoomDescription != "" {
		w.fact("Room", e.RoomDescription)
	}
	if e.Type != "" {
		w.fact("Event type", e.Type)
	}
	if page.SeriesPath != "" {
		w.raw("\n<dt>Series</dt>\n<dd>")
		w.link(page.SeriesPath, page.SeriesName)
		w.raw("</dd>")
	}
	if page.Host != "" {
		w.fact("Host", page.Host)
	}
	if c := e.Contact; c.Name != "" || c.Email != "" {
		w.raw("\n<dt>Contact</dt>\n<dd>")
		w.text(c.Name)
		if c.Name != "" && c.Email != "" {
			w.raw(", ")
		}
		if c.Email != "" {
			w.mailto(c.Email)
		}
		w.raw("</dd>")
	}
	w.raw("\n</dl>")

	if !page.Cancelled {
		w.raw("\n<p class=\"subscribe\"><span>Add to calendar:</span>\n<a href=\"")
		w.url(page.ICSPath)
		w.raw("\" type=\"text/calendar\">Calendar file (.ics)</a>\n<a href=\"")
		w.url(page.Google)
		w.raw("\" rel=\"noopener noreferrer\">Google Calendar</a>\n<a href=\"")
		w.url(page.Outlook)
		w.raw("\" rel=\"noopener noreferrer\">Outlook</a>\n</p>")
	}
	w.prose("abstract-h", "Abstract", page.Abstract)
	if len(view.LinkGroups) > 0 {
		w.raw("\n<dl class=\"facts links\">")
		for _, g := range view.LinkGroups {
			w.raw("\n<dt>")
			w.text(g.Label)
			w.raw("</dt>\n<dd>")
			for i, u := range g.URLs {
				if i > 0 {
					w.raw(", ")
				}
				w.link(u, u)
			}
			w.raw("</dd>")
		}
		w.raw("\n</dl>")
	}
	w.prose("bio-h", "Bio", page.Bio)
	if len(e.ResearchAreas) > 0 || len(e.ImpactAreas) > 0 {
		w.raw("\n<dl class=\"facts\">")
		if len(e.ResearchAreas) > 0 {
			w.fact("Research areas", strings.Join(e.ResearchAreas, ", "))
		}
		if len(e.ImpactAreas) > 0 {
			w.fact("Impact areas", strings.Join(e.ImpactAreas, ", "))
		}
		w.raw("\n</dl>")
	}
}
