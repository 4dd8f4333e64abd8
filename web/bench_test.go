package web_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/sqlite"
	"github.com/seminarkit/seminar/web"
)

// The benchmarks serve from a SQLite file, the embedded default, as an
// anonymous visitor accepting gzip, each page as:
//
//   - cold: the first request after a write (made between iterations, off
//     the clock) to the seed talk, which every page shows: it reads the
//     change token and what the page needs from SQLite, renders and hashes
//     the page, and is served plain while it is compressed beside. The cost
//     a visitor pays once per change.
//   - new: the first request to a new Handler: nothing of the page is
//     cached, nor anything it is made of.
//   - cached: the page served again with nothing written (gzipped).
//   - 304: a revalidation of the cached page.
//   - reads: the Calendar reads of cold alone, after the same write, to
//     tell the Store's share of cold from the Handler's: the events
//     written since the mark of the page's listing and the last mark,
//     which stands in for the change token and shows that nothing else
//     was written meanwhile (one Calendar.ChangedWithLast: two SQLite
//     statements). The month's listing is patched with the written talk,
//     and the series kept, not read again.
//   - reads-full: the reads of cold when the listing is read again in
//     full (after a delete, a restore, or a first request): the change
//     token, the series and the month.
//
// Run them with
//
//	go test ./web -run '^$' -bench Handler -benchmem -count 6 | tee new.txt
//	~/go/bin/benchstat new.txt
//
// and read each cold against its target (event page 200 µs, month of 500
// talks 5 ms), and against reads and reads-full to see how much of it is
// the Store's.

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

// benchPages are the pages the benchmarks serve: the seed talk's page, with
// the 19 other talks of its month listed, and a month of 500 talks. reads
// are the Calendar reads a request makes, besides the change token and the
// series, when it reads the month in full: the event page takes its talk
// from the month's listing.
var benchPages = []struct {
	name  string
	talks int
	path  func(seed *seminar.Event) string
	reads func(ctx context.Context, cal *seminar.Calendar, seed *seminar.Event) error
}{
	{
		name: "event", talks: 20,
		path: func(seed *seminar.Event) string { return "/events/" + seed.ID },
		reads: func(ctx context.Context, cal *seminar.Calendar, _ *seminar.Event) error {
			_, err := cal.Month(ctx, 2017, time.June, seminar.Filter{IncludeCancelled: true})
			return err
		},
	},
	{
		name: "month500", talks: 500,
		path: func(*seminar.Event) string { return "/months/2017-06" },
		reads: func(ctx context.Context, cal *seminar.Calendar, _ *seminar.Event) error {
			_, err := cal.Month(ctx, 2017, time.June, seminar.Filter{IncludeCancelled: true})
			return err
		},
	},
}

// BenchmarkHandler serves each of benchPages cold, new, cached and as a 304,
// and makes the reads of a cold request alone.
func BenchmarkHandler(b *testing.B) {
	for _, p := range benchPages {
		b.Run("page="+p.name, func(b *testing.B) {
			b.Run("cold", func(b *testing.B) {
				// Poll < 0: the token is read on each request, so the
				// write between iterations is seen by the next one.
				cal, h, seed := benchSite(b, p.talks, -1)
				r := benchRequest(p.path(seed))
				w := &benchWriter{header: http.Header{}}
				w.serve(b, h, r, http.StatusOK)
				b.ReportAllocs()
				for b.Loop() {
					b.StopTimer()
					benchWrite(b, cal, seed)
					b.StartTimer()
					w.serve(b, h, r, http.StatusOK)
				}
				b.ReportMetric(float64(w.n), "bytes-sent")
			})
			b.Run("new", func(b *testing.B) {
				cal, _, seed := benchSite(b, p.talks, -1)
				r := benchRequest(p.path(seed))
				w := &benchWriter{header: http.Header{}}
				b.ReportAllocs()
				for b.Loop() {
					b.StopTimer()
					h, err := web.New(cal, &web.Options{Now: func() time.Time { return siteNow }})
					if err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					w.serve(b, h, r, http.StatusOK)
				}
			})
			b.Run("cached", func(b *testing.B) {
				_, h, seed := benchSite(b, p.talks, 0)
				r := benchRequest(p.path(seed))
				w := &benchWriter{header: http.Header{}}
				w.serve(b, h, r, http.StatusOK)
				benchGzipped(b, w, h, r)
				b.ReportAllocs()
				for b.Loop() {
					w.serve(b, h, r, http.StatusOK)
				}
				b.ReportMetric(float64(w.n), "bytes-sent")
			})
			b.Run("304", func(b *testing.B) {
				_, h, seed := benchSite(b, p.talks, 0)
				r := benchRequest(p.path(seed))
				w := &benchWriter{header: http.Header{}}
				w.serve(b, h, r, http.StatusOK)
				benchGzipped(b, w, h, r)
				r.Header.Set("If-None-Match", w.header.Get("Etag"))
				b.ReportAllocs()
				for b.Loop() {
					w.serve(b, h, r, http.StatusNotModified)
				}
			})
			b.Run("reads", func(b *testing.B) {
				cal, _, seed := benchSite(b, p.talks, -1)
				ctx := context.Background()
				_, _, mark, err := cal.ChangedWithLast(ctx, math.MaxInt64, 1)
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					b.StopTimer()
					benchWrite(b, cal, seed)
					b.StartTimer()
					events, next, last, err := cal.ChangedWithLast(ctx, mark, 64)
					if err != nil || len(events) != 1 {
						b.Fatalf("%d events, %v", len(events), err)
					}
					mark = max(next, last)
				}
			})
			b.Run("reads-full", func(b *testing.B) {
				cal, _, seed := benchSite(b, p.talks, -1)
				ctx := context.Background()
				for b.Loop() {
					b.StopTimer()
					benchWrite(b, cal, seed)
					b.StartTimer()
					if _, err := cal.ChangeToken(ctx); err != nil {
						b.Fatal(err)
					}
					if _, err := cal.ListSeries(ctx); err != nil {
						b.Fatal(err)
					}
					if err := p.reads(ctx, cal, seed); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

func benchRequest(path string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.Header.Set("Accept-Encoding", "gzip")
	return r
}

// benchWrite edits the seed talk's abstract, back and forth, so that its
// page keeps its size.
func benchWrite(b *testing.B, cal *seminar.Calendar, seed *seminar.Event) {
	ctx := context.Background()
	e, err := cal.Get(ctx, seed.ID)
	if err != nil {
		b.Fatal(err)
	}
	if s, ok := strings.CutSuffix(e.Abstract, " (edited)"); ok {
		e.Abstract = s
	} else {
		e.Abstract += " (edited)"
	}
	if _, err := cal.Update(ctx, e); err != nil {
		b.Fatal(err)
	}
}

// benchGzipped waits until the page is served gzipped, as it is once its
// compression beside the first request is done.
func benchGzipped(b *testing.B, w *benchWriter, h http.Handler, r *http.Request) {
	for range 1000 {
		if w.header.Get("Content-Encoding") == "gzip" {
			return
		}
		time.Sleep(time.Millisecond)
		w.serve(b, h, r, http.StatusOK)
	}
	b.Fatal("the page is never served gzipped")
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
