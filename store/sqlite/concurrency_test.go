package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/store/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sharedID is the event that every writer of a concurrency test updates.
const sharedID = "shared"

func sharedEvent() *seminar.Event {
	e := sampleEvent(0, time.Hour)
	e.ID, e.UID = sharedID, "shared@example.org"
	e.ResearchAreas = []string{}
	return e
}

// write creates n events with IDs prefixed by who, and after each tries once
// to update the shared event, adding a token naming the write. It returns
// the tokens of the updates that succeeded; every other update must have
// failed with ErrConflict.
func write(t testing.TB, s *sqlite.Store, who string, n int) []string {
	ctx := context.Background()
	var tokens []string
	for i := range n {
		e := sampleEvent(i, time.Hour)
		e.ID, e.UID = fmt.Sprintf("%s-%d", who, i), fmt.Sprintf("%s-%d@example.org", who, i)
		if !assert.NoError(t, s.Create(ctx, e)) {
			return tokens
		}
		cur, err := s.Get(ctx, sharedID)
		if !assert.NoError(t, err) {
			return tokens
		}
		token := fmt.Sprintf("%s/%d", who, i)
		cur.ResearchAreas = append(cur.ResearchAreas, token)
		cur.Version++
		switch err := s.Update(ctx, cur, cur.Version-1); {
		case err == nil:
			tokens = append(tokens, token)
		case !errors.Is(err, seminar.ErrConflict):
			assert.NoError(t, err, "an update racing others must succeed or fail with ErrConflict")
			return tokens
		}
	}
	return tokens
}

// checkShared checks that the shared event holds exactly the tokens of the
// successful updates, and the version that many updates give.
func checkShared(t *testing.T, s *sqlite.Store, tokens []string) {
	t.Helper()
	got, err := s.Get(t.Context(), sharedID)
	require.NoError(t, err)
	assert.Equal(t, int64(1+len(tokens)), got.Version, "every successful update must raise the version once")
	slices.Sort(tokens)
	have := slices.Clone(got.ResearchAreas)
	slices.Sort(have)
	assert.Equal(t, tokens, have, "the shared event must hold the token of every successful update and no other")
}

func count(t *testing.T, s *sqlite.Store) int {
	t.Helper()
	all, err := s.List(t.Context(), seminar.ListQuery{Filter: seminar.Filter{IncludeCancelled: true}, Limit: 100000})
	require.NoError(t, err)
	return len(all)
}

func TestStore_ConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "talks.db")
	// Two stores, each with its own pool of connections, on one file.
	var stores []*sqlite.Store
	for range 2 {
		s, err := sqlite.Open(context.Background(), path, nil)
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	require.NoError(t, stores[0].Create(t.Context(), sharedEvent()))

	const writers, n = 6, 40
	var (
		mu     sync.Mutex
		tokens []string
		wg     sync.WaitGroup
	)
	for w := range writers {
		wg.Go(func() {
			got := write(t, stores[w%2], fmt.Sprintf("w%d", w), n)
			mu.Lock()
			tokens = append(tokens, got...)
			mu.Unlock()
		})
	}
	wg.Wait()
	assert.NotEmpty(t, tokens)
	checkShared(t, stores[1], tokens)
	assert.Equal(t, 1+writers*n, count(t, stores[0]), "every created event must be stored")
}

// helperEnv, when set, makes TestStore_TwoProcesses the child process: it
// writes to the database file named by the variable and prints its tokens.
const helperEnv = "SEMINAR_SQLITE_TEST_CHILD_DB"

var childTokens = regexp.MustCompile(`(?m)^child tokens: (.*)$`)

func TestStore_TwoProcesses(t *testing.T) {
	const n = 150
	if path := os.Getenv(helperEnv); path != "" {
		s, err := sqlite.Open(context.Background(), path, nil)
		require.NoError(t, err)
		defer s.Close()
		fmt.Printf("child tokens: %q\n", write(t, s, "child", n))
		return
	}
	if testing.Short() {
		t.Skip("starts a second process")
	}

	path := filepath.Join(t.TempDir(), "talks.db")
	s, err := sqlite.Open(context.Background(), path, nil)
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Create(t.Context(), sharedEvent()))

	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestStore_TwoProcesses$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+path)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	// Start writing once the child does, so that the two overlap.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := s.Get(t.Context(), "child-0"); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	parent, err := sqlite.Open(context.Background(), path, nil) // a pool of its own, as the child has
	require.NoError(t, err)
	defer parent.Close()
	tokens := write(t, parent, "parent", n)
	require.NoError(t, cmd.Wait(), "child process:\n%s", out.String())

	m := childTokens.FindStringSubmatch(out.String())
	require.NotNil(t, m, "the child must report its tokens; it wrote:\n%s", out.String())
	var child []string
	for _, q := range regexp.MustCompile(`"[^"]*"`).FindAllString(m[1], -1) {
		token, err := strconv.Unquote(q)
		require.NoError(t, err)
		child = append(child, token)
	}
	t.Logf("updates that won: parent %d, child %d, of %d each", len(tokens), len(child), n)
	checkShared(t, s, append(tokens, child...))
	assert.Equal(t, 1+2*n, count(t, s), "every event either process created must be stored")

	var check string
	require.NoError(t, sqlite.DB(s).QueryRowContext(t.Context(), "PRAGMA integrity_check").Scan(&check))
	assert.Equal(t, "ok", check)
}
