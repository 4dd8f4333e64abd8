package feed

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/seminarkit/seminar"
)

// Feed defaults; Options documents each.
const (
	DefaultName            = "Seminars"
	DefaultRefreshInterval = time.Hour
	DefaultPast            = 30 * 24 * time.Hour
	DefaultFuture          = 365 * 24 * time.Hour
	DefaultMaxSpan         = 731 * 24 * time.Hour
	DefaultMaxEvents       = 1000
	DefaultCancelledGrace  = 30 * 24 * time.Hour
	DefaultMaxAge          = time.Minute
	DefaultPoll            = time.Second
	DefaultCacheBytes      = 64 << 20
)

// Options configures a Handler. The zero value, and a nil *Options, mean
// the defaults written on each field.
type Options struct {
	// Name is the calendar name subscribers see (NAME and X-WR-CALNAME) for
	// the whole-calendar feed. Default DefaultName. A series feed is
	// named after its series' Name and an event feed after its title.
	Name string
	// Description is the calendar description (DESCRIPTION and
	// X-WR-CALDESC) of every feed but that of a series with a Description
	// of its own; none by default.
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
	// Encoder: see ical.EncodeOptions.
	EventURL     func(e *seminar.Event) string
	Organizer    seminar.Person
	HideContact  bool
	Participants bool

	// Secret is the HMAC-SHA256 key of private feeds, which hold the events
	// that are not public too, under /private/{token}/; see
	// Handler.PrivatePath. It must be at least MinSecretLen bytes. When
	// it is empty, private feeds are off and their paths answer 404.
	Secret []byte

	// MaxAge is how long a built feed body is served without being built
	// again, unless a write invalidates it sooner: see Poll. On a Store
	// that does not implement seminar.ChangeTracker, writes that other
	// processes make show after at most MaxAge, as they do when the change
	// token cannot be read. Default DefaultMaxAge.
	MaxAge time.Duration
	// Poll is how often Calendar.ChangeToken is read. It follows the
	// writes of every process on a Store that implements
	// seminar.ChangeTracker (every store in this module does), and reading
	// it is a database query on SQLite and PostgreSQL, so requests share
	// one reading for Poll: a write by another process (or another
	// Calendar on the same Store) shows within Poll. Writes made through
	// this Handler's Calendar show at once (see
	// seminar.Calendar.WriteCount). A negative Poll reads the token for
	// every request: requests that arrive while a read is under way share
	// the next one. When the token cannot be read, cached bodies are
	// served (up to MaxAge) and it is read again after Poll. Poll is
	// measured on the Now clock. Default DefaultPoll.
	Poll time.Duration
	// CacheBytes bounds the memory of cached bodies, plain and gzipped
	// together; the least recently served are dropped first, and the body
	// just built is always kept. Default DefaultCacheBytes.
	CacheBytes int64

	// Logger receives a record for each feed that could not be built (the
	// client gets a 500). Default: discard.
	Logger *slog.Logger
	// Now is the clock of the window, the cancelled grace, MaxAge and Poll.
	// Default time.Now.
	Now func() time.Time
}

// checkOptions refuses values that have no sensible reading. Negative
// Past and CancelledGrace are allowed: they mean "none".
func checkOptions(o *Options) error {
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
