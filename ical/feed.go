package ical

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
)

// Feed defaults; FeedOptions documents each.
const (
	DefaultFeedName        = "Seminars"
	DefaultRefreshInterval = time.Hour
	DefaultPast            = 30 * 24 * time.Hour
	DefaultFuture          = 365 * 24 * time.Hour
	DefaultMaxSpan         = 731 * 24 * time.Hour
	DefaultMaxEvents       = 1000
	DefaultCancelledGrace  = 30 * 24 * time.Hour
	DefaultFeedMaxAge      = time.Minute
	DefaultFeedCacheBytes  = 64 << 20
)

// FeedOptions configures a FeedHandler. The zero value, and a nil
// *FeedOptions, mean the defaults written on each field.
type FeedOptions struct {
	// Name is the calendar name subscribers see (NAME and X-WR-CALNAME) for
	// the whole-calendar feed. Default DefaultFeedName. A series feed is
	// named after its series and an event feed after its title.
	Name string
	// Description is the calendar description (DESCRIPTION and
	// X-WR-CALDESC) of every feed; none by default.
	Description string
	// RefreshInterval is how often subscribers should poll: it is written as
	// REFRESH-INTERVAL and X-PUBLISHED-TTL, and as the max-age of
	// Cache-Control. Default DefaultRefreshInterval.
	RefreshInterval time.Duration

	// Past and Future bound the window of events a feed holds, from Past
	// before now to Future after it. Clients delete an event that leaves
	// the window from their copy, so Past keeps recent talks visible.
	// Defaults DefaultPast and DefaultFuture; a negative Past means none:
	// the window starts now. The window is taken at the time a feed body is
	// built, so it moves in steps of at most MaxAge.
	Past, Future time.Duration
	// MaxSpan is the longest window a request may ask for with the from
	// and to query parameters. Default the larger of DefaultMaxSpan and
	// Past+Future.
	MaxSpan time.Duration
	// MaxEvents caps the events of one feed, because clients drop feeds
	// that are too large (Google Calendar gives up at a few thousand
	// events). The cap keeps the earliest events of the window; a
	// truncated response carries the header "Feed-Truncated: <MaxEvents>".
	// Default DefaultMaxEvents.
	MaxEvents int
	// CancelledGrace is how long a cancelled event stays in the feeds, as
	// STATUS:CANCELLED, after its last write (the cancellation, unless it
	// was edited since): subscribers' calendars learn of the cancellation
	// instead of losing the event silently. Default DefaultCancelledGrace;
	// a negative value drops cancelled events at once. An event feed
	// (/events/{id}.ics) always serves its event, cancelled or not.
	CancelledGrace time.Duration
	// CancelledPrefix prefixes the titles of cancelled events with
	// "Cancelled: ", for clients such as Google Calendar that hide
	// cancelled events instead of showing them struck through.
	CancelledPrefix bool

	// EventURL, Organizer, HideContact and Participants are handed to the
	// Encoder: see EncodeOptions.
	EventURL     func(e *seminar.Event) string
	Organizer    seminar.Person
	HideContact  bool
	Participants bool

	// Secret is the HMAC-SHA256 key of private feeds, which hold the events
	// that are not public too, under /private/{token}/; see
	// FeedHandler.PrivatePath. It must be at least MinSecretLen bytes. When
	// it is empty, private feeds are off and their paths answer 404.
	Secret []byte

	// MaxAge is how long a built feed body is served without being built
	// again, unless a write through the Calendar (Calendar.Changes)
	// invalidates it sooner. Writes that other processes make to a shared
	// Store show after at most MaxAge. Default DefaultFeedMaxAge.
	MaxAge time.Duration
	// CacheBytes bounds the memory of cached bodies, plain and gzipped
	// together; the least recently served are dropped first, and the body
	// just built is always kept. Default DefaultFeedCacheBytes.
	CacheBytes int64

	// Logger receives a record for each feed that could not be built (the
	// client gets a 500). Default: discard.
	Logger *slog.Logger
	// Now is the clock of the window, the cancelled grace and MaxAge.
	// Default time.Now.
	Now func() time.Time
}

// FeedHandler is an http.Handler serving a Calendar's events as iCalendar
// feeds (text/calendar; charset=utf-8) for calendar clients to subscribe to:
//
//	GET /calendar.ics        every event
//	GET /series/{name}.ics   the events of one series (name path-escaped)
//	GET /events/{id}.ics     one event
//
// Public feeds hold public events only; a non-public event's own feed
// answers 404 there. The same paths under /private/{token} (see
// PrivatePath) serve every event, when FeedOptions.Secret is set. A wrong or
// missing token answers 404 too, so that a probe learns nothing.
//
// The calendar and series feeds hold the events overlapping a window around
// now (FeedOptions.Past, Future); the query parameters from and to, dates
// such as 2017-06-01 read in the Calendar's zone (seminar.Options.TimeZone),
// choose another one, to inclusive, at most FeedOptions.MaxSpan long; when
// only one is given the other is set to make the default window's length.
// A malformed or too long window answers 400 with the reason. Empty
// parameters count as absent; others are ignored.
//
// Bodies are cached per feed and window, plain and gzipped, until a write
// through the Calendar or FeedOptions.MaxAge, so an unchanged poll costs no
// Store call and no encoding. Concurrent requests for a feed that is not
// cached wait for one build. Responses carry a strong ETag (the gzipped body
// has its own), Last-Modified, Cache-Control with the refresh interval as
// max-age, and Content-Disposition; conditional requests get 304 (RFC 9110:
// If-None-Match takes precedence over If-Modified-Since), HEAD gets the
// headers, and other methods get 405. The DTSTAMP of every event is the
// newest UpdatedAt of the feed rather than the build time, so a body built
// again with nothing changed has the same bytes and the same ETag.
//
// A FeedHandler lists events through the Calendar only, and is safe for
// concurrent use.
type FeedHandler struct {
	cal   *seminar.Calendar
	mux   *http.ServeMux
	loc   *time.Location // the Calendar's zone, for from and to
	cache *feedCache
	zones ZoneCache // shared by every build, so each VTIMEZONE is made once

	name, description  string
	refresh            time.Duration
	past, future, span time.Duration
	maxEvents          int
	grace              time.Duration
	prefix             bool
	eventURL           func(e *seminar.Event) string
	organizer          seminar.Person
	hideContact        bool
	participants       bool
	secret             []byte
	maxAge             time.Duration
	log                *slog.Logger
	now                func() time.Time

	publicCacheControl, privateCacheControl string
}

// NewFeedHandler returns a FeedHandler serving the events of cal. It fails
// when an option is out of range.
func NewFeedHandler(cal *seminar.Calendar, opts *FeedOptions) (*FeedHandler, error) {
	if cal == nil {
		return nil, errors.New("ical: new feed handler: calendar is nil")
	}
	var o FeedOptions
	if opts != nil {
		o = *opts
	}
	if err := checkFeedOptions(&o); err != nil {
		return nil, fmt.Errorf("ical: new feed handler: %w", err)
	}
	h := &FeedHandler{
		cal:          cal,
		mux:          http.NewServeMux(),
		name:         or(o.Name, DefaultFeedName),
		description:  o.Description,
		refresh:      orDuration(o.RefreshInterval, DefaultRefreshInterval),
		past:         orDuration(o.Past, DefaultPast),
		future:       orDuration(o.Future, DefaultFuture),
		maxEvents:    o.MaxEvents,
		grace:        orDuration(o.CancelledGrace, DefaultCancelledGrace),
		prefix:       o.CancelledPrefix,
		eventURL:     o.EventURL,
		organizer:    o.Organizer,
		hideContact:  o.HideContact,
		participants: o.Participants,
		maxAge:       orDuration(o.MaxAge, DefaultFeedMaxAge),
		log:          o.Logger,
		now:          o.Now,
	}
	if len(o.Secret) > 0 {
		h.secret = append([]byte(nil), o.Secret...)
	}
	h.past = max(h.past, 0)
	h.span = orDuration(o.MaxSpan, max(DefaultMaxSpan, h.past+h.future))
	if h.span < h.past+h.future {
		return nil, fmt.Errorf("ical: new feed handler: max span %s is shorter than the default window (past %s, future %s)",
			h.span, h.past, h.future)
	}
	if h.maxEvents == 0 {
		h.maxEvents = DefaultMaxEvents
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	cacheBytes := o.CacheBytes
	if cacheBytes == 0 {
		cacheBytes = DefaultFeedCacheBytes
	}
	h.cache = newFeedCache(cacheBytes)
	h.loc = cal.Location()
	maxAge := strconv.Itoa(int(h.refresh / time.Second))
	h.publicCacheControl = "public, max-age=" + maxAge
	h.privateCacheControl = "private, max-age=" + maxAge
	h.routes()
	return h, nil
}

// checkFeedOptions refuses values that have no sensible reading. Negative
// Past and CancelledGrace are allowed: they mean "none".
func checkFeedOptions(o *FeedOptions) error {
	for _, d := range []struct {
		name  string
		value time.Duration
	}{
		{"refresh interval", o.RefreshInterval},
		{"future", o.Future},
		{"max span", o.MaxSpan},
		{"max age", o.MaxAge},
	} {
		if d.value < 0 {
			return fmt.Errorf("%s %s is negative", d.name, d.value)
		}
	}
	if o.RefreshInterval != 0 && o.RefreshInterval < time.Second {
		return fmt.Errorf("refresh interval %s is shorter than a second", o.RefreshInterval)
	}
	if o.MaxEvents < 0 {
		return fmt.Errorf("max events %d is negative", o.MaxEvents)
	}
	if o.CacheBytes < 0 {
		return fmt.Errorf("cache bytes %d is negative", o.CacheBytes)
	}
	if len(o.Secret) > 0 && len(o.Secret) < MinSecretLen {
		return fmt.Errorf("secret is %d bytes, shorter than %d", len(o.Secret), MinSecretLen)
	}
	return nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func orDuration(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// ServeHTTP serves the feeds; see FeedHandler.
func (h *FeedHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mux.ServeHTTP(w, r)
}

// routes registers GET (which also answers HEAD) only, so the mux answers
// other methods with 405 and an Allow header.
func (h *FeedHandler) routes() {
	h.mux.HandleFunc("GET /calendar.ics", func(w http.ResponseWriter, r *http.Request) {
		h.serveFeed(w, r, CalendarFeed(), false)
	})
	h.mux.HandleFunc("GET /series/{file}", func(w http.ResponseWriter, r *http.Request) {
		h.serveNamed(w, r, seriesFeed, false)
	})
	h.mux.HandleFunc("GET /events/{file}", func(w http.ResponseWriter, r *http.Request) {
		h.serveNamed(w, r, eventFeed, false)
	})
	h.mux.HandleFunc("GET /private/{token}/calendar.ics", func(w http.ResponseWriter, r *http.Request) {
		h.serveFeed(w, r, CalendarFeed(), true)
	})
	h.mux.HandleFunc("GET /private/{token}/series/{file}", func(w http.ResponseWriter, r *http.Request) {
		h.serveNamed(w, r, seriesFeed, true)
	})
	h.mux.HandleFunc("GET /private/{token}/events/{file}", func(w http.ResponseWriter, r *http.Request) {
		h.serveNamed(w, r, eventFeed, true)
	})
}

// serveNamed serves a series or event feed, whose path segment is the
// unescaped name followed by ".ics". ServeMux patterns cannot match a
// wildcard with a suffix in one segment, hence the cut here.
func (h *FeedHandler) serveNamed(w http.ResponseWriter, r *http.Request, kind feedKind, private bool) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok || name == "" {
		http.NotFound(w, r)
		return
	}
	h.serveFeed(w, r, Feed{kind: kind, name: name}, private)
}

// errNoFeed is what a build returns for an event that is not there, or not
// to be shown on this route; it is answered 404 and never cached.
var errNoFeed = errors.New("ical: no such feed")

func (h *FeedHandler) serveFeed(w http.ResponseWriter, r *http.Request, f Feed, private bool) {
	if private && !h.tokenOpens(r.PathValue("token"), f) {
		http.NotFound(w, r)
		return
	}
	key := feedKey{kind: f.kind, name: f.name, private: private}
	var win window
	if f.kind != eventFeed {
		var err error
		if win, err = h.parseWindow(r.URL.Query()); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		key.from, key.to = win.key()
	}
	body, err := h.cache.get(r.Context(), key, h.fresh, func(ctx context.Context, prev *feedBody) (*feedBody, error) {
		return h.build(ctx, key, win, prev)
	})
	switch {
	case errors.Is(err, errNoFeed):
		http.NotFound(w, r)
		return
	case r.Context().Err() != nil:
		// The client is gone; nobody reads an answer.
		return
	case err != nil:
		// The feed's public path, never r.URL.Path: a private one holds
		// the token, which must not end up in logs.
		h.log.LogAttrs(r.Context(), slog.LevelError, "feed not built", slog.String("feed", f.Path()),
			slog.Bool("private", private), slog.Any("error", err))
		http.Error(w, "ical: the feed could not be built", http.StatusInternalServerError)
		return
	}
	h.write(w, r, body, private)
}

// fresh reports whether a cached body may be served as it is: no write went
// through the Calendar since it was built, and it is younger than MaxAge.
func (h *FeedHandler) fresh(b *feedBody) bool {
	return b.changes == h.cal.Changes() && h.now().Sub(b.built) < h.maxAge
}
