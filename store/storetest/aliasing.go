package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
)

var aliasingCases = []testCase{
	{"CreateArgument", testAliasingCreateArgument},
	{"UpdateArgument", testAliasingUpdateArgument},
	{"GetResult", testAliasingGetResult},
	{"ListResult", testAliasingListResult},
}

// scribble changes every field of e that a shallow copy would share, and a
// few that it would not, the way a caller reusing a value would.
func scribble(e *seminar.Event) {
	e.Title = "scribbled"
	e.Start = e.Start.Add(time.Hour)
	e.Speakers[0].Name = "scribbled"
	e.Links[0].URL = "https://scribbled.example"
	e.ResearchAreas[0] = "scribbled"
	e.ImpactAreas[0] = "scribbled"
	e.Reminders.Lists[0] = "scribbled@example.org"
	e.Reminders.Schedule[0] = time.Minute
}

func testAliasingCreateArgument(t *testing.T, s seminar.Store) {
	e := fullEvent(t, "full")
	mustCreate(t, s, e)
	scribble(e)
	assertSameEvent(t, fullEvent(t, "full"), mustGet(t, s, "full"),
		"a Store must not keep memory of the event given to Create: changing it afterwards must not change the stored event")
}

func testAliasingUpdateArgument(t *testing.T, s seminar.Store) {
	mustCreate(t, s, fullEvent(t, "full"))
	e := fullEvent(t, "full")
	e.Title = "Updated"
	e.Version++
	want := e.Clone()
	require.NoError(t, s.Update(t.Context(), e, fullEvent(t, "full").Version),
		"a Store must update an event given its stored Version")
	scribble(e)
	assertSameEvent(t, want, mustGet(t, s, "full"),
		"a Store must not keep memory of the event given to Update: changing it afterwards must not change the stored event")
}

func testAliasingGetResult(t *testing.T, s seminar.Store) {
	mustCreate(t, s, fullEvent(t, "full"))
	scribble(mustGet(t, s, "full"))
	assertSameEvent(t, fullEvent(t, "full"), mustGet(t, s, "full"),
		"a Store must return from Get an event that shares no memory with the store")
}

func testAliasingListResult(t *testing.T, s seminar.Store) {
	mustCreate(t, s, fullEvent(t, "full"))
	for _, e := range mustList(t, s, everything()) {
		scribble(e)
	}
	assertSameEvent(t, fullEvent(t, "full"), mustGet(t, s, "full"),
		"a Store must return from List events that share no memory with the store")
	listed := mustList(t, s, everything())
	require.Len(t, listed, 1, "a Store must list the one event it holds")
	assertSameEvent(t, fullEvent(t, "full"), listed[0],
		"a Store must return from List events that share no memory with the store")
}
