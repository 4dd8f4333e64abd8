package feed

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
)

// build lists the events of the feed key names and encodes them into a body
// ready to serve. prev is the body it replaces, if any, for Last-Modified.
// c was read before the build lists anything: a write that lands during the
// build leaves the body stale rather than hiding behind it.
func (h *Handler) build(ctx context.Context, key feedKey, win window, prev *feedBody, c changes) (*feedBody, error) {
	b := &feedBody{gen: c.gen, built: h.now()}
	var (
		events []*seminar.Event
		series *seminar.Series // of a series feed, when the Store keeps series
		err    error
	)
	switch key.kind {
	case eventFeed:
		events, err = h.event(ctx, key)
	case seriesFeed:
		if series, err = h.seriesOf(ctx, key.name); err == nil {
			events, b.truncated, err = h.collect(ctx, key, win, b.built)
		}
	default:
		events, b.truncated, err = h.collect(ctx, key, win, b.built)
	}
	if err != nil {
		return nil, err
	}
	names := &seriesNames{cal: h.cal, known: series}
	if err := names.resolve(ctx, events); err != nil {
		return nil, err
	}
	events = announced(events, names)
	head := h.header(key, events, series)
	newest := newestUpdate(events)
	if series != nil && series.UpdatedAt.After(newest) {
		newest = series.UpdatedAt
	}
	if names.newest.After(newest) {
		newest = names.newest
	}
	sizeHint := len(events) * bytesPerEvent
	if prev != nil {
		sizeHint = len(prev.plain)
	}
	if b.plain, err = h.encode(events, head, names.of, newest, sizeHint); err != nil {
		return nil, fmt.Errorf("feed: build %s: %w", Feed{kind: key.kind, name: key.name}.Path(), err)
	}
	if b.gzipped, err = gzipBytes(b.plain); err != nil {
		return nil, fmt.Errorf("feed: build %s: gzip: %w", Feed{kind: key.kind, name: key.name}.Path(), err)
	}
	b.etag, b.gzipETag = etag(b.plain), etag(b.gzipped)
	b.modified = lastModified(newest, b.built, b.etag, prev)
	b.disposition = disposition(key)
	b.headers()
	return b, nil
}

// header is the calendar's name and description, as subscribers see them.
type header struct{ name, description string }

// header names the feed: the calendar feed after Options.Name, a series
// feed after its series (its ID, the free text, when the Store keeps no
// series), and an event feed after the event's title. A series' own
// Description replaces Options.Description, which the others carry.
func (h *Handler) header(key feedKey, events []*seminar.Event, series *seminar.Series) header {
	switch {
	case key.kind == eventFeed:
		return header{name: events[0].Title, description: h.description}
	case key.kind == calendarFeed:
		return header{name: h.name, description: h.description}
	case series == nil:
		return header{name: key.name, description: h.description}
	}
	return header{name: series.Name, description: or(series.Description, h.description)}
}

// event returns the one event of an event feed, or errNoFeed when there is
// none or it is not public and the feed is.
func (h *Handler) event(ctx context.Context, key feedKey) ([]*seminar.Event, error) {
	e, err := h.cal.Get(ctx, key.name)
	switch {
	case errors.Is(err, seminar.ErrNotFound):
		return nil, errNoFeed
	case err != nil:
		return nil, err
	case !key.private && !e.Public:
		return nil, errNoFeed
	}
	return []*seminar.Event{e}, nil
}

// collect lists the events of a calendar or series feed in the window, page
// by page, leaving out cancelled events past their grace. It stops at
// MaxEvents and reports whether more were left. A public feed asks the
// Store for public events only and checks each itself too: a Store that
// ignores the filter must not put a private talk in a public feed.
func (h *Handler) collect(ctx context.Context, key feedKey, win window, now time.Time) ([]*seminar.Event, bool, error) {
	from, to := h.bounds(win, now)
	q := seminar.Query{
		From: from,
		To:   to,
		Filter: seminar.Filter{
			Series:           key.name, // empty for the calendar feed
			PublicOnly:       !key.private,
			IncludeCancelled: true,
		},
		// One more than the cap, so a full feed needs no second page to
		// learn that it is truncated.
		Limit: min(h.maxEvents+1, seminar.MaxPageSize),
	}
	var events []*seminar.Event
	for {
		page, err := h.cal.List(ctx, q)
		if err != nil {
			return nil, false, err
		}
		for _, e := range page.Events {
			if !key.private && !e.Public {
				continue
			}
			if e.Cancelled() && now.Sub(e.UpdatedAt) > h.grace {
				continue
			}
			if len(events) == h.maxEvents {
				return events, true, nil
			}
			events = append(events, e)
		}
		if page.Next == "" {
			return events, false, nil
		}
		q.Cursor = page.Next
	}
}

// encode writes the feed as iCalendar. DTSTAMP is the newest UpdatedAt of
// the events rather than the build time, so that rebuilding an unchanged
// feed gives the same bytes, the same ETag, and a 304 to clients that poll
// less often than MaxAge.
//
// seriesName names the events' series, as the encoder's SeriesName.
// sizeHint, the size of the body this one replaces or a guess, spares the
// buffer's doublings: a 2,000-event feed is megabytes.
func (h *Handler) encode(events []*seminar.Event, head header, seriesName func(id string) string, stamp time.Time, sizeHint int) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(sizeHint + sizeHint/8)
	enc := ical.NewEncoder(&buf, &ical.EncodeOptions{
		Method:          "PUBLISH",
		Name:            head.name,
		Description:     head.description,
		RefreshInterval: h.refresh,
		Organizer:       h.organizer,
		SeriesName:      seriesName,
		EventURL:        h.eventURL,
		CancelledPrefix: h.prefix,
		Participants:    h.participants,
		HideContact:     h.hideContact,
		Now:             func() time.Time { return stamp },
		Zones:           &h.zones,
	})
	for _, e := range events {
		if err := enc.Encode(e); err != nil {
			return nil, err
		}
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// bytesPerEvent is the guess of a first build's size per event: a short
// talk with its VTIMEZONE share takes about this much, a long abstract more.
const bytesPerEvent = 1024

func newestUpdate(events []*seminar.Event) time.Time {
	var newest time.Time
	for _, e := range events {
		if e.UpdatedAt.After(newest) {
			newest = e.UpdatedAt
		}
	}
	return newest
}

// lastModified picks a Last-Modified that never goes back while the body
// changes. The newest UpdatedAt is right for a first build, but a deleted
// event, one that left the window or one past its cancelled grace changes
// the body without a newer UpdatedAt: a body that differs from the one it
// replaces is dated at its build. A body equal to the one it replaces keeps
// its date, so If-Modified-Since still matches. A handler that starts afresh
// knows no previous body: a client that polls with If-Modified-Since alone
// (no If-None-Match) may miss a deletion made just before a restart until
// the next write.
func lastModified(newest, built time.Time, etag string, prev *feedBody) time.Time {
	switch {
	case prev != nil && prev.etag == etag:
		return prev.modified
	case prev != nil, newest.IsZero(), newest.After(built):
		return built
	}
	return newest
}

func gzipBytes(plain []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(plain) / 4)
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(plain); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// etag is a strong entity tag: a hash of exactly the bytes sent.
func etag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// disposition names the file a browser saves: the series or event ID,
// with the characters that file systems refuse replaced. FormatMediaType
// quotes the name, and encodes one that is not ASCII as RFC 2231 filename*.
func disposition(key feedKey) string {
	name := "calendar"
	if key.kind != calendarFeed {
		name = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r) {
				return '_'
			}
			return r
		}, key.name)
	}
	return mime.FormatMediaType("inline", map[string]string{"filename": name + ".ics"})
}
