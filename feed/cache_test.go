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

	"github.com/seminarkit/seminar"
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

// With a negative Poll each request needs a reading of the change token
// that began after it arrived; requests that arrive while a read is under
// way share the next one rather than each reading in turn.
func TestHandler_waitingRequestsShareTheNextTokenRead(t *testing.T) {
	f := newFixture(t, nil)
	here, err := seminar.New(trackingStore{f.store}, &seminar.Options{Domain: "example.edu", TimeZone: "America/New_York", Now: f.clock.Now})
	require.NoError(t, err)
	h, err := feed.NewHandler(here, &feed.Options{MaxAge: time.Hour, Poll: -1, Now: f.clock.Now})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, serve(h, http.MethodGet, "/calendar.ics").Code)

	f.store.tokenHold = make(chan struct{})
	before := f.store.tokenReads.Load()
	var wg sync.WaitGroup
	wg.Go(func() { serve(h, http.MethodGet, "/calendar.ics") })
	for f.store.tokenReads.Load() == before {
		time.Sleep(time.Millisecond) // until the first request reads, held
	}
	const waiting = 8
	arrived := make(chan struct{}, waiting)
	codes := make([]int, waiting)
	for i := range waiting {
		wg.Go(func() {
			arrived <- struct{}{}
			codes[i] = serve(h, http.MethodGet, "/calendar.ics").Code
		})
	}
	for range waiting {
		<-arrived
	}
	time.Sleep(100 * time.Millisecond) // until they wait for the read under way
	close(f.store.tokenHold)
	wg.Wait()
	for _, code := range codes {
		assert.Equal(t, http.StatusOK, code)
	}
	assert.Equal(t, int64(2), f.store.tokenReads.Load()-before,
		"the read under way, then one for every request that waited for it")
}
