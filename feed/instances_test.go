package feed_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/feed"
	"github.com/seminarkit/seminar/store/postgres"
	"github.com/seminarkit/seminar/store/sqlite"
)

// TestHandler_writesOfAnotherInstance serves a feed from one instance and
// writes through another, each with its own handle on a shared database,
// as two processes would: the feed shows the write, of a talk or of a
// series, at the next poll once Options.Poll has passed (at once with a
// negative Poll), well within its maximum age, and an unchanged poll is
// answered from the cache.
func TestHandler_writesOfAnotherInstance(t *testing.T) {
	for _, poll := range []time.Duration{-1, 50 * time.Millisecond} {
		t.Run(fmt.Sprintf("poll=%s", poll), func(t *testing.T) {
			t.Run("sqlite", func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "talks.db")
				open := func() seminar.Store {
					s, err := sqlite.Open(t.Context(), path, nil)
					require.NoError(t, err)
					t.Cleanup(func() { s.Close() })
					return s
				}
				checkInstances(t, open(), open(), poll)
			})
			t.Run("postgres", func(t *testing.T) {
				url := os.Getenv("SEMINAR_POSTGRES_URL")
				if url == "" {
					t.Skip("SEMINAR_POSTGRES_URL is not set: set it to a PostgreSQL database (CI does) to run the PostgreSQL case")
				}
				schema := fmt.Sprintf("feed_instances_%d", time.Now().UnixNano())
				t.Cleanup(func() {
					conn, err := pgx.Connect(context.Background(), url)
					if err == nil {
						_, _ = conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
						conn.Close(context.Background())
					}
				})
				open := func() seminar.Store {
					s, err := postgres.Open(t.Context(), url, &postgres.Options{Schema: schema})
					require.NoError(t, err)
					t.Cleanup(func() { s.Close() })
					return s
				}
				checkInstances(t, open(), open(), poll)
			})
		})
	}
}

func checkInstances(t *testing.T, here, there seminar.Store, poll time.Duration) {
	ctx := t.Context()
	// next waits until a request reads the change token again.
	next := func() {
		if poll > 0 {
			time.Sleep(poll + poll/2)
		}
	}
	opts := &seminar.Options{Domain: "example.edu", TimeZone: "America/New_York"}
	serving, err := seminar.New(here, opts)
	require.NoError(t, err)
	writing, err := seminar.New(there, opts)
	require.NoError(t, err)
	series, err := writing.CreateSeries(ctx, &seminar.Series{Name: "Vision Seminar"})
	require.NoError(t, err)
	start := time.Now().Add(48 * time.Hour).Truncate(time.Hour)
	talk, err := writing.Create(ctx, &seminar.Event{
		Title: "Learning to see by walking", Series: series.ID, Start: start, End: start.Add(time.Hour),
		TimeZone: "America/New_York", Public: true,
		Speakers: []seminar.Person{{Name: "Ana Ferreira"}},
	})
	require.NoError(t, err)

	h, err := feed.NewHandler(serving, &feed.Options{MaxAge: time.Hour, Poll: poll})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	get := func(etag string) (*http.Response, string) {
		t.Helper()
		return getFeed(t, srv.URL+"/calendar.ics", etag)
	}
	first, body := get("")
	require.Equal(t, http.StatusOK, first.StatusCode)
	assert.Contains(t, body, "Learning to see by walking")
	etag := first.Header.Get("ETag")
	again, _ := get(etag)
	assert.Equal(t, http.StatusNotModified, again.StatusCode, "an unchanged calendar must answer a poll with 304")

	talk.Title = "Edited by the other instance"
	_, err = writing.Update(ctx, talk)
	require.NoError(t, err)
	next()
	after, body := get(etag)
	require.Equal(t, http.StatusOK, after.StatusCode,
		"a write by another instance must change the feed's ETag at the next poll, within MaxAge")
	assert.Contains(t, body, "Edited by the other instance")

	seriesURL := srv.URL + feed.Series(series.ID).Path()
	first, body = getFeed(t, seriesURL, "")
	require.Equal(t, http.StatusOK, first.StatusCode)
	assert.Contains(t, body, "X-WR-CALNAME:Vision Seminar\r\n")
	series.Name = "Vision and Graphics Seminar"
	_, err = writing.UpdateSeries(ctx, series)
	require.NoError(t, err)
	next()
	after, body = getFeed(t, seriesURL, first.Header.Get("ETag"))
	require.Equal(t, http.StatusOK, after.StatusCode,
		"a rename by another instance must change the series feed's ETag at the next poll, within MaxAge")
	assert.Contains(t, body, "X-WR-CALNAME:Vision and Graphics Seminar\r\n")
}

// getFeed requests url, with If-None-Match when etag is set, and returns
// the response and its body.
func getFeed(t *testing.T, url, etag string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	require.NoError(t, err)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}
