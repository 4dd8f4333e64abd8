package web

import (
	"encoding/binary"
	"html/template"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/seminarkit/seminar"
)

// The talks of listings: a month may list hundreds, and after a write
// all but one of them read as they did before. So each talk's HTML is
// rendered once (by templates/talks.html, which escapes every value) and
// kept under a key that holds everything it shows, whatever the calendar's
// generation; a page joins the HTML of its talks.

// Kinds of talk HTML, each a template of templates/talks.html.
const (
	// talkRow is a row of a day on the listing pages: the time, then
	// the title and what else says what the talk is.
	talkRow = "row"
	// talkLine is a line of an event page's other talks of its month,
	// the date and time under the title.
	talkLine = "line"
	// talkDay opens the section of a day on the listing pages, headed by
	// its date; dayEnd closes it.
	talkDay = "day"
)

// talkItem is what a talk's HTML shows, its times in the calendar's zone.
type talkItem struct {
	Href  string // from the page: "../events/ID"
	Title string
	Start string // RFC 3339, for <time datetime>
	Date  string // "Monday, June 12, 2017"
	Time  string // "4:00 PM to 5:00 PM"
	// Meta is the speakers, place and series: "Pratik Chaudhari (UCLA)
	// · 32-D507 · Vision Seminar".
	Meta      string
	Cancelled bool
	Private   bool
}

// lister writes the talks of one page: its root, the series it is of
// (which its talks need not name), and the names of the series.
type lister struct {
	h      *Handler
	root   string
	series string
	names  map[string]*seminar.Series
}

func (h *Handler) lister(r *http.Request, series string, names map[string]*seminar.Series) lister {
	return lister{h: h, root: rootOf(r.URL.Path), series: series, names: names}
}

// heading is an event's title as pages show it: "To be announced" for a
// planned slot without one, as seminar.View.Heading.
func heading(e *seminar.Event) string {
	if e.Title == "" && !e.Slot.IsZero() {
		return seminar.ToBeAnnounced
	}
	return e.Title
}

// timeRange writes the time of a talk from start to end, in the style of
// the talk's page (seminar.View.Time): "4:00 PM to 5:00 PM", with the end's
// date when it ends on another day.
func (h *Handler) timeRange(start, end time.Time) string {
	if last := end.Add(-time.Nanosecond); !sameDay(start, last) {
		return h.style.Clock(start) + " to " + h.style.ShortDate(end) + ", " + h.style.Clock(end)
	}
	return h.style.Clock(start) + " to " + h.style.Clock(end)
}

// seriesShown is the series a listing names for e: none when it is the
// page's own.
func (l lister) seriesShown(e *seminar.Event) string {
	if e.Series == "" || e.Series == l.series {
		return ""
	}
	return seriesName(l.names, e.Series)
}

// item is what e's HTML shows.
func (l lister) item(e *seminar.Event) talkItem {
	h := l.h
	start, end := e.Start.In(h.loc), e.End.In(h.loc)
	var speakers []string
	for _, p := range e.Speakers {
		s := p.Name
		if p.Affiliation != "" {
			s += " (" + p.Affiliation + ")"
		}
		speakers = append(speakers, s)
	}
	who := strings.Join(speakers, ", ")
	if who == "" && e.IsTBA() && e.Title != "" {
		who = "Speaker to be announced"
	}
	where := joinSet(", ", e.Location.Room, e.Location.Building)
	if where == "" && e.Location.URL != "" {
		where = "Online"
	}
	return talkItem{
		Href:      l.root + eventPath(e.ID),
		Title:     heading(e),
		Start:     start.Format(time.RFC3339),
		Date:      h.style.Date(start),
		Time:      h.timeRange(start, end),
		Meta:      joinSet(" · ", who, where, l.seriesShown(e)),
		Cancelled: e.Cancelled(),
		Private:   !e.Public,
	}
}

// appendTalkKey appends to b the key of e's HTML of kind on this lister's
// pages: it holds everything item reads of e and of the page, each string
// prefixed by its length, so that two talks share HTML only when it would
// be the same. The calendar's zone and style are the Handler's, and the
// same for all.
func (l lister) appendTalkKey(b []byte, kind string, e *seminar.Event) []byte {
	b = appendString(b, kind)
	b = appendString(b, l.root)
	b = appendString(b, e.ID)
	b = appendString(b, e.Title)
	b = binary.AppendVarint(b, e.Start.UnixNano())
	b = binary.AppendVarint(b, e.End.UnixNano())
	b = append(b, flags(!e.Slot.IsZero(), e.Cancelled(), e.Public, e.Location.URL != ""))
	b = binary.AppendUvarint(b, uint64(len(e.Speakers)))
	for _, p := range e.Speakers {
		b = appendString(b, p.Name)
		b = appendString(b, p.Affiliation)
	}
	b = appendString(b, e.Location.Room)
	b = appendString(b, e.Location.Building)
	return appendString(b, l.seriesShown(e))
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func flags(bits ...bool) byte {
	var f byte
	for i, set := range bits {
		if set {
			f |= 1 << i
		}
	}
	return f
}

// talks joins the HTML of events as kind.
func (l lister) talks(kind string, events []*seminar.Event) (template.HTML, error) {
	parts, err := l.talkParts(kind, events)
	if err != nil {
		return "", err
	}
	return joinHTML("", parts, ""), nil
}

// talkParts returns the HTML of each of events as kind. The talks not in
// the cache are rendered one after the other into one buffer and kept.
func (l lister) talkParts(kind string, events []*seminar.Event) ([]template.HTML, error) {
	parts := make([]template.HTML, len(events))
	var (
		missing []int
		keys    []string // of the missing talks
		key     []byte
	)
	for i, e := range events {
		key = l.appendTalkKey(key[:0], kind, e)
		html, ok := l.h.talkCache.get(key)
		if !ok {
			missing = append(missing, i)
			keys = append(keys, string(key))
		}
		parts[i] = html
	}
	if len(missing) == 0 {
		return parts, nil
	}
	var b strings.Builder
	ends := make([]int, len(missing))
	for j, i := range missing {
		if err := l.h.pages.talks.ExecuteTemplate(&b, kind, l.item(events[i])); err != nil {
			return nil, err
		}
		ends[j] = b.Len()
	}
	all, start := b.String(), 0
	for j, i := range missing {
		parts[i] = template.HTML(all[start:ends[j]])
		start = ends[j]
		l.h.talkCache.put(keys[j], parts[i])
	}
	return parts, nil
}

// joinHTML joins head, parts and tail.
func joinHTML(head template.HTML, parts []template.HTML, tail string) template.HTML {
	n := len(head) + len(tail)
	for _, p := range parts {
		n += len(p)
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(string(head))
	for _, p := range parts {
		b.WriteString(string(p))
	}
	b.WriteString(tail)
	return template.HTML(b.String())
}

// days groups events, in order, by the day they start in the calendar's
// zone: the HTML of each day is a section headed by its date, with its
// talks as rows. (A page prints each day with a template action: one
// value of all of them would be printed through a buffer of fmt's that
// is not reused, since it is large.)
func (l lister) days(events []*seminar.Event) ([]template.HTML, error) {
	var (
		out   []template.HTML
		first int // of the day being grouped
		y, d  int
		m     time.Month
	)
	for i, e := range events {
		ey, em, ed := e.Start.In(l.h.loc).Date()
		if i > 0 && ey == y && em == m && ed == d {
			continue
		}
		if i > 0 {
			day, err := l.day(events[first:i])
			if err != nil {
				return nil, err
			}
			out = append(out, day)
		}
		first, y, m, d = i, ey, em, ed
	}
	if len(events) > 0 {
		day, err := l.day(events[first:])
		if err != nil {
			return nil, err
		}
		out = append(out, day)
	}
	return out, nil
}

// dayEnd closes what the template "day" opens.
const dayEnd = "\n</ul>\n</section>"

// day returns the section of the day of events, which start that day.
func (l lister) day(events []*seminar.Event) (template.HTML, error) {
	start := events[0].Start.In(l.h.loc)
	iso := start.Format(time.DateOnly)
	key := appendString([]byte(talkDay), iso)
	head, ok := l.h.talkCache.get(key)
	if !ok {
		var b strings.Builder
		day := struct{ ISO, Date string }{iso, l.h.style.Date(start)}
		if err := l.h.pages.talks.ExecuteTemplate(&b, talkDay, day); err != nil {
			return "", err
		}
		head = template.HTML(b.String())
		l.h.talkCache.put(string(key), head)
	}
	parts, err := l.talkParts(talkRow, events)
	if err != nil {
		return "", err
	}
	return joinHTML(head, parts, dayEnd), nil
}

// talkCache keeps the HTML of talks by key within a budget of bytes, in
// two generations of entries: when the newer is full, the older is dropped
// and the newer becomes the older. A talk found in the older moves to the
// newer, so that the talks pages keep showing stay. Rendering a talk
// twice, when two pages miss it at once, is harmless.
type talkCache struct {
	mu         sync.RWMutex
	newer      map[string]template.HTML
	older      map[string]template.HTML
	newerBytes int64
	limit      int64 // of each generation
}

func newTalkCache(limit int64) *talkCache {
	return &talkCache{newer: map[string]template.HTML{}, limit: limit / 2}
}

// get returns the HTML kept under key. It takes the key as bytes, which
// a lookup does not copy.
func (c *talkCache) get(key []byte) (template.HTML, bool) {
	c.mu.RLock()
	html, ok := c.newer[string(key)]
	old := false
	if !ok {
		html, old = c.older[string(key)]
	}
	c.mu.RUnlock()
	if old {
		c.put(string(key), html)
	}
	return html, ok || old
}

func (c *talkCache) put(key string, html template.HTML) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.newer[key]; ok {
		return
	}
	n := int64(64 + len(key) + len(html))
	if c.newerBytes+n > c.limit {
		c.older, c.newer, c.newerBytes = c.newer, map[string]template.HTML{}, 0
	}
	c.newer[key] = html
	c.newerBytes += n
}
