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
//     floating; the script reports that). ical.js takes no onset from the
//     DTSTART of an observance with RDATEs and no RRULE, so the encoder lists
//     that DTSTART among the RDATEs. Does not prove: RFC 5546 rules, or
//     that the VTIMEZONE matches the tz database; ical.js reads a repeated
//     wall time (fall-back night) as its second occurrence, contrary to RFC
//     5545 3.3.5.
//   - python3-icalendar 4.0 (Debian 12). It resolves a TZID that names an
//     IANA zone through pytz by name and ignores the VTIMEZONE, so its
//     instants prove that our TZIDs are real IANA names and that the wall
//     times under them mean our instants. The script then checks the
//     VTIMEZONE itself with icalendar's Timezone.to_tz(): its UTC offsets
//     must equal the tz database's at each event time and around each
//     transition from the zone's first event time to the first transition
//     after its last. Does not prove: offsets outside that span (our
//     VTIMEZONEs hold only the observances the events need).
//   - python3-vobject 0.9.6 (Debian 12), readOne(validate=True): proves the
//     file passes vobject's stricter line and parameter parsing (it splits a
//     backslash-escaped parameter value in two) and its property-count
//     validation, and reads every TZID time through the file's VTIMEZONE
//     (dateutil's tzical; a fallback to pytz is an error, except where
//     vobject takes a VTIMEZONE for UTC because its offsets from 2000 to 2020
//     are UTC's: the script then reads the time through the VTIMEZONE
//     itself). dateutil reads a repeated wall time as its first occurrence,
//     as the RFC says.
//   - libical 3.0 through GObject introspection (gir1.2-ical-3.0), the
//     library of Evolution and KDE: proves the parser inserts no X-LIC-ERROR
//     anywhere and that check_restrictions passes RFC 5546's table for the
//     file's METHOD (PUBLISH: exactly one ORGANIZER, no ATTENDEE, ...); times
//     are read through the file's VTIMEZONE. libical too reads a repeated
//     wall time as its second occurrence.
//
// What the test adds to the checkers' readings:
//   - Line endings and lengths, which no checker rejects: every line ends in
//     CRLF, holds no bare CR and is at most 75 octets.
//   - Fold times: the readers disagree on a wall time that occurs twice, so
//     any event time in a fold must be written in UTC for all of them to
//     read our instant; the corpus holds such times on purpose, at both
//     readings, in New York, Berlin and on Lord Howe Island.
//   - Parameter values: the ORGANIZER's CN must read, in every checker,
//     exactly as written, with no escape decoded. Readers disagree on
//     escapes in parameter values (only ical.js decodes RFC 6868's ^' ^n ^^
//     fully, libical only ^^; ical.js takes \n and \\ as escapes,
//     python-icalendar only \\, vobject and libical neither), so a value must
//     hold none; and it must look like the name (see lookalike).
//   - Known misreadings are held to exactly their known form, not waved
//     through: python-icalendar 4.0's TEXT unescaping (see knownMisread),
//     and libical 3.0's parse errors for RFC 9073 property names when
//     EncodeOptions.Participants is set.
//
// Set INTEROP_KEEP to a directory to keep the exported files there.
//
// A checker whose tool is missing is skipped, saying how to install it,
// except when CI=true: then it fails, as nothing may skip in CI. .ci/run
// installs every tool.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/ical"
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
		probe:   []string{"node", "-e", `import("ical.js").catch(e => { console.error(e.message); process.exit(1) })`},
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

// probed holds each checker's probe result (an error or nil) once run: a
// tool does not come or go during a test run.
var probed sync.Map

// require skips the test when the checker's tool is missing, or fails it
// when running in CI.
func (c checker) require(t *testing.T) {
	t.Helper()
	res, ok := probed.Load(c.name)
	if !ok {
		probe := exec.Command(c.probe[0], c.probe[1:]...)
		probe.Dir = interopDir
		out, err := probe.CombinedOutput()
		if out = bytes.TrimSpace(out); err != nil && len(out) > 0 {
			err = fmt.Errorf("%w: %s", err, out)
		}
		res, _ = probed.LoadOrStore(c.name, err)
	}
	err, _ := res.(error)
	if err == nil {
		return
	}
	msg := fmt.Sprintf("interop checker %s is not installed (%v); to run it, %s", c.name, err, c.install)
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

	// raw holds the TEXT values as written, escaped, by property name,
	// where known: a checker known to misread escapes is held to its
	// known misreading of them (see knownMisread).
	raw map[string]string
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
		out = append(out, eventProblems(r.Checker, g, w)...)
	}
	for uid := range got {
		out = append(out, fmt.Sprintf("UID %q read but never written", uid))
	}
	return out
}

func eventProblems(checker string, g checkedEvent, w wantEvent) []string {
	var out []string
	field := func(name, got, want string) {
		if got != want && !knownMisread(checker, w.raw[name], got) {
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

// knownMisread reports whether got is how checker is known to misread the
// escaped TEXT value raw. python-icalendar 4.0 (Debian 12) undoes escapes
// twice, each time one kind after another: its content-line parser turns
// \, \: \; and \\ into placeholders (%2C %3A %3B %5C) and back, then
// vText undoes \N \n \, \; and \\ in that order. So a backslash in the text
// followed by "n", a comma or a semicolon loses or gains a character, and
// so does text holding "%2C". RFC 5545 leaves the encoder no other way to
// write such text: the misreading is the tool's.
func knownMisread(checker, raw, got string) bool {
	if checker != "python3-icalendar" || raw == "" {
		return false
	}
	steps := [][2]string{
		{`\,`, "%2C"}, {`\:`, "%3A"}, {`\;`, "%3B"}, {`\\`, "%5C"},
		{"%2C", ","}, {"%3A", ":"}, {"%3B", ";"}, {"%5C", `\`},
		{`\N`, `\n`}, {"\r\n", "\n"}, {`\n`, "\n"}, {`\,`, ","}, {`\;`, ";"}, {`\\`, `\`},
	}
	for _, r := range steps {
		raw = strings.ReplaceAll(raw, r[0], r[1])
	}
	return got == raw
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
			if found := problems(r, "PUBLISH", sampleWant()); len(found) > 0 {
				t.Errorf("%s read the sample differently:\n%s", c.name, strings.Join(found, "\n"))
			}
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
			t.Parallel()
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

// TestLookalike pins which parameter values count as showing a name.
func TestLookalike(t *testing.T) {
	tests := []struct {
		written, name string
		want          bool
	}{
		{"Jane Doe", "Jane Doe", true},
		{"Jane 'JD' Doe", `Jane "JD" Doe`, true},
		{"Jane ＂JD＂ Doe", `Jane "JD" Doe`, true},
		{"Lab＼Group ＾_＾", `Lab\Group ^_^`, true},
		{"x^n", "x^n", true},
		{"Jane ^'JD^' Doe", `Jane "JD" Doe`, false}, // RFC 6868: most readers show the carets
		{`Lab\Group`, `Lab\Group`, false},           // ical.js reads \n, \\ as escapes
		{"Jane 'JD' Doe", "Jane JD Doe", false},
		{"Jane", "Jane Doe", false},
	}
	for _, tt := range tests {
		t.Run(tt.written, func(t *testing.T) {
			assert.Equal(t, tt.want, lookalike(tt.written, tt.name))
		})
	}
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

// interopNow is the DTSTAMP of every interop export.
var interopNow = time.Date(2027, time.January, 2, 3, 4, 5, 0, time.UTC)

// interopOrganizer is the ORGANIZER of events whose contact has no email.
var interopOrganizer = seminar.Person{Name: `Seminar Office, "CSAIL"; MIT: 32-G4\B, x^n ^_^`, Email: "seminars@csail.mit.edu"}

// interopCorpus returns events that are hard to write so that every client
// reads them the same: punctuation that iCalendar escapes or quotes, text
// in every script, long and multi-line abstracts, times at the edges of
// daylight-saving transitions (a wall time that a fall-back repeats is
// read differently by different parsers), zones from UTC-03:00 to
// UTC+14:00 with 30- and 45-minute offsets, long and cancelled events.
func interopCorpus(t *testing.T) []*seminar.Event {
	t.Helper()
	zone := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		require.NoError(t, err)
		return loc
	}
	ny, berlin := zone("America/New_York"), zone("Europe/Berlin")
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return tm
	}
	longAbstract := []rune(strings.Repeat("深度学习 deep learning 🧠; commas, \"quotes\" \\ and 한국어. ", 120))[:5000]
	contact := seminar.Person{Name: `Müller, "Jürgen"; Büro: 3\4`, Email: "juergen.mueller@example.org"}
	base := func(uid, title, tz string, start, end time.Time) *seminar.Event {
		return &seminar.Event{
			UID: uid, Title: title, TimeZone: tz, Start: start, End: end, Public: true,
			Speakers: []seminar.Person{{Name: "Ada Lovelace", Affiliation: "Analytical Engines"}},
			Host:     seminar.Person{Name: "Alan Turing", Affiliation: "Bletchley Park"},
			Contact:  contact,
			Location: seminar.Location{Room: "32-D507", Building: "Stata Center"},
			Abstract: "A talk.",
		}
	}
	seed := base("seed-talk@csail.mit.edu", "A picture of the energy landscape of deep neural networks", "America/New_York",
		time.Date(2017, time.June, 12, 16, 0, 0, 0, ny), time.Date(2017, time.June, 12, 17, 0, 0, 0, ny))
	seed.Speakers = []seminar.Person{{Name: "Pratik Chaudhari", Affiliation: "UCLA",
		Bio: "Pratik Chaudhari is a PhD candidate in Computer Science at UCLA."}}
	seed.Host = seminar.Person{Name: "Bolei Zhou", Affiliation: "MIT CSAIL"}
	seed.Contact = seminar.Person{Name: "Bolei Zhou", Email: "bzhou@csail.mit.edu"}
	seed.Location = seminar.Location{Room: "32-D507"}
	seed.Abstract = "Stochastic gradient descent (SGD) is the gold standard of optimization in deep learning.\r\n" +
		"In practice, optima discovered by SGD have a large proportion of almost-zero eigenvalues in the Hessian.\r\n"
	seed.Links = []seminar.Link{{Label: "arXiv", URL: "https://arxiv.org/abs/1611.01838"}, {Label: "arXiv", URL: "https://arxiv.org/abs/1704.04932"}}

	punct := base("punctuation@seminar.invalid", `Commas, semicolons; colons: "quotes" and back\slashes \n \, \; \\ done`, "Europe/Berlin",
		time.Date(2027, time.May, 10, 14, 0, 0, 0, berlin), time.Date(2027, time.May, 10, 15, 30, 0, 0, berlin))
	punct.Speakers = []seminar.Person{
		{Name: `Doe, Jane; "JD": Lab\Group`, Affiliation: `MIT; CSAIL: "Vision", Group\B`, Email: "jane@example.org"},
		{Name: `O'Brien: Seán "the \ Brave"`, Affiliation: "Trinity, Dublin"},
	}
	punct.Host = seminar.Person{Name: `Host, "The"; Name: \x`, Affiliation: `Dept. of A; B, "C"`}
	punct.Location = seminar.Location{Room: `Room 1; "Big", Hall: B\2`, Building: "Main, East Wing", Address: `1 Main St; Apt "4"`}
	punct.Abstract = `Escapes: \n is not a newline, \, is not a comma; "quoted"; colon: yes.`
	punct.Type, punct.Series = "Colloquium", `Series: "Graphs, Groups; Geometry"`
	punct.ResearchAreas = []string{"Machine Learning; Vision", `Theory: "Graphs"`}

	unicode := base("unicode-😀@seminar.invalid", "深度学习の幾何学 🧠🚀 — Ωmega ∑ Ünïcödé 한국어 العربية עברית", "Asia/Kolkata",
		time.Date(2027, time.February, 3, 10, 30, 0, 0, zone("Asia/Kolkata")), time.Date(2027, time.February, 3, 12, 0, 0, 0, zone("Asia/Kolkata")))
	unicode.Speakers = []seminar.Person{{Name: "王小明", Affiliation: "清华大学"}, {Name: "김민준", Affiliation: "서울대학교"}, {Name: "🦄 Ünicorn Ærøskøbing"}}
	unicode.Host = seminar.Person{Name: "Ñandú Çelik", Affiliation: "Universität Zürich"}
	unicode.Contact = seminar.Person{Name: "Сергей Иванов", Email: "sergei@example.org"}
	unicode.Location = seminar.Location{Room: "会议室 3F-301 🏢", Building: "清华大学 FIT楼", Address: "北京市海淀区"}
	unicode.Abstract = "多言語の要旨。\n한국어 초록.\nΠερίληψη στα ελληνικά. 🎉🎉🎉"

	crlf := base("crlf@seminar.invalid", "Abstract with line breaks of every kind", "America/Sao_Paulo",
		time.Date(2027, time.August, 20, 15, 0, 0, 0, zone("America/Sao_Paulo")), time.Date(2027, time.August, 20, 16, 0, 0, 0, zone("America/Sao_Paulo")))
	crlf.Abstract = "First paragraph.\r\n\r\nSecond paragraph, after a blank line.\r\nThird line\rafter a lone CR.\n\n\nThree newlines above.\tTabbed.\r\n\r\n  Indented last line."

	long := base("long@seminar.invalid", "Five thousand characters of abstract", "Pacific/Chatham",
		time.Date(2027, time.January, 15, 9, 0, 0, 0, zone("Pacific/Chatham")), time.Date(2027, time.January, 15, 10, 0, 0, 0, zone("Pacific/Chatham")))
	long.Abstract = string(longAbstract)

	cancelled := base("cancelled@seminar.invalid", "Cancelled: a talk that will not happen", "America/New_York",
		time.Date(2027, time.June, 1, 12, 0, 0, 0, ny), time.Date(2027, time.June, 1, 13, 0, 0, 0, ny))
	cancelled.Status, cancelled.CancelReason, cancelled.Sequence = seminar.StatusCancelled, "The speaker is ill; sorry, \"truly\".\r\nSee you soon.", 3

	several := base("several@seminar.invalid", "Panel: five speakers", "Asia/Kolkata",
		time.Date(2027, time.September, 9, 17, 30, 0, 0, zone("Asia/Kolkata")), time.Date(2027, time.September, 9, 19, 0, 0, 0, zone("Asia/Kolkata")))
	several.Speakers = []seminar.Person{
		{Name: "Grace Hopper", Affiliation: "US Navy", Bio: "Rear admiral.\n\nCompiler pioneer."},
		{Name: "Edsger W. Dijkstra", Affiliation: "UT Austin", Bio: "Shortest paths."},
		{Name: "Barbara Liskov", Affiliation: "MIT"},
		{Name: "Donald E. Knuth", Affiliation: "Stanford", URL: "https://www-cs-faculty.stanford.edu/~knuth/"},
		{Name: "Frances Allen", Affiliation: "IBM"},
	}
	several.Contact = seminar.Person{Name: "Nobody's Email"} // ORGANIZER falls back to interopOrganizer

	online := base("online@seminar.invalid", "Online only, in UTC", "UTC",
		utc("2027-03-03T18:00:00Z"), utc("2027-03-03T19:15:00Z"))
	online.Location = seminar.Location{URL: "https://meet.example.org/abc?x=1,2;y=3"}
	online.Contact = seminar.Person{}

	outlook := base("040000008200E00074C5B7101A82E00800000000D0F3C2A7E0D4DA01000000000000000010000000A1B2C3D4E5F60718293A4B5C6D7E8F90",
		"An imported event with an Outlook UID", "America/Sao_Paulo",
		time.Date(2027, time.November, 3, 9, 0, 0, 0, zone("America/Sao_Paulo")), time.Date(2027, time.November, 3, 10, 0, 0, 0, zone("America/Sao_Paulo")))

	events := []*seminar.Event{seed, punct, unicode, crlf, long, cancelled, several, online, outlook,
		// New York springs forward at 2:00 EST on 2027-03-14 to 3:00 EDT.
		base("ny-after-gap@seminar.invalid", "New York, 3:00 on spring-forward night", "America/New_York",
			utc("2027-03-14T07:00:00Z"), utc("2027-03-14T08:00:00Z")),
		base("ny-across-gap@seminar.invalid", "New York, 1:30 EST to 3:30 EDT across the gap", "America/New_York",
			utc("2027-03-14T06:30:00Z"), utc("2027-03-14T07:30:00Z")),
		// It falls back at 2:00 EDT on 2027-11-07 to 1:00 EST: 1:00 to
		// 1:59 happen twice.
		base("ny-fold-first@seminar.invalid", "New York, the first 1:30 (EDT) to the second (EST)", "America/New_York",
			utc("2027-11-07T05:30:00Z"), utc("2027-11-07T06:30:00Z")),
		base("ny-fold-second@seminar.invalid", "New York, the second 1:00 (EST) to 2:00 EST", "America/New_York",
			utc("2027-11-07T06:00:00Z"), utc("2027-11-07T07:00:00Z")),
		base("ny-before-fold@seminar.invalid", "New York, 0:30 EDT to the first 1:00", "America/New_York",
			utc("2027-11-07T04:30:00Z"), utc("2027-11-07T05:00:00Z")),
		// Berlin springs forward at 2:00 CET on 2027-03-28 to 3:00 CEST,
		// and falls back at 3:00 CEST on 2027-10-31 to 2:00 CET.
		base("berlin-after-gap@seminar.invalid", "Berlin, 3:00 on spring-forward night", "Europe/Berlin",
			utc("2027-03-28T01:00:00Z"), utc("2027-03-28T02:00:00Z")),
		base("berlin-fold@seminar.invalid", "Berlin, the first 2:30 (CEST) to the second (CET)", "Europe/Berlin",
			utc("2027-10-31T00:30:00Z"), utc("2027-10-31T01:30:00Z")),
		base("berlin-after-fold@seminar.invalid", "Berlin, 3:00 CET after the fall-back", "Europe/Berlin",
			utc("2027-10-31T02:00:00Z"), utc("2027-10-31T03:00:00Z")),
		// Lord Howe Island falls back half an hour, at 2:00 (+11:00) on
		// 2027-04-04 to 1:30 (+10:30).
		base("lord-howe-fold@seminar.invalid", "Lord Howe, the first 1:45 to 2:15", "Australia/Lord_Howe",
			utc("2027-04-03T14:45:00Z"), utc("2027-04-03T15:45:00Z")),
		base("lord-howe@seminar.invalid", "Lord Howe in summer", "Australia/Lord_Howe",
			time.Date(2027, time.January, 20, 9, 0, 0, 0, zone("Australia/Lord_Howe")), time.Date(2027, time.January, 20, 10, 0, 0, 0, zone("Australia/Lord_Howe"))),
		base("chatham-winter@seminar.invalid", "Chatham Islands, +12:45", "Pacific/Chatham",
			time.Date(2027, time.July, 1, 9, 0, 0, 0, zone("Pacific/Chatham")), time.Date(2027, time.July, 1, 10, 0, 0, 0, zone("Pacific/Chatham"))),
		base("kiritimati@seminar.invalid", "Kiritimati, +14:00, the first new year", "Pacific/Kiritimati",
			time.Date(2027, time.January, 1, 0, 0, 0, 0, zone("Pacific/Kiritimati")), time.Date(2027, time.January, 1, 1, 0, 0, 0, zone("Pacific/Kiritimati"))),
		base("workshop@seminar.invalid", "Workshop over four days, across the fall-back", "Europe/Berlin",
			time.Date(2027, time.October, 29, 9, 0, 0, 0, berlin), time.Date(2027, time.November, 1, 17, 0, 0, 0, berlin)),
		base("month@seminar.invalid", "A month-long exhibition", "UTC",
			utc("2027-07-01T00:00:00Z"), utc("2027-07-31T00:00:00Z")),
	}
	for i, e := range events {
		e.Sequence += i % 3
		require.NoError(t, e.Validate(), "corpus event %s must be a valid event", e.UID)
	}
	return events
}

// TestEncoder_Interop writes the corpus as one PUBLISH feed, with the
// default options and with the feed options, and has every checker read
// it: each must raise nothing and read every event as written.
func TestEncoder_Interop(t *testing.T) {
	corpus := interopCorpus(t)
	now := func() time.Time { return interopNow }
	tests := []struct {
		name string
		opts ical.EncodeOptions
		// allowed holds errors that a checker may raise, by checker:
		// what a tool is known not to understand.
		allowed map[string][]string
	}{
		{name: "defaults", opts: ical.EncodeOptions{Now: now, Organizer: interopOrganizer}},
		{name: "feed options", opts: ical.EncodeOptions{
			Now:             now,
			Organizer:       interopOrganizer,
			Name:            `Talks, "CSAIL"; MIT: 🧠`,
			Description:     "Every talk at the lab.\nAll of them; really.",
			RefreshInterval: 6 * time.Hour,
			EventURL:        func(e *seminar.Event) string { return "https://talks.example.org/e/" + url.PathEscape(e.UID) },
			CancelledPrefix: true,
			HideContact:     true,
		}},
		{
			name: "participants",
			opts: ical.EncodeOptions{Now: now, Organizer: interopOrganizer, Participants: true},
			// libical 3.0 predates RFC 9073 and flags its property
			// names; it still reads the event.
			allowed: map[string][]string{"libical": {
				"Parse error in property name: PARTICIPANT-TYPE",
				"Parse error in property name: CALENDAR-ADDRESS",
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			enc := ical.NewEncoder(&buf, &tt.opts)
			for _, e := range corpus {
				require.NoError(t, enc.Encode(e), "encode %s", e.UID)
			}
			require.NoError(t, enc.Close())
			checkInterop(t, buf.Bytes(), "PUBLISH", corpus, &tt.opts, tt.allowed)
		})
	}
}

// TestEncodeEvent_InteropCancel writes the cancellation notice a mail
// attaches, METHOD:CANCEL, for a cancelled event and for one still
// scheduled (the notice itself cancels it), and has every checker read it.
func TestEncodeEvent_InteropCancel(t *testing.T) {
	corpus := interopCorpus(t)
	for _, uid := range []string{"cancelled@seminar.invalid", "punctuation@seminar.invalid"} {
		t.Run(uid, func(t *testing.T) {
			i := slices.IndexFunc(corpus, func(e *seminar.Event) bool { return e.UID == uid })
			require.GreaterOrEqual(t, i, 0)
			opts := &ical.EncodeOptions{Method: "CANCEL", Now: func() time.Time { return interopNow }, Organizer: interopOrganizer}
			var buf bytes.Buffer
			require.NoError(t, ical.EncodeEvent(&buf, corpus[i], opts))
			checkInterop(t, buf.Bytes(), "CANCEL", corpus[i:i+1], opts, nil)
		})
	}
}

// checkInterop has every checker read ics, which holds events, and
// asserts that each raised nothing (but the errors allowed for it) and
// read what was written.
func checkInterop(t *testing.T, ics []byte, method string, events []*seminar.Event, opts *ical.EncodeOptions, allowed map[string][]string) {
	t.Helper()
	assert.Empty(t, lineProblems(ics))
	written := writtenEvents(ics)
	want := make([]wantEvent, 0, len(events))
	for _, e := range events {
		w, ok := written[e.UID]
		if !assert.True(t, ok, "no VEVENT with UID %q was written", e.UID) {
			continue
		}
		assertCarries(t, e, w, opts)
		want = append(want, wantOf(e, w, method, opts))
	}
	dir := os.Getenv("INTEROP_KEEP") // a directory to keep the files in, for a look at them
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, strings.NewReplacer("/", "-", " ", "-").Replace(t.Name())+".ics")
	require.NoError(t, os.WriteFile(path, ics, 0o600))
	for _, c := range checkers {
		t.Run(c.name, func(t *testing.T) {
			c.require(t)
			found := slices.DeleteFunc(problems(c.run(t, path), method, want), func(p string) bool {
				return strings.HasPrefix(p, "error: ") && slices.ContainsFunc(allowed[c.name], func(a string) bool {
					return strings.Contains(p, a)
				})
			})
			if len(found) > 0 {
				t.Errorf("%s read the export differently:\n%s", c.name, strings.Join(found, "\n"))
				logVEvents(t, ics, found)
			}
		})
	}
}

// wantOf is what a checker must read for e. DESCRIPTION, LOCATION and the
// ORGANIZER's CN are taken as written: their layout is the encoder's to
// choose, and assertCarries checks what they must hold. The CN is the
// parameter value exactly as written, with no escape decoded: an escape
// that some readers decode and others do not (RFC 6868's ^', a backslash)
// shows as a difference between checkers.
func wantOf(e *seminar.Event, written map[string]writtenProp, method string, opts *ical.EncodeOptions) wantEvent {
	cancelled := e.Cancelled() || method == "CANCEL"
	w := wantEvent{
		UID:         e.UID,
		Summary:     e.Title,
		Description: written["DESCRIPTION"].text(),
		Location:    written["LOCATION"].text(),
		OrganizerCN: written["ORGANIZER"].params["CN"],
		raw: map[string]string{
			"SUMMARY":     written["SUMMARY"].raw,
			"DESCRIPTION": written["DESCRIPTION"].raw,
			"LOCATION":    written["LOCATION"].raw,
		},
		Status:   "CONFIRMED",
		Sequence: e.Sequence,
		Start:    e.Start,
		End:      e.End,
	}
	if cancelled {
		w.Status = "CANCELLED"
		if opts.CancelledPrefix {
			w.Summary = "Cancelled: " + e.Title
		}
	}
	organizer := e.Contact
	if organizer.Email == "" || opts.HideContact {
		organizer = opts.Organizer
	}
	w.OrganizerEmail = organizer.Email
	return w
}

// assertCarries checks that what was written for e holds what a reader
// needs: the abstract, every speaker, the host, the place, and the
// organizer's name.
func assertCarries(t *testing.T, e *seminar.Event, written map[string]writtenProp, opts *ical.EncodeOptions) {
	t.Helper()
	desc := newlines(written["DESCRIPTION"].text())
	assert.Contains(t, desc, newlines(strings.TrimRight(e.Abstract, " \t\r\n")), "%s: DESCRIPTION must hold the abstract", e.UID)
	for _, s := range e.Speakers {
		assert.Contains(t, desc, s.Name, "%s: DESCRIPTION must name each speaker", e.UID)
	}
	assert.Contains(t, desc, e.Host.Name, "%s: DESCRIPTION must name the host", e.UID)
	loc := written["LOCATION"].text()
	for _, part := range []string{e.Location.Room, e.Location.Building, e.Location.Address} {
		assert.Contains(t, loc, part, "%s: LOCATION must hold the room, building and address", e.UID)
	}
	if e.Location.Room == "" && e.Location.Building == "" && e.Location.Address == "" {
		assert.Equal(t, e.Location.URL, loc, "%s: LOCATION of an online talk is its URL", e.UID)
	}
	organizer := e.Contact
	if organizer.Email == "" || opts.HideContact {
		organizer = opts.Organizer
	}
	cn := written["ORGANIZER"].params["CN"]
	assert.True(t, lookalike(cn, organizer.Name), "%s: ORGANIZER CN %q must read as %q", e.UID, cn, organizer.Name)
}

// lookalike reports whether a parameter value as written shows name: the
// same characters, except that a double quote, which a parameter value
// cannot hold, and a backslash, which some readers take as the start of an
// escape and others do not, must each be replaced by one character that is
// neither, such as an apostrophe for '"' and U+FF3C for '\\'; a caret,
// which RFC 6868 readers decode before n, ' and ^, may be replaced too.
func lookalike(written, name string) bool {
	w, n := []rune(written), []rune(name)
	if len(w) != len(n) {
		return false
	}
	for i := range n {
		if w[i] == n[i] && w[i] != '"' && w[i] != '\\' {
			continue
		}
		if !strings.ContainsRune(`"\^`, n[i]) || strings.ContainsRune("\"\\\r\n", w[i]) {
			return false
		}
	}
	return true
}

// writtenProp is one property as the file holds it: parameter values
// with their quotes taken off, the value still escaped.
type writtenProp struct {
	params map[string]string
	raw    string
}

// text is the property's TEXT value, escapes undone.
func (p writtenProp) text() string { return unescapeText(p.raw) }

// writtenEvents reads the file's own properties of each VEVENT (the first
// of each name; those of nested components skipped), keyed by UID: a
// reader of our own, independent of the encoder's code, that says what the
// file holds.
func writtenEvents(ics []byte) map[string]map[string]writtenProp {
	unfolded := strings.NewReplacer("\r\n ", "", "\r\n\t", "").Replace(string(ics))
	events := map[string]map[string]writtenProp{}
	var cur map[string]writtenProp
	depth := 0
	for _, line := range strings.Split(unfolded, "\r\n") {
		switch {
		case line == "BEGIN:VEVENT":
			cur, depth = map[string]writtenProp{}, 0
		case cur == nil:
		case line == "END:VEVENT":
			events[cur["UID"].text()] = cur
			cur = nil
		case strings.HasPrefix(line, "BEGIN:"):
			depth++
		case strings.HasPrefix(line, "END:"):
			depth--
		case depth == 0:
			name, p := splitContentLine(line)
			if _, seen := cur[name]; !seen {
				cur[name] = p
			}
		}
	}
	return events
}

// splitContentLine splits an unfolded content line (RFC 5545 3.1) into its
// name, parameters and value; the value starts after the first colon
// outside a quoted parameter value.
func splitContentLine(line string) (string, writtenProp) {
	p := writtenProp{params: map[string]string{}}
	var parts []string
	quoted, from := false, 0
	for i, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case (c == ';' || c == ':') && !quoted:
			parts = append(parts, line[from:i])
			from = i + 1
			if c == ':' {
				p.raw = line[i+1:]
				for _, param := range parts[1:] {
					k, v, _ := strings.Cut(param, "=")
					p.params[strings.ToUpper(k)] = strings.Trim(v, `"`)
				}
				return parts[0], p
			}
		}
	}
	return line, p
}

// unescapeText undoes RFC 5545 3.3.11 TEXT escaping.
func unescapeText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n', 'N':
			b.WriteByte('\n')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// logVEvents logs the VEVENT of each UID named in found, as written, so
// that a failure shows the lines a checker misread.
func logVEvents(t *testing.T, ics []byte, found []string) {
	t.Helper()
	text := string(ics)
	logged := map[string]bool{}
	for _, p := range found {
		for _, block := range strings.SplitAfter(text, "END:VEVENT\r\n") {
			i := strings.Index(block, "BEGIN:VEVENT\r\n")
			if i < 0 {
				continue
			}
			block = block[i:]
			uid := writtenEvents([]byte(block))
			for u := range uid {
				if u != "" && strings.Contains(p, u) && !logged[u] {
					logged[u] = true
					t.Logf("as written:\n%s", block)
				}
			}
		}
	}
}
