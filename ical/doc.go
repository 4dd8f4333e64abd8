// Package ical writes and reads iCalendar (RFC 5545) for seminar events: the
// format, and nothing of how it is served.
//
// # Export
//
// An Encoder writes events as one VCALENDAR to an io.Writer. It holds up to
// 4 MiB of them back, so that each VTIMEZONE written before them holds only
// what they need; past that it streams, each VEVENT written as it is
// encoded, so a feed of a hundred thousand events needs bounded memory.
// EncodeEvent writes a calendar of one event, what a reminder mail
// attaches.
//
// The output is meant to read the same in every client: CRLF line endings,
// lines folded at 75 octets without splitting a UTF-8 sequence, TEXT values
// escaped as RFC 5545 3.3.11 says (line breaks normalized, control
// characters dropped), and parameter values quoted when they hold ',' ';'
// or ':', with the characters that parsers read differently there (a
// double quote, a backslash, an RFC 6868 caret) written as lookalikes.
// Times carry the TZID of the event's IANA zone, with a VTIMEZONE generated
// from Go's zone data; UTC events are written in UTC. A VTIMEZONE holds the
// observances the calendar's events in its zone need, from the one in force
// at the earliest DTSTART through the first change of offset after the
// latest DTEND; where that reaches the zone's current daylight-saving rule
// (in New York, the one of 2007) the rule is written whole, as a pair of
// open-ended RRULEs, as RFC 5545's examples and most clients do. So the
// VTIMEZONE of a talk in New York today has two observances, whatever the
// years its calendar covers. A calendar larger than 4 MiB gets VTIMEZONEs
// of every year an event may be in, as its events are not known when they
// are written.
//
// Each VEVENT has UID, DTSTAMP, DTSTART, DTEND, CREATED, LAST-MODIFIED,
// SEQUENCE, STATUS (TENTATIVE for a planned slot still to be announced,
// seminar.Event.IsTBA), SUMMARY, DESCRIPTION (the event page's text in its
// words and order, less the title, date and time that clients show
// themselves: "Speaker: Pratik Chaudhari (UCLA)", the place, abstract, bios,
// links, "Host: Bolei Zhou (MIT CSAIL)" and contact, as the reminder mail
// says them), LOCATION, URL, CATEGORIES (one per value), CLASS and exactly
// one ORGANIZER, and never an ATTENDEE (RFC 5546). With EncodeOptions.Participants, each
// speaker is also an RFC 9073 PARTICIPANT.
//
// The fields that DESCRIPTION shows only as prose are also written as
// properties that clients ignore and Decode reads back. Where one holds
// several fields they are the lines of its TEXT value, in the order given
// (a line break inside a one-line field is written as a space; trailing
// empty fields are left out):
//
//	X-SEMINAR-SPEAKER         one per speaker, in order: name, affiliation, email, URL,
//	                          photo URL, then the bio (which may span lines)
//	X-SEMINAR-HOST            the host, as a speaker
//	X-SEMINAR-CONTACT         the contact, as a speaker
//	X-SEMINAR-ROOM            Location.Room; likewise X-SEMINAR-BUILDING,
//	                          X-SEMINAR-ADDRESS and X-SEMINAR-STREAM (Location.URL)
//	X-SEMINAR-ROOM-DESCRIPTION, X-SEMINAR-ABSTRACT, X-SEMINAR-CANCEL-REASON
//	                          the texts as stored, line breaks as LF
//	X-SEMINAR-LINK            one per link, in order: URL, then label
//	CATEGORIES;X-SEMINAR-KIND=TYPE, SERIES, RESEARCH or IMPACT
//	                          the field a category comes from
//	X-SEMINAR-TIMEZONE        the event's IANA zone, only when DTSTART carries no TZID
//	                          although the zone is not UTC (a start in a fall-back fold)
//
// With EncodeOptions.HideContact no email address is written in any of them;
// with EncodeOptions.NoExtensions, which the Attacher of reminder mail sets,
// none of them is written, and Decode reads the calendar as another
// product's: DESCRIPTION is the abstract, LOCATION the room, ORGANIZER the
// contact. With EncodeOptions.SeriesName, DESCRIPTION and the SERIES
// category name a series by its name rather than its ID.
//
// # Import
//
// Decode reads what real clients write, one component at a time: a broken
// line or component costs only itself and is listed in Result.Skipped.
// TZIDs resolve through the file's VTIMEZONE (read with the tz database when
// it names an IANA zone), IANA names, Windows names (CLDR windowsZones) and
// Outlook display names such as "(UTC-05:00) Eastern Time (US & Canada)".
// Floating times use X-WR-TIMEZONE as Google reads them. Recurring events are
// expanded within a bounded window, and Occurrence.Event gives a valid
// seminar.Event for Calendar.Import, which matches events by UID.
//
// # Feeds
//
// Serving events over HTTP as feeds that calendar clients subscribe to is
// package github.com/seminarkit/seminar/feed, which writes its bodies with
// an Encoder.
package ical
