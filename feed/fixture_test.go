package feed_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/feed"
	"github.com/seminarkit/seminar/store/memstore"
)

// countingStore is a seminar.Store that keeps series and counts the calls a
// feed makes (lists counts the List calls, one per build), and can hold
// List calls until released or make them fail. It
// hides the memstore's change token, as a Store written without one would:
// trackingStore shows it.
type countingStore struct {
	seminar.Store
	seminar.Outbox
	seminar.SeriesStore
	calls   atomic.Int64
	lists   atomic.Int64
	hold    chan struct{} // when set, List waits for it to close
	failing atomic.Bool

	tokenReads atomic.Int64  // ChangeToken calls, through a trackingStore
	tokenHold  chan struct{} // when set, ChangeToken waits for it to close
}

// newCountingStore returns a countingStore on a new memstore.
func newCountingStore() *countingStore {
	m := memstore.New()
	return &countingStore{Store: m, Outbox: m, SeriesStore: m}
}

func (s *countingStore) Get(ctx context.Context, id string) (*seminar.Event, error) {
	s.calls.Add(1)
	return s.Store.Get(ctx, id)
}

func (s *countingStore) GetByUID(ctx context.Context, uid string) (*seminar.Event, error) {
	s.calls.Add(1)
	return s.Store.GetByUID(ctx, uid)
}

func (s *countingStore) GetSeries(ctx context.Context, id string) (*seminar.Series, error) {
	s.calls.Add(1)
	return s.SeriesStore.GetSeries(ctx, id)
}

func (s *countingStore) ListSeries(ctx context.Context) ([]*seminar.Series, error) {
	s.calls.Add(1)
	return s.SeriesStore.ListSeries(ctx)
}

func (s *countingStore) List(ctx context.Context, q seminar.ListQuery) ([]*seminar.Event, error) {
	s.calls.Add(1)
	s.lists.Add(1)
	if s.hold != nil {
		<-s.hold
	}
	if s.failing.Load() {
		return nil, io.ErrUnexpectedEOF
	}
	return s.Store.List(ctx, q)
}

// trackingStore is a countingStore whose memstore's change token shows
// through, as a real shared store's does; token reads are not counted.
type trackingStore struct{ *countingStore }

func (s trackingStore) ChangeToken(ctx context.Context) (string, error) {
	s.tokenReads.Add(1)
	if s.tokenHold != nil {
		<-s.tokenHold
	}
	return s.Store.(seminar.ChangeTracker).ChangeToken(ctx)
}

// clock is a settable clock shared by the Calendar and the handler.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *clock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

// feedNow is the fixture's present: Friday, March 1, 2024, noon UTC.
var feedNow = time.Date(2024, time.March, 1, 12, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

// fixture is a Calendar on a counting memstore with talks around feedNow,
// and a Handler on it, served by an httptest.Server once get or do is
// called.
type fixture struct {
	t      *testing.T
	store  *countingStore
	cal    *seminar.Calendar
	clock  *clock
	h      *feed.Handler
	srv    *httptest.Server
	events map[string]*seminar.Event // by title
}

// The fixture's talks. Titles are unique, so tests name events by title.
const (
	visionTalk      = "Learning to see by moving"
	privateTalk     = "Closed lab meeting"
	theoryTalk      = "Sparse recovery in sublinear time"
	oldTalk         = "A talk two months ago"
	farTalk         = "A talk in fourteen months"
	cancelledTalk   = "Cancelled yesterday"
	longCancelled   = "Cancelled forty days ago"
	privateSeriesOf = visionSeries
)

// The fixture's series, by ID, and their names. The third has no talks.
const (
	visionSeries      = "vision-seminar"
	visionSeriesName  = "Vision Seminar"
	visionDescription = "Talks on computer vision, Mondays at 4 pm."
	theorySeries      = "theory-algorithms"
	theorySeriesName  = "Theory/Algorithms"
	emptySeries       = "systems-seminar"
	emptySeriesName   = "Systems Seminar"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

func newFixture(t *testing.T, opts *feed.Options) *fixture {
	t.Helper()
	f := &fixture{
		t:      t,
		store:  newCountingStore(),
		clock:  &clock{now: feedNow},
		events: map[string]*seminar.Event{},
	}
	cal, err := seminar.New(f.store, &seminar.Options{Domain: "example.edu", TimeZone: "America/New_York", Now: f.clock.Now})
	require.NoError(t, err)
	f.cal = cal

	talk := func(title, series string, start time.Duration, public bool) *seminar.Event {
		s := feedNow.Add(start).Truncate(time.Hour)
		return &seminar.Event{
			Title:    title,
			Series:   series,
			Speakers: []seminar.Person{{Name: "Ana Ferreira", Affiliation: "Example University"}},
			Start:    s,
			End:      s.Add(time.Hour),
			TimeZone: "America/New_York",
			Location: seminar.Location{Room: "32-G449"},
			Contact:  seminar.Person{Name: "Bolei Zhou", Email: "bzhou@example.edu"},
			Public:   public,
		}
	}
	create := func(e *seminar.Event) *seminar.Event {
		got, err := cal.Create(context.Background(), e)
		require.NoError(t, err)
		f.events[got.Title] = got
		return got
	}
	// Cancelled talks are cancelled at their own time, for the grace.
	f.clock.Set(feedNow.Add(-40 * day))
	for _, s := range []*seminar.Series{
		{Name: visionSeriesName, Description: visionDescription, Defaults: seminar.SeriesDefaults{Public: true}},
		{ID: theorySeries, Name: theorySeriesName},
		{Name: emptySeriesName},
	} {
		_, err := cal.CreateSeries(context.Background(), s)
		require.NoError(t, err)
	}
	long := create(talk(longCancelled, visionSeries, 10*day, true))
	_, err = cal.Cancel(context.Background(), long.ID, "The speaker is ill.")
	require.NoError(t, err)
	f.clock.Set(feedNow.Add(-day))
	recent := create(talk(cancelledTalk, visionSeries, 7*day, true))
	_, err = cal.Cancel(context.Background(), recent.ID, "The room flooded.")
	require.NoError(t, err)
	f.clock.Set(feedNow)

	create(talk(visionTalk, visionSeries, 2*day, true))
	create(talk(privateTalk, privateSeriesOf, 3*day, false))
	create(talk(theoryTalk, theorySeries, 5*day, true))
	create(talk(oldTalk, "", -60*day, true))
	create(talk(farTalk, "", 420*day, true))

	var o feed.Options
	if opts != nil {
		o = *opts
	}
	if o.Now == nil {
		o.Now = f.clock.Now
	}
	if o.Secret == nil {
		o.Secret = testSecret
	}
	f.h, err = feed.NewHandler(cal, &o)
	require.NoError(t, err)
	return f
}

// response is what a test reads of an HTTP response.
type response struct {
	status int
	header http.Header
	body   []byte
}

// get requests path with the given header lines ("Name: value"). The client
// does not ask for gzip on its own, so tests see exactly what the handler
// chose.
func (f *fixture) get(path string, header ...string) response {
	return f.do(http.MethodGet, path, header...)
}

func (f *fixture) do(method, path string, header ...string) response {
	f.t.Helper()
	if f.srv == nil {
		// Started on first use, not by newFixture: a listening server
		// would keep synctest.Wait from ever returning.
		f.srv = httptest.NewServer(f.h)
		f.t.Cleanup(f.srv.Close)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, nil)
	require.NoError(f.t, err)
	for _, h := range header {
		name, value, ok := strings.Cut(h, ": ")
		require.True(f.t, ok, "header line %q", h)
		req.Header.Add(name, value)
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	resp, err := client.Do(req)
	require.NoError(f.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(f.t, err)
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}

// privatePath is the private version of the feed of, from the handler.
func (f *fixture) privatePath(of feed.Feed) string {
	f.t.Helper()
	p, err := f.h.PrivatePath(of)
	require.NoError(f.t, err)
	return p
}

// parsed is a feed body as golang-ical reads it.
type parsed struct {
	cal *ics.Calendar
}

func parse(t *testing.T, body []byte) parsed {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(body))
	require.NoError(t, err, "the body parses as iCalendar:\n%s", body)
	return parsed{cal: cal}
}

// titles returns the SUMMARY of each VEVENT in order.
func (p parsed) titles() []string {
	titles := []string{}
	for _, e := range p.cal.Events() {
		if s := e.GetProperty(ics.ComponentPropertySummary); s != nil {
			titles = append(titles, s.Value)
		}
	}
	return titles
}

// event returns the VEVENT with the given SUMMARY, or nil.
func (p parsed) event(title string) *ics.VEvent {
	for _, e := range p.cal.Events() {
		if s := e.GetProperty(ics.ComponentPropertySummary); s != nil && s.Value == title {
			return e
		}
	}
	return nil
}

// uid returns the VEVENT with the given UID, or nil.
func (p parsed) uid(uid string) *ics.VEvent {
	for _, e := range p.cal.Events() {
		if u := e.GetProperty(ics.ComponentPropertyUniqueId); u != nil && u.Value == uid {
			return e
		}
	}
	return nil
}

// calendarProperty returns the value of a VCALENDAR property, or "".
func (p parsed) calendarProperty(name string) string {
	for _, cp := range p.cal.CalendarProperties {
		if cp.IANAToken == name {
			return cp.Value
		}
	}
	return ""
}

// serve runs one request through h in the test's goroutine.
func serve(h http.Handler, method, path string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	for _, line := range header {
		name, value, _ := strings.Cut(line, ": ")
		req.Header.Add(name, value)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
