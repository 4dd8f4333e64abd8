package web

import (
	"html/template"
	"strings"
)

// The details of an event's page, from the speakers' photos to the
// research areas, are written here rather than by templates/event.html:
// they are most of the page's values, and html/template calls each value's
// escapers through reflection, which cost more than the rest of a page
// made after a change. The writer escapes as html/template does in the
// same places (escape_internal_test.go holds it to that, and
// testdata/pages to the bytes), so the page reads as if the template
// wrote it.

// details writes the details of page as HTML: the markup that
// templates/event.html shows with {{.Details}}.
func (page *eventPage) details() template.HTML {
	var w htmlWriter
	w.Grow(2048 + len(page.Event.Abstract) + len(page.Google) + len(page.Outlook))
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
			// After "mailto:" the address is a part of the URL: normalized,
			// not filtered.
			w.raw("<a href=\"mailto:")
			w.text(normalizeURL(c.Email))
			w.raw("\">")
			w.text(c.Email)
			w.raw("</a>")
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
	return template.HTML(w.String())
}

// htmlWriter writes HTML, escaping values as html/template does.
type htmlWriter struct{ strings.Builder }

// raw writes markup as it is.
func (w *htmlWriter) raw(s string) { w.WriteString(s) }

// text writes s as text, or as a quoted attribute's value.
func (w *htmlWriter) text(s string) { htmlEscaper.WriteString(&w.Builder, s) }

// url writes s as a URL attribute's value.
func (w *htmlWriter) url(s string) { w.text(normalizeURL(filterURL(s))) }

// link writes a link to href reading text.
func (w *htmlWriter) link(href, text string) {
	w.raw("<a href=\"")
	w.url(href)
	w.raw("\">")
	w.text(text)
	w.raw("</a>")
}

// fact writes a term and its definition.
func (w *htmlWriter) fact(term, def string) {
	w.raw("\n<dt>")
	w.raw(term)
	w.raw("</dt>\n<dd>")
	w.text(def)
	w.raw("</dd>")
}

// prose writes a section of paragraphs headed by heading, if any.
func (w *htmlWriter) prose(id, heading string, paragraphs []string) {
	if len(paragraphs) == 0 {
		return
	}
	w.raw("\n<section aria-labelledby=\"" + id + "\">\n<h2 id=\"" + id + "\">" + heading + "</h2>\n<div class=\"prose\">")
	for _, p := range paragraphs {
		w.raw("\n<p>")
		w.text(p)
		w.raw("</p>")
	}
	w.raw("\n</div>\n</section>")
}

// htmlEscaper escapes text and attribute values as html/template does: the
// bytes of markup, quotes and '+' as character references, NUL as U+FFFD.
// (It replaces bytes, where html/template replaces runes; none of these is
// part of a longer UTF-8 sequence.)
var htmlEscaper = strings.NewReplacer(
	"\x00", "\uFFFD",
	`"`, "&#34;",
	"&", "&amp;",
	"'", "&#39;",
	"+", "&#43;",
	"<", "&lt;",
	">", "&gt;",
)

// filterURL is html/template's filter of a URL attribute's value: a URL
// whose scheme is not http, https or mailto becomes "#ZgotmplZ".
func filterURL(s string) string {
	if scheme, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(scheme, "/") {
		if !strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") && !strings.EqualFold(scheme, "mailto") {
			return "#ZgotmplZ"
		}
	}
	return s
}

// normalizeURL is html/template's normalization of a URL: every byte but
// letters, digits, -._~ and the reserved !#$&*+,/:;=?@[] is percent-encoded
// in lower case, but for a % that starts a valid escape.
func normalizeURL(s string) string {
	var b strings.Builder
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if urlKept[c] || c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			continue
		}
		if written == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[written:i])
		const hex = "0123456789abcdef"
		b.Write([]byte{'%', hex[c>>4], hex[c&0xf]})
		written = i + 1
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

// urlKept are the bytes normalizeURL keeps as they are.
var urlKept = func() (kept [256]bool) {
	for c := range 256 {
		kept[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("-._~!#$&*+,/:;=?@[]", byte(c)) >= 0
	}
	return kept
}()

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
