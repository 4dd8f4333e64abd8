package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar/web"
)

// quickstartDB makes a database with examples/quickstart, as the README
// says to.
func quickstartDB(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the go command is not on PATH: the test runs examples/quickstart with it")
		}
		t.Skip("the go command is not on PATH: the test runs examples/quickstart with it")
	}
	db := filepath.Join(t.TempDir(), "seminar.db")
	out, err := exec.Command(goTool, "run", "../quickstart", "-db", db).CombinedOutput()
	require.NoError(t, err, "go run ./examples/quickstart:\n%s", out)
	return db
}

// syncBuffer is the server's output, written by run and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
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

const testToken = "a test admin token of more than 16 bytes"

func TestRun_servesTheQuickstartDatabase(t *testing.T) {
	db := quickstartDB(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	base := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, config{db: db, asOf: "2017-06-10", zone: "America/New_York", name: "CSAIL Seminars", adminToken: testToken}, ln, &out)
	}()

	client := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	do := func(t *testing.T, method, path string, form url.Values, header http.Header) (*http.Response, string) {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, err := http.NewRequest(method, base+path, body)
		require.NoError(t, err)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		for name, values := range header {
			req.Header[name] = values
		}
		resp, err := client.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, string(b)
	}
	bearer := http.Header{"Authorization": {"Bearer " + testToken}}

	resp, home := do(t, http.MethodGet, "/", nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, home)
	assert.Contains(t, home, "A picture of the energy landscape of deep neural networks", "the demo clock makes the seed talk upcoming")
	assert.NotContains(t, home, "New event", "read-only for anonymous visitors")

	_, body := do(t, http.MethodGet, "/events.json?from=2017-06-01&to=2017-07-01", nil, nil)
	var doc web.EventsDocument
	require.NoError(t, json.Unmarshal([]byte(body), &doc))
	require.Len(t, doc.Events, 6, "the quickstart's six June talks")
	var seed web.EventJSON
	for _, e := range doc.Events {
		if e.UID == "2017-06-12-chaudhari@csail.mit.edu" {
			seed = e
		}
	}
	require.NotEmpty(t, seed.ID)
	assert.Equal(t, base+"/events/"+seed.ID, seed.URL, "the site knows its own address")
	talk := "/events/" + seed.ID

	resp, page := do(t, http.MethodGet, talk, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, "Pratik Chaudhari")
	assert.NotContains(t, page, "Edit Event")

	t.Run("anonymous and wrong tokens may not write", func(t *testing.T) {
		for _, h := range []http.Header{nil, {"Authorization": {"Bearer wrong token of the same length!!!!!!"}}} {
			resp, _ := do(t, http.MethodPost, talk+"/cancel", url.Values{"reason": {"No"}}, h)
			assert.Equal(t, http.StatusForbidden, resp.StatusCode)
			resp, _ = do(t, http.MethodGet, talk+"/edit", nil, h)
			assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		}
	})

	t.Run("a bearer token may", func(t *testing.T) {
		resp, page := do(t, http.MethodGet, talk, nil, bearer)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, page, "Edit Event")
		resp, _ = do(t, http.MethodGet, talk+"/preview", nil, bearer)
		assert.Equal(t, http.StatusOK, resp.StatusCode, "the site previews with mail.Composer")
		resp, page = do(t, http.MethodGet, talk+"/send", nil, bearer)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, page, "reminder worker", "the site does not send itself")
	})

	t.Run("sign in with a cookie", func(t *testing.T) {
		resp, _ := do(t, http.MethodPost, "/login", url.Values{"token": {"not the token"}}, nil)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.Empty(t, resp.Cookies())

		resp, _ = do(t, http.MethodPost, "/login", url.Values{"token": {testToken}}, http.Header{"Sec-Fetch-Site": {"cross-site"}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, "another site cannot sign a visitor in")
		assert.Empty(t, resp.Cookies())

		resp, _ = do(t, http.MethodPost, "/login", url.Values{"token": {testToken}}, nil)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		cookies := resp.Cookies()
		require.Len(t, cookies, 1)
		c := cookies[0]
		assert.True(t, c.HttpOnly)
		assert.Equal(t, http.SameSiteStrictMode, c.SameSite)
		assert.False(t, c.Secure, "not over plain HTTP")
		assert.NotContains(t, c.Value, testToken, "the cookie does not hold the token")
		session := http.Header{"Cookie": {c.Name + "=" + c.Value}}

		resp, page := do(t, http.MethodGet, talk+"/edit", nil, session)
		assert.Equal(t, http.StatusOK, resp.StatusCode, page)
		resp, _ = do(t, http.MethodPost, talk+"/cancel", url.Values{"reason": {"The speaker is ill."}}, session)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		_, page = do(t, http.MethodGet, talk, nil, nil)
		assert.Contains(t, page, "The speaker is ill.", "the cancellation shows to everyone")

		resp, _ = do(t, http.MethodPost, "/logout", url.Values{}, session)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		require.Len(t, resp.Cookies(), 1)
		assert.Negative(t, resp.Cookies()[0].MaxAge, "the cookie is cleared")
	})

	assert.Contains(t, out.String(), "sign in at "+base+"/login")
	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err, "a graceful shutdown is no error")
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after its context was cancelled")
	}
	_, err = client.Get(base + "/")
	assert.Error(t, err, "the listener is closed")
}

func TestRun_readOnlyWithoutAToken(t *testing.T) {
	db := quickstartDB(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, config{db: db, asOf: "2017-06-10", zone: "America/New_York"}, ln, io.Discard) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/login")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "no sign-in without a token")
	resp, err = http.Get("http://" + ln.Addr().String() + "/events/new")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	cancel()
	assert.NoError(t, <-done)
}

func TestRun_refusesBadInput(t *testing.T) {
	db := filepath.Join(t.TempDir(), "seminar.db")
	require.NoError(t, os.WriteFile(db, nil, 0o600))
	tests := []struct {
		name string
		cfg  config
		want string
	}{
		{"no database", config{db: filepath.Join(t.TempDir(), "missing.db"), asOf: "now"}, "go run ./examples/quickstart -db"},
		{"bad asof", config{db: db, asOf: "June"}, `-asof "June" is neither a date`},
		{"short token", config{db: db, asOf: "now", adminToken: "short"}, "use at least 16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			err = run(context.Background(), tt.cfg, ln, io.Discard)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
