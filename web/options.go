package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
)

// Action is what a request asks to do, as Options.Authorize is asked about
// it.
type Action string

// The actions Authorize decides. Public pages need none: anyone may see a
// public event.
const (
	// ActionView is seeing an event that is not public, on its own page
	// and in listings.
	ActionView Action = "view"
	// ActionCreate is adding an event; Authorize is given a nil event.
	ActionCreate Action = "create"
	// ActionEdit is editing an event. A request allowed to edit also
	// sees the event's settings on its page: whether it is public, the
	// reminder lists, schedule and subject, and who created it.
	ActionEdit Action = "edit"
	// ActionCancel is cancelling an event.
	ActionCancel Action = "cancel"
	// ActionPreview is seeing the reminder email as it will be sent.
	ActionPreview Action = "preview"
	// ActionSend is sending the reminder now.
	ActionSend Action = "send"
)

// Defaults of Options; each field's comment says how it is used.
const (
	DefaultTitle      = "Seminars"
	DefaultLang       = "en"
	DefaultPoll       = time.Second
	DefaultMaxBody    = 1 << 20
	DefaultMaxSpan    = 366 * 24 * time.Hour
	DefaultWindow     = 90 * 24 * time.Hour
	DefaultUpcoming   = 100
	DefaultCacheBytes = 32 << 20
)

// Options configures a Handler. The zero value, and a nil *Options, mean
// the defaults written on each field: a read-only site of the public
// events.
type Options struct {
	// Authorize decides whether the request r may take action a on event
	// e (nil for ActionCreate): nil allows it, any error denies it. The
	// error is logged at debug level and never shown. It is called for
	// each write, for each action button a page may show, and, on
	// listings, for each event that is not public, so it should be cheap:
	// read a session the host's middleware put in r's context, say.
	// A nil Authorize denies every write and every non-public event.
	Authorize func(r *http.Request, a Action, e *seminar.Event) error
	// User names the person making r, recorded as CreatedBy on the events
	// they create. Default: none.
	User func(r *http.Request) string

	// Title is the site's name, shown on every page. Default DefaultTitle.
	Title string
	// Lang is the language of the pages, the lang attribute of <html>.
	// Default DefaultLang.
	Lang string
	// BaseURL is the absolute URL the Handler is mounted at, such as
	// "https://talks.example.edu/seminars/". Pages link relatively and do
	// not need it; when set, it gives the url of each event in JSON and
	// .ics and the link back in "add to calendar" details. It is never
	// taken from the request's Host header, which a client chooses.
	BaseURL string

	// Poll is how often the Calendar's change token is read. Every page is
	// cached until the token moves, and reading it is a database query on
	// SQLite and PostgreSQL, so requests share one reading for Poll: a
	// write by another process (or another Calendar on the same Store)
	// shows within Poll. Writes made through this Handler's Calendar, by
	// the Handler or any other code, show at once (see
	// seminar.Calendar.WriteCount). A negative Poll reads the token on
	// every request. Default DefaultPoll.
	Poll time.Duration
	// MaxBody caps a request body; a larger one is answered 413. Default
	// DefaultMaxBody.
	MaxBody int64
	// MaxSpan is the longest window /events.json serves. Default
	// DefaultMaxSpan.
	MaxSpan time.Duration
	// Upcoming is how many talks the home page and series pages list.
	// Default DefaultUpcoming.
	Upcoming int
	// CacheBytes bounds the memory of cached pages and listings; the
	// least recently used go first. A quarter of it holds the HTML of the
	// talks listings show, which outlives changes of the calendar (see
	// Caching in the package documentation). Default DefaultCacheBytes.
	CacheBytes int64

	// Logger receives errors that pages answer with a generic message,
	// and each write. Default: discard.
	Logger *slog.Logger
	// Now is the clock that decides which talks are upcoming. Default
	// time.Now.
	Now func() time.Time
}

// settings are Options with the defaults filled in and checked.
type settings struct {
	Options
	base *url.URL // nil without BaseURL
}

func newSettings(opts *Options) (*settings, error) {
	s := &settings{}
	if opts != nil {
		s.Options = *opts
	}
	o := &s.Options
	if o.Title == "" {
		o.Title = DefaultTitle
	}
	if o.Lang == "" {
		o.Lang = DefaultLang
	}
	if !validLang(o.Lang) {
		return nil, fmt.Errorf("lang %q is not a language tag such as en or en-GB", o.Lang)
	}
	if o.BaseURL != "" {
		u, err := url.Parse(o.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("base URL %q is not an absolute http or https URL without query", o.BaseURL)
		}
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
			u.RawPath = ""
		}
		s.base = u
	}
	switch {
	case o.Poll == 0:
		o.Poll = DefaultPoll
	case o.Poll < 0:
		o.Poll = 0
	}
	for _, c := range []struct {
		name string
		bad  bool
	}{
		{"max body", o.MaxBody < 0},
		{"max span", o.MaxSpan < 0},
		{"upcoming", o.Upcoming < 0 || o.Upcoming > seminar.MaxPageSize},
		{"cache bytes", o.CacheBytes < 0},
	} {
		if c.bad {
			return nil, fmt.Errorf("%s is out of range", c.name)
		}
	}
	if o.MaxBody == 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.MaxSpan == 0 {
		o.MaxSpan = DefaultMaxSpan
	}
	if o.Upcoming == 0 {
		o.Upcoming = DefaultUpcoming
	}
	if o.CacheBytes == 0 {
		o.CacheBytes = DefaultCacheBytes
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return s, nil
}

// validLang accepts the shape of a BCP 47 tag: letters, digits and
// hyphens, starting with a letter.
func validLang(s string) bool {
	if len(s) > 35 || s == "" || !isLetter(s[0]) {
		return false
	}
	for i := range len(s) {
		if c := s[i]; !isLetter(c) && !(c >= '0' && c <= '9') && c != '-' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
