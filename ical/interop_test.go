package ical_test

// Interoperability: what we write must be read the same by the parsers our
// subscribers' clients use, not only by our own decoder. Four independent
// parsers, each run by a script in testdata/interop that prints what it read
// as JSON, read one file per run:
//
//   - ical.js (npm, pinned in testdata/interop/package-lock.json), the parser
//     of Thunderbird and many web calendars. Proves: the file parses, text
//     and parameter values unescape to ours, and each TZID resolves to the
//     file's own VTIMEZONE (ical.js silently reads an unresolved TZID as
//     floating; the script reports that). Does not prove: RFC 5546 rules, or
//     that the VTIMEZONE matches the tz database; ical.js reads a repeated
//     wall time (fall-back night) as its second occurrence, contrary to RFC
//     5545 3.3.5.
//   - python3-icalendar 4.0 (Debian 12). It resolves a TZID that names an
//     IANA zone through pytz by name and ignores the VTIMEZONE, so its
//     instants prove that our TZIDs are real IANA names and that the wall
//     times under them mean our instants. The script then checks the
//     VTIMEZONE itself with icalendar's Timezone.to_tz(): its UTC offsets
//     must equal the tz database's at each event time and around each
//     transition in those years. Does not prove: offsets outside those years
//     (our VTIMEZONEs may cover only the years the events need).
//   - python3-vobject 0.9.6 (Debian 12), readOne(validate=True): proves the
//     file passes vobject's stricter line and parameter parsing (it splits a
//     backslash-escaped parameter value in two) and its property-count
//     validation, and reads every TZID time through the file's VTIMEZONE
//     (dateutil's tzical; a fallback to pytz is an error). dateutil reads a
//     repeated wall time as its first occurrence, as the RFC says.
//   - libical 3.0 through GObject introspection (gir1.2-ical-3.0), the
//     library of Evolution and KDE: proves the parser inserts no X-LIC-ERROR
//     anywhere and that check_restrictions passes RFC 5546's table for the
//     file's METHOD (PUBLISH: exactly one ORGANIZER, no ATTENDEE, ...); times
//     are read through the file's VTIMEZONE. libical too reads a repeated
//     wall time as its second occurrence.
//
// None of them rejects LF line endings or over-long lines, and only ical.js
// decodes RFC 6868 parameter escapes (^' ^n ^^) fully, so the test checks
// line endings and lengths itself. The readers disagree on wall times that
// occur twice, so any event time in a fold must be written in UTC for all of
// them to read our instant; the corpus holds such times on purpose.
//
// A checker whose tool is missing is skipped, saying how to install it,
// except when CI=true: then it fails, as nothing may skip in CI. .ci/run
// installs every tool.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// interopDir holds the checker scripts, relative to the package directory
// that go test runs in.
const interopDir = "testdata/interop"

// debianPython is Debian's interpreter: the Python packages the checkers use
// are Debian's, and a python3 earlier on PATH (pyenv, a venv) lacks them.
const debianPython = "/usr/bin/python3"

// A checker runs one independent parser on a file.
type checker struct {
	name    string
	script  string   // in interopDir
	command []string // the script's path is appended, then the file's
	probe   []string // exits 0 when the tool is installed
	install string   // how to install it, for the skip message
}

var checkers = []checker{
	{
		name:    "ical.js",
		script:  "check_icaljs.mjs",
		command: []string{"node"},
		probe:   []string{"node", "-e", `import("ical.js")`},
		install: "install Node.js 18 or later and run `npm ci` in ical/testdata/interop",
	},
	{
		name:    "python3-icalendar",
		script:  "check_icalendar.py",
		command: []string{debianPython},
		probe:   []string{debianPython, "-c", "import icalendar, pytz"},
		install: "apt-get install python3-icalendar",
	},
	{
		name:    "python3-vobject",
		script:  "check_vobject.py",
		command: []string{debianPython},
		probe:   []string{debianPython, "-c", "import vobject"},
		install: "apt-get install python3-vobject",
	},
	{
		name:    "libical",
		script:  "check_libical.py",
		command: []string{debianPython},
		probe: []string{debianPython, "-c",
			"import gi; gi.require_version('ICalGLib', '3.0'); from gi.repository import ICalGLib"},
		install: "apt-get install gir1.2-ical-3.0 python3-gi",
	},
}

// require skips the test when the checker's tool is missing, or fails it
// when running in CI.
func (c checker) require(t *testing.T) {
	t.Helper()
	probe := exec.CommandContext(t.Context(), c.probe[0], c.probe[1:]...)
	probe.Dir = interopDir
	out, err := probe.CombinedOutput()
	if err == nil {
		return
	}
	msg := fmt.Sprintf("interop checker %s is not installed (%v: %s); to run it, %s",
		c.name, err, bytes.TrimSpace(out), c.install)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (in CI every checker must run: .ci/run installs them)")
	}
	t.Skip(msg)
}

// run reads the file at path with the checker.
func (c checker) run(t *testing.T, path string) checkReport {
	t.Helper()
	path, err := filepath.Abs(path)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	args := append(slices.Clone(c.command[1:]), c.script, path)
	cmd := exec.CommandContext(ctx, c.command[0], args...)
	cmd.Dir = interopDir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "checker %s crashed; stderr:\n%s", c.name, stderr.String())
	var r checkReport
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &r), "checker %s printed:\n%s", c.name, stdout.String())
	return r
}

// checkReport is what every checker script prints.
type checkReport struct {
	Checker  string         `json:"checker"`
	Version  string         `json:"version"`
	Method   string         `json:"method"`
	Events   []checkedEvent `json:"events"`
	Errors   []string       `json:"errors"`
	Warnings []string       `json:"warnings"`
}

type checkedEvent struct {
	UID         string `json:"uid"`
	Summary     string `json:"summary"`
	Description string `json:"description"`
	Location    string `json:"location"`
	OrganizerCN string `json:"organizer_cn"`
	Organizer   string `json:"organizer"`
	Status      string `json:"status"`
	Sequence    *int   `json:"sequence"`
	Start       *int64 `json:"dtstart"` // Unix seconds
	End         *int64 `json:"dtend"`
}

// wantEvent is what a checker must read for one event.
type wantEvent struct {
	UID, Summary, Description, Location string
	OrganizerCN, OrganizerEmail         string
	Status                              string
	Sequence                            int
	Start, End                          time.Time
}

// problems lists every way in which r differs from what was written: the
// errors and warnings the checker raised, then each field it read
// differently. Text is compared after turning CRLF and CR into LF, the one
// line break an iCalendar TEXT value has.
func problems(r checkReport, method string, want []wantEvent) []string {
	var out []string
	for _, e := range r.Errors {
		out = append(out, "error: "+e)
	}
	for _, w := range r.Warnings {
		out = append(out, "warning: "+w)
	}
	if r.Method != method {
		out = append(out, fmt.Sprintf("METHOD reads %q, want %q", r.Method, method))
	}
	got := map[string]checkedEvent{}
	for _, e := range r.Events {
		if _, dup := got[e.UID]; dup {
			out = append(out, fmt.Sprintf("UID %q read twice", e.UID))
		}
		got[e.UID] = e
	}
	for _, w := range want {
		g, ok := got[w.UID]
		if !ok {
			out = append(out, fmt.Sprintf("UID %q not read", w.UID))
			continue
		}
		delete(got, w.UID)
		out = append(out, eventProblems(g, w)...)
	}
	for uid := range got {
		out = append(out, fmt.Sprintf("UID %q read but never written", uid))
	}
	return out
}

func eventProblems(g checkedEvent, w wantEvent) []string {
	var out []string
	field := func(name, got, want string) {
		if got != want {
			out = append(out, fmt.Sprintf("%s: %s reads %q, want %q", w.UID, name, got, want))
		}
	}
	field("SUMMARY", g.Summary, w.Summary)
	field("DESCRIPTION", newlines(g.Description), newlines(w.Description))
	field("LOCATION", g.Location, w.Location)
	field("ORGANIZER CN", g.OrganizerCN, w.OrganizerCN)
	field("ORGANIZER", strings.ToLower(g.Organizer), "mailto:"+strings.ToLower(w.OrganizerEmail))
	field("STATUS", g.Status, w.Status)
	if g.Sequence == nil || *g.Sequence != w.Sequence {
		out = append(out, fmt.Sprintf("%s: SEQUENCE reads %v, want %d", w.UID, deref(g.Sequence), w.Sequence))
	}
	instant := func(name string, got *int64, want time.Time) {
		if got == nil {
			out = append(out, fmt.Sprintf("%s: %s not read", w.UID, name))
			return
		}
		if *got != want.Unix() {
			out = append(out, fmt.Sprintf("%s: %s reads %s, want %s", w.UID, name,
				time.Unix(*got, 0).UTC().Format(time.RFC3339), want.UTC().Format(time.RFC3339)))
		}
	}
	instant("DTSTART", g.Start, w.Start)
	instant("DTEND", g.End, w.End)
	return out
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func newlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// lineProblems reports what none of the checkers refuses: content lines
// must end in CRLF and be at most 75 octets long (RFC 5545 3.1).
func lineProblems(ics []byte) []string {
	var out []string
	if !bytes.HasSuffix(ics, []byte("\r\n")) {
		out = append(out, "the file does not end in CRLF")
	}
	for i, line := range bytes.SplitAfter(ics, []byte("\n")) {
		switch {
		case len(line) == 0:
		case !bytes.HasSuffix(line, []byte("\r\n")):
			out = append(out, fmt.Sprintf("line %d does not end in CRLF: %q", i+1, line))
		case len(line)-2 > 75:
			out = append(out, fmt.Sprintf("line %d is %d octets long, more than 75: %q", i+1, len(line)-2, line))
		case bytes.ContainsRune(line[:len(line)-2], '\r'):
			out = append(out, fmt.Sprintf("line %d holds a bare CR: %q", i+1, line))
		}
	}
	return out
}

// sampleWant is what testdata/interop/samples/sample.ics, written by hand,
// means.
func sampleWant() []wantEvent {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return []wantEvent{
		{
			UID:            "seed@seminar.invalid",
			Summary:        `A picture, of; the: "energy" \ landscape 😀 深度学习`,
			Description:    "Speaker: Pratik Chaudhari, UCLA\r\n\r\nStochastic gradient descent (SGD) is the gold standard.\nIn practice, optima…",
			Location:       "32-D507",
			OrganizerCN:    "Zhou, Bolei; MIT: CSAIL",
			OrganizerEmail: "bzhou@csail.mit.edu",
			Status:         "CONFIRMED",
			Sequence:       2,
			Start:          time.Date(2017, time.June, 12, 16, 0, 0, 0, ny),
			End:            time.Date(2017, time.June, 12, 17, 0, 0, 0, ny),
		},
		{
			UID:            "berlin@seminar.invalid",
			Summary:        "Kolloquium: Über Graphen 🧠",
			Description:    "Zeile eins\n\nZeile drei mit Tab\tund 中文",
			Location:       "Hörsaal 1; Gebäude Ost",
			OrganizerCN:    "Müller, Jürgen",
			OrganizerEmail: "mueller@example.org",
			Status:         "CONFIRMED",
			Start:          time.Date(2027, time.October, 29, 14, 0, 0, 0, berlin),
			End:            time.Date(2027, time.October, 29, 16, 0, 0, 0, berlin),
		},
		{
			UID:            "cancelled@seminar.invalid",
			Summary:        "Cancelled talk",
			Description:    "Cancelled: the speaker is ill.",
			Location:       "Online",
			OrganizerCN:    "Seminar Office",
			OrganizerEmail: "office@example.org",
			Status:         "CANCELLED",
			Sequence:       3,
			Start:          time.Date(2027, time.June, 15, 9, 0, 0, 0, time.UTC),
			End:            time.Date(2027, time.June, 15, 10, 30, 0, 0, time.UTC),
		},
	}
}

// TestCheckers_ReadSample proves the checkers themselves: on a file written
// by hand, with every escape and a TZID in two zones, each reads exactly
// what the file means and raises nothing.
func TestCheckers_ReadSample(t *testing.T) {
	path := filepath.Join(interopDir, "samples", "sample.ics")
	ics, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Empty(t, lineProblems(ics), "the sample itself must be well formed")
	for _, c := range checkers {
		t.Run(c.name, func(t *testing.T) {
			c.require(t)
			r := c.run(t, path)
			assert.Equal(t, c.name, r.Checker)
			assert.Empty(t, problems(r, "PUBLISH", sampleWant()))
		})
	}
}

// TestCheckers_CatchDefects proves that the checks can fail: each defect
// that DESIGN.md says golang-ical's own output has, or that a hand-made
// encoder easily gets wrong, is put into the sample, and the checkers named
// must report a problem with it.
func TestCheckers_CatchDefects(t *testing.T) {
	sample, err := os.ReadFile(filepath.Join(interopDir, "samples", "sample.ics"))
	require.NoError(t, err)
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)

	tests := []struct {
		name     string
		edit     func(ics string) string
		want     func(w []wantEvent) // what the file was meant to say, if not the sample's
		caughtBy []string
	}{
		{
			name: "backslash-escaped parameter value",
			edit: replace(`CN="Müller, Jürgen"`, `CN=Müller\, Jürgen`),
			// vobject splits the value in two at the comma; the others
			// happen to read it as meant.
			caughtBy: []string{"python3-vobject"},
		},
		{
			name:     "parameter value with a colon, unquoted",
			edit:     replace(`CN="Zhou, Bolei; MIT: CSAIL"`, `CN=Zhou\, Bolei\; MIT: CSAIL`),
			caughtBy: []string{"ical.js", "python3-icalendar", "python3-vobject", "libical"},
		},
		{
			name:     "TZID without a VTIMEZONE",
			edit:     cut("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin", "END:VTIMEZONE\r\n"),
			caughtBy: []string{"ical.js", "python3-icalendar", "python3-vobject", "libical"},
		},
		{
			name:     "VTIMEZONE with the wrong daylight offset",
			edit:     replace("TZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400", "TZOFFSETFROM:-0500\r\nTZOFFSETTO:-0300"),
			caughtBy: []string{"ical.js", "python3-icalendar", "python3-vobject", "libical"},
		},
		{
			name:     "ATTENDEE in a PUBLISH",
			edit:     replace("ORGANIZER;CN=Seminar Office", "ATTENDEE;CN=Someone:mailto:someone@example.org\r\nORGANIZER;CN=Seminar Office"),
			caughtBy: []string{"libical"},
		},
		{
			name:     "no ORGANIZER in a PUBLISH",
			edit:     cut("ORGANIZER;CN=Seminar Office", "\r\n"),
			want:     func(w []wantEvent) { w[2].OrganizerCN, w[2].OrganizerEmail = "", "" },
			caughtBy: []string{"libical"},
		},
		{
			name: "a wall time that occurs twice, written with TZID",
			edit: edits(replace("20170612T160000", "20171105T013000"), replace("20170612T170000", "20171105T020000")),
			// Meant: the first 1:30 AM, in daylight time, as RFC 5545
			// 3.3.5 says. ical.js, pytz and libical read the second one.
			want: func(w []wantEvent) {
				w[0].Start = time.Date(2017, time.November, 5, 5, 30, 0, 0, time.UTC)
				w[0].End = time.Date(2017, time.November, 5, 2, 0, 0, 0, ny)
			},
			caughtBy: []string{"ical.js", "python3-icalendar", "libical"},
		},
		{
			name:     "DTEND missing",
			edit:     cut("DTEND:20270615T103000Z", "\r\n"),
			caughtBy: []string{"ical.js", "python3-icalendar", "python3-vobject", "libical"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			edited := tt.edit(string(sample))
			require.NotEqual(t, string(sample), edited, "the edit must change the sample")
			path := filepath.Join(t.TempDir(), "defect.ics")
			require.NoError(t, os.WriteFile(path, []byte(edited), 0o600))
			want := sampleWant()
			if tt.want != nil {
				tt.want(want)
			}
			for _, c := range checkers {
				if !slices.Contains(tt.caughtBy, c.name) {
					continue
				}
				t.Run(c.name, func(t *testing.T) {
					c.require(t)
					assert.NotEmpty(t, problems(c.run(t, path), "PUBLISH", want), "%s must notice: %s", c.name, tt.name)
				})
			}
		})
	}
}

// TestLineProblems proves the line checks that no checker makes.
func TestLineProblems(t *testing.T) {
	tests := []struct {
		name string
		ics  string
		want string
	}{
		{"LF line endings", "BEGIN:VCALENDAR\nEND:VCALENDAR\n", "does not end in CRLF"},
		{"bare CR inside a value", "DESCRIPTION:one\rtwo\r\n", "bare CR"},
		{"76 octets", "DESCRIPTION:" + strings.Repeat("x", 64) + "\r\n", "76 octets long"},
		{"no final CRLF", "END:VCALENDAR", "does not end in CRLF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Contains(t, strings.Join(lineProblems([]byte(tt.ics)), "\n"), tt.want)
		})
	}
	assert.Empty(t, lineProblems([]byte("DESCRIPTION:"+strings.Repeat("x", 63)+"\r\n ü\r\n")))
}

// replace returns an edit replacing the one occurrence of old.
func replace(old, new string) func(string) string {
	return func(s string) string {
		if strings.Count(s, old) != 1 {
			panic(fmt.Sprintf("sample holds %q %d times, want once", old, strings.Count(s, old)))
		}
		return strings.Replace(s, old, new, 1)
	}
}

// edits returns an edit applying each of edits in turn.
func edits(edits ...func(string) string) func(string) string {
	return func(s string) string {
		for _, e := range edits {
			s = e(s)
		}
		return s
	}
}

// cut returns an edit removing the text from start up to and including the
// first end after it.
func cut(start, end string) func(string) string {
	return func(s string) string {
		i := strings.Index(s, start)
		if i < 0 {
			panic(fmt.Sprintf("sample lacks %q", start))
		}
		j := strings.Index(s[i:], end)
		if j < 0 {
			panic(fmt.Sprintf("sample lacks %q after %q", end, start))
		}
		return s[:i] + s[i+j+len(end):]
	}
}
