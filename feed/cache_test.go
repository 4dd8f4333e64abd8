package feed_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
