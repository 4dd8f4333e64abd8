package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/feed"
	"github.com/seminarkit/seminar/store/sqlite"
)

// result is what one run of the command did.
type result struct {
	code           int
	stdout, stderr string
}

// runCmd runs the command line args as the command would.
func runCmd(t *testing.T, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), args, &stdout, &stderr)
	return result{code, stdout.String(), stderr.String()}
}

// fallTerm is the command line of the package documentation: the Vision
// Seminar's Mondays of fall 2017 but Columbus Day.
func fallTerm(db string, extra ...string) []string {
	return append([]string{"-db", db, "-domain", "csail.mit.edu", "-name", "Vision Seminar",
		"-start", "2017-09-11T16:00", "-zone", "America/New_York",
		"-rule", "FREQ=WEEKLY;BYDAY=MO;UNTIL=20171212T000000Z", "-except", "2017-10-09",
		"-duration", "1h", "-room", "32-D507"}, extra...)
}

// fallStarts are the slots of fallTerm: 4 PM in New York, on EDT through
// October 30 and on EST from November 6.
var fallStarts = []string{
	"2017-09-11T16:00:00-04:00", "2017-09-18T16:00:00-04:00", "2017-09-25T16:00:00-04:00",
	"2017-10-02T16:00:00-04:00", "2017-10-16T16:00:00-04:00", "2017-10-23T16:00:00-04:00",
	"2017-10-30T16:00:00-04:00",
	"2017-11-06T16:00:00-05:00", "2017-11-13T16:00:00-05:00", "2017-11-20T16:00:00-05:00",
	"2017-11-27T16:00:00-05:00", "2017-12-04T16:00:00-05:00", "2017-12-11T16:00:00-05:00",
}

// slotLine is a line of the output, read back.
type slotLine struct{ id, start, title string }

func slotLines(t *testing.T, stdout string) []slotLine {
	t.Helper()
	var out []slotLine
	for line := range strings.Lines(stdout) {
		f := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
		require.Len(t, f, 3, "ID, start and title, tab-separated: %q", line)
		out = append(out, slotLine{f[0], f[1], f[2]})
	}
	return out
}

// TestRun_plansTheFallTerm is the command's done-when check: thirteen
// slots at 4 PM New York time across the change to EST, the same again on a
// second run with nothing added, and the series' feed holding the same
// thirteen talks at the same instants, as every interop checker reads it.
func TestRun_plansTheFallTerm(t *testing.T) {
	db := filepath.Join(t.TempDir(), "seminar.db")
	first := runCmd(t, fallTerm(db)...)
	require.Equal(t, exitOK, first.code, first.stderr)
	lines := slotLines(t, first.stdout)
	require.Len(t, lines, 13)
	for i, l := range lines {
		assert.Equal(t, fallStarts[i], l.start)
		start, err := time.Parse(time.RFC3339, l.start)
		require.NoError(t, err)
		assert.Equal(t, seminar.SlotID("vision-seminar", start), l.id, "a slot's ID is derived from its series and start")
		assert.Equal(t, seminar.ToBeAnnounced, l.title)
	}
	assert.Contains(t, first.stderr, "created the series vision-seminar (Vision Seminar)")
	assert.Contains(t, first.stderr, "series: added 13 slots\n")
	assert.NotContains(t, first.stderr, "not public")

	second := runCmd(t, fallTerm(db)...)
	require.Equal(t, exitOK, second.code, second.stderr)
	assert.Equal(t, first.stdout, second.stdout, "a second run prints the same slots")
	assert.Contains(t, second.stderr, "series: no slots added\n")
	assert.NotContains(t, second.stderr, "created")

	body := seriesFeed(t, db, "/series/vision-seminar.ics?from=2017-09-01&to=2017-12-31")
	cal, err := ics.ParseCalendar(bytes.NewReader(body))
	require.NoError(t, err)
	assert.Equal(t, "Vision Seminar", calendarProperty(cal, "X-WR-CALNAME"))
	events := cal.Events()
	require.Len(t, events, 13, "each slot is its own VEVENT")
	var want []checkedSlot
	for i, e := range events {
		l := lines[i]
		start, err := time.Parse(time.RFC3339, l.start)
		require.NoError(t, err)
		assert.Equal(t, l.id+"@csail.mit.edu", e.GetProperty(ics.ComponentPropertyUniqueId).Value)
		got, err := e.GetStartAt()
		require.NoError(t, err)
		assert.True(t, got.Equal(start), "DTSTART %s, want %s", got, start)
		assert.Equal(t, "Vision Seminar: to be announced", e.GetProperty(ics.ComponentPropertySummary).Value)
		assert.Equal(t, "TENTATIVE", e.GetProperty(ics.ComponentPropertyStatus).Value)
		assert.Equal(t, "32-D507", e.GetProperty(ics.ComponentPropertyLocation).Value)
		want = append(want, checkedSlot{UID: l.id + "@csail.mit.edu", Start: start, End: start.Add(time.Hour)})
	}

	path := filepath.Join(t.TempDir(), "vision-seminar.ics")
	require.NoError(t, os.WriteFile(path, body, 0o644))
	for _, c := range checkers {
		t.Run(c.name, func(t *testing.T) {
			c.require(t)
			r := c.run(t, path)
			assert.Empty(t, r.Errors, "%s raised errors", c.name)
			assert.Empty(t, r.Warnings, "%s raised warnings", c.name)
			assert.Equal(t, "PUBLISH", r.Method)
			require.Len(t, r.Events, 13, "%s reads 13 events", c.name)
			for i, e := range r.Events {
				assert.Equal(t, want[i].UID, e.UID)
				assert.Equal(t, "Vision Seminar: to be announced", e.Summary)
				assert.Equal(t, "TENTATIVE", e.Status)
				if assert.NotNil(t, e.Start, "%s: DTSTART read", e.UID) {
					assert.Equal(t, want[i].Start.Unix(), *e.Start, "%s reads the start of %s as %s", c.name, e.UID,
						time.Unix(*e.Start, 0).In(want[i].Start.Location()).Format(time.RFC3339))
				}
				if assert.NotNil(t, e.End, "%s: DTEND read", e.UID) {
					assert.Equal(t, want[i].End.Unix(), *e.End)
				}
			}
		})
	}
}

// seriesFeed returns the body a feed.Handler on db serves at path.
func seriesFeed(t *testing.T, db, path string) []byte {
	t.Helper()
	store, err := sqlite.Open(context.Background(), db, nil)
	require.NoError(t, err)
	defer store.Close()
	cal, err := seminar.New(store, &seminar.Options{TimeZone: "America/New_York"})
	require.NoError(t, err)
	h, err := feed.NewHandler(cal, nil)
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
	return rec.Body.Bytes()
}

func calendarProperty(cal *ics.Calendar, name string) string {
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == name {
			return p.Value
		}
	}
	return ""
}

// openCalendar returns a Calendar on db, closed with the test.
func openCalendar(t *testing.T, db string) *seminar.Calendar {
	t.Helper()
	store, err := sqlite.Open(context.Background(), db, nil)
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	cal, err := seminar.New(store, &seminar.Options{TimeZone: "America/New_York"})
	require.NoError(t, err)
	return cal
}

// Running it with a longer rule adds only the new slots, and lists the
// slots that organizers filled in or cancelled as they now are; a slot
// that a new -except leaves out is kept and named.
func TestRun_plansAgain(t *testing.T) {
	db := filepath.Join(t.TempDir(), "seminar.db")
	require.Equal(t, exitOK, runCmd(t, fallTerm(db)...).code)

	cal := openCalendar(t, db)
	first := slotLines(t, runCmd(t, fallTerm(db)...).stdout)
	filled, err := cal.Get(t.Context(), first[0].id)
	require.NoError(t, err)
	filled.Title = "Scene understanding"
	filled.Speakers = []seminar.Person{{Name: "Antonio Torralba", Affiliation: "MIT"}}
	_, err = cal.Update(t.Context(), filled)
	require.NoError(t, err)
	_, err = cal.Cancel(t.Context(), first[1].id, "The room is closed.")
	require.NoError(t, err)

	longer := fallTerm(db)
	for i, a := range longer {
		if strings.HasPrefix(a, "FREQ=") {
			longer[i] = "FREQ=WEEKLY;BYDAY=MO;UNTIL=20171219T000000Z"
		}
	}
	r := runCmd(t, append(longer, "-except", "2017-11-20")...)
	require.Equal(t, exitOK, r.code, r.stderr)
	lines := slotLines(t, r.stdout)
	require.Len(t, lines, 13, "one more Monday, one less")
	assert.Equal(t, "Scene understanding", lines[0].title)
	assert.Equal(t, "Cancelled: "+seminar.ToBeAnnounced, lines[1].title)
	assert.Equal(t, "2017-12-18T16:00:00-05:00", lines[12].start)
	assert.Contains(t, r.stderr, "series: added 1 slot\n")
	assert.Contains(t, r.stderr, "1 slots planned before are not in this plan; they are kept")
	assert.Contains(t, r.stderr, "\t"+first[9].id+"\t2017-11-20T16:00:00-05:00\n")
}

func TestRun_lists(t *testing.T) {
	db := filepath.Join(t.TempDir(), "seminar.db")
	r := runCmd(t, fallTerm(db, "-lists", "vision-meeting@csail.mit.edu, seminars@csail.mit.edu", "-lists", "bzhou@csail.mit.edu", "-public=false")...)
	require.Equal(t, exitOK, r.code, r.stderr)
	s, err := openCalendar(t, db).GetSeries(t.Context(), "vision-seminar")
	require.NoError(t, err)
	assert.Equal(t, []string{"vision-meeting@csail.mit.edu", "seminars@csail.mit.edu", "bzhou@csail.mit.edu"}, s.Defaults.Reminders.Lists)
	assert.Equal(t, []time.Duration{7 * 24 * time.Hour, 24 * time.Hour}, s.Defaults.Reminders.Schedule)
	assert.False(t, s.Defaults.Public)
	assert.Contains(t, r.stderr, "talks are not public", "a private series is said to be one")
	assert.Equal(t, "32-D507", s.Defaults.Location.Room)
	assert.Equal(t, time.Hour, s.Defaults.Duration)
}

// Each mistake on the command line is exit status 2 and names its flag,
// and stores nothing.
func TestRun_badFlags(t *testing.T) {
	tests := []struct {
		name string
		edit func(args []string) []string
		want []string
	}{
		{"no -db", func(a []string) []string { return a[2:] }, []string{"-db is required"}},
		{"no -rule", func(a []string) []string { return without(a, "-rule") }, []string{"-rule is required"}},
		{"name of no letter", func(a []string) []string { return set(a, "-name", "★") }, []string{`-name "★" has no letter or digit`}},
		{"start with an offset", func(a []string) []string { return set(a, "-start", "2017-09-11T16:00-04:00") },
			[]string{`-start "2017-09-11T16:00-04:00" is not a wall time such as 2017-09-11T16:00`}},
		{"start in the spring-forward gap", func(a []string) []string { return set(a, "-start", "2017-03-12T02:30") },
			[]string{"-start 2017-03-12T02:30: ", "daylight-saving gap", "clocks skip from 02:00 to 03:00"}},
		{"start in the fall-back fold", func(a []string) []string { return set(a, "-start", "2017-11-05T01:30") },
			[]string{"-start 2017-11-05T01:30: ", "daylight-saving fold", "-04:00 and -05:00"}},
		{"a slot in the gap", func(a []string) []string {
			return set(set(a, "-start", "2017-03-05T02:30"), "-rule", "FREQ=WEEKLY;COUNT=3")
		}, []string{`-start "2017-03-05T02:30": 02:30 does not exist on 2017-03-12 in America/New_York`}},
		{"unknown zone", func(a []string) []string { return set(a, "-zone", "Mars/Olympus") }, []string{`-zone "Mars/Olympus" is not an IANA time zone`}},
		{"abbreviated zone", func(a []string) []string { return set(a, "-zone", "EST") }, []string{`-zone "EST": `, "not a place"}},
		{"rule that never ends", func(a []string) []string { return set(a, "-rule", "FREQ=WEEKLY;BYDAY=MO") }, []string{`-rule "FREQ=WEEKLY;BYDAY=MO": never ends`}},
		{"bad except among good", func(a []string) []string { return set(a, "-except", "2017-10-09,10/09/2017") }, []string{`-except "10/09/2017": `}},
		{"bad list", func(a []string) []string { return append(a, "-lists", "vision-meeting") }, []string{`-lists "vision-meeting": `}},
		{"zero duration", func(a []string) []string { return set(a, "-duration", "0s") }, []string{"-duration 0s: a talk lasts a positive time"}},
		{"duration not a duration", func(a []string) []string { return set(a, "-duration", "an hour") }, []string{`invalid value "an hour" for flag -duration`}},
		{"room on two lines", func(a []string) []string { return set(a, "-room", "32\nD507") }, []string{`-room "32\nD507": `}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "seminar.db")
			r := runCmd(t, tt.edit(fallTerm(db))...)
			assert.Equal(t, exitUsage, r.code)
			for _, want := range tt.want {
				assert.Contains(t, r.stderr, want)
			}
			assert.Empty(t, r.stdout)
			if r.code == exitUsage && tt.name != "no -db" {
				all, err := openCalendar(t, db).ListSeries(t.Context())
				require.NoError(t, err)
				assert.Empty(t, all, "a refused command line stores nothing")
			}
		})
	}
}

// A stored series is planned, not changed: flags that differ from it are
// named, and nothing is written.
func TestRun_storedSeriesDiffers(t *testing.T) {
	db := filepath.Join(t.TempDir(), "seminar.db")
	require.Equal(t, exitOK, runCmd(t, fallTerm(db)...).code)
	cal := openCalendar(t, db)
	before, err := cal.GetSeries(t.Context(), "vision-seminar")
	require.NoError(t, err)
	r := runCmd(t, set(set(fallTerm(db), "-room", "32-G449"), "-zone", "Europe/Paris")...)
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `-zone is "Europe/Paris", the series' zone is "America/New_York"`)
	assert.Contains(t, r.stderr, `-room is "32-G449", the series' room is "32-D507"`)
	assert.Contains(t, r.stderr, "UpdateSeries")

	r = runCmd(t, without(without(fallTerm(db), "-room"), "-duration")...)
	assert.Equal(t, exitOK, r.code, "flags left out are not compared: %s", r.stderr)
	after, err := cal.GetSeries(t.Context(), "vision-seminar")
	require.NoError(t, err)
	assert.Equal(t, before, after, "nothing was written")
}

// set returns args with the value of flag replaced.
func set(args []string, flag, value string) []string {
	out := append([]string(nil), args...)
	for i := range out {
		if out[i] == flag {
			out[i+1] = value
		}
	}
	return out
}

// without returns args without flag and its value.
func without(args []string, flag string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		if args[i] == flag {
			i++
			continue
		}
		out = append(out, args[i])
	}
	return out
}
