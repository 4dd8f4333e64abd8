// Package feed serves a seminar.Calendar's events over HTTP as iCalendar
// feeds (text/calendar; charset=utf-8) that calendar clients subscribe to.
// It owns the service: routes, privacy, caching, windows and caps. The
// bodies are written by package github.com/seminarkit/seminar/ical, which
// owns the format. A Handler is made by NewHandler with an *Options whose
// zero value means the defaults, holds no global state, and mounts under
// any prefix with http.StripPrefix.
//
// # Routes
//
// Relative to the Handler, and GET or HEAD only (other methods get 405):
//
//	/calendar.ics                  every event
//	/series/{id}.ics               the events of one series, by its ID ("vision-seminar")
//	/events/{id}.ics               one event
//	/private/{token}/...           the same three, with the events that are not public
//
// Feed names a feed, and Feed.Path and Handler.PrivatePath give its paths.
// Every body is METHOD:PUBLISH, named (NAME and X-WR-CALNAME) after the
// calendar (Options.Name), the series (its Name, read with
// seminar.Calendar.GetSeries) or the event, with REFRESH-INTERVAL and
// X-PUBLISHED-TTL from Options.RefreshInterval.
//
// # Series
//
// A series feed holds the talks of one stored series, each its own VEVENT.
// Its description (DESCRIPTION and X-WR-CALDESC) is the series'
// Description, or Options.Description when that is empty. An ID that names
// no series answers 404; a series with no talks in the window is an empty
// calendar, so that a subscription made before the term is planned keeps
// working. Renaming a series moves the Calendar's change token, so the next
// poll gets the new name and a new ETag. A feed asked for by a series'
// Name, as its path read before series had IDs ("/series/Vision%20Seminar.ics"),
// is redirected (301) to the path of its ID, a private one with the new
// feed's token. With a Store that keeps no series (no
// seminar.SeriesStore), {id} is the free-text Series the events share, as
// before.
//
// A planned slot still to be announced (seminar.Event.IsTBA) that has no
// title is titled after its series, "Vision Seminar: to be announced" (or
// seminar.ToBeAnnounced when its series is not stored), in every feed; the
// encoder writes it STATUS:TENTATIVE, and its DESCRIPTION says
// "Speaker: to be announced" until one is set.
//
// # Privacy
//
// Public paths serve public events only: a non-public event's own feed
// answers 404 there. Private feeds sit behind a token,
// base64url(HMAC-SHA256(Options.Secret, feed)), that opens one feed only and
// cannot be forged without the Secret; a new Secret revokes every link. A
// wrong or missing token answers 404, as does every private path when no
// Secret is set, and the token is never logged. Private responses are
// Cache-Control: private, so that shared caches keep nothing they opened.
//
// # Caching
//
// Built bodies are cached per feed and window, plain and gzipped, within
// Options.CacheBytes, until the Calendar's change token moves (a write by
// any process sharing a Store that implements seminar.ChangeTracker) or
// Options.MaxAge passes. Requests share one reading of the token for
// Options.Poll (a write through the Handler's own Calendar shows at once),
// so an unchanged poll costs no Store call, no listing and no encoding;
// concurrent requests for a body not cached wait for one build. Responses carry a
// strong ETag (the gzipped body has its own), Last-Modified and
// Cache-Control with the refresh interval as max-age; If-None-Match and
// If-Modified-Since get 304 as RFC 9110 says. Clients that accept gzip get
// the gzipped body. DTSTAMP is the feed's newest UpdatedAt, so a body built
// again with nothing changed has the same bytes and the same ETag.
//
// # Windows and caps
//
// The calendar and series feeds hold the events overlapping a window from
// Options.Past before now to Options.Future after it; the query parameters
// from and to (dates such as 2017-06-01 in the Calendar's zone) choose
// another, at most Options.MaxSpan long, and a malformed one answers 400.
// A feed holds at most Options.MaxEvents events, the earliest, because
// clients drop feeds that are too large; a truncated one says so in the
// header Feed-Truncated. Cancelled events stay for Options.CancelledGrace as
// STATUS:CANCELLED, so that subscribers learn of the cancellation instead of
// losing the event silently. An event feed has no window and always serves
// its event.
package feed
