package feed

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
	"github.com/seminarkit/seminar/ical"
)

// Handler is an http.Handler serving a Calendar's events as iCalendar
// feeds (text/calendar; charset=utf-8) for calendar clients to subscribe to:
//
//	GET /calendar.ics        every event
//	GET /series/{id}.ics     the events of one series, by its ID
//	GET /events/{id}.ics     one event
//
// An unknown series or event answers 404, and a series asked for by its
// name redirects to its ID's path (see the package documentation, Series).
// Public feeds hold public events only; a non-public event's own feed
// answers 404 there. The same paths under /private/{token} (see
// PrivatePath) serve every event, when Options.Secret is set. A wrong or
// missing token answers 404 too, so that a probe learns nothing.
//
// The calendar and series feeds hold the events overlapping a window around
// now (Options.Past, Future); the query parameters from and to, dates
// such as 2017-06-01 read in the Calendar's zone (seminar.Options.TimeZone),
// choose another one, to inclusive, at most Options.MaxSpan long; when
// only one is given the other is set to make the default window's length.
// A malformed or too long window answers 400 with the reason. Empty
// parameters count as absent; others are ignored.
//
// Bodies are cached per feed and window, plain and gzipped, until a write
// (through the Calendar at once, through another process within
// Options.Poll) or Options.MaxAge, so an unchanged poll costs no Store call
// and no encoding. Concurrent requests for a feed that is not
// cached wait for one build. Responses carry a strong ETag (the gzipped body
// has its own), Last-Modified, Cache-Control with the refresh interval as
// max-age, and Content-Disposition; conditional requests get 304 (RFC 9110:
// If-None-Match takes precedence over If-Modified-Since), HEAD gets the
// headers, and other methods get 405. The DTSTAMP of every event is the
// newest UpdatedAt of the feed rather than the build time, so a body built
// again with nothing changed has the same bytes and the same ETag.
//
// A Handler lists events through the Calendar only, and is safe for
// concurrent use.
type Handler struct {
	cal   *seminar.Calendar
	mux   *http.ServeMux
	loc   *time.Location // the Calendar's zone, for from and to
	cache *feedCache
	zones ical.ZoneCache // shared by every build, so each VTIMEZONE is made once

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
	poll               time.Duration // 0: every request reads the change token
	tokens             tokenPoller
	log                *slog.Logger
	now                func() time.Time

	// Header values made once; see headerValue.
	publicCacheControl, privateCacheControl, truncatedValue []string
}

// NewHandler returns a Handler serving the events of cal. It fails
// when an option is out of range.
func NewHandler(cal *seminar.Calendar, opts *Options) (*Handler, error) {
	if cal == nil {
		return nil, errors.New("feed: new handler: calendar is nil")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if err := checkOptions(&o); err != nil {
		return nil, fmt.Errorf("feed: new handler: %w", err)
	}
	h := &Handler{
		cal:          cal,
		mux:          http.NewServeMux(),
		name:         or(o.Name, DefaultName),
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
		maxAge:       orDuration(o.MaxAge, DefaultMaxAge),
		poll:         max(orDuration(o.Poll, DefaultPoll), 0),
		log:          o.Logger,
		now:          o.Now,
	}
	if len(o.Secret) > 0 {
		h.secret = append([]byte(nil), o.Secret...)
	}
	h.past = max(h.past, 0)
	h.span = orDuration(o.MaxSpan, max(DefaultMaxSpan, h.past+h.future))
	if h.span < h.past+h.future {
		return nil, fmt.Errorf("feed: new handler: max span %s is shorter than the default window (past %s, future %s)",
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
		cacheBytes = DefaultCacheBytes
	}
	h.cache = newFeedCache(cacheBytes)
	h.loc = cal.Location()
	maxAge := strconv.Itoa(int(h.refresh / time.Second))
	h.publicCacheControl = headerValue("public, max-age=" + maxAge)
	h.privateCacheControl = headerValue("private, max-age=" + maxAge)
	h.truncatedValue = headerValue(strconv.Itoa(h.maxEvents))
	h.routes()
	return h, nil
}

// ServeHTTP serves the feeds; see Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mux.ServeHTTP(w, r)
}

// routes registers GET (which also answers HEAD) only, so the mux answers
// other methods with 405 and an Allow header.
func (h *Handler) routes() {
	h.mux.HandleFunc("GET /calendar.ics", func(w http.ResponseWriter, r *http.Request) {
		h.serveFeed(w, r, Calendar(), false)
	})
	h.mux.HandleFunc("GET /series/{file}", func(w http.ResponseWriter, r *http.Request) {
		h.serveNamed(w, r, seriesFeed, false)
	})
	h.mux.HandleFunc("GET /events/{file}", func(w http.ResponseWriter, r *http.Request) {
		h.serveNamed(w, r, eventFeed, false)
	})
	h.mux.HandleFunc("GET /private/{token}/calendar.ics", func(w http.ResponseWriter, r *http.Request) {
		h.serveFeed(w, r, Calendar(), true)
	})
	h.mux.HandleFunc("GET /private/{token}/series/{file}", func(w http.ResponseWriter, r *http.Request) {
		h.serveNamed(w, r, seriesFeed, true)
	})
	h.mux.HandleFunc("GET /private/{token}/events/{file}", func(w http.ResponseWriter, r *http.Request) {
		h.serveNamed(w, r, eventFeed, true)
	})
}

// serveNamed serves a series or event feed, whose path segment is the
// unescaped ID followed by ".ics". ServeMux patterns cannot match a
// wildcard with a suffix in one segment, hence the cut here.
func (h *Handler) serveNamed(w http.ResponseWriter, r *http.Request, kind feedKind, private bool) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok || name == "" {
		http.NotFound(w, r)
		return
	}
	h.serveFeed(w, r, Feed{kind: kind, name: name}, private)
}

// errNoFeed is what a build returns for a series or event that is not
// there, or not to be shown on this route; it is answered 404 and never
// cached.
var errNoFeed = errors.New("feed: no such feed")

func (h *Handler) serveFeed(w http.ResponseWriter, r *http.Request, f Feed, private bool) {
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
	c := h.changes(r.Context())
	fresh := func(b *feedBody) bool { return h.fresh(b, c) }
	body, err := h.cache.get(r.Context(), key, fresh, func(ctx context.Context, prev *feedBody) (*feedBody, error) {
		return h.build(ctx, key, win, prev, c)
	})
	var moved *movedError
	switch {
	case errors.Is(err, errNoFeed):
		http.NotFound(w, r)
		return
	case errors.As(err, &moved):
		// Not http.Redirect, which resolves a relative path against
		// r.URL.Path: under http.StripPrefix that drops the prefix.
		w.Header().Set("Location", h.redirectPath(moved, private, r.URL.RawQuery))
		w.WriteHeader(http.StatusMovedPermanently)
		return
	case r.Context().Err() != nil:
		// The client is gone; nobody reads an answer.
		return
	case err != nil:
		// The feed's public path, never r.URL.Path: a private one holds
		// the token, which must not end up in logs.
		h.log.LogAttrs(r.Context(), slog.LevelError, "feed not built", slog.String("feed", f.Path()),
			slog.Bool("private", private), slog.Any("error", err))
		http.Error(w, "feed: the feed could not be built", http.StatusInternalServerError)
		return
	}
	h.write(w, r, body, private)
}
