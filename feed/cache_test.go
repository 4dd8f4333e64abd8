package feed_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar/feed"
)

func TestHandler_concurrentFirstRequestsBuildOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, nil)
		f.store.hold = make(chan struct{})
		const clients = 8
		recs := make([]*httptest.ResponseRecorder, clients)
		done := make(chan int)
		before := f.store.lists.Load()
		for i := range clients {
			go func() {
				recs[i] = serve(f.h, http.MethodGet, "/calendar.ics")
				done <- i
			}()
		}
		// Every client is now either in the one List call, held, or waiting
		// for its result.
		synctest.Wait()
		assert.Equal(t, int64(1), f.store.lists.Load()-before, "one build for all the clients")
		close(f.store.hold)
		for range clients {
			<-done
		}
		for _, rec := range recs {
			require.Equal(t, http.StatusOK, rec.Code)
			assert.Equal(t, recs[0].Body.String(), rec.Body.String())
		}
		assert.Equal(t, int64(1), f.store.lists.Load()-before)
	})
}

func TestHandler_waitingClientMayLeave(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, nil)
		f.store.hold = make(chan struct{})
		first := make(chan *httptest.ResponseRecorder)
		go func() { first <- serve(f.h, http.MethodGet, "/calendar.ics") }()
		synctest.Wait()

		// A second client gives up while the first one's build is held.
		req := httptest.NewRequest(http.MethodGet, "/calendar.ics", nil)
		ctx, cancel := context.WithCancel(req.Context())
		left := make(chan struct{})
		go func() {
			f.h.ServeHTTP(httptest.NewRecorder(), req.WithContext(ctx))
			close(left)
		}()
		synctest.Wait()
		cancel()
		<-left // returns without waiting for the build

		close(f.store.hold)
		assert.Equal(t, http.StatusOK, (<-first).Code)
	})
}

// Requests share the token's reading while writes go through the Calendar
// and the clock moves past Poll: each write shows to the requests after it,
// and the feed ends with the last one. Run with -race.
func TestHandler_concurrentPollsAndWrites(t *testing.T) {
	f := newFixture(t, &feed.Options{MaxAge: time.Hour})
	require.Equal(t, http.StatusOK, serve(f.h, http.MethodGet, "/calendar.ics").Code)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if rec := serve(f.h, http.MethodGet, "/calendar.ics", "Accept-Encoding: gzip"); rec.Code != http.StatusOK {
					t.Errorf("status %d", rec.Code)
					return
				}
			}
		})
	}
	e := f.events[visionTalk]
	for i := range 10 {
		e.Title = fmt.Sprintf("Edit %d", i)
		var err error
		e, err = f.cal.Update(context.Background(), e)
		require.NoError(t, err)
		assert.Contains(t, parse(t, serve(f.h, http.MethodGet, "/calendar.ics").Body.Bytes()).titles(), e.Title,
			"a write through the Calendar shows to the next request")
		f.clock.Add(feed.DefaultPoll)
	}
	close(stop)
	wg.Wait()
}
