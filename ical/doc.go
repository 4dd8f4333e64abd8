// Package ical writes and reads iCalendar (RFC 5545) for seminar events and
// serves them as subscribable feeds.
//
// # Export
//
// An Encoder streams events as one VCALENDAR to an io.Writer: each VEVENT is
// written as it is encoded, so a feed of a hundred thousand events needs the
// memory of one. EncodeEvent writes a calendar of one event, what a reminder
// mail attaches.
//
// The output is meant to read the same in every client: CRLF line endings,
// lines folded at 75 octets without splitting a UTF-8 sequence, TEXT values
// escaped as RFC 5545 3.3.11 says (line breaks normalized, control
// characters dropped), and parameter values quoted when they hold ',' ';'
// or ':', with a double quote or line break in the RFC 6868 caret encoding.
// Times carry the TZID of the event's IANA zone, with a VTIMEZONE generated
// from Go's zone data that covers every year an event may be in; UTC
// events are written in UTC.
//
// Each VEVENT has UID, DTSTAMP, DTSTART, DTEND, CREATED, LAST-MODIFIED,
// SEQUENCE, STATUS, SUMMARY, DESCRIPTION (the speakers, host, contact,
// place, abstract, links and bios as the event page shows them), LOCATION,
// URL, CATEGORIES (one per value), CLASS and exactly one ORGANIZER, and
// never an ATTENDEE (RFC 5546). With EncodeOptions.Participants, each
// speaker is also an RFC 9073 PARTICIPANT.
//
// The fields that DESCRIPTION shows only as prose are also written as
// properties that clients ignore and Decode reads back:
//
//	X-SEMINAR-SPEAKER   one per speaker, in order  CN, X-AFFILIATION, EMAIL, X-URL, X-PHOTO parameters; the bio as value
//	X-SEMINAR-HOST      the host                   as X-SEMINAR-SPEAKER
//	X-SEMINAR-CONTACT   the contact                as X-SEMINAR-SPEAKER
//	X-SEMINAR-ROOM, X-SEMINAR-BUILDING, X-SEMINAR-ADDRESS, X-SEMINAR-STREAM
//	                    the parts of the location
//	X-SEMINAR-ROOM-DESCRIPTION, X-SEMINAR-ABSTRACT, X-SEMINAR-CANCEL-REASON
//	                    the texts, exactly as stored
//	X-SEMINAR-LINK      one per link, in order     the URL as value, LABEL parameter
//	CATEGORIES;X-SEMINAR-KIND=TYPE|SERIES|RESEARCH|IMPACT
//	                    which field a category came from
//
// Email addresses are left out of all of them with EncodeOptions.HideContact.
//
// # Import
//
// Decode reads calendars that real clients write, one component at a time,
// and reports what it skipped.
//
// # Feeds
//
// NewFeedHandler serves a Calendar's events as an iCalendar feed.
package ical
