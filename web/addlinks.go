package web

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/seminarkit/seminar"
)

// "Add to calendar" links of Google Calendar and Outlook on the web, which
// open the service's new-event form filled in with the talk.

// maxDetails bounds the description carried in the links: the services
// refuse URLs of several kilobytes, and the abstract is on the page.
const maxDetails = 1000

// addText is what both links carry of a talk, query-escaped once for
// both: the title, the description and the place.
type addText struct{ title, details, location string }

func newAddText(e *seminar.Event, details, location string) addText {
	return addText{queryEscape(heading(e)), queryEscape(details), queryEscape(location)}
}

// googleCalendarURL is Google Calendar's TEMPLATE action: dates in UTC
// ("20170612T200000Z/20170612T210000Z") and ctz, the zone the form shows.
func googleCalendarURL(e *seminar.Event, t addText) string {
	const layout = "20060102T150405Z"
	return "https://calendar.google.com/calendar/render?" + query(
		"action", "TEMPLATE",
		"text", t.title,
		"dates", queryEscape(e.Start.UTC().Format(layout)+"/"+e.End.UTC().Format(layout)),
		"details", t.details,
		"location", t.location,
		"ctz", queryEscape(e.TimeZone),
	)
}

// outlookURL is Outlook on the web's compose deeplink, with RFC 3339
// times carrying the talk's offset.
func outlookURL(e *seminar.Event, t addText) string {
	loc := e.Start.Location()
	return "https://outlook.office.com/calendar/0/deeplink/compose?" + query(
		"path", queryEscape("/calendar/action/compose"),
		"rru", "addevent",
		"subject", t.title,
		"startdt", queryEscape(e.Start.In(loc).Format(time.RFC3339)),
		"enddt", queryEscape(e.End.In(loc).Format(time.RFC3339)),
		"body", t.details,
		"location", t.location,
	)
}

// query joins name, value pairs in order, the values escaped already,
// leaving out empty values.
func query(pairs ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(pairs[i])
		b.WriteByte('=')
		b.WriteString(pairs[i+1])
	}
	return b.String()
}

// queryEscape escapes a value of a query. Spaces are %20 rather than +,
// which not every service reads as a space.
func queryEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// addDetails is the description of an added event: the speakers, the page's
// URL when the site knows its own, and the start of the abstract.
func addDetails(e *seminar.Event, pageURL string) string {
	var parts []string
	var speakers []string
	for _, p := range e.Speakers {
		speakers = append(speakers, joinSet(", ", p.Name, p.Affiliation))
	}
	if len(speakers) > 0 {
		parts = append(parts, strings.Join(speakers, "; "))
	}
	if e.Location.URL != "" {
		parts = append(parts, "Online: "+e.Location.URL)
	}
	if pageURL != "" {
		parts = append(parts, pageURL)
	}
	if a := strings.TrimSpace(e.Abstract); a != "" {
		parts = append(parts, a)
	}
	return truncate(strings.Join(parts, "\n\n"), maxDetails)
}

// addLocation is the place of an added event: the room and building and
// address, or the online URL when there is no room.
func addLocation(e *seminar.Event) string {
	if where := joinSet(", ", e.Location.Room, e.Location.Building, e.Location.Address); where != "" {
		return where
	}
	return e.Location.URL
}

// truncate cuts s to at most n bytes at a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimRight(s[:cut], " \n") + "…"
}
