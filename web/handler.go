package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
)

// Handler is the web site of a Calendar: an http.Handler with the pages,
// .ics and JSON of its events and the forms that write them. Make one with
// New; it is safe for concurrent use and holds no global state. Mount it at
// the root or under a prefix:
//
//	mux.Handle("/talks/", http.StripPrefix("/talks", h))
//
// Pages link relatively, so they work under any prefix.
type Handler struct {
	cal       *seminar.Calendar
	authorize func(r *http.Request, a Action, e *seminar.Event) error
	user      func(r *http.Request) string
	site      string
	lang      string
	base      string // BaseURL with a trailing slash, or empty
	maxBody   int64
	maxSpan   time.Duration
	upcoming  int
	log       *slog.Logger
	now       func() time.Time
	loc       *time.Location
	style     seminar.Style

	changes *changes
	cache   *cache
	// patched counts the month listings patched with a delta rather than
	// read in full (see Handler.month).
	patched atomic.Uint64
	// talkCache holds the HTML of talks in listings (see talks.go).
	talkCache *talkCache
	icsZones  ical.ZoneCache
	gzip      gzipper
	pages     *templates
	shells    shells // of the event page (see shell.go)

	mux   *http.ServeMux
	serve http.Handler // the mux behind cross-origin protection
	// security are the headers of every response, made once.
	security http.Header
}

// New returns the web site of cal. It fails when an option is out of range.
func New(cal *seminar.Calendar, opts *Options) (*Handler, error) {
	if cal == nil {
		return nil, errors.New("web: new handler: calendar is nil")
	}
	s, err := newSettings(opts)
	if err != nil {
		return nil, fmt.Errorf("web: new handler: %w", err)
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, fmt.Errorf("web: new handler: %w", err)
	}
	h := &Handler{
		cal:       cal,
		authorize: s.Authorize,
		user:      s.User,
		site:      s.Title,
		lang:      s.Lang,
		maxBody:   s.MaxBody,
		maxSpan:   s.MaxSpan,
		upcoming:  s.Upcoming,
		log:       s.Logger,
		now:       s.Now,
		loc:       cal.Location(),
		style:     cal.Style(),
		changes:   &changes{cal: cal, every: s.Poll, log: s.Logger},
		cache:     newCache(s.CacheBytes - s.CacheBytes/4),
		talkCache: newTalkCache(s.CacheBytes / 4),
		pages:     pages,
	}
	if s.base != nil {
		h.base = s.base.String()
	}
	h.mux = http.NewServeMux()
	h.routes(h.mux)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.failWith(w, r, http.StatusForbidden, crossOriginMessage, nil)
	}))
	h.serve = cop.Handler(h.mux)
	h.security = http.Header{
		"Content-Security-Policy": {contentSecurityPolicy},
		"X-Content-Type-Options":  {"nosniff"},
		"Referrer-Policy":         {"same-origin"},
		"X-Frame-Options":         {"SAMEORIGIN"},
	}
	return h, nil
}

// routes registers every route. GET patterns answer HEAD too; the mux
// answers other methods with 405.
func (h *Handler) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", h.serveHome)
	mux.HandleFunc("GET /months/{month}", h.serveMonth)
	mux.HandleFunc("GET /series/{id}", h.serveSeries)
	mux.HandleFunc("GET /events.json", h.serveEventsJSON)
	mux.HandleFunc("GET /events/{file}", h.serveEvent)

	mux.HandleFunc("GET /events/new", h.serveNew)
	mux.HandleFunc("POST /events", h.create)
	mux.HandleFunc("GET /events/{id}/edit", h.serveEdit)
	mux.HandleFunc("POST /events/{id}/edit", h.update)
	mux.HandleFunc("GET /events/{id}/cancel", h.serveCancel)
	mux.HandleFunc("POST /events/{id}/cancel", h.cancel)
	mux.HandleFunc("GET /events/{id}/preview", h.servePreview)
	mux.HandleFunc("GET /events/{id}/send", h.serveSend)
	mux.HandleFunc("POST /events/{id}/send", h.send)

	mux.HandleFunc("/", h.serveMiss)
}

// contentSecurityPolicy allows the page's own <style> and inline styles
// (the reminder preview's HTML is styled inline), images from anywhere on
// https (speaker photos), forms posting back here, and no scripts at all.
// A srcdoc frame (the preview) inherits the policy, and Chromium checks it
// against both frame-src and the inherited frame-ancestors: 'none' in
// either leaves the preview blank. So frames are allowed from this origin
// only: other sites still cannot frame the pages.
const contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: https:; " +
	"frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'"

// ServeHTTP serves the site; see the package documentation for the
// routes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	for name, value := range h.security {
		hd[name] = value // canonical names; a later Add copies the value
	}
	if r.Body != nil && r.Body != http.NoBody && r.Method != http.MethodGet && r.Method != http.MethodHead {
		r.Body = http.MaxBytesReader(w, r.Body, h.maxBody)
	}
	h.serve.ServeHTTP(w, r)
}

// serveMiss answers what no route matches with the site's error page: 405
// with Allow when the path has routes for other methods, 404 otherwise.
// (The mux's own answers are plain text.)
func (h *Handler) serveMiss(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := h.mux.Handler(probe); pattern != "/" {
			allow = append(allow, m)
			if m == http.MethodGet {
				allow = append(allow, http.MethodHead)
			}
		}
	}
	if len(allow) == 0 {
		h.fail(w, r, http.StatusNotFound, nil)
		return
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	h.fail(w, r, http.StatusMethodNotAllowed, nil)
}

// fail answers with the error page of status. err, if any, is logged and
// never shown: the page says only what the status means.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	h.failWith(w, r, status, statusMessage(status), err)
}

// crossOriginMessage is what a form posted from another site's page is
// answered with (403, as a request not allowed, but for another reason).
const crossOriginMessage = "This form was sent from a page of another site, and this site takes its forms only from its own pages. " +
	"If you came here from another site, open this site directly and try again."

// failWith is fail with a message of its own for the status.
func (h *Handler) failWith(w http.ResponseWriter, r *http.Request, status int, message string, err error) {
	if err != nil && r.Context().Err() == nil {
		h.log.LogAttrs(r.Context(), slog.LevelError, "web: request failed", slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.Int("status", status), slog.Any("error", err))
	}
	hd := w.Header()
	hd.Del("Etag")
	hd.Del("Content-Encoding")
	hd.Del("Content-Length")
	hd.Set("Cache-Control", privateCacheControl)
	h.render(w, r, status, "error", &errorPage{
		layout:  h.layout(r, viewer{h: h, r: r}, statusTitle(status), ""),
		Status:  status,
		Message: message,
	})
}

// errorPage is the data of the error page.
type errorPage struct {
	layout
	Status  int
	Message string
}

func statusTitle(status int) string {
	switch status {
	case http.StatusNotFound:
		return "Page not found"
	case http.StatusForbidden:
		return "Not allowed"
	case http.StatusRequestEntityTooLarge:
		return "Too much data"
	}
	return http.StatusText(status)
}

func statusMessage(status int) string {
	switch status {
	case http.StatusNotFound:
		return "There is no page at this address. The talk may have been removed, or the link may be mistyped."
	case http.StatusForbidden:
		return "You are not allowed to do this. If you think you should be, sign in, or ask whoever runs this site."
	case http.StatusMethodNotAllowed:
		return "This page cannot be used that way."
	case http.StatusRequestEntityTooLarge:
		return "The form sent more data than this site accepts."
	case http.StatusBadRequest:
		return "The request could not be understood."
	case http.StatusServiceUnavailable:
		return "The site cannot do this right now. Please try again later."
	}
	return "Something went wrong on our side. Please try again later."
}

// rootOf returns the relative URL of the site's root from path, so that
// pages link correctly wherever the Handler is mounted: "./" from "/",
// "../" from "/months/2017-06", "../../" from "/events/x/edit".
func rootOf(path string) string {
	depth := strings.Count(path, "/") - 1
	if depth <= 0 {
		return "./"
	}
	return strings.Repeat("../", depth)
}
