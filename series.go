package seminar

import (
	"context"
	"crypto/sha256"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Series is a talk series: "Vision Seminar, Mondays 4 pm, 32-D507, to
// vision-meeting@". Its talks are events whose Series field holds the
// series' ID. Organizers plan a term of slots from a rule (Calendar.PlanSeries)
// and fill in speakers as they confirm.
type Series struct {
	// ID is the series' slug, made from its name when the series is created
	// ("Vision Seminar" is "vision-seminar") and never changed afterwards,
	// so that the URLs and feeds that name it keep working when the series
	// is renamed.
	ID          string
	Name        string
	Description string
	Contact     Person

	// Defaults are what a new talk of the series, and every planned slot,
	// starts from.
	Defaults SeriesDefaults

	// Plan is the rule the series' slots were last planned from, if any.
	Plan *Plan

	// Version is raised by every write, as an event's is.
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Clone returns a deep copy of s, sharing no slices or Plan with it.
func (s *Series) Clone() *Series {
	if s == nil {
		return nil
	}
	c := *s
	c.Defaults.Reminders.Lists = slices.Clone(s.Defaults.Reminders.Lists)
	c.Defaults.Reminders.Schedule = slices.Clone(s.Defaults.Reminders.Schedule)
	if s.Plan != nil {
		p := *s.Plan
		p.Except = slices.Clone(s.Plan.Except)
		c.Plan = &p
	}
	return &c
}

// SeriesDefaults are the facts a series' talks share unless a talk says
// otherwise.
type SeriesDefaults struct {
	Type     string
	Host     Person
	Location Location
	// TimeZone is the IANA zone the series meets in; its wall time is kept
	// across daylight-saving changes when slots are planned.
	TimeZone string
	// Duration is a talk's length.
	Duration  time.Duration
	Public    bool
	Reminders Reminders
}

// Plan is the recurrence a series' slots are planned from.
type Plan struct {
	// Start is the first slot's start. Its wall time in the series' zone is
	// every slot's wall time, whatever the offset on the slot's date.
	Start time.Time
	// Rule is an RFC 5545 RRULE value, such as
	// "FREQ=WEEKLY;BYDAY=MO;UNTIL=20171212T000000Z". It must end, by UNTIL
	// or COUNT.
	Rule string
	// Except lists the dates, read in the series' zone, with no talk
	// ("2017-10-09", a holiday).
	Except []string
}

// IsTBA reports whether e is a planned slot still "to be announced": it
// belongs to a series' plan and has no title or no speaker yet. Such a
// slot gets no reminder until both are filled in, and pages and feeds show
// it as to be announced.
func (e *Event) IsTBA() bool {
	return !e.Slot.IsZero() && (e.Title == "" || len(e.Speakers) == 0)
}

// SeriesStore is the capability of a Store that keeps series. Every store
// in this module implements it, and its transactions implement SeriesTx, so
// that a series and its talks are written in one atomic step. The rules are
// checked by store/storetest.
//
// A store keeps an event's Series as it is given, whether or not a series
// of that ID is stored: the Calendar checks the reference when it writes
// the event, and a store must not (no foreign key from events to series).
// Its methods follow the rules written on Store: safe for concurrent use,
// no memory shared with the store or the arguments, IDs compared exactly,
// times back as the same instants, and an error wrapping ctx.Err() for a
// done context.
type SeriesStore interface {
	// GetSeries returns the series with the given ID, or an error matching
	// ErrNotFound.
	GetSeries(ctx context.Context, id string) (*Series, error)
	// ListSeries returns every series, ordered by ID.
	ListSeries(ctx context.Context) ([]*Series, error)
}

// SeriesTx is the series part of a transaction (Tx) of a Store that
// implements SeriesStore. Its methods see what the transaction did before
// them, as Tx's do.
type SeriesTx interface {
	GetSeries(ctx context.Context, id string) (*Series, error)
	// CreateSeries stores s, or returns an error matching ErrExists when
	// its ID is already stored.
	CreateSeries(ctx context.Context, s *Series) error
	// UpdateSeries replaces the stored series with s.ID by s if, and only
	// if, the stored Version equals prevVersion; otherwise it returns an
	// error matching ErrNotFound or ErrConflict and changes nothing.
	UpdateSeries(ctx context.Context, s *Series, prevVersion int64) error
	// DeleteSeries removes the series with the given ID, or returns an
	// error matching ErrNotFound. The Calendar deletes only a series that
	// no event belongs to.
	DeleteSeries(ctx context.Context, id string) error
}

// Slug returns the URL name a series of that name gets: lower case ASCII
// letters and digits, words joined by "-", accents dropped ("Séminaire
// d'Algèbre" is "seminaire-d-algebre"). It returns "" for a name with no
// letter or digit.
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // a combining accent of the letter before it
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		default:
			dash = true
		}
	}
	return b.String()
}

// SlotID returns the ID of the slot of series planned to start at slot.
// A slot's ID is derived from its identity, as an iCalendar RECURRENCE-ID
// identifies an instance of a recurring event, so that planning again, or
// importing a recurring event again, finds the slot it made before.
func SlotID(series string, slot time.Time) string {
	sum := sha256.Sum256([]byte("slot\x00" + series + "\x00" + slot.UTC().Format(time.RFC3339)))
	return idEncoding.EncodeToString(sum[:16])
}
