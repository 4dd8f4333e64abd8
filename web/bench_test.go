package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/sqlite"
	"github.com/seminarkit/seminar/web"
)

// The benchmarks serve from a SQLite file, the embedded default, as an
// anonymous visitor accepting gzip. "cached" is a page served again with
// nothing written (gzipped); "afterWrite" is the first request after a write
// (made between iterations, off the clock), which reads the change token,
// the event, its month and the series from SQLite and renders and hashes
// the page, served plain while it is compressed beside: the cost a visitor
// pays once per change. "304" is a revalidation.

// benchSite returns a Calendar on a SQLite file holding the seed talk and
// n-1 other talks of June 2017, and the seed talk.
func benchSite(b *testing.B, n int, poll time.Duration) (*seminar.Calendar, http.Handler, *seminar.Event) {
	b.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "talks.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	cal, err := seminar.New(store, &seminar.Options{Domain: "csail.mit.edu", TimeZone: "America/New_York",
		Now: func() time.Time { return siteNow }})
	if err != nil {
		b.Fatal(err)
	}
	events := []*seminar.Event{seedTalk(b)}
	for i := 1; i < n; i++ {
		e := talk(b, fmt.Sprintf("Talk %d: scene understanding from a single image", i), 1+i%30, 9+i%9)
		e.Start = e.Start.Add(time.Duration(i/270) * time.Minute)
		e.End = e.Start.Add(time.Hour)
		e.Abstract = "Stochastic gradient descent (SGD) is the gold standard of optimization in deep learning."
		events = append(events, e)
	}
	created, err := cal.CreateMany(context.Background(), events)
	if err != nil {
		b.Fatal(err)
	}
	h, err := web.New(cal, &web.Options{Now: func() time.Time { return siteNow }, Poll: poll})
	if err != nil {
		b.Fatal(err)
	}
	return cal, h, created[0]
}

type benchWriter struct {
	header http.Header
	status int
	n      int
}

func (w *benchWriter) Header() http.Header         { return w.header }
func (w *benchWriter) WriteHeader(status int)      { w.status = status }
func (w *benchWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

func (w *benchWriter) serve(b *testing.B, h http.Handler, r *http.Request, want int) {
	clear(w.header)
	w.status, w.n = 0, 0
	h.ServeHTTP(w, r)
	if w.status != want {
		b.Fatalf("%s: status %d, want %d", r.URL, w.status, want)
	}
}

// benchPage measures the page at path. reads are the Calendar reads a
// page makes after a write: "storeReads" measures them alone, after the same
// write, to tell the Store's share of "afterWrite" from the Handler's.
func benchPage(b *testing.B, talks int, path func(seed *seminar.Event) string, reads func(ctx context.Context, cal *seminar.Calendar, seed *seminar.Event) error) {
	b.Run("cached", func(b *testing.B) {
		_, h, seed := benchSite(b, talks, 0)
		r := httptest.NewRequest(http.MethodGet, path(seed), nil)
		r.Header.Set("Accept-Encoding", "gzip")
		w := &benchWriter{header: http.Header{}}
		w.serve(b, h, r, http.StatusOK)
		b.ReportAllocs()
		for b.Loop() {
			w.serve(b, h, r, http.StatusOK)
		}
		b.ReportMetric(float64(w.n), "bytes-sent")
	})
	b.Run("304", func(b *testing.B) {
		_, h, seed := benchSite(b, talks, 0)
		r := httptest.NewRequest(http.MethodGet, path(seed), nil)
		r.Header.Set("Accept-Encoding", "gzip")
		w := &benchWriter{header: http.Header{}}
		w.serve(b, h, r, http.StatusOK)
		r.Header.Set("If-None-Match", w.header.Get("Etag"))
		b.ReportAllocs()
		for b.Loop() {
			w.serve(b, h, r, http.StatusNotModified)
		}
	})
	b.Run("afterWrite", func(b *testing.B) {
		// Poll < 0: the token is read on each request, so the write
		// between iterations is seen by the next one.
		cal, h, seed := benchSite(b, talks, -1)
		r := httptest.NewRequest(http.MethodGet, path(seed), nil)
		r.Header.Set("Accept-Encoding", "gzip")
		w := &benchWriter{header: http.Header{}}
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			e, err := cal.Get(ctx, seed.ID)
			if err != nil {
				b.Fatal(err)
			}
			e.Abstract += "."
			if _, err := cal.Update(ctx, e); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			w.serve(b, h, r, http.StatusOK)
		}
		b.ReportMetric(float64(w.n), "bytes-sent")
	})
	b.Run("storeReads", func(b *testing.B) {
		cal, _, seed := benchSite(b, talks, -1)
		ctx := context.Background()
		for b.Loop() {
			b.StopTimer()
			e, err := cal.Get(ctx, seed.ID)
			if err != nil {
				b.Fatal(err)
			}
			e.Abstract += "."
			if _, err := cal.Update(ctx, e); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := cal.ChangeToken(ctx); err != nil {
				b.Fatal(err)
			}
			if _, err := cal.ListSeries(ctx); err != nil {
				b.Fatal(err)
			}
			if err := reads(ctx, cal, seed); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkHandler_eventPage serves the seed talk's page, with the 19
// other talks of its month listed.
func BenchmarkHandler_eventPage(b *testing.B) {
	benchPage(b, 20, func(seed *seminar.Event) string { return "/events/" + seed.ID },
		func(ctx context.Context, cal *seminar.Calendar, seed *seminar.Event) error {
			if _, err := cal.Get(ctx, seed.ID); err != nil {
				return err
			}
			_, err := cal.Month(ctx, 2017, time.June, seminar.Filter{IncludeCancelled: true})
			return err
		})
}

// BenchmarkHandler_monthPage serves a month of 500 talks.
func BenchmarkHandler_monthPage(b *testing.B) {
	benchPage(b, 500, func(*seminar.Event) string { return "/months/2017-06" },
		func(ctx context.Context, cal *seminar.Calendar, _ *seminar.Event) error {
			_, err := cal.Month(ctx, 2017, time.June, seminar.Filter{IncludeCancelled: true})
			return err
		})
}

// BenchmarkHandler_changeToken is the cost the poll interval saves: a
// cached page when every request reads the token from SQLite.
func BenchmarkHandler_changeToken(b *testing.B) {
	for _, poll := range []time.Duration{web.DefaultPoll, -1} {
		b.Run(fmt.Sprintf("poll=%s", poll), func(b *testing.B) {
			_, h, seed := benchSite(b, 20, poll)
			r := httptest.NewRequest(http.MethodGet, "/events/"+seed.ID, nil)
			w := &benchWriter{header: http.Header{}}
			w.serve(b, h, r, http.StatusOK)
			r.Header.Set("If-None-Match", w.header.Get("Etag"))
			for b.Loop() {
				w.serve(b, h, r, http.StatusNotModified)
			}
		})
	}
}
