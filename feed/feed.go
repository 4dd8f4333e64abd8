package feed

import "net/url"

// Feed names one feed of a Handler: the whole calendar, one series or one
// event. Make it with Calendar, Series or Event.
type Feed struct {
	kind feedKind
	name string // the series or event ID
}

type feedKind uint8

const (
	calendarFeed feedKind = iota
	seriesFeed
	eventFeed
)

// Calendar is the feed of the whole calendar, served at /calendar.ics.
func Calendar() Feed { return Feed{kind: calendarFeed} }

// Series is the feed of the series with the given ID (seminar.Series.ID,
// "vision-seminar"), served at /series/{id}.ics. With a Store that keeps no
// series, id is the free-text Series of the events.
func Series(id string) Feed { return Feed{kind: seriesFeed, name: id} }

// Event is the feed of the event with the given ID, served at
// /events/{id}.ics.
func Event(id string) Feed { return Feed{kind: eventFeed, name: id} }

// Path returns the public path of the feed relative to the Handler, with
// the series or event ID escaped: "/series/vision-seminar.ics", or
// "/series/Vision%20Seminar.ics" for a free-text series.
func (f Feed) Path() string {
	switch f.kind {
	case seriesFeed:
		return "/series/" + url.PathEscape(f.name) + ".ics"
	case eventFeed:
		return "/events/" + url.PathEscape(f.name) + ".ics"
	}
	return "/calendar.ics"
}

// valid reports whether the feed names something: a series or event feed
// with an empty name would otherwise read as the whole calendar to List.
func (f Feed) valid() bool { return f.kind == calendarFeed || f.name != "" }
