// Package web serves a seminar.Calendar as a web site: the upcoming talks,
// months, series and each talk's page, its .ics and JSON, and the forms of
// the classic talk page's actions (Edit Event, Cancel Event, Preview
// Reminder, Send Reminder) and of a new event. It is one http.Handler made
// by New, holds no global state, and mounts at the root or under a prefix
// with http.StripPrefix; pages link relatively. Pages are html/template,
// semantic HTML with their style embedded (print style included), no
// JavaScript and no remote asset.
//
// # Routes
//
// Relative to the Handler. GET routes answer HEAD too; other methods get
// 405.
//
//	GET  /                         upcoming talks, by day
//	GET  /months/2017-06           a month's talks, by day, in the calendar's zone
//	GET  /series/{id}              a series: its name, description and upcoming talks
//	GET  /events/{id}              a talk's page, with the other talks of its month
//	GET  /events/{id}.ics          the talk as iCalendar (package ical)
//	GET  /events/{id}.json         the talk as JSON (EventDocument)
//	GET  /events.json?from=&to=    talks in a window as JSON (EventsDocument)
//	GET  /events/new[?series=id]   the new event form;   POST /events creates
//	GET  /events/{id}/edit         the edit form;        POST /events/{id}/edit saves
//	GET  /events/{id}/cancel       the cancel form;      POST /events/{id}/cancel cancels
//	GET  /events/{id}/preview      the reminder as it will be sent
//	GET  /events/{id}/send         the send form;        POST /events/{id}/send sends
//
// A write answers 303 to the talk's page, with ?created=1, ?saved=1,
// ?cancelled=1 or ?sent=1, which the page acknowledges. A series whose talks
// are not public by default is shown only to a request that sees one of its
// talks. A planned slot without a title shows as "To be announced".
//
// # Authorization
//
// The Handler has no accounts: the host authenticates, and
// Options.Authorize decides, for each request, each Action and event,
// whether it is allowed. A nil Authorize allows nothing beyond reading
// public events. A non-public event is answered 404, exactly as a missing
// one, to a request not allowed ActionView on it, and is left out of every
// listing, JSON and "other events" for it; pages check Public themselves,
// whatever the Store's filter did. A write that is not allowed is answered
// 403 (404 for a non-public event the request may not see); Authorize's
// error is never shown. A request allowed ActionEdit also sees an event's
// settings: whether it is public, its reminder lists, subject and
// schedule, and who created it.
//
// # Security
//
// Cross-origin form posts are refused with 403 (http.CrossOriginProtection),
// nothing changes on GET or HEAD, request bodies are capped at
// Options.MaxBody (413), and error pages say what the status means and
// nothing of its cause, which goes to Options.Logger. Every response
// carries a Content-Security-Policy that allows no script, only this
// origin's frames and form targets, and inline styles (the reminder preview
// is an iframe with sandbox and srcdoc, which inherits the policy), as
// well as X-Content-Type-Options: nosniff and Referrer-Policy: same-origin.
//
// # Forms
//
// Each field is named by the path seminar.Validate reports for it
// ("title", "speakers[0].email", "location.room", "timeZone"), has the id
// "field-" and the path with every run of characters other than ASCII
// letters and digits replaced by "-" ("field-speakers-0-email"), and a
// label. A refused save answers 422 with every problem at once: a summary
// at the top (id "error-summary") and each problem under its field in an
// element whose id is the input's and "-error", class "field-error",
// which the input names in aria-describedby; the user's input is kept.
// Dates and times are a date input ("start", "end") and a time input
// ("start.time", "end.time") read in the event's zone ("timeZone") with
// seminar.WallTime, so a time that a daylight-saving change skips or
// repeats is a problem of its field. Lists (links, research and impact
// areas, reminder lists and schedule) are textareas of one entry a line;
// a problem with an entry names its line. Speakers are a block each, and
// one empty block to add another; an empty block is dropped.
//
// The edit form carries the Version it was made at ("version") and its
// values ("orig"). When someone else saved meanwhile, the save answers 409
// with what the other edit changed (a section with id "conflict") and the
// form at the current Version, holding the current event with the user's
// changes applied again; fields both changed keep the user's value and
// are flagged. Saving that form applies the user's changes.
//
// The cancel form needs a reason ("reason"). The send form sends the
// reminder now; one already sent for this version of the talk, or for a
// talk that has started, is sent again only when the user ticks "force".
// A Calendar without a Mailer shows that its worker sends reminders.
//
// # Caching
//
// Rendered pages, .ics and JSON are cached, with the event reads and month
// listings they are made of, until the calendar changes (a new change
// token, read at most once per Options.Poll, or at once after a write
// through the Calendar) and, for the upcoming talks, for a minute at most.
// Requests that differ only by what Authorize allows them share a
// rendering: each page is keyed by its authorization class, the actions
// allowed and the non-public events shown. Responses carry a strong ETag
// (If-None-Match gives 304) and are gzipped for clients that accept it,
// once compressed. Anonymous responses are "Cache-Control: public,
// no-cache" with "Vary: Accept-Encoding, Cookie, Authorization"; authorized
// ones are "private, no-store", and their ETags differ from anonymous ones.
//
// After a change, a page is made again from what changed: a month's listing
// is patched with the events written since it was read
// (seminar.Calendar.Changed; with a Store that is a seminar.LastMarker,
// Calendar.ChangedWithLast, whose last mark stands in for the change token,
// so one read tells whether and what), and read again in full only when the
// Store's marks show a write that those events do not account for (a
// delete, a series write, a talk written twice) or a Store gone back in
// time. Each talk of a listing is rendered once for as long as it reads the
// same: the HTML of talks is kept apart (a quarter of Options.CacheBytes),
// by what it shows, so a month of hundreds of talks of which one changed
// renders that one. An event's page takes the event from its month's
// listing, which it reads anyway.
//
// # JSON
//
// /events/{id}.json is an EventDocument and /events.json an EventsDocument;
// both carry "version" (JSONVersion), raised only when a field changes
// meaning or goes away. Field names are snake_case, every field is always
// present (empty strings and [] when unset), and times are RFC 3339 with
// the offset of "time_zone", the talk's IANA zone. They hold what the talk's
// page shows people, no settings. /events.json takes from and to, each a
// date (midnight in the calendar's zone) or an RFC 3339 time, and serves
// the talks overlapping [from, to), cancelled ones too, in order of start;
// from defaults to now and to to DefaultWindow after from. A window
// longer than Options.MaxSpan, reversed or malformed answers 400 with an
// ErrorDocument saying why. At most MaxJSONEvents are served; "truncated"
// says when more were left. See docs/web.md for an example.
package web
