package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/sqlite"
)

// syncBuffer is the server's output, written by run and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// demoTalks stores talks like the quickstart's, in June 2017 in
// America/New_York: two in the Vision Seminar, one of them not public, and
// one outside any series, and the Vision Seminar's slot of June 19, still
// to be announced; the Theory Colloquium has no talks. The slot is stored
// under its ID in the map.
func demoTalks(t *testing.T, db string) map[string]*seminar.Event {
	t.Helper()
	store, err := sqlite.Open(context.Background(), db, nil)
	require.NoError(t, err)
	defer store.Close()
	cal, err := seminar.New(store, &seminar.Options{Domain: "csail.mit.edu", TimeZone: "America/New_York",
		Now: func() time.Time { return time.Date(2017, time.June, 9, 14, 10, 0, 0, time.UTC) }})
	require.NoError(t, err)
	vision, err := cal.CreateSeries(context.Background(), &seminar.Series{Name: "Vision Seminar", Description: "Talks on computer vision.",
		Defaults: seminar.SeriesDefaults{Public: true}})
	require.NoError(t, err)
	_, err = cal.CreateSeries(context.Background(), &seminar.Series{Name: "Theory Colloquium"})
	require.NoError(t, err)
	talks := map[string]*seminar.Event{}
	for _, talk := range []struct {
		title, series string
		day, hour     int
		public        bool
	}{
		{"A picture of the energy landscape of deep neural networks", "", 12, 16, true},
		{"Learning to see by moving", vision.ID, 5, 11, true},
		{"Vision group retreat planning", vision.ID, 16, 13, false},
	} {
		start, err := seminar.WallTime(2017, time.June, talk.day, talk.hour, 0, "America/New_York")
		require.NoError(t, err)
		e, err := cal.Create(context.Background(), &seminar.Event{
			Title:    talk.title,
			Series:   talk.series,
			Speakers: []seminar.Person{{Name: "Pratik Chaudhari", Affiliation: "UCLA"}},
			Start:    start,
			End:      start.Add(time.Hour),
			TimeZone: "America/New_York",
			Location: seminar.Location{Room: "32-D507"},
			Contact:  seminar.Person{Name: "Bolei Zhou", Email: "bzhou@csail.mit.edu"},
			Public:   talk.public,
		})
		require.NoError(t, err)
		talks[talk.title] = e
	}
	slotStart, err := seminar.WallTime(2017, time.June, 19, 16, 0, "America/New_York")
	require.NoError(t, err)
	planned, err := cal.PlanSeries(context.Background(), vision.ID, seminar.Plan{Start: slotStart, Rule: "FREQ=WEEKLY;COUNT=1"})
	require.NoError(t, err)
	talks[slotKey] = planned.Slots[0]
	return talks
}

// slotKey is the key of demoTalks' slot, and tba its title in the feeds.
const (
	slotKey = "slot"
	tba     = "Vision Seminar: to be announced"
)

func TestRun_servesEachRouteAndShutsDown(t *testing.T) {
	db := filepath.Join(t.TempDir(), "seminar.db")
	talks := demoTalks(t, db)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	base := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, config{db: db, asOf: "2017-06-10", zone: "America/New_York", name: "CSAIL Seminars",
			maxEvents: 1000, secret: "a secret of more than sixteen bytes"}, ln, &out)
	}()

	get := func(t *testing.T, url string) (int, []string) {
		t.Helper()
		resp, err := http.Get(url)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		if resp.StatusCode != http.StatusOK {
			return resp.StatusCode, nil
		}
		assert.Equal(t, "text/calendar; charset=utf-8", resp.Header.Get("Content-Type"))
		cal, err := ics.ParseCalendar(bytes.NewReader(body))
		require.NoError(t, err)
		var titles []string
		for _, e := range cal.Events() {
			titles = append(titles, e.GetProperty(ics.ComponentPropertySummary).Value)
		}
		return resp.StatusCode, titles
	}

	seed := talks["A picture of the energy landscape of deep neural networks"]
	private := talks["Vision group retreat planning"]
	tests := []struct {
		name, path string
		wantStatus int
		want       []string
	}{
		{"calendar", "/calendar.ics", http.StatusOK, []string{"Learning to see by moving", seed.Title, tba}},
		{"series", "/series/vision-seminar.ics", http.StatusOK, []string{"Learning to see by moving", tba}},
		{"series with no talks", "/series/theory-colloquium.ics", http.StatusOK, nil},
		{"unknown series", "/series/nothing.ics", http.StatusNotFound, nil},
		{"event", "/events/" + seed.ID + ".ics", http.StatusOK, []string{seed.Title}},
		{"private event, publicly", "/events/" + private.ID + ".ics", http.StatusNotFound, nil},
		{"window by query", "/calendar.ics?from=2017-06-10&to=2017-06-18", http.StatusOK, []string{seed.Title}},
		{"slot to be announced", "/events/" + talks[slotKey].ID + ".ics", http.StatusOK, []string{tba}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, titles := get(t, base+tt.path)
			assert.Equal(t, tt.wantStatus, status)
			assert.Equal(t, tt.want, titles)
		})
	}

	// Requests have been answered, so run printed its URLs before serving.
	printed := out.String()
	assert.Contains(t, printed, "calendar  "+base+"/calendar.ics\n")
	assert.Contains(t, printed, "series    "+base+"/series/vision-seminar.ics  Vision Seminar\n")
	assert.Contains(t, printed, "series    "+base+"/series/theory-colloquium.ics  Theory Colloquium\n",
		"every stored series, also one with no talk in the window")
	assert.Contains(t, printed, "event     "+base+"/events/"+seed.ID+".ics  "+seed.Title+"\n")
	assert.Contains(t, printed, "event     "+base+"/events/"+talks[slotKey].ID+".ics  To be announced\n")
	assert.NotContains(t, printed, private.Title, "the private talk is not listed")
	privateURL := regexp.MustCompile(`private   (\S+)`).FindStringSubmatch(printed)
	require.NotNil(t, privateURL, "a secret prints the private URL:\n%s", printed)
	t.Run("private calendar", func(t *testing.T) {
		status, titles := get(t, privateURL[1])
		assert.Equal(t, http.StatusOK, status)
		assert.Equal(t, []string{"Learning to see by moving", seed.Title, private.Title, tba}, titles)
	})

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err, "a graceful shutdown is no error")
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after its context was cancelled")
	}
	_, err = http.Get(base + "/calendar.ics")
	assert.Error(t, err, "the listener is closed")
}

func TestRun_refusesBadInput(t *testing.T) {
	db := filepath.Join(t.TempDir(), "seminar.db")
	demoTalks(t, db)
	tests := []struct {
		name string
		cfg  config
		want string
	}{
		{"no database", config{db: filepath.Join(t.TempDir(), "missing.db"), asOf: "now"}, "go run ./examples/quickstart -db"},
		{"bad asof", config{db: db, asOf: "June"}, `-asof "June" is neither a date`},
		{"short secret", config{db: db, asOf: "now", secret: "short"}, "secret is 5 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			err = run(context.Background(), tt.cfg, ln, io.Discard)
			require.Error(t, err)
			assert.True(t, strings.Contains(err.Error(), tt.want), "%v", err)
		})
	}
}
