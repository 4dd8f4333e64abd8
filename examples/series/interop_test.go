package main

// The interop checkers of package ical (see ical/interop_test.go, which
// says what each proves), run here on the feed of a planned series: four
// independent parsers must read each slot at the instant planned.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// interopDir holds ical's checker scripts, relative to this package.
const interopDir = "../../ical/testdata/interop"

// debianPython is Debian's interpreter, which has the Python packages the
// checkers use.
const debianPython = "/usr/bin/python3"

// A checker runs one independent parser on a file.
type checker struct {
	name    string
	script  string   // in interopDir
	command []string // the script's path is appended, then the file's
	probe   []string // exits 0 when the tool is installed
	install string
}

var checkers = []checker{
	{"ical.js", "check_icaljs.mjs", []string{"node"},
		[]string{"node", "-e", `import("ical.js").catch(e => { console.error(e.message); process.exit(1) })`},
		"install Node.js 18 or later and run `npm ci` in ical/testdata/interop"},
	{"python3-icalendar", "check_icalendar.py", []string{debianPython},
		[]string{debianPython, "-c", "import icalendar, pytz"}, "apt-get install python3-icalendar"},
	{"python3-vobject", "check_vobject.py", []string{debianPython},
		[]string{debianPython, "-c", "import vobject"}, "apt-get install python3-vobject"},
	{"libical", "check_libical.py", []string{debianPython},
		[]string{debianPython, "-c", "import gi; gi.require_version('ICalGLib', '3.0'); from gi.repository import ICalGLib"},
		"apt-get install gir1.2-ical-3.0 python3-gi"},
}

// require skips the test when the checker's tool is missing, or fails it
// when CI=true, where every checker must run.
func (c checker) require(t *testing.T) {
	t.Helper()
	probe := exec.Command(c.probe[0], c.probe[1:]...)
	probe.Dir = interopDir
	out, err := probe.CombinedOutput()
	if err == nil {
		return
	}
	msg := fmt.Sprintf("interop checker %s is not installed (%v: %s); to run it, %s", c.name, err, bytes.TrimSpace(out), c.install)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (in CI every checker must run)")
	}
	t.Skip(msg)
}

// checkReport is what every checker script prints.
type checkReport struct {
	Checker  string         `json:"checker"`
	Method   string         `json:"method"`
	Events   []checkedEvent `json:"events"`
	Errors   []string       `json:"errors"`
	Warnings []string       `json:"warnings"`
}

type checkedEvent struct {
	UID     string `json:"uid"`
	Summary string `json:"summary"`
	Status  string `json:"status"`
	Start   *int64 `json:"dtstart"` // Unix seconds
	End     *int64 `json:"dtend"`
}

// checkedSlot is what a checker must read of a slot.
type checkedSlot struct {
	UID        string
	Start, End time.Time
}

// run reads the file at path with the checker.
func (c checker) run(t *testing.T, path string) checkReport {
	t.Helper()
	path, err := filepath.Abs(path)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.command[0], append(c.command[1:], c.script, path)...)
	cmd.Dir = interopDir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "checker %s crashed; stderr:\n%s", c.name, stderr.String())
	var r checkReport
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &r), "checker %s printed:\n%s", c.name, stdout.String())
	require.Equal(t, c.name, r.Checker)
	return r
}
