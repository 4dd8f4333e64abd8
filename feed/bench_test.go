package feed_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/feed"
	"github.com/seminarkit/seminar/ical"
	"github.com/seminarkit/seminar/store/memstore"
)

// benchFeedEvents is the size of the benchmarked feed: larger than the
// default MaxEvents, so the handler is configured for it.
const benchFeedEvents = 2000

// benchCalendar returns a Calendar holding benchFeedEvents public talks, four
// hours apart from feedNow on, all inside the default window.
func benchCalendar(b *testing.B) *seminar.Calendar {
	b.Helper()
	cal, err := seminar.New(memstore.New(), &seminar.Options{Domain: "example.edu", Now: func() time.Time { return feedNow }})
	if err != nil {
		b.Fatal(err)
	}
	var series []string
	for _, name := range []string{"Vision Seminar", "Theory Colloquium", "HCI Seminar"} {
		s, err := cal.CreateSeries(context.Background(), &seminar.Series{Name: name})
		if err != nil {
			b.Fatal(err)
		}
		series = append(series, s.ID)
	}
	events := make([]*seminar.Event, benchFeedEvents)
	for i := range events {
		start := feedNow.Add(time.Duration(i) * 4 * time.Hour)
		events[i] = &seminar.Event{
			Title:    fmt.Sprintf("Talk %d: a picture of the energy landscape of deep neural networks", i),
			Series:   series[i%3],
			Speakers: []seminar.Person{{Name: "Pratik Chaudhari", Affiliation: "UCLA"}},
			Host:     seminar.Person{Name: "Bolei Zhou", Affiliation: "MIT CSAIL"},
			Contact:  seminar.Person{Name: "Bolei Zhou", Email: "bzhou@example.edu"},
			Start:    start,
			End:      start.Add(time.Hour),
			TimeZone: "America/New_York",
			Location: seminar.Location{Room: "32-D507", Building: "Stata Center"},
			Public:   true,
			Abstract: "Stochastic gradient descent (SGD) is the gold standard of optimization in deep learning. It does not, however, exploit the special structure and geometry of the loss functions we wish to optimize.",
		}
	}
	if _, err := cal.CreateMany(context.Background(), events); err != nil {
		b.Fatal(err)
	}
	return cal
}

func benchHandler(b *testing.B, cal *seminar.Calendar) *feed.Handler {
	b.Helper()
	h, err := feed.NewHandler(cal, &feed.Options{
		MaxEvents: benchFeedEvents,
		Now:       func() time.Time { return feedNow },
	})
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// discardWriter is a ResponseWriter that keeps nothing, so that the
// benchmarks measure the handler rather than a recorder copying megabytes.
type discardWriter struct {
	header http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header { return w.header }
func (w *discardWriter) WriteHeader(status int) {
	w.status = status
}
func (w *discardWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return len(p), nil
}

func (w *discardWriter) reset() {
	clear(w.header)
	w.status, w.n = 0, 0
}

// BenchmarkHandler_poll serves an unchanged 2,000-event feed from the
// cache, in full and as a 304, with the default Options.Poll: the change
// token is read once and shared, so this is the handler's own work per
// request (routing, cache lookup, headers), with the body written to a
// writer that keeps nothing. The baseline serves the same bytes with the
// same ETag through http.ServeContent, the standard library's way of
// serving a body held in memory (it copies the body through a buffer,
// hence its time on 200).
//
//	go test ./feed -run '^$' -bench Handler_poll -benchmem -count 6 | tee poll.txt
//	~/go/bin/benchstat poll.txt
//
// Read handler/304 against baseline-ServeContent/304 (the same validators
// checked); handler/200 stays near the 304's time and allocations, since
// no body is copied. What a real server adds (net/http, the kernel) is what
// examples/feedserver/bench.sh measures against nginx.
func BenchmarkHandler_poll(b *testing.B) {
	h := benchHandler(b, benchCalendar(b))
	first := httptest.NewRecorder()
	h.ServeHTTP(first, httptest.NewRequest(http.MethodGet, "/calendar.ics", nil))
	if first.Code != http.StatusOK {
		b.Fatalf("status %d", first.Code)
	}
	body, tag := first.Body.Bytes(), first.Header().Get("ETag")
	b.Logf("feed body: %d bytes", len(body))
	modified, _ := http.ParseTime(first.Header().Get("Last-Modified"))
	baseline := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
		w.Header().Set("Etag", tag)
		http.ServeContent(w, r, "", modified, bytes.NewReader(body))
	})

	for _, handler := range []struct {
		name string
		h    http.Handler
	}{{"handler", h}, {"baseline-ServeContent", baseline}} {
		for _, req := range []struct {
			name       string
			header     string
			value      string
			wantStatus int
		}{
			{"200", "", "", http.StatusOK},
			{"304", "If-None-Match", tag, http.StatusNotModified},
		} {
			b.Run(handler.name+"/"+req.name, func(b *testing.B) {
				r := httptest.NewRequest(http.MethodGet, "/calendar.ics", nil)
				if req.header != "" {
					r.Header.Set(req.header, req.value)
				}
				w := &discardWriter{header: http.Header{}}
				if req.wantStatus == http.StatusOK {
					b.SetBytes(int64(len(body)))
				}
				b.ReportAllocs()
				for b.Loop() {
					w.reset()
					handler.h.ServeHTTP(w, r)
				}
				if w.status != req.wantStatus && !(w.status == 0 && req.wantStatus == http.StatusOK) {
					b.Fatalf("status %d, want %d", w.status, req.wantStatus)
				}
			})
		}
	}
}

// BenchmarkHandler_coldBuild serves a 2,000-event feed from a handler
// with nothing cached: listing, encoding, gzip and hashing. The baselines
// are its two main parts alone: listing the events through the Calendar,
// and encoding them.
func BenchmarkHandler_coldBuild(b *testing.B) {
	cal := benchCalendar(b)
	ctx := context.Background()
	list := func() []*seminar.Event {
		var all []*seminar.Event
		q := seminar.Query{From: feedNow.Add(-feed.DefaultPast), To: feedNow.Add(feed.DefaultFuture), Limit: seminar.MaxPageSize,
			Filter: seminar.Filter{PublicOnly: true, IncludeCancelled: true}}
		for {
			page, err := cal.List(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			all = append(all, page.Events...)
			if page.Next == "" {
				return all
			}
			q.Cursor = page.Next
		}
	}

	b.Run("handler", func(b *testing.B) {
		r := httptest.NewRequest(http.MethodGet, "/calendar.ics", nil)
		w := &discardWriter{header: http.Header{}}
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			h := benchHandler(b, cal)
			w.reset()
			b.StartTimer()
			h.ServeHTTP(w, r)
		}
	})
	b.Run("baseline-list", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if n := len(list()); n != benchFeedEvents {
				b.Fatalf("listed %d events", n)
			}
		}
	})
	b.Run("baseline-encode", func(b *testing.B) {
		events := list()
		var zones ical.ZoneCache
		b.ReportAllocs()
		for b.Loop() {
			enc := ical.NewEncoder(io.Discard, &ical.EncodeOptions{Zones: &zones, Now: func() time.Time { return feedNow }})
			for _, e := range events {
				if err := enc.Encode(e); err != nil {
					b.Fatal(err)
				}
			}
			if err := enc.Close(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
